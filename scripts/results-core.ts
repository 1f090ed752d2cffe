// Measures the core results of docs/results.md and writes them into its generated blocks:
// `dynaspin train` with defaults on the spiral and digits tasks for init seeds 0…4 (split seed 0),
// the spiral on the measured device presets, and (on request) both tasks in float32.
//
//   npm run results                         # spiral digits devices: every row of the core and devices blocks
//   npm run results -- spiral               # one row; the block's other rows are carried over with their run
//   npm run results -- float32              # the float32 block (not part of the default set)
//   npm run results -- digits --no-write    # print the rows only
//
// Each block lists the runs its rows come from (date, commit, machine, Node, engine, load), so a
// partial run never passes older rows off as its own. The page is written atomically.
import { spawnSync, execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PAPER_RESULTS } from "../src/train/tasks.js";
import { mergeRows, parseBlock, renderBlock, replaceBlock, type ResultRow } from "./results-blocks.js";
import { machineText as machine } from "../bench/machine.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const DOC = join(ROOT, "docs/results.md");
const GROUPS = ["spiral", "digits", "devices", "float32"] as const;
type Group = (typeof GROUPS)[number];

const args = process.argv.slice(2);
const write = !args.includes("--no-write");
const asked = args.filter((a) => a !== "--no-write");
for (const a of asked) {
  if (!(GROUPS as readonly string[]).includes(a)) {
    process.stderr.write(`results: unknown argument ${a}; allowed: ${GROUPS.join(", ")}, --no-write\n`);
    process.exit(2);
  }
}
const want = (g: Group): boolean => (asked.length === 0 ? g !== "float32" : asked.includes(g));

/** Row definitions per block, in table order: label (the command, in backticks) and train flags. */
const BLOCKS: Record<string, { group: Group; label: string; args: string[] }[]> = {
  core: [
    { group: "spiral", label: "`train --task spiral`", args: ["--task", "spiral"] },
    { group: "digits", label: "`train --task digits`", args: ["--task", "digits"] },
  ],
  devices: ["paper-test", "hamadeh2012", "zeng2013"].map((d) => ({ group: "devices" as Group, label: `\`train --task spiral --device ${d}\``, args: ["--task", "spiral", "--device", d] })),
  float32: ["spiral", "digits"].map((t) => ({ group: "float32" as Group, label: `\`train --task ${t} --precision float32\``, args: ["--task", t, "--precision", "float32"] })),
};

const tmp = mkdtempSync(join(tmpdir(), "dynaspin-results-"));
let runCount = 0;
let engines = new Set<string>();

interface TrainJson { testAccuracy: number; trainAccuracy: number; seconds: number; engine: string }

function train(argv: string[]): TrainJson {
  const out = join(tmp, `run-${runCount++}`);
  const r = spawnSync(process.execPath, [join(ROOT, "bin/dynaspin.js"), "train", ...argv, "--json", "--quiet", "--out", out], { encoding: "utf8", cwd: ROOT });
  if (r.status !== 0) throw new Error(`dynaspin train ${argv.join(" ")} failed (exit ${r.status}): ${r.stderr.trim()}`);
  const j = JSON.parse(r.stdout) as TrainJson;
  engines.add(j.engine);
  return j;
}

function measure(label: string, argv: string[], runId: string): ResultRow {
  const runs = [0, 1, 2, 3, 4].map((seed) => train([...argv, "--seed", String(seed)]));
  const te = runs.map((r) => r.testAccuracy * 100);
  const mean = (a: number[]): number => a.reduce((s, x) => s + x, 0) / a.length;
  const row: ResultRow = {
    label,
    tests: te.map((x) => x.toFixed(2)),
    mean: mean(te).toFixed(2),
    min: Math.min(...te).toFixed(2),
    train: mean(runs.map((r) => r.trainAccuracy * 100)).toFixed(2),
    time: `${mean(runs.map((r) => r.seconds)).toFixed(1)} s`,
    run: runId,
  };
  process.stdout.write(`| ${row.label} | ${row.tests.join(" ")} | **${row.mean}** | ${row.min} | ${row.train} | ${row.time} |\n`);
  return row;
}

/**
 * The code measured: the last commit that changed the library, the CLI or the native engine (so the
 * id stays valid when doc-only commits are rebased), marked when that code has uncommitted changes.
 */
function commit(): string {
  try {
    const paths = ["src", "bin", "native"];
    const head = execFileSync("git", ["log", "-1", "--format=%h", "--", ...paths], { cwd: ROOT, encoding: "utf8" }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--", ...paths], { cwd: ROOT, encoding: "utf8" }).trim();
    return `code at ${head}${dirty ? " with uncommitted changes" : ""}`;
  } catch {
    return "code at an unknown commit";
  }
}

try {
  const runId = new Date().toISOString().slice(0, 16) + "Z";
  const load0 = loadavg()[0]!.toFixed(1);
  const code = commit(); // before the runs: later edits of the tree do not describe the code measured
  const fresh = new Map<string, ResultRow[]>();
  const engineOf = new Map<string, string>();
  for (const [block, rows] of Object.entries(BLOCKS)) {
    engines = new Set();
    for (const r of rows) if (want(r.group)) fresh.set(block, [...(fresh.get(block) ?? []), measure(r.label, r.args, runId)]);
    engineOf.set(block, [...engines].join("; "));
  }
  const command = `npm run results${asked.length ? " -- " + asked.join(" ") : ""}`;
  const runText = (block: string): string =>
    `\`${command}\`, dynaspin ${code}, ${machine()}, Node ${process.version}, engine ${engineOf.get(block)}, ` +
    `load average ${load0} at the start and ${loadavg()[0]!.toFixed(1)} at the end (shared machine: wall times are noisy)`;
  if (write) {
    let page = readFileSync(DOC, "utf8");
    for (const [block, rows] of fresh) {
      const merged = mergeRows(parseBlock(page, block), block, rows, runId, runText(block), BLOCKS[block]!.map((r) => r.label));
      page = replaceBlock(page, block, renderBlock(merged, PAPER_RESULTS));
    }
    writeFileSync(DOC + ".tmp", page);
    renameSync(DOC + ".tmp", DOC);
    process.stderr.write(`results: wrote the ${[...fresh.keys()].join(", ")} block(s) of docs/results.md\n`);
  } else {
    process.stderr.write("results: docs/results.md not rewritten (--no-write)\n");
  }
} catch (e) {
  process.stderr.write(`results: failed: ${(e as Error).message}\n`);
  process.exitCode = 1;
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
