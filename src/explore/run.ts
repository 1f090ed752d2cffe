/**
 * One task of a design-space sweep: train the network of one point with one seed on the training
 * split, measure it on the validation split (what choices use), evaluate it on the test split at
 * every evaluation σ (what the report shows), and estimate its energy per inference. No I/O; a
 * failed training is returned as data (status "failed"), the sweep goes on.
 */
import type { Dataset } from "../data/dataset.js";
import { stratifiedSplit } from "../data/split.js";
import { train, resolveTrainOptions, planTraining, type TrainOptions } from "../train/train.js";
import { TASK_DEFAULTS, EXTRA_TASK_DEFAULTS, type TaskName } from "../train/tasks.js";
import { evaluate } from "../network/api.js";
import { evaluateHardware, resolveHardware, type Hardware } from "../network/hardware.js";
import { resolveVariation } from "../device/variation.js";
import { curveFromSpec } from "../device/spec.js";
import { presetCurve, isPresetName } from "../device/presets.js";
import { eq4 } from "../device/analytic.js";
import type { DeviceCurve } from "../device/curve.js";
import type { Model } from "../network/model.js";
import { operatingRange } from "../device/operating.js";
import { robustnessSweep } from "../sweep/robustness.js";
import { driveStats, inferenceCost, resolveProfile } from "../cost/inference.js";
import { Rng, deriveSeed } from "../util/rng.js";
import { ComputationError, InputError } from "../util/errors.js";
import type { ExplorePoint, ResolvedExplore } from "./spec.js";

/** The three splits of a sweep's data. */
export interface ExploreSplits {
  /** Rows the networks train on. */
  train: Dataset;
  /** Rows that score the points (the Pareto front and --target are judged on them). */
  validation: Dataset;
  /** Held-out rows, reported and never used to choose. */
  test: Dataset;
}

/**
 * Test split (testFraction of each class, split seed), then the validation split (validationFraction
 * of the rest, seed deriveSeed(splitSeed, 1)).
 */
export function exploreSplits(ds: Dataset, r: ResolvedExplore): ExploreSplits {
  const a = stratifiedSplit(ds, r.splitSeed, r.testFraction);
  const b = stratifiedSplit(a.train, deriveSeed(r.splitSeed, 1), r.validationFraction);
  if (a.test.n === 0 || b.test.n === 0 || b.train.n === 0) throw new InputError(`explore: the data (${ds.n} rows) are too small for a test fraction ${r.testFraction} and a validation fraction ${r.validationFraction}`);
  return { train: b.train, validation: b.test, test: a.test };
}

/** One result row: one point × seed × evaluation σ. */
export interface ExploreRow {
  /** Index of the training task (point × seed) in sweep order. */
  task: number;
  /** Index of the point in {@link ResolvedExplore.points}. */
  point: number;
  /** Training seed of the task. */
  seed: number;
  /** Device-variation σ of this row's test evaluation. */
  evalSigma: number;
  /** "ok", or "failed" when training failed (`message` says why; the accuracies are NaN). */
  status: "ok" | "failed";
  /** Why the task failed (empty when ok). */
  message: string;
  /** Accuracy on the training rows, in [0, 1]. */
  trainAccuracy: number;
  /** Accuracy on the validation rows (ideal devices), in [0, 1]. */
  validationAccuracy: number;
  /** Mean test accuracy over the evaluation trials at evalSigma. */
  testAccuracy: number;
  /** Standard deviation of the test accuracy over the trials. */
  testAccuracyStd: number;
  /** Energy of one inference on the STNO hardware, J (hardware profile, docs/cost.md). */
  energy: number;
  /** Latency of one inference, s (hardware profile). */
  latency: number;
  /** Energy of the same inference on the digital baseline, J. */
  digitalEnergy: number;
}

