import { test } from "node:test";
import assert from "node:assert/strict";
import { lineChart, scatterChart, heatmapChart, histogramChart, histogram, panelGrid, InputError } from "../../src/index.js";
import { clipLine, sampleRegions } from "../../src/plot/scatter.js";
import { svgSize } from "../../src/plot/panel.js";
import { matchSnapshot } from "./snapshot.js";
import { wiggle } from "./fixtures.js";

const xs = [0, 1, 2, 3, 4, 5];

function line(): string {
  return lineChart({
    title: "Two series & a band",
    series: [
      { label: "mean", x: xs, y: [1, 2, 2.5, 2.2, 3, 3.5], band: { lo: [0.8, 1.7, 2.1, 1.9, 2.6, 3], hi: [1.2, 2.3, 2.9, 2.5, 3.4, 4] } },
      { label: "test <b>", x: xs, y: [0.5, 1, NaN, 2, 2.4, 2.6], style: "linepoints", dash: "6 3" },
    ],
    x: { label: "Epoch" },
    y: { label: "Value", unit: "mW" },
    hlines: [{ value: 2, label: "target" }],
  });
}

test("lineChart draws series, bands, gaps and reference lines as a stable SVG", () => {
  const svg = line();
  matchSnapshot("line", svg);
  assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="480" height="320"/);
  assert.ok(svg.includes("test &lt;b&gt;"), "legend text is escaped");
  assert.ok(svg.includes("Value (mW)"), "axis title carries its unit");
  assert.equal(line(), svg, "the same input gives the same SVG");
});

test("lineChart with a log y axis and a right axis labels decades and skips non-positive values", () => {
  const svg = lineChart({
    series: [
      { label: "loss", x: xs, y: [1, 0.3, 0.1, 0.03, 0, 0.005] },
      { label: "rate", x: xs, y: [5, 6, 7, 8, 9, 10], axis: "right" },
    ],
    x: { label: "Epoch" },
    y: { label: "Loss", log: true },
    y2: { label: "Rate", unit: "GHz" },
  });
  matchSnapshot("line-log-y2", svg);
  for (const label of [">0.001<", ">0.01<", ">0.1<", ">1<"]) assert.ok(svg.includes(label), `tick label ${label}`);
  assert.ok(svg.includes("Rate (GHz)"));
});

test("lineChart rejects mismatched lengths and a right-axis series without y2, naming the field", () => {
  assert.throws(() => lineChart({ series: [{ x: [1, 2], y: [1] }] }), (e: Error) => e instanceof InputError && /series\[0\]\.y must have as many values as lineChart: series\[0\]\.x \(2, got 1\)/.test(e.message));
  assert.throws(() => lineChart({ series: [{ x: [1], y: [1], axis: "right" }] }), (e: Error) => e instanceof InputError && /no y2 axis/.test(e.message));
  assert.throws(() => lineChart({ series: [], width: 10 }), (e: Error) => e instanceof InputError && /width must be an integer in 40\.\.10000 \(got 10\)/.test(e.message));
  assert.throws(() => lineChart({ series: [], y: { min: 2, max: 1 } }), (e: Error) => e instanceof InputError && /y: max must be > min/.test(e.message));
  assert.throws(() => lineChart({ series: [], legend: "middle" as never }), (e: Error) => e instanceof InputError && /legend must be one of auto, top, top-right/.test(e.message));
});

function scatterInput() {
  const x: number[] = [];
  const y: number[] = [];
  const label: number[] = [];
  for (let i = 0; i < 12; i++) {
    x.push(-0.9 + 0.15 * i);
    y.push(0.6 * wiggle(i) + (i % 3 === 0 ? 0.3 : -0.1));
    label.push(i % 3 === 0 ? 1 : 0);
  }
  return { x, y, label };
}

test("scatterChart draws class points over decision regions with a clipped separating line", () => {
  const prob = new Float64Array(16);
  for (let j = 0; j < 4; j++) for (let i = 0; i < 4; i++) prob[j * 4 + i] = j / 3;
  const svg = scatterChart({
    title: "Decision regions",
    points: scatterInput(),
    regions: { nx: 4, ny: 4, x0: -1, x1: 1, y0: -1, y1: 1, prob },
    lines: [{ w0: 0.2, w1: 1, c: -0.1, label: "readout" }],
    classNames: ["blue", "red"],
    xAxis: { label: "x₁" },
    yAxis: { label: "x₂" },
  });
  matchSnapshot("scatter", svg);
  assert.ok(svg.includes(">readout<") && svg.includes(">blue<") && svg.includes(">red<"));
});

test("scatterChart colours a multi-class label grid and rejects a grid of the wrong size", () => {
  const svg = scatterChart({ points: { x: [0, 1, 2], y: [0, 1, 0], label: [0, 1, 2] }, regions: { nx: 3, ny: 1, x0: -1, x1: 3, y0: -1, y1: 2, label: [0, 1, 2] } });
  matchSnapshot("scatter-labels", svg);
  assert.throws(
    () => scatterChart({ points: { x: [0], y: [0], label: [0] }, regions: { nx: 3, ny: 2, x0: 0, x1: 1, y0: 0, y1: 1, prob: [0, 1] } }),
    (e: Error) => e instanceof InputError && /regions\.prob must have nx·ny = 6 values \(got 2\)/.test(e.message),
  );
  assert.throws(() => scatterChart({ points: { x: [0], y: [0], label: [0.5] } }), (e: Error) => e instanceof InputError && /points\.label\[0\] must be an integer/.test(e.message));
});

