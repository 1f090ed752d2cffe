import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../src/cli/main.js";

function io() {
  const out: string[] = [], err: string[] = [];
  return { io: { stdout: (s: string) => void out.push(s), stderr: (s: string) => void err.push(s), isTTY: false, env: {} }, out, err };
}

const dir = mkdtempSync(join(tmpdir(), "dynaspin-hw-"));
const data = ["--task", "spiral", "--count", "300", "--data-seed", "1"];
const quick = [...data, "--steps", "4", "--epochs", "40", "--restarts", "1", "--quiet", "--json"];

test("variation-aware training with read noise and a DAC trains, keeps the base device and stores the hardware in the model", async () => {
  const c = io();
  const out = join(dir, "va");
  assert.equal(await runCli(["train", ...quick, "--train-variation", "a:0.3", "--train-noise", "0.01", "--train-hw", "dac=10:8", "--out", out], c.io), 0, c.err.join(""));
  const m = JSON.parse(readFileSync(join(out, "model.json"), "utf8"));
  assert.deepEqual(m.device, { model: "eq4", a: 4, b: 5, Ic: 1, Q: 2 });
  assert.deepEqual(m.hardware, { dac: { bits: 10, fullScale: 8 }, readNoise: { sigma: 0.01, relative: false } });
  assert.ok(JSON.parse(c.out.join("")).trainAccuracy > 0.6);
});

test("eval runs the model file's hardware unless --ideal, and coarser hardware lowers the accuracy", async () => {
  const path = join(dir, "va", "model.json");
  const acc = async (...extra: string[]) => {
    const c = io();
    assert.equal(await runCli(["eval", "--model", path, ...data, "--json", ...extra], c.io), 0, c.err.join(""));
    return JSON.parse(c.out.join("")).accuracy as number;
  };
  const ideal = await acc("--ideal");
  assert.ok((await acc("--hw", "dac=2:8")) < ideal);
  assert.ok((await acc("--hw", "noise=0.5")) < ideal);
  assert.equal(await acc("--hw", "noise=0.5", "--noise-seed", "4"), await acc("--hw", "noise=0.5", "--noise-seed", "4"));
});

test("bad training variation and hardware flags are one-line errors with exit code 2", async () => {
  for (const [args, re] of [
    [["--train-variation", "z:0.1"], /--train-variation parameter must be one of a, b, Ic, Q/],
    [["--train-variation", "a"], /--train-variation must be PARAM:SIGMA/],
    [["--train-noise", "-1"], /--train-noise.readNoise.sigma must be >= 0/],
    [["--train-hw", "adc=8"], /--train-hw must be one of noise=SIGMA/],
  ] as [string[], RegExp][]) {
    const c = io();
    assert.equal(await runCli(["train", ...quick, ...args, "--out", join(dir, "bad")], c.io), 2, args.join(" "));
    assert.match(c.err.join(""), re);
    assert.equal(c.err.join("").split("\n").length, 2);
  }
});
