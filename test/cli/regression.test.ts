// `dynaspin train` and `eval` on regression problems: the synthetic sets, a CSV with a real target,
// the printed MSE and R², and the misuses refused with exit 2 before any output.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync, existsSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../src/cli/main.js";
import { Rng } from "../../src/util/rng.js";

const dir = mkdtempSync(join(tmpdir(), "dynaspin-regression-"));

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "", err = "";
  const code = await runCli(args, { stdout: (s) => (out += s), stderr: (s) => (err += s), isTTY: false, env: {} });
  return { code, out, err };
}

/** A CSV whose last column is a real target: price = 1e5 + 4e4·rooms − 800·age + noise. */
function houseCsv(): string {
  const rng = new Rng(1);
  const rows = ["rooms,age,price"];
  for (let r = 0; r < 120; r++) {
    const rooms = 1 + 7 * rng.uniform(), age = 80 * rng.uniform();
    rows.push(`${rooms.toFixed(3)},${age.toFixed(2)},${(1e5 + 4e4 * rooms - 800 * age + 5000 * rng.normal()).toFixed(1)}`);
  }
  const p = join(dir, "house.csv");
  writeFileSync(p, rows.join("\n") + "\n");
  return p;
}

async function refused(args: string[], pattern: RegExp): Promise<void> {
  const out = join(dir, `out-${Math.random().toString(36).slice(2)}`);
  // eval takes no --out; robustness and train do.
  const r = await cli(args[0] === "eval" ? args : [...args, "--out", out]);
  assert.equal(r.code, 2, `exit code for ${args.join(" ")}: ${r.err}`);
  const lines = r.err.trimEnd().split("\n");
  assert.equal(lines.length, 1, `one-line error, got: ${r.err}`);
  assert.match(lines[0], pattern);
  assert.equal(existsSync(out), false, "no output folder written");
}

test("train --task plane writes a regression model and prints MSE and R²; eval on the same task finds its test split", async () => {
  const out = join(dir, "plane");
  const r = await cli(["train", "--task", "plane", "--count", "300", "--updates", "300", "--restarts", "1", "--out", out]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /trained plane \(regression of value\): k=8 .* outputs=1 /);
  assert.match(r.out, /test {2}MSE [0-9.e+-]+ {2}R² 0\.9\d+ {2}\(60 samples\)/);
  assert.match(r.out, /engine wasm64 forward and adjoint, squared error in TypeScript/);
  const model = JSON.parse(readFileSync(join(out, "model.json"), "utf8"));
  assert.equal(model.problem, "regression");
  assert.equal(typeof model.training.testMse, "number");
  assert.match(readFileSync(join(out, "metrics.csv"), "utf8"), /^epoch,lr,train_loss,train_mse,train_r2,test_loss,test_mse,test_r2\n/);
  const e = await cli(["eval", "--model", join(out, "model.json"), "--task", "plane", "--count", "300"]);
  assert.equal(e.code, 0, e.err);
  assert.match(e.out, /plane \(test split, 60 samples: plane is the model's training data.*\): MSE \S+ {2}R² 0\.9\d+/);
  const mse = Number(/MSE (\S+)/.exec(e.out)![1]);
  assert.ok(Math.abs(mse - model.training.testMse) <= 1e-3 * model.training.testMse, "eval reproduces the training record's test MSE");
  const j = await cli(["eval", "--model", join(out, "model.json"), "--task", "plane", "--count", "300", "--json"]);
  assert.equal(JSON.parse(j.out).mse, model.training.testMse);
  await refused(["eval", "--model", join(out, "model.json"), "--task", "spiral"], /is a regression model; --task spiral is a classification set/);
  await refused(["robustness", "--model", join(out, "model.json"), "--task", "plane"], /is a regression model; robustness measures classification accuracy/);
});

test("train --data FILE --problem regression learns a real target in its own units; eval reads the target column without --problem", async () => {
  const csv = houseCsv();
  const out = join(dir, "house");
  const r = await cli(["train", "--data", csv, "--problem", "regression", "--updates", "600", "--out", out]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /regression of price/);
  const model = JSON.parse(readFileSync(join(out, "model.json"), "utf8"));
  assert.ok(model.training.testR2 > 0.9, `test R² ${model.training.testR2}`);
  assert.ok(model.targets.mean[0] > 1e5, "the targets' scale is kept in the model");
  const e = await cli(["eval", "--model", join(out, "model.json"), "--data", csv]);
  assert.equal(e.code, 0, e.err);
  assert.match(e.out, /MSE \S+ {2}R² 0\.9/);
  await refused(["eval", "--model", join(out, "model.json"), "--data", csv, "--problem", "classification"], /is a regression model; --problem classification does not apply/);
  // --predictions: every evaluated row with its target and the predicted value, in the target's units.
  const pred = join(dir, "house-pred.csv");
  const p = await cli(["eval", "--model", join(out, "model.json"), "--data", csv, "--split", "all", "--predictions", pred]);
  assert.equal(p.code, 0, p.err);
  const lines = readFileSync(pred, "utf8").trimEnd().split("\n");
  assert.equal(lines[0], "row,rooms,age,price,predicted");
  assert.equal(lines.length, 121);
  let sse = 0;
  for (const line of lines.slice(1)) {
    const [, , , t, y] = line.split(",").map(Number);
    sse += (t - y) ** 2;
  }
  const mse = Number(/MSE (\S+)/.exec(p.out)![1]);
  assert.ok(Math.abs(sse / 120 - mse) <= 1e-3 * mse, `the file's errors give the printed MSE (${sse / 120} vs ${mse})`);
  await refused(["eval", "--model", join(out, "model.json"), "--data", csv, "--predictions", dir], /--predictions .*: is a folder, expected a file name/);
});

test("regression misuse exits 2 with one line before any work", async () => {
  const csv = houseCsv();
  await refused(["train", "--data", csv], /looks continuous .* add --problem regression/);
  const bad = join(dir, "bad.csv");
  writeFileSync(bad, "a,b,y\n1,2,3\n2,3,x7\n3,4,5\n");
  await refused(["train", "--data", bad, "--problem", "regression"], /bad\.csv: row 3, column 3 \("y"\): the target of a regression must be a number/);
  await refused(["train", "--task", "spiral", "--problem", "regression"], /--problem regression does not fit --task spiral, which is classification/);
  await refused(["train", "--task", "multi-gaussian", "--problem", "classification"], /--problem classification does not fit --task multi-gaussian, which is regression/);
  await refused(["train", "--task", "plane", "--engine", "native"], /--engine native fuses the softmax cross-entropy of classification only/);
  await refused(["train", "--task", "plane", "--precision", "float32"], /--precision float32 has no regression loss/);
  await refused(["train", "--task", "plane", "--train-noise", "0.01"], /--train-hw and --train-noise apply to classification/);
  await refused(["train", "--data", csv, "--problem", "maybe"], /--problem/);
});
