/**
 * Optimal-control training of the STNO network: minimise the readout loss subject to the discrete
 * dynamics, with gradients from the exact discrete adjoint (src/network/dynamics.ts) and Adam.
 * No I/O here: progress goes through the `onEpoch` callback.
 */
import type { DeviceCurve } from "../device/curve.js";
import type { Dataset } from "../data/dataset.js";
import { createModel, createGradients, cloneModel, type Model, type Gradients } from "../network/model.js";
import { createWorkspace, loadBatch, gatherColumns, softmaxCrossEntropy, type Workspace } from "../network/dynamics.js";
import { CHUNK_SIZE, chunkPlan, reduceSlots, batchGradients, engineBatchGradients, createChunkScratch, chunkExecutor, executorCanRun, type ChunkScratch } from "./chunks.js";
import { createEngine32, PRECISIONS, type BatchEngine, type EngineFactory, type InferenceEngine, type Precision } from "../network/engine.js";
import { initializeModel, type InitOptions } from "../network/init.js";
import { evaluateArrays } from "../network/api.js";
import { fitNormalization, applyNormalization } from "../data/split.js";
import { operatingRange } from "../device/operating.js";
import { Adam, type AdamState } from "./adam.js";
import { learningRate, SCHEDULES, type Schedule } from "./schedule.js";
import { Rng, deriveSeed, type RngState } from "../util/rng.js";
import { ComputationError, InputError } from "../util/errors.js";
import { integer, greaterThan, oneOf, inRange } from "../util/check.js";
import { resolveVariation, drawDevicesResolved, type VariationSpec, type ResolvedVariation } from "../device/variation.js";
import { resolveHardware, createHardwareState, forwardHardware, backwardHardware, type Hardware, type ResolvedHardware, type HardwareState } from "../network/hardware.js";

/** Metrics of one epoch. Losses are mean softmax cross-entropy (natural log); accuracies in [0, 1]. */
export interface EpochMetrics {
  /** 1-based epoch number. */
  epoch: number;
  /** Learning rate used during the epoch. */
  lr: number;
  trainLoss: number;
  trainAccuracy: number;
  /** NaN when no test set was given. */
  testLoss: number;
  /** NaN when no test set was given. */
  testAccuracy: number;
  /** Wall time of the epoch's training part, seconds. */
  seconds: number;
}

