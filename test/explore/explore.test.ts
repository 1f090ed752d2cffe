import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, existsSync, rmSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../src/cli/main.js";
import { resolveExplore } from "../../src/explore/spec.js";
import { paretoFront, cheapestAbove, type PointSummary } from "../../src/explore/results.js";
import { InputError } from "../../src/util/errors.js";

function io(env: Record<string, string> = {}) {
  const out: string[] = [], err: string[] = [];
  return { io: { stdout: (s: string) => void out.push(s), stderr: (s: string) => void err.push(s), isTTY: false, env }, out, err };
}

const dir = mkdtempSync(join(tmpdir(), "dynaspin-explore-"));
const spec = join(dir, "spec.json");
// A small spiral sweep: 2 × 2 points × 2 seeds, 2 evaluation σ.
writeFileSync(spec, JSON.stringify({ task: "spiral", axes: { steps: [2, 3], adcBits: [0, 6], evalSigma: [0, 0.3] }, seeds: 2, train: { epochs: 6 }, eval: { trials: 4 } }));

async function explore(out: string, extra: string[] = [], env: Record<string, string> = {}, figures = false) {
  const c = io(env);
  const code = await runCli(["explore", "--spec", spec, "--out", out, "--quiet", ...(figures ? [] : ["--no-figure"]), ...extra], c.io);
  return { code, out: c.out.join(""), err: c.err.join("") };
}

const read = (p: string) => readFileSync(p, "utf8");

test("a grid expands in order, the first axis slowest; a random sample is seeded and within its ranges", () => {
  const r = resolveExplore({ task: "digits", axes: { steps: [1, 2], lr: [0.01, 0.02, 0.03], evalSigma: [0, 0.1] }, seeds: [5, 9] });
  assert.deepEqual(r.points.map((p) => [p.steps, p.lr]), [[1, 0.01], [1, 0.02], [1, 0.03], [2, 0.01], [2, 0.02], [2, 0.03]]);
  assert.equal(r.tasks, 12);
  assert.deepEqual(r.axes, ["steps", "lr", "evalSigma"]);
  const spec = { task: "digits", sample: { random: 30, seed: 4 }, axes: { steps: { min: 1, max: 6, integer: true }, lr: { min: 1e-3, max: 1e-1, log: true }, device: ["paper-test", "hamadeh2012"] } };
  const a = resolveExplore(spec), b = resolveExplore(spec);
  assert.deepEqual(a.points, b.points);
  for (const p of a.points) {
    assert.ok(Number.isInteger(p.steps) && p.steps! >= 1 && p.steps! <= 6);
    assert.ok(p.lr! >= 1e-3 && p.lr! <= 1e-1);
  }
  assert.ok(new Set(a.points.map((p) => p.device)).size === 2);
  assert.notDeepEqual(resolveExplore({ ...spec, sample: { random: 30, seed: 5 } }).points, a.points);
});

