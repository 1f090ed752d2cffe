import { test } from "node:test";
import assert from "node:assert/strict";
import { renderReport, lineChart, InputError } from "../../src/index.js";
import { figureAnchor } from "../../src/plot/report.js";
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

test("renderReport labels figures as given, anchors them and links every \"Figure X\" of the text to its figure", () => {
  const svg = lineChart({ series: [{ x: [0, 1], y: [0, 1] }] });
  const html = renderReport({
    title: "t",
    sections: [
      { heading: "A", paragraphs: ["Figure 2 is the paper's; Figure S1 is ours; Figure 9 does not exist; `Figure 2` in code stays code."], figures: [{ label: "Figure 2", caption: "Paper figure.", svg }] },
      { heading: "B", table: { columns: ["x"], rows: [["see Figure S1"]] }, figures: [{ label: "Figure S1", caption: "Extra.", svg }] },
    ],
  });
  assert.ok(html.includes('<figure id="fig-2">') && html.includes('<figure id="fig-s1">'));
  assert.ok(html.includes("<b>Figure 2.</b> Paper figure.") && html.includes("<b>Figure S1.</b> Extra."));
  assert.equal(html.split('<a href="#fig-2">Figure 2</a>').length - 1, 1);
  assert.equal(html.split('<a href="#fig-s1">Figure S1</a>').length - 1, 2, "from a paragraph and from a table cell");
  assert.ok(html.includes("Figure 9 does not exist") && html.includes("<code>Figure 2</code>"));
  assert.equal(figureAnchor("Figure S12"), "fig-s12");
  assert.throws(() => renderReport({ title: "t", sections: [{ heading: "h", figures: [{ label: "Figure 1", caption: "a", svg }, { label: "Figure 1", caption: "b", svg }] }] }), (e: Error) => e instanceof InputError && /used twice/.test(e.message));
  assert.throws(() => renderReport({ title: "t", sections: [{ heading: "h", figures: [{ label: "Fig. 1", caption: "a", svg }] }] }), (e: Error) => e instanceof InputError && /figure label/.test(e.message));
});