/** Options of {@link train}. Every field has a default. */
export interface TrainOptions {
  /** Device curve shared by all oscillators, or one per oscillator. @default eq. 4 paper device */
  devices: DeviceCurve | DeviceCurve[];
  /** Number of time steps n. @default 4 */
  steps?: number;
  /** Number of epochs. @default 200 */
  epochs?: number;
  /** Minibatch size; 0 means full batch. Batches of more than 128 samples are computed in chunks
   * whose gradients are added in a fixed order (src/train/chunks.ts). @default 0 */
  batchSize?: number;
  /** Base learning rate (dimensionless; scaled per parameter by the device's scales). @default 0.02 */
  lr?: number;
  /** Learning-rate schedule. @default "cosine" */
  schedule?: Schedule;
  /** Seed of initialisation and minibatch order. @default 0 */
  seed?: number;
  /** Independent initialisations tried; the one with the lowest training loss after
   * `restartEpochs` epochs is kept and trained to the end. @default 1 */
  restarts?: number;
  /** Epochs each restart is trained before choosing. @default max(1, round(epochs/10)) */
  restartEpochs?: number;
  /** Initialisation options. */
  init?: InitOptions;
  /** Number of classes; default: from the data (max label + 1, or classNames.length). */
  classes?: number;
  /** Test set for per-epoch metrics (never used to choose anything). */
  test?: Dataset;
  /** Evaluate train/test metrics every this many epochs (and always at the last). @default 1 */
  evalEvery?: number;
  /** Decoupled (AdamW) weight decay λ applied to A and W each step: θ ← θ(1 − lr·scale·λ). @default 0 */
  weightDecay?: number;
  /** Std of Gaussian noise added to each training input p(0) per epoch (augmentation, power units). @default 0 */
  inputNoise?: number;
  /** Variation-aware training: every minibatch draws fresh device parameters per oscillator around
   * the base devices (src/device/variation.ts); the adjoint runs through the drawn devices, and the
   * saved model keeps the base devices. @default none */
  variation?: VariationSpec;
  /** Hardware non-idealities in the training forward/backward pass (src/network/hardware.ts: read
   * noise drawn per minibatch, straight-through quantisers). Per-epoch metrics stay ideal. @default none */
  hardware?: Hardware;
  /**
   * Arithmetic of the training batches: "float64", or "float32" — mixed precision on the float32
   * engine (`createEngine32` in src/network/engine.ts: per-sample forward pass, eq. 4, softmax and
   * adjoint in float32 SIMD, four samples per vector; parameters, gradient sums over chunks,
   * losses and Adam in float64). Needs eq. 4 devices, no `hardware`, and WebAssembly SIMD. The
   * per-epoch evaluation and the saved model are float64 either way. @default "float64"
   */
  precision?: Precision;
  /**
   * The engine that computes float64 training batches, chosen once by the caller (e.g.
   * `nativeFactory()` from src/node/native-engine.ts, which the CLI picks with `--engine`): every
   * engine gives the same bits, so this changes speed only. Used when every device is eq. 4 and
   * there are no hardware effects; otherwise (and when omitted) batches run on the WebAssembly
   * engine, or the TypeScript reference where WebAssembly SIMD is missing.
   * {@link TrainingRun.engineLabel} says what ran. Not part of the resolved options (a checkpoint
   * resumes on any engine). @default undefined (WebAssembly)
   */
  engine?: EngineFactory | null;
  /** Called after each epoch with its metrics. */
  onEpoch?: (m: EpochMetrics) => void;
  /** Called after each restart's trial with (restart index, its training loss). */
  onRestart?: (restart: number, trainLoss: number) => void;
  /** Called with the kept run right after the restart selection and after each later epoch
   * (what checkpointing hooks into; the trials themselves are not reported). */
  onProgress?: (run: TrainingRun, selection: RestartSelection) => void;
  /** Continue a run restored from a checkpoint (see src/train/checkpoint.ts) instead of
   * initialising: the restart trials are skipped and `selection` is reported as is. */
  resume?: { run: TrainingRun; selection: RestartSelection };
}

/** Outcome of the restart trials: which initialisation was kept, and every trial's loss. */
export interface RestartSelection {
  /** Index of the restart that was kept. */
  chosenRestart: number;
  /** Training loss of each restart after its trial epochs (index = restart). */
  restartLosses: number[];
}

/** The complete mutable state of a {@link TrainingRun} besides its model parameters (copies). */
export interface TrainingRunState {
  /** Optimiser step count and moments. */
  adam: AdamState;
  /** Minibatch-shuffling generator. */
  rng: RngState;
  /** Row permutation, shuffled in place each epoch (it carries over between epochs). */
  order: Int32Array;
  /** Epochs completed. */
  epochsDone: number;
  /** Metrics of the completed epochs. */
  history: EpochMetrics[];
}

/** Fully resolved options (what the algorithm reads). */
export interface ResolvedTrainOptions {
  steps: number;
  epochs: number;
  batchSize: number;
  lr: number;
  schedule: Schedule;
  seed: number;
  restarts: number;
  restartEpochs: number;
  evalEvery: number;
  weightDecay: number;
  inputNoise: number;
  variation: VariationSpec | null;
  hardware: Hardware | null;
  precision: Precision;
  init: InitOptions;
}

