/**
 * Evaluation on every engine against one specification, the TypeScript loops of dynamics.ts
 * (`evaluateArrays` on a workspace without an engine): `evaluate` reports the engine that ran
 * (`Evaluation.engine`, as `Prediction.engine` does) — the native engine's window inference when
 * one is given that can run the model, else WebAssembly, else the TypeScript loops for a device
 * without a kernel — and every one gives the same loss, accuracy, predictions and confusion bit
 * for bit. `dynaspin eval`, `dynaspin predict` and train's final evaluation choose their engine in
 * one place (src/node/engines.ts `nativeInference`), so without the native engine both commands
 * fall back to WebAssembly alike.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createModel, type Model } from "../../src/network/model.js";
import { eq3, eq4 } from "../../src/device/analytic.js";
import { tableCurve } from "../../src/device/table.js";
import { createWorkspace } from "../../src/network/dynamics.js";
import { evaluate, evaluateArrays, evaluateRegression, evaluateRegressionArrays, predictLogits, type Evaluation } from "../../src/network/api.js";
import type { Dataset } from "../../src/data/dataset.js";
import { nativeFactory, nativeStatus } from "../../src/node/native-engine.js";
import { nativeInference, predict } from "../../src/node/engines.js";
import { Rng } from "../../src/util/rng.js";
import { sameBits } from "../helpers/native.js";

/** A model with random parameters in its devices' working range and n random labelled rows. */
function setup(devices: Model["devices"], classes: number, n: number, seed: number): { m: Model; ds: Dataset } {
  const k = devices.length, rng = new Rng(seed);
  const m = createModel(k, 3, classes, devices);
  for (const arr of [m.A, m.B, m.W, m.c]) for (let q = 0; q < arr.length; q++) arr[q] = (0.6 * rng.normal()) / Math.sqrt(k) + (arr === m.B ? 1.2 : 0);
  m.normalization = { min: new Float64Array(k).fill(-1), max: new Float64Array(k).fill(2) };
  const x = new Float64Array(n * k).map(() => 3 * rng.uniform() - 1);
  const y = new Int32Array(n).map(() => rng.int(classes));
  const ds: Dataset = { x, y, n, d: k, featureNames: Array.from({ length: k }, (_, j) => `f${j}`), classNames: Array.from({ length: classes }, (_, c) => `c${c}`) };
  return { m, ds };
}

function sameEvaluation(got: Evaluation, want: Evaluation, what: string): void {
  assert.ok(Object.is(got.loss, want.loss), `${what}: loss ${got.loss} vs ${want.loss}`);
  assert.ok(Object.is(got.accuracy, want.accuracy), `${what}: accuracy`);
  assert.equal(got.n, want.n);
  sameBits(got.predictions, want.predictions, `${what} predictions`);
  sameBits(got.confusion, want.confusion, `${what} confusion`);
}

const table = tableCurve([-0.2, 0.5, 1, 2, 3, 4], [0, 0.05, 0.3, 0.6, 0.8, 0.9], { extrapolation: "linear" });
const CASES: [string, Model["devices"], number][] = [
  ["eq. 4", Array.from({ length: 4 }, (_, i) => eq4({ a: 4 + 0.1 * i, Ic: i % 2 ? -1 : 1 })), 700],
  ["table beside eq. 4", [table, eq4(), table], 4700],
  ["eq. 3 (no kernel)", [eq3({ Ic: -1, Q: 0.5 }), eq4(), eq4()], 300],
];

