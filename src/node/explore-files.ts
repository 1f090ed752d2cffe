/**
 * Design-space sweep outputs on disk: per-task partial files (for resume), the result files, shard
 * folders and merging — laid out like the robustness sweep's (src/node/robustness-files.ts, whose
 * shard ranges and shard-folder expansion this reuses).
 *
 * Folder layout written by `dynaspin explore --out DIR`:
 *   DIR/partial/task-<t>.json    one per finished task (point × seed), written atomically
 *   DIR/explore.json             format "dynaspin.explore" v1: sweep (spec, points, data hash), shard, rows
 *   DIR/explore.csv              one row per point × seed × evaluation σ (tidy)
 *   DIR/heatmap.svg/.png, DIR/accuracy.svg/.png, DIR/pareto.svg/.png   figures (when there is something to draw)
 * A sharded run writes DIR/shard-<i>-of-<N>/ with the tasks [⌊iT/N⌋, ⌊(i+1)T/N⌋). The files hold no
 * timings or host details, so merged shards are byte-identical to an unsharded run.
 */
import { existsSync, readdirSync } from "node:fs";
import { createHash } from "node:crypto";
import { join } from "node:path";
import type { Dataset } from "../data/dataset.js";
import { writeFileAtomic, readJsonFile } from "./files.js";
import { writeFigure } from "./png.js";
import { shardRange, orderShards } from "./robustness-files.js";
import { resolveExplore, type ExploreAxis, type ExploreSpec, type ResolvedExplore } from "../explore/spec.js";
import type { ExploreRow, ExploreSplits } from "../explore/run.js";
import { exploreCsv } from "../explore/results.js";
import { exploreFigures } from "../explore/figures.js";
import { InputError } from "../util/errors.js";

/** File format name of explore.json. */
export const EXPLORE_FORMAT = "dynaspin.explore";

/** What must agree between the shards and partial files of one sweep. */
export interface ExploreSignature {
  spec: ExploreSpec;
  /** SHA-256 (first 16 hex) of the train, validation and test splits. */
  dataHash: string;
  tasks: number;
}

/** explore.json. */
export interface ExploreFile {
  format: string;
  version: number;
  sweep: ExploreSignature;
  shard: { index: number; count: number; taskRange: [number, number] };
  rows: ExploreRow[];
}

function hashDataset(h: ReturnType<typeof createHash>, d: Dataset): void {
  h.update(new Uint8Array(d.x.buffer, d.x.byteOffset, d.x.byteLength)).update(new Uint8Array(d.y.buffer, d.y.byteOffset, d.y.byteLength));
}

/** The sweep's signature. */
export function exploreSignature(r: ResolvedExplore, splits: ExploreSplits): ExploreSignature {
  const h = createHash("sha256");
  hashDataset(h, splits.train);
  hashDataset(h, splits.validation);
  hashDataset(h, splits.test);
  return { spec: r.spec, dataHash: h.digest("hex").slice(0, 16), tasks: r.tasks };
}

/** The task range of shard i of N (the robustness sweep's rule over tasks). */
export function exploreTaskRange(shard: { index: number; count: number } | null, tasks: number): [number, number] {
  return shard ? shardRange(shard.index, shard.count, tasks) : [0, tasks];
}

function partialPath(dir: string, t: number): string {
  return join(dir, "partial", `task-${String(t).padStart(6, "0")}.json`);
}

// JSON has no NaN: rows store NaN as null.
function rowsToJson(rows: readonly ExploreRow[]): unknown[] {
  return rows.map((w) => Object.fromEntries(Object.entries(w).map(([k, v]) => [k, typeof v === "number" && Number.isNaN(v) ? null : v])));
}

function rowsFromJson(rows: unknown[]): ExploreRow[] {
  return rows.map((w) => Object.fromEntries(Object.entries(w as Record<string, unknown>).map(([k, v]) => [k, v === null ? NaN : v])) as unknown as ExploreRow);
}

/** Writes one finished task's rows (atomically). */
export function writeExplorePartial(dir: string, sig: ExploreSignature, t: number, rows: readonly ExploreRow[]): void {
  writeFileAtomic(partialPath(dir, t), JSON.stringify({ format: `${EXPLORE_FORMAT}.partial`, version: 1, sweep: sig, task: t, rows: rowsToJson(rows) }) + "\n");
}

