/**
 * Robustness sweep outputs on disk: per-σ partial files (for resume), the result files
 * (robustness.json, robustness.csv, robustness.svg/png), shard folders, and merging.
 *
 * Folder layout written by `dynaspin robustness --out DIR`:
 *   DIR/partial/sigma-<s>.json   one per finished σ (raw counts), written atomically as σ finish
 *   DIR/robustness.json          format "dynaspin.robustness" v1: sweep, shard, per-σ stats + raw
 *   DIR/robustness.csv           sigma,trials,mean,std,p5,p50,p95,fraction_above,redraws,clipped
 *   DIR/robustness.svg/.png      Fig. 4-style plot (mean with the 5–95 % band)
 * A sharded run writes the same files into DIR/shard-<i>-of-<N>/. The files contain no timings or
 * host details, so a merged result is byte-identical to an unsharded run.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { createHash } from "node:crypto";
import { join } from "node:path";
import type { Model } from "../network/model.js";
import type { Dataset } from "../data/dataset.js";
import { modelToJson } from "../network/io.js";
import { writeFileAtomic, readJsonFile } from "./files.js";
import { writeFigure } from "./png.js";
import { figure4 } from "../plot/figures.js";
import { sigmaStats, type ResolvedRobustness, type SigmaRaw, type SigmaStats } from "../sweep/robustness.js";
import { InputError } from "../util/errors.js";

/** The `format` tag of robustness.json: "dynaspin.robustness". */
export const ROBUSTNESS_FORMAT = "dynaspin.robustness";

/** What identifies a sweep: shards and partial files of one sweep agree on every field (checked by {@link mergeShards}). */
export interface SweepSignature {
  /** SHA-256 of the model's parameters and devices (hex, first 16 characters). */
  modelHash: string;
  /** SHA-256 of the test set's features and labels (hex, first 16 characters). */
  testHash: string;
  /** Test samples per trial. */
  testSamples: number;
  /** Device parameters varied. */
  params: string[];
  /** The σ values of the sweep, in σ-index order. */
  sigmas: number[];
  /** Trials per σ of the whole (unsharded) sweep. */
  trials: number;
  /** Seed of the sweep; trial (s, t) draws from deriveSeed(seed, s, t). */
  seed: number;
  /** True when σ is relative to each base parameter value. */
  relative: boolean;
  /** Distribution of the draws: "normal", "lognormal" or "uniform". */
  distribution: string;
  /** Accuracy threshold of `fractionAbove`, in [0, 1]. */
  threshold: number;
  /** The hardware non-idealities of every trial, as resolved (null: ideal). */
  hardware: Record<string, unknown> | null;
  /** Base value of each varied parameter per oscillator (eq4/eq3 devices), e.g. {"a": [4, 4]}. */
  base: Record<string, number[]>;
}

/** One σ in robustness.json: the statistics over the trials, and the raw per-trial counts. */
export interface SigmaEntry extends SigmaStats {
  /** Index of the σ in the sweep's `sigmas`. */
  sigmaIndex: number;
  /** Index of the first trial the entry covers (the shard's start). */
  trialStart: number;
  /** Correct test samples per trial. */
  correct: number[];
}

/** The contents of robustness.json, the result file of a robustness sweep (or of one shard). */
export interface RobustnessFile {
  /** Always {@link ROBUSTNESS_FORMAT}, "dynaspin.robustness". */
  format: string;
  /** File format version (1). */
  version: number;
  /** What the sweep was: model, test set, σ values, trials, seed (shards of one sweep agree on it). */
  sweep: SweepSignature;
  /** Which part of the trials this file holds (index 0 of 1 for an unsharded sweep). */
  shard: {
    /** Shard index i, 0 ≤ i < count. */
    index: number;
    /** Number of shards N. */
    count: number;
    /** Trials [start, end) of every σ in this shard: {@link shardRange}(index, count, trials). */
    trialRange: [number, number];
  };
  /** One entry per σ computed, in σ-index order. */
  results: SigmaEntry[];
}