/** Resolves and validates training options (throws InputError naming the option). */
export function resolveTrainOptions(o: Omit<TrainOptions, "devices">): ResolvedTrainOptions {
  const epochs = integer(o.epochs ?? 200, 0, 10_000_000, "epochs");
  const precision = oneOf(o.precision ?? "float64", PRECISIONS, "precision");
  if (precision === "float32" && o.hardware) throw new InputError(`precision float32 cannot be combined with hardware effects; train those in float64`);
  return {
    steps: integer(o.steps ?? 4, 1, 10_000, "steps"),
    epochs,
    batchSize: integer(o.batchSize ?? 0, 0, 100_000_000, "batch size"),
    lr: greaterThan(o.lr ?? 0.02, 0, "learning rate"),
    schedule: oneOf(o.schedule ?? "cosine", SCHEDULES, "schedule"),
    seed: integer(o.seed ?? 0, 0, Number.MAX_SAFE_INTEGER, "seed"),
    restarts: integer(o.restarts ?? 1, 1, 1000, "restarts"),
    restartEpochs: integer(o.restartEpochs ?? Math.max(1, Math.round(epochs / 10)), 0, 10_000_000, "restart epochs"),
    evalEvery: integer(o.evalEvery ?? 1, 1, 10_000_000, "evalEvery"),
    weightDecay: inRange(o.weightDecay ?? 0, 0, 1e6, "weight decay"),
    inputNoise: inRange(o.inputNoise ?? 0, 0, 1e6, "input noise"),
    variation: o.variation ? { ...o.variation, params: [...o.variation.params] } : null,
    hardware: o.hardware ? resolveHardware(o.hardware, "train hardware").spec : null,
    precision,
    init: { ...o.init, spread: inRange(o.init?.spread ?? 0.65, 1e-6, 100, "init spread"), mixing: inRange(o.init?.mixing ?? 1, 0, 100, "init mixing") },
  };
}

/** Learning-rate multipliers for (A, B, W, c) from the devices' natural scales. */
export function parameterScales(devices: DeviceCurve[]): number[] {
  let uc = 0, pm = 0;
  for (const d of devices) {
    const r = operatingRange(d);
    uc += Math.sqrt(Math.sqrt(r.lo * r.hi));
    pm += Math.abs(r.pMax);
  }
  uc /= devices.length;
  pm /= devices.length;
  if (!(pm > 0)) pm = 1;
  return [uc / pm, uc, 1 / pm, 1];
}

/**
 * One training run in progress: model, optimiser, generator and history. `epoch()` advances one
 * epoch, so callers (CLI, playground worker, checkpointing) can drive, pause and persist it.
 */
export class TrainingRun {
  readonly model: Model;
  readonly options: ResolvedTrainOptions;
  readonly adam: Adam;
  rng: Rng;
  /** Epochs completed. */
  epochsDone = 0;
  readonly history: EpochMetrics[] = [];
  private readonly p0: Float64Array;
  private readonly y: Int32Array;
  private readonly n: number;
  /** Workspace of one chunk (capacity min(batch, CHUNK_SIZE)), or of a whole batch with hardware effects. */
  private readonly ws: Workspace;
  /** The float32 engine (precision "float32"), which then holds the batch input; else null. */
  private readonly engine32: BatchEngine | null;
  /** The caller's float64 engine (TrainOptions.engine) when it runs this model, which then holds the batch input; else null. */
  private readonly engine64: BatchEngine | null;
  /** Which engine computes the training batches, e.g. "native (avx512, 8 float64 lanes, 1 thread)" or "wasm64 (…)". */
  readonly engineLabel: string;
  private readonly evalWs: Workspace;
  /** The caller's engine for the per-epoch evaluation (same bits as evalWs), when it has one and runs this model. */
  private readonly evalEngine: InferenceEngine | null;
  private readonly grads: Gradients;
  /** Scratch of the chunked batch gradient (src/train/chunks.ts). */
  private readonly scratch: ChunkScratch;
  private readonly order: Int32Array;
  /** The current minibatch's inputs p(0) (k rows of stride cap) and labels, in batch order. */
  private readonly batchX: Float64Array;
  private readonly batchLabels: Int32Array;
  /** Batch size (capacity of batchX). */
  private readonly cap: number;
  /** Incremented whenever batchX is reloaded (identifies its contents to a chunk executor). */
  private batchVersion = 0;
  /** True when batchX and batchLabels hold the whole training set from the previous epoch (full batch, no noise). */
  private fullBatchLoaded = false;
  private readonly scales: number[];
  private readonly decay: number[] | undefined;
  private readonly trainSet: Dataset;
  private readonly testSet: Dataset | undefined;
  private readonly baseDevices: Model["devices"];
  private readonly variation: ResolvedVariation | null;
  private readonly hw: ResolvedHardware | null;
  private readonly hwState: HardwareState | null;

