// The native robustness sweep (native/sweep.cc, src/node/native-sweep.ts) against the WebAssembly
// and TypeScript trials it must equal: counts per trial (float32 screen + float64 recompute, and
// float64 only), for every instruction set this CPU has and 1–3 threads; whole sweeps through
// robustnessParallel and the CLI, files identical to the WebAssembly engine's.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createFastTrials, DEFAULT_SCREEN_MARGIN } from "../../src/sweep/fast-trials.js";
import { createTrialContext } from "../../src/sweep/robustness.js";
import { robustnessParallel } from "../../src/node/robustness-worker.js";
import { nativeSweepEngine, sweepEngineForChoice } from "../../src/node/native-sweep.js";
import { nativeStatus, type NativeIsa } from "../../src/node/native-engine.js";
import { createModel, type Model } from "../../src/network/model.js";
import { eq4, type Eq4Curve } from "../../src/device/analytic.js";
import { eq4RowParams, EQ4_PACKED, EQ4_PACKED_DRIVE } from "../../src/device/eq4.js";
import { fitNormalization } from "../../src/data/split.js";
import type { Dataset } from "../../src/data/dataset.js";
import { Rng } from "../../src/util/rng.js";
import { runCli } from "../../src/cli/main.js";
import { stringifyModel } from "../../src/network/io.js";
import { smallSpiral } from "./fixture.js";

const st = nativeStatus();
const ISAS: NativeIsa[] = !st.available ? [] : st.kernels === "avx512" ? ["avx512", "avx2", "sse2"] : st.kernels === "avx2" ? ["avx2", "sse2"] : ["sse2"];

/** A random network (k oscillators of both polarities, odd sizes) and a random test set it reads. */
function randomCase(k: number, steps: number, classes: number, n: number, seed: number): { model: Model; test: Dataset } {
  const rng = new Rng(seed);
  const devices = Array.from({ length: k }, (_, i) => eq4({ a: 4 + 0.1 * i, b: 5 + 0.05 * i, Ic: i % 3 === 1 ? -1 : 1, Q: 2 - 0.1 * (i % 3), P0: 1 + 0.2 * (i % 2) }));
  const m = createModel(k, steps, classes, devices);
  for (let q = 0; q < m.A.length; q++) m.A[q] = (0.6 * rng.normal()) / Math.sqrt(k);
  for (let q = 0; q < m.B.length; q++) m.B[q] = 1.3 + 0.2 * rng.normal();
  for (let q = 0; q < m.W.length; q++) m.W[q] = 2 * rng.normal();
  for (let q = 0; q < m.c.length; q++) m.c[q] = rng.normal();
  const test: Dataset = { x: new Float64Array(n * k).map(() => rng.uniform()), y: new Int32Array(n).map(() => rng.int(classes)), n, d: k, featureNames: [], classNames: [] };
  m.normalization = fitNormalization(test);
  return { model: m, test };
}

/** Every trial's count from the native batch equals the WebAssembly fused trial's, for wide random draws of a and b. */
function compareCounts(model: Model, test: Dataset, trials: number, screen: number, seed: number): void {
  const ctx = createTrialContext(model, test);
  const pol = model.devices.map((d) => d.polarity);
  const f = createFastTrials(model, ctx.ws.P[0], ctx.ws.capacity, test.n, test.y, pol, "wasm", screen);
  const k = model.k, row = EQ4_PACKED_DRIVE * k;
  const rng = new Rng(seed);
  const par = new Float64Array(trials * row);
  const want = new Int32Array(trials);
  for (let t = 0; t < trials; t++) {
    const spread = 0.1 + 3 * (t / trials);
    model.devices.forEach((d0, i) => {
      const d = d0 as Eq4Curve;
      eq4RowParams(d.a + spread * rng.normal(), d.b + spread * rng.normal(), d.Ic, d.Q, d.P0, par, t * row + EQ4_PACKED_DRIVE * i);
      par[t * row + EQ4_PACKED_DRIVE * i + EQ4_PACKED] = d.polarity;
    });
    f.par.set(par.subarray(t * row, (t + 1) * row));
    want[t] = f.run();
  }
  for (const isa of ISAS) {
    for (const threads of [1, 2, 3]) {
      const b = nativeSweepEngine(threads, isa)?.create(model, ctx.ws.P[0], ctx.ws.capacity, test.n, test.y, pol, trials, screen);
      assert.ok(b, `native sweep ${isa}`);
      b.par.set(par);
      const got = b.run(trials);
      for (let t = 0; t < trials; t++) assert.equal(got[t], want[t], `${isa}, ${threads} threads, screen ${screen}, k ${k}, trial ${t}`);
    }
  }
}

test("the native sweep is available where the native engine was built", () => {
  if (!st.available) {
    assert.equal(nativeSweepEngine(2), null);
    assert.throws(() => sweepEngineForChoice("native", 2), /--engine native: the native sweep is/);
    return;
  }
  assert.match(nativeSweepEngine(2)?.label ?? "", /^native \((avx512|avx2|sse2), \d+ float32 \/ \d float64 lanes, 2 threads\)$/);
  assert.equal(sweepEngineForChoice("wasm", 2), null);
  assert.throws(() => nativeSweepEngine(0), /threads must be an integer in 1\.\.256/);
});

test("native trial counts equal the WebAssembly trial's, with the float32 screen and in float64 only (spiral network, 1500 wide draws)", () => {
  const { model, test: ts } = smallSpiral();
  compareCounts(model, ts, 1500, DEFAULT_SCREEN_MARGIN, 78);
  compareCounts(model, ts, 300, 0, 79);
});

