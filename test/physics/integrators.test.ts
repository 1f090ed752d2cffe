import { test } from "node:test";
import assert from "node:assert/strict";
import { resolveDevice } from "../../src/physics/params.js";
import { LlgModel } from "../../src/physics/llg.js";
import { RK4_ORDER, rk4Step, rk4Workspace } from "../../src/physics/integrators/rk4.js";
import { HEUN_ORDER, HEUN_STRONG_ORDER_COMMUTATIVE, heunStep, heunWorkspace } from "../../src/physics/integrators/heun.js";
import { initialMagnetisation } from "../../src/physics/sweep.js";
import { Rng } from "../../src/util/rng.js";

// Closed-form problem: a sphere (Nx = Ny = Nz, so the demagnetising field is parallel to m and
// exerts no torque), field B0 along z, no current. Then, with γ' = γ/(1 + α²) and
// s(t) = ∫ (B0 + B_th,z) dt, the LLG solution is
//   tan(θ/2) = tan(θ0/2)·exp(−α γ' s),   φ = γ' s,
// also with a thermal field along z only (a single Wiener process: commutative noise), where
// s = B0 t + c W(t) in the Stratonovich sense.
const B0 = 0.1;
const alpha = 0.1;
const theta0 = 1;
const device = resolveDevice({ Ms: 8e5, alpha, thickness: 2e-9, diameter: 50e-9, demag: [1 / 3, 1 / 3, 1 / 3], field: [0, 0, B0] });
const gammaLL = device.gamma / (1 + alpha * alpha);

function exact(s: number): [number, number, number] {
  const theta = 2 * Math.atan(Math.tan(theta0 / 2) * Math.exp(-alpha * gammaLL * s));
  const phi = gammaLL * s;
  return [Math.sin(theta) * Math.cos(phi), Math.sin(theta) * Math.sin(phi), Math.cos(theta)];
}

function error(m: Float64Array, e: [number, number, number]): number {
  return Math.hypot(m[0] - e[0], m[1] - e[1], m[2] - e[2]);
}

/** Least-squares slope of log(err) against log(dt). */
function slope(dts: number[], errs: number[]): number {
  const x = dts.map(Math.log), y = errs.map(Math.log);
  const mx = x.reduce((a, b) => a + b) / x.length, my = y.reduce((a, b) => a + b) / y.length;
  let sxy = 0, sxx = 0;
  for (let i = 0; i < x.length; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
  }
  return sxy / sxx;
}

const T = 1e-9;

test("the sphere problem starts where the closed form does", () => {
  const m = initialMagnetisation(device.polarizer, theta0, new Float64Array(3));
  assert.ok(error(m, exact(0)) < 1e-15);
});

test("RK4 converges with its declared order 4 on damped precession", () => {
  const model = new LlgModel(device, 0);
  const dts: number[] = [], errs: number[] = [];
  for (const n of [100, 200, 400, 800]) {
    const dt = T / n;
    const m = initialMagnetisation(device.polarizer, theta0, new Float64Array(3));
    const w = rk4Workspace();
    for (let k = 0; k < n; k++) rk4Step(model, m, dt, w);
    dts.push(dt);
    errs.push(error(m, exact(B0 * T)));
  }
  const order = slope(dts, errs);
  assert.equal(RK4_ORDER, 4);
  assert.ok(Math.abs(order - RK4_ORDER) < 0.25, `measured order ${order}, errors ${errs}`);
  assert.ok(errs[3] < 1e-6, `finest error ${errs[3]}`);
});

test("stochastic Heun converges with order 2 in the deterministic limit (T = 0)", () => {
  // With no thermal field Heun is the explicit trapezoidal rule; this isolates the drift part.
  const model = new LlgModel(device, 0);
  const dts: number[] = [], errs: number[] = [];
  for (const n of [200, 400, 800, 1600]) {
    const dt = T / n;
    const m = initialMagnetisation(device.polarizer, theta0, new Float64Array(3));
    const w = heunWorkspace();
    for (let k = 0; k < n; k++) heunStep(model, m, dt, w);
    dts.push(dt);
    errs.push(error(m, exact(B0 * T)));
  }
  const order = slope(dts, errs);
  assert.equal(HEUN_ORDER, 2);
  assert.ok(Math.abs(order - HEUN_ORDER) < 0.2, `measured order ${order}, errors ${errs}`);
});

test("stochastic Heun converges strongly with order 1 for a thermal field along one axis", () => {
  // Strong error E|m_dt(T) − m(T)| over 40 Brownian paths, each path refined from its finest
  // increments. A single noise axis makes the noise commutative, so Heun's strong order is 1
  // (Brown's isotropic field is non-commutative: strong order 1/2, checked statistically instead
  // by the Boltzmann test in validation.test.ts).
  const c = 3e-7; // T·s^½: γ·c·√T ≈ 1.7 rad of random precession over T = 1 ns (vs γ·B0·T ≈ 17 rad)
  const paths = 40;
  const levels = [128, 256, 512, 1024];
  const fine = 8192;
  const dtFine = T / fine;
  const rng = new Rng(2024);
  const sum = new Float64Array(levels.length);
  const dW = new Float64Array(fine);
  for (let p = 0; p < paths; p++) {
    let W = 0;
    for (let k = 0; k < fine; k++) {
      dW[k] = Math.sqrt(dtFine) * rng.normal();
      W += dW[k];
    }
    const e = exact(B0 * T + c * W);
    levels.forEach((n, li) => {
      const stride = fine / n;
      const dt = T / n;
      const model = new LlgModel(device, 0);
      const m = initialMagnetisation(device.polarizer, theta0, new Float64Array(3));
      const w = heunWorkspace();
      for (let k = 0; k < n; k++) {
        let inc = 0;
        for (let j = 0; j < stride; j++) inc += dW[k * stride + j];
        model.thermal[2] = (c * inc) / dt;
        heunStep(model, m, dt, w);
      }
      sum[li] += error(m, e) / paths;
    });
  }
  const order = slope(levels.map((n) => T / n), [...sum]);
  assert.equal(HEUN_STRONG_ORDER_COMMUTATIVE, 1);
  assert.ok(Math.abs(order - 1) < 0.25, `measured strong order ${order}, errors ${[...sum]}`);
});
