import { test } from "node:test";
import assert from "node:assert/strict";
import { createModel } from "../../src/network/model.js";
import { eq4 } from "../../src/device/analytic.js";
import { driveStats, inferenceCost, resolveProfile } from "../../src/cost/inference.js";
import { parseProfile, PROFILE_DEFAULTS, type HardwareProfile } from "../../src/cost/profile.js";
import { InputError } from "../../src/util/errors.js";
import { Rng } from "../../src/util/rng.js";

// Every timing given, so no LLG simulation runs.
const PROFILE: HardwareProfile = {
  oscillator: { resistance: 100, ampsPerUnit: 1e-3, settlingTime: 10e-9 },
  adc: { bits: 8, waldenFom: 1e-14, sampleRate: 1e8, count: 2 },
  dac: { bits: 8, fom: 1e-14, settlingTime: 1e-9, supplyVoltage: 0.9 },
  cmos: { macEnergy: 2.3e-13, clock: 1e9, macUnits: 2 },
  digital: { macsPerActivation: 10 },
};

/** A = 0 and B(t) = b for every step: the currents are b² whatever the input. */
function constantModel(steps: number, b: number[], classes = 2) {
  const k = b.length;
  const m = createModel(k, steps, classes, eq4());
  for (let t = 0; t < steps; t++) for (let i = 0; i < k; i++) m.B[t * k + i] = b[i];
  return m;
}

const close = (a: number, b: number, rel = 1e-12) => assert.ok(Math.abs(a - b) <= rel * Math.abs(b), `${a} vs ${b}`);

test("a hand-computed example matches: k = 2, one step, currents 1 and 4 mA", () => {
  const m = constantModel(1, [1, 2]);
  const x = new Float64Array([0.3, 0.7, 0.1, 0.9]);
  const c = inferenceCost(m, resolveProfile(m, PROFILE), driveStats(m, x, 2));
  // T = 10 ns (ADC, ⌈2/2⌉ conversion at 100 MS/s) + 3 ns (6 MACs on 2 units at 1 GHz) + 1 ns (DAC) + 10 ns (settling)
  close(c.stepTime, 24e-9);
  const e = Object.fromEntries(c.parts.map((p) => [p.part, p.energy]));
  close(e.drive, ((1e-3) ** 2 + (4e-3) ** 2) * 100 * 24e-9); // 4.08e-11 J
  close(e.driver, 0.9 * (1e-3 + 4e-3) * 24e-9 - 4.08e-11); // 6.72e-11 J
  close(e.adc, 2 * 1e-14 * 256); // 5.12e-12 J
  close(e.dac, 2 * 1e-14 * 256);
  close(e.mac, 6 * 2.3e-13); // k² + k = 6 MACs
  close(e.readout, 4 * 2.3e-13); // classes·k = 4 MACs
  close(c.energy, 1.2054e-10);
  close(c.latency, 26e-9); // + ⌈4/2⌉ readout cycles
  assert.equal(c.digital.macs, 30); // 4 + 2 + 2·10 + 4
  close(c.digital.energy, 30 * 2.3e-13);
  close(c.digital.latency, 15e-9); // ⌈26/2⌉ + ⌈4/2⌉ cycles
  assert.deepEqual(c.warnings, []);
});

test("the breakdown adds up to the total energy and the step latency to the step time", () => {
  const rng = new Rng(3);
  const m = createModel(5, 3, 3, eq4());
  for (let i = 0; i < m.A.length; i++) m.A[i] = rng.normal() * 0.5;
  for (let i = 0; i < m.B.length; i++) m.B[i] = 1 + rng.normal() * 0.3;
  const x = Float64Array.from({ length: 40 * 5 }, () => rng.uniform());
  const c = inferenceCost(m, resolveProfile(m, PROFILE === undefined ? {} : { ...PROFILE, oscillator: { ...PROFILE.oscillator, resistance: [50, 60, 70, 80, 90] } }), driveStats(m, x, 40));
  close(c.parts.reduce((s, p) => s + p.energy, 0), c.energy, 1e-14);
  close(c.stepLatency.reduce((s, p) => s + p.time, 0), c.stepTime, 1e-14);
  close(c.steps * c.stepTime + c.readoutLatency, c.latency, 1e-14);
});

test("energy is linear in the number of steps when every step draws the same currents", () => {
  const E = [1, 2, 3, 4, 7].map((n) => {
    const m = constantModel(n, [1.2, 1.5, 2]);
    return inferenceCost(m, resolveProfile(m, PROFILE), driveStats(m, new Float64Array(3).fill(0.5), 1)).energy;
  });
  const slope = E[1] - E[0];
  close(E[2] - E[1], slope, 1e-9);
  close(E[3] - E[2], slope, 1e-9);
  close(E[4] - E[3], 3 * slope, 1e-9);
});

