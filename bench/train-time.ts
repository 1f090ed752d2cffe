/**
 * Training-time benchmark for small tables (`npm run bench:train-time [-- FLAGS]`): `dynaspin train
 * --data FILE.csv` with its defaults, exactly as a user runs it (one process per run, nothing but
 * `--seed S --split-seed S` added), on untuned generated sets (bench/generated-sets.ts) spanning
 * rows × features × classes under 1000 rows, plus the shipped tabular sets. Issue 15's goal: every
 * set under 1000 rows trains in ≤ 3 s on one core with the defaults; judged, as in
 * bench/accuracy.ts, on the CPU time (user + system) of the whole process (bench/cpu-usage.mjs),
 * which the shared machine's load does not inflate the way it inflates wall time.
 *
 * Per row it prints the process CPU time, the training's wall time (the CLI's `seconds`), the epochs
 * of the kept run and its mean epoch time, the weight-decay candidates, the test accuracy, and how
 * many full-batch updates 3 s can hold at all: 3 s × 40 GFLOP/s (the native engine's matrix
 * products at these sizes, `bench/run.ts`'s kernel rows) over the 6·rows·steps·k² flops of one
 * update's products (forward u = A·p, ∂A and the adjoint λ = Aᵀ·g at each step), a bound no
 * per-epoch speed-up can beat. The default budget is 3000 updates per candidate.
 *
 * Flags: --only ID[,ID...] (see --list), --seeds N (default 1), --baseline DIR (a built checkout of
 * dynaspin to compare with: each run first on it, then on this one, back to back, with its CPU
 * time and whether it saved the same model, training record aside), --train-args "FLAGS" (added to
 * every run, e.g. "--restarts 1", to see what a setting other than the defaults costs), --write (the generated block of
 * docs/training-time.md), --list, --json.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { makeTabular, tabularId, writeSetCsv, type TabularOptions } from "./generated-sets.js";
import { machineText } from "./machine.js";
import { runTrainProcess } from "./train-process.js";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

/** The generated shapes: rows × features × classes, all under 1000 rows. */
export const TIME_SHAPES: (TabularOptions & { optIn?: boolean })[] = [
  { rows: 150, features: 8, classes: 3 },
  { rows: 300, features: 16, classes: 2 },
  { rows: 300, features: 64, classes: 2 },
  { rows: 300, features: 64, classes: 5 },
  { rows: 600, features: 32, classes: 4 },
  { rows: 900, features: 16, classes: 2 },
  { rows: 100, features: 100, classes: 2 },
  { rows: 500, features: 100, classes: 10 },
  { rows: 900, features: 100, classes: 3 },
  // Only when --only names them: minutes each with the defaults (see the last column).
  { rows: 300, features: 250, classes: 5, optIn: true },
  { rows: 900, features: 500, classes: 2, optIn: true },
];

interface Row {
  id: string;
  label: string;
  args: string[];
  shape: { rows: number; d: number; classes: number };
  /** Only when --only names it. */
  optIn?: boolean;
}

function rowsOf(dir: string): Row[] {
  const out: Row[] = [];
  for (const [id, d, c, n] of [["iris", 4, 3, 150], ["wine", 13, 3, 178], ["breast-cancer", 30, 2, 569]] as const) {
    out.push({ id, label: id, args: ["--data", join(ROOT, "data", id, `${id}.csv`)], shape: { rows: n, d, classes: c } });
  }
  for (const s of TIME_SHAPES) {
    const id = tabularId(s);
    out.push({ id, label: `${s.rows} × ${s.features}, ${s.classes} classes`, args: ["--data", join(dir, `${id}.csv`)], shape: { rows: s.rows, d: s.features, classes: s.classes }, optIn: s.optIn === true });
  }
  return out;
}

interface Result {
  id: string;
  seed: number;
  cpu: number | null;
  wall: number;
  seconds: number | null;
  epochs: number | null;
  msPerEpoch: number | null;
  k: number | null;
  engine: string;
  weightDecays: number;
  test: number | null;
  /** The model file without its training record (null: none written). */
  bits: string | null;
  /** With --baseline: the baseline build's CPU time and whether it saved the same model. */
  baseline?: { cpu: number | null; same: boolean };
  error?: string;
}


/** Flags added to every `dynaspin train` (--train-args), to measure what a setting other than the defaults costs. */
let trainArgs: string[] = [];

/** Model file text without its `training` record (command, times), to compare two builds' parameters. */
function modelBits(file: string): string {
  const m = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
  delete m.training;
  return JSON.stringify(m);
}

