import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../src/cli/main.js";

function io() {
  const out: string[] = [], err: string[] = [];
  return { io: { stdout: (s: string) => void out.push(s), stderr: (s: string) => void err.push(s), isTTY: false, env: {} }, out, err };
}

const dir = mkdtempSync(join(tmpdir(), "dynaspin-cost-"));
const data = ["--task", "spiral", "--count", "200", "--data-seed", "2"];
const profile = join(dir, "profile.json");
writeFileSync(profile, JSON.stringify({ oscillator: { resistance: 50, settlingTime: 5e-9 }, cmos: { macEnergy: 4.6e-12 } }));

test("train --json carries a cost block; cost reproduces it from the model file and a profile changes it", async () => {
  const c = io();
  const out = join(dir, "m");
  assert.equal(await runCli(["train", ...data, "--steps", "3", "--epochs", "10", "--restarts", "1", "--json", "--out", out, "--hardware", profile], c.io), 0, c.err.join(""));
  const trained = JSON.parse(c.out.join(""));
  assert.ok(trained.cost.energy > 0 && trained.cost.latency > 0);
  const sum = Object.values(trained.cost.breakdown as Record<string, number>).reduce((s, x) => s + x, 0);
  assert.ok(Math.abs(sum - trained.cost.energy) <= 1e-12 * trained.cost.energy);
  assert.equal(trained.cost.profile.settlingTime, 5e-9);
  // cost: the model's own task and split when no data flags are given.
  const d = io();
  assert.equal(await runCli(["cost", "--model", join(out, "model.json"), "--hardware", profile, "--json"], d.io), 0, d.err.join(""));
  const cost = JSON.parse(d.out.join(""));
  // The default spiral (1000 points): the model file keeps the task, not its --count, so these are
  // not its training data and every row is used.
  assert.equal(cost.samples, 1000);
  const e = io();
  assert.equal(await runCli(["cost", "--model", join(out, "model.json"), ...data, "--hardware", profile, "--json"], e.io), 0, e.err.join(""));
  assert.deepEqual(JSON.parse(e.out.join("")).cost, trained.cost);
  const f = io();
  assert.equal(await runCli(["cost", "--model", join(out, "model.json"), ...data], f.io), 0, f.err.join(""));
  const text = f.out.join("");
  for (const w of ["per inference: energy", "drive", "adc", "dac", "mac", "readout", "digital baseline", "STNO/digital energy ratio"]) assert.ok(text.includes(w), w);
  // eval --json has the block too.
  const g = io();
  assert.equal(await runCli(["eval", "--model", join(out, "model.json"), ...data, "--json", "--hardware", profile], g.io), 0, g.err.join(""));
  assert.deepEqual(JSON.parse(g.out.join("")).cost, trained.cost);
});

test("cost mistakes exit 2 with one line before any work", async () => {
  const bad = join(dir, "bad.json");
  writeFileSync(bad, JSON.stringify({ adc: { waldenFom: "10 fJ" } }));
  const cases: [string[], RegExp][] = [
    [["cost"], /^dynaspin: cost: --model FILE is required\n$/],
    [["cost", "--model", join(dir, "nope.json")], /nope\.json: no such/],
    [["cost", "--model", join(dir, "m", "model.json"), "--hardware", bad], /bad\.json: adc\.waldenFom: expected a finite number \(got "10 fJ"\)/],
    [["cost", "--model", join(dir, "m", "model.json"), "--hardware", join(dir, "missing.json")], /missing\.json: no such hardware profile/],
  ];
  for (const [args, re] of cases) {
    const c = io();
    assert.equal(await runCli(args, c.io), 2, args.join(" "));
    assert.match(c.err.join(""), re);
    assert.equal(c.err.join("").split("\n").length, 2);
  }
  // A bad profile is refused before training writes anything.
  const c = io();
  assert.equal(await runCli(["train", ...data, "--epochs", "2", "--out", join(dir, "never"), "--hardware", bad], c.io), 2);
  assert.ok(!existsSync(join(dir, "never")));
});
