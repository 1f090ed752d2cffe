import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../src/cli/main.js";
import { nativeStatus } from "../../src/node/native-engine.js";
import { modelFromJson } from "../../src/network/io.js";
import { evaluate, evaluateRegressionArrays } from "../../src/network/api.js";
import { createWorkspace } from "../../src/network/dynamics.js";
import { loadSource } from "../../src/node/tasks.js";


const dir = mkdtempSync(join(tmpdir(), "dynaspin-engine-"));

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "", err = "";
  const code = await runCli(args, { stdout: (s) => (out += s), stderr: (s) => (err += s), isTTY: false, env: {} });
  return { code, out, err };
}

test("dynaspin --version says which engine trains here", async () => {
  const r = await cli(["--version"]);
  assert.equal(r.code, 0);
  const st = nativeStatus();
  assert.match(r.out, st.available ? new RegExp(`engine: native \\(${st.kernels}, ${st.width} float64 lanes`) : /engine: WebAssembly SIMD \(native engine (not built|failed to load)/);
});

test("train --engine native, wasm and auto write the same model bit for bit and name their engine in the --json summary", async () => {
  const st = nativeStatus();
  const runs: Record<string, { summary: { engine: string; trainLoss: number }; model: string }> = {};
  for (const engine of st.available ? ["native", "wasm", "auto"] : ["wasm", "auto"]) {
    const out = join(dir, engine);
    // Two threads for the native engine; digits in minibatches of 100.
    const r = await cli(["train", "--task", "digits", "--epochs", "3", "--restarts", "1", "--batch", "100", "--workers", "2", "--engine", engine, "--out", out, "--json"]);
    assert.equal(r.code, 0, r.err);
    const m = JSON.parse(readFileSync(join(out, "model.json"), "utf8")) as { A: unknown; B: unknown; W: unknown; c: unknown };
    runs[engine] = { summary: JSON.parse(r.out), model: JSON.stringify([m.A, m.B, m.W, m.c]) };
  }
  assert.match(runs.wasm.summary.engine, /^wasm64/);
  assert.match(runs.auto.summary.engine, st.available ? /^native \(.*2 threads\)/ : /^wasm64/);
  if (st.available) {
    assert.match(runs.native.summary.engine, /^native/);
    assert.equal(runs.native.model, runs.wasm.model, "native and WebAssembly models differ");
  }
  assert.equal(runs.auto.model, runs.wasm.model);
});

test("train --engine native refuses what it cannot run, in one line, before writing anything", async () => {
  const out = join(dir, "refused");
  const r = await cli(["train", "--task", "spiral", "--epochs", "1", "--engine", "native", "--device", "hamadeh2012", "--out", out]);
  assert.equal(r.code, 2);
  assert.match(r.err.trim(), /^dynaspin: --engine native runs networks of eq\. 4 devices \(and, in float64, table devices\) without hardware effects; this run has a device that is neither eq\. 4 nor a table/);
  const bad = await cli(["train", "--task", "spiral", "--epochs", "1", "--engine", "gpu", "--out", out]);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--engine/);
});

