import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { lineChart, scatterChart, histogramChart, heatmapChart } from "../../src/index.js";

const value = fc.oneof(
  fc.double({ min: -1e6, max: 1e6, noNaN: true }),
  fc.double({ min: -1e-6, max: 1e-6, noNaN: true }),
  fc.constantFrom(0, 1, -1, NaN, 1e-9, 5e8),
);
const clean = (svg: string) => !/NaN|Infinity|undefined/.test(svg);

test("lineChart draws any data (gaps, constants, tiny or huge values, log axes) without NaN in the SVG", () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(value, value), { maxLength: 30 }), fc.boolean(), fc.boolean(), (pts, logY, points) => {
      const svg = lineChart({ series: [{ label: "s", x: pts.map((p) => p[0]), y: pts.map((p) => p[1]), style: points ? "linepoints" : "line" }], y: { log: logY } });
      assert.ok(clean(svg), svg.slice(0, 200));
    }),
    { numRuns: 150, seed: 6 },
  );
});

test("scatterChart and histogramChart draw any finite or NaN data without NaN in the SVG", () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(value, value, fc.integer({ min: 0, max: 3 })), { maxLength: 30 }), fc.integer({ min: 1, max: 30 }), (pts, bins) => {
      const x = pts.map((p) => p[0]);
      assert.ok(clean(scatterChart({ points: { x, y: pts.map((p) => p[1]), label: pts.map((p) => p[2]) }, lines: [{ w0: 1, w1: 1, c: 0 }] })));
      assert.ok(clean(histogramChart({ values: x, bins })));
    }),
    { numRuns: 150, seed: 7 },
  );
});

test("heatmapChart draws any matrix, including NaN cells and constant values, without NaN in the SVG", () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 }), fc.array(value, { minLength: 25, maxLength: 25 }), fc.boolean(), (rows, cols, vals, byRow) => {
      const svg = heatmapChart({ matrix: vals.slice(0, rows * cols), rows, cols, normalize: byRow ? "row" : "none", colorBar: true });
      assert.ok(clean(svg));
    }),
    { numRuns: 100, seed: 8 },
  );
});
