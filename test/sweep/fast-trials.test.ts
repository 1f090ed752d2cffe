import { test } from "node:test";
import assert from "node:assert/strict";
import { createFastTrials, fastWasmAvailable, DEFAULT_SCREEN_MARGIN } from "../../src/sweep/fast-trials.js";
import { createTrialContext, runTrials, robustnessSweep } from "../../src/sweep/robustness.js";
import { drawDevicesResolved, drawEq4Params, resolveVariation } from "../../src/device/variation.js";
import { resolveHardware } from "../../src/network/hardware.js";
import { createWorkspace, loadInputs, forward } from "../../src/network/dynamics.js";
import { evaluate } from "../../src/network/api.js";
import { Eq4Curve, eq4 } from "../../src/device/analytic.js";
import { Rng } from "../../src/util/rng.js";
import { eq4RowParams, EQ4_PACKED, EQ4_PACKED_DRIVE } from "../../src/device/eq4.js";
import { smallSpiral } from "./fixture.js";

/** A fused-trial state on the fixture's test set, with the base devices' scalars in `par`. */
function setup(backend: "wasm" | "ts", screen = 0) {
  const { model, test: ts } = smallSpiral();
  const ctx = createTrialContext(model, ts);
  const f = createFastTrials(model, ctx.ws.P[0], ctx.ws.capacity, ts.n, ts.y, model.devices.map((d) => d.polarity), backend, screen);
  model.devices.forEach((d, i) => {
    const e = d as Eq4Curve;
    eq4RowParams(e.a, e.b, e.Ic, e.Q, e.P0, f.par, EQ4_PACKED_DRIVE * i);
    f.par[EQ4_PACKED_DRIVE * i + EQ4_PACKED] = e.polarity;
  });
  return { model, ts, ctx, f };
}

test("the fused trial's final state equals forward()'s bit for bit with the same devices", () => {
  const { model, ts, f } = setup("ts");
  const ws = createWorkspace(model.k, model.steps, model.classes, ts.n);
  loadInputs(model, ws, ts.x, null, 0, ts.n);
  forward(model, ws, ts.n, false);
  f.run();
  const P = ws.P[model.steps], S = f.state();
  for (let j = 0; j < model.k; j++) {
    for (let b = 0; b < ts.n; b++) {
      const ref = P[j * ts.n + b];
      assert.ok(Object.is(S[j * f.n8 + b], ref), `oscillator ${j}, sample ${b}: ${S[j * f.n8 + b]} vs ${ref}`);
    }
  }
});

test("WebAssembly and TypeScript fused trials give the same final state bit for bit and the same counts", () => {
  // Node >= 20 (the supported runtime) always has WebAssembly SIMD; its absence is a failure here.
  assert.ok(fastWasmAvailable(), "WebAssembly SIMD kernels must load in Node >= 20");
  const a = setup("ts"), b = setup("wasm");
  assert.equal(b.f.backend, "wasm");
  const rng = new Rng(77);
  for (let trial = 0; trial < 40; trial++) {
    for (let i = 0; i < a.model.k; i++) {
      // Wide spreads of a and b, so that every branch of the curve (saturation, tails) is exercised.
      const a2 = 2 * (4 + 3 * rng.normal()), b2 = 2 * (5 + 3 * rng.normal());
      a.f.par[EQ4_PACKED_DRIVE * i] = b.f.par[EQ4_PACKED_DRIVE * i] = a2;
      a.f.par[EQ4_PACKED_DRIVE * i + 1] = b.f.par[EQ4_PACKED_DRIVE * i + 1] = b2;
    }
    assert.equal(b.f.run(), a.f.run());
    const sa = a.f.state(), sb = b.f.state();
    for (let q = 0; q < sa.length; q++) assert.ok(Object.is(sa[q], sb[q]), `trial ${trial}, element ${q}: ${sa[q]} vs ${sb[q]}`);
  }
});

test("at sigma zero the fast path's accuracy equals evaluate() on the spiral test set", () => {
  const { model, test: ts } = smallSpiral();
  const r = robustnessSweep(model, ts, { params: ["a", "b", "Ic", "Q"], sigmas: [0], trials: 5, seed: 3 });
  assert.equal(r.stats[0].mean, evaluate(model, ts).accuracy);
});

test("the fused draw routine consumes the same random stream as drawDevices, redraws and clips included", () => {
  const base = [eq4(), eq4({ a: 3, Q: 0.05 }), eq4({ Ic: -1 })];
  const v = resolveVariation({ params: ["Q", "a", "Ic", "b"], sigma: 0.6 }, base);
  for (let seed = 0; seed < 50; seed++) {
    const d = drawDevicesResolved(base, v, new Rng(seed));
    const rng = new Rng(seed);
    const n = { redraws: 0, clipped: 0 };
    base.forEach((b, i) => {
      const q = drawEq4Params(b, v, rng, n, { a: 0, b: 0, Ic: 0, Q: 0 });
      const e = d.devices[i] as Eq4Curve;
      assert.deepEqual([q.a, q.b, q.Ic, q.Q], [e.a, e.b, e.Ic, e.Q]);
    });
    assert.deepEqual(n, { redraws: d.redraws, clipped: d.clipped });
  }
});

test("fast (float32-screened) and general trial paths give the same count in every trial and the same redraws", () => {
  const { model, test: ts } = smallSpiral();
  const fast = createTrialContext(model, ts);
  // Ideal hardware given explicitly takes the general path (the network's forward pass in float64).
  const slow = createTrialContext(model, ts, resolveHardware({}));
  for (const sigma of [0.25, 0.5, 1, 2]) {
    const v = resolveVariation({ params: ["a", "Q"], sigma }, model.devices);
    const cf = new Int32Array(400), cs = new Int32Array(400);
    const rf = runTrials(fast, model.devices, v, 11, 1, 0, 400, cf);
    const rs = runTrials(slow, model.devices, v, 11, 1, 0, 400, cs);
    assert.deepEqual(rf, rs);
    assert.deepEqual(cf, cs, `sigma ${sigma}`);
  }
});

test("the float32 screen recomputes undecided samples: counts equal the float64 kernel's over 3000 wide draws", () => {
  const a = setup("wasm", 0), b = setup("wasm", DEFAULT_SCREEN_MARGIN);
  assert.equal(b.f.screened, true);
  assert.equal(a.f.screened, false);
  assert.throws(() => b.f.state(), /screen = 0/);
  const rng = new Rng(78);
  for (let trial = 0; trial < 3000; trial++) {
    const spread = 0.1 + 3 * (trial / 3000);
    for (let i = 0; i < a.model.k; i++) {
      a.f.par[EQ4_PACKED_DRIVE * i] = b.f.par[EQ4_PACKED_DRIVE * i] = 2 * (4 + spread * rng.normal());
      a.f.par[EQ4_PACKED_DRIVE * i + 1] = b.f.par[EQ4_PACKED_DRIVE * i + 1] = 2 * (5 + spread * rng.normal());
    }
    assert.equal(b.f.run(), a.f.run(), `trial ${trial}`);
  }
});
