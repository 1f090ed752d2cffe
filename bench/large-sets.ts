/**
 * Larger data sets (2 000–100 000 rows) that the automatic training budget was not tuned on, and
 * an experiment runner that trains them with the library's `train` (the defaults of `dynaspin
 * train --data`, or a variant of them) next to scikit-learn's peers on the same stratified splits.
 *
 *   node --import tsx bench/large-sets.ts --list
 *   node --import tsx bench/large-sets.ts --sets mc5k,digits --seeds 2 [--peers] [--set updates=15000,patience=5000]
 *   node --import tsx bench/large-sets.ts --write-csv DIR    (every set as CSV, for `dynaspin train --data`)
 *
 * Every set is generated from its own seed (nothing random is shared with the runs), so the rows
 * are the same on every machine. `makeClassification` follows scikit-learn's
 * `make_classification`: clusters of Gaussian points around the vertices of a hypercube of side
 * 2·classSep in the informative dimensions, each cluster linearly transformed by its own random
 * matrix, redundant features as random linear combinations of the informative ones, the rest
 * noise, and a fraction `flip` of the labels replaced by random classes.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Dataset } from "../src/data/dataset.js";
import { Rng } from "../src/util/rng.js";
import { makeSpiral } from "../src/data/spiral.js";
import { makeMoons, makeCircles, makeXor } from "../src/data/synthetic.js";
import { stratifiedSplit } from "../src/data/split.js";
import { formatCsvDataset } from "../src/data/csv.js";
import { loadDigits } from "../src/node/tasks.js";

/** Options of {@link makeClassification} (scikit-learn's names in brackets). */
export interface ClassificationOptions {
  /** Rows [n_samples]. */
  rows: number;
  /** Features [n_features]. */
  features: number;
  /** Informative features [n_informative]. */
  informative: number;
  /** Redundant features: random linear combinations of the informative ones [n_redundant]. */
  redundant: number;
  /** Classes [n_classes]. */
  classes: number;
  /** Gaussian clusters per class [n_clusters_per_class]. */
  clustersPerClass: number;
  /** Half the side of the hypercube whose vertices are the cluster centres [class_sep]. */
  classSep: number;
  /** Fraction of labels replaced by a random class [flip_y]. */
  flip: number;
  /** Per-feature scales drawn log-uniformly from [1/scaleRange, scaleRange] (1: none). */
  scaleRange?: number;
  seed: number;
}

/** scikit-learn's make_classification (see the file comment), seeded. */
export function makeClassification(o: ClassificationOptions): Dataset {
  const rng = new Rng(o.seed);
  const { rows: n, features: d, informative: inf, classes: C, clustersPerClass: cpc } = o;
  const clusters = C * cpc;
  if (clusters > 2 ** inf) throw new RangeError(`${clusters} clusters need more than ${inf} informative features`);
  // Distinct hypercube vertices, one per cluster.
  const vertices: number[] = [];
  while (vertices.length < clusters) {
    const v = rng.int(2 ** inf);
    if (!vertices.includes(v)) vertices.push(v);
  }
  const centre = vertices.map((v) => Array.from({ length: inf }, (_, j) => ((v >> j) & 1 ? 1 : -1) * o.classSep));
  const mix = Array.from({ length: clusters }, () => Array.from({ length: inf * inf }, () => 2 * rng.uniform() - 1));
  const red = Array.from({ length: inf * o.redundant }, () => 2 * rng.uniform() - 1);
  const scale = Array.from({ length: d }, () => (o.scaleRange && o.scaleRange > 1 ? Math.exp((2 * rng.uniform() - 1) * Math.log(o.scaleRange)) : 1));
  const x = new Float64Array(n * d);
  const y = new Int32Array(n);
  const z = new Float64Array(inf);
  for (let r = 0; r < n; r++) {
    const k = r % clusters;
    const cls = k % C;
    const row = new Float64Array(d);
    for (let j = 0; j < inf; j++) z[j] = rng.normal();
    for (let i = 0; i < inf; i++) {
      let s = centre[k][i];
      for (let j = 0; j < inf; j++) s += mix[k][i * inf + j] * z[j];
      row[i] = s;
    }
    for (let q = 0; q < o.redundant; q++) {
      let s = 0;
      for (let i = 0; i < inf; i++) s += row[i] * red[i * o.redundant + q];
      row[inf + q] = s;
    }
    for (let j = inf + o.redundant; j < d; j++) row[j] = rng.normal();
    for (let j = 0; j < d; j++) x[r * d + j] = row[j] * scale[j];
    y[r] = o.flip > 0 && rng.uniform() < o.flip ? rng.int(C) : cls;
  }
  // Shuffle the rows (clusters alternate otherwise).
  const order = Array.from({ length: n }, (_, r) => r);
  rng.shuffle(order);
  const xs = new Float64Array(n * d), ys = new Int32Array(n);
  for (let q = 0; q < n; q++) {
    xs.set(x.subarray(order[q] * d, order[q] * d + d), q * d);
    ys[q] = y[order[q]];
  }
  return { x: xs, y: ys, n, d, featureNames: Array.from({ length: d }, (_, j) => `x${j + 1}`), classNames: Array.from({ length: C }, (_, c) => `c${c}`) };
}

