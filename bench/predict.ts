/**
 * What `dynaspin predict` costs (`npm run bench:predict [-- FLAGS]`), on rows it generates: a
 * three-class table of two features with an id column (three Gaussian blobs, 100 000 and
 * 1 000 000 rows) predicted by a model trained on 300 such rows (`dynaspin train --data` with 60
 * epochs: 8 oscillators, 4 steps), and the paper's digits model (`dynaspin train --task digits`)
 * on 100 000 rows of 64 pixels (the 1797 digits, then noisy copies). In this process, one after
 * the other, CPU time (user + system) of
 * - the inference alone: the forward pass predict ran before it used the fast engines
 *   (`runForward` in chunks of 512 rows: the TypeScript loops of dynamics.ts), `predictLogits` on
 *   the native engine (one thread, windows of 4096 rows) and on the WebAssembly engine — and
 *   whether every one gave the same logits, bit for bit;
 * - the whole command, `dynaspin predict --id-column id --probabilities` (reading the CSV,
 *   checking it, the inference, the softmax, writing the output file atomically).
 *
 * Prints the table and, unless --no-write, rewrites the block of docs/data.md between
 * `<!-- bench-predict:begin -->` and `<!-- bench-predict:end -->` with machine, date and load.
 * Flags: --only blobs|digits, --keep DIR (write the data and models there and keep them, to time
 * other versions of dynaspin on the same files), --no-write.
 */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../src/cli/main.js";
import { readModelFile } from "../src/node/model-file.js";
import { modelFromJson } from "../src/network/io.js";
import { runForward, predictLogits } from "../src/network/api.js";
import { nativeFactory } from "../src/node/native-engine.js";
import { loadSource } from "../src/node/tasks.js";
import { loadCsvDataset } from "../src/node/csv-file.js";
import { alignFeatures } from "../src/cli/data-match.js";
import { Rng } from "../src/util/rng.js";
import type { Model } from "../src/network/model.js";
import { finishRun, markdownTable, renderBlock, startRun, writeBlocks } from "./doc-blocks.js";

const DOC = "docs/data.md";

/** CPU seconds (user + system) of f(), and its result. */
function cpu<T>(f: () => T): [number, T] {
  const t0 = process.cpuUsage();
  const r = f();
  const t = process.cpuUsage(t0);
  return [(t.user + t.system) / 1e6, r];
}

async function cpuAsync(f: () => Promise<number>): Promise<number> {
  const t0 = process.cpuUsage();
  const code = await f();
  const t = process.cpuUsage(t0);
  if (code !== 0) throw new Error(`the command exited ${code}`);
  return (t.user + t.system) / 1e6;
}

async function cli(args: string[]): Promise<number> {
  let err = "";
  const code = await runCli(args, { stdout: () => {}, stderr: (s) => (err += s), isTTY: false, env: {} });
  if (code !== 0) throw new Error(`dynaspin ${args.join(" ")}: exit ${code}: ${err.trim()}`);
  return code;
}

const CENTERS: [number, number, string][] = [[0, 0, "red"], [3, 0, "green"], [0, 3, "blue"]];

/** `rows` blob rows (id, a, b, and the label when `label`), seeded. */
function blobsCsv(rows: number, seed: number, label: boolean): string {
  const rng = new Rng(seed);
  const out: string[] = [label ? "a,b,label" : "id,a,b"];
  for (let r = 0; r < rows; r++) {
    const [cx, cy, name] = CENTERS[r % 3];
    const a = (cx + 0.9 * rng.normal()).toFixed(5), b = (cy + 0.9 * rng.normal()).toFixed(5);
    out.push(label ? `${a},${b},${name}` : `r${r},${a},${b}`);
  }
  return out.join("\n") + "\n";
}

/** `rows` rows of the digits' 64 pixels (scaled to [0, 1] as the task's model reads them): the 1797 digits, then noisy copies; with an id column. */
function digitsCsv(rows: number, seed: number): string {
  const ds = loadSource({ task: "digits" });
  const rng = new Rng(seed);
  const d = ds.d;
  const out: string[] = ["id," + ds.featureNames.join(",")];
  for (let r = 0; r < rows; r++) {
    const s = r % ds.n;
    const cells: string[] = [`r${r}`];
    for (let j = 0; j < d; j++) {
      const v = ds.x[s * d + j];
      cells.push(r < ds.n ? String(v) : (v + 0.1 * rng.normal()).toFixed(4));
    }
    out.push(cells.join(","));
  }
  return out.join("\n") + "\n";
}

function sameBits(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let q = 0; q < a.length; q++) if (!Object.is(a[q], b[q])) return false;
  return true;
}