  /**
   * @param init when true, initialise parameters (data-dependent) from `seed`; pass false to
   *   continue from parameters already in `model`.
   */
  /**
   * @param engine the float64 batch engine to use when it can run this model (TrainOptions.engine).
   */
  constructor(model: Model, trainSet: Dataset, options: ResolvedTrainOptions, seed: number, test: Dataset | undefined, init = true, engine: EngineFactory | null = null) {
    this.model = model;
    this.options = options;
    this.trainSet = trainSet;
    this.testSet = test;
    this.n = trainSet.n;
    this.y = trainSet.y;
    this.p0 = model.normalization ? applyNormalization(trainSet.x, trainSet.d, model.normalization) : trainSet.x;
    this.rng = new Rng(seed);
    if (init) initializeModel(model, this.p0, this.n, new Rng(deriveSeed(seed, 0)), options.init);
    const cap = options.batchSize === 0 ? this.n : Math.min(options.batchSize, this.n);
    this.cap = cap;
    // Without hardware effects a batch runs in chunks (src/train/chunks.ts), so the workspace holds one chunk.
    const wsCap = options.hardware ? cap : Math.min(cap, CHUNK_SIZE);
    const f32 = options.precision === "float32";
    if (f32) {
      const i = model.devices.findIndex((d) => d.model !== "eq4");
      if (i >= 0) throw new InputError(`precision float32 needs eq. 4 devices; the curve of oscillator ${i} is ${model.devices[i].model} (train it in float64)`);
    }
    this.engine32 = f32 ? createEngine32(model.k, model.steps, model.classes, wsCap, cap) : null;
    if (f32 && this.engine32 === null) throw new ComputationError(`precision float32 needs WebAssembly SIMD, which this runtime lacks; train in float64`);
    const eq4Only = model.devices.every((d) => d.model === "eq4");
    this.engine64 = engine !== null && engine.precision === "float64" && !f32 && !options.hardware && eq4Only ? engine.create(model.k, model.steps, model.classes, wsCap, cap) : null;
    // In float32 (or with the caller's engine) that engine holds the batch, and the float64 workspace is never used for training.
    const own = f32 || this.engine64 !== null;
    this.ws = createWorkspace(model.k, model.steps, model.classes, own ? 1 : wsCap, { engine: !own, batchCapacity: options.hardware || own ? 0 : cap });
    const fallback = engine !== null && this.engine64 === null && !f32
      ? ` (${engine.kind} not used: ${options.hardware ? "hardware effects" : !eq4Only ? "a device is not eq. 4" : "it could not be created"})`
      : "";
    this.engineLabel = this.engine32 !== null
      ? "wasm32 (WebAssembly SIMD, 4 float32 lanes)"
      : this.engine64 !== null
        ? (engine as EngineFactory).label
        : (this.ws.engine !== null && eq4Only && !options.hardware ? "wasm64 (WebAssembly SIMD, 2 float64 lanes)" : "reference (TypeScript)") + fallback;
    this.evalWs = createWorkspace(model.k, model.steps, model.classes, Math.min(512, Math.max(this.n, test?.n ?? 1)), { engine: true });
    const evalN = Math.max(this.n, test?.n ?? 1);
    // Input windows of at most 4096 samples (a multiple of evaluateArrays' 512-sample chunks).
    this.evalEngine = this.engine64 !== null && engine?.createInference ? engine.createInference(model.k, model.steps, model.classes, 512, evalN <= 4096 ? evalN : 4096) : null;
    this.grads = createGradients(model);
    this.scratch = createChunkScratch(model, cap);
    this.order = new Int32Array(this.n);
    // The batch input and labels live in the engine's memory when there is one (no copy per chunk).
    const en = this.engine32 ?? this.engine64 ?? this.ws.engine;
    this.batchX = options.hardware ? new Float64Array(0) : en !== null ? en.X : new Float64Array(model.k * cap);
    this.batchLabels = en !== null && !options.hardware ? en.y : new Int32Array(cap);
    for (let r = 0; r < this.n; r++) this.order[r] = r;
    this.scales = parameterScales(model.devices);
    this.decay = options.weightDecay > 0 ? [options.weightDecay, 0, options.weightDecay, 0] : undefined;
    this.baseDevices = model.devices.slice();
    this.variation = options.variation ? resolveVariation(options.variation, model.devices, "train variation") : null;
    this.hw = options.hardware ? resolveHardware(options.hardware, "train hardware") : null;
    this.hwState = this.hw ? createHardwareState(model.k, model.steps, cap) : null;
    this.adam = new Adam([model.A.length, model.B.length, model.W.length, model.c.length]);
  }

