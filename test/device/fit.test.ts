import { test } from "node:test";
import assert from "node:assert/strict";
import { fitCurve, eq4, eq3, Rng, InputError, ComputationError, type Eq4Params } from "../../src/index.js";
import { residualsKernel, fitFailure, nonMonotone } from "../../src/device/fit.js";

function sample(params: Eq4Params, lo: number, hi: number, n: number, sigma: number, seed: number) {
  const c = eq4(params);
  const rng = new Rng(seed);
  const I = new Float64Array(n), P = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    I[i] = lo + ((hi - lo) * i) / (n - 1);
    P[i] = c.power(I[i]) + sigma * rng.normal();
  }
  return { I, P };
}

function fails(f: () => unknown, re: RegExp): void {
  assert.throws(f, (e: unknown) => e instanceof InputError && re.test(e.message) && !e.message.includes("\n"), String(re));
}

// Tolerance: every fitted parameter within 4 standard errors of the truth and within 20% of it
// (σ = 0.005 noise on powers of O(0.5), 81 points; the standard errors are 1–10% of the values, so
// 20% is at least 2 standard errors).
const CASES: Array<{ name: string; p: Eq4Params; lo: number; hi: number }> = [
  { name: "the paper's test device", p: { a: 4, b: 5, Ic: 1, Q: 2 }, lo: 0, hi: 4 },
  { name: "a Hamadeh-like device with negative threshold", p: { a: -0.8, b: 6, Ic: -6, Q: 0.1 }, lo: -20, hi: 0 },
  { name: "a soft-tail device", p: { a: 1.3, b: 0.2, Ic: 0.5, Q: 0.7 }, lo: 0, hi: 5 },
  { name: "a Zeng-like device in µA", p: { a: -1, b: 10, Ic: -10, Q: 0.3 }, lo: -30, hi: 0 },
];

for (const { name, p, lo, hi } of CASES) {
  test(`an eq4 fit recovers the parameters of ${name} from noisy samples`, () => {
    for (const seed of [1, 2]) {
      const { I, P } = sample(p, lo, hi, 81, 0.005, seed);
      const r = fitCurve("eq4", I, P);
      assert.ok(r.converged);
      assert.deepEqual(r.atBound, []);
      for (const k of ["a", "b", "Ic", "Q"] as const) {
        const err = Math.abs(r.params[k] - p[k]);
        assert.ok(err <= 4 * r.standardErrors[k], `${k}: ${r.params[k]} ± ${r.standardErrors[k]} vs ${p[k]} (seed ${seed})`);
        assert.ok(err <= 0.2 * Math.abs(p[k]), `${k}: ${r.params[k]} vs ${p[k]} (seed ${seed})`);
      }
      assert.ok(Math.abs(r.rms - 0.005) < 0.0015, `rms ${r.rms}`);
      assert.ok(r.r2 > 0.99);
    }
  });
}

test("a noise-free eq4 curve is fitted to near machine precision", () => {
  const { I, P } = sample({ a: 4, b: 5, Ic: 1, Q: 2 }, 0, 4, 41, 0, 1);
  const r = fitCurve("eq4", I, P);
  assert.ok(r.rms < 1e-9, String(r.rms));
  assert.ok(Math.abs(r.params.a - 4) < 1e-6 && Math.abs(r.params.Q - 2) < 1e-6);
});

test("an eq3 fit recovers Ic and Q of a noisy eq3 curve", () => {
  const c = eq3({ Ic: -6, Q: 0.1 });
  const rng = new Rng(7);
  const I = Float64Array.from({ length: 61 }, (_, i) => -3 - (17 * i) / 60);
  const P = I.map((x) => c.power(x) + 0.003 * rng.normal());
  const r = fitCurve("eq3", I, P);
  assert.ok(Math.abs(r.params.Ic + 6) < 0.1, String(r.params.Ic));
  assert.ok(Math.abs(r.params.Q - 0.1) < 0.03, String(r.params.Q));
  assert.deepEqual(Object.keys(r.params), ["Ic", "Q", "P0"]);
  assert.equal(r.params.P0, 1, "normalised data: the scale stays fixed at 1");
});

