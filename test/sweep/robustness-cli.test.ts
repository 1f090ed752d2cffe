import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync, rmSync, existsSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../src/cli/main.js";
import { stringifyModel } from "../../src/network/io.js";
import { smallSpiral } from "./fixture.js";

function io(env: Record<string, string | undefined> = {}) {
  const out: string[] = [], err: string[] = [];
  return { io: { stdout: (s: string) => void out.push(s), stderr: (s: string) => void err.push(s), isTTY: false, env }, out, err };
}

const dir = mkdtempSync(join(tmpdir(), "dynaspin-rob-"));
const modelPath = join(dir, "model.json");
writeFileSync(modelPath, stringifyModel(smallSpiral().model));
const base = ["robustness", "--model", modelPath, "--task", "spiral", "--count", "400", "--data-seed", "1", "--test-fraction", "0.25", "--sigma", "0,0.4,0.8", "--trials", "40", "--seed", "7", "--no-figure", "--json"];
const read = (d: string, f: string) => readFileSync(join(d, f), "utf8");

test("a sweep on two workers writes the same files as on this thread", async () => {
  const a = io(), b = io();
  assert.equal(await runCli([...base, "--workers", "1", "--out", join(dir, "w0")], a.io), 0, a.err.join(""));
  assert.equal(await runCli([...base, "--workers", "2", "--out", join(dir, "w2")], b.io), 0, b.err.join(""));
  assert.equal(read(join(dir, "w2"), "robustness.json"), read(join(dir, "w0"), "robustness.json"));
  assert.equal(read(join(dir, "w2"), "robustness.csv"), read(join(dir, "w0"), "robustness.csv"));
  const summary = JSON.parse(a.out.join(""));
  assert.equal(summary.results.length, 3);
  assert.ok(summary.results[2].mean < summary.results[0].mean);
});

test("three shards (flag, Slurm and Kubernetes indices) merge into files identical to the unsharded run", async () => {
  const sh = join(dir, "sharded");
  assert.equal(await runCli([...base, "--workers", "1", "--shard", "0/3", "--out", sh], io().io), 0);
  assert.equal(await runCli([...base, "--workers", "1", "--out", sh], io({ SLURM_ARRAY_TASK_ID: "2", SLURM_ARRAY_TASK_MIN: "1", SLURM_ARRAY_TASK_COUNT: "3" }).io), 0);
  assert.equal(await runCli([...base, "--workers", "1", "--shard-count", "3", "--out", sh], io({ JOB_COMPLETION_INDEX: "2" }).io), 0);
  assert.deepEqual(readdirSync(sh).sort(), ["shard-0-of-3", "shard-1-of-3", "shard-2-of-3"]);
  const m = io();
  assert.equal(await runCli(["merge", sh, "--no-figure", "--json"], m.io), 0, m.err.join(""));
  assert.equal(read(sh, "robustness.json"), read(join(dir, "w0"), "robustness.json"));
  assert.equal(read(sh, "robustness.csv"), read(join(dir, "w0"), "robustness.csv"));
});

test("merge refuses a missing shard and shards of different sweeps with one-line messages", async () => {
  const sh = join(dir, "sharded");
  const a = io();
  assert.equal(await runCli(["merge", join(sh, "shard-0-of-3"), join(sh, "shard-2-of-3"), "--out", join(dir, "m1"), "--no-figure"], a.io), 2);
  assert.match(a.err.join(""), /^dynaspin: merge: missing shard 1 of 3 \(have 0, 2\)\n$/);
  const other = join(dir, "other");
  assert.equal(await runCli([...base.map((x) => (x === "7" ? "8" : x)), "--workers", "1", "--shard", "1/3", "--out", other], io().io), 0);
  const b = io();
  assert.equal(await runCli(["merge", join(sh, "shard-0-of-3"), join(other, "shard-1-of-3"), join(sh, "shard-2-of-3"), "--out", join(dir, "m2")], b.io), 2);
  assert.match(b.err.join(""), /belongs to a different sweep .* \(differs in seed\)/);
  assert.ok(!existsSync(join(dir, "m1")) && !existsSync(join(dir, "m2")));
});