test("clipLine returns the segment of w0·x + w1·y + c = 0 inside the box, or nothing when it misses", () => {
  assert.deepEqual(clipLine(1, -1, 0, 0, 1, 0, 1), [0, 0, 1, 1]);
  assert.deepEqual(clipLine(1, 0, -0.5, 0, 1, 0, 1), [0.5, 0, 0.5, 1]);
  assert.equal(clipLine(1, 1, -5, 0, 1, 0, 1), undefined);
  assert.equal(clipLine(0, 0, 1, 0, 1, 0, 1), undefined);
});

test("heatmapChart prints counts with white text on dark cells and labels rows and columns", () => {
  const svg = heatmapChart({ matrix: [9, 1, 0, 2, 7, 1, 0, 0, 10], rows: 3, cols: 3, rowLabels: ["a", "b", "c"], colLabels: ["a", "b", "c"], xAxis: { label: "Predicted" }, yAxis: { label: "True" }, normalize: "row", title: "Confusion", colorBar: true });
  matchSnapshot("heatmap", svg);
  assert.match(svg, /fill="#FFFFFF">9<\/text>/);
  assert.match(svg, /fill="#222222">1<\/text>/);
  assert.throws(() => heatmapChart({ matrix: [1, 2, 3], rows: 2, cols: 2 }), (e: Error) => e instanceof InputError && /rows·cols = 4 values \(got 3\)/.test(e.message));
});

test("histogram counts values into equal bins with the maximum in the last bin", () => {
  const h = histogram([0, 0.1, 0.5, 0.99, 1, 2, NaN], 2, 0, 1);
  assert.deepEqual([...h.edges], [0, 0.5, 1]);
  assert.deepEqual([...h.counts], [2, 3]);
});

test("histogramChart draws bars with an overlay curve on a second axis", () => {
  const values = Array.from({ length: 40 }, (_, i) => 1.5 + wiggle(i) + 0.3 * wiggle(3 * i));
  const curve = Array.from({ length: 11 }, (_, i) => i * 0.3);
  const svg = histogramChart({ values, bins: 8, barLabel: "currents", overlay: { x: curve, y: curve.map((I) => Math.max(0, (I - 1) / (I + 2))), label: "p(I)" }, x: { label: "Current", unit: "mA" }, y2: { label: "Power" } });
  matchSnapshot("histogram", svg);
  assert.throws(() => histogramChart({ counts: [1, 2], edges: [0, 1] }), (e: Error) => e instanceof InputError && /edges must have counts.length \+ 1 = 3 values/.test(e.message));
});

test("panelGrid places panels on a grid with letters and reports the composed size", () => {
  const a = lineChart({ series: [{ x: [0, 1], y: [0, 1] }], width: 200, height: 150 });
  const b = lineChart({ series: [{ x: [0, 1], y: [1, 0] }], width: 200, height: 150 });
  const c = lineChart({ series: [{ x: [0, 1], y: [1, 1] }], width: 240, height: 100 });
  const svg = panelGrid({ panels: [a, b, c], columns: 2, title: "Panels" });
  matchSnapshot("panels", svg);
  // Untitled panels get an 18 px strip for their letter.
  assert.deepEqual(svgSize(svg), { width: 200 + 240 + 8, height: 30 + (150 + 18) + 8 + (100 + 18) });
  for (const l of ["(a)", "(b)", "(c)"]) assert.ok(svg.includes(`>${l}<`));
  assert.throws(() => panelGrid({ panels: [] }), InputError);
});

test("different charts get different clip-path ids so they can share one HTML page", () => {
  const id = (svg: string) => /clipPath id="([^"]+)"/.exec(svg)![1];
  const a = lineChart({ series: [{ x: [0, 1], y: [0, 1] }] });
  const b = lineChart({ series: [{ x: [0, 1], y: [1, 0] }] });
  assert.notEqual(id(a), id(b));
  assert.ok(!a.includes("__ID__"));
});

test("sampleRegions evaluates a function at the cell centres, row-major y then x", () => {
  const r = sampleRegions({ nx: 2, ny: 2, x0: 0, x1: 2, y0: 0, y1: 4 }, (x, y) => x + 10 * y);
  assert.deepEqual([...r.prob], [0.5 + 10, 1.5 + 10, 0.5 + 30, 1.5 + 30]);
  assert.throws(() => sampleRegions({ nx: 0, ny: 1, x0: 0, x1: 1, y0: 0, y1: 1 }, () => 0), InputError);
});

test("a reference line's label at the right edge sits on the line's left, inside the chart (the playground's kept epoch at the last epoch was cut off)", () => {
  const x = [0, 1000, 2000, 3000];
  const svg = lineChart({ series: [{ label: "train", x, y: [1, 0.5, 0.2, 0.1] }], x: { label: "Epoch" }, y: { label: "Loss" }, vlines: [{ value: 3000, label: "kept (epoch 3000)" }, { value: 1000, label: "mid" }], width: 420, height: 220 });
  const kept = svg.match(/<text ([^>]*)>kept \(epoch 3000\)<\/text>/);
  assert.ok(kept, "label drawn");
  assert.match(kept[1], /text-anchor="end"/);
  const mid = svg.match(/<text ([^>]*)>mid<\/text>/);
  assert.ok(mid && !/text-anchor/.test(mid[1]), "a label with room keeps its place right of the line");
});