test("data in physical units (max power > 1) get a fitted power scale P0", () => {
  const { I, P } = sample({ a: 4, b: 5, Ic: 1, Q: 2 }, 0, 4, 81, 0.005, 6);
  const nW = P.map((v) => 12 * v);
  const r = fitCurve("eq4", I, nW);
  assert.ok(Math.abs(r.params.P0 - 12) <= 4 * r.standardErrors.P0, `P0 ${r.params.P0} ± ${r.standardErrors.P0}`);
  assert.ok(Math.abs(r.params.P0 - 12) < 0.2 * 12);
  assert.ok(Math.abs(r.params.Ic - 1) < 0.1 && r.r2 > 0.999);
  assert.equal((r.curve.toSpec() as { P0?: number }).P0, r.params.P0);
  const held = fitCurve("eq4", I, nW, { scale: "fixed", requireConvergence: false });
  assert.equal(held.params.P0, 1);
  assert.ok(held.r2 < r.r2);
});

test("fixed parameters stay put and get zero standard error", () => {
  const { I, P } = sample({ a: -0.8, b: 6, Ic: -6, Q: 0.1 }, -20, 0, 81, 0.005, 3);
  const r = fitCurve("eq4", I, P, { fixed: { Q: 0.1, Ic: -6 } });
  assert.equal(r.params.Q, 0.1);
  assert.equal(r.params.Ic, -6);
  assert.equal(r.standardErrors.Q, 0);
  assert.deepEqual(r.fixed, ["Ic", "Q", "P0"]);
  assert.ok(Math.abs(r.params.a + 0.8) < 0.08);
});

test("bounds are respected", () => {
  const { I, P } = sample({ a: 4, b: 5, Ic: 1, Q: 2 }, 0, 4, 81, 0.005, 4);
  const r = fitCurve("eq4", I, P, { bounds: { Q: [0.5, 1.5] } });
  assert.ok(r.params.Q >= 0.5 && r.params.Q <= 1.5);
  assert.equal(r.params.Q, 1.5, "the unconstrained optimum Q = 2 lies above the box");
  assert.deepEqual(r.atBound, ["Q"]);
});

test("the residual Jacobian matches central finite differences", () => {
  const I = Float64Array.from([0.3, 1.2, 2.5, 3.7, -0.2]);
  const P = new Float64Array(5);
  for (const model of ["eq4", "eq3"] as const) {
    const theta = Float64Array.from([3.5, 4.2, 0.9, 1.7, 2.5]);
    const r = new Float64Array(5), J = new Float64Array(25), rp = new Float64Array(5), rm = new Float64Array(5);
    residualsKernel(model, 5, I, P, theta, r, J);
    for (let c = 0; c < 5; c++) {
      const h = 1e-6;
      const tp = Float64Array.from(theta), tm = Float64Array.from(theta);
      tp[c] += h;
      tm[c] -= h;
      residualsKernel(model, 5, I, P, tp, rp, null);
      residualsKernel(model, 5, I, P, tm, rm, null);
      for (let i = 0; i < 5; i++) {
        const fd = (rp[i] - rm[i]) / (2 * h);
        assert.ok(Math.abs(J[5 * i + c] - fd) < 1e-6, `${model} column ${c} row ${i}: ${J[5 * i + c]} vs ${fd}`);
      }
    }
  }
});

