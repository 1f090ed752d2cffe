/**
 * Prediction's logits on every engine against one specification: `runForward(model, rows).logits`
 * (the TypeScript loops of src/network/dynamics.ts, what `dynaspin predict` ran before it used the
 * fast engines). `predictLogits` on the native engine's window call (`logitsAll`: each instruction
 * set this CPU has, 1–3 threads, one window or many) and on the WebAssembly engine must give those
 * logits bit for bit — eq. 4 and table devices, extra oscillators, a feature map, normalised
 * features with a constant one, a network large enough for the native engine's threads — and
 * `predictValues` the same values on each; the addon refuses out-of-range windows.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createModel, columnCount, type Model } from "../../src/network/model.js";
import { eq3, eq4 } from "../../src/device/analytic.js";
import { tableCurve } from "../../src/device/table.js";
import { parseFeatureMap } from "../../src/data/features.js";
import { runForward, predictLogits, predictValues } from "../../src/network/api.js";
import type { EngineFactory } from "../../src/network/engine.js";
import { nativeFactory, nativeStatus, type NativeEngine, type NativeIsa } from "../../src/node/native-engine.js";
import { Rng } from "../../src/util/rng.js";
import { conformanceCases, largeConformanceCases, tableConformanceCases } from "../helpers/conformance.js";
import { sameBits, nativeIsas } from "../helpers/native.js";

/** Random raw rows for the model's columns, normalised over [−1, 2] (a constant second column), and random parameters. */
function prepare(m: Model, n: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  const c = columnCount(m);
  const d = m.featureMap ? m.featureMap.expressions.length : (m.inputs ?? m.k);
  m.normalization = { min: new Float64Array(d).fill(-1), max: new Float64Array(d).fill(2) };
  if (d > 1) m.normalization.max[1] = -1;
  return new Float64Array(n * c).map(() => 3 * rng.uniform() - 1);
}

function randomParams(m: Model, rng: Rng): void {
  for (const arr of [m.A, m.B, m.W, m.c]) for (let q = 0; q < arr.length; q++) arr[q] = 0.6 * rng.normal() / Math.sqrt(m.k) + (arr === m.B ? 1.2 : 0);
}

/** Checks predictLogits on the WebAssembly engine and on the native engine (each ISA, 1–3 threads, windows of n, 7 and 64 rows) against runForward. */
function checkEngines(m: Model, x: Float64Array, tag: string, windows: number[] = [0, 7, 64]): void {
  const n = x.length / columnCount(m);
  const ref = runForward(m, x).logits;
  const wasm = predictLogits(m, x);
  assert.equal(wasm.engine, "wasm64", `${tag}: WebAssembly ran`);
  assert.equal(wasm.n, n);
  sameBits(wasm.logits, ref, `${tag} wasm64`);
  const shapes: [NativeIsa, number, number][] = [];
  for (const isa of nativeIsas()) for (const threads of [1, 2, 3]) for (const w of windows) shapes.push([isa, threads, w === 0 ? n : w]);
  for (const [isa, threads, ldx] of shapes) {
    const en = nativeFactory(threads, isa)?.createInference?.(m.k, m.steps, m.classes, 512, ldx) as NativeEngine | null;
    if (en === null) continue;
    assert.ok(en.logitsAll, "the native engine has logitsAll");
    const got = predictLogits(m, x, en);
    assert.equal(got.engine, "native", `${tag}: the native engine ran`);
    sameBits(got.logits, ref, `${tag} native ${isa} threads=${threads} ldx=${ldx}`);
  }
}

test("predictLogits gives runForward's logits bit for bit on the native engine (each instruction set, 1–3 threads, windows) and on WebAssembly: the shared eq. 4 cases", () => {
  const cases = [...conformanceCases().filter((c) => c.eq4Only), ...largeConformanceCases()];
  for (const c of cases) {
    const x = prepare(c.model, c.n, c.n);
    checkEngines(c.model, x, c.name, c.n >= 300 ? [0, 64] : [0, 7]);
  }
});

test("predictLogits on table devices (clamped and linear, beside eq. 4 rows) gives runForward's logits on every engine", () => {
  for (const c of tableConformanceCases().filter((t) => t.n <= 300)) {
    const x = prepare(c.model, c.n, c.n + 5);
    checkEngines(c.model, x, `table ${c.name}`, [0, 7]);
  }
});