/** The logits as predict computed them before it used the fast engines: runForward in chunks of 512 rows. */
function logitsBefore(model: Model, x: Float64Array, n: number, d: number): Float64Array {
  const m = model.classes, out = new Float64Array(n * m);
  for (let start = 0; start < n; start += 512) {
    const nb = Math.min(512, n - start);
    out.set(runForward(model, x.subarray(start * d, (start + nb) * d)).logits, start * m);
  }
  return out;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const at = (flag: string): string | null => (argv.includes(flag) ? argv[argv.indexOf(flag) + 1] ?? null : null);
  const only = at("--only");
  const keep = at("--keep");
  const write = !argv.includes("--no-write");
  if (only !== null && only !== "blobs" && only !== "digits") throw new Error(`--only ${only}: allowed: blobs, digits`);
  const command = `npm run bench:predict${argv.length ? " -- " + argv.join(" ") : ""}`;
  const run = startRun(command);
  const dir = keep ?? mkdtempSync(join(tmpdir(), "dynaspin-bench-predict-"));
  mkdirSync(dir, { recursive: true });
  const native = nativeFactory(1);
  const rows: string[][] = [];
  const engines: string[] = [];
  try {
    const cases: { name: string; model: string; data: string; rows: number }[] = [];
    if (only !== "digits") {
      writeFileSync(join(dir, "blobs-train.csv"), blobsCsv(300, 1, true));
      await cli(["train", "--data", join(dir, "blobs-train.csv"), "--epochs", "60", "--restarts", "1", "--out", join(dir, "blobs-model"), "--quiet", "--force"]);
      for (const n of [100_000, 1_000_000]) {
        const file = join(dir, `blobs-${n}.csv`);
        writeFileSync(file, blobsCsv(n, 2, false));
        cases.push({ name: "blobs (2 features, k = 8, 4 steps, 3 classes)", model: join(dir, "blobs-model", "model.json"), data: file, rows: n });
      }
    }
    if (only !== "blobs") {
      await cli(["train", "--task", "digits", "--out", join(dir, "digits-model"), "--quiet", "--force"]);
      const file = join(dir, "digits-100000.csv");
      writeFileSync(file, digitsCsv(100_000, 3));
      cases.push({ name: "digits (the paper's model: k = 64, 4 steps, 10 classes)", model: join(dir, "digits-model", "model.json"), data: file, rows: 100_000 });
    }
    for (const c of cases) {
      const model = modelFromJson(readModelFile(c.model), c.model);
      // The rows as predict reads them (its CSV loader and column matching), for the inference alone.
      const ds = alignFeatures(loadCsvDataset(c.data, { labelColumn: null, idColumn: "id" }), model, c.data, c.model);
      const [tBefore, before] = cpu(() => logitsBefore(model, ds.x, ds.n, ds.d));
      const ie = native?.createInference?.(model.k, model.steps, model.classes, 512, Math.min(ds.n, 4096)) ?? null;
      const [tNative, nat] = ie !== null ? cpu(() => predictLogits(model, ds.x, ie)) : [NaN, null];
      const [tWasm, wasm] = cpu(() => predictLogits(model, ds.x));
      const same = (nat === null || sameBits(nat.logits, before)) && sameBits(wasm.logits, before);
      const out = join(dir, "predictions.csv");
      const tCommand = await cpuAsync(() => cli(["predict", "--model", c.model, "--data", c.data, "--id-column", "id", "--probabilities", "--out", out]));
      const label = nat !== null && native !== null ? native.label : wasm.engine;
      engines.push(label);
      const perRow = (t: number): string => (Number.isFinite(t) ? ((t / c.rows) * 1e6).toFixed(2) : "—");
      rows.push([c.name, c.rows.toLocaleString("en-US").replace(/,/g, " "), tBefore.toFixed(2), Number.isFinite(tNative) ? tNative.toFixed(3) : "— (not built)", tWasm.toFixed(3), Number.isFinite(tNative) ? (tBefore / tNative).toFixed(0) + "×" : "—", same ? "yes" : "NO", tCommand.toFixed(2), perRow(tCommand)]);
      process.stderr.write(`${c.name} ${c.rows} rows: before ${tBefore.toFixed(2)} s, native ${tNative.toFixed(3)} s, wasm ${tWasm.toFixed(3)} s, same bits ${same}; dynaspin predict ${tCommand.toFixed(2)} s CPU\n`);
    }
  } finally {
    if (keep === null) rmSync(dir, { recursive: true, force: true });
  }
  const text = markdownTable(
    ["model", "rows", "inference before (runForward, TypeScript loops), CPU s", "inference on native (1 thread), CPU s", "inference on WebAssembly, CPU s", "native speed-up", "same logits on every path", "whole `dynaspin predict --probabilities`, CPU s", "µs CPU per row"],
    rows,
  );
  process.stdout.write(text + "\n");
  if (!write) return;
  const body =
    `CPU time (user + system) in one process, one measurement after the other; the rows are generated by the script (blobs with an id column; the digits' ` +
    `1797 images, then noisy copies), the models trained by it (\`dynaspin train --data\` with 60 epochs on 300 blob rows; \`dynaspin train --task digits\`). ` +
    `"Inference" is the forward pass and readout of every row, from the rows in memory; the whole command also reads and checks the CSV, ` +
    `computes the softmax, checks the input and drive ranges and writes the output file.\n\n${text}`;
  writeBlocks(DOC, [["bench-predict", renderBlock("bench-predict", finishRun(run, engines), body)]]);
  process.stderr.write(`wrote ${DOC}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench:predict: ${(e as Error).message}\n`);
  process.exit(1);
});
