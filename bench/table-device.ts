/**
 * What the fast engines' table kernels buy (`npm run bench:table-device [-- FLAGS]`): the paper's
 * two tasks trained with their defaults (`TASK_DEFAULTS`, what `dynaspin train --task` uses; the
 * task's data split 80/20 by `stratifiedSplit` with seed 0) on a table copy of the paper's test
 * device — eq. 4 (a = 4, b = 5, Ic = 1, Q = 2) tabulated at 81 nodes over 0–4, linear beyond
 * them — on each engine of the `dynaspin/node` library: "native" (the native engine's table
 * kernel, where it is built), "wasm" (the WebAssembly engine's), and "reference" (the TypeScript
 * loops: where every table trained before these kernels); and the analytic device on the native
 * and WebAssembly engines for comparison. In this process, one run after the other: CPU time of
 * each `train` call (user + system; what the load of a shared machine does not inflate), test
 * accuracy, and whether every table run gave the reference's model bits.
 *
 * Prints the table and, unless --no-write, rewrites the block of docs/engines.md between
 * `<!-- table-device:begin -->` and `<!-- table-device:end -->` with machine, date and load.
 * Flags: --only spiral|digits, --seed S (default 0), --no-write.
 */
import { eq4 } from "../src/device/analytic.js";
import { tableCurve } from "../src/device/table.js";
import type { DeviceCurve } from "../src/device/curve.js";
import { TASK_DEFAULTS, type TaskName } from "../src/train/tasks.js";
import { train, type TrainEngine } from "../src/node/engines.js";
import { loadSource } from "../src/node/tasks.js";
import { stratifiedSplit } from "../src/data/split.js";
import { evaluate } from "../src/network/api.js";
import { finishRun, markdownTable, renderBlock, startRun, writeBlocks } from "./doc-blocks.js";

const DOC = "docs/engines.md";
const NODES = 81, SPAN = 4;

interface Run {
  engine: string;
  cpu: number;
  acc: number;
  /** The trained parameters, to compare bits. */
  params: Float64Array[];
}

function main(): void {
  const argv = process.argv.slice(2);
  const only = argv.includes("--only") ? argv[argv.indexOf("--only") + 1] : null;
  const seed = argv.includes("--seed") ? Number(argv[argv.indexOf("--seed") + 1]) : 0;
  const write = !argv.includes("--no-write");
  const tasks = (["spiral", "digits"] as TaskName[]).filter((t) => only === null || only === t);
  if (tasks.length === 0) throw new Error(`--only ${only}: allowed: spiral, digits`);
  if (!Number.isInteger(seed) || seed < 0) throw new Error(`--seed: a non-negative integer`);
  const command = `npm run bench:table-device${argv.length ? " -- " + argv.join(" ") : ""}`;
  const run = startRun(command);
  const d = eq4(), current: number[] = [], power: number[] = [];
  for (let q = 0; q < NODES; q++) {
    const I = (SPAN * q) / (NODES - 1);
    current.push(I);
    power.push(d.power(I));
  }
  const table = tableCurve(current, power, { extrapolation: "linear" });
  const rows: string[][] = [];
  const engines: string[] = [];
  for (const task of tasks) {
    const split = stratifiedSplit(loadSource({ task }), 0, 0.2);
    const once = (devices: DeviceCurve, engine: TrainEngine): Run => {
      const t0 = process.cpuUsage();
      const r = train(split.train, { ...TASK_DEFAULTS[task], devices, seed, engine });
      const t = process.cpuUsage(t0);
      return { engine: r.engine, cpu: (t.user + t.system) / 1e6, acc: evaluate(r.model, split.test).accuracy, params: [r.model.A, r.model.B, r.model.W, r.model.c] };
    };
    const ref = once(table, "reference");
    const runs: [string, Run][] = [["table", once(table, "auto")], ["table", once(table, "wasm")], ["table", ref], ["eq. 4", once(d, "auto")], ["eq. 4", once(d, "wasm")]];
    for (const [device, r] of runs) {
      engines.push(r.engine);
      const same = device === "eq. 4" ? "" : r.params.every((a, q) => a.length === ref.params[q].length && a.every((v, e) => Object.is(v, ref.params[q][e]))) ? "yes" : "NO";
      rows.push([task, device, r.engine, r.cpu.toFixed(2), (r.acc * 100).toFixed(2), (ref.cpu / r.cpu).toFixed(1), same]);
      process.stderr.write(`${task} ${device} ${r.engine}: ${r.cpu.toFixed(2)} s CPU, test ${(r.acc * 100).toFixed(2)} %\n`);
    }
  }
  const text = markdownTable(["task", "device", "engine", "CPU s", "test accuracy %", "speed-up over the table on the reference", "reference's bits"], rows);
  process.stdout.write(text + "\n");
  if (!write) return;
  const body =
    `Each task's defaults (\`TASK_DEFAULTS\`, as \`dynaspin train --task T\`), seed ${seed}, split 80/20 by \`stratifiedSplit\` (seed 0), one \`train\` call ` +
    `of \`dynaspin/node\` per row in one process; the table is the paper's test device tabulated at ${NODES} nodes over 0–${SPAN} (linear beyond). ` +
    `CPU time is user + system of the call; native runs one thread.\n\n${text}`;
  writeBlocks(DOC, [["table-device", renderBlock("table-device", finishRun(run, engines), body)]]);
  process.stderr.write(`wrote ${DOC}\n`);
}

try {
  main();
} catch (e) {
  process.stderr.write(`bench:table-device: ${(e as Error).message}\n`);
  process.exit(1);
}
