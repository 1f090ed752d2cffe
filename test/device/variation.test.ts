import { test } from "node:test";
import assert from "node:assert/strict";
import { drawDevices, MAX_REDRAWS } from "../../src/device/variation.js";
import { eq4, eq3, Eq4Curve, Eq3Curve } from "../../src/device/analytic.js";
import { tableCurve } from "../../src/device/table.js";
import { Rng } from "../../src/util/rng.js";
import { InputError } from "../../src/util/errors.js";

test("each oscillator draws its own a with the requested standard deviation and the rest unchanged", () => {
  const base = new Array(4000).fill(eq4());
  const { devices, redraws, clipped } = drawDevices(base, { params: ["a"], sigma: 0.5 }, new Rng(3));
  const a = devices.map((d) => (d as Eq4Curve).a);
  const mean = a.reduce((s, x) => s + x, 0) / a.length;
  const sd = Math.sqrt(a.reduce((s, x) => s + (x - mean) ** 2, 0) / a.length);
  assert.ok(Math.abs(mean - 4) < 0.05, `mean ${mean}`);
  assert.ok(Math.abs(sd - 0.5) < 0.03, `sd ${sd}`);
  assert.equal(new Set(a).size, a.length);
  assert.ok(devices.every((d) => (d as Eq4Curve).b === 5 && (d as Eq4Curve).Q === 2));
  assert.equal(redraws + clipped, 0);
});

test("the same seed gives the same devices and sigma zero returns the base curves", () => {
  const base = [eq4(), eq4()];
  const x = drawDevices(base, { params: ["a", "Q"], sigma: 0.3, distribution: "uniform" }, new Rng(9)).devices.map((d) => d.toSpec());
  const y = drawDevices(base, { params: ["a", "Q"], sigma: 0.3, distribution: "uniform" }, new Rng(9)).devices.map((d) => d.toSpec());
  assert.deepEqual(x, y);
  assert.equal(drawDevices(base, { params: ["a"], sigma: 0 }, new Rng(1)).devices[0], base[0]);
});

test("relative and lognormal draws scale with the base value and lognormal never crosses zero", () => {
  const base = new Array(2000).fill(eq4({ Ic: -2 }));
  const rel = drawDevices(base, { params: ["Ic"], sigma: 0.1, relative: true }, new Rng(5)).devices.map((d) => (d as Eq4Curve).Ic);
  const sd = Math.sqrt(rel.reduce((s, x) => s + (x + 2) ** 2, 0) / rel.length);
  assert.ok(Math.abs(sd - 0.2) < 0.02, `sd ${sd}`);
  const logn = drawDevices(base, { params: ["Ic"], sigma: 3, relative: true, distribution: "lognormal" }, new Rng(5));
  assert.ok(logn.devices.every((d) => (d as Eq4Curve).Ic < 0));
  assert.equal(logn.redraws + logn.clipped, 0);
});

test("non-physical draws of Q are redrawn or clipped, counted, and never produce an invalid device", () => {
  const base = new Array(500).fill(eq4({ Q: 0.1 }));
  const r = drawDevices(base, { params: ["Q"], sigma: 1 }, new Rng(2));
  assert.ok(r.redraws > 100, `redraws ${r.redraws}`);
  assert.ok(r.devices.every((d) => (d as Eq4Curve).Q > 0));
  const hopeless = drawDevices([eq3({ Ic: 1, Q: -0.999 })], { params: ["Q"], sigma: 1000 }, new Rng(1));
  assert.ok(hopeless.redraws <= MAX_REDRAWS);
  assert.ok((hopeless.devices[0] as Eq3Curve).Q > -1);
});

test("a parameter a device model lacks is refused with a message naming it and the allowed ones", () => {
  assert.throws(() => drawDevices([eq3({ Ic: -6, Q: 0.1 })], { params: ["a"], sigma: 0.1 }, new Rng(1)), (e: Error) => e instanceof InputError && /parameter a does not apply to eq3 devices \(allowed: Ic, Q\)/.test(e.message));
  const table = tableCurve([0, 1, 2, 3], [0, 0.1, 0.3, 0.4]);
  assert.throws(() => drawDevices([table], { params: ["Q"], sigma: 0.1 }, new Rng(1)), /only eq4 and eq3/);
});
