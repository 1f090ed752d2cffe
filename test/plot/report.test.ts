import { test } from "node:test";
import assert from "node:assert/strict";
import { renderReport, lineChart, InputError } from "../../src/index.js";
import { sampleReport } from "./report-fixture.js";

test("renderReport produces one self-contained HTML page with numbered inline figures", () => {
  const html = sampleReport();
  assert.match(html, /^<!DOCTYPE html>/);
  assert.ok(html.includes(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`), "a CSP forbids every request");
  assert.equal(html.split("<figure ").length - 1, 8);
  assert.ok(html.includes("<b>Figure 8.</b> Confusion matrix."));
  assert.ok(!/<script|<link|<img|@import|https?:\/\/(?!www\.w3\.org\/2000\/svg)/.test(html), "no scripts, links, images or external URLs");
  assert.ok(html.includes('<a href="#run-details">Run details</a>'));
});

test("renderReport escapes every text and marks backticked code", () => {
  const html = sampleReport();
  assert.ok(html.includes("<title>dynaspin reproduce &lt;quick&gt;</title>"));
  assert.ok(html.includes("Escaping: &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;"));
  assert.ok(html.includes("<code>dynaspin reproduce --quick</code>"));
  assert.ok(html.includes('<td class="num">96.9</td>') && html.includes('<td class="num">92 %</td>'));
});

test("renderReport rejects figures with scripts or external references and ragged tables", () => {
  const svg = lineChart({ series: [{ x: [0, 1], y: [0, 1] }] });
  const bad = svg.replace("</svg>", '<image href="http://example.com/x.png"/></svg>');
  assert.throws(() => renderReport({ title: "t", sections: [{ heading: "h", figures: [{ caption: "c", svg: bad }] }] }), (e: Error) => e instanceof InputError && /sections\[0\]\.figures\[0\]\.svg must not contain/.test(e.message));
  assert.throws(() => renderReport({ title: "t", sections: [{ heading: "h", figures: [{ caption: "c", svg: svg.replace("</svg>", "<script>1</script></svg>") }] }] }), InputError);
  assert.throws(() => renderReport({ title: "t", sections: [{ heading: "h", figures: [{ caption: "c", svg: "<div/>" }] }] }), InputError);
  assert.throws(() => renderReport({ title: "t", sections: [{ heading: "h", table: { columns: ["a", "b"], rows: [["1"]] } }] }), (e: Error) => e instanceof InputError && /rows\[0\] must have 2 cells/.test(e.message));
});
