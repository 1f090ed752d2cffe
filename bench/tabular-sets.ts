/**
 * The small tabular sets of issue 15's experiments and their logistic-regression peer, shared by
 * `npm run bench:tabular` (bench/tabular-untuned.ts) and bench/ensembles.ts: iris, wine and breast
 * cancer (data/), the sets bench/peers/tabular_sets.py generates with scikit-learn, and the
 * accuracy benchmark's logistic regression (scaler and C by 5-fold CV) on given splits, cached in
 * the system's temporary folder per data file content and split seed.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Split } from "../src/data/split.js";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const PYTHON = process.env.BENCH_PYTHON ?? "/usr/bin/python3";
const SETS_PY = fileURLToPath(new URL("./peers/tabular_sets.py", import.meta.url));
const CACHE = join(tmpdir(), "dynaspin-tabular-untuned");

/** [id, CSV path] of every set: the three shipped ones, then the generated ones (written on first use). */
export function tabularFiles(): [string, string][] {
  mkdirSync(join(CACHE, "sets"), { recursive: true });
  const generated = execFileSync(PYTHON, [SETS_PY, join(CACHE, "sets")], { encoding: "utf8" }).trim().split("\n");
  return [
    ...(["iris", "wine", "breast-cancer"] as const).map((id): [string, string] => [id, join(ROOT, "data", id, `${id}.csv`)]),
    ...generated.map((id): [string, string] => [id, join(CACHE, "sets", `${id}.csv`)]),
  ];
}

/**
 * Test accuracy (fraction) of the benchmark's logistic regression per split seed, for the set `id`
 * read from `file`: cached results where present, the others computed in one peer call.
 */
export function logisticAccuracies(id: string, file: string, splits: readonly { seed: number; sp: Split }[]): Record<number, number> {
  const hash = createHash("sha256").update(readFileSync(file)).digest("hex").slice(0, 16);
  const cacheFile = join(CACHE, `lr-${id}-${hash}.json`);
  const cache = existsSync(cacheFile) ? (JSON.parse(readFileSync(cacheFile, "utf8")) as Record<number, number>) : {};
  const missing = splits.filter((s) => cache[s.seed] === undefined);
  if (missing.length > 0) {
    const req = join(CACHE, `req-${id}.json`);
    writeFileSync(req, JSON.stringify({ csv: file, splits: missing.map((s) => ({ seed: s.seed, train: [...s.sp.trainRows], test: [...s.sp.testRows] })) }));
    const acc = JSON.parse(execFileSync(PYTHON, [SETS_PY, "--logistic", req], { encoding: "utf8" })) as number[];
    missing.forEach((s, i) => (cache[s.seed] = acc[i]));
    writeFileSync(cacheFile, JSON.stringify(cache));
  }
  return cache;
}