test("eval --json names the engine of its numbers (native inference where built, else WebAssembly as predict; hardware effects: the TypeScript reference), as train does", async () => {
  const out = join(dir, "eval-engine");
  const t = await cli(["train", "--task", "spiral", "--epochs", "2", "--restarts", "1", "--out", out, "--quiet"]);
  assert.equal(t.code, 0, t.err);
  const r = await cli(["eval", "--model", join(out, "model.json"), "--task", "spiral", "--json"]);
  assert.equal(r.code, 0, r.err);
  const st = nativeStatus();
  assert.match((JSON.parse(r.out) as { engine: string }).engine, st.available ? /^native \(.*1 thread\)$/ : /^wasm64 \(WebAssembly SIMD/);
  const hw = await cli(["eval", "--model", join(out, "model.json"), "--task", "spiral", "--hw", "noise=0.01", "--json"]);
  assert.equal(hw.code, 0, hw.err);
  assert.equal((JSON.parse(hw.out) as { engine: string }).engine, "reference (TypeScript)");
});

test("eval runs a table-device model on the native engine where built (else WebAssembly), with the reference's accuracy and loss bit for bit; an eq. 3 model on the TypeScript reference", async () => {
  const dev = join(dir, "eval-table.json");
  writeFileSync(dev, JSON.stringify({ model: "table", current: [0, 1, 2, 3, 4], power: [0, 0.1, 0.4, 0.7, 0.9], extrapolation: "linear" }));
  const runs: [string, string][] = [["table", dev], ["eq3", "hamadeh2012"]];
  for (const [name, device] of runs) {
    const out = join(dir, `eval-${name}`);
    const t = await cli(["train", "--task", "spiral", "--device", device, "--epochs", "3", "--restarts", "1", "--steps", "2", "--out", out, "--quiet"]);
    assert.equal(t.code, 0, t.err);
    const r = await cli(["eval", "--model", join(out, "model.json"), "--task", "spiral", "--split", "all", "--json"]);
    assert.equal(r.code, 0, r.err);
    const s = JSON.parse(r.out) as { engine: string; accuracy: number; loss: number };
    const model = modelFromJson(JSON.parse(readFileSync(join(out, "model.json"), "utf8")));
    const ds = loadSource({ task: "spiral" });
    const ref = evaluate(model, ds);
    const st = nativeStatus();
    assert.match(s.engine, name === "eq3" ? /^reference \(TypeScript\)$/ : st.available ? /^native \(.*1 thread\)$/ : /^wasm64 \(WebAssembly SIMD/, name);
    assert.equal(s.accuracy, ref.accuracy, `${name}: accuracy`);
    assert.equal(s.loss, ref.loss, `${name}: loss bit for bit`);
  }
});

test("eval --json names the engine of a regression model's numbers (native where built, else WebAssembly), with the TypeScript loops' loss and MSE bit for bit", async () => {
  const out = join(dir, "eval-regression");
  const t = await cli(["train", "--task", "plane", "--epochs", "2", "--restarts", "1", "--out", out, "--quiet"]);
  assert.equal(t.code, 0, t.err);
  const r = await cli(["eval", "--model", join(out, "model.json"), "--task", "plane", "--split", "all", "--json"]);
  assert.equal(r.code, 0, r.err);
  const s = JSON.parse(r.out) as { engine: string; mse: number; loss: number };
  assert.match(s.engine, nativeStatus().available ? /^native \(.*1 thread\)$/ : /^wasm64 \(WebAssembly SIMD/);
  const model = modelFromJson(JSON.parse(readFileSync(join(out, "model.json"), "utf8")));
  const ds = loadSource({ task: "plane" });
  const ref = evaluateRegressionArrays(model, ds.x, ds.targets!, ds.n, createWorkspace(model.k, model.steps, model.classes, 512));
  assert.equal(ref.engine, "reference");
  assert.ok(Object.is(s.mse, ref.mse) && Object.is(s.loss, ref.loss), `${s.mse} ${s.loss} vs ${ref.mse} ${ref.loss}`);
});

test("train with a table device runs the native engine, or with --engine wasm the WebAssembly engine (no note, the same bits); with an eq. 3 device it says before it starts that it runs on the TypeScript reference engine", async () => {
  const dev = join(dir, "table.json");
  writeFileSync(dev, JSON.stringify({ model: "table", current: [0, 1, 2, 3, 4], power: [0, 0.1, 0.4, 0.7, 0.9], extrapolation: "linear" }));
  const args = ["train", "--task", "spiral", "--device", dev, "--epochs", "1", "--restarts", "1", "--steps", "2", "--json"];
  const r = await cli([...args, "--out", join(dir, "table-run")]);
  assert.equal(r.code, 0, r.err);
  const st = nativeStatus();
  if (st.available) {
    assert.doesNotMatch(r.err, /note:/);
    assert.match((JSON.parse(r.out) as { engine: string }).engine, /^native \(/);
  } else {
    assert.doesNotMatch(r.err, /note:/);
    assert.match((JSON.parse(r.out) as { engine: string }).engine, /^wasm64 \(/);
  }
  const w = await cli([...args, "--engine", "wasm", "--out", join(dir, "table-wasm")]);
  assert.equal(w.code, 0, w.err);
  assert.doesNotMatch(w.err, /note:/);
  assert.match((JSON.parse(w.out) as { engine: string }).engine, /^wasm64 \(/);
  // The same bits on both engines.
  const model = (d: string) => JSON.parse(readFileSync(join(dir, d, "model.json"), "utf8")) as { A: unknown };
  assert.deepEqual(model("table-run").A, model("table-wasm").A);
  const e3 = join(dir, "eq3.json");
  writeFileSync(e3, JSON.stringify({ model: "eq3", Ic: 1, Q: 1 }));
  const r3 = await cli(["train", "--task", "spiral", "--device", e3, "--epochs", "1", "--restarts", "1", "--steps", "2", "--json", "--out", join(dir, "eq3-run")]);
  assert.equal(r3.code, 0, r3.err);
  assert.match(r3.err, /dynaspin train: note: .*eq3\.json is an eq3 curve: the native and WebAssembly engines compute eq\. 4 curves and tables only, so this run trains on the TypeScript reference engine, several times slower .*dynaspin fit --data CURVE\.csv --model eq4/);
  const plain = await cli(["train", "--task", "spiral", "--epochs", "1", "--restarts", "1", "--steps", "2", "--out", join(dir, "eq4-run"), "--json"]);
  assert.doesNotMatch(plain.err, /note:/);
});
