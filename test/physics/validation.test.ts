import { test } from "node:test";
import assert from "node:assert/strict";
import { PY_CU_PY, resolveDevice, type DeviceParams } from "../../src/physics/params.js";
import { LlgModel } from "../../src/physics/llg.js";
import { rk4Step, rk4Workspace } from "../../src/physics/integrators/rk4.js";
import { thresholdCurrent, smallAngleGrowthRate, stationaryState, boltzmannAverage } from "../../src/physics/closedform.js";
import { initialMagnetisation, resolveSweepOptions, simulateCurrent } from "../../src/physics/sweep.js";
import { maxAngularFrequency } from "../../src/physics/llg.js";
import { effectiveMagnetisation } from "../../src/physics/params.js";
import { heunAntiDamping, heunStep, heunWorkspace } from "../../src/physics/integrators/heun.js";
import { ELEMENTARY_CHARGE, HBAR, MU0 } from "../../src/physics/constants.js";

const preset = resolveDevice({ ...PY_CU_PY, temperature: 0 });

/** Growth rate d ln(sin θ)/dt measured by RK4 from θ0 = 1e-3 over `duration` seconds. */
function measuredGrowthRate(params: DeviceParams, currentAmps: number, duration: number): number {
  const d = resolveDevice(params);
  const model = new LlgModel(d, currentAmps);
  const dt = 0.02 / maxAngularFrequency(d);
  const n = Math.round(duration / dt);
  const m = initialMagnetisation(d.polarizer, 1e-3, new Float64Array(3));
  const s0 = Math.hypot(m[0], m[1]);
  const w = rk4Workspace();
  for (let k = 0; k < n; k++) rk4Step(model, m, dt, w);
  return Math.log(Math.hypot(m[0], m[1]) / s0) / (n * dt);
}

test("the closed-form threshold of the Py/Cu/Py preset is Ic = (2e/ħ)·α·Ms·V·(B0 − μ0Meff)/g(0)", () => {
  const d = preset;
  const meff = MU0 * d.Ms * (d.demag.Nz - d.demag.Nx);
  const P = 0.35;
  const g0 = 1 / (-4 + ((1 + P) ** 3 * 4) / (4 * P ** 1.5));
  const expected = ((2 * ELEMENTARY_CHARGE) / HBAR) * d.alpha * d.Ms * d.volume * (1 - meff) / g0;
  assert.ok(Math.abs(thresholdCurrent(d) / expected - 1) < 1e-12);
  assert.ok(thresholdCurrent(d) > 4e-3 && thresholdCurrent(d) < 7e-3, `Ic = ${thresholdCurrent(d)} A`);
});

for (const [label, params] of [
  ["Py/Cu/Py preset (Slonczewski g)", { ...PY_CU_PY, temperature: 0 }],
  ["λ-efficiency device with anisotropy and a field-like torque", {
    Ms: 1.0e6, alpha: 0.02, thickness: 3e-9, diameter: 100e-9, field: [0, 0, 1.5] as [number, number, number],
    anisotropy: { field: 0.2, axis: [0, 0, 1] as [number, number, number] },
    efficiency: { model: "lambda" as const, eta: 0.4, lambda: 0.3 }, fieldLike: 0.2,
  }],
] as const) {
  test(`simulated threshold from small-oscillation growth rates matches Ic within 1e-4: ${label}`, () => {
    const d = resolveDevice(params);
    const Ic = thresholdCurrent(d);
    const I1 = 0.95 * Ic, I2 = 1.05 * Ic;
    const r1 = measuredGrowthRate(params, I1, 4e-9);
    const r2 = measuredGrowthRate(params, I2, 4e-9);
    assert.ok(r1 < 0 && r2 > 0, `rates ${r1}, ${r2}`);
    // Linear interpolation of the (exactly linear in I) small-angle rate to zero.
    const simulated = I1 + ((I2 - I1) * -r1) / (r2 - r1);
    assert.ok(Math.abs(simulated / Ic - 1) < 1e-4, `simulated ${simulated} A vs closed form ${Ic} A`);
    assert.ok(Math.abs(r2 / smallAngleGrowthRate(d, I2) - 1) < 1e-3, `rate ${r2} vs ${smallAngleGrowthRate(d, I2)}`);
  });
}

const coneDevices = [
  // Same geometry as the preset with α = 0.05 so the cone is reached within 40 ns.
  { ...PY_CU_PY, alpha: 0.05, temperature: 0 },
  {
    Ms: 1.0e6, alpha: 0.05, thickness: 3e-9, diameter: 100e-9, field: [0, 0, 1.5] as [number, number, number],
    anisotropy: { field: 0.2, axis: [0, 0, 1] as [number, number, number] },
    efficiency: { model: "lambda" as const, eta: 0.4, lambda: 0.3 }, fieldLike: 0.2,
  },
];