test("native trial counts equal the WebAssembly trial's on odd shapes (13 and 64 oscillators, 1–4 steps, 37 and 361 samples)", () => {
  for (const [k, steps, classes, n, trials] of [[13, 3, 4, 37, 200], [64, 4, 10, 361, 60], [5, 1, 3, 9, 100], [7, 2, 2, 1, 50]] as const) {
    const { model, test } = randomCase(k, steps, classes, n, k * 31 + n);
    compareCounts(model, test, trials, DEFAULT_SCREEN_MARGIN, k);
    compareCounts(model, test, Math.min(trials, 40), 0, k + 1);
  }
});

test("a native trial's final state in float64 is the WebAssembly trial's bit for bit", () => {
  const { model, test } = randomCase(13, 3, 4, 37, 5);
  const ctx = createTrialContext(model, test);
  const pol = model.devices.map((d) => d.polarity);
  const f = createFastTrials(model, ctx.ws.P[0], ctx.ws.capacity, test.n, test.y, pol, "wasm", 0);
  model.devices.forEach((d0, i) => {
    const d = d0 as Eq4Curve;
    eq4RowParams(d.a, d.b, d.Ic, d.Q, d.P0, f.par, EQ4_PACKED_DRIVE * i);
    f.par[EQ4_PACKED_DRIVE * i + EQ4_PACKED] = d.polarity;
  });
  const correct = f.run();
  const want = f.state();
  for (const isa of ISAS) {
    const b = nativeSweepEngine(1, isa)?.create(model, ctx.ws.P[0], ctx.ws.capacity, test.n, test.y, pol, 4);
    assert.ok(b);
    b.par.set(f.par, 2 * EQ4_PACKED_DRIVE * model.k);
    const s = b.state(2);
    assert.equal(s.correct, correct);
    assert.equal(s.n8, f.n8);
    for (let e = 0; e < want.length; e++) assert.ok(Object.is(s.state[e], want[e]), `${isa}, element ${e}: ${s.state[e]} vs ${want[e]}`);
  }
});

test("a whole sweep on the native engine (1 and 3 threads) equals the WebAssembly sweep on worker threads, and says which engine ran", async () => {
  if (ISAS.length === 0) return;
  const { model, test: ts } = smallSpiral();
  const opts = { params: ["a" as const, "Q" as const], sigmas: [0, 0.3, 1.2], trials: 700, seed: 5 };
  const wasm = await robustnessParallel(model, ts, opts, { workers: 2, chunk: 100 });
  assert.match(wasm.engine ?? "", /^wasm \(WebAssembly SIMD, float32 screen \+ float64\), 2 threads/);
  for (const threads of [1, 3]) {
    const engine = nativeSweepEngine(threads);
    const nat = await robustnessParallel(model, ts, opts, { workers: threads, chunk: 100, engine });
    assert.equal(nat.engine, engine?.label);
    assert.deepEqual(nat.raw.map((r) => [...r.correct]), wasm.raw.map((r) => [...r.correct]));
    assert.deepEqual(nat.stats, wasm.stats);
  }
  // Hardware effects: the native engine does not apply, the general path runs (and says so).
  const hw = await robustnessParallel(model, ts, { ...opts, trials: 20, hardware: { readNoise: { sigma: 0.01 } } }, { workers: 1, engine: nativeSweepEngine(2) });
  assert.match(hw.engine ?? "", /^reference/);
});

test("dynaspin robustness --engine native and --engine wasm write identical files; --json names the engine; native with hardware effects is refused", async () => {
  const dir = mkdtempSync(join(tmpdir(), "dynaspin-nsweep-"));
  try {
    const modelPath = join(dir, "model.json");
    writeFileSync(modelPath, stringifyModel(smallSpiral().model));
    const base = ["robustness", "--model", modelPath, "--task", "spiral", "--count", "400", "--data-seed", "1", "--test-fraction", "0.25", "--sigma", "0,0.5,1", "--trials", "300", "--seed", "3", "--workers", "2", "--no-figure", "--json"];
    const run = async (args: string[]) => {
      const out: string[] = [], err: string[] = [];
      const code = await runCli(args, { stdout: (s: string) => void out.push(s), stderr: (s: string) => void err.push(s), isTTY: false, env: {} });
      return { code, out: out.join(""), err: err.join("") };
    };
    const w = await run([...base, "--engine", "wasm", "--out", join(dir, "w")]);
    assert.equal(w.code, 0, w.err);
    assert.match(JSON.parse(w.out).engine, /^wasm/);
    if (ISAS.length > 0) {
      const n = await run([...base, "--engine", "native", "--out", join(dir, "n")]);
      assert.equal(n.code, 0, n.err);
      assert.match(JSON.parse(n.out).engine, /^native \(.*2 threads\)$/);
      assert.equal(readFileSync(join(dir, "n", "robustness.json"), "utf8"), readFileSync(join(dir, "w", "robustness.json"), "utf8"));
      assert.equal(readFileSync(join(dir, "n", "robustness.csv"), "utf8"), readFileSync(join(dir, "w", "robustness.csv"), "utf8"));
      const hw = await run([...base, "--engine", "native", "--hw", "noise=0.01", "--out", join(dir, "h")]);
      assert.equal(hw.code, 2);
      assert.match(hw.err, /--engine native runs sweeps of eq\. 4 devices without hardware effects; this sweep has hardware effects/);
      assert.equal(hw.err.trim().split("\n").length, 1);
    }
    const bad = await run([...base, "--engine", "gpu", "--out", join(dir, "b")]);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--engine/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
