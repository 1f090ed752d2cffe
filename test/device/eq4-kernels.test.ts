import { test } from "node:test";
import assert from "node:assert/strict";
import { fastEq4, fastEq4Rows } from "../../src/kernels/fast-math.js";
import { eq4RowParams } from "../../src/device/eq4.js";
import { wasmEq4Rows } from "../../src/kernels/eq4.js";
import { eq4, Eq4Curve } from "../../src/device/analytic.js";
import type { DeviceCurve } from "../../src/device/curve.js";
import { createModel } from "../../src/network/model.js";
import { createWorkspace, forward } from "../../src/network/dynamics.js";
import { Rng } from "../../src/util/rng.js";

/** Devices covering both polarities, tiny and large slopes and P0 ≠ 1. */
const DEVICES: [number, number, number, number, number][] = [
  [4, 5, 1, 2, 1],
  [-0.8, 6, -6, 0.1, 3],
  [0.3, 2, 0.5, 1.5, 1],
  [60, 400, 2, 0.7, 0.01],
];

/** Currents of the sign of Ic from 0 to 8·|Ic|, plus edge cases in the first slots. */
function currents(rng: Rng, Ic: number, n: number): Float64Array {
  const I = new Float64Array(n).map(() => Ic * 8 * rng.uniform());
  I[0] = NaN;
  I[1] = Math.sign(Ic) * Infinity;
  I[2] = 1e6 * Ic;
  I[3] = 0;
  I[4] = Ic;
  return I;
}

test("eq. 4 row kernels: WebAssembly and TypeScript agree bit for bit, value equals fastEq4, odd lengths too", () => {
  const w = wasmEq4Rows();
  const rng = new Rng(7);
  for (const [a, b, Ic, Q, P0] of DEVICES) {
    const par = eq4RowParams(a, b, Ic, Q, P0, new Float64Array(7));
    const n = 1001;
    const I = currents(rng, Ic, n);
    const p = new Float64Array(n), d = new Float64Array(n);
    fastEq4Rows(I, p, d, 0, n, par);
    for (let j = 0; j < n; j++) assert.ok(Object.is(p[j], fastEq4(I[j], a, b, Ic, Q * Ic, P0)), `value at I = ${I[j]}`);
    if (w === null) continue;
    const p2 = new Float64Array(n), d2 = new Float64Array(n), p3 = new Float64Array(n);
    w(I, p2, d2, 3, n, par);
    w(I, p3, null, 0, n, par);
    for (let j = 0; j < n; j++) {
      if (j >= 3) assert.ok(Object.is(p[j], p2[j]) && Object.is(d[j], d2[j]), `wasm at I = ${I[j]}: ${p2[j]}, ${d2[j]} vs ${p[j]}, ${d[j]}`);
      else assert.ok(p2[j] === 0 && d2[j] === 0, "outside [start, end) untouched");
      assert.ok(Object.is(p[j], p3[j]));
    }
  }
});

test("eq. 4 value and derivative match the closed form (exp-based, no cancellation) and central differences", () => {
  const rng = new Rng(8);
  for (const [a, b, Ic, Q, P0] of DEVICES) {
    const par = eq4RowParams(a, b, Ic, Q, P0, new Float64Array(7));
    const n = 20000;
    const I = currents(rng, Ic, n).subarray(5);
    const p = new Float64Array(I.length), d = new Float64Array(I.length);
    fastEq4Rows(I, p, d, 0, I.length, par);
    let worstP = 0, worstD = 0, worstFd = 0;
    const one = new Float64Array(1), hi = new Float64Array(1), lo = new Float64Array(1);
    for (let j = 0; j < I.length; j++) {
      const x = I[j];
      // Closed form in the logistic form: σ = 1/(1 + E), E = e^(−2(aI − b)); p = P0·σ·r.
      const E = Math.exp(-2 * (a * x - b)), den = x + Q * Ic, r = (x - Ic) / den;
      const sig = 1 / (1 + E);
      const pv = P0 * sig * r;
      const dv = P0 * (2 * a * E * sig * sig * r + sig * (Ic * (1 + Q)) / (den * den));
      // Beyond the clamp (|2(aI − b)| > 700) E is e^±700: p is then below 1e-290 instead of its
      // true, smaller value (Math.tanh gives exactly 0 there), checked in the next test.
      if (Math.abs(2 * (a * x - b)) > 700) continue;
      worstP = Math.max(worstP, Math.abs(p[j] - pv) / Math.abs(pv));
      const scaleD = Math.abs(P0 * 2 * a * E * sig * sig * r) + Math.abs(P0 * sig * (Ic * (1 + Q)) / (den * den));
      worstD = Math.max(worstD, Math.abs(d[j] - dv) / scaleD);
      if (j % 20 === 0) {
        const h = 1e-6 * Math.max(Math.abs(x), Math.abs(Ic));
        one[0] = x + h;
        fastEq4Rows(one, hi, null, 0, 1, par);
        one[0] = x - h;
        fastEq4Rows(one, lo, null, 0, 1, par);
        const fd = (hi[0] - lo[0]) / (2 * h);
        worstFd = Math.max(worstFd, Math.abs(fd - d[j]) / Math.max(scaleD, 1e-300));
      }
    }
    assert.ok(worstP < 1e-14, `device a=${a}: value rel. error ${worstP}`);
    assert.ok(worstD < 1e-13, `device a=${a}: derivative rel. error ${worstD}`);
    assert.ok(worstFd < 1e-6, `device a=${a}: central difference rel. error ${worstFd}`);
  }
});

