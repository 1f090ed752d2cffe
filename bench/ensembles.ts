/**
 * Ensembles on the small tabular sets (issue 15, seventh pass; docs/results.md): per seed, the
 * defaults of `dynaspin train --data` (library `train`, native engine, one thread) and averages of
 * networks they train anyway, and cross-validation bagging, next to the accuracy benchmark's
 * logistic regression on the same splits (stratified 80/20, split seed = seed):
 *
 *     node --import tsx bench/ensembles.ts --seeds N --first-seed S --only iris,wine,breast-cancer
 *       [--cv K] [--cv-only] [--cv-options JSON] [--shipped] [--out FILE.json]
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
 * and CPU seconds per run; with the defaults trained ("default"), also each variant's paired
 * difference from them (seeds won/lost).
 *
 * Diverse members on every training row (eighth pass: diversity):
 *
 *     node --import tsx bench/ensembles.ts --seeds 40 --first-seed 0 --only iris,wine
 *       --pool s1,lam1,Kp4,std,... --combos "name=def+lam1+std,name2~prob=def+s1,..." [--logits-out FILE]
 *
 * `--pool` trains the members of POOL below (other init seeds, weight decays, oscillator counts,
 * depths, input-noise levels, the "standard" input scaling, bootstrap resamples), each scored alone;
 * `--combos` averages the logits ("~prob" at the end of the name: the probabilities) of the
 * defaults ("def") and pool members; `--logits-out` writes every member's test logits per seed
 * with the test rows' indices, for reading which rows flip.
 * and CPU seconds per run. `--shipped` adds "one" (the library's defaults with `members: 1`) and
 * "shipped" (its defaults as they are: a cross-validation ensemble where `members` "auto" makes
 * one, docs/training.md), and their paired difference.
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
const shipped = process.argv.includes("--shipped");
const out = flag("out");
// Diverse members trained on every training row (eighth pass: diversity): `--pool a,b,...` names
// from POOL below, `--combos name=a+b+c,...` ensembles of them (mean logits; `~prob` suffix: mean
// probabilities), each scored against the defaults ("def") on the same seeds.
const poolNames = (flag("pool") ?? "").split(",").filter((x) => x !== "");
const combos = (flag("combos") ?? "").split(",").filter((x) => x !== "").map((c) => {
  const [name, members] = c.split("=");
  return { name, members: members.split("+") };
});
const logitsOut = flag("logits-out");

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

/**
 * Pool members (all trained on every training row of the split): options over the defaults and
 * the init seed's offset from the split seed; "bootK" members train on a bootstrap resample.
 */
const POOL: Record<string, { o: Partial<TrainOptions>; seedOffset: number; boot?: boolean; extraK?: number }> = {
  s1: { o: {}, seedOffset: 1000 },
  s2: { o: {}, seedOffset: 2000 },
  "lam0.1": { o: { weightDecay: 0.1 }, seedOffset: 1000 },
  lam1: { o: { weightDecay: 1 }, seedOffset: 2000 },
  "lam0.1s0": { o: { weightDecay: 0.1 }, seedOffset: 0 },
  lam1s0: { o: { weightDecay: 1 }, seedOffset: 0 },
  // Kp4, Kp8: four and eight oscillators beyond the default max(d, 8) (iris 12 and 16, wine 17 and 21).
  Kp4: { o: {}, seedOffset: 1000, extraK: 4 },
  Kp8: { o: {}, seedOffset: 2000, extraK: 8 },
  n2: { o: { steps: 2 }, seedOffset: 1000 },
  n6: { o: { steps: 6 }, seedOffset: 2000 },
  nz0: { o: { inputNoise: 0 }, seedOffset: 1000 },
  "nz0.12": { o: { inputNoise: 0.12 }, seedOffset: 2000 },
  // std / std0: the standardised features on one common scale (fitStandardScaling) instead of per-feature min–max.
  std: { o: { inputScaling: "standard" }, seedOffset: 1000 },
  std0: { o: { inputScaling: "standard" }, seedOffset: 0 },
  std2: { o: { inputScaling: "standard" }, seedOffset: 2000 },
  boot0: { o: {}, seedOffset: 0, boot: true },
  boot1: { o: {}, seedOffset: 1000, boot: true },
  boot2: { o: {}, seedOffset: 2000, boot: true },
};
/** A bootstrap resample of the rows (n draws with replacement, stratified per class, seeded). */
function bootstrap(ds: Dataset, seed: number): Dataset {
  const rng = new Rng(seed);
  const idx: number[] = [];
  for (let c = 0; c <= Math.max(...ds.y); c++) {
    const rows: number[] = [];
    for (let r = 0; r < ds.n; r++) if (ds.y[r] === c) rows.push(r);
    for (let i = 0; i < rows.length; i++) idx.push(rows[Math.floor(rng.uniform() * rows.length)]);
  }
  return subset(ds, idx.sort((a, b) => a - b));
}

