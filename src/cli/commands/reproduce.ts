/**
 * `dynaspin reproduce`: the paper's results in one command (pipeline in src/node/reproduce.ts).
 * Flags are validated and the plan resolved before the output folder is created.
 */
import { join } from "node:path";
import { existsSync, statSync } from "node:fs";
import type { Command, CommandIO } from "../command.js";
import type { Flags, FlagSpec } from "../args.js";
import { InputError } from "../../util/errors.js";
import { makePlan, type ReproduceMode } from "../../reproduce/plan.js";
import { comparisonTable, formatTextTable } from "../../reproduce/summary.js";
import { runReproduce } from "../../node/reproduce.js";
import { createProgress } from "../../node/progress.js";

const FLAGS: FlagSpec[] = [
  { name: "quick", type: "boolean", help: "reduced run, under a minute (5–15 s here): 1 seed per task, half the digits epochs, no LLG panel, robustness 9 σ × 200 trials; without it the full run takes 1–4 min (5 seeds, 21 σ × 10 000 trials, LLG)" },
  { name: "out", type: "string", short: "o", value: "DIR", help: "output folder (default runs/reproduce-<time>)" },
  { name: "seed", type: "integer", min: 0, max: 1e12, value: "S", help: "base seed: training seeds S..S+4 (full) or S (quick); device noise and sweep seeds derive from it (default 0)" },
  { name: "workers", type: "integer", min: 1, max: 64, value: "N", help: "worker threads for the robustness and LLG sweeps (results do not depend on it; default 2)" },
  { name: "quiet", type: "boolean", help: "no progress output" },
];

function timestamp(): string {
  return new Date().toISOString().replace(/[:]/g, "-").replace(/\..*/, "");
}

async function run(flags: Flags, io: CommandIO): Promise<number> {
  if (flags.positional.length > 0) throw new InputError(`reproduce: unexpected argument ${JSON.stringify(flags.positional[0])}`);
  const mode: ReproduceMode = flags.boolean("quick") ? "quick" : "full";
  const plan = makePlan({ mode, seed: flags.number("seed") ?? 0, workers: flags.number("workers") ?? 2 });
  const out = flags.string("out") ?? join("runs", `reproduce-${timestamp()}`);
  if (out.trim() === "") throw new InputError("--out must not be empty");
  if (existsSync(out) && !statSync(out).isDirectory()) throw new InputError(`--out ${out} exists and is not a folder`);
  const quiet = flags.boolean("quiet");
  const argv = process.argv.slice(2);
  const command = ["dynaspin", ...(argv[0] === "reproduce" ? argv : ["reproduce", ...(mode === "quick" ? ["--quick"] : [])])].join(" ");
  if (!quiet) io.stderr(`reproduce (${mode}): writing into ${out}\n`);
  const { summary, report } = await runReproduce({
    plan,
    out,
    command,
    progress: quiet ? undefined : (label, total) => createProgress(`reproduce ${label}`, total, io.isTTY, io.stderr),
  });
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
  usage: "dynaspin reproduce [--quick] [--out DIR] [--seed S] [--workers N] [--json]",
  flags: FLAGS,
  run,
};