/** The base device of a point (its preset/spec, with eq. 4 parameters replaced by the point's). */
export function pointDevice(p: ExplorePoint): DeviceCurve {
  const d = p.device;
  let base: DeviceCurve = d === undefined ? eq4() : typeof d === "string" ? (isPresetName(d) ? presetCurve(d) : (() => { throw new InputError(`explore: unknown device preset ${JSON.stringify(d)}`); })()) : curveFromSpec(d, "explore: device.");
  if (p.a !== undefined || p.b !== undefined || p.Ic !== undefined || p.Q !== undefined) {
    const s = base.toSpec();
    if (s.model !== "eq4") throw new InputError(`explore: a, b, Ic and Q vary eq. 4 devices only (device model ${s.model})`);
    const num = (k: string): number => s[k] as number;
    base = curveFromSpec({ ...s, a: p.a ?? num("a"), b: p.b ?? num("b"), Ic: p.Ic ?? num("Ic"), Q: p.Q ?? num("Q") }, "explore: device.");
  }
  return base;
}

/**
 * The point's hardware (trained with and evaluated with); undefined when ideal. Full scales: the
 * spec's, else the device's maximum power (ADC) and 16·|Ic| (DAC; trained networks drive their
 * oscillators at several times the threshold).
 */
export function pointHardware(p: ExplorePoint, r: ResolvedExplore, device: DeviceCurve): Hardware | undefined {
  const h: Hardware = {};
  if (p.adcBits) h.adc = { bits: p.adcBits, fullScale: r.spec.hardware?.adcFullScale ?? operatingRange(device).pMax };
  if (p.dacBits) h.dac = { bits: p.dacBits, fullScale: r.spec.hardware?.dacFullScale ?? 16 * device.currentScale };
  if (p.readNoise) h.readNoise = { sigma: p.readNoise };
  if (p.currentLimit) h.currentLimit = p.currentLimit;
  return Object.keys(h).length > 0 ? h : undefined;
}

/** Training options of a point (the task's defaults, the spec's `train`, the point's axes). */
export function pointTrainOptions(p: ExplorePoint, r: ResolvedExplore, seed: number, device: DeviceCurve, hardware: Hardware | undefined): TrainOptions {
  const task = r.spec.task;
  const d = task === "mnist" ? EXTRA_TASK_DEFAULTS.mnist : TASK_DEFAULTS[(task ?? "csv") as TaskName | "csv"];
  const t = r.spec.train ?? {};
  const epochs = t.epochs ?? d.epochs ?? 200;
  return {
    ...d,
    devices: device,
    steps: p.steps ?? d.steps,
    ...(p.oscillators !== undefined ? { oscillators: p.oscillators } : {}),
    epochs,
    batchSize: t.batch ?? d.batchSize,
    lr: p.lr ?? d.lr,
    restarts: p.restarts ?? d.restarts,
    inputNoise: t.inputNoise ?? d.inputNoise,
    weightDecay: t.weightDecay ?? d.weightDecay,
    seed,
    evalEvery: epochs,
    ...(p.trainSigma ? { variation: { params: r.evalParams, sigma: p.trainSigma, relative: r.evalRelative, distribution: r.evalDistribution } } : {}),
    ...(hardware ? { hardware } : {}),
  };
}

/**
 * Test accuracy (mean and standard deviation over the trials) at every evaluation σ. σ > 0: the
 * robustness sweep's Monte Carlo (device draws, then read noise, from deriveSeed(evalSeed, t, 2));
 * σ = 0: the exact accuracy of an ideal network, or the mean over the trials' read-noise draws.
 */
function evalAtSigmas(r: ResolvedExplore, model: Model, test: Dataset, hardware: Hardware | undefined, t: number): { mean: number; std: number }[] {
  const varied = r.evalSigmas.filter((s) => s > 0);
  const sweep = varied.length === 0 ? null : robustnessSweep(model, test, {
    params: r.evalParams,
    sigmas: varied,
    trials: r.evalTrials,
    seed: deriveSeed(r.evalSeed, t, 2),
    relative: r.evalRelative,
    distribution: r.evalDistribution,
    ...(hardware ? { hardware } : {}),
  });
  let zero: { mean: number; std: number } | null = null;
  if (r.evalSigmas.includes(0)) {
    if (!hardware?.readNoise) zero = { mean: hardware ? evaluateHardware(model, test.x, test.y, test.n, hardware, new Rng(0)).accuracy : evaluate(model, test).accuracy, std: 0 };
    else {
      const acc = Array.from({ length: r.evalTrials }, (_, k) => evaluateHardware(model, test.x, test.y, test.n, hardware, new Rng(deriveSeed(r.evalSeed, t, 3, k))).accuracy);
      const m = acc.reduce((a, x) => a + x, 0) / acc.length;
      zero = { mean: m, std: Math.sqrt(acc.reduce((a, x) => a + (x - m) ** 2, 0) / acc.length) };
    }
  }
  return r.evalSigmas.map((s) => (s === 0 ? zero! : sweep!.stats[varied.indexOf(s)]));
}