/**
 * The trial range [start, end) of shard `index` of `count` for `trials` trials per σ:
 * floor(index·trials/count) .. floor((index + 1)·trials/count). The shards of one sweep cover every
 * trial exactly once. @example shardRange(1, 3, 10000) // [3333, 6666]
 */
export function shardRange(index: number, count: number, trials: number): [number, number] {
  return [Math.floor((index * trials) / count), Math.floor(((index + 1) * trials) / count)];
}

/** SHA-256 of the model parameters and devices, and of the test set (hex, first 16 chars). */
export function sweepSignature(model: Model, test: Dataset, o: ResolvedRobustness): SweepSignature {
  const mh = createHash("sha256").update(JSON.stringify(modelToJson(model))).digest("hex").slice(0, 16);
  const th = createHash("sha256")
    .update(new Uint8Array(test.x.buffer, test.x.byteOffset, test.x.byteLength))
    .update(new Uint8Array(test.y.buffer, test.y.byteOffset, test.y.byteLength))
    .digest("hex")
    .slice(0, 16);
  return {
    modelHash: mh,
    testHash: th,
    testSamples: test.n,
    params: o.params.slice(),
    sigmas: o.sigmas.slice(),
    trials: o.trials,
    seed: o.seed,
    relative: o.relative,
    distribution: o.distribution,
    threshold: o.threshold,
    hardware: o.hardware ? { ...o.hardware.spec } : null,
    base: Object.fromEntries(o.params.map((p) => [p, model.devices.map((d) => Number((d as unknown as Record<string, unknown>)[p]))])),
  };
}

function entry(raw: SigmaRaw, stats: SigmaStats): SigmaEntry {
  return { ...stats, sigmaIndex: raw.sigmaIndex, trialStart: raw.trialStart, correct: Array.from(raw.correct) };
}

/** Path of the partial file of σ index s. */
function partialPath(dir: string, s: number): string {
  return join(dir, "partial", `sigma-${String(s).padStart(4, "0")}.json`);
}

/** Writes one finished σ (atomically) so an interrupted run can resume. */
export function writePartial(dir: string, sig: SweepSignature, trialRange: [number, number], raw: SigmaRaw, stats: SigmaStats): void {
  writeFileAtomic(partialPath(dir, raw.sigmaIndex), JSON.stringify({ format: `${ROBUSTNESS_FORMAT}.partial`, version: 1, sweep: sig, trialRange, result: entry(raw, stats) }) + "\n");
}

/**
 * Reads finished σ values of an interrupted run in `dir`.
 * @throws InputError when a partial file belongs to a different sweep (model, data or options).
 */
export function readPartials(dir: string, sig: SweepSignature, trialRange: [number, number]): Map<number, SigmaEntry> {
  const found = new Map<number, SigmaEntry>();
  const pdir = join(dir, "partial");
  if (!existsSync(pdir)) return found;
  for (const name of readdirSync(pdir).sort()) {
    if (!/^sigma-\d+\.json$/.test(name)) continue;
    const path = join(pdir, name);
    const j = readJsonFile(path, "partial result") as { sweep?: unknown; trialRange?: unknown; result?: SigmaEntry };
    if (JSON.stringify(j.sweep) !== JSON.stringify(sig) || JSON.stringify(j.trialRange) !== JSON.stringify(trialRange)) {
      throw new InputError(`${path}: belongs to a different sweep (model, data, shard or options differ); use a fresh --out folder or delete ${pdir}`);
    }
    if (j.result) found.set(j.result.sigmaIndex, j.result);
  }
  return found;
}

/** robustness.csv text. */
export function robustnessCsv(results: readonly SigmaStats[]): string {
  const rows = results.map((r) => [r.sigma, r.trials, r.mean, r.std, r.p5, r.p50, r.p95, r.fractionAbove, r.redraws, r.clipped].join(","));
  return ["sigma,trials,mean,std,p5,p50,p95,fraction_above,redraws,clipped", ...rows].join("\n") + "\n";
}