test("an interrupted run resumes: finished sigma values are kept and the result is unchanged", async () => {
  const r = join(dir, "resume");
  assert.equal(await runCli([...base, "--workers", "1", "--out", r], io().io), 0);
  rmSync(join(r, "partial", "sigma-0001.json"));
  rmSync(join(r, "robustness.json"));
  const a = io();
  assert.equal(await runCli([...base, "--workers", "1", "--out", r], a.io), 0);
  const s = JSON.parse(a.out.join(""));
  assert.equal(s.resumed, 2);
  assert.equal(s.computed, 1);
  assert.equal(read(r, "robustness.json"), read(join(dir, "w0"), "robustness.json"));
  const b = io();
  assert.equal(await runCli([...base.map((x) => (x === "40" ? "41" : x)), "--workers", "1", "--out", r], b.io), 2);
  assert.match(b.err.join(""), /belongs to a different sweep/);
});

test("bad flags are one-line errors with exit code 2 and write nothing", async () => {
  const cases: [string[], RegExp][] = [
    [["robustness", "--model", modelPath, "--task", "spiral", "--sigma", "1:0:1", "--out", join(dir, "bad")], /--sigma must be START:STOP:STEP/],
    [["robustness", "--model", modelPath, "--task", "spiral", "--shard", "3/3", "--out", join(dir, "bad")], /--shard must be i\/N with 0 <= i < N/],
    [["robustness", "--model", modelPath, "--task", "spiral", "--param", "x", "--out", join(dir, "bad")], /--param must be one of a, b, Ic, Q/],
    [["robustness", "--model", modelPath, "--task", "spiral", "--hw", "dac=0:1", "--out", join(dir, "bad")], /--hw.dac.bits must be an integer in 1..32/],
    [["robustness", "--task", "spiral", "--out", join(dir, "bad")], /--model FILE is required/],
    [["merge", join(dir, "nothing-here")], /is not a folder/],
    [["robustness", "--model", modelPath, "--task", "spiral", "--trials", "5", "--shard", "2/8", "--out", join(dir, "bad")], /8 shards for 5 trials/],
    [["robustness", "--model", modelPath, "--task", "spiral", "--out", join(dir, "bad")], /JOB_COMPLETION_INDEX is set: pass --shard-count N/],
  ];
  for (const [args, re] of cases) {
    const c = io(re.source.startsWith("JOB") ? { JOB_COMPLETION_INDEX: "1" } : {});
    assert.equal(await runCli(args, c.io), 2, args.join(" "));
    const text = c.err.join("");
    assert.match(text, re);
    assert.equal(text.split("\n").length, 2, text);
  }
  assert.ok(!existsSync(join(dir, "bad")));
});

test("without --param an eq3 model varies Ic (eq3 has no a); a table device is refused before any work", async () => {
  const json = JSON.parse(stringifyModel(smallSpiral().model)) as Record<string, unknown>;
  const eq3Path = join(dir, "eq3-model.json");
  writeFileSync(eq3Path, JSON.stringify({ ...json, device: { model: "eq3", Ic: -1, Q: 0.3 } }));
  const a = io();
  assert.equal(await runCli([...base.map((x) => (x === modelPath ? eq3Path : x)), "--workers", "1", "--out", join(dir, "eq3")], a.io), 0, a.err.join(""));
  assert.deepEqual(JSON.parse(a.out.join("")).params, ["Ic"]);
  const tablePath = join(dir, "table-model.json");
  writeFileSync(tablePath, JSON.stringify({ ...json, device: { model: "table", current: [0, 1, 2, 3], power: [0, 0.2, 0.5, 0.6] } }));
  const b = io();
  assert.equal(await runCli([...base.map((x) => (x === modelPath ? tablePath : x)), "--workers", "1", "--out", join(dir, "table")], b.io), 2);
  assert.match(b.err.join(""), /^dynaspin: robustness: .*table-model\.json: its devices \(table\) have no parameters to vary; only eq4 and eq3 devices can vary\n$/);
  assert.ok(!existsSync(join(dir, "table")));
});