test("stationary power, transverse power and frequency match the exact cone angle within 1e-4 at several currents", () => {
  for (const params of coneDevices) {
    const d = resolveDevice(params);
    const Ic = thresholdCurrent(d);
    const o = resolveSweepOptions(d, { duration: 40e-9, transient: 30e-9, integrator: "rk4", initialTilt: 0.3 });
    for (const x of [1.3, 1.6, 2.0]) {
      const I = x * Ic;
      const exact = stationaryState(d, I);
      assert.equal(exact.kind, "precession");
      const pt = simulateCurrent(d, o, I / d.currentScale, 0);
      assert.equal(pt.status, "ok", pt.message);
      const rel = (a: number, b: number): number => Math.abs(a / b - 1);
      assert.ok(rel(pt.power, exact.power) < 1e-4, `I/Ic=${x}: power ${pt.power} vs ${exact.power}`);
      assert.ok(rel(pt.transversePower, exact.transversePower) < 1e-4, `I/Ic=${x}: |m⊥|² ${pt.transversePower} vs ${exact.transversePower}`);
      assert.ok(rel(pt.frequencyGHz * 1e9, exact.frequency) < 1e-4, `I/Ic=${x}: f ${pt.frequencyGHz} GHz vs ${exact.frequency / 1e9}`);
    }
  }
});

test("a current beyond the switching point is reported as switched, as the closed form predicts", () => {
  const d = resolveDevice(coneDevices[0]);
  const I = 2.5 * thresholdCurrent(d);
  assert.equal(stationaryState(d, I).kind, "switched");
  const o = resolveSweepOptions(d, { duration: 20e-9, integrator: "rk4" });
  const pt = simulateCurrent(d, o, I / d.currentScale, 0);
  assert.equal(pt.status, "switched");
  assert.ok(pt.power > 0.99 && /reversed/.test(pt.message));
});

test("at I = 0 the thermal mean of (1 − m·p̂)/2 matches the Boltzmann average within 3 standard errors", () => {
  // A small particle (10 nm × 4 nm, Ms = 8e5 A/m; demag set isotropic, 0.02 T uniaxial anisotropy
  // along z) in 0.05 T at 300 K: MsV·B0/kBT ≈ 3.4, so ⟨(1 − cos θ)/2⟩ ≈ 0.139. α = 0.2 makes the
  // correlation time ≈ 0.5 ns; 40 independent trajectories of 100 ns (Heun, dt = 2 ps,
  // ω·dt ≈ 0.018 rad) give a standard error of ≈ 0.002 from the spread of trajectory means.
  const d = resolveDevice({
    Ms: 8e5, alpha: 0.2, thickness: 4e-9, diameter: 10e-9, demag: [1 / 3, 1 / 3, 1 / 3], field: [0, 0, 0.05],
    anisotropy: { field: 0.02, axis: [0, 0, 1] },
  });
  const T = 300;
  const exact = boltzmannAverage(d, T, (u) => (1 - u) / 2);
  const o = resolveSweepOptions(d, { duration: 100e-9, transient: 5e-9, temperature: T, dt: 2e-12, seed: 11 });
  assert.equal(o.integrator, "heun");
  const K = 40;
  const means: number[] = [];
  for (let k = 0; k < K; k++) means.push(simulateCurrent(d, o, 0, k).power);
  const mean = means.reduce((a, b) => a + b) / K;
  const se = Math.sqrt(means.reduce((a, b) => a + (b - mean) ** 2, 0) / (K - 1) / K);
  assert.ok(exact > 0.1 && exact < 0.2, `exact ${exact}`);
  assert.ok(se > 0 && se < 0.01 * exact * 3, `standard error ${se}`);
  assert.ok(Math.abs(mean - exact) < 3 * se, `simulated ${mean} ± ${se} vs Boltzmann ${exact}`);
});

test("stochastic Heun's spurious anti-damping lowers the threshold by (ω·dt)³/(8α), as the step-size rule assumes", () => {
  // Small-angle growth rates with Heun at T = 0 and a deliberately coarse step: the apparent
  // threshold is Ic·(1 − A), A = (ω0·dt)³/(8α), ω0 = γ(B0 − μ0Meff) the small-angle precession.
  const d = resolveDevice({ ...PY_CU_PY, temperature: 0 });
  const Ic = thresholdCurrent(d);
  const dt = 3e-12;
  const w0 = d.gamma * (d.field[2] - effectiveMagnetisation(d));
  const A = heunAntiDamping(d.alpha, w0, dt);
  const rate = (I: number): number => {
    const model = new LlgModel(d, I);
    const n = Math.round(4e-9 / dt);
    const m = initialMagnetisation(d.polarizer, 1e-3, new Float64Array(3));
    const s0 = Math.hypot(m[0], m[1]);
    const w = heunWorkspace();
    for (let k = 0; k < n; k++) heunStep(model, m, dt, w);
    return Math.log(Math.hypot(m[0], m[1]) / s0) / (n * dt);
  };
  const I1 = 0.7 * Ic, I2 = 1.05 * Ic;
  const r1 = rate(I1), r2 = rate(I2);
  const apparent = I1 + ((I2 - I1) * -r1) / (r2 - r1);
  assert.ok(A > 0.02 && A < 0.1, `A = ${A}`);
  assert.ok(Math.abs((1 - apparent / Ic) / A - 1) < 0.03, `shift ${1 - apparent / Ic} vs predicted ${A}`);
  const coarse = resolveSweepOptions(d, { dt, temperature: 300 });
  assert.ok(coarse.warnings.some((w) => /anti-damping/.test(w)), "a coarse Heun step is warned about");
  assert.deepEqual(resolveSweepOptions(d, { temperature: 300 }).warnings, [], "the default step satisfies the rule");
});