  /** @returns a copy of everything besides `model` that the next epoch depends on (for checkpoints). */
  getState(): TrainingRunState {
    const st = this.adam.state;
    return {
      adam: { t: st.t, m: st.m.map((a) => a.slice()), v: st.v.map((a) => a.slice()) },
      rng: this.rng.getState(),
      order: this.order.slice(),
      epochsDone: this.epochsDone,
      history: this.history.map((m) => ({ ...m })),
    };
  }

  /**
   * Rebuilds a run from its model and {@link TrainingRun.getState}; the next `epoch()` is then
   * bit-identical to the one the original run would have done. The caller checks that the state
   * fits (shapes, a permutation of the rows); see src/train/checkpoint.ts.
   */
  static fromState(model: Model, trainSet: Dataset, options: ResolvedTrainOptions, test: Dataset | undefined, state: TrainingRunState, engine: EngineFactory | null = null): TrainingRun {
    const run = new TrainingRun(model, trainSet, options, 0, test, false, engine);
    run.adam.state = { t: state.adam.t, m: state.adam.m.map((a) => a.slice()), v: state.adam.v.map((a) => a.slice()) };
    run.rng = Rng.fromState(state.rng);
    run.order.set(state.order);
    run.epochsDone = state.epochsDone;
    for (const m of state.history) run.history.push({ ...m });
    return run;
  }

  /** The labels of batch rows start..start+nb−1 in batch order, into batchLabels (returned). */
  private gatherLabels(start: number, nb: number): Int32Array {
    const labels = this.batchLabels;
    for (let b = 0; b < nb; b++) labels[b] = this.y[this.order[start + b]];
    return labels;
  }

  /** Adds Gaussian input noise (std inputNoise) to the first nb columns of p(0), oscillator by oscillator. */
  private addInputNoise(p0: Float64Array, ld: number, nb: number): void {
    const sd = this.options.inputNoise;
    if (sd > 0) for (let j = 0; j < this.model.k; j++) for (let b = 0; b < nb; b++) p0[j * ld + b] += sd * this.rng.normal();
  }

  private checkLoss(loss: number, e: number, batch: number): void {
    if (!Number.isFinite(loss)) {
      throw new ComputationError(`training diverged at epoch ${e + 1}, batch ${batch + 1} (optimiser step ${this.adam.state.t + 1}): non-finite loss (try a smaller --lr)`);
    }
  }

  /**
   * Gradients (into this.grads, zeroed), summed loss and correct count of the batch in batchX:
   * chunk by chunk in the fixed order of src/train/chunks.ts, on the registered chunk executor's
   * threads when there is one and the batch has several chunks, else on this thread.
   */
  private batchGradients(nb: number, out: { loss: number; correct: number }): void {
    const { model } = this;
    const plan = chunkPlan(nb);
    const exec = chunkExecutor();
    if (this.engine64 !== null) {
      // The caller's engine (its own threads, if any): the whole batch in one call.
      if (!engineBatchGradients(model, this.engine64, nb, this.grads, out)) throw new InputError(`the ${this.engineLabel} engine needs eq. 4 devices`);
    } else if (plan.count > 1 && exec !== null && exec.threads > 1 && executorCanRun(model)) {
      const slots = exec.run(this, this.batchVersion, model, this.batchX, this.cap, this.batchLabels, plan, 1 / nb, this.options.precision);
      reduceSlots(slots, plan.count, this.grads, out);
    } else if (this.engine32 !== null) {
      if (!engineBatchGradients(model, this.engine32, nb, this.grads, out)) throw new InputError(`precision float32 needs eq. 4 devices`);
    } else {
      batchGradients(model, this.ws, this.batchX, this.cap, this.batchLabels, nb, this.grads, out, this.scratch);
    }
  }