test("drive energy is quadratic in the current, the other parts do not change", () => {
  const m = constantModel(2, [1.2, 1.5]);
  const s = driveStats(m, new Float64Array(2).fill(0.5), 1);
  const at = (amps: number) => inferenceCost(m, resolveProfile(m, { ...PROFILE, oscillator: { ...PROFILE.oscillator, ampsPerUnit: amps } }), s);
  const a = at(1e-3), b = at(3e-3);
  close(b.parts[0].energy, 9 * a.parts[0].energy);
  for (const i of [2, 3, 4, 5]) assert.equal(b.parts[i].energy, a.parts[i].energy);
});

test("the model's converter bits and finite relaxation set the ADC/DAC bits and the step time", () => {
  const m = constantModel(1, [1, 2]);
  const p = resolveProfile(m, { oscillator: { relaxationTime: 2e-9 } }, { adc: { bits: 6, fullScale: 1 }, dac: { bits: 10, fullScale: 8 }, relaxation: { dtOverTau: 3 } });
  assert.equal(p.adcBits, 6);
  assert.equal(p.dacBits, 10);
  close(p.settlingTime, 6e-9);
  const q = resolveProfile(m, { oscillator: { relaxationTime: 2e-9, settleTolerance: 0.05 } });
  close(q.settlingTime, 2e-9 * Math.log(20));
});

test("a dimensionless device maps its threshold to the LLG device's threshold; a device in mA uses mA", () => {
  const m = constantModel(1, [1, 2]);
  const p = resolveProfile(m, { oscillator: { settlingTime: 1e-8 } });
  assert.ok(p.ampsPerUnit > 4e-3 && p.ampsPerUnit < 6e-3, String(p.ampsPerUnit)); // py-cu-py: Ic ≈ 5.19 mA
  const mA = createModel(2, 1, 2, eq4({ a: 1, b: 5, Ic: 6, Q: 2 }, { currentUnit: "mA" }));
  assert.equal(resolveProfile(mA, { oscillator: { settlingTime: 1e-8 } }).ampsPerUnit, 1e-3);
});

test("profile mistakes are one-line errors naming the field and its unit", () => {
  const msg = (v: unknown) => {
    try {
      parseProfile(v, "hw.json");
    } catch (e) {
      assert.ok(e instanceof InputError);
      return e.message;
    }
    return "";
  };
  assert.equal(msg({ adc: { bits: 0 } }), "hw.json: adc.bits must be >= 1 (got 0) [unit: bits]");
  assert.equal(msg({ oscillator: { settlingTime: 10 } }), "hw.json: oscillator.settlingTime must be <= 0.001 (got 10) [unit: s]");
  assert.match(msg({ cmos: { pJPerMac: 1 } }), /^hw\.json: cmos: unknown field "pJPerMac" \(allowed: macEnergy, clock, macUnits\)$/);
  assert.match(msg({ oscillator: { resistance: -5 } }), /^hw\.json: oscillator\.resistance/);
  assert.equal(msg({}), "");
  const m = constantModel(1, [1, 2]);
  assert.throws(() => resolveProfile(m, { oscillator: { resistance: [1, 2, 3], settlingTime: 1e-8 } }, undefined, "hw.json"), /hw\.json: oscillator\.resistance has 3 values/);
});

test("every default constant of the profile names a source, and every profile field has a documented default", () => {
  for (const c of PROFILE_DEFAULTS) assert.ok(c.source.length > 20, c.path);
  const fields = ["oscillator.resistance", "oscillator.ampsPerUnit", "oscillator.settlingTime", "oscillator.relaxationTime", "oscillator.settleTolerance", "adc.bits", "adc.waldenFom", "adc.sampleRate", "adc.count", "dac.bits", "dac.fom", "dac.settlingTime", "dac.supplyVoltage", "cmos.macEnergy", "cmos.clock", "cmos.macUnits", "digital.macEnergy", "digital.macsPerActivation"];
  for (const f of fields) assert.ok(PROFILE_DEFAULTS.some((c) => c.path === f), f);
});

test("a supply too low for the drive: the driver is counted on one raised supply, and the label, the energy and the warning name the same voltage", () => {
  // Currents 1 and 16 mA through 100 Ω: the second needs 1.6 V, above the 0.9 V supply.
  const m = constantModel(1, [1, 4]);
  const x = new Float64Array([0.3, 0.7]);
  const c = inferenceCost(m, resolveProfile(m, PROFILE), driveStats(m, x, 1));
  const e = Object.fromEntries(c.parts.map((p) => [p.part, p]));
  const T = c.stepTime;
  close(e.drive.energy, ((1e-3) ** 2 + (16e-3) ** 2) * 100 * T);
  // One supply at 1.6 V feeds both drivers: 1.6·(1 + 16) mA·T minus what the oscillators take.
  close(e.driver.energy, 1.6 * (1e-3 + 16e-3) * T - e.drive.energy);
  assert.ok(e.driver.energy > 0, "no driver loss at all next to a warning that the supply is too low");
  assert.match(e.driver.label, /at V = 1\.60 V: the 0\.9 V supply raised to the largest rms I·R/);
  assert.equal(c.warnings.length, 1);
  assert.match(c.warnings[0], /needs 1\.60 V across it, above the 0\.9 V supply .*: the driver loss is counted on a supply of 1\.60 V/);
});
