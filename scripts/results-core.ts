// Measures the results of docs/results.md and writes them into its generated blocks
// (`<!-- results-NAME:begin -->` … `<!-- results-NAME:end -->`; bench/doc-blocks.ts):
//
//   npm run results                         # the default sections: spiral digits devices fit robustness read-noise reproduce
//   npm run results -- spiral               # one core row; the block's other rows are carried over with their run
//   npm run results -- float32              # the float32 block (opt-in)
//   npm run results -- physics              # llg → fit → train on the fitted device (opt-in: a few minutes)
//   npm run results -- mnist                # MNIST on 1 and 2 threads (opt-in: minutes per run)
//   npm run results -- reproduce-full       # the full `dynaspin reproduce` (opt-in: minutes)
//   npm run results -- all                  # every section
//   npm run results -- mnist --quick        # a section's quick variant (fewer epochs/trials/seeds; the block says so)
//   npm run results -- digits --no-write    # print only
//
// The core, devices and float32 rows are `dynaspin train … --json` for init seeds 0…4 (split seed
// 0); each of those blocks lists the runs its rows come from, so a partial run never passes older
// rows off as its own. The other sections (scripts/results-sections.ts) rewrite their blocks
// whole. Every block names its command, the code's commit, the date, CPU, Node, engine and load.
// The page is written atomically after each section.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PAPER_RESULTS } from "../src/train/tasks.js";
import { mergeRows, parseBlock, renderBlock as renderRowsBlock, type ResultRow } from "./results-blocks.js";
import { describeRun, finishRun, renderBlock, ROOT, startRun, writeBlocks, type RunInfo } from "../bench/doc-blocks.js";
import { fit, mnist, physics, readNoise, reproduce, reproduceFull, robustness, runDynaspin, type Section, type SectionContext } from "./results-sections.js";

const DOC = "docs/results.md";
const ROW_GROUPS = ["spiral", "digits", "devices", "float32"] as const;
const SECTIONS: Record<string, Section> = { fit, robustness, "read-noise": readNoise, reproduce, "reproduce-full": reproduceFull, physics, mnist };
const DEFAULT = ["spiral", "digits", "devices", "fit", "robustness", "read-noise", "reproduce"];
const ALL = [...ROW_GROUPS, ...Object.keys(SECTIONS)];
type Group = (typeof ROW_GROUPS)[number];

const args = process.argv.slice(2);
const write = !args.includes("--no-write");
const quick = args.includes("--quick");
const asked = args.filter((a) => a !== "--no-write" && a !== "--quick");
for (const a of asked) {
  if (a !== "all" && !ALL.includes(a)) {
    process.stderr.write(`results: unknown argument ${a}; allowed: ${ALL.join(", ")}, all, --quick, --no-write\n`);
    process.exit(2);
  }
}
const chosen = asked.length === 0 ? DEFAULT : asked.includes("all") ? ALL : asked;
const want = (g: string): boolean => chosen.includes(g);
const command = `npm run results${args.length ? " -- " + args.filter((a) => a !== "--no-write").join(" ") : ""}`;

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
  const j = runDynaspin(["train", ...argv, "--quiet", "--out", join(tmp, `run-${runCount++}`)]) as TrainJson;
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

function save(blocks: [string, string][]): void {
  if (!write || blocks.length === 0) return;
  writeBlocks(DOC, blocks);
  process.stderr.write(`results: wrote the ${blocks.map(([n]) => n).join(", ")} block(s) of ${DOC}\n`);
}

try {
  const run: RunInfo = startRun(command); // before the runs: later edits of the tree do not describe the code measured
  const runId = run.date;
  // The row blocks: this run's rows merged into the previous ones.
  for (const [block, rows] of Object.entries(BLOCKS)) {
    engines = new Set();
    const fresh = rows.filter((r) => want(r.group)).map((r) => measure(r.label, r.args, runId));
    if (fresh.length === 0) continue;
    const page = readFileSync(join(ROOT, DOC), "utf8");
    const merged = mergeRows(parseBlock(page, block), block, fresh, runId, describeRun(finishRun(run, engines)), rows.map((r) => r.label));
    save([[`results-${block}`, renderRowsBlock(merged, PAPER_RESULTS)]]);
  }
  // The other sections: each rewrites its blocks whole.
  for (const [name, section] of Object.entries(SECTIONS)) {
    if (!want(name)) continue;
    const used: string[] = [];
    const ctx: SectionContext = {
      tmp,
      quick,
      dynaspin: runDynaspin,
      engine: (e) => void (e ? used.push(e) : undefined),
      log: (t) => void process.stderr.write(t + "\n"),
    };
    const t0 = performance.now();
    const bodies = section(ctx);
    const info = finishRun(run, used);
    const blocks: [string, string][] = [...bodies].map(([b, body]) => [`results-${b}`, renderBlock(`results-${b}`, info, body)]);
    for (const [, text] of blocks) process.stdout.write(text + "\n\n");
    process.stderr.write(`results: ${name} done in ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
    save(blocks);
  }
  if (!write) process.stderr.write(`results: ${DOC} not rewritten (--no-write)\n`);
} catch (e) {
  process.stderr.write(`results: failed: ${(e as Error).message}\n`);
  process.exitCode = 1;
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
