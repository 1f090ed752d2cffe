import { test } from "node:test";
import assert from "node:assert/strict";
import { Adam } from "../../src/index.js";
import { softThreshold } from "../../src/train/adam.js";
import { Rng } from "../../src/util/rng.js";
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

test("softThreshold is the proximal map of t·|θ|: zero inside [−t, t], moved t towards zero outside, NaN kept", () => {
  assert.equal(softThreshold(0.5, 0.2), 0.5 - 0.2);
  assert.equal(softThreshold(-0.5, 0.2), -0.5 + 0.2);
  assert.equal(softThreshold(0.2, 0.2), 0);
  assert.equal(softThreshold(-0.1, 0.2), 0);
  assert.ok(Object.is(softThreshold(-0, 0.2), 0));
  assert.ok(Number.isNaN(softThreshold(NaN, 0.2)));
  assert.equal(softThreshold(Infinity, 0.2), Infinity);
  // The proximal map minimises ½(z − θ)² + t·|z|: check against a fine grid search.
  for (const [p, t] of [[0.7, 0.25], [-1.3, 0.5], [0.1, 0.3]]) {
    let best = 0, bestF = Infinity;
    for (let z = -2; z <= 2; z += 1e-4) {
      const f = 0.5 * (z - p) ** 2 + t * Math.abs(z);
      if (f < bestF) (bestF = f), (best = z);
    }
    assert.ok(Math.abs(softThreshold(p, t) - best) < 2e-4, `${p}, ${t}`);
  }
});

test("Adam with L1 is the plain update followed by the soft threshold lr·scale·λ₁ (per array, per-entry scales too); hand check of one step", () => {
  // t = 1: m̂ = g, v̂ = g², the update is −lr·scale·g/(|g| + ε); θ = 0.5, g = 1, lr 0.1, scale 1
  // → 0.5 − 0.1/(1 + 1e-8); λ₁ = 2 then subtracts 0.1·2 = 0.2.
  const p = [Float64Array.of(0.5)];
  new Adam([1]).step(p, [Float64Array.of(1)], [1], 0.1, undefined, undefined, [2]);
  assert.ok(Math.abs(p[0][0] - (0.5 - 0.1 / (1 + 1e-8) - 0.2)) < 1e-15, `${p[0][0]}`);
  const rng = new Rng(3);
  const sizes = [40, 7, 12];
  const scales: Array<number | Float64Array> = [new Float64Array(40).map((_, e) => (e < 20 ? 1 : 0.25)), 0.5, 2];
  const p0 = sizes.map((n) => new Float64Array(n).map(() => 0.05 * rng.normal()));
  const a = p0.map((x) => x.slice()), b = p0.map((x) => x.slice());
  const A = new Adam(sizes), B = new Adam(sizes);
  const l1 = [0.3, 0, 0.6];
  for (let s = 0; s < 5; s++) {
    const g = sizes.map((n) => new Float64Array(n).map(() => rng.normal()));
    A.step(a, g, scales, 0.01, [0.1, 0, 0.1], undefined, l1);
    B.step(b, g, scales, 0.01, [0.1, 0, 0.1]);
    for (let q = 0; q < 3; q++) {
      for (let e = 0; e < sizes[q]; e++) {
        const sc = scales[q];
        const thr = 0.01 * (typeof sc === "number" ? sc : sc[e]) * l1[q];
        // B is the reference without L1: apply the threshold by hand, then continue both from A's values.
        const want = l1[q] === 0 ? b[q][e] : softThreshold(b[q][e], thr);
        assert.ok(Object.is(a[q][e], want), `step ${s} array ${q}[${e}]: ${a[q][e]} vs ${want}`);
        b[q][e] = a[q][e];
      }
    }
  }
  assert.ok(a[0].some((v) => v === 0) && a[2].some((v) => v === 0), "exact zeros where |θ| fell below the threshold");
  assert.ok(a[1].every((v) => v !== 0), "an array without L1 keeps its entries");
});
