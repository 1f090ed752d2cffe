// Every implementation of eq. 4 against its one specification (src/device/eq4.ts), on the same
// inputs: the TypeScript kernels, the WebAssembly kernels (array, row and drive), the device curve,
// the network's forward step (with and without the in-place engine), the robustness trial (TypeScript,
// WebAssembly and native) and the curve fit's Jacobian. The fast kernels use the logistic form with their own exp,
// the specification `Math.tanh`, so they agree to a few ulp of the terms, not bit for bit; the
// tolerance is stated per comparison.
import { test } from "node:test";
import assert from "node:assert/strict";
import { eq4Spec, eq4SpecDI, eq4SpecGradient, eq4RowParams, EQ4_PACKED, EQ4_PACKED_DRIVE, EQ4_PARAMS } from "../../src/device/eq4.js";
import { fastEq4, fastEq4Rows, fastEq4Drive } from "../../src/kernels/fast-math.js";
import { wasmEq4Rows, wasmEq4Drive, wasmMathKernels } from "../../src/kernels/eq4.js";
import { eq4 } from "../../src/device/analytic.js";
import { residualsKernel } from "../../src/device/fit.js";
import { createModel } from "../../src/network/model.js";
import { createWorkspace, forward } from "../../src/network/dynamics.js";
import { createFastTrials } from "../../src/sweep/fast-trials.js";
import { nativeSweepEngine } from "../../src/node/native-sweep.js";
import { Rng } from "../../src/util/rng.js";

/** Devices: both polarities, tiny and steep slopes, P0 ≠ 1, in (a, b, Ic, Q, P0) order. */
const DEVICES: [number, number, number, number, number][] = [
  [4, 5, 1, 2, 1],
  [-0.8, 6, -6, 0.1, 3],
  [0.3, 2, 0.5, 1.5, 1],
  [60, 400, 2, 0.7, 0.01],
  [1.9, 3.3, 2.4, 0.8, 40.5],
];

const EPS = 2 ** -52;

/** Currents of the sign of Ic: 0 to 8·|Ic| at random, and the threshold, zero and far out. */
function currents(rng: Rng, Ic: number, n: number): Float64Array {
  const I = new Float64Array(n).map(() => Ic * 8 * rng.uniform());
  I[0] = 0;
  I[1] = Ic;
  I[2] = 1e6 * Ic;
  I[3] = Ic * (1 + 1e-9);
  return I;
}

/**
 * The size of the specification's own rounding: it forms ½(1 + tanh) and 1 − tanh², whose
 * absolute error is about ε, so a faithful implementation may differ by a few ε of these scales.
 */
function valueScale(I: number, a: number, b: number, Ic: number, Q: number, P0: number): number {
  return Math.abs(P0 * ((I - Ic) / (I + Q * Ic))) + Math.abs(eq4Spec(I, a, b, Ic, Q, P0));
}
function derivScale(I: number, a: number, b: number, Ic: number, Q: number, P0: number): number {
  const den = I + Q * Ic;
  return Math.abs(P0) * (Math.abs(a * ((I - Ic) / den)) + Math.abs((Ic * (1 + Q)) / (den * den))) + Math.abs(eq4SpecDI(I, a, b, Ic, Q, P0));
}

function close(got: number, want: number, scale: number, ulps: number, what: string): void {
  if (Number.isNaN(want)) {
    assert.ok(Number.isNaN(got), `${what}: expected NaN, got ${got}`);
    return;
  }
  assert.ok(Math.abs(got - want) <= ulps * EPS * scale, `${what}: ${got} vs specification ${want} (|diff| ${Math.abs(got - want)} > ${ulps} ε · ${scale})`);
}

test("eq. 4 specification: the gradient matches central differences of the value, dI matches ∂p/∂I, and the gradient's value is the value's bits", () => {
  const rng = new Rng(11);
  const g = new Float64Array(5);
  for (const [a, b, Ic, Q, P0] of DEVICES) {
    for (let s = 0; s < 200; s++) {
      const I = Ic * (0.05 + 6 * rng.uniform());
      const p = eq4SpecGradient(I, a, b, Ic, Q, P0, g, 0);
      assert.ok(Object.is(p, eq4Spec(I, a, b, Ic, Q, P0)));
      const th = [a, b, Ic, Q, P0];
      for (let j = 0; j < 5; j++) {
        const h = 1e-6 * Math.max(1, Math.abs(th[j]));
        const up = th.slice(), dn = th.slice();
        up[j] += h;
        dn[j] -= h;
        const fd = (eq4Spec(I, up[0], up[1], up[2], up[3], up[4]) - eq4Spec(I, dn[0], dn[1], dn[2], dn[3], dn[4])) / (2 * h);
        const tol = 1e-6 * (Math.abs(fd) + Math.abs(g[j])) + 1e-9 * valueScale(I, a, b, Ic, Q, P0) / h;
        assert.ok(Math.abs(fd - g[j]) <= tol, `∂p/∂${EQ4_PARAMS[j]} at I = ${I}: ${g[j]} vs central difference ${fd}`);
      }
      const h = 1e-6 * Math.abs(Ic);
      const fdI = (eq4Spec(I + h, a, b, Ic, Q, P0) - eq4Spec(I - h, a, b, Ic, Q, P0)) / (2 * h);
      const dI = eq4SpecDI(I, a, b, Ic, Q, P0);
      assert.ok(Math.abs(fdI - dI) <= 1e-6 * Math.abs(dI) + 1e-9 * valueScale(I, a, b, Ic, Q, P0) / h, `dp/dI at I = ${I}: ${dI} vs ${fdI}`);
    }
  }
});

