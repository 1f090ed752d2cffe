/**
 * `dynaspin reproduce`: the paper's results in one command (pipeline in src/node/reproduce.ts).
 * Flags are validated and the plan resolved before the output folder is created.
 */
import { join } from "node:path";
import { existsSync, readdirSync, rmdirSync, rmSync } from "node:fs";
import type { Command, CommandIO } from "../command.js";
import { workersFlag } from "../command.js";
import type { Flags, FlagSpec } from "../args.js";
import { InputError } from "../../util/errors.js";
import { makePlan, type ReproduceMode } from "../../reproduce/plan.js";
import { comparisonTable, formatTextTable } from "../../reproduce/summary.js";
import { runReproduce } from "../../node/reproduce.js";
import { createProgress } from "../../node/progress.js";
import { checkOutputDir, readJsonFile, writeFileAtomic } from "../../node/files.js";
import { setInterruptNote } from "../../node/interrupt.js";
import { defaultThreads } from "../../node/threads.js";

const FLAGS: FlagSpec[] = [
  { name: "quick", type: "boolean", help: "reduced run, under a minute (5–15 s here): 1 seed per task, half the digits epochs, no LLG panel, robustness 9 σ × 200 trials; without it the full run takes 1–4 min (5 seeds, 21 σ × 10 000 trials, LLG)" },
  { name: "out", type: "string", short: "o", value: "DIR", help: "output folder (default runs/reproduce-<time>)" },
  { name: "seed", type: "integer", min: 0, max: 1e12, value: "S", help: "base seed: training seeds S..S+4 (full) or S (quick); device noise and sweep seeds derive from it", default: 0 },
  workersFlag("the robustness and LLG sweeps (default: the available cores)"),
  { name: "force", type: "boolean", help: "write into a non-empty --out folder: first remove the files an earlier reproduce run wrote there (listed in its summary.json, or in incomplete.json when it was interrupted); other files are kept" },
];

/** The list of files an interrupted run kept (removed by the next run with --force). */
const INCOMPLETE = "incomplete.json";
const INCOMPLETE_FORMAT = "dynaspin.reproduce.incomplete";

/**
 * Makes `out` ready for a run: a missing or empty folder is fine; a non-empty one is refused
 * without `force` (stale figures of an earlier run would mix with the new ones); with `force`,
 * the files an earlier run listed in its summary.json (or, interrupted, in incomplete.json) are
 * removed, with the folders left empty.
 * @returns the number of files removed.
 */
export function prepareOutFolder(out: string, force: boolean): number {
  if (!existsSync(out)) return 0;
  const entries = readdirSync(out);
  if (entries.length === 0) return 0;
  if (!force) {
    throw new InputError(`--out ${out}: folder is not empty (${entries.length} entries, e.g. ${entries.slice(0, 3).join(", ")}); choose a new folder, or add --force to replace an earlier reproduce run there`);
  }
  // A finished run lists its files in summary.json, an interrupted one in incomplete.json.
  const lists: unknown[] = [];
  for (const [name, format] of [["summary.json", "dynaspin.reproduce"], [INCOMPLETE, INCOMPLETE_FORMAT]] as const) {
    const p = join(out, name);
    if (!existsSync(p)) continue;
    const j = readJsonFile(p, name) as { format?: unknown; files?: unknown };
    if (j.format !== format || !Array.isArray(j.files)) throw new InputError(`--out ${out}: ${p} is not a dynaspin reproduce ${name === INCOMPLETE ? "list of kept files" : "summary"}; choose a new folder`);
    lists.push(...(j.files as unknown[]), name);
  }
  const summary = { files: lists };
  let removed = 0;
  const dirs = new Set<string>();
  for (const f of summary.files) {
    if (typeof f !== "string" || f.startsWith("/") || f.split(/[\\/]/).includes("..")) continue;
    const p = join(out, f);
    if (existsSync(p)) {
      rmSync(p, { force: true });
      removed++;
    }
    const parts = f.split("/");
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join("/"));
  }
  for (const d of [...dirs].sort((a, b) => b.length - a.length)) {
    const p = join(out, d);
    if (existsSync(p) && readdirSync(p).length === 0) rmdirSync(p);
  }
  return removed;
}

function timestamp(): string {
  return new Date().toISOString().replace(/[:]/g, "-").replace(/\..*/, "");
}

async function run(flags: Flags, io: CommandIO): Promise<number> {
  if (flags.positional.length > 0) throw new InputError(`reproduce: unexpected argument ${JSON.stringify(flags.positional[0])}`);
  const mode: ReproduceMode = flags.boolean("quick") ? "quick" : "full";
  const plan = makePlan({ mode, seed: flags.numberOrDefault("seed"), workers: flags.number("workers") ?? defaultThreads() });
  const out = flags.string("out") ?? join("runs", `reproduce-${timestamp()}`);
  if (out.trim() === "") throw new InputError("--out must not be empty");
  checkOutputDir(out, `--out ${out}`);
  const cleaned = prepareOutFolder(out, flags.boolean("force"));
  const quiet = flags.boolean("quiet");
  const argv = process.argv.slice(2);
  const command = ["dynaspin", ...(argv[0] === "reproduce" ? argv : ["reproduce", ...(mode === "quick" ? ["--quick"] : [])])].join(" ");
  if (!quiet) io.stderr(`reproduce (${mode}): writing into ${out}${cleaned > 0 ? ` (removed ${cleaned} files of the earlier run)` : ""}\n`);
  // Ctrl-C: the finished files stay, listed in incomplete.json so that --force removes them.
  const track = { files: [] as string[], stage: "starting" };
  setInterruptNote(() => {
    if (track.files.length === 0) return `during ${track.stage}; nothing was written yet; start again with: ${command}`;
    writeFileAtomic(join(out, INCOMPLETE), JSON.stringify({ format: INCOMPLETE_FORMAT, stage: track.stage, files: track.files }, null, 1) + "\n");
    return `during ${track.stage}; kept the ${track.files.length} files finished so far in ${out} (listed in ${join(out, INCOMPLETE)}; no report): reproduce does not resume; start again with: ${command.includes(" --force") ? command : `${command} --force`}`;
  });
  let result: Awaited<ReturnType<typeof runReproduce>>;
  try {
    result = await runReproduce({
      plan,
      out,
      command,
      track,
      progress: quiet ? undefined : (label, total) => createProgress(`reproduce ${label}`, total, io.isTTY, io.stderr),
    });
  } finally {
    setInterruptNote(null);
  }
  const { summary, report } = result;
  if (flags.boolean("json")) {
    io.stdout(JSON.stringify({ ...summary, report }) + "\n");
    return 0;
  }
  io.stdout(formatTextTable(comparisonTable(summary)));
  io.stdout(`\n${mode} mode, wall time ${summary.timings.total.toFixed(1)} s (${Object.entries(summary.timings).filter(([k]) => k !== "total").map(([k, v]) => `${k} ${v.toFixed(1)} s`).join(", ")})\n`);
  io.stdout(`report: ${report}\n`);
  return 0;
}

/** The `reproduce` command. */
export const reproduceCommand: Command = {
  name: "reproduce",
  summary: "reproduce the paper's results: train spiral and digits, robustness sweep, device fit, figures and report.html",
  usage: "dynaspin reproduce [--quick] [--out DIR [--force]] [--seed S] [--workers N] [--json]",
  flags: FLAGS,
  run,
};