/**
 * Finished tasks of an interrupted run in `dir`.
 * @throws InputError when a partial file belongs to a different sweep (spec or data).
 */
export function readExplorePartials(dir: string, sig: ExploreSignature): Map<number, ExploreRow[]> {
  const found = new Map<number, ExploreRow[]>();
  const pdir = join(dir, "partial");
  if (!existsSync(pdir)) return found;
  const want = JSON.stringify(sig);
  for (const name of readdirSync(pdir).sort()) {
    if (!/^task-\d+\.json$/.test(name)) continue;
    const path = join(pdir, name);
    const j = readJsonFile(path, "partial result") as { sweep?: unknown; task?: number; rows?: unknown[] };
    if (JSON.stringify(j.sweep) !== want) throw new InputError(`${path}: belongs to a different sweep (spec or data differ); use a fresh --out folder or delete ${pdir}`);
    if (typeof j.task === "number" && Array.isArray(j.rows)) found.set(j.task, rowsFromJson(j.rows));
  }
  return found;
}

/** Builds the file object (rows ordered by task, then evaluation σ as the task wrote them). */
export function exploreFile(sig: ExploreSignature, shard: { index: number; count: number; taskRange: [number, number] }, byTask: Map<number, ExploreRow[]>): ExploreFile {
  const rows: ExploreRow[] = [];
  for (const t of [...byTask.keys()].sort((a, b) => a - b)) rows.push(...byTask.get(t)!);
  return { format: EXPLORE_FORMAT, version: 1, sweep: sig, shard, rows };
}

/** Writes explore.json, explore.csv and (unless `figures` is false) the SVG + PNG figures. */
export function writeExplore(dir: string, file: ExploreFile, figures: boolean, choose: { heatmap?: [ExploreAxis, ExploreAxis]; line?: ExploreAxis } = {}): string[] {
  const r = resolveExplore(file.sweep.spec, join(dir, "explore.json"));
  const paths = [join(dir, "explore.json"), join(dir, "explore.csv")];
  writeFileAtomic(paths[0], JSON.stringify({ ...file, rows: rowsToJson(file.rows) }) + "\n");
  writeFileAtomic(paths[1], exploreCsv(r, file.rows));
  if (figures) {
    const f = exploreFigures(r, file.rows, choose);
    for (const [name, svg] of [["heatmap", f.heatmap], ["accuracy", f.line], ["pareto", f.pareto]] as const) {
      if (svg === undefined) continue;
      const w = writeFigure(join(dir, name), svg);
      paths.push(w.svg, w.png);
    }
  }
  return paths;
}

/** Reads an explore.json, checking its format. @throws InputError */
export function readExploreFile(path: string): ExploreFile {
  const j = readJsonFile(path, "explore result") as Partial<ExploreFile> & { rows?: unknown[] };
  if (j === null || typeof j !== "object" || j.format !== EXPLORE_FORMAT || j.version !== 1 || !j.sweep || !j.shard || !Array.isArray(j.rows)) {
    throw new InputError(`${path}: not a dynaspin explore result (format ${EXPLORE_FORMAT} version 1)`);
  }
  return { ...(j as ExploreFile), rows: rowsFromJson(j.rows) };
}

/**
 * Merges shard results into the result of the unsharded sweep (byte-identical files).
 * @throws InputError when shards belong to different sweeps, disagree on N, repeat, or one is missing.
 */
export function mergeExploreShards(files: { path: string; file: ExploreFile }[]): ExploreFile {
  const shards = orderShards(files);
  const first = shards[0];
  const count = shards.length;
  const tasks = first.file.sweep.tasks;
  const byTask = new Map<number, ExploreRow[]>();
  for (let i = 0; i < count; i++) {
    const f = shards[i];
    const [t0, t1] = shardRange(i, count, tasks);
    for (const w of f.file.rows) {
      if (!byTask.has(w.task)) byTask.set(w.task, []);
      byTask.get(w.task)!.push(w);
    }
    for (let t = t0; t < t1; t++) if (!byTask.has(t)) throw new InputError(`merge: ${f.path} lacks task ${t} (of ${t0}..${t1 - 1}); rerun that shard`);
  }
  return exploreFile(first.file.sweep, { index: 0, count: 1, taskRange: [0, tasks] }, byTask);
}