test("eq. 4 TypeScript and WebAssembly kernels (value, derivative, drive step) agree with the specification on the same currents", () => {
  const rng = new Rng(12);
  const wasm = wasmMathKernels();
  const rows = wasmEq4Rows();
  const drive = wasmEq4Drive();
  assert.ok(wasm !== null && rows !== null && drive !== null, "WebAssembly SIMD kernels must load in Node >= 20");
  for (const [a, b, Ic, Q, P0] of DEVICES) {
    const n = 501;
    const I = currents(rng, Ic, n);
    const par = eq4RowParams(a, b, Ic, Q, P0, new Float64Array(EQ4_PACKED));
    const pT = new Float64Array(n), dT = new Float64Array(n), pW = new Float64Array(n), dW = new Float64Array(n);
    fastEq4Rows(I, pT, dT, 0, n, par);
    rows(I, pW, dW, 0, n, par);
    const pA = wasm.eq4(I, a, b, Ic, Q * Ic, P0);
    // The drive step: one oscillator whose drive u gives I = s·u², s the polarity.
    const s = Ic < 0 ? -1 : 1;
    const U = I.map((x) => Math.sqrt(Math.abs(x)));
    const parD = new Float64Array(EQ4_PACKED_DRIVE);
    parD.set(par);
    parD[EQ4_PACKED] = s;
    const pD = new Float64Array(n + 1), dD = new Float64Array(n + 1);
    drive(1, n, n, U, parD, pD, dD);
    for (let j = 0; j < n; j++) {
      const x = I[j], want = eq4Spec(x, a, b, Ic, Q, P0), wantD = eq4SpecDI(x, a, b, Ic, Q, P0);
      const sv = valueScale(x, a, b, Ic, Q, P0), sd = derivScale(x, a, b, Ic, Q, P0);
      const at = `device (${a}, ${b}, ${Ic}, ${Q}, ${P0}), I = ${x}`;
      close(fastEq4(x, a, b, Ic, Q * Ic, P0), want, sv, 8, `fastEq4 ${at}`);
      close(pT[j], want, sv, 8, `fastEq4Rows value ${at}`);
      close(dT[j], wantD, sd, 16, `fastEq4Rows derivative ${at}`);
      close(pW[j], want, sv, 8, `wasm eq4Deriv value ${at}`);
      close(dW[j], wantD, sd, 16, `wasm eq4Deriv derivative ${at}`);
      close(pA[j], want, sv, 8, `wasm eq4Array ${at}`);
      const xd = s * U[j] * U[j];
      close(pD[j], eq4Spec(xd, a, b, Ic, Q, P0), valueScale(xd, a, b, Ic, Q, P0), 8, `wasm eq4Drive value ${at}`);
      close(dD[j], eq4SpecDI(xd, a, b, Ic, Q, P0), derivScale(xd, a, b, Ic, Q, P0), 16, `wasm eq4Drive derivative ${at}`);
    }
  }
});

test("the TypeScript drive step gives the WebAssembly eq4Drive's bits (several oscillators of both polarities, row stride, odd batch, with and without derivative)", () => {
  const drive = wasmEq4Drive();
  assert.ok(drive !== null, "WebAssembly SIMD kernels must load in Node >= 20");
  const rng = new Rng(14);
  for (const [k, nb, ld] of [[1, 1, 1], [3, 7, 9], [6, 33, 40]]) {
    const par = new Float64Array(EQ4_PACKED_DRIVE * k);
    for (let i = 0; i < k; i++) {
      const [a, b, Ic, Q, P0] = DEVICES[i % DEVICES.length];
      eq4RowParams(a, b, Ic, Q, P0, par, EQ4_PACKED_DRIVE * i);
      par[EQ4_PACKED_DRIVE * i + EQ4_PACKED] = Ic < 0 ? -1 : 1;
    }
    const U = new Float64Array(k * ld).map(() => 3 * rng.normal());
    for (const withD of [false, true]) {
      const pT = new Float64Array(k * ld + 2), pW = new Float64Array(k * ld + 2);
      const dT = withD ? new Float64Array(k * ld + 2) : null, dW = withD ? new Float64Array(k * ld + 2) : null;
      fastEq4Drive(k, nb, ld, U, par, pT, dT);
      drive(k, nb, ld, U, par, pW, dW);
      for (let i = 0; i < k; i++) {
        for (let b = 0; b < nb; b++) {
          const q = i * ld + b;
          assert.ok(Object.is(pT[q], pW[q]), `k=${k} row ${i} column ${b}: p ${pT[q]} vs ${pW[q]}`);
          if (dT !== null && dW !== null) assert.ok(Object.is(dT[q], dW[q]), `k=${k} row ${i} column ${b}: p' ${dT[q]} vs ${dW[q]}`);
        }
      }
    }
  }
});