test("evaluate names the engine that ran — native window inference, WebAssembly by default, the TypeScript loops for a device without a kernel — with the reference's bits on each", () => {
  for (const [name, devices, n] of CASES) {
    const { m, ds } = setup(devices, 3, n, n);
    const kernels = !name.startsWith("eq. 3");
    const ref = evaluateArrays(m, ds.x, ds.y, ds.n, createWorkspace(m.k, m.steps, m.classes, 512));
    assert.equal(ref.engine, "reference", `${name}: a workspace without an engine runs the TypeScript loops`);
    const byDefault = evaluate(m, ds);
    assert.equal(byDefault.engine, kernels ? "wasm64" : "reference", `${name}: without an engine`);
    sameEvaluation(byDefault, ref, `${name} default`);
    const inference = nativeInference(m, ds.n);
    assert.equal(inference.engine === null, !nativeStatus().available);
    const fast = evaluate(m, ds, inference.engine);
    assert.equal(fast.engine, inference.engine !== null && kernels ? "native" : kernels ? "wasm64" : "reference", `${name}: with the native inference`);
    sameEvaluation(fast, ref, `${name} ${fast.engine}`);
    if (inference.engine !== null) assert.equal(inference.label(fast.engine), kernels ? nativeFactory(1)!.label : "reference (TypeScript)");
  }
});

test("without the native engine, evaluation and prediction fall back alike: to WebAssembly, with the native engine's bits", () => {
  for (const [name, devices, n] of CASES.slice(0, 2)) {
    const { m, ds } = setup(devices, 4, n, n + 1);
    const none = nativeInference(m, ds.n, { factory: null });
    assert.equal(none.engine, null, "no factory, no inference engine");
    const ev = evaluate(m, ds, none.engine);
    const pr = predictLogits(m, ds.x, none.engine);
    assert.equal(ev.engine, "wasm64", `${name}: evaluation falls back to WebAssembly`);
    assert.equal(pr.engine, ev.engine, `${name}: prediction falls back the same way`);
    assert.match(none.label(ev.engine), /^wasm64 \(WebAssembly SIMD/);
    const native = nativeInference(m, ds.n);
    if (native.engine !== null) {
      const nv = evaluate(m, ds, native.engine);
      assert.equal(nv.engine, "native");
      sameEvaluation(ev, nv, `${name} WebAssembly vs native`);
      sameBits(pr.logits, predictLogits(m, ds.x, native.engine).logits, `${name} logits`);
    }
    // dynaspin/node's predict takes its engine from the same choice and names it the same way.
    const p = predict(m, ds.x);
    assert.equal(p.label, native.label(p.engine));
  }
});

test("a regression model's evaluation names its engine too (native, WebAssembly by default), with the TypeScript loops' bits: loss, MSE, R², predictions", () => {
  for (const [name, devices] of [["eq. 4", [eq4(), eq4({ Ic: -1 }), eq4()]], ["table beside eq. 4", [table, eq4(), eq4()]]] as const) {
    const { m, ds } = setup([...devices], 2, 1300, 9);
    m.problem = "regression";
    m.targetScale = { mean: Float64Array.of(3, -1), std: Float64Array.of(0.5, 7) };
    const rng = new Rng(3);
    const reg: Dataset = { ...ds, y: new Int32Array(ds.n), targets: new Float64Array(ds.n * 2).map(() => 5 * rng.normal()), targetNames: ["u", "v"], classNames: [] };
    const ref = evaluateRegressionArrays(m, reg.x, reg.targets!, reg.n, createWorkspace(m.k, m.steps, m.classes, 512));
    assert.equal(ref.engine, "reference");
    const inference = nativeInference(m, reg.n);
    const runs = [evaluateRegression(m, reg), evaluateRegression(m, reg, inference.engine)];
    assert.equal(runs[0].engine, "wasm64", `${name}: without an engine`);
    assert.equal(runs[1].engine, inference.engine !== null ? "native" : "wasm64", `${name}: with the native inference`);
    for (const r of runs) {
      for (const key of ["loss", "mse", "r2"] as const) assert.ok(Object.is(r[key], ref[key]), `${name} ${r.engine} ${key}: ${r[key]} vs ${ref[key]}`);
      sameBits(r.predictions, ref.predictions, `${name} ${r.engine} predictions`);
    }
  }
});

test("the commands choose their inference engine in one place: no call in src/cli creates one", () => {
  const cli = fileURLToPath(new URL("../../src/cli", import.meta.url));
  const files = readdirSync(cli, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".ts"));
  assert.ok(files.length > 10);
  const makers = files.filter((f) => /createInference|writeEngineDevices/.test(readFileSync(join(cli, f), "utf8")));
  assert.deepEqual(makers, [], "use nativeInference (src/node/engines.ts)");
});