  /** Runs one epoch of minibatch Adam; returns its metrics (also appended to `history`). */
  epoch(): EpochMetrics {
    const { model, options } = this;
    const e = this.epochsDone;
    const lr = learningRate(options.schedule, options.lr, e, options.epochs);
    const t0 = performance.now();
    const cap = this.cap;
    if (cap < this.n) this.rng.shuffle(this.order);
    const params = [model.A, model.B, model.W, model.c];
    const g = this.grads;
    const gl = [g.A, g.B, g.W, g.c];
    const out = { loss: 0, correct: 0 };
    let lossSum = 0, correctSum = 0;
    let batch = 0;
    // Variation-aware training swaps in drawn devices per batch; they are put back even when the
    // epoch throws (a diverged step), so the model never keeps a random draw.
    try {
      for (let start = 0; start < this.n; start += cap, batch++) {
        const nb = Math.min(cap, this.n - start);
        if (this.hw) {
          // Hardware effects: the whole batch at once (read noise is drawn per batch).
          g.A.fill(0);
          g.B.fill(0);
          g.W.fill(0);
          g.c.fill(0);
          const labels = this.gatherLabels(start, nb);
          loadBatch(this.ws, this.p0, this.order, start, nb, null);
          this.addInputNoise(this.ws.P[0], this.ws.capacity, nb);
          if (this.variation) model.devices = drawDevicesResolved(this.baseDevices, this.variation, this.rng).devices;
          forwardHardware(model, this.ws, nb, this.hw, this.hwState as HardwareState, this.rng, true);
          softmaxCrossEntropy(this.ws, model.classes, nb, labels, 0, 1 / nb, out);
          this.checkLoss(out.loss, e, batch);
          backwardHardware(model, this.ws, nb, this.hw, this.hwState as HardwareState, g);
        } else {
          // Full batch without input noise: p(0) and the labels are the same every epoch and nothing
          // writes them, so they are loaded once. batchGradients overwrites the gradients.
          const reuse = cap >= this.n && options.inputNoise === 0;
          if (!(reuse && this.fullBatchLoaded)) {
            this.gatherLabels(start, nb);
            gatherColumns(this.batchX, cap, model.k, this.p0, this.order, start, nb, null);
            this.addInputNoise(this.batchX, cap, nb);
            this.batchVersion++;
          }
          this.fullBatchLoaded = reuse;
          if (this.variation) model.devices = drawDevicesResolved(this.baseDevices, this.variation, this.rng).devices;
          this.batchGradients(nb, out);
          this.checkLoss(out.loss, e, batch);
        }
        lossSum += out.loss;
        correctSum += out.correct;
        const bad = this.adam.step(params, gl, this.scales, lr, this.decay, this.engine64?.adam) ? null : firstNonFinite(params);
        if (bad !== null) {
          throw new ComputationError(`training diverged at epoch ${e + 1}, batch ${batch + 1} (optimiser step ${this.adam.state.t}): non-finite parameter ${bad} after the update (try a smaller --lr)`);
        }
      }
    } finally {
      if (this.variation) model.devices = this.baseDevices.slice();
    }
    const seconds = (performance.now() - t0) / 1000;
    this.epochsDone++;
    const last = this.epochsDone === options.epochs;
    let trainLoss = lossSum / this.n, trainAccuracy = correctSum / this.n;
    let testLoss = NaN, testAccuracy = NaN;
    if (last || this.epochsDone % options.evalEvery === 0) {
      const tr = this.evalEngine ? evaluateArrays(model, this.trainSet.x, this.trainSet.y, this.trainSet.n, undefined, this.evalEngine) : evaluateArrays(model, this.trainSet.x, this.trainSet.y, this.trainSet.n, this.evalWs);
      trainLoss = tr.loss;
      trainAccuracy = tr.accuracy;
      if (this.testSet) {
        const te = this.evalEngine ? evaluateArrays(model, this.testSet.x, this.testSet.y, this.testSet.n, undefined, this.evalEngine) : evaluateArrays(model, this.testSet.x, this.testSet.y, this.testSet.n, this.evalWs);
        testLoss = te.loss;
        testAccuracy = te.accuracy;
      }
    }
    if (!Number.isFinite(trainLoss)) {
      throw new ComputationError(`training diverged at epoch ${this.epochsDone}, after optimiser step ${this.adam.state.t}: non-finite training loss at the end of the epoch (try a smaller --lr)`);
    }
    const m: EpochMetrics = { epoch: this.epochsDone, lr, trainLoss, trainAccuracy, testLoss, testAccuracy, seconds };
    this.history.push(m);
    return m;
  }
}

