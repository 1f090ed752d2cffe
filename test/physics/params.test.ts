import { test } from "node:test";
import assert from "node:assert/strict";
import { PY_CU_PY, resolveDevice, isAxiallySymmetric, effectiveMagnetisation } from "../../src/physics/params.js";
import { besselJ1, cylinderDemag } from "../../src/physics/demag.js";
import { efficiency, efficiencyDerivative } from "../../src/physics/llg.js";
import { InputError } from "../../src/util/errors.js";
import { ELEMENTARY_CHARGE, HBAR, MU0 } from "../../src/physics/constants.js";

test("J1 matches reference values on both sides of the series/asymptotic switch", () => {
  // Reference values: scipy.special.j1 (also A&S table 9.1).
  const ref: Array<[number, number]> = [
    [0, 0], [1, 0.44005058574493355], [5, -0.3275791375914652], [11.9, -0.22898324966192], [12.1, -0.21574897337692],
    [20, 0.06683312417584993], [100, -0.0771453520141123], [-1, -0.44005058574493355],
  ];
  for (const [x, y] of ref) assert.ok(Math.abs(besselJ1(x) - y) < 1e-11, `J1(${x}) = ${besselJ1(x)} vs ${y}`);
});

test("cylinder demagnetising factors sum to one and reach the known limits", () => {
  // Height = diameter: Nz = 0.3116 (Chen, Brug & Goldfarb, IEEE Trans. Magn. 27, 3601 (1991), magnetometric).
  const cube = cylinderDemag(100e-9, 100e-9);
  assert.ok(Math.abs(cube.Nz - 0.3116) < 1e-4, `Nz = ${cube.Nz}`);
  for (const [d, t] of [[200e-9, 4e-9], [100e-9, 100e-9], [10e-9, 1e-6]]) {
    const N = cylinderDemag(d, t);
    assert.ok(Math.abs(N.Nx + N.Ny + N.Nz - 1) < 1e-14);
    assert.equal(N.Nx, N.Ny);
  }
  // Thin disk asymptote Nz ≈ 1 − (τ/π)(ln(8/τ) − 1/2), τ = thickness/radius.
  const tau = 0.01;
  const thin = cylinderDemag(2, tau);
  assert.ok(Math.abs(thin.Nz - (1 - (tau / Math.PI) * (Math.log(8 / tau) - 0.5))) < 1e-4, `thin Nz = ${thin.Nz}`);
  assert.ok(cylinderDemag(1e-9, 1e-6).Nz < 1e-3);
});

test("the preset resolves to SI quantities with the documented derived values", () => {
  const d = resolveDevice(PY_CU_PY);
  assert.equal(d.currentUnit, "mA");
  assert.equal(d.currentScale, 1e-3);
  assert.ok(Math.abs(d.volume - Math.PI * 1e-14 * 4e-9) < 1e-30);
  assert.ok(Math.abs(d.torquePerAmp / (HBAR / (2 * ELEMENTARY_CHARGE * 6.4e5 * d.volume)) - 1) < 1e-15);
  assert.ok(isAxiallySymmetric(d));
  assert.ok(Math.abs(effectiveMagnetisation(d) - MU0 * 6.4e5 * (d.demag.Nz - d.demag.Nx)) < 1e-15);
  assert.ok(!isAxiallySymmetric(resolveDevice({ ...PY_CU_PY, field: [0.1, 0, 1] })));
});

test("efficiency models have the documented values and derivatives match finite differences", () => {
  const models = [
    { model: "constant" as const, eta: 0.3 },
    { model: "lambda" as const, eta: 0.4, lambda: 0.5 },
    { model: "slonczewski" as const, P: 0.35 },
  ];
  assert.equal(efficiency(models[0], 0.2), 0.3);
  assert.ok(Math.abs(efficiency(models[1], 0.5) - 0.4 / 1.25) < 1e-15);
  const P = 0.35;
  assert.ok(Math.abs(efficiency(models[2], -1) - 1 / (-4 + ((1 + P) ** 3 * 2) / (4 * P ** 1.5))) < 1e-15);
  for (const e of models) {
    for (const u of [-0.9, 0, 0.7]) {
      const fd = (efficiency(e, u + 1e-6) - efficiency(e, u - 1e-6)) / 2e-6;
      assert.ok(Math.abs(efficiencyDerivative(e, u) - fd) < 1e-7, `${e.model} at ${u}`);
    }
  }
});

test("non-physical parameters are rejected with a message naming the field and what is allowed", () => {
  const base = { Ms: 8e5, alpha: 0.01, thickness: 4e-9, diameter: 100e-9 };
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [{ ...base, Ms: 0 }, /dev\.json: Ms \(A\/m\) must be > 0 \(got 0\)/],
    [{ ...base, alpha: -0.1 }, /alpha must be > 0/],
    [{ ...base, alpha: Number.NaN }, /alpha must be a finite number \(got NaN\)/],
    [{ ...base, thickness: 0 }, /thickness \(m\) must be > 0/],
    [{ ...base, diameter: Infinity }, /diameter \(m\) must be a finite number/],
    [{ ...base, polarizer: [0, 0, 0] }, /polarizer must be a non-zero vector/],
    [{ ...base, field: [0, 1] }, /field must be an array of 3 numbers/],
    [{ ...base, demag: [0.5, 0.5, 0.5] }, /demag must sum to 1/],
    [{ ...base, efficiency: { model: "magic" } }, /efficiency\.model must be one of constant, lambda, slonczewski/],
    [{ ...base, efficiency: { model: "lambda", eta: 0.3, lambda: 1 } }, /lambda must be in \(-1, 1\)/],
    [{ ...base, efficiency: { model: "slonczewski", P: 0 } }, /P must be in \(0, 1\]/],
    [{ ...base, currentUnit: "kA" }, /currentUnit must be one of A, mA, uA, µA, nA/],
    [{ ...base, Hk: 1 }, /unknown field "Hk"/],
    [{ ...base, temperature: -1 }, /temperature \(K\) must be in \[0, 10000\]/],
  ];
  for (const [p, re] of cases) {
    assert.throws(() => resolveDevice(p, "dev.json: "), (e: unknown) => e instanceof InputError && re.test(e.message), JSON.stringify(p));
  }
  assert.throws(() => resolveDevice([], "dev.json: "), InputError);
});