test("eq. 4 through the device curve, the network's forward step (both workspaces) and the robustness trial (every backend) matches the specification", () => {
  const rng = new Rng(13);
  for (const [a, b, Ic, Q, P0] of DEVICES) {
    const curve = eq4({ a, b, Ic, Q, P0 });
    // A one-step network with A = 0: p(1)_i = p(s·B_i²) for every sample, one oscillator per current.
    const k = 6, n = 10;
    const model = createModel(k, 1, 2, curve);
    const s = curve.polarity;
    for (let i = 0; i < k; i++) model.B[i] = Math.sqrt(Math.abs(Ic) * (0.2 + 7 * rng.uniform()));
    for (const engine of [false, true]) {
      const ws = createWorkspace(k, 1, 2, n, { engine });
      ws.P[0].fill(0.5);
      forward(model, ws, n, true);
      for (let i = 0; i < k; i++) {
        const x = s * model.B[i] * model.B[i];
        const want = eq4Spec(x, a, b, Ic, Q, P0), wantD = eq4SpecDI(x, a, b, Ic, Q, P0);
        for (let c = 0; c < n; c++) {
          close(ws.P[1][i * ws.capacity + c], want, valueScale(x, a, b, Ic, Q, P0), 8, `forward (engine ${engine}) p at I = ${x}`);
          close(ws.D[0][i * ws.capacity + c], wantD, derivScale(x, a, b, Ic, Q, P0), 16, `forward (engine ${engine}) p' at I = ${x}`);
        }
      }
    }
    const p0 = new Float64Array(k * n).fill(0.5);
    const y = new Int32Array(n);
    for (const backend of ["ts", "wasm"] as const) {
      const f = createFastTrials(model, p0, n, n, y, model.devices.map((d) => d.polarity), backend, 0);
      for (let i = 0; i < k; i++) {
        eq4RowParams(a, b, Ic, Q, P0, f.par, EQ4_PACKED_DRIVE * i);
        f.par[EQ4_PACKED_DRIVE * i + EQ4_PACKED] = s;
      }
      f.run();
      const out = f.state();
      for (let i = 0; i < k; i++) {
        const x = s * model.B[i] * model.B[i];
        for (let c = 0; c < n; c++) close(out[i * f.n8 + c], eq4Spec(x, a, b, Ic, Q, P0), valueScale(x, a, b, Ic, Q, P0), 8, `robustness trial (${backend}) at I = ${x}`);
      }
    }
    // The native sweep's trial (where the addon is built), on trial 1 of a block of 2.
    const nb = nativeSweepEngine(1)?.create(model, p0, n, n, y, model.devices.map((d) => d.polarity), 2) ?? null;
    if (nb !== null) {
      for (let i = 0; i < k; i++) {
        eq4RowParams(a, b, Ic, Q, P0, nb.par, EQ4_PACKED_DRIVE * (k + i));
        nb.par[EQ4_PACKED_DRIVE * (k + i) + EQ4_PACKED] = s;
      }
      const out = nb.state(1).state;
      for (let i = 0; i < k; i++) {
        const x = s * model.B[i] * model.B[i];
        for (let c = 0; c < n; c++) close(out[i * ((n + 7) & ~7) + c], eq4Spec(x, a, b, Ic, Q, P0), valueScale(x, a, b, Ic, Q, P0), 8, `robustness trial (native) at I = ${x}`);
      }
    }
    for (let t = 0; t < 50; t++) {
      const x = Ic * 6 * rng.uniform();
      close(curve.power(x), eq4Spec(x, a, b, Ic, Q, P0), valueScale(x, a, b, Ic, Q, P0), 8, `Eq4Curve.power at I = ${x}`);
      close(curve.derivative(x), eq4SpecDI(x, a, b, Ic, Q, P0), derivScale(x, a, b, Ic, Q, P0), 16, `Eq4Curve.derivative at I = ${x}`);
    }
  }
});

test("the curve fit's residuals and Jacobian are the specification's value and gradient, bit for bit", () => {
  const rng = new Rng(14);
  for (const [a, b, Ic, Q, P0] of DEVICES) {
    const n = 40;
    const I = currents(rng, Ic, n), P = new Float64Array(n).map(() => rng.uniform());
    const theta = Float64Array.from([a, b, Ic, Q, P0]);
    const r = new Float64Array(n), J = new Float64Array(5 * n), g = new Float64Array(5);
    residualsKernel("eq4", n, I, P, theta, r, J);
    for (let i = 0; i < n; i++) {
      assert.ok(Object.is(r[i], eq4SpecGradient(I[i], a, b, Ic, Q, P0, g, 0) - P[i]), `residual ${i}`);
      for (let j = 0; j < 5; j++) assert.ok(Object.is(J[5 * i + j], g[j]), `J[${i}][${EQ4_PARAMS[j]}]`);
    }
  }
});