const rowsOut: Record<string, Record<string, number[]>> = {};
const logitsDump: Record<string, { seed: number; testRows: number[]; y: number[]; lr: number; z: Record<string, number[]> }[]> = {};
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
    const base: TrainOptions = { devices: eq4(), seed, engine, members: 1 };
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
    if (poolNames.length > 0) {
      const zs: Record<string, Float64Array> = {};
      if (zDefault !== null) zs.def = zDefault;
      for (const name of poolNames) {
        const spec = POOL[name];
        if (spec === undefined) throw new Error(`unknown pool member ${name}; known: ${Object.keys(POOL).join(", ")}`);
        const c0 = cpuUsage();
        const rows = spec.boot ? bootstrap(sp.train, seed * 7919 + spec.seedOffset + 17) : sp.train;
        const K = spec.extraK !== undefined ? { oscillators: Math.max(sp.train.d, 8) + spec.extraK } : {};
        const r = train(rows, { ...base, seed: seed + spec.seedOffset, ...spec.o, ...K });
        const c1 = cpuUsage(c0);
        cpuOf[name] = (cpuOf[name] ?? 0) + (c1.user + c1.system) / 1e6;
        zs[name] = logits(r.model, sp.test);
        add(name, accuracyOf(zs[name], sp.test, m));
      }
      for (const { name, members } of combos) {
        const prob = name.endsWith("~prob");
        const parts = members.map((x) => {
          const z = zs[x];
          if (z === undefined) throw new Error(`combo ${name}: member ${x} not trained (give it in --pool)`);
          return prob ? softmaxRows(z, m) : z;
        });
        add(name, accuracyOf(mean(parts), sp.test, m));
      }
      (logitsDump[id] ??= []).push({ seed, testRows: [...sp.testRows], y: [...sp.test.y], lr: cache[seed], z: Object.fromEntries(Object.entries(zs).map(([k, v]) => [k, [...v]])) });
    }
    if (shipped) {
      // The library's defaults as shipped (`members` "auto": cross-validation bagging where the
      // rule applies) and one network (`members: 1`), paired on the same split.
      for (const [name, extra] of [["one", { members: 1 }], ["shipped", {}]] as const) {
        const c0 = cpuUsage();
        const r = train(sp.train, { devices: eq4(), seed, engine, ...extra });
        const c1 = cpuUsage(c0);
        cpuOf[name] = (cpuOf[name] ?? 0) + (c1.user + c1.system) / 1e6;
        add(name, accuracyOf(logits(r.model, sp.test), sp.test, m));
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
  if (res.default !== undefined) {
    const base0 = res.default;
    const vs = Object.entries(res)
      .filter(([k]) => k !== "lr" && k !== "default")
      .map(([k, a]) => {
        const d = a.map((v, i) => v - base0[i]);
        const md = avg(d);
        const se = Math.sqrt(d.reduce((s2, x) => s2 + (x - md) ** 2, 0) / (d.length - 1) / d.length);
        const won = d.filter((x) => x > 1e-9).length, lost = d.filter((x) => x < -1e-9).length;
        return `${k} ${md >= 0 ? "+" : ""}${md.toFixed(2)} ± ${se.toFixed(2)} (${won}/${lost})`;
      })
      .join("; ");
    console.log(`${id} vs default: ${vs}`);
  }
  if (res.shipped && res.one) {
    const d = res.shipped.map((v, i) => v - res.one[i]);
    const md = avg(d);
    const se = Math.sqrt(d.reduce((s, x) => s + (x - md) ** 2, 0) / (d.length - 1) / d.length);
    console.log(`${id}: shipped − one ${md >= 0 ? "+" : ""}${md.toFixed(2)} ± ${se.toFixed(2)} (${d.filter((x) => x > 0).length} seeds better, ${d.filter((x) => x < 0).length} worse)`);
  }
  console.log(`${id}: LR ${avg(lr).toFixed(2)}; ${line}; CPU/run ${Object.entries(cpuOf).map(([k, v]) => `${k} ${(v / seeds).toFixed(2)}`).join(" ")}`);
}
if (out) writeFileSync(out, JSON.stringify(rowsOut));
if (logitsOut) writeFileSync(logitsOut, JSON.stringify(logitsDump));
console.log(`load ${loadavg().map((l) => l.toFixed(1)).join(" ")}`);
