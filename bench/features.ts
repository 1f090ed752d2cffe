/**
 * What input feature transforms buy (`npm run bench:features [-- FLAGS]`): the generated 2-D sets
 * trained with `dynaspin train`'s defaults, exactly as a user runs them (one process per run), with
 * the raw inputs x1, x2 and with TensorFlow Playground's extra inputs (`--features
 * x1,x2,x1^2,x2^2,x1*x2`, and the same plus sin(x1), sin(x2)), seeds 0..S−1 (`--seed S
 * --data-seed S --split-seed S`).
 *
 * Per row: mean and lowest test accuracy, the mean number of epochs trained (the automatic budget
 * stops early), and the mean first epoch whose test accuracy reached 99 % (from the run's
 * metrics.csv; "never" counts runs that did not). The spiral's defaults fix 2 oscillators; with
 * `--features` it takes max(features, 8), so it is also run with the raw inputs on 8 oscillators.
 *
 * Prints the table and, unless --no-write, rewrites the block of docs/training.md between
 * `<!-- features:begin -->` and `<!-- features:end -->` with machine, date and load.
 * Flags: --seeds N (default 5), --only TASK[,TASK] (circles, xor, gaussians, spiral), --no-write.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { finishRun, renderBlock, startRun, writeBlocks } from "./doc-blocks.js";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const DOC = join(ROOT, "docs/training.md");
const QUAD = "x1,x2,x1^2,x2^2,x1*x2";
const TF = `${QUAD},sin(x1),sin(x2)`;
const TARGET = 0.99;

interface Row {
  task: string;
  label: string;
  args: string[];
}

const ROWS: Row[] = [
  ...["circles", "xor", "gaussians"].flatMap((t) => [
    { task: t, label: "x1, x2", args: [] },
    { task: t, label: "+ x1², x2², x1·x2", args: ["--features", QUAD] },
    { task: t, label: "+ x1², x2², x1·x2, sin x1, sin x2", args: ["--features", TF] },
    // The paper's network: one oscillator per input, no extra ones.
    { task: t, label: "x1, x2, one oscillator each", args: ["--oscillators", "2"] },
    { task: t, label: "+ x1², x2², x1·x2, one oscillator each", args: ["--features", QUAD, "--oscillators", "5"] },
  ]),
  { task: "spiral", label: "x1, x2 (the task's 2 oscillators)", args: [] },
  { task: "spiral", label: "+ x1², x2², x1·x2, one oscillator each", args: ["--features", QUAD, "--oscillators", "5"] },
  { task: "spiral", label: "x1, x2 on 8 oscillators", args: ["--oscillators", "8"] },
  { task: "spiral", label: "+ x1², x2², x1·x2", args: ["--features", QUAD] },
  { task: "spiral", label: "+ x1², x2², x1·x2, sin x1, sin x2", args: ["--features", TF] },
];

interface Result {
  row: Row;
  k: number;
  acc: number[];
  epochs: number[];
  /** First epoch at ≥ TARGET test accuracy per run (null: never). */
  reach: (number | null)[];
  seconds: number[];
}

function parseFlags(argv: string[]): { seeds: number; only: string[] | null; write: boolean } {
  const f = { seeds: 5, only: null as string[] | null, write: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--seeds") f.seeds = Number(argv[++i]);
    else if (a === "--only") f.only = (argv[++i] ?? "").split(",");
    else if (a === "--no-write") f.write = false;
    else {
      process.stderr.write(`bench:features: unknown flag ${a}\nusage: npm run bench:features -- [--seeds N] [--only TASK,...] [--no-write]\n`);
      process.exit(2);
    }
  }
  if (!Number.isInteger(f.seeds) || f.seeds < 1) {
    process.stderr.write(`bench:features: --seeds needs an integer >= 1\n`);
    process.exit(2);
  }
  return f;
}

/** The engines the runs reported (`dynaspin train --json`), for the block's run line. */
const engines = new Set<string>();

function runOne(row: Row, seed: number, dir: string): { acc: number; epochs: number; reach: number | null; k: number; seconds: number } {
  const out = join(dir, `${row.task}-${seed}-${Math.random().toString(36).slice(2)}`);
  const args = ["bin/dynaspin.js", "train", "--task", row.task, ...row.args, "--seed", String(seed), "--data-seed", String(seed), "--split-seed", String(seed), "--json", "--quiet", "--out", out];
  const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`dynaspin ${args.slice(1).join(" ")} exited ${r.status}: ${r.stderr}`);
  const s = JSON.parse(r.stdout) as { testAccuracy: number; epochs: number; k: number; seconds: number; engine: string };
  engines.add(s.engine);
  const lines = readFileSync(join(out, "metrics.csv"), "utf8").trim().split("\n").slice(1);
  let reach: number | null = null;
  for (const l of lines) {
    const c = l.split(",");
    if (Number(c[5]) >= TARGET) {
      reach = Number(c[0]);
      break;
    }
  }
  rmSync(out, { recursive: true, force: true });
  return { acc: s.testAccuracy, epochs: s.epochs, reach, k: s.k, seconds: s.seconds };
}

const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;

function table(results: Result[], seeds: number): string {
  const lines = [
    `| data | inputs | oscillators | test accuracy % (mean, lowest) | epochs trained (mean) | first epoch at ≥ ${TARGET * 100} % test accuracy (mean; runs that never did) |`,
    "|---|---|---|---|---|---|",
  ];
  for (const r of results) {
    const reached = r.reach.filter((v): v is number => v !== null);
    const never = seeds - reached.length;
    lines.push(
      `| ${r.row.task} | ${r.row.label} | ${r.k} | ${(mean(r.acc) * 100).toFixed(1)}, ${(Math.min(...r.acc) * 100).toFixed(1)} | ${Math.round(mean(r.epochs))} | ` +
        `${reached.length ? Math.round(mean(reached)) : "—"}${never ? ` (${never} of ${seeds} never)` : ""} |`,
    );
  }
  return lines.join("\n");
}

function main(): void {
  const flags = parseFlags(process.argv.slice(2));
  const rows = ROWS.filter((r) => flags.only === null || flags.only.includes(r.task));
  const dir = mkdtempSync(join(tmpdir(), "dynaspin-bench-features-"));
  const command = `npm run bench:features${process.argv.length > 2 ? " -- " + process.argv.slice(2).join(" ") : ""}`;
  const run = startRun(command);
  const results: Result[] = [];
  try {
    for (const row of rows) {
      const res: Result = { row, k: 0, acc: [], epochs: [], reach: [], seconds: [] };
      for (let s = 0; s < flags.seeds; s++) {
        const o = runOne(row, s, dir);
        res.k = o.k;
        res.acc.push(o.acc);
        res.epochs.push(o.epochs);
        res.reach.push(o.reach);
        res.seconds.push(o.seconds);
        process.stderr.write(`${row.task} ${row.label} seed ${s}: ${(o.acc * 100).toFixed(1)} %, ${o.epochs} epochs, ≥ 99 % at ${o.reach ?? "never"}\n`);
      }
      results.push(res);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const text = table(results, flags.seeds);
  process.stdout.write(text + "\n");
  if (!flags.write) return;
  const body = `Seeds 0–${flags.seeds - 1} (seed, data seed and split seed alike), 1000 points, noise 0.04, test share 0.2, every other setting \`dynaspin train\`'s default.\n\n${text}`;
  writeBlocks(DOC, [["features", renderBlock("features", finishRun(run, engines), body)]]);
  process.stderr.write(`wrote docs/training.md\n`);
}

main();
