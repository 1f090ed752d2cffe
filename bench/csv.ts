/**
 * CSV loader benchmark: generates a rows × 64 feature table (plus an integer label) in /tmp with a
 * seeded generator, loads it with `loadCsvDataset` in a fresh child process, and reports the load
 * time and the child's peak resident set size. The result is checked: n, d, the class count and
 * the sum of all features must match what the generator wrote.
 *
 * Tables of 100,000 and 1,000,000 rows (quick: 100,000 only). Its docs table (`docBlock`) is the
 * CSV loader block of docs/benchmarks.md.
 *
 * Standalone: `node --import tsx bench/csv.ts [--quick]`.
 * Internal: `node --import tsx bench/csv.ts --load <file>` loads one file and prints JSON.
 */
import { spawnSync } from "node:child_process";
import { closeSync, existsSync, openSync, statSync, writeSync, renameSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Rng } from "../src/util/rng.js";
import { loadCsvDataset } from "../src/node/csv-file.js";
import type { BenchDocBlock, BenchRow, BenchSuite } from "./types.js";
import { markdownTable } from "./doc-blocks.js";

const D = 64;
const CLASSES = 10;
const SEED = 20260601;

/** Writes the table (if not already there) and returns its path and the sum of its features. */
function generate(rows: number): { path: string; sum: number } {
  const path = join(tmpdir(), `dynaspin-bench-${rows}x${D}.csv`);
  const rng = new Rng(SEED);
  // The values are re-generated even when the file exists, to know the checksum.
  let sum = 0;
  const exists = existsSync(path);
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = exists ? -1 : openSync(tmp, "w");
  const header = [...Array.from({ length: D }, (_, j) => `f${j}`), "label"].join(",") + "\n";
  if (fd >= 0) writeSync(fd, header);
  let batch = "";
  for (let r = 0; r < rows; r++) {
    let line = "";
    for (let j = 0; j < D; j++) {
      const s = (rng.uniform() * 2 - 1).toFixed(5);
      sum += Number(s);
      line += s + ",";
    }
    line += String(rng.int(CLASSES)) + "\n";
    if (fd >= 0) {
      batch += line;
      if (batch.length > 1 << 22) {
        writeSync(fd, batch);
        batch = "";
      }
    }
  }
  if (fd >= 0) {
    writeSync(fd, batch);
    closeSync(fd);
    renameSync(tmp, path);
  }
  return { path, sum };
}

/** Loads `path` in this process and prints `{seconds, n, d, classes, sum}` as JSON. */
function loadAndReport(path: string): void {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const ds = loadCsvDataset(path);
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  let sum = 0;
  for (let i = 0; i < ds.x.length; i++) sum += ds.x[i]!;
  const maxRssMB = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(JSON.stringify({ seconds, cpuSeconds, n: ds.n, d: ds.d, classes: ds.classNames.length, sum, maxRssMB }) + "\n");
}

/** Loads one generated table in a fresh child process and checks it. */
function measure(rows: number): BenchRow[] {
  const { path, sum } = generate(rows);
  const bytes = statSync(path).size;
  const self = fileURLToPath(import.meta.url);
  const child = spawnSync(process.execPath, ["--import", "tsx", self, "--load", path], { encoding: "utf8", maxBuffer: 1 << 20 });
  if (child.status !== 0) throw new Error(`csv bench: loader failed: ${child.stderr.trim().split("\n").slice(-3).join(" | ")}`);
  const r = JSON.parse(child.stdout.trim().split("\n").pop()!) as { seconds: number; cpuSeconds: number; n: number; d: number; classes: number; sum: number; maxRssMB: number };
  if (r.n !== rows || r.d !== D || r.classes !== CLASSES || Math.abs(r.sum - sum) > 1e-6 * rows) {
    throw new Error(`csv bench: wrong result n=${r.n} d=${r.d} classes=${r.classes} sum=${r.sum} (expected ${rows}, ${D}, ${CLASSES}, ${sum})`);
  }
  const workload = `load ${rows.toLocaleString("en-US")} rows × ${D} features (${(bytes / 2 ** 20).toFixed(0)} MiB)`;
  const notes = `wall time (CPU ${r.cpuSeconds.toFixed(2)} s, ${(bytes / 2 ** 20 / r.seconds).toFixed(0)} MiB/s wall); checked n, d, classes and feature sum`;
  const featuresMiB = (rows * D * 8) / 2 ** 20;
  const detail = { engine: "TypeScript (loadCsvDataset)", rows, fileMiB: bytes / 2 ** 20, seconds: r.seconds, cpuSeconds: r.cpuSeconds, peakRssMiB: r.maxRssMB, featuresMiB };
  return [
    { suite: "csv", workload, value: r.seconds, unit: "s", notes, detail },
    { suite: "csv", workload: `${workload}: peak RSS of the loading process`, value: r.maxRssMB, unit: "MiB", notes: `features alone take ${featuresMiB.toFixed(0)} MiB` },
  ];
}

/** Runs the benchmark: 100,000 and 1,000,000 rows × 64 (100,000 only when quick). */
export const run: BenchSuite = async ({ quick }) => (quick ? [100_000] : [100_000, 1_000_000]).flatMap(measure);

/** The CSV loader table of docs/benchmarks.md. */
export const docBlock: BenchDocBlock = (rows) =>
  [
    `Seeded tables of ${D} features with 5 decimals and an integer label (${CLASSES} classes) with a header row, loaded with \`loadCsvDataset\` in a fresh child process; n, d, the class count and the sum of all features are checked against the generator. Peak RSS includes Node and tsx.`,
    "",
    markdownTable(
      ["workload", "file", "wall time", "CPU time", "peak RSS", "features alone"],
      rows
        .filter((r) => r.detail)
        .map((r) => {
          const d = r.detail!;
          return [`${Number(d.rows).toLocaleString("en-US")} rows × ${D} features`, `${Number(d.fileMiB).toFixed(0)} MiB`, `${Number(d.seconds).toFixed(2)} s`, `${Number(d.cpuSeconds).toFixed(2)} s`, `${Number(d.peakRssMiB).toFixed(0)} MiB`, `${Number(d.featuresMiB).toFixed(0)} MiB`];
        }),
    ),
  ].join("\n");

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const args = process.argv.slice(2);
  const i = args.indexOf("--load");
  if (i >= 0) {
    loadAndReport(args[i + 1]!);
  } else {
    const rows: BenchRow[] = await run({ quick: args.includes("--quick") });
    for (const r of rows) console.log(`${r.suite}\t${r.workload}\t${r.value.toFixed(2)} ${r.unit}\t${r.notes ?? ""}`);
  }
}