/** Name and index of the first non-finite entry of (A, B, W, c), e.g. "B[3]", or null. */
function firstNonFinite(params: Float64Array[]): string | null {
  for (let q = 0; q < params.length; q++) {
    const p = params[q];
    for (let e = 0; e < p.length; e++) if (!Number.isFinite(p[e])) return `${"ABWc"[q]}[${e}]`;
  }
  return null;
}


/** Result of {@link train}. */
export interface TrainResult {
  model: Model;
  history: EpochMetrics[];
  /** Training loss of each restart after its trial epochs (index = restart). */
  restartLosses: number[];
  /** Index of the restart that was kept. */
  chosenRestart: number;
  /** Total wall time, seconds. */
  seconds: number;
  /** Which engine computed the training batches ({@link TrainingRun.engineLabel}). */
  engine: string;
}

/** Checks that a data set can be trained on; returns the number of classes. */
export function checkTrainable(ds: Dataset, classes?: number): number {
  if (ds.n < 2) throw new InputError(`training data has ${ds.n} samples; need at least 2`);
  let maxY = 0;
  const seen = new Set<number>();
  for (let r = 0; r < ds.n; r++) {
    if (ds.y[r] > maxY) maxY = ds.y[r];
    seen.add(ds.y[r]);
  }
  if (seen.size < 2) throw new InputError(`training data has a single class; need at least 2`);
  const c = classes ?? Math.max(ds.classNames.length, maxY + 1);
  return c;
}

/** What one {@link Trainer.advance} did. */
export type TrainerEvent =
  | { kind: "trial"; restart: number; metrics: EpochMetrics }
  | { kind: "selected"; selection: RestartSelection; run: TrainingRun }
  | { kind: "epoch"; metrics: EpochMetrics };

/**
 * {@link train} one step at a time, for callers that drive, pause and inspect a run (the
 * playground): `advance()` does the next unit of the same algorithm — one trial epoch of the
 * restart under trial, the choice of the restart with the lowest training loss, or one epoch of
 * the kept run. `train()` is this loop run to the end, so both give the same bits.
 */
export class Trainer {
  readonly options: ResolvedTrainOptions;
  readonly classes: number;
  /** Training loss of each finished restart trial (index = restart). */
  readonly restartLosses: number[] = [];
  /** The kept run once the restarts are chosen (or the resumed run), else null. */
  run: TrainingRun | null = null;
  /** The restart under trial (null once chosen). */
  trialRun: TrainingRun | null = null;
  /** Index of the restart under trial, or the kept one once chosen. */
  restart = 0;
  private best: TrainingRun | null = null;
  private chosen = 0;
  private readonly trialEpochs: number;
  private readonly make: () => Model;
  private readonly trainSet: Dataset;
  private readonly test: Dataset | undefined;
  /** TrainOptions.engine, for every run this trainer makes. */
  private readonly engine: EngineFactory | null;

  constructor(trainSet: Dataset, options: TrainOptions) {
    const o = resolveTrainOptions(options);
    this.options = o;
    this.engine = options.engine ?? null;
    this.classes = checkTrainable(trainSet, options.classes);
    this.trainSet = trainSet;
    this.test = options.test;
    const k = trainSet.d;
    const norm = fitNormalization(trainSet);
    const classes = this.classes;
    this.make = (): Model => {
      const m = createModel(k, o.steps, classes, options.devices);
      m.normalization = { min: norm.min.slice(), max: norm.max.slice() };
      m.classNames = trainSet.classNames.slice();
      if (trainSet.featureNames.length === k) m.featureNames = trainSet.featureNames.slice();
      return m;
    };
    this.trialEpochs = o.restarts > 1 ? Math.min(o.restartEpochs, o.epochs) : 0;
    if (options.resume) {
      this.run = options.resume.run;
      this.chosen = options.resume.selection.chosenRestart;
      this.restart = this.chosen;
      this.restartLosses.push(...options.resume.selection.restartLosses);
    }
  }