test("bad data and failed fits are one-line input errors", () => {
  const { I, P } = sample({ a: 4, b: 5, Ic: 1, Q: 2 }, 0, 4, 81, 0.005, 5);
  fails(() => fitCurve("eq4", I.subarray(0, 5), P.subarray(0, 5)), /^too few points to fit eq4: need at least 6 \(got 5\)$/);
  fails(() => fitCurve("eq3", [1, 2, 3], [0, 0.1, 0.2]), /^too few points to fit eq3: need at least 4 \(got 3\)$/);
  fails(() => fitCurve("eq4", [1, 1, 1, 2, 2, 2, 2], [0, 0, 0, 1, 1, 1, 1]), /too few distinct currents/);
  const Pn = Float64Array.from(P);
  Pn[7] = NaN;
  fails(() => fitCurve("eq4", I, Pn), /^power\[7\] must be a finite number \(got NaN\)$/);
  fails(() => fitCurve("eq4", I, new Float64Array(81).fill(0.3)), /^power is constant \(0\.3 at all 81 points\); nothing to fit$/);
  fails(() => fitCurve("eq3", I, P, { fixed: { a: 4 } }), /cannot fix "a": eq3 has parameters Ic, Q, P0/);
  fails(() => fitCurve("eq4", I, P, { bounds: { Q: [-2, -1] } }), /bounds for Q \(-2:-1\) exclude every valid value \(Q > 0\)/);
  fails(() => fitCurve("eq4", I, P, { where: "curve.csv: ", bounds: { a: [3, 1] } }), /^curve\.csv: bounds for a must satisfy lo <= hi/);
});

test("a fit that does not converge is a failed computation (ComputationError), not bad input", () => {
  const { I, P } = sample({ a: 4, b: 5, Ic: 1, Q: 2 }, 0, 4, 81, 0.005, 5);
  assert.throws(
    () => fitCurve("eq4", I, P, { maxIterations: 1, initial: { a: 0.5, b: 0, Ic: 3, Q: 20 } }),
    (e: unknown) => e instanceof ComputationError && !(e instanceof InputError) && e.exitCode === 1 && /^fit of eq4 did not converge within 1 iterations \(RMS residual [0-9.e-]+\); try /.test(e.message),
  );
  // Returned as data (requireConvergence false), fitFailure names it.
  const r = fitCurve("eq4", I, P, { maxIterations: 1, initial: { a: 0.5, b: 0, Ic: 3, Q: 20 }, requireConvergence: false });
  assert.match(fitFailure(r) ?? "", /^the fit of eq4 did not converge within 1 iterations \(RMS residual [0-9.e-]+, R² /);
});

test("nonMonotone: a curve that rises and falls, not a monotone one with noise", () => {
  const c = eq4({ a: 4, b: 5, Ic: 1, Q: 2 });
  const rng = new Rng(3);
  const I = Float64Array.from({ length: 60 }, (_, i) => (4 * i) / 59);
  const mono = I.map((x) => c.power(x) + 0.02 * rng.normal());
  assert.equal(nonMonotone(I, mono), null);
  assert.equal(nonMonotone(I, mono.map((v) => -v)), null, "falling is monotone too");
  // Rolls off above 2.5: the power falls back towards 0.
  const rolled = I.map((x, i) => (x > 2.5 ? mono[i] * Math.exp(-((x - 2.5) ** 2) * 2) : mono[i]));
  const nm = nonMonotone(I, rolled);
  assert.ok(nm !== null && nm.fall > 0.5 && nm.peakCurrent > 2 && nm.peakCurrent < 3, JSON.stringify(nm));
  assert.equal(nonMonotone(I.subarray(0, 5), rolled.subarray(0, 5)), null, "too few points to say");
});

test("with requireConvergence false a non-converged fit is returned as data", () => {
  const { I, P } = sample({ a: 4, b: 5, Ic: 1, Q: 2 }, 0, 4, 81, 0.005, 5);
  const r = fitCurve("eq4", I, P, { maxIterations: 1, initial: { a: 0.5, b: 0, Ic: 3, Q: 20 }, requireConvergence: false });
  assert.equal(r.converged, false);
  assert.equal(r.iterations, 1);
});