/** The Fig. 4-style SVG of one or more sweeps (mean with a 5–95 % band). */
export function robustnessSvg(curves: { name: string; results: readonly SigmaStats[] }[], sweep: SweepSignature, title?: string): string {
  const sigma = curves[0].results.map((r) => r.sigma);
  const what = sweep.params.join(", ");
  // The paper's inset (density of a) when a alone varies, absolute and Gaussian, around one base value.
  const a = sweep.base?.a;
  const inset = sweep.params.length === 1 && a && !sweep.relative && sweep.distribution === "normal" && a.every((x) => x === a[0]) ? { a: a[0], sigma: 0.25 } : null;
  return figure4({
    ...(inset ? { inset } : {}),
    sigma,
    curves: curves.map((c) => ({ name: c.name, mean: c.results.map((r) => r.mean), p5: c.results.map((r) => r.p5), p95: c.results.map((r) => r.p95) })),
    xLabel: `${sweep.relative ? "Relative s" : "S"}tandard deviation σ of ${what} (${sweep.distribution}, ${sweep.trials} trials)`,
    ...(title ? { title } : {}),
  });
}

/**
 * Writes robustness.json, robustness.csv and (unless `figure` is false) robustness.svg and .png
 * (Fig. 4 style: mean with the 5–95 % band) into `dir`, each atomically. Returns the paths written.
 */
export function writeRobustness(dir: string, file: RobustnessFile, figure: boolean): string[] {
  const paths = [join(dir, "robustness.json"), join(dir, "robustness.csv")];
  const svg = figure ? robustnessSvg([{ name: "mean test accuracy (5–95 % band)", results: file.results }], file.sweep) : null;
  writeFileAtomic(paths[0], JSON.stringify(file) + "\n");
  writeFileAtomic(paths[1], robustnessCsv(file.results));
  if (svg !== null) {
    const f = writeFigure(join(dir, "robustness"), svg);
    paths.push(f.svg, f.png);
  }
  return paths;
}

/** Builds the file object from per-σ entries (sorted by σ index). */
export function robustnessFile(sig: SweepSignature, shard: { index: number; count: number; trialRange: [number, number] }, results: SigmaEntry[]): RobustnessFile {
  return { format: ROBUSTNESS_FORMAT, version: 1, sweep: sig, shard, results: results.slice().sort((a, b) => a.sigmaIndex - b.sigmaIndex) };
}

/** Entry from raw results. */
export function toEntry(raw: SigmaRaw, stats: SigmaStats): SigmaEntry {
  return entry(raw, stats);
}

/**
 * Reads a robustness.json written by `dynaspin robustness` (or a shard's), checking its format tag
 * and version. @throws InputError naming the file when it is missing, not JSON or not a robustness file.
 */
export function readRobustnessFile(path: string): RobustnessFile {
  const j = readJsonFile(path, "robustness result") as Partial<RobustnessFile>;
  if (j === null || typeof j !== "object" || j.format !== ROBUSTNESS_FORMAT || j.version !== 1 || !j.sweep || !j.shard || !Array.isArray(j.results)) {
    throw new InputError(`${path}: not a dynaspin robustness result (format ${ROBUSTNESS_FORMAT} version 1)`);
  }
  return j as RobustnessFile;
}

/**
 * Expands merge arguments: a folder with the result file (robustness.json, or explore.json for a
 * design-space sweep) is one shard; a folder of shard-* folders expands to them.
 */
export function shardFolders(dirs: readonly string[], file = "robustness.json"): string[] {
  const out: string[] = [];
  for (const d of dirs) {
    if (!existsSync(d) || !statSync(d).isDirectory()) throw new InputError(`merge: ${d} is not a folder`);
    if (existsSync(join(d, file))) {
      out.push(d);
      continue;
    }
    const subs = readdirSync(d).filter((n) => /^shard-\d+-of-\d+$/.test(n) && existsSync(join(d, n, file)));
    if (subs.length === 0) throw new InputError(`merge: ${d} has no ${file} and no shard-<i>-of-<N> folders with one`);
    for (const n of subs.sort()) out.push(join(d, n));
  }
  return out;
}