async function measure(r: Row, seed: number, dir: string, root = ROOT, tag = ""): Promise<Result> {
  const cpuFile = join(dir, `${r.id}-${seed}${tag}.cpu.json`);
  const out = join(dir, `${r.id}-${seed}${tag}`);
  const p = await runTrainProcess([...r.args, ...trainArgs, "--seed", String(seed), "--split-seed", String(seed), "--json", "--quiet", "--out", out], cpuFile, root);
  let cpu: number | null = null;
  if (existsSync(cpuFile)) {
    const u = JSON.parse(readFileSync(cpuFile, "utf8")) as { user: number; system: number };
    cpu = u.user + u.system;
  }
  const bits = existsSync(join(out, "model.json")) ? modelBits(join(out, "model.json")) : null;
  rmSync(out, { recursive: true, force: true });
  if (p.code !== 0) return { id: r.id, seed, cpu, wall: p.wall, seconds: null, epochs: null, msPerEpoch: null, k: null, engine: "", weightDecays: 0, test: null, bits: null, error: p.stderr.trim().split("\n").pop() };
  const s = JSON.parse(p.stdout.trim().split("\n").pop() ?? "{}") as {
    seconds: number; secondsPerEpoch: number; epochs: number; k: number; engine: string; testAccuracy: number;
    weightDecay?: { choice: { candidates: unknown[] } | null };
  };
  return { id: r.id, seed, cpu, wall: p.wall, seconds: s.seconds, epochs: s.epochs, msPerEpoch: s.secondsPerEpoch * 1000, k: s.k, engine: s.engine, weightDecays: s.weightDecay?.choice?.candidates.length ?? 1, test: s.testAccuracy, bits };
}

