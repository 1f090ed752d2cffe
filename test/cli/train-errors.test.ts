import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync, existsSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../src/cli/main.js";

const dir = mkdtempSync(join(tmpdir(), "dynaspin-cli-"));

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "", err = "";
  const code = await runCli(args, { stdout: (s) => (out += s), stderr: (s) => (err += s), isTTY: false, env: {} });
  return { code, out, err };
}

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

/** Runs `train` with bad input and checks: exit 2, one line on stderr matching `pattern`, no output folder. */
async function refused(args: string[], pattern: RegExp): Promise<void> {
  const out = join(dir, `out-${Math.random().toString(36).slice(2)}`);
  const r = await cli([...args, "--out", out, "--epochs", "1"]);
  assert.equal(r.code, 2, `exit code for ${args.join(" ")}: ${r.err}`);
  const lines = r.err.trimEnd().split("\n");
  assert.equal(lines.length, 1, `one-line error, got: ${r.err}`);
  assert.match(lines[0], pattern);
  assert.doesNotMatch(r.err, /\bat .*\.ts:\d+/, "no stack trace");
  assert.equal(existsSync(out), false, "no output folder written");
}

test("train refuses a missing data file, naming it", async () => {
  await refused(["train", "--data", join(dir, "nope.csv")], /nope\.csv: no such/);
});

test("train refuses an empty data file", async () => {
  await refused(["train", "--data", file("empty.csv", "")], /empty\.csv: .*empty/);
});

test("train refuses a non-numeric cell, naming row and column", async () => {
  await refused(["train", "--data", file("nonnum.csv", "1,2,0\n3,abc,1\n5,6,0\n7,8,1\n")], /nonnum\.csv: row 2, column 2.*expected a number.*"abc"/);
});

test("train refuses a ragged row, naming the row", async () => {
  await refused(["train", "--data", file("ragged.csv", "1,2,0\n3,4,1\n5,0\n7,8,1\n")], /ragged\.csv: row 3 has 2 fields, expected 3/);
});

test("train refuses NaN cells", async () => {
  await refused(["train", "--data", file("nan.csv", "1,2,0\n3,NaN,1\n5,6,0\n7,8,1\n")], /nan\.csv: row 2, column 2.*NaN/);
});

test("train refuses data with a single class", async () => {
  await refused(["train", "--data", file("one.csv", "1,2,3\n3,4,3\n5,6,3\n")], /one\.csv: only one class/);
});

test("train refuses an unknown flag, naming it", async () => {
  await refused(["train", "--task", "spiral", "--stepz", "3"], /unknown flag --stepz/);
});

test("train refuses --steps 0 and negative epochs, naming the flag and the allowed range", async () => {
  await refused(["train", "--task", "spiral", "--steps", "0"], /--steps must be an integer in 1\.\.10000 \(got 0\)/);
  const out = join(dir, "neg");
  const r = await cli(["train", "--task", "spiral", "--epochs", "-3", "--out", out]);
  assert.equal(r.code, 2);
  assert.match(r.err, /--epochs must be an integer in 1\.\.10000000 \(got -3\)/);
  assert.equal(existsSync(out), false);
});

test("train refuses --task and --data together and neither", async () => {
  await refused(["train", "--task", "spiral", "--data", "x.csv"], /either --task or --data/);
  await refused(["train"], /give --task spiral\|digits\|mnist\|circles\|xor\|gaussians\|plane\|multi-gaussian or --data/);
});

test("eval refuses a model JSON of the wrong shape, naming the field path", async () => {
  const bad = {
    format: "dynaspin.model", version: 1, device: { model: "eq4", a: 4, b: 5, Ic: 1, Q: 2 },
    k: 2, steps: 1, classes: 2, A: [[[1, 0]]], B: [[1, 1]], W: [[0, 0], [0, 0]], c: [0, 0],
  };
  const p = file("bad-model.json", JSON.stringify(bad));
  const r = await cli(["eval", "--model", p, "--task", "spiral"]);
  assert.equal(r.code, 2);
  assert.match(r.err.trim(), /bad-model\.json: A\[0\] has 1 row, expected k = 2/);
  assert.equal(r.err.trim().split("\n").length, 1);
});

test("a small spiral training run writes model.json and metrics.csv that eval reads back", async () => {
  const out = join(dir, "ok");
  const r = await cli(["train", "--task", "spiral", "--epochs", "5", "--restarts", "1", "--out", out, "--json"]);
  assert.equal(r.code, 0, r.err);
  const summary = JSON.parse(r.out);
  assert.equal(summary.epochs, 5);
  assert.deepEqual(readdirSync(out).sort(), ["metrics.csv", "model.json", "timing.csv"]);
  const e = await cli(["eval", "--model", join(out, "model.json"), "--task", "spiral", "--json"]);
  assert.equal(e.code, 0, e.err);
  assert.equal(JSON.parse(e.out).accuracy, summary.testAccuracy);
});

test("train takes the generated 2-D sets (--task circles|xor|gaussians with --noise/--count/--data-seed) and refuses --turns for them", async () => {
  await refused(["train", "--task", "circles", "--turns", "2"], /--turns applies only to --task spiral/);
  await refused(["train", "--task", "digits", "--noise", "0.1"], /--noise applies only to the generated sets/);
});

test("train --task xor trains the library's xor set with the library's automatic defaults (those of --data)", async () => {
  const { train, makeSynthetic, stratifiedSplit, eq4, TASK_DEFAULTS, parseModel } = await import("../../src/index.js");
  const { readFileSync } = await import("node:fs");
  const out = join(dir, "xor");
  const r = await cli(["train", "--task", "xor", "--count", "120", "--noise", "0.1", "--data-seed", "4", "--epochs", "6", "--restarts", "2", "--seed", "3", "--quiet", "--out", out]);
  assert.equal(r.code, 0, r.err);
  const split = stratifiedSplit(makeSynthetic("xor", { count: 120, noise: 0.1, seed: 4 }), 0, 0.2);
  const ref = train(split.train, { ...TASK_DEFAULTS.csv, devices: eq4(), epochs: 6, restarts: 2, seed: 3, test: split.test });
  // Eight oscillators by default, as for --data (max(features, 8)).
  assert.equal(ref.model.k, 8);
  assert.deepEqual(parseModel(readFileSync(join(out, "model.json"), "utf8"), "model.json").A, ref.model.A);
});
