import { test } from "node:test";
import assert from "node:assert/strict";
import { ObservableAccumulator } from "../../src/physics/observables.js";

test("power, transverse power and frequency of a uniform precession cone about an oblique p̂ are exact", () => {
  // m(t) = cos θ p̂ + sin θ (cos ωt e1 + sin ωt e2) with p̂ = (0, 0.6, 0.8), θ = 0.7, f = 9.5 GHz.
  const p = [0, 0.6, 0.8];
  const e1 = [1, 0, 0];
  const e2 = [0, -0.8, 0.6];
  const theta = 0.7, f = 9.5e9, dt = 1e-12, n = 5000;
  const acc = new ObservableAccumulator(p, n);
  const m = new Float64Array(3);
  for (let k = 0; k < n; k++) {
    const ph = 2 * Math.PI * f * k * dt;
    for (let i = 0; i < 3; i++) m[i] = Math.cos(theta) * p[i] + Math.sin(theta) * (Math.cos(ph) * e1[i] + Math.sin(ph) * e2[i]);
    acc.add(m, dt);
  }
  assert.equal(acc.count, n);
  assert.ok(Math.abs(acc.power() - (1 - Math.cos(theta)) / 2) < 1e-12);
  assert.ok(Math.abs(acc.transversePower() - Math.sin(theta) ** 2) < 1e-12);
  assert.ok(Math.abs(acc.frequency() / f - 1) < 1e-12, `f = ${acc.frequency()}`);
  const [a, b] = acc.halves();
  assert.ok(Math.abs(a - b) < 1e-12);
});

test("the settling halves see a drifting power and reset forgets everything", () => {
  const acc = new ObservableAccumulator([0, 0, 1], 4);
  for (const z of [1, 1, 0, 0]) acc.add(Float64Array.of(Math.sqrt(1 - z * z), 0, z), 1e-12);
  assert.deepEqual(acc.halves(), [0, 0.5]);
  assert.equal(acc.frequency(), 0);
  acc.reset();
  assert.equal(acc.count, 0);
  assert.ok(Number.isNaN(acc.power()));
});

test("the standard error of the half-window difference follows from the spread of batch means", () => {
  // 16 batches of 10 samples each with constant power inside a batch: batch means 0, 0.01, 0, 0.01, ...
  const acc = new ObservableAccumulator([0, 0, 1], 160);
  for (let k = 0; k < 160; k++) {
    const p = Math.floor(k / 10) % 2 === 0 ? 0 : 0.01;
    const z = 1 - 2 * p;
    acc.add(Float64Array.of(Math.sqrt(1 - z * z), 0, z), 1e-12);
  }
  // Each half: 8 means alternating 0 and 0.01, sample variance 0.01²·8/(4·7); SE² = 2·var/8.
  const v = (0.0001 * 8) / (4 * 7);
  assert.ok(Math.abs(acc.halvesError() - Math.sqrt((2 * v) / 8)) < 1e-15);
  const [a, b] = acc.halves();
  assert.ok(Math.abs(a - b) < 1e-15);
});