  /** Restart selection (valid once `run` is set). */
  get selection(): RestartSelection {
    return { chosenRestart: this.chosen, restartLosses: this.restartLosses.slice() };
  }

  /** The run the next epoch trains: the restart under trial, or the kept run. */
  get current(): TrainingRun | null {
    return this.run ?? this.trialRun;
  }

  /** The run the next epoch trains, initialised now if it is a restart not yet begun (nothing is trained). */
  prepare(): TrainingRun {
    if (this.run !== null) return this.run;
    this.trialRun ??= new TrainingRun(this.make(), this.trainSet, this.options, deriveSeed(this.options.seed, this.restart), this.test, true, this.engine);
    return this.trialRun;
  }

  /** True when the kept run has trained `options.epochs` epochs. */
  get done(): boolean {
    return this.run !== null && this.run.epochsDone >= this.options.epochs;
  }

  /** Epochs each restart trains before the choice (0 with a single restart). */
  get trialLength(): number {
    return this.trialEpochs;
  }

  /** Does the next unit of work; see the class comment. Past the end it trains further epochs. */
  advance(): TrainerEvent {
    if (this.run !== null) return { kind: "epoch", metrics: this.run.epoch() };
    const run = this.prepare();
    if (run.epochsDone < this.trialEpochs) return { kind: "trial", restart: this.restart, metrics: run.epoch() };
    const loss = this.trialEpochs > 0 ? run.history[run.history.length - 1].trainLoss : 0;
    this.restartLosses.push(loss);
    if (this.best === null || loss < this.restartLosses[this.chosen]) {
      this.best = run;
      this.chosen = this.restart;
    }
    this.trialRun = null;
    if (this.restart + 1 < this.options.restarts) {
      this.restart++;
      return this.advance();
    }
    this.run = this.best as TrainingRun;
    this.best = null;
    this.restart = this.chosen;
    return { kind: "selected", selection: this.selection, run: this.run };
  }

  /**
   * Replaces the kept run by one with changed options (learning rate, schedule, batch size,
   * epochs), continuing from its parameters, optimiser state, generator and history
   * ({@link TrainingRun.fromState}). Only before the choice of restart are the trial runs
   * untouched: the change applies to runs not yet started.
   */
  retune(change: Partial<Pick<TrainOptions, "lr" | "batchSize" | "epochs" | "schedule">>): void {
    const cur = this.options;
    const o = resolveTrainOptions({ ...cur, variation: cur.variation ?? undefined, hardware: cur.hardware ?? undefined, ...change });
    (this as { options: ResolvedTrainOptions }).options = o;
    if (this.run !== null) this.run = TrainingRun.fromState(this.run.model, this.trainSet, o, this.test, this.run.getState(), this.engine);
  }
}

/**
 * Trains a network on `trainSet` (raw features: the min–max normalisation is fitted here, on the
 * training split, and stored in the model). The loop of a {@link Trainer} run to the end.
 * @example
 * const { model, history } = train(split.train, { devices: eq4(), steps: 4, epochs: 100, test: split.test });
 */
export function train(trainSet: Dataset, options: TrainOptions): TrainResult {
  const t0 = performance.now();
  const trainer = new Trainer(trainSet, options);
  while (trainer.run === null) {
    const ev = trainer.advance();
    if (ev.kind === "trial" && ev.metrics.epoch === trainer.trialLength) options.onRestart?.(ev.restart, ev.metrics.trainLoss);
    if (ev.kind === "selected" && trainer.trialLength === 0) ev.selection.restartLosses.forEach((l, r) => options.onRestart?.(r, l));
  }
  const run = trainer.run;
  const selection = trainer.selection;
  for (const m of run.history) options.onEpoch?.(m);
  if (options.resume === undefined) options.onProgress?.(run, selection);
  while (!trainer.done) {
    const ev = trainer.advance();
    if (ev.kind === "epoch") options.onEpoch?.(ev.metrics);
    options.onProgress?.(run, selection);
  }
  return { model: run.model, history: run.history, restartLosses: selection.restartLosses, chosenRestart: selection.chosenRestart, seconds: (performance.now() - t0) / 1000, engine: run.engineLabel };
}

export { cloneModel };
