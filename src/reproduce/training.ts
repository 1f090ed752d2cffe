/**
 * Training with snapshots: the same algorithm as {@link train} (restarts with the same derived
 * seeds, the same choice of the kept restart, so the result equals `train` bit for bit), driven
 * epoch by epoch through {@link TrainingRun} so that a caller can look at the model at chosen
 * epochs (Fig. 3 (b)–(d)). No I/O.
 */
import type { Dataset } from "../data/dataset.js";
import { createModel, type Model } from "../network/model.js";
import { fitNormalization } from "../data/split.js";
import { deriveSeed } from "../util/rng.js";
import { TrainingRun, resolveTrainOptions, checkTrainable, oscillatorCount, classCountOf, type TrainOptions, type TrainResult } from "../train/train.js";

/** Options of {@link trainWithSnapshots}: those of `train` plus the snapshot epochs. */
export interface SnapshotTrainOptions<S> extends TrainOptions {
  /** 1-based epochs after which `snapshot` is called with the model (a live reference: copy what you keep). @default [] */
  snapshotAt?: readonly number[];
  /** Called after each epoch in `snapshotAt`; its results are returned in epoch order. */
  snapshot?: (model: Model, epoch: number) => S;
}

/** Result of {@link trainWithSnapshots}. */
export interface SnapshotTrainResult<S> extends TrainResult {
  /** The kept restart's snapshots, in the order of `snapshotAt` (epochs beyond `epochs` are skipped). */
  snapshots: { epoch: number; value: S }[];
}

/**
 * Trains like {@link train} and captures snapshots of the kept run at the requested epochs
 * (including epochs inside the restart trial phase: every restart takes them, the kept one's are
 * returned).
 */
export function trainWithSnapshots<S>(trainSet: Dataset, options: SnapshotTrainOptions<S>): SnapshotTrainResult<S> {
  const steps = snapshotEpochs(trainSet, options);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * {@link trainWithSnapshots} that lets the event loop run (signals, worker messages, timers) at
 * least every `yieldMs` of training: the same bits, but a Ctrl-C is handled within a fraction of a
 * second instead of after the whole training.
 * @param yieldMs longest stretch of training between two yields. @default 100
 */
export async function trainWithSnapshotsAsync<S>(trainSet: Dataset, options: SnapshotTrainOptions<S>, yieldMs = 100): Promise<SnapshotTrainResult<S>> {
  const steps = snapshotEpochs(trainSet, options);
  let last = performance.now();
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    if (performance.now() - last >= yieldMs) {
      await new Promise<void>((resolve) => setTimeout(resolve, 0));
      last = performance.now();
    }
  }
}

/** The training of {@link trainWithSnapshots}, pausing (yield) after every epoch. */
function* snapshotEpochs<S>(trainSet: Dataset, options: SnapshotTrainOptions<S>): Generator<void, SnapshotTrainResult<S>> {
  const t0 = performance.now();
  const o = resolveTrainOptions(options);
  const classes = checkTrainable(trainSet, options.classes);
  const norm = fitNormalization(trainSet);
  const at = new Set(options.snapshotAt ?? []);
  const make = (): Model => {
    const m = createModel(oscillatorCount(o, trainSet.d, classCountOf(trainSet, options.classes)), o.steps, classes, options.devices, { inputs: trainSet.d, extraP0: o.extraP0 });
    m.normalization = { min: norm.min.slice(), max: norm.max.slice() };
    m.classNames = trainSet.classNames.slice();
    return m;
  };
  const step = (run: TrainingRun, shots: { epoch: number; value: S }[]) => {
    const m = run.epoch();
    if (options.snapshot && at.has(m.epoch)) shots.push({ epoch: m.epoch, value: options.snapshot(run.model, m.epoch) });
    return m;
  };
  const restartLosses: number[] = [];
  let best: { run: TrainingRun; shots: { epoch: number; value: S }[] } | null = null;
  let chosen = 0;
  const trial = o.restarts > 1 ? Math.min(o.restartEpochs, o.epochs) : 0;
  for (let r = 0; r < o.restarts; r++) {
    const cand = { run: new TrainingRun(make(), trainSet, o, deriveSeed(o.seed, r), options.test, true, options.engine ?? null), shots: [] as { epoch: number; value: S }[] };
    for (let e = 0; e < trial; e++) {
      step(cand.run, cand.shots);
      yield;
    }
    const loss = trial > 0 ? cand.run.history[cand.run.history.length - 1].trainLoss : 0;
    restartLosses.push(loss);
    options.onRestart?.(r, loss);
    if (best === null || loss < restartLosses[chosen]) {
      best = cand;
      chosen = r;
    }
  }
  const { run, shots } = best as { run: TrainingRun; shots: { epoch: number; value: S }[] };
  for (const m of run.history) options.onEpoch?.(m);
  while (run.epochsDone < o.epochs) {
    options.onEpoch?.(step(run, shots));
    yield;
  }
  return { model: run.model, history: run.history, restartLosses, chosenRestart: chosen, seconds: (performance.now() - t0) / 1000, snapshots: shots, engine: run.engineLabel };
}