/** A larger set: id, what it is, and its generator. */
export interface LargeSet {
  id: string;
  label: string;
  make: () => Dataset;
}

/** The sets (none of them used to tune the defaults before this pass). */
export const LARGE_SETS: LargeSet[] = [
  { id: "mc2k", label: "make_classification 2 000 × 8, 2 classes", make: () => makeClassification({ rows: 2000, features: 8, informative: 4, redundant: 2, classes: 2, clustersPerClass: 2, classSep: 1, flip: 0.01, seed: 1501 }) },
  { id: "mc5k", label: "make_classification 5 000 × 10, 3 classes", make: () => makeClassification({ rows: 5000, features: 10, informative: 5, redundant: 2, classes: 3, clustersPerClass: 3, classSep: 1, flip: 0.01, seed: 1502 }) },
  { id: "mc10k", label: "make_classification 10 000 × 20, 5 classes, scales 0.1–10", make: () => makeClassification({ rows: 10000, features: 20, informative: 6, redundant: 4, classes: 5, clustersPerClass: 2, classSep: 1.5, flip: 0.02, scaleRange: 10, seed: 1503 }) },
  { id: "mc30k", label: "make_classification 30 000 × 12, 4 classes", make: () => makeClassification({ rows: 30000, features: 12, informative: 5, redundant: 3, classes: 4, clustersPerClass: 3, classSep: 1, flip: 0.01, seed: 1504 }) },
  { id: "mc100k", label: "make_classification 100 000 × 6, 3 classes", make: () => makeClassification({ rows: 100000, features: 6, informative: 3, redundant: 1, classes: 3, clustersPerClass: 2, classSep: 1, flip: 0.01, seed: 1505 }) },
  { id: "digits", label: "digits 8×8 (1 797 rows, 64 features, 10 classes)", make: () => loadDigits() },
  { id: "moons10k", label: "two moons σ 0.2, 10 000 rows", make: () => makeMoons({ count: 10000, noise: 0.2, seed: 1506 }) },
  { id: "spiral10k", label: "spiral 1.5 turns, 10 000 rows", make: () => makeSpiral({ count: 10000, turns: 1.5, seed: 1507 }) },
  { id: "3arm10k", label: "3-arm spiral, 9 999 rows", make: () => makeSpiral({ count: 9999, arms: 3, turns: 1, seed: 1508 }) },
  { id: "circles10k", label: "circles, 10 000 rows", make: () => makeCircles({ count: 10000, seed: 1509 }) },
  { id: "xor10k", label: "XOR, 10 000 rows", make: () => makeXor({ count: 10000, seed: 1510 }) },
];

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const get = (f: string): string | undefined => {
    const i = argv.indexOf(f);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  if (argv.includes("--list")) {
    for (const s of LARGE_SETS) process.stdout.write(`${s.id.padEnd(12)} ${s.label}\n`);
    return;
  }
  const csvDir = get("--write-csv");
  if (csvDir !== undefined) {
    if (!existsSync(csvDir)) mkdirSync(csvDir, { recursive: true });
    for (const s of LARGE_SETS) writeFileSync(join(csvDir, `${s.id}.csv`), formatCsvDataset(s.make(), "label"));
    return;
  }
  const { train } = await import("../src/train/train.js");
  const { eq4 } = await import("../src/device/analytic.js");
  const { nativeFactory } = await import("../src/node/native-engine.js");
  const { evaluate } = await import("../src/network/api.js");
  const ids = (get("--sets") ?? "mc5k").split(",");
  const seeds = Number(get("--seeds") ?? 1);
  const firstSeed = Number(get("--seed0") ?? 0);
  const variant: Record<string, number> = {};
  for (const kv of (get("--set") ?? "").split(",").filter(Boolean)) {
    const [k, v] = kv.split("=");
    variant[k] = Number(v);
  }
  const peers = argv.includes("--peers");
  for (const id of ids) {
    const s = LARGE_SETS.find((x) => x.id === id);
    if (!s) throw new Error(`unknown set ${id}`);
    const ds = s.make();
    for (let seed = firstSeed; seed < firstSeed + seeds; seed++) {
      const sp = stratifiedSplit(ds, seed, 0.2);
      const c0 = process.cpuUsage();
      const r = train(sp.train, { devices: eq4(), seed, engine: nativeFactory(1), evalEvery: 1_000_000, ...variant });
      const cu = process.cpuUsage(c0);
      const te = evaluate(r.model, sp.test);
      const tr = evaluate(r.model, sp.train);
      const h = r.history;
      process.stdout.write(
        `${id} seed ${seed} ${JSON.stringify(variant)}: test ${(te.accuracy * 100).toFixed(2)} train ${(tr.accuracy * 100).toFixed(2)} ` +
          `epochs ${h.length} best@${r.validation?.epoch ?? "-"} valAcc ${((r.validation?.accuracy ?? NaN) * 100).toFixed(2)} cpu ${((cu.user + cu.system) / 1e6).toFixed(1)} s\n`,
      );
      if (peers) {
        const cacheFile = join(tmpdir(), "large-sets-peers.json");
        const cache = (existsSync(cacheFile) ? JSON.parse(readFileSync(cacheFile, "utf8")) : {}) as Record<string, Record<string, { test: number; seconds: number }>>;
        const key = `${id}/${ds.n}/${ds.d}/${ds.x[0]}/${seed}`;
        if (!cache[key]) {
        const { execFileSync } = await import("node:child_process");
        const { mkdtempSync, rmSync } = await import("node:fs");
        const dir = mkdtempSync(join(tmpdir(), "large-sets-"));
        const xPath = join(dir, "x.f64"), yPath = join(dir, "y.i32");
        writeFileSync(xPath, Buffer.from(ds.x.buffer, ds.x.byteOffset, ds.x.byteLength));
        writeFileSync(yPath, Buffer.from(ds.y.buffer, ds.y.byteOffset, ds.y.byteLength));
        const req = JSON.stringify({ x: xPath, y: yPath, n: ds.n, d: ds.d, train: Array.from(sp.trainRows), test: Array.from(sp.testRows), seed });
        const out = execFileSync("/usr/bin/python3", [new URL("./peers/sklearn_accuracy.py", import.meta.url).pathname], { input: req + "\n", encoding: "utf8", maxBuffer: 1 << 26 });
        const res = JSON.parse(out.trim().split("\n")[1]) as Record<string, { test: number; seconds: number }>;
        rmSync(dir, { recursive: true, force: true });
        cache[key] = res;
        writeFileSync(cacheFile, JSON.stringify(cache));
        }
        const res = cache[key];
        process.stdout.write(`  peers: ${["logistic", "svm", "mlp"].map((p) => `${p} ${(res[p].test * 100).toFixed(2)} (${res[p].seconds.toFixed(1)} s)`).join(", ")}\n`);
      }
    }
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