/**
 * Runs task `t` (point ⌊t/S⌋, seed index t mod S) and returns one row per evaluation σ.
 * Deterministic: the same task gives the same bits on any thread.
 * @param onFraction called after each epoch of the kept run with the fraction of its epochs done (progress only).
 */
export function runExploreTask(r: ResolvedExplore, splits: ExploreSplits, t: number, onFraction?: (done: number) => void): ExploreRow[] {
  const S = r.seeds.length;
  const point = r.points[Math.floor(t / S)];
  const seed = r.seeds[t % S];
  const rows = (status: ExploreRow["status"], message: string, f: (s: number, i: number) => Partial<ExploreRow>): ExploreRow[] =>
    r.evalSigmas.map((evalSigma, i) => ({
      task: t, point: point.index, seed, evalSigma, status, message,
      trainAccuracy: NaN, validationAccuracy: NaN, testAccuracy: NaN, testAccuracyStd: NaN, energy: NaN, latency: NaN, digitalEnergy: NaN,
      ...f(evalSigma, i),
    }));
  try {
    const device = pointDevice(point);
    const hardware = pointHardware(point, r, device);
    const options = pointTrainOptions(point, r, seed, device, hardware);
    const epochs = onFraction ? planTraining(options, splits.train).options.epochs : 1;
    const result = train(splits.train, onFraction ? { ...options, onEpoch: (m) => onFraction(Math.min(1, m.epoch / epochs)) } : options);
    const model = result.model;
    const noise = (k: number) => new Rng(deriveSeed(r.evalSeed, t, k));
    const acc = (ds: Dataset, k: number) => (hardware ? evaluateHardware(model, ds.x, ds.y, ds.n, hardware, noise(k)).accuracy : evaluate(model, ds).accuracy);
    const trainAccuracy = acc(splits.train, 0);
    const validationAccuracy = acc(splits.validation, 1);
    const test = evalAtSigmas(r, model, splits.test, hardware, t);
    const prof = resolveProfile(model, r.profile, hardware, "explore spec: cost");
    const cost = inferenceCost(model, prof, driveStats(model, splits.test.x, splits.test.n, hardware));
    return rows("ok", "", (_s, i) => ({
      trainAccuracy,
      validationAccuracy,
      testAccuracy: test[i].mean,
      testAccuracyStd: test[i].std,
      energy: cost.energy,
      latency: cost.latency,
      digitalEnergy: cost.digital.energy,
    }));
  } catch (e) {
    if (e instanceof ComputationError || e instanceof InputError) return rows("failed", e.message.split("\n")[0], () => ({}));
    throw e;
  }
}

/**
 * Checks every point before any work: its device, hardware, training options and the variation
 * parameters against its device model.
 * @throws InputError naming the point and the problem.
 */
export function checkPoints(r: ResolvedExplore): void {
  for (const p of r.points) {
    const at = `explore: point ${p.index}`;
    try {
      const device = pointDevice(p);
      const hardware = pointHardware(p, r, device);
      if (hardware) resolveHardware(hardware, "hardware");
      resolveTrainOptions(pointTrainOptions(p, r, r.seeds[0], device, hardware));
      if (p.trainSigma || r.evalSigmas.some((x) => x > 0)) resolveVariation({ params: r.evalParams, sigma: 0, relative: r.evalRelative, distribution: r.evalDistribution }, [device], "eval.params");
    } catch (e) {
      if (e instanceof InputError) throw new InputError(`${at}: ${e.message.replace(/^explore: /, "")}`);
      throw e;
    }
  }
}
