/**
 * networkFigure draws the unrolled network: one node per oscillator and step, one edge per
 * non-zero coupling with its sign as colour, bias squares, readout nodes; hover hooks as data
 * attributes. The palette has ten distinct class colours.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { networkFigure, PALETTE } from "../../src/index.js";
import { TINTS } from "../../src/plot/palette.js";

test("networkFigure: nodes per oscillator and step, signed edges, biases and readout", () => {
  const k = 2, steps = 3;
  const A = new Float64Array(steps * k * k);
  A[0 * 4 + 1 * 2 + 0] = 0.5; // A(0)[2][1] > 0
  A[2 * 4 + 0 * 2 + 1] = -1; // A(2)[1][2] < 0
  const B = new Float64Array(steps * k);
  B[1 * 2 + 1] = -0.3;
  const W = Float64Array.from([1, -1, -1, 1]);
  const values = Float64Array.from({ length: (steps + 1) * k }, (_, q) => q / 8);
  const svg = networkFigure({ k, steps, A, B, W, classNames: ["a", "b"], values, highlight: { osc: 1, step: 2 } });
  assert.equal((svg.match(/class="node"/g) ?? []).length, (steps + 1) * k);
  assert.equal((svg.match(/class="readout"/g) ?? []).length, 2);
  assert.match(svg, /data-osc="1" data-step="2"/);
  assert.match(svg, /<path d="[^"]+" stroke="#0072B2"[^>]*><title>A\(0\)\[2\]\[1\] = 0\.5000/);
  assert.match(svg, /stroke="#D55E00"[^>]*><title>A\(2\)\[1\]\[2\] = -1\.000/);
  // Two couplings and four readout weights are drawn; zero couplings are not.
  assert.equal((svg.match(/<title>A\(/g) ?? []).length, 2);
  assert.equal((svg.match(/<title>W\[/g) ?? []).length, 4);
  assert.match(svg, /bias B\(1\)\[2\] = -0\.3000/);
  assert.match(svg, /stroke="#E69F00" stroke-width="3"/, "highlighted node");
  assert.throws(() => networkFigure({ k, steps, A: A.subarray(1), B, W, classNames: ["a", "b"] }), /A must have steps·k·k = 12 values/);
});

test("networkFigure keeps only the strongest couplings of a large network and says how many it left out", () => {
  const k = 30, steps = 1;
  const A = Float64Array.from({ length: k * k }, (_, q) => Math.sin(q + 1));
  const svg = networkFigure({ k, steps, A, B: new Float64Array(k), W: new Float64Array(2 * k).fill(0.1), classNames: ["0", "1"], maxEdges: 100 });
  assert.equal((svg.match(/<title>A\(/g) ?? []).length, 100);
  assert.match(svg, /800 weakest couplings not drawn/);
});

test("ten distinct class colours and region tints", () => {
  assert.equal(new Set(PALETTE).size, 10);
  assert.equal(new Set(TINTS).size, 10);
});

test("scatterChart: a value map over the plane on the sequential ramp, and per-point hover targets on request", async () => {
  const { scatterChart } = await import("../../src/index.js");
  const points = { x: [0.2, 0.8], y: [0.5, 0.5], label: [0, 1] };
  const plain = scatterChart({ points });
  assert.doesNotMatch(plain, /hover-target/);
  const svg = scatterChart({ points, regions: { nx: 2, ny: 1, x0: 0, x1: 1, y0: 0, y1: 1, value: [0, 1] }, hoverTargets: true });
  assert.equal((svg.match(/class="hover-target" data-index="\d"/g) ?? []).length, 2);
  // The ramp's two ends: the lightest and the darkest blue.
  assert.match(svg, /fill="#F7FBFF"/);
  assert.match(svg, /fill="#08306B"/);
  assert.throws(() => scatterChart({ points, regions: { nx: 2, ny: 2, x0: 0, x1: 1, y0: 0, y1: 1, value: [0, 1] } }), /value must have nx·ny = 4 values/);
});

test("networkFigure: oscillators beyond the inputs are drawn dashed and say where they start", () => {
  const k = 4, steps = 2;
  const A = new Float64Array(steps * k * k).fill(0.1);
  const B = new Float64Array(steps * k);
  const W = new Float64Array(2 * k).fill(0.2);
  const svg = networkFigure({ k, steps, A, B, W, classNames: ["a", "b"], inputs: 2, extraP0: 0.5 });
  assert.equal((svg.match(/class="node extra"/g) ?? []).length, 2 * (steps + 1));
  assert.equal((svg.match(/class="node"/g) ?? []).length, 2 * (steps + 1));
  assert.match(svg, /oscillator 3 \(extra\), step 0; extra oscillator, starts at p\(0\) = 0\.5/);
  assert.match(svg, /oscillator 1, step 0; input p\(0\) = feature 1/);
  assert.match(svg, /dashed: 2 extra oscillators/);
  assert.throws(() => networkFigure({ k, steps, A, B, W, classNames: ["a", "b"], inputs: 5 }), /inputs/);
});