test("predictLogits with extra oscillators, a feature map and a regression readout: runForward's logits and predictValues' values on every engine", () => {
  const rng = new Rng(41);
  // Extra oscillators: 3 features drive 9 oscillators, the others start at p(0) = 0.3.
  const extra = createModel(9, 3, 4, eq4(), { inputs: 3, extraP0: 0.3 });
  randomParams(extra, rng);
  checkEngines(extra, prepare(extra, 333, 1), "extra oscillators");
  // A feature map (gathered in TypeScript, then the window call).
  const mapped = createModel(7, 2, 3, eq4(), { inputs: 5, extraP0: 0.5 });
  mapped.featureMap = parseFeatureMap("x1,x2,x1^2,x1*x2,sin(x2)", 2);
  randomParams(mapped, rng);
  checkEngines(mapped, prepare(mapped, 130, 2), "feature map");
  // A regression model with two outputs: predictValues is mean + std·z on every engine.
  const reg = createModel(4, 2, 2, tableCurve([0, 0.5, 1, 2, 3], [0, 0.1, 0.5, 0.8, 0.9]), { inputs: 2 });
  reg.problem = "regression";
  reg.targetScale = { mean: Float64Array.of(3, -1), std: Float64Array.of(0.5, 7) };
  randomParams(reg, rng);
  const x = prepare(reg, 77, 3);
  checkEngines(reg, x, "regression");
  const ref = runForward(reg, x).logits;
  const want = ref.map((z, q) => reg.targetScale!.mean[q % 2] + reg.targetScale!.std[q % 2] * z);
  sameBits(predictValues(reg, x), want, "predictValues on WebAssembly");
  const en = nativeFactory(2)?.createInference?.(reg.k, reg.steps, reg.classes, 512, 32) ?? null;
  if (en !== null) sameBits(predictValues(reg, x, en), want, "predictValues on the native engine");
});

test("predictLogits shares a large window out over the native engine's threads with the bits of one thread", () => {
  const k = 128, steps = 2, classes = 5, n = 1100;
  const rng = new Rng(17);
  const m = createModel(k, steps, classes, eq4());
  randomParams(m, rng);
  const x = new Float64Array(n * k).map(() => rng.uniform());
  const ref = runForward(m, x).logits;
  for (const threads of [1, 2, 3]) {
    const en = nativeFactory(threads)?.createInference?.(k, steps, classes, 512, n) ?? null;
    if (en === null) return;
    const got = predictLogits(m, x, en);
    assert.equal(got.engine, "native");
    sameBits(got.logits, ref, `threads=${threads}`);
  }
});

test("predictLogits falls back to WebAssembly for an engine of another shape, and to the TypeScript loops for a device without a kernel; no rows give no logits", () => {
  const rng = new Rng(5);
  const m = createModel(3, 2, 2, eq4());
  randomParams(m, rng);
  const x = prepare(m, 20, 9);
  const other = nativeFactory(1)?.createInference?.(4, 2, 2, 512, 64) ?? null;
  const got = predictLogits(m, x, other);
  assert.equal(got.engine, "wasm64");
  sameBits(got.logits, runForward(m, x).logits, "other shape");
  // An eq. 3 device has no kernel in any engine: the TypeScript loops.
  const odd = createModel(3, 2, 2, [eq3({ Ic: -1, Q: 0.5 }), eq4(), eq4()]);
  randomParams(odd, rng);
  odd.normalization = m.normalization;
  const r = predictLogits(odd, x, nativeFactory(1)?.createInference?.(3, 2, 2, 512, 64) ?? null);
  assert.equal(r.engine, "reference");
  sameBits(r.logits, runForward(odd, x).logits, "device without a kernel");
  const none = predictLogits(m, new Float64Array(0));
  assert.equal(none.n, 0);
  assert.equal(none.logits.length, 0);
  assert.throws(() => predictLogits(m, [[1, 2]]), /expected 3/);
});

test("the native addon refuses logitsAll windows outside its input and outputs that do not fit", () => {
  if (!nativeStatus().available) return;
  const f = nativeFactory(1) as EngineFactory;
  const en = f.createInference?.(3, 2, 2, 8, 20) as NativeEngine;
  const range = (fn: () => unknown, what: string) => assert.throws(fn, (e: Error) => e instanceof RangeError && e.message === `native: ${what} out of range`, what);
  const dst = new Float64Array(40);
  range(() => en.logitsAll!(0, 21, new Float64Array(42)), "logitsAll");
  range(() => en.logitsAll!(5, 16, dst), "logitsAll");
  range(() => en.logitsAll!(0, 0, dst), "logitsAll");
  range(() => en.logitsAll!(-1, 4, dst), "logitsAll");
  range(() => en.logitsAll!(0.5, 4, dst), "logitsAll");
  range(() => en.logitsAll!(0, 20, new Float64Array(39)), "logitsAll output");
  assert.throws(() => en.logitsAll!(0, 4, [0, 0, 0, 0, 0, 0, 0, 0] as unknown as Float64Array), TypeError);
});
