import { test } from "node:test";
import assert from "node:assert/strict";
import { Adam } from "../../src/index.js";
import { learningRate } from "../../src/train/schedule.js";

test("one Adam step moves each parameter by lr·scale·g/(|g| + ε), as the bias-corrected moments predict", () => {
  // t = 1: m̂ = g and v̂ = g², so Δθ = −lr·scale·g/(|g| + ε) exactly (up to rounding).
  const p = [Float64Array.from([1, -2, 0.5])];
  const g = [Float64Array.from([0.3, -4, 1e-3])];
  const adam = new Adam([3]);
  assert.equal(adam.step(p, g, [2], 0.01), true);
  const expect = [1 - 0.02 * 0.3 / (0.3 + 1e-8), -2 + 0.02 * 4 / (4 + 1e-8), 0.5 - 0.02 * 1e-3 / (1e-3 + 1e-8)];
  for (let e = 0; e < 3; e++) assert.ok(Math.abs(p[0][e] - expect[e]) < 1e-15, `θ[${e}] = ${p[0][e]}, expected ${expect[e]}`);
});

test("Adam's step reports non-finite parameters in the same pass", () => {
  const adam = new Adam([2, 1]);
  assert.equal(adam.step([new Float64Array(2), new Float64Array(1)], [Float64Array.from([1, NaN]), new Float64Array(1)], [1, 1], 0.1), false);
  const big = new Adam([1]);
  assert.equal(big.step([Float64Array.from([1e308])], [Float64Array.from([-1])], [1], 1e308), false, "overflow to +∞ is caught");
  const ok = new Adam([1]);
  assert.equal(ok.step([Float64Array.from([1e308])], [Float64Array.from([1])], [1], 0.1), true, "large but finite values are not flagged");
});

test("the cosine schedule falls from lr0 at the first epoch towards lr0/100", () => {
  assert.equal(learningRate("constant", 0.01, 7, 10), 0.01);
  assert.equal(learningRate("cosine", 0.01, 0, 10), 0.01);
  assert.ok(Math.abs(learningRate("cosine", 0.01, 5, 10) - (0.0001 + 0.5 * 0.0099)) < 1e-15);
  assert.ok(learningRate("cosine", 0.01, 9, 10) < 0.0004);
});
