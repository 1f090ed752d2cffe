import { test } from "node:test";
import assert from "node:assert/strict";
import { accuracyHeatmap, accuracyLines, paretoChart } from "../../src/plot/explore.js";

test("the accuracy heat map prints every cell and colours over the data's range", () => {
  const svg = accuracyHeatmap({ values: [88, 90.2, 87.6, NaN], xLabels: ["1", "2"], yLabels: ["0", "4"], xName: "steps n", yName: "ADC bits" });
  assert.match(svg, /^<svg/);
  for (const v of ["88.0", "90.2", "87.6", "steps n", "ADC bits"]) assert.ok(svg.includes(v), v);
  assert.ok(!svg.includes("NaN"));
  assert.ok(svg.includes(">87.6<"), "colour bar starts at the data minimum, not 0");
});

test("the line plot has one band per curve and the Pareto chart draws the front over all points", () => {
  const line = accuracyLines({ x: [1, 2, 4], curves: [{ label: "ADC = 4", mean: [80, 85, 90], lo: [79, 84, 89], hi: [81, 86, 91] }], xName: "steps n" });
  assert.ok(line.includes("ADC = 4") && line.includes("steps n"));
  const p = paretoChart({ energy: [1e-9, 2e-9, 3e-9], accuracy: [80, 70, 90], front: [0, 2] });
  assert.ok(p.includes("Pareto front") && p.includes("design points") && p.includes("Energy per inference"));
  assert.equal(paretoChart({ energy: [1e-9, 2e-9, 3e-9], accuracy: [80, 70, 90], front: [0, 2] }), p);
});