test("spec mistakes are one-line errors naming the field", () => {
  const msg = (v: unknown) => {
    try {
      resolveExplore(v, "s.json");
      return "";
    } catch (e) {
      assert.ok(e instanceof InputError);
      return e.message;
    }
  };
  assert.match(msg({ task: "digits", axes: { step: [1] } }), /^s\.json: axes: unknown field "step" \(allowed: device, steps, /);
  assert.match(msg({ task: "digits", axes: { steps: [0, 2] } }), /^s\.json: axes\.steps values must be > 0 \(got 0\)$/);
  assert.match(msg({ task: "digits", axes: { steps: [1.5] } }), /axes\.steps values must be integers/);
  assert.match(msg({ task: "digits", axes: { lr: { min: 0.001, max: 0.1 } } }), /ranges need "sample": \{"random": N\}/);
  assert.match(msg({ axes: { steps: [1] } }), /give exactly one of task .* or data/);
  assert.match(msg({ task: "digits", axes: { device: ["hamadeh2012"], a: [3, 4] } }), /axes\.a sets an eq\. 4 parameter, but device hamadeh2012 is not an eq\. 4 device/);
  assert.match(msg({ task: "digits", seeds: 0 }), /^s\.json: seeds/);
  assert.match(msg({ task: "digits", axes: { adcBits: [40] } }), /0 \(off\) or 1\.\.32 bits/);
});

test("the Pareto front keeps the points no other beats on both energy and accuracy; the cheapest point above a target", () => {
  const s = [[5, 0.9], [1, 0.8], [2, 0.85], [3, 0.84], [6, 0.9], [4, 0.95]].map(([energy, acc], i) => ({ energy, validationMean: acc, point: { index: i } }) as unknown as PointSummary);
  assert.deepEqual(paretoFront(s), [1, 2, 5]);
  assert.equal(cheapestAbove(s, 0.9)!.point.index, 5);
  assert.equal(cheapestAbove(s, 0.99), null);
});

test("results are identical for any number of worker threads and byte-identical after merging any sharding", async () => {
  const one = join(dir, "one");
  const r1 = await explore(one, ["--workers", "1"], {}, true);
  assert.equal(r1.code, 0, r1.err);
  const two = join(dir, "two");
  assert.equal((await explore(two, ["--workers", "2"])).code, 0);
  for (const f of ["explore.json", "explore.csv"]) assert.equal(read(join(two, f)), read(join(one, f)), f);
  const csv = read(join(one, "explore.csv")).trim().split("\n");
  assert.equal(csv.length, 1 + 4 * 2 * 2);
  assert.equal(csv[0], "point,seed,steps,adcBits,eval_sigma,train_accuracy,validation_accuracy,test_accuracy,test_accuracy_std,energy_J,latency_s,digital_energy_J,status,message");
  assert.ok(csv.slice(1).every((l) => l.endsWith(",ok,")));
  // Shards: --shard, Slurm array variables and a Kubernetes indexed job, each merged.
  for (const [name, runs] of [
    ["flag3", [0, 1, 2].map((i) => ({ args: ["--shard", `${i}/3`], env: {} }))],
    ["slurm", [4, 5].map((i) => ({ args: [], env: { SLURM_ARRAY_TASK_ID: String(i), SLURM_ARRAY_TASK_MIN: "4", SLURM_ARRAY_TASK_COUNT: "2" } }))],
    ["k8s", [0, 1, 2, 3, 4, 5, 6, 7].map((i) => ({ args: ["--shard-count", "8"], env: { JOB_COMPLETION_INDEX: String(i) } }))],
  ] as const) {
    const base = join(dir, name);
    for (const r of runs) assert.equal((await explore(base, [...r.args, "--workers", "1"], r.env)).code, 0);
    const m = io();
    assert.equal(await runCli(["merge", base, "--out", join(base, "merged")], m.io), 0, m.err.join(""));
    for (const f of ["explore.json", "explore.csv", "heatmap.svg", "accuracy.svg", "pareto.svg"]) {
      assert.equal(read(join(base, "merged", f)), read(join(one, f)), `${name}: ${f}`);
    }
  }
});

test("a killed sweep resumes: finished tasks are kept, the rest computed, the result identical", async () => {
  const out = join(dir, "resume");
  assert.equal((await explore(out, ["--workers", "1"])).code, 0);
  const before = read(join(out, "explore.json"));
  // As if killed after three tasks: the result files and the other partial files are missing.
  rmSync(join(out, "explore.json"));
  rmSync(join(out, "explore.csv"));
  const parts = readdirSync(join(out, "partial")).sort();
  for (const p of parts.slice(3)) rmSync(join(out, "partial", p));
  const c = io();
  assert.equal(await runCli(["explore", "--spec", spec, "--out", out, "--no-figure", "--quiet", "--json", "--workers", "2"], c.io), 0);
  const s = JSON.parse(c.out.join(""));
  assert.equal(s.resumed, 3);
  assert.equal(s.computed, 5);
  assert.equal(read(join(out, "explore.json")), before);
  // A different sweep into the same folder is refused before any work.
  const other = await explore(out, ["--epochs", "7"]);
  assert.equal(other.code, 2);
  assert.match(other.err, /belongs to a different sweep/);
});

test("explore mistakes exit 2 with one line and write nothing", async () => {
  const cases: [string[], RegExp][] = [
    [["--task", "digits", "--steps", "1,x"], /--steps must be a comma list of numbers or START:STOP:STEP/],
    [["--task", "digits", "--lr", "0.001..0.1"], /--lr MIN\.\.MAX ranges need --random N/],
    [["--task", "digits", "--device", "nosuch"], /--device must be a preset/],
    [["--task", "digits", "--steps", "1,2", "--heatmap", "steps,lr"], /--heatmap must name 2 varied axes/],
    [["--task", "digits", "--device", "hamadeh2012", "--eval-param", "a", "--eval-sigma", "0,0.1"], /point 0: eval\.params/],
    [["--task", "digits", "--shard", "3/2"], /--shard must be i\/N/],
  ];
  for (const [args, re] of cases) {
    const out = join(dir, "never");
    const c = io();
    assert.equal(await runCli(["explore", ...args, "--out", out], c.io), 2, args.join(" "));
    assert.match(c.err.join(""), re);
    assert.equal(c.err.join("").split("\n").length, 2, c.err.join(""));
    assert.ok(!existsSync(out));
  }
});

test("the varied device parameter defaults to a for eq. 4 devices and to Ic when an eq. 3 device is in the sweep", () => {
  assert.deepEqual(resolveExplore({ task: "digits" }).evalParams, ["a"]);
  assert.deepEqual(resolveExplore({ task: "digits", axes: { device: ["paper-test", "hamadeh2012"] } }).evalParams, ["Ic"]);
  assert.deepEqual(resolveExplore({ task: "digits", axes: { device: ["hamadeh2012"] }, eval: { params: ["Q"] } }).evalParams, ["Q"]);
});

test("a random sample over a CSV data set, mixed device models and read noise runs, with figures", async () => {
  const csv = join(dir, "blobs.csv");
  const lines = ["x,y,label"];
  for (let i = 0; i < 120; i++) lines.push(`${(i % 2) * 2 + Math.sin(i) * 0.3},${(i % 2) * 2 + Math.cos(i * 1.7) * 0.3},${i % 2 ? "b" : "a"}`);
  writeFileSync(csv, lines.join("\n") + "\n");
  const out = join(dir, "blobs");
  const c = io();
  const code = await runCli(["explore", "--data", csv, "--random", "5", "--sample-seed", "3", "--lr", "0.005..0.05:log", "--steps", "1..3", "--device", "paper-test,hamadeh2012", "--read-noise", "0,0.01", "--epochs", "8", "--eval-trials", "3", "--workers", "1", "--quiet", "--out", out], c.io);
  assert.equal(code, 0, c.err.join(""));
  const rows = read(join(out, "explore.csv")).trim().split("\n").slice(1);
  assert.equal(rows.length, 5);
  assert.ok(rows.every((l) => l.endsWith(",ok,")), rows.join("\n"));
  for (const f of ["heatmap.svg", "accuracy.svg", "pareto.svg"]) assert.ok(existsSync(join(out, f)), f);
});

test("the printed summary states the spread over evaluation trials (from the CSV), not a seed spread of 0", async () => {
  const one = join(dir, "one-seed.json");
  writeFileSync(one, JSON.stringify({ task: "spiral", axes: { steps: [6], evalSigma: [0, 2] }, seeds: 1, train: { epochs: 40 }, eval: { trials: 5 } }));
  const out = join(dir, "one-seed");
  const c = io();
  assert.equal(await runCli(["explore", "--spec", one, "--out", out, "--no-figure", "--workers", "1"], c.io), 0, c.err.join(""));
  const rows = read(join(out, "explore.csv")).trim().split("\n").slice(1).map((l) => l.split(","));
  const std = Number(rows[1][7]);
  assert.ok(std > 0, "σ = 2 must spread the trials");
  const text = c.out.join("") + c.err.join("");
  const line = text.split("\n").find((l) => /evalSigma=2\b/.test(l));
  assert.ok(line, text);
  assert.match(line, new RegExp(`± ${(100 * std).toFixed(1)} \\(trials\\)`));
  assert.doesNotMatch(line, /\(seeds\)/);
  const zero = text.split("\n").find((l) => /evalSigma=0\b/.test(l));
  assert.ok(zero && !zero.includes("±"), zero);
});

test("the oscillators axis trains networks of K oscillators (extra ones beyond the features) and refuses none below the features", async () => {
  const s = join(dir, "osc.json");
  writeFileSync(s, JSON.stringify({ task: "spiral", axes: { oscillators: [2, 6] }, seeds: 1, train: { epochs: 30 }, eval: { trials: 2 } }));
  const out = join(dir, "osc");
  const c = io();
  assert.equal(await runCli(["explore", "--spec", s, "--out", out, "--no-figure", "--workers", "1", "--quiet"], c.io), 0, c.err.join(""));
  const lines = read(join(out, "explore.csv")).trim().split("\n");
  assert.equal(lines[0].split(",")[2], "oscillators");
  const rows = lines.slice(1).map((l) => l.split(","));
  assert.deepEqual(rows.map((r) => r[2]), ["2", "6"]);
  assert.ok(rows.every((r) => r.at(-2) === "ok"), lines.join("\n"));
  // The cost model sees the larger network: more oscillators, more energy per inference.
  assert.ok(Number(rows[1][9]) > Number(rows[0][9]), lines.join("\n"));
  // Flags too; a value that is not a positive integer is one line, exit 2.
  const bad = io();
  assert.equal(await runCli(["explore", "--task", "spiral", "--oscillators", "0,2", "--out", join(dir, "osc-bad"), "--quiet"], bad.io), 2);
  assert.match(bad.err.join(""), /oscillators/);
  assert.equal(bad.err.join("").trim().split("\n").length, 1);
  // Fewer oscillators than the data's 2 features: refused before any training, nothing written.
  const few = io();
  assert.equal(await runCli(["explore", "--task", "spiral", "--oscillators", "1,4", "--out", join(dir, "osc-few"), "--quiet"], few.io), 2);
  assert.match(few.err.join(""), /oscillators must be at least the number of features \(2\) of the data \(got 1\)/);
  assert.equal(existsSync(join(dir, "osc-few")), false);
});
