/**
 * Ensembles on the small tabular sets (issue 15, seventh pass; docs/results.md): per seed, the
 * defaults of `dynaspin train --data` (library `train`, native engine, one thread) and averages of
 * networks they train anyway, and cross-validation bagging, next to the accuracy benchmark's
 * logistic regression on the same splits (stratified 80/20, split seed = seed):
 *
 *     node --import tsx bench/ensembles.ts --seeds N --first-seed S --only iris,wine,breast-cancer
 *       [--cv K] [--cv-only] [--cv-options JSON] [--out FILE.json]
 *
 * Variants (test accuracy %, per seed, in --out): "default" (a set with a validation split trains
 * λ = 0 and λ = 0.3 explicitly and keeps the better validation score, the same bits as the
 * automatic choice); "lam-logits" / "lam-prob" (mean logits / probabilities of both λ runs);
 * "best+last" (the restored best parameters and the run's last ones); "lam-best+last" (those of
 * both λ); "snap" (the kept parameters and snapshots at 1/2 and 3/4 of the epochs run); "snap5"
 * (and at 6/10 … 9/10); "cvK" (K members, member k trained on the other folds of the training rows
 * and early-stopped on fold k through `validationSet`, seeds S + 1000·k; sets that train without a
 * validation split keep their λ = 0.3 and input noise, sets with one choose λ ∈ {0, 0.3} on the
 * first member's fold and the others reuse it); "default+cvK" (the default network as one more
 * member); "half-default+cvK" (the default and the members' mean, weighted 1:1). The generated sets
 * of bench/tabular-untuned.ts are given by their ids (e.g. 3c6d). Prints each variant's mean and
 * its difference from logistic regression ± the standard error of the paired per-seed differences,
 * and CPU seconds per run.
 */
import { writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { cpuUsage } from "node:process";
import { stratifiedSplit } from "../src/data/split.js";
import { subset, type Dataset } from "../src/data/dataset.js";
import { loadSource } from "../src/node/tasks.js";
import { nativeFactory } from "../src/node/native-engine.js";
import { train, planTraining, betterScore, type TrainOptions, type TrainResult } from "../src/train/train.js";
import { evaluate, runForward } from "../src/network/api.js";
import { cloneModel, type Model } from "../src/network/model.js";
import { eq4 } from "../src/device/analytic.js";
import { Rng } from "../src/util/rng.js";
import { logisticAccuracies, tabularFiles } from "./tabular-sets.js";

const flag = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const seeds = Number(flag("seeds") ?? 10);
const first = Number(flag("first-seed") ?? 0);
const only = (flag("only") ?? "iris,wine,breast-cancer").split(",");
const cvK = Number(flag("cv") ?? 0);
const cvOptions = JSON.parse(flag("cv-options") ?? "{}") as Partial<TrainOptions>;
const skipFree = process.argv.includes("--cv-only");
const out = flag("out");

const files = new Map<string, string>(tabularFiles());
const engine = nativeFactory(1);

function logits(model: Model, ds: Dataset): Float64Array {
  return runForward(model, ds.x).logits;
}
function softmaxRows(z: Float64Array, m: number): Float64Array {
  const p = new Float64Array(z.length);
  for (let r = 0; r < z.length / m; r++) {
    let mx = -Infinity;
    for (let c = 0; c < m; c++) mx = Math.max(mx, z[r * m + c]);
    let s = 0;
    for (let c = 0; c < m; c++) s += p[r * m + c] = Math.exp(z[r * m + c] - mx);
    for (let c = 0; c < m; c++) p[r * m + c] /= s;
  }
  return p;
}
function accuracyOf(scores: Float64Array, ds: Dataset, m: number): number {
  let ok = 0;
  for (let r = 0; r < ds.n; r++) {
    let b = 0;
    for (let c = 1; c < m; c++) if (scores[r * m + c] > scores[r * m + b]) b = c;
    if (b === ds.y[r]) ok++;
  }
  return (100 * ok) / ds.n;
}
function mean(arrs: Float64Array[]): Float64Array {
  const s = new Float64Array(arrs[0].length);
  for (const a of arrs) for (let i = 0; i < s.length; i++) s[i] += a[i] / arrs.length;
  return s;
}
function withParams(model: Model, p: { A: Float64Array; B: Float64Array; W: Float64Array; c: Float64Array }): Model {
  const m = cloneModel(model);
  m.A.set(p.A);
  m.B.set(p.B);
  m.W.set(p.W);
  m.c.set(p.c);
  return m;
}
type Snap = { epoch: number; A: Float64Array; B: Float64Array; W: Float64Array; c: Float64Array };
/** Trains with snapshots of the kept run every `every` epochs; returns result, snapshots, last params. */
function trainSnap(ds: Dataset, options: TrainOptions, every = 10): { res: TrainResult; snaps: Snap[]; last: Snap } {
  const snaps: Snap[] = [];
  let lastSeen: Snap | null = null;
  const res = train(ds, {
    ...options,
    onProgress: (run) => {
      const m = run.model;
      lastSeen = { epoch: run.epochsDone, A: m.A.slice(), B: m.B.slice(), W: m.W.slice(), c: m.c.slice() };
      if (run.epochsDone > 0 && run.epochsDone % every === 0) snaps.push(lastSeen);
    },
  });
  return { res, snaps, last: lastSeen as unknown as Snap };
}
/** Snapshots at fractions of the epochs the run trained (nearest stored snapshot at or before). */
function snapsAt(snaps: Snap[], epochs: number, fracs: number[]): Snap[] {
  return fracs.map((f) => {
    const target = Math.round(f * epochs);
    let pick = snaps[0];
    for (const s of snaps) if (s.epoch <= target) pick = s;
    return pick;
  });
}
/** Stratified k folds of a data set's rows (seeded). */
function folds(ds: Dataset, k: number, seed: number): number[][] {
  const rng = new Rng(seed);
  const byClass = new Map<number, number[]>();
  for (let r = 0; r < ds.n; r++) byClass.set(ds.y[r], [...(byClass.get(ds.y[r]) ?? []), r]);
  const f: number[][] = Array.from({ length: k }, () => []);
  let offset = 0;
  for (const rows of [...byClass.keys()].sort((a, b) => a - b).map((c) => byClass.get(c) as number[])) {
    for (let i = rows.length - 1; i > 0; i--) {
      const j = Math.floor(rng.uniform() * (i + 1));
      [rows[i], rows[j]] = [rows[j], rows[i]];
    }
    rows.forEach((r, i) => f[(i + offset) % k].push(r));
    offset += rows.length;
  }
  return f;
}

const rowsOut: Record<string, Record<string, number[]>> = {};
console.log(`seeds ${first}..${first + seeds - 1}, cv ${cvK} ${JSON.stringify(cvOptions)}, load ${loadavg().map((l) => l.toFixed(1)).join(" ")}`);
for (const id of only) {
  const file = files.get(id) as string;
  const ds = loadSource({ data: file });
  const splits = Array.from({ length: seeds }, (_, i) => ({ seed: first + i, sp: stratifiedSplit(ds, first + i, 0.2) }));
  const cache = logisticAccuracies(id, file, splits);
  const res: Record<string, number[]> = { lr: [] };
  const cpuOf: Record<string, number> = {};
  const add = (name: string, v: number): void => {
    (res[name] ??= []).push(v);
  };
  for (const { seed, sp } of splits) {
    add("lr", cache[seed] * 100);
    const m = Math.max(...sp.train.y) + 1;
    const base: TrainOptions = { devices: eq4(), seed, engine };
    const hasVal = planTraining(base, sp.train).val !== null;
    let zDefault: Float64Array | null = null;
    if (!skipFree) {
      const c0 = cpuUsage();
      if (hasVal) {
        const r0 = trainSnap(sp.train, { ...base, weightDecay: 0 });
        const r3 = trainSnap(sp.train, { ...base, weightDecay: 0.3 });
        const v0 = r0.res.validation!, v3 = r3.res.validation!;
        const pick3 = betterScore(v3.accuracy, v3.loss, v0);
        const chosen = pick3 ? r3 : r0;
        const other = pick3 ? r0 : r3;
        const c1 = cpuUsage(c0);
        cpuOf.default = (cpuOf.default ?? 0) + (c1.user + c1.system) / 1e6;
        const zc = logits(chosen.res.model, sp.test), zo = logits(other.res.model, sp.test);
        zDefault = zc;
        add("default", accuracyOf(zc, sp.test, m));
        add("lam-logits", accuracyOf(mean([zc, zo]), sp.test, m));
        add("lam-prob", accuracyOf(mean([softmaxRows(zc, m), softmaxRows(zo, m)]), sp.test, m));
        const zl = logits(withParams(chosen.res.model, chosen.last), sp.test);
        add("best+last", accuracyOf(mean([zc, zl]), sp.test, m));
        const zol = logits(withParams(other.res.model, other.last), sp.test);
        add("lam-best+last", accuracyOf(mean([zc, zo, zl, zol]), sp.test, m));
        // Snapshot ensemble of the chosen run: the restored best and snapshots at 1/2, 3/4 of its epochs.
        const E = chosen.last.epoch;
        const sn = snapsAt(chosen.snaps, E, [0.5, 0.75]).map((s) => logits(withParams(chosen.res.model, s), sp.test));
        add("snap", accuracyOf(mean([zc, ...sn]), sp.test, m));
        const bestEpoch = chosen.res.validation!.epoch;
        const around = snapsAt(chosen.snaps, E, [0.6, 0.7, 0.8, 0.9]).map((s) => logits(withParams(chosen.res.model, s), sp.test));
        add("snap5", accuracyOf(mean([zc, ...around]), sp.test, m));
        void bestEpoch;
      } else {
        const r = trainSnap(sp.train, base);
        const c1 = cpuUsage(c0);
        cpuOf.default = (cpuOf.default ?? 0) + (c1.user + c1.system) / 1e6;
        const z = logits(r.res.model, sp.test);
        zDefault = z;
        add("default", accuracyOf(z, sp.test, m));
        const E = r.last.epoch;
        const sn = snapsAt(r.snaps, E, [0.5, 0.75]).map((s) => logits(withParams(r.res.model, s), sp.test));
        add("snap", accuracyOf(mean([z, ...sn]), sp.test, m));
        const around = snapsAt(r.snaps, E, [0.6, 0.7, 0.8, 0.9]).map((s) => logits(withParams(r.res.model, s), sp.test));
        add("snap5", accuracyOf(mean([z, ...around]), sp.test, m));
      }
    }
    if (cvK > 1) {
      const c0 = cpuUsage();
      const f = folds(sp.train, cvK, seed + 7919);
      const zs: Float64Array[] = [];
      // Member regime: sets the defaults train without a validation split keep that regime's
      // lambda 0.3 and input noise (<= 32 features); sets with one choose lambda in {0, 0.3} on
      // the first member's fold, and the other members reuse it.
      const regime: Partial<TrainOptions> = hasVal ? {} : { weightDecay: 0.3, inputNoise: sp.train.d <= 32 ? 0.06 : 0 };
      let chosenWd: number | undefined;
      for (let k = 0; k < cvK; k++) {
        const valRows = f[k];
        const trainRows = f.flatMap((rows, j) => (j === k ? [] : rows));
        const opts: TrainOptions = { ...base, seed: seed + 1000 * k, validationSet: subset(sp.train, valRows), ...regime, ...(chosenWd !== undefined ? { weightDecay: chosenWd } : {}), ...cvOptions };
        const r = train(subset(sp.train, trainRows), opts);
        if (hasVal && chosenWd === undefined) chosenWd = r.weightDecay?.chosen ?? (opts.weightDecay as number);
        zs.push(logits(r.model, sp.test));
      }
      const c1 = cpuUsage(c0);
      cpuOf[`cv${cvK}`] = (cpuOf[`cv${cvK}`] ?? 0) + (c1.user + c1.system) / 1e6;
      add(`cv${cvK}`, accuracyOf(mean(zs), sp.test, m));
      add(`cv${cvK}-prob`, accuracyOf(mean(zs.map((z) => softmaxRows(z, m))), sp.test, m));
      if (zDefault !== null) {
        add(`default+cv${cvK}`, accuracyOf(mean([zDefault, ...zs]), sp.test, m));
        add(`half-default+cv${cvK}`, accuracyOf(mean([zDefault, mean(zs)]), sp.test, m));
      }
    }
  }
  rowsOut[id] = res;
  const avg = (a: number[]): number => a.reduce((x, y) => x + y, 0) / a.length;
  const lr = res.lr;
  const line = Object.entries(res)
    .filter(([k]) => k !== "lr")
    .map(([k, a]) => {
      const d = a.map((v, i) => v - lr[i]);
      const md = avg(d);
      const se = Math.sqrt(d.reduce((s, x) => s + (x - md) ** 2, 0) / (d.length - 1) / d.length);
      return `${k} ${avg(a).toFixed(2)} (${md >= 0 ? "+" : ""}${md.toFixed(2)} ± ${se.toFixed(2)})`;
    })
    .join("; ");
  console.log(`${id}: LR ${avg(lr).toFixed(2)}; ${line}; CPU/run ${Object.entries(cpuOf).map(([k, v]) => `${k} ${(v / seeds).toFixed(2)}`).join(" ")}`);
}
if (out) writeFileSync(out, JSON.stringify(rowsOut));
console.log(`load ${loadavg().map((l) => l.toFixed(1)).join(" ")}`);