function gitCommit(dir = ROOT): string {
  try {
    return execFileSync("git", ["describe", "--always", "--dirty"], { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return "unknown";
  }
}

/** Replaces the generated block of docs/training-time.md (temporary file, then rename). */
function writeDoc(block: string): void {
  const old = readFileSync(DOC, "utf8");
  const a = old.indexOf(BEGIN), b = old.indexOf(END);
  if (a < 0 || b < a) throw new Error(`${DOC} has no ${BEGIN} … ${END} block`);
  const tmp = DOC + ".tmp";
  writeFileSync(tmp, old.slice(0, a) + block + old.slice(b + END.length));
  renameSync(tmp, DOC);
  process.stderr.write(`bench:train-time: wrote the generated block of docs/training-time.md\n`);
}

/** Flops of one full-batch update's matrix products (forward, ∂A, adjoint), 6·rows·steps·k². */
function updateFlops(fitRows: number, steps: number, k: number): number {
  return 6 * fitRows * steps * k * k;
}

/** Sustained float64 rate of the native engine's products at these shapes (GFLOP/s, one core). */
const PRODUCT_GFLOPS = 40;
const GOAL_S = 3;
const BEGIN = "<!-- train-time:begin -->";
const END = "<!-- train-time:end -->";
const DOC = join(ROOT, "docs", "training-time.md");

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  let only: string[] | null = null, seeds = 1, json = false, list = false, write = false, baseline: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--only") only = (argv[++i] ?? "").split(",").filter(Boolean);
    else if (a === "--seeds") seeds = Number(argv[++i]);
    else if (a === "--json") json = true;
    else if (a === "--list") list = true;
    else if (a === "--write") write = true;
    else if (a === "--train-args") trainArgs = (argv[++i] ?? "").split(/\s+/).filter(Boolean);
    else if (a === "--baseline") baseline = argv[++i] ?? "";
    else {
      process.stderr.write(`bench:train-time: unknown flag ${a}\nusage: npm run bench:train-time -- [--only ID,...] [--seeds N] [--baseline DIR] [--train-args "FLAGS"] [--write] [--list] [--json]\n`);
      process.exit(2);
    }
  }
  if (baseline !== null && !existsSync(join(baseline, "bin", "dynaspin.js"))) {
    process.stderr.write(`bench:train-time: --baseline ${baseline}: no bin/dynaspin.js there (give a built checkout of dynaspin)\n`);
    process.exit(2);
  }
  if (!(Number.isInteger(seeds) && seeds >= 1 && seeds <= 100)) {
    process.stderr.write(`bench:train-time: --seeds needs an integer from 1 to 100\n`);
    process.exit(2);
  }
  const dir = mkdtempSync(join(tmpdir(), "dynaspin-train-time-"));
  try {
    const all = rowsOf(dir);
    if (list) {
      for (const r of all) process.stdout.write(`${r.id.padEnd(20)} ${r.label}${r.optIn ? " (only with --only)" : ""}\n`);
      return;
    }
    const bad = (only ?? []).filter((id) => !all.some((r) => r.id === id));
    if (bad.length) {
      process.stderr.write(`bench:train-time: unknown row ${bad.join(", ")} (see --list)\n`);
      process.exit(2);
    }
    const rows = all.filter((r) => (only === null ? !r.optIn : only.includes(r.id)));
    for (const s of TIME_SHAPES) {
      const id = tabularId(s);
      if (rows.some((r) => r.id === id)) writeSetCsv(dir, id, makeTabular(s));
    }
    const load0 = loadavg().map((v) => v.toFixed(1)).join(", ");
    const results: Result[] = [];
    const lines = [
      `| set | rows, features, classes |${baseline === null ? "" : " baseline CPU s | same model |"} CPU s (whole process) | training wall s | epochs (kept run) | ms per epoch (kept run, wall) | k | λ candidates | test % | updates 3 s can hold |`,
      "|---|---|---|---|---|---|---|---|---|---|" + (baseline === null ? "" : "---|---|"),
    ];
    const t0 = performance.now();
    for (const r of rows) {
      for (let seed = 0; seed < seeds; seed++) {
        // With a baseline: the baseline build first, then this one, back to back (the same load).
        const base = baseline === null ? null : await measure(r, seed, dir, baseline, "-baseline");
        const res = await measure(r, seed, dir);
        if (base !== null) res.baseline = { cpu: base.cpu, same: base.bits !== null && base.bits === res.bits };
        results.push(res);
        // The fit rows: 80 % of the rows for training (the CLI's test split), 80 % of those fitted (validation 20 %).
        const fit = Math.round(Math.round(r.shape.rows * 0.8) * 0.8);
        const k = res.k ?? Math.max(8, r.shape.d);
        const hold = (GOAL_S * PRODUCT_GFLOPS * 1e9) / updateFlops(fit, 4, k);
        const line =
          `| ${r.label} (seed ${seed}) | ${r.shape.rows}, ${r.shape.d}, ${r.shape.classes} |${res.baseline ? ` ${res.baseline.cpu?.toFixed(2) ?? "?"} | ${res.baseline.same ? "yes" : "**no**"} |` : ""} ${res.cpu?.toFixed(2) ?? "?"} | ${res.seconds?.toFixed(2) ?? res.error} | ${res.epochs ?? ""} | ` +
          `${res.msPerEpoch === null ? "" : res.msPerEpoch.toFixed(2)} | ${k} | ${res.weightDecays} | ${res.test === null ? "" : (res.test * 100).toFixed(1)} | ${hold >= 1e5 ? "> 10⁵" : Math.round(hold)} |`;
        lines.push(line);
        process.stderr.write(`bench:train-time: ${line}  load ${loadavg()[0].toFixed(1)}\n`);
      }
    }
    const load1 = loadavg().map((v) => v.toFixed(1)).join(", ");
    const date = new Date().toISOString().replace(/\.\d+Z$/, "Z");
    // The baseline's folder is this machine's; the command names it by its commit instead.
    const shown = argv.map((a, i) => (i > 0 && argv[i - 1] === "--baseline" ? "DIR" : a));
    const command = `npm run bench:train-time${shown.length ? " -- " + shown.join(" ") : ""}`;
    const baseLine = baseline === null ? "" : ` Baseline (DIR): dynaspin ${gitCommit(baseline)}, each run on it first, then on this build.`;
    const header =
      `Generated by \`${command}\` on ${date} (dynaspin ${gitCommit()}): ${machineText()}, Node ${process.version}, engine ${results[0]?.engine || "?"}, ` +
      `load average ${load0} at the start and ${load1} at the end (the machine is shared: CPU time is the measure; wall times carry the load); ${((performance.now() - t0) / 1000).toFixed(0)} s in all.${baseLine}`;
    const met = results.filter((x) => x.cpu !== null && x.cpu <= GOAL_S).length;
    const summary = `${met} of ${results.length} runs within ${GOAL_S} s of CPU time.`;
    if (json) process.stdout.write(JSON.stringify({ date, load: [load0, load1], results: results.map(({ bits: _b, ...x }) => x) }, null, 2) + "\n");
    else process.stdout.write(`${header}\n\n${lines.join("\n")}\n\n${summary}\n`);
    if (write) writeDoc([BEGIN, header, "", ...lines, "", summary, END].join("\n"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
