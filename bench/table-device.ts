/**
 * What the fast engines' table kernel buys (`npm run bench:table-device [-- FLAGS]`): the paper's
 * two tasks trained with `dynaspin train`'s defaults (one process per run, as a user runs them) on
 * a table copy of the paper's test device — eq. 4 (a = 4, b = 5, Ic = 1, Q = 2) tabulated at 81
 * nodes over 0–4, linear beyond them, written by this script — with `--engine auto` (the native
 * engine's table kernel where it is built) and `--engine wasm` (the WebAssembly engine, which has
 * no table kernel: the TypeScript reference runs), and the analytic device on `--engine auto` for
 * comparison. CPU time (user + system, whole process: what the load of a shared machine does not
 * inflate), test accuracy, and whether the two table runs wrote the same model bits.
 *
 * Prints the table and, unless --no-write, rewrites the block of docs/engines.md between
 * `<!-- table-device:begin -->` and `<!-- table-device:end -->` with machine, date and load.
 * Flags: --only spiral|digits, --seed S (default 0), --no-write.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq4 } from "../src/device/analytic.js";
import { finishRun, markdownTable, renderBlock, startRun, writeBlocks } from "./doc-blocks.js";
import { runTrainProcess } from "./train-process.js";

const DOC = "docs/engines.md";
const NODES = 81, SPAN = 4;

interface Run {
  engine: string;
  cpu: number;
  acc: number;
  /** The trained parameters (A, B, W, c of model.json) as JSON text: the same text, the same bits. */
  params: string;
}

async function trainOnce(dir: string, name: string, args: string[]): Promise<Run> {
  const out = join(dir, name), cpuFile = join(dir, `${name}.cpu.json`);
  const r = await runTrainProcess([...args, "--out", out, "--json", "--quiet"], cpuFile);
  if (r.code !== 0) throw new Error(`dynaspin train ${args.join(" ")} exited ${r.code}: ${r.stderr.trim().split("\n").at(-1)}`);
  const s = JSON.parse(r.stdout) as { engine: string; testAccuracy: number };
  const cpu = JSON.parse(readFileSync(cpuFile, "utf8")) as { user: number; system: number };
  const model = JSON.parse(readFileSync(join(out, "model.json"), "utf8")) as Record<"A" | "B" | "W" | "c", unknown>;
  return { engine: s.engine, cpu: cpu.user + cpu.system, acc: s.testAccuracy, params: JSON.stringify([model.A, model.B, model.W, model.c]) };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const only = argv.includes("--only") ? argv[argv.indexOf("--only") + 1] : null;
  const seed = argv.includes("--seed") ? argv[argv.indexOf("--seed") + 1] : "0";
  const write = !argv.includes("--no-write");
  const tasks = ["spiral", "digits"].filter((t) => only === null || only === t);
  if (tasks.length === 0) throw new Error(`--only ${only}: allowed: spiral, digits`);
  const command = `npm run bench:table-device${argv.length ? " -- " + argv.join(" ") : ""}`;
  const run = startRun(command);
  const dir = mkdtempSync(join(tmpdir(), "dynaspin-bench-table-"));
  const rows: string[][] = [];
  const engines: string[] = [];
  try {
    const d = eq4(), current: number[] = [], power: number[] = [];
    for (let q = 0; q < NODES; q++) {
      const I = (SPAN * q) / (NODES - 1);
      current.push(I);
      power.push(d.power(I));
    }
    const device = join(dir, "paper-table.json");
    writeFileSync(device, JSON.stringify({ model: "table", current, power, extrapolation: "linear" }));
    for (const task of tasks) {
      const base = ["--task", task, "--seed", seed];
      const fast = await trainOnce(dir, `${task}-table-auto`, [...base, "--device", device, "--engine", "auto"]);
      const slow = await trainOnce(dir, `${task}-table-wasm`, [...base, "--device", device, "--engine", "wasm"]);
      const analytic = await trainOnce(dir, `${task}-eq4-auto`, [...base, "--engine", "auto"]);
      // JSON writes the shortest text that reads back as the same double, so equal text is equal bits.
      const same = fast.params === slow.params;
      engines.push(fast.engine, slow.engine);
      for (const [label, r] of [["table, `--engine auto`", fast], ["table, `--engine wasm`", slow], ["eq. 4, `--engine auto`", analytic]] as const) {
        rows.push([task, label, r.engine, r.cpu.toFixed(2), (r.acc * 100).toFixed(2), (slow.cpu / r.cpu).toFixed(1), r === analytic ? "" : same ? "yes" : "NO"]);
      }
      process.stderr.write(`${task}: table ${fast.cpu.toFixed(2)} s (${fast.engine}) vs ${slow.cpu.toFixed(2)} s (${slow.engine}), eq. 4 ${analytic.cpu.toFixed(2)} s; same bits: ${same}\n`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const text = markdownTable(["task", "device, engine", "engine that ran", "CPU s", "test accuracy %", "speed-up over the table on the reference", "table runs: same model bits"], rows);
  process.stdout.write(text + "\n");
  if (!write) return;
  const body =
    `\`dynaspin train --task T --seed ${seed}\` with every other option at its default, one process per run; the table is the paper's test device ` +
    `tabulated at ${NODES} nodes over 0–${SPAN} (linear beyond). CPU time is user + system of the whole process.\n\n${text}`;
  writeBlocks(DOC, [["table-device", renderBlock("table-device", finishRun(run, engines), body)]]);
  process.stderr.write(`wrote ${DOC}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench:table-device: ${(e as Error).message}\n`);
  process.exit(1);
});