/**
 * Checks that shard files form one complete set of one sweep: the same sweep signature (naming the
 * fields that differ), the same shard count, no shard twice, none missing. Shared by every sharded
 * command's merge (robustness, explore).
 * @returns the files in shard order (index 0 … count − 1).
 * @throws InputError naming the offending file or the missing shard indices.
 */
export function orderShards<F extends { sweep: object; shard: { index: number; count: number } }>(files: { path: string; file: F }[]): { path: string; file: F }[] {
  if (files.length === 0) throw new InputError("merge: no shard results given");
  const first = files[0];
  const sig = JSON.stringify(first.file.sweep);
  const count = first.file.shard.count;
  const byIndex = new Map<number, { path: string; file: F }>();
  for (const f of files) {
    if (JSON.stringify(f.file.sweep) !== sig) {
      const a = first.file.sweep as Record<string, unknown>, b = f.file.sweep as Record<string, unknown>;
      const diff = Object.keys(a).filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));
      throw new InputError(`merge: ${f.path} belongs to a different sweep than ${first.path} (differs in ${diff.join(", ")})`);
    }
    if (f.file.shard.count !== count) throw new InputError(`merge: ${f.path} is shard ${f.file.shard.index}/${f.file.shard.count} but ${first.path} is one of ${count} shards`);
    const prev = byIndex.get(f.file.shard.index);
    if (prev) throw new InputError(`merge: shard ${f.file.shard.index}/${count} given twice (${prev.path} and ${f.path})`);
    byIndex.set(f.file.shard.index, f);
  }
  const missing: number[] = [];
  for (let i = 0; i < count; i++) if (!byIndex.has(i)) missing.push(i);
  if (missing.length) throw new InputError(`merge: missing shard${missing.length > 1 ? "s" : ""} ${missing.join(", ")} of ${count} (have ${[...byIndex.keys()].sort((a, b) => a - b).join(", ")})`);
  return Array.from({ length: count }, (_, i) => byIndex.get(i)!);
}

/**
 * Merges shard results into the result of the unsharded sweep (byte-identical files).
 * @throws InputError when shards belong to different sweeps, disagree on N, repeat, or one is missing.
 */
export function mergeShards(files: {
    /** Where the shard was read from (named in error messages). */
    path: string;
    /** The shard's contents. */
    file: RobustnessFile;
  }[]): RobustnessFile {
  const shards = orderShards(files);
  const first = shards[0];
  const count = shards.length;
  const sweep = first.file.sweep;
  const results: SigmaEntry[] = [];
  for (let s = 0; s < sweep.sigmas.length; s++) {
    const correct = new Int32Array(sweep.trials);
    let redraws = 0, clipped = 0;
    for (let i = 0; i < count; i++) {
      const f = shards[i];
      const [t0, t1] = shardRange(i, count, sweep.trials);
      const e = f.file.results.find((r) => r.sigmaIndex === s);
      if (!e || e.correct.length !== t1 - t0 || e.trialStart !== t0) throw new InputError(`merge: ${f.path} lacks σ index ${s} (σ = ${sweep.sigmas[s]}) for trials ${t0}..${t1 - 1}; rerun that shard`);
      correct.set(e.correct, t0);
      redraws += e.redraws;
      clipped += e.clipped;
    }
    const raw: SigmaRaw = { sigmaIndex: s, sigma: sweep.sigmas[s], trialStart: 0, correct, redraws, clipped };
    results.push(entry(raw, sigmaStats(raw.sigma, correct, sweep.testSamples, sweep.threshold, redraws, clipped)));
  }
  return robustnessFile(sweep, { index: 0, count: 1, trialRange: [0, sweep.trials] }, results);
}