test("the curve's power/derivative/evaluate agree, and far below threshold power and slope are negligible and finite", () => {
  const dev = eq4({ a: -0.8, b: 6, Ic: -6, Q: 0.1 });
  const I = new Float64Array([-3, -6.5, -12, -1e4]);
  const p = new Float64Array(4), d = new Float64Array(4);
  dev.evaluate(I, p, d, 0, 4);
  for (let j = 0; j < 4; j++) {
    assert.ok(Object.is(p[j], dev.power(I[j])));
    assert.ok(Object.is(d[j], dev.derivative(I[j])));
    assert.ok(Number.isFinite(d[j]));
  }
  // 2(aI − b) ≪ −700 (E clamped at e^700): power and slope are below 1e-290 and finite (the
  // Math.tanh form gives exactly 0 there).
  const steep = eq4({ a: 50, b: 5, Ic: -1, Q: 2 });
  for (const x of [-100, -1e6, -1e300]) {
    assert.ok(Math.abs(steep.derivative(x)) < 1e-290 && Math.abs(steep.power(x)) < 1e-290, `at ${x}: ${steep.power(x)}, ${steep.derivative(x)}`);
  }
});

test("the fused forward step (all devices eq. 4) gives the bits of the per-row path", () => {
  const rng = new Rng(9);
  for (const [k, nb, cap] of [[3, 5, 5], [4, 7, 9], [2, 64, 64], [5, 1, 1]] as const) {
    const devices = Array.from({ length: k }, (_, i) => eq4({ a: 3 + i * 0.3, b: 4 + 0.2 * i, Ic: i % 2 ? -1 : 1.2, Q: 2 - 0.1 * i }));
    const model = createModel(k, 3, 2, devices);
    for (let e = 0; e < model.A.length; e++) model.A[e] = rng.normal();
    for (let e = 0; e < model.B.length; e++) model.B[e] = 1 + 0.3 * rng.normal();
    // The same curves behind a wrapper that is not an Eq4Curve: forward() takes the per-row path.
    const wrapped = devices.map((d): DeviceCurve => ({
      model: d.model, polarity: d.polarity, currentScale: d.currentScale, currentUnit: d.currentUnit, powerUnit: d.powerUnit,
      power: (x: number) => d.power(x), derivative: (x: number) => d.derivative(x),
      evaluate: (I: Float64Array, p: Float64Array, dp: Float64Array | null, s: number, t: number) => d.evaluate(I, p, dp, s, t),
      toSpec: () => d.toSpec(),
    }));
    assert.ok(devices.every((d) => d instanceof Eq4Curve) && !wrapped.some((d) => d instanceof Eq4Curve));
    const plain = { ...model, devices: wrapped };
    const w1 = createWorkspace(k, 3, 2, cap), w2 = createWorkspace(k, 3, 2, cap);
    for (let e = 0; e < k * cap; e++) w1.P[0][e] = w2.P[0][e] = rng.uniform();
    forward(model, w1, nb, true);
    forward(plain, w2, nb, true);
    for (let t = 1; t <= 3; t++) {
      for (let i = 0; i < k; i++) {
        for (let b = 0; b < nb; b++) {
          const at = i * cap + b;
          assert.ok(Object.is(w1.P[t][at], w2.P[t][at]), `k=${k} nb=${nb} p(${t})[${i}][${b}]`);
          assert.ok(Object.is(w1.D[t - 1][at], w2.D[t - 1][at]), `k=${k} nb=${nb} D(${t - 1})[${i}][${b}]`);
        }
        // Columns from nb on are not touched.
        for (let b = nb; b < cap; b++) assert.equal(w1.P[t][i * cap + b], 0);
      }
    }
  }
});
