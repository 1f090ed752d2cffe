/**
 * Optimal-control training of the STNO network: minimise the readout loss subject to the discrete
 * dynamics, with gradients from the exact discrete adjoint (src/network/dynamics.ts) and Adam.
 * No I/O here: progress goes through the `onEpoch` callback.
 */
import type { DeviceCurve } from "../device/curve.js";
import { targetCount, type Dataset } from "../data/dataset.js";
import { createModel, createGradients, cloneModel, inputCount, extraInput, DEFAULT_EXTRA_P0, type Model, type Gradients } from "../network/model.js";
import { createWorkspace, loadBatch, gatherColumns, tableKernelSize, type Workspace } from "../network/dynamics.js";
import { CHUNK_SIZE, chunkPlan, reduceSlots, batchGradients, engineBatchGradients, engineTrainStep, createChunkScratch, chunkExecutor, executorCanRun, type ChunkScratch } from "./chunks.js";
import { createEngine32, PRECISIONS, type BatchEngine, type EngineFactory, type InferenceEngine, type Precision, type ResidentTraining } from "../network/engine.js";
import { initializeModel, type InitOptions } from "../network/init.js";
import { evaluateArrays, evaluateRegressionArrays } from "../network/api.js";
import { fitNormalization, fitStandardScaling, applyNormalization, stratifiedSplit, stratifiedFolds } from "../data/split.js";
import { subset } from "../data/dataset.js";
import { mergeNetworks } from "../network/ensemble.js";
import { parseFeatureMap, applyFeatureMap, type FeatureMap } from "../data/features.js";
import { operatingRange } from "../device/operating.js";
import { presetCurve } from "../device/presets.js";
import { Adam, scaleRuns, type AdamState, type ScaleRun } from "./adam.js";
import { learningRate, SCHEDULES, type Schedule } from "./schedule.js";
import { resolveSharpness, samEpoch, samUpdate, samPerturb, samRestore, type SharpnessOptions, type ResolvedSharpness } from "./sam.js";
import { Rng, deriveSeed, type RngState } from "../util/rng.js";
import { ComputationError, InputError } from "../util/errors.js";
import { integer, greaterThan, oneOf, inRange } from "../util/check.js";
import { resolveVariation, drawDevicesResolved, type VariationSpec, type ResolvedVariation } from "../device/variation.js";
import { resolveHardware, createHardwareState, hardwareBatchGradients, type Hardware, type ResolvedHardware, type HardwareState } from "../network/hardware.js";

/**
 * Metrics of one epoch. Losses are the mean training loss: softmax cross-entropy (natural log), or
 * for a regression model ½·Σ_o (z_o − ỹ_o)² of the standardised targets. Accuracies are in [0, 1];
 * a regression model reports R² in their place (≤ 1; see `RegressionEvaluation`) and its mean
 * squared errors in the targets' units in the `…Mse` fields.
 */
export interface EpochMetrics {
  /** 1-based epoch number. */
  epoch: number;
  /** Learning rate used during the epoch. */
  lr: number;
  /**
   * Mean softmax cross-entropy (nats) over the training rows after the epoch, with the epoch's final
   * parameters; on epochs between evaluations (`evalEvery`) the mean of what the epoch's batches
   * scored before their updates (full batch: the loss at the previous epoch's parameters).
   */
  trainLoss: number;
  /**
   * Fraction of training rows classified correctly, in [0, 1]; between evaluations (`evalEvery`),
   * as `trainLoss`, the batches' score before their updates (a regression model: NaN).
   */
  trainAccuracy: number;
  /** NaN when no test set was given or on epochs between evaluations (`evalEvery`). */
  testLoss: number;
  /** NaN when no test set was given or on epochs between evaluations (`evalEvery`). */
  testAccuracy: number;
  /** Wall time of the epoch's training part, seconds. */
  seconds: number;
  /** Loss on the validation rows carved from the training data; NaN when not evaluated this epoch or without validation. */
  valLoss?: number;
  /** Accuracy on the validation rows; NaN when not evaluated this epoch or without validation. */
  valAccuracy?: number;
  /** Regression models: mean squared error on the training rows (targets' units²; NaN when not evaluated this epoch). */
  trainMse?: number;
  /** Regression models: mean squared error on the test set (NaN without one). */
  testMse?: number;
  /** Regression models: mean squared error on the validation rows (NaN when not evaluated). */
  valMse?: number;
}

/** Options of {@link train}. Every field has a default. */
export interface TrainOptions {
  /** Device curve shared by all oscillators, or one per oscillator. @default eq. 4 paper device */
  devices: DeviceCurve | DeviceCurve[];
  /** Number of time steps n. @default 4 */
  steps?: number;
  /**
   * Number of oscillators K ≥ the number of features d. Oscillators d..K−1 start from `extraP0`
   * and couple through A(t) like the others (trained the same way).
   * @default max(d, 8, C) for d features and C classes (`AUTO_DEFAULTS.oscillators`; max(d, 8) for regression)
   */
  oscillators?: number;
  /** p(0) of the oscillators beyond the features, in normalised input units. @default 0.5 */
  extraP0?: number;
  /**
   * Input feature transforms, TensorFlow Playground's X₁, X₁², X₁X₂, sin X₁… for any number of
   * columns: one expression per input oscillator over the raw columns x1..xd of the data (grammar
   * in src/data/features.ts, e.g. `["x1", "x2", "x1^2", "x2^2", "x1*x2"]`, or presets such as
   * `"quadratic"`). The features are computed before the min–max normalisation, and the model
   * keeps the map (`Model.featureMap`), so it reads the raw columns afterwards.
   * @default none (undefined or null): oscillator j reads column j
   */
  features?: readonly string[] | null;
  /**
   * Depth curriculum: when `steps` exceeds this depth n0, a network of n0 steps is trained first
   * with the same options; its steps and readout then become the first n0 steps and the readout
   * of the deep network, whose later steps start near the identity flow (`init.keepSteps`), and
   * the deep network is fine-tuned (`CURRICULUM_FINE_TUNE`: a tenth of the learning rate
   * for a fifth of the epochs or updates) with one restart and a validation split (`validation`,
   * default 0.2 here); the best-scoring parameters, the starting ones included, are kept.
   * 0 turns it off. @default 0; with the automatic budget (no `epochs`) and more than
   * `AUTO_DEFAULTS.deepSteps` (12) steps, `AUTO_DEFAULTS.curriculumSteps` (4)
   */
  curriculum?: number;
  /**
   * Number of epochs. When given, training runs exactly this many epochs (no validation split and
   * no early stopping unless `validation` is set). When omitted, the budget is counted in optimiser
   * updates instead (`updates`), with a validation split and early stopping: see docs/training.md.
   * @default automatic: ceil(updates / batches per epoch)
   */
  epochs?: number;
  /** Budget of optimiser (Adam) updates when `epochs` is omitted. @default 3000, times the work
   * budget's factor s = min(1, 32 GFLOP / (3000 · 6·rows·steps·K²)) on sets trained full batch
   * (`AUTO_DEFAULTS.work`, `workScale` in src/train/train.ts; at least 100); above 1024 training
   * rows (minibatches) 100 epochs' worth, at least 6000 and at most 100 000 (`AUTO_DEFAULTS.large`) */
  updates?: number;
  /**
   * Fraction of each class of the training data held out as a validation set (stratified, seeded
   * by `seed`; never the test set). The validation loss/accuracy, evaluated about every
   * `evalEvery` updates, chooses among the restarts, drives early stopping, and the parameters of the
   * best validation score (lowest loss, then highest accuracy) are restored at the end. 0 turns it
   * off. @default 0.2 when `epochs` is omitted, the training set has at least 200 rows and every
   * class at least 5, else 0
   */
  validation?: number;
  /**
   * The work budget of the automatic full-batch schedule, in floating-point operations of its
   * matrix products (`AUTO_DEFAULTS.work`: the schedule shrinks when `updates` updates of
   * 6·rows·steps·K² flops would exceed it). A cross-validation ensemble's members each get
   * 2/(M + 1) of the default (`members`): M members and member 1's second weight-decay candidate
   * are M + 1 trainings where one network trains 2 (its two candidates), so the ensemble holds
   * the products of one network. @default `AUTO_DEFAULTS.work.flops` (32 GFLOP)
   */
  workBudget?: number;
  /** Early stopping: stop after this many optimiser updates without a better validation score
   * (the most a run waits; see `minPatience`). @default max(400, U/3) for the budget U before
   * the work budget, times its factor s (full batch: 1000·s) */
  patience?: number;
  /**
   * Early stopping's patience grows with the run: with the best validation score at update b,
   * training stops once min(patience, max(minPatience, b)) updates have passed without a better
   * one, i.e. a run waits as long as it took to reach its best, at least `minPatience` and at most
   * `patience` updates. Equal to `patience`: a fixed patience. @default with the automatic budget on
   * sets trained full batch (at most 1024 training rows) and no `patience` given
   * `AUTO_DEFAULTS.minPatience` (500) times the work budget's factor s, else `patience`
   */
  minPatience?: number;
  /** Minibatch size; 0 means full batch. Batches of more than 128 samples are computed in chunks
   * whose gradients are added in a fixed order (src/train/chunks.ts).
   * @default 0 (full batch) with explicit epochs; with the automatic budget full batch up to 1024
   * training rows, else 64 */
  batchSize?: number;
  /** Base learning rate (dimensionless; scaled per parameter by the device's scales). @default 0.02;
   * 0.01 with the automatic budget above 1024 training rows (`AUTO_DEFAULTS.large`) */
  lr?: number;
  /** Learning-rate schedule. @default "cosine" */
  schedule?: Schedule;
  /**
   * Fan-in reference K₀ of A's learning rate: with K oscillators A's entries step min(1, K₀/K)
   * times the rate (`updateScales` in src/train/train.ts); 0 turns the scaling off. Adam moves every entry of a
   * row of A by about the same amount, so a drive's step grows with the K entries it sums: above
   * about 64 oscillators the first updates threw the drives out of the device's window and a small
   * set trained to chance (moons with 128 oscillators: 50 %). @default 64 (no change up to 64
   * oscillators; the mnist task, whose learning rate was tuned at 784, 0); 32
   * (`AUTO_DEFAULTS.extraFanInReference`) with oscillators beyond the inputs on the full-batch
   * automatic budget
   */
  fanInReference?: number;
  /** Seed of initialisation and minibatch order. @default 0 */
  seed?: number;
  /** Independent initialisations tried; the one with the best validation score (without
   * validation: the lowest training loss) after `restartEpochs` epochs is kept and trained to the
   * end. @default 1 with explicit epochs, 3 with the automatic budget */
  restarts?: number;
  /** Epochs each restart is trained before choosing. @default max(1, round(epochs/10)), rounded to
   * a multiple of `evalEvery` (the trial then ends on an evaluated epoch) */
  restartEpochs?: number;
  /** Initialisation options. */
  init?: InitOptions;
  /** Number of classes; default: from the data (max label + 1, or classNames.length). */
  classes?: number;
  /** Test set for per-epoch metrics (never used to choose anything). */
  test?: Dataset;
  /**
   * Validation rows given by the caller (raw features, the training data's columns; rows of their
   * own, e.g. one fold of a cross-validation), used instead of the split carved from the training
   * data: every training row is trained on, and these rows drive what a carved split drives
   * (`validation`): the restart choice, early stopping, the restored best parameters and, with the
   * automatic budget, the choice among `AUTO_DEFAULTS.weightDecays`; the automatic input noise of
   * runs without validation is then off. @default none (the split of `validation`)
   */
  validationSet?: Dataset;
  /**
   * Cross-validation bagging: the number M of networks ("members") trained and averaged into the
   * returned model. The training rows are dealt into M stratified folds (`stratifiedFolds`, seeded
   * by `seed` + `ENSEMBLE_FOLD_SEED`); member m trains on the other folds (its own
   * normalisation, seed `seed` + 1000·m) and is early-stopped and restored on fold m (as a
   * `validationSet`), with the automatic weight decay chosen on member 1's fold among
   * `AUTO_DEFAULTS.weightDecays` and reused by the others. The model is `mergeNetworks` of the
   * members (logits = their mean; one network of M·K oscillators in the usual model format).
   * "auto": `AUTO_DEFAULTS.members` (3) for a classification run with the automatic budget (no
   * `epochs`), the default validation split (no `validation` or `validationSet` given, at least
   * `AUTO_DEFAULTS.minValidationRows` training rows and `AUTO_DEFAULTS.minClassRows` per class),
   * trained full batch (at most `AUTO_DEFAULTS.fullBatchRows` rows after the split) with its full
   * schedule (not shrunk by the work budget, `AUTO_DEFAULTS.work`) and without a depth curriculum;
   * 1 (one network, the same bits as before) otherwise. docs/training.md, "Cross-validation bagging".
   * @default "auto"
   */
  members?: number | "auto";
  /**
   * Evaluate train/test metrics every this many epochs (and always at the last); they only fill
   * the history, nothing is chosen by them except without a validation split (the automatic
   * budget's collapse guard and restart trials). @default 1; with the automatic budget, the
   * validation's cadence: every `VALIDATION_INTERVAL` (10) updates rounded to whole epochs (a
   * full-batch run every 10 epochs), with or without a validation split (without one, evaluating
   * every epoch for the collapse guard took a third of a 100-feature table's time). Evaluating the training rows and the test set after every
   * full-batch update cost as much as the update itself (a 300-row, 64-feature table: 0.86 of
   * 1.82 ms per epoch, `npm run bench:train-time`).
   */
  evalEvery?: number;
  /**
   * Decoupled (AdamW) weight decay λ applied to A and W each step: θ ← θ(1 − lr·r·λ), r the
   * dimensionless reference scale (`referenceScales` in src/train/train.ts; the same fraction for a device in any units).
   * @default 0 with explicit epochs; with the automatic budget and a validation split chosen by
   *   validation loss among `AUTO_DEFAULTS.weightDecays` (0 and 0.3; {@link Trainer}), without a
   *   validation split `AUTO_DEFAULTS.smallWeightDecay` (0.3); docs/training.md
   */
  weightDecay?: number;
  /**
   * L1 regularisation λ₁ of A and W (TensorFlow Playground's "L1" with its rate): after each Adam
   * update θ ← sign θ·max(|θ| − lr·scale·λ₁, 0), the proximal step of λ₁·|θ| decoupled from Adam's
   * moments as the weight decay is (src/train/adam.ts). Couplings whose Adam step stays below λ₁
   * of a full step become exactly 0: a sparser A. Dimensionless, like `weightDecay`. @default 0
   */
  l1?: number;
  /**
   * How the features are scaled to p(0), fitted on the training rows and stored in the model as
   * its min–max normalisation either way (same model format): "minmax", p_j = (x_j − min_j)/(max_j
   * − min_j), every feature stretched to [0, 1]; "standard", p_j = 0.5 + z_j/(2·zmax) with z_j the
   * standardised feature and zmax the largest |z| of the training rows (`fitStandardScaling` in
   * src/data/split.ts): one common scale, so a feature keeps its spread in standard deviations
   * relative to the others, as logistic regression's scaler does. Measured on the small tabular
   * sets in docs/results.md (issue 15, eighth pass: diversity): "standard" lifts wine and costs iris
   * and breast cancer, so it is not the default. @default "minmax"
   */
  inputScaling?: "minmax" | "standard";
  /** Std of Gaussian noise added to each training input p(0) per epoch (augmentation, normalised input units).
   * @default 0; with the automatic budget, a classification set without a validation split and at
   * most 32 input features `AUTO_DEFAULTS.smallInputNoise` (0.06) */
  inputNoise?: number;
  /**
   * Sharpness-aware minimisation (src/train/sam.ts): updates take the batch gradient at the worst
   * parameters within radius `rho` (dimensionless coordinates θ/s), one more forward and adjoint
   * pass per SAM update; `start`, `every`, `adaptive`, `params` and `whenFit` choose a milder or
   * cheaper form. Not with `hardware`. @default none; with the automatic budget, a classification
   * set without a validation split `AUTO_DEFAULTS.smallSam` (adaptive, ρ 0.3, the last third of
   * the epochs, on updates whose batch is classified without an error); `null` turns it off
   */
  sam?: SharpnessOptions | null;
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
   * The engine that computes the training batches, chosen once by the caller (e.g.
   * `nativeFactory()` from src/node/native-engine.ts, or for `precision: "float32"`
   * `native32Factory()` from src/node/native-engine32.ts; the CLI picks them with `--engine`): every
   * float64 engine gives the same bits, so there this changes speed only; float32 engines agree to
   * float32 rounding. Used when its precision is the run's, every device is eq. 4 and there are no
   * hardware effects; otherwise (and when omitted) batches run on the WebAssembly engine of the
   * run's precision, or the TypeScript reference where WebAssembly SIMD is missing.
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
  resume?: {
    /** The restored run (model, optimiser state, generator, epochs done, history). */
    run: TrainingRun;
    /** The restart choice recorded in the checkpoint, reported again as is. */
    selection: RestartSelection;
    /** The depth curriculum's shallow network the run started from, as the checkpoint recorded it
     * (its first-epoch loss is the deep run's "learned nothing" baseline); reported again as
     * {@link TrainResult.curriculum}. @default null (none, or not recorded) */
    curriculum?: TrainResult["curriculum"];
    /** The ensemble the run belongs to (`members` above 1): which member `run` is, and the members
     * finished before it. @default none: the run is the whole training (one member) */
    ensemble?: EnsembleResume;
  };
}

/** A finished member of a cross-validation ensemble ({@link TrainOptions.members}). */
export interface FinishedMember {
  /** Its trained network (best validation parameters restored). */
  model: Model;
  /** What the training record says of it. */
  record: EnsembleMember;
  /** Its automatic weight-decay choice (member 1's is the ensemble's), or null. */
  weightDecay: WeightDecayChoice | null;
}

/** Where a resumed run stands in its ensemble ({@link TrainOptions.resume}). */
export interface EnsembleResume {
  /** Index (0-based) of the member whose run is resumed. */
  member: number;
  /** The members before it, finished, in order. */
  finished: FinishedMember[];
}

/** One member of a cross-validation ensemble as the training record keeps it ({@link TrainResult.ensemble}). */
export interface EnsembleMember {
  /** Seed of its initialisation and restarts. */
  seed: number;
  /** Rows it trained on (the other folds). */
  rows: number;
  /** Its fold: the validation rows, and the restored best score on them. */
  validation: {
    /** Rows of the fold. */
    n: number;
    /** Validation accuracy of its restored parameters, in [0, 1]. */
    accuracy: number;
    /** Their mean validation loss. */
    loss: number;
    /** Epoch (1-based) after which they were measured. */
    epoch: number;
  };
  /** Epochs its kept run trained. */
  epochs: number;
  /** Its weight decay λ. */
  weightDecay: number;
}

/** The members of a cross-validation ensemble, in order ({@link TrainResult.ensemble}). */
export interface EnsembleRecord {
  /** Seed of the stratified folds (`seed` + `ENSEMBLE_FOLD_SEED`). */
  foldSeed: number;
  /** Each member's seed, rows and fold score. */
  members: EnsembleMember[];
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
  /** Best validation score so far and its parameters (runs with a validation set). */
  best?: BestSnapshot | null;
}

/** The parameters with the best validation score seen so far (early stopping restores them). */
export interface BestSnapshot {
  /** Validation accuracy in [0, 1]. */
  accuracy: number;
  /** Mean validation loss. */
  loss: number;
  /** Epoch (1-based) after which it was measured. */
  epoch: number;
  /** Optimiser step count at that time. */
  update: number;
  A: Float64Array;
  B: Float64Array;
  W: Float64Array;
  c: Float64Array;
}

/** True when validation score (accuracy a, loss l) beats (b.accuracy, b.loss): lower mean loss, ties broken by higher accuracy (the loss moves smoothly; the accuracy of a small validation set jumps and peaked within the first epochs on breast cancer, 92.0 % vs 94.7 % test). */
export function betterScore(a: number, l: number, b: { accuracy: number; loss: number } | null): boolean {
  if (b === null) return true;
  return l < b.loss || (l === b.loss && a > b.accuracy);
}

/**
 * A run of the automatic budget without a validation split that ends more than this (mean
 * cross-entropy, nats) above its lowest training loss has fallen off its solution, and gets the
 * parameters of that lowest loss back ({@link Trainer.finish}). A normal run ends at its lowest
 * loss or within a few thousandths of it (cosine schedule), and keeps its last parameters.
 */
export const COLLAPSE_MARGIN = 0.1;

/** Updates between two validation evaluations (rounded to whole epochs). */
export const VALIDATION_INTERVAL = 10;

/** Fully resolved options (what the algorithm reads). */
export interface ResolvedTrainOptions {
  /** Number of time steps n ({@link TrainOptions.steps}). */
  steps: number;
  /** Epochs to run (with `auto`, planned from `updates` for the training rows). */
  epochs: number;
  /** True when the budget was counted in updates (no explicit `epochs`). */
  auto: boolean;
  /** Update budget of the automatic mode (0 with explicit epochs). */
  updates: number;
  /** Oscillators K (null: max(d, AUTO_DEFAULTS.oscillators, C) for d features and C classes, decided with the data). */
  oscillators: number | null;
  /** p(0) of the extra oscillators. */
  extraP0: number;
  /** Input feature transforms as given (null: none); `featureMapOf` expands them for the data. */
  features: string[] | null;
  /** Depth of the curriculum's first network (0: none). */
  curriculum: number;
  /** Validation fraction (0: none). */
  validation: number;
  /** Early-stopping patience in optimiser updates (0: no early stopping): the most a run waits for a better validation score. */
  patience: number;
  /** The least a run waits: after a best score at update b the patience in force is min(patience, max(minPatience, b)) ({@link TrainOptions.minPatience}). */
  minPatience: number;
  /** Minibatch size in rows; 0 means full batch ({@link TrainOptions.batchSize}). */
  batchSize: number;
  /**
   * Base learning rate, dimensionless, before the schedule and the per-parameter scales ({@link
   * TrainOptions.lr}).
   */
  lr: number;
  /** Fan-in reference of A's learning rate, 0 for none ({@link TrainOptions.fanInReference}). */
  fanInReference: number;
  /** Learning-rate schedule over the epochs ({@link TrainOptions.schedule}). */
  schedule: Schedule;
  /** Seed of initialisation, restarts and minibatch order ({@link TrainOptions.seed}). */
  seed: number;
  /** Independent initialisations tried before one is kept ({@link TrainOptions.restarts}). */
  restarts: number;
  /** Epochs each restart is trained before the choice ({@link TrainOptions.restartEpochs}). */
  restartEpochs: number;
  /** Train/test metrics every this many epochs, and at the last ({@link TrainOptions.evalEvery}). */
  evalEvery: number;
  /** Decoupled weight decay λ on A and W (0: none; {@link TrainOptions.weightDecay}). */
  weightDecay: number;
  /** L1 rate λ₁ on A and W (0: none). */
  l1: number;
  /**
   * Std of the Gaussian noise added to each training input p(0) per epoch, in normalised input units (0:
   * none).
   */
  inputNoise: number;
  /** Sharpness-aware minimisation with every default filled in, or null for none ({@link TrainOptions.sam}). */
  sam: ResolvedSharpness | null;
  /**
   * Device variation drawn per minibatch for variation-aware training, or null ({@link
   * TrainOptions.variation}).
   */
  variation: VariationSpec | null;
  /** Hardware non-idealities in the training pass, or null ({@link TrainOptions.hardware}). */
  hardware: Hardware | null;
  /** Arithmetic of the training batches, "float64" or "float32" ({@link TrainOptions.precision}). */
  precision: Precision;
  /** Initialisation options with every default filled in ({@link TrainOptions.init}). */
  init: InitOptions;
}

/** Library defaults of the automatic budget (no explicit `epochs`); see docs/training.md. */
export const AUTO_DEFAULTS = {
  updates: 3000,
  validation: 0.2,
  /** Largest training set trained full batch. */
  fullBatchRows: 1024,
  minibatch: 64,
  restarts: 3,
  /**
   * Least early-stopping patience in updates on sets trained full batch (`minPatience`): a run
   * waits as long as it took to reach its best validation score, at least this and at most
   * `patience` (max(400, updates/3) = 1000). A wide table overfits within tens of updates (300 rows × 64
   * features: best validation loss at update 40–160 on 4 of 5 seeds) and then waited the whole
   * 1000: 3.1 → 2.5 s of CPU, the same test accuracy on every seed. 500, not less: breast cancer's
   * seed 0 improves once more after 420 updates without a better score (docs/training.md).
   */
  minPatience: 500,
  /** Fewest oscillators of a network when `oscillators` is not given (more than the features when d is small). */
  oscillators: 8,
  /** Fewest training rows for the default validation split: below it, 20 % is at most 40 rows,
   * whose accuracy moves in steps of 2.5 points, and those rows are worth more as training data
   * (iris 95.3 → 96.7 %, wine 96.7 → 98.9 %, 5 seeds; docs/results.md). */
  minValidationRows: 200,
  /** Fewest rows per class for a validation split. */
  minClassRows: 5,
  /**
   * Weight decays the automatic budget chooses among when `weightDecay` is not given, there is a
   * validation split and the run trains full batch (at most `fullBatchRows` rows; larger sets
   * keep the first, 0, and their training time): each is trained and the one with the best
   * validation score is kept ({@link Trainer}). No single value suits every set: over λ = 0, 0.3 lifted generated tables
   * by 4–6 points, 4×4 digits by 2.8 and breast cancer by 0.9, but cost the 2-turn spiral
   * 14 points (docs/results.md, "Training on the user's problem").
   */
  weightDecays: [0, 0.3],
  /**
   * Weight decay without a validation split (fewer than `minValidationRows` training rows, or a
   * class of fewer than `minClassRows`). Over seeds 0–19 it lifted iris 96.2 → 96.5 %, wine
   * 96.5 → 96.9 % and a generated 3-class set 87.3 → 90.6 %; choosing between 0 and 0.3 on a 20 %
   * holdout of so few rows did worse (iris 96.7 → 96.3, wine 96.7 → 96.1, 10 seeds). Such runs
   * keep the parameters of their lowest training loss, which undoes a collapse (decay can shrink
   * every drive below the threshold, where the gradients vanish).
   */
  smallWeightDecay: 0.3,
  /**
   * Input noise (`inputNoise`, std in normalised input units) of classification runs without a
   * validation split (the same small sets as `smallWeightDecay`) on at most
   * `smallInputNoiseMaxFeatures` input features: Gaussian noise on p(0), redrawn every epoch,
   * smooths the decision boundary that so few rows leave free. Over seeds 0–39 it lifted iris
   * 96.92 → 97.50 % and wine 97.36 → 97.50 % (logistic regression 97.33 / 98.13); over seeds 0–9,
   * six generated sets of 100–200 rows (`npm run bench:tabular`) by 2.0 points on average
   * (4.0 above logistic regression instead of 2.0); docs/results.md, "fifth pass". It draws
   * K·rows normals per update: iris 0.14 → 0.30 s CPU, wine 0.27 → 0.82 s.
   */
  smallInputNoise: 0.06,
  /** Most input features for `smallInputNoise` (measured up to 30; wider tables keep their time budget). */
  smallInputNoiseMaxFeatures: 32,
  /**
   * Sharpness-aware minimisation (`sam`, src/train/sam.ts) of classification runs without a
   * validation split (the same small sets as `smallWeightDecay`): adaptive SAM of radius 0.3 in
   * the last third of the epochs (from 0.6667 of them), on the updates whose batch is classified without an error. Where
   * the training rows are separated (wine: 100 % training accuracy) it widens the margin; where
   * they are not (iris: 97 %), SAM's worst-case direction was set by the misclassified rows and
   * moved the boundary into the other class (SAM on every update: iris −1.0, wine +0.5), so those
   * updates stay plain. Paired against the defaults without it, seeds 0–39 / 40–79: wine
   * +1.11 ± 0.24 / +1.32 ± 0.31 points, iris 0.00 ± 0.00 / 0.00 ± 0.12, at 1.08× the CPU;
   * docs/results.md, "eighth pass: sam". Not on sets whose schedule the work budget (`work`)
   * already shrinks: there SAM's second pass took a 100-feature, 80-row table from 2.0 to 2.9 s
   * of CPU, at the 3 s goal.
   */
  smallSam: { rho: 0.3, adaptive: true, whenFit: true, start: 0.6667 },
  /**
   * The budget of sets of more than `fullBatchRows` training rows (after the validation split),
   * trained in minibatches of `minibatch`: learning rate `lr` instead of 0.02, and
   * clamp(`epochs` × batches per epoch, `minUpdates`, `maxUpdates`) updates instead of `updates`
   * (3 200 rows trained on: 6 000 updates = 120 epochs; 6 400 to 64 000 rows: 100 epochs; 128 000 rows: 100 000 updates = 50 epochs).
   * 3 000 updates at 0.02 were tuned on sets of at most 1 800 rows; on larger sets they
   * stopped short (30 000 rows: 10 epochs, 75.6 % test, 83.3 % after 134 epochs) and the
   * minibatch noise at 0.02 cost points (digits as a CSV 95.9 → 97.7 %, a 10 000-row set
   * 90.3 → 91.8 %; 4 seeds each, docs/results.md, "Large sets"). Each update of 64 rows costs
   * tens of microseconds on the native engine for ten features, so 100 000 rows train in seconds.
   */
  large: { lr: 0.01, epochs: 100, minUpdates: 6000, maxUpdates: 100_000 },
  /**
   * Most time steps trained without a depth curriculum (`curriculum`) on the automatic budget:
   * deeper networks first train `curriculumSteps` steps, then extend them (docs/training.md,
   * "Depth curriculum"). Started at random, deep networks lose their inputs: at 40 steps two
   * moons-like sets and a noisy 4-class table fell to 90 / 89 / 39 % (curriculum: 93 / 94 / 65 %,
   * and 2–4× faster), at 48–64 steps to 52–82 % where the 4-step network reaches 89–96 %. 32
   * (the first threshold, from two 3–5-feature tables at 16–32 steps) left a plain 10-feature
   * table (800 rows, 2 classes) at 81.5–86.0 % for 12–32 steps where 8 steps reach 90.2 % and the
   * curriculum 88.2–89.0 %. Over nine tables at 8–32 steps (2 seeds; docs/results.md, "eighth
   * pass: defaults2") the curriculum minus the random start was −0.4 points on average at 8 steps
   * (7 of 9 lower), +1.1 at 12 (4 higher, 4 lower), +1.9 at 16, +3.7 at 20, +0.5 at 24 and +2.8
   * at 32, and it took a third to a half of the CPU of a deep run started at random (32 steps:
   * 0.68 s against 2.14 s on average, 4.2 s the most).
   */
  deepSteps: 12,
  /** Depth of the shallow network a deep one (more than `deepSteps` steps) starts from: the default steps. */
  curriculumSteps: 4,
  /**
   * The work budget of a full-batch automatic schedule: the matrix products of its `updates`
   * ({@link updateWork}: 6·rows·steps·K² flops per update) may hold at most `flops`; above that
   * the whole schedule — updates, restart trials (a tenth of them), patience and least patience —
   * shrinks by the same factor s = flops / (updates · work per update) ({@link workScale}), never
   * below `minUpdates` updates. A count of operations, not of seconds: the same data and options
   * give the same schedule and the same bits on any machine. 32 GFLOP is 0.8 s of the native
   * engine's products on one core (about 40 GFLOP/s); with two weight-decay candidates, the
   * restarts' trials and the evaluations, the 100-feature tables of `npm run bench:train-time`
   * train in under 3 s of CPU (they took 4.1–10.9 s), and their best validation score came
   * within the first 60–150 updates anyway (docs/training.md, "The work budget"). Sets whose
   * update costs at most 32e9 / 3000 ≈ 10.7 MFLOP keep the full schedule: every 2-D set, the
   * paper-size tables, iris, wine, breast cancer (7.9 MFLOP).
   */
  work: { flops: 32e9, minUpdates: 100 },
  /**
   * Fan-in reference of A's learning rate (`fanInReference`) for a network with oscillators beyond
   * its inputs (`oscillators` above the features) on the full-batch automatic budget; 64 otherwise.
   * At 64 the rate was not reduced up to 64 oscillators, and 64 oscillators on a 3-feature table
   * trained to chance (Gaussian quantiles 700 × 3: 41 / 37 / 50 % on seeds 0–2, the loss never
   * leaving ln 3; circles 85 / 74 / 97 %) where 48 trained (95 / 91 / 94 %); 128 and 256 reached
   * 79–87 % and 70–83 %. At 32: 64 oscillators 93 / 92 / 95 %, 128 93–94 %, 256 93–97 %, circles
   * 100 % at 64–256, iris unchanged (docs/training.md, "Oscillators beyond the input size"). Networks
   * of feature oscillators only keep 64 (a 500 × 100 table scored 94 / 95 / 86 % with 64, 90 / 89 /
   * 87 % with 32), and up to 32 oscillators nothing changes (the same bits).
   */
  extraFanInReference: 32,
  /**
   * Members of the cross-validation ensemble (`members` "auto") of a classification run with the
   * automatic budget, the default validation split, full-batch training and no depth curriculum:
   * three networks, each trained on two thirds of the training rows and early-stopped on the
   * other third, logits averaged. Over 40 paired seeds it lifted breast cancer by +0.44 ± 0.24 and
   * +0.40 ± 0.21 points (seeds 0–39, 40–79; on seeds 0–4 97.70 %, logistic regression's mean) and
   * the untuned generated sets with a validation split by 1.5 points on average (docs/results.md,
   * "seventh pass" and "eighth pass: cvbag"). Sets without a validation split (iris, wine) lost
   * with it and keep one network; so do sets trained in minibatches (above `fullBatchRows` rows:
   * not measured, and it would triple their training time) and sets whose one network's schedule
   * the work budget already shrinks (`work`: its 3000 updates would exceed 32 GFLOP, e.g. tables
   * of 64–100 features): three networks there took about twice one network's CPU time, 4.0–4.4 s
   * for the 100-feature tables of `npm run bench:train-time`, over the 3 s goal. The members share
   * one network's work budget (`TrainOptions.workBudget`).
   */
  members: 3,
} as const;

/** Added to the seed to seed the folds of a cross-validation ensemble ({@link TrainOptions.members}). */
export const ENSEMBLE_FOLD_SEED = 7919;

/** Member m of a cross-validation ensemble trains with seed `seed` + m · this ({@link TrainOptions.members}). */
export const ENSEMBLE_SEED_STRIDE = 1000;

/** Most members of a cross-validation ensemble. */
export const MAX_MEMBERS = 20;

/**
 * Work of one optimiser update in floating-point operations: the matrix products of a batch of
 * `rows` through `steps` steps of `k` oscillators, 6·rows·steps·k² (the forward drives A(t)·p(t),
 * the adjoint A(t)ᵀ·λ and the gradient of A(t), each 2·rows·k² per step). The device curve, the
 * readout and Adam add terms linear in k, which do not matter where the work budget acts.
 */
export function updateWork(rows: number, steps: number, k: number): number {
  return 6 * rows * steps * k * k;
}

/**
 * Fraction s ≤ 1 of the automatic full-batch schedule (updates, restart trials, patience) that
 * the work budget `AUTO_DEFAULTS.work` allows for updates of `work` flops each ({@link updateWork}):
 * min(1, flops / (updates · work)), at least minUpdates / updates. 1 for work ≤ 0 (not known).
 * @param flops the budget (`TrainOptions.workBudget`). @default AUTO_DEFAULTS.work.flops
 */
export function workScale(work: number, flops: number = AUTO_DEFAULTS.work.flops): number {
  const W = AUTO_DEFAULTS.work, U = AUTO_DEFAULTS.updates;
  if (!(work > 0)) return 1;
  return Math.min(1, Math.max(W.minUpdates / U, flops / (U * work)));
}

/**
 * Resolves and validates training options (throws InputError naming the option).
 * @param fitRows rows the run trains on (after the validation split), which the automatic budget
 *   needs to turn updates into epochs; without it an automatic budget assumes one update per epoch.
 */
export function resolveTrainOptions(o: Omit<TrainOptions, "devices">, fitRows?: number, oscillators?: number): ResolvedTrainOptions {
  const auto = o.epochs === undefined;
  const rows = fitRows ?? 1;
  // The large-set budget (AUTO_DEFAULTS.large) for more than fullBatchRows training rows.
  const large = auto && rows > AUTO_DEFAULTS.fullBatchRows;
  const batchSize = integer(o.batchSize ?? (large ? AUTO_DEFAULTS.minibatch : 0), 0, 100_000_000, "batch size");
  const perEpoch = batchSize === 0 ? 1 : Math.ceil(rows / batchSize);
  const L = AUTO_DEFAULTS.large;
  const steps = integer(o.steps ?? 4, 1, 10_000, "steps");
  // The work budget (AUTO_DEFAULTS.work) shrinks the whole full-batch schedule when one update is costly.
  const flops = greaterThan(o.workBudget ?? AUTO_DEFAULTS.work.flops, 0, "work budget");
  const s = auto && !large && o.updates === undefined ? workScale(updateWork(batchSize === 0 ? rows : Math.min(rows, batchSize), steps, oscillators ?? 0), flops) : 1;
  // The schedule before the work budget: its updates, and the patience that goes with them.
  const full = auto ? integer(o.updates ?? (large ? Math.min(L.maxUpdates, Math.max(L.minUpdates, L.epochs * perEpoch)) : AUTO_DEFAULTS.updates), 1, 1e9, "updates") : 0;
  const updates = auto ? Math.max(1, Math.round(full * s)) : 0;
  const epochs = auto ? Math.max(1, Math.ceil(updates / perEpoch)) : integer(o.epochs as number, 0, 10_000_000, "epochs");
  const validation = inRange(o.validation ?? (auto ? AUTO_DEFAULTS.validation : 0), 0, 0.5, "validation fraction");
  const patience = integer(o.patience ?? (auto ? Math.round(s * Math.max(400, Math.round(full / 3))) : 0), 0, 1e9, "patience");
  // A patience that grows with the run (AUTO_DEFAULTS.minPatience) on sets trained full batch; the large-set budget keeps its own.
  const minPatience = Math.min(patience, integer(o.minPatience ?? (auto && !large && o.patience === undefined ? Math.round(s * AUTO_DEFAULTS.minPatience) : patience), 0, 1e9, "minimum patience"));
  // With the automatic budget the metrics are evaluated at the validation's cadence (a full-batch
  // run every 10 updates), with or without a validation split, and the restart trials end on an
  // evaluated epoch (their score without validation is its training loss).
  const evalEvery = integer(o.evalEvery ?? (auto ? Math.max(1, Math.round(VALIDATION_INTERVAL / perEpoch)) : 1), 1, 10_000_000, "evalEvery");
  const precision = oneOf(o.precision ?? "float64", PRECISIONS, "precision");
  const sam = resolveSharpness(o.sam);
  if (sam !== null && o.hardware) throw new InputError(`sam cannot be combined with hardware effects (their batches draw read noise per pass); train one or the other`);
  if (precision === "float32" && o.hardware) throw new InputError(`precision float32 cannot be combined with hardware effects; train those in float64`);
  return {
    steps,
    epochs,
    auto,
    updates,
    oscillators: o.oscillators === undefined ? null : integer(o.oscillators, 1, 100_000, "oscillators"),
    extraP0: inRange(o.extraP0 ?? DEFAULT_EXTRA_P0, -1e6, 1e6, "extra oscillators' p(0)"),
    features: o.features == null ? null : o.features.map((f) => f.trim()),
    curriculum: integer(o.curriculum ?? (auto && (o.steps ?? 4) > AUTO_DEFAULTS.deepSteps ? AUTO_DEFAULTS.curriculumSteps : 0), 0, 10_000, "curriculum depth"),
    validation,
    patience,
    minPatience,
    batchSize,
    lr: greaterThan(o.lr ?? (large ? L.lr : 0.02), 0, "learning rate"),
    schedule: oneOf(o.schedule ?? "cosine", SCHEDULES, "schedule"),
    fanInReference: inRange(o.fanInReference ?? FAN_IN_REFERENCE, 0, 1e9, "fan-in reference"),
    seed: integer(o.seed ?? 0, 0, Number.MAX_SAFE_INTEGER, "seed"),
    restarts: integer(o.restarts ?? (auto ? AUTO_DEFAULTS.restarts : 1), 1, 1000, "restarts"),
    restartEpochs: integer(o.restartEpochs ?? evalEvery * Math.max(1, Math.round(epochs / 10 / evalEvery)), 0, 10_000_000, "restart epochs"),
    evalEvery,
    weightDecay: inRange(o.weightDecay ?? 0, 0, 1e6, "weight decay"),
    l1: inRange(o.l1 ?? 0, 0, 1e6, "L1 rate"),
    inputNoise: inRange(o.inputNoise ?? 0, 0, 1e6, "input noise"),
    sam,
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

/** Default fan-in reference of A's learning rate ({@link TrainOptions.fanInReference}, {@link updateScales}). */
const FAN_IN_REFERENCE = 64;

/** Depth from which the learning rate of A(t), B(t) shrinks as DEPTH_REFERENCE/n (see {@link updateScales}). */
export const DEPTH_REFERENCE = 4;

/**
 * Learning-rate multipliers of (A, B, W, c) for Adam, from the devices' natural scales so that the
 * optimisation does not depend on the device's units, power scale P0 or drive polarity:
 * - A[0] multiplies the normalised inputs (0..1): uc per entry, where uc = √(current scale);
 * - A[t ≥ 1] multiplies powers: uc/pm (pm = the curves' mean maximum power);
 * - B: uc; W: 1/pm; c: 1.
 * These are the step scales s of {@link Adam.step}; with {@link referenceScales} r they give each
 * parameter's unit u = s/r, and Adam runs on θ̃ = θ/u (src/train/adam.ts).
 * A and B are further multiplied by min(1, depthReference/n): a change of every step by the same
 * relative amount moves p(n) about n times as far, so deeper networks take proportionally smaller
 * steps (measured: spiral at n = 16 reaches 99 % with it, 91 % without; docs/results.md).
 * A is further multiplied by min(1, fanInReference/k) when `fanInReference` > 0: Adam steps
 * every entry by about the same amount, so a drive Σ_j A_ij·p_j moves k times an entry's step
 * ({@link TrainOptions.fanInReference}). Only the step scales s take it, not the reference scales r
 * ({@link referenceScales}): weight decay, the fraction 1 − lr·r·λ per update, is not scaled by it.
 */
export function updateScales(model: Model, depthReference = DEPTH_REFERENCE, fanInReference = 0): [Float64Array, number, number, number] {
  const [aS, bS, wS, cS] = parameterScales(model.devices);
  const depth = Math.min(1, depthReference / model.steps);
  const { k, steps } = model;
  const fan = fanInReference > 0 ? Math.min(1, fanInReference / k) : 1;
  const A = new Float64Array(steps * k * k).fill(aS * depth * fan);
  // aS = uc/pm; the first step's entries multiply inputs of scale 1, not pm.
  A.fill(bS * depth * fan, 0, k * k);
  return [A, bS * depth, wS, cS];
}

/** The device whose natural scales are the unit of the dimensionless parameters: the paper's test device (eq. 4, a = 4, b = 5, Ic = 1, Q = 2). */
const UNIT_REFERENCE = presetCurve("paper-test");

/**
 * Reference scales r of (A, B, W, c) for {@link Adam.step}: {@link updateScales} of the same
 * network with every device replaced by the paper's test device, pure numbers. With the step scales
 * s they define the parameters' units u = s/r, and Adam runs on the dimensionless θ̃ = θ/u
 * (src/train/adam.ts): ε acts as ε·r/s on √v̂ and decoupled decay multiplies a parameter by
 * 1 − lr·r·λ, so neither depends on the device's units, power scale P0 or drive polarity. With
 * the step scales instead (before): W's s is 1/p_max, 3.6·10⁷ for a device fitted in watts, so
 * λ = 0.3 turned the decay factor to −2·10⁵ and training diverged (in nW it decayed 27× weaker
 * than for the normalised copy), and ε = 10⁻⁸ on √v̂ in W⁻¹ was ε̃ = ε·s/r ≈ 0.4 on the dimensionless W,
 * which stalled training (moons, 150 epochs: loss 0.355 against 0.028). The paper's test device
 * has r = s: its training keeps its bits.
 */
export function referenceScales(model: Model, depthReference = DEPTH_REFERENCE): [Float64Array, number, number, number] {
  return updateScales({ ...model, devices: model.devices.map(() => UNIT_REFERENCE) }, depthReference);
}

/**
 * One training run in progress: model, optimiser, generator and history. `epoch()` advances one
 * epoch, so callers (CLI, playground worker, checkpointing) can drive, pause and persist it.
 */
export class TrainingRun {
  /** The network being trained; its parameters A, B, W, c are updated in place. */
  readonly model: Model;
  /** The resolved options of the run. */
  readonly options: ResolvedTrainOptions;
  /** The optimiser with its step count and moments (checkpointed with the run). */
  readonly adam: Adam;
  /** Generator of the minibatch order and input noise, seeded from the run's seed (checkpointed). */
  rng: Rng;
  /** Epochs completed. */
  epochsDone = 0;
  /** Metrics of the completed epochs, in order. */
  readonly history: EpochMetrics[] = [];
  private readonly p0: Float64Array;
  private readonly y: Int32Array;
  /** A regression model's standardised training targets (n·m, row-major), else null. */
  private readonly targets: Float64Array | null;
  /** The current minibatch's standardised targets in batch order (regression), else null. */
  private readonly batchTargets: Float64Array | null;
  private readonly n: number;
  /** Workspace of one chunk (capacity min(batch, CHUNK_SIZE)), or of a whole batch with hardware effects. */
  private readonly ws: Workspace;
  /** The float32 engine (precision "float32"), which then holds the batch input; else null. */
  private readonly engine32: BatchEngine | null;
  /** The caller's float64 engine (TrainOptions.engine) when it runs this model, which then holds the batch input; else null. */
  private readonly engine64: BatchEngine | null;
  /** The caller's engine when it runs this model (engine64, or a float32 engine such as the native one): whole batches on its own threads. */
  private readonly ownEngine: BatchEngine | null;
  /**
   * engine64's resident training when it has one (the native engine): during an epoch the
   * parameters live in the engine, loaded at its start and stored back at its end (also when it
   * throws), so batches copy nothing; Adam's moments, which only this run reads, are loaded
   * before its first epoch and stay there (`momentsInEngine`) until {@link TrainingRun.getState}
   * or a failed update copies them back; else null.
   */
  private readonly resident: ResidentTraining | null;
  /** SAM's copy of the parameters at θ while the second pass runs at θ + ε (made on first use). */
  private samSaved: Float64Array[] | null = null;
  /** True once Adam's moments live in the resident engine (`adam.state.m`/`v` are then stale). */
  private momentsInEngine = false;
  /** The learning-rate scales as runs, for the resident engine's update. */
  private readonly runs: readonly ScaleRun[];
  /** Which engine computes the training batches, e.g. "native (avx512, 8 float64 lanes, 1 thread)" or "wasm64 (…)". */
  readonly engineLabel: string;
  private readonly evalWs: Workspace;
  /** The caller's engine for the per-epoch evaluation (float64, same bits as evalWs), when it has one and runs this model. */
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
  private readonly scales: ReadonlyArray<number | Float64Array>;
  /** Reference scales r of (A, B, W, c): pure numbers, the same for a device in any units (`referenceScales`); u = s/r is each parameter's unit. */
  private readonly references: ReadonlyArray<number | Float64Array>;
  private readonly decay: number[] | undefined;
  /** L1 rate per parameter array (A, B, W, c), or undefined without L1. */
  private readonly l1: number[] | undefined;
  private readonly trainSet: Dataset;
  private readonly testSet: Dataset | undefined;
  private readonly baseDevices: Model["devices"];
  private readonly variation: ResolvedVariation | null;
  private readonly hw: ResolvedHardware | null;
  private readonly hwState: HardwareState | null;
  /** Validation rows carved from the training data (null: none). */
  private readonly valSet: Dataset | null;
  /** Epochs between validation evaluations. */
  private readonly valEvery: number;
  /** Best validation score so far and its parameters. */
  best: BestSnapshot | null = null;

  /**
   * @param init when true, initialise parameters (data-dependent) from `seed`; pass false to
   *   continue from parameters already in `model`.
   */
  /**
   * @param val validation rows (raw features, disjoint from `trainSet`), evaluated about every
   *   `VALIDATION_INTERVAL` = 10 updates; the best-scoring parameters are kept in `best`.
   * @param engine the float64 batch engine to use when it can run this model (TrainOptions.engine).
   */
  constructor(model: Model, trainSet: Dataset, options: ResolvedTrainOptions, seed: number, test: Dataset | undefined, init = true, engine: EngineFactory | null = null, val: Dataset | null = null) {
    this.model = model;
    this.options = options;
    this.trainSet = trainSet;
    this.testSet = test;
    this.n = trainSet.n;
    this.y = trainSet.y;
    const regression = model.problem === "regression";
    if (regression && trainSet.targets === undefined) throw new InputError(`a regression model needs a data set with real targets`);
    this.targets = regression ? standardTargets(trainSet, model) : null;
    if (regression && options.precision === "float32") throw new InputError(`precision float32 has no regression loss (its engines fuse the softmax cross-entropy only); train regression in float64`);
    const features = model.featureMap ? applyFeatureMap(model.featureMap, trainSet) : trainSet;
    this.p0 = model.normalization ? applyNormalization(features.x, features.d, model.normalization) : features.x;
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
    const eq4Only = model.devices.every((d) => d.model === "eq4");
    // Table devices have a kernel in the engines whose factory says so (the native float64 engine).
    const tablesOnly = model.devices.every((d) => d.model === "eq4" || d.model === "table");
    const kernelOnly = eq4Only || (engine?.tables === true && tablesOnly);
    // The in-place WebAssembly engine reserves room for the model's tables, so it computes them too.
    const tableRoom = tablesOnly ? tableKernelSize(model.devices) : 0;
    // The caller's engine runs this model when it has the run's precision, every device has a
    // kernel in it (eq. 4; tables where the factory has them) and there are no hardware effects;
    // it then holds the batch input and uses its own threads.
    // Regression: the engines' fused batch calls are softmax only, so the batches run chunk by
    // chunk on the workspace (its WebAssembly engine's forward and adjoint, the squared error
    // in TypeScript); the caller's engine is not used, and the label says so.
    // The reference factory (src/network/engine.ts) makes no engine: the workspace runs the
    // TypeScript loops without its WebAssembly engine.
    const reference = engine?.kind === "reference";
    if (reference && f32) throw new InputError(`the reference engine computes float64 only; train precision float32 on the native or WebAssembly engine`);
    const fits = engine !== null && !reference && engine.precision === options.precision && !options.hardware && kernelOnly && !regression;
    const own32 = f32 && fits ? (engine as EngineFactory).create(model.k, model.steps, model.classes, wsCap, cap) : null;
    this.engine32 = f32 ? own32 ?? createEngine32(model.k, model.steps, model.classes, wsCap, cap) : null;
    if (f32 && this.engine32 === null) throw new ComputationError(`precision float32 needs WebAssembly SIMD, which this runtime lacks; train in float64`);
    this.engine64 = !f32 && fits ? (engine as EngineFactory).create(model.k, model.steps, model.classes, wsCap, cap) : null;
    this.ownEngine = this.engine64 ?? own32;
    // In float32 (or with the caller's engine) that engine holds the batch, and the float64 workspace is never used for training.
    const own = f32 || this.engine64 !== null;
    this.ws = createWorkspace(model.k, model.steps, model.classes, own ? 1 : wsCap, { engine: !own && !reference, batchCapacity: options.hardware || own || regression || reference ? 0 : cap, tables: own ? 0 : tableRoom });
    const wasmRuns = this.ws.engine !== null && !options.hardware && (eq4Only || (tablesOnly && this.ws.engine.setTables !== undefined));
    const fallback = engine !== null && !reference && this.ownEngine === null && engine.precision === options.precision
      ? ` (${engine.kind} not used: ${options.hardware ? "hardware effects" : !kernelOnly ? `a ${model.devices.find((d) => d.model !== "eq4" && (d.model !== "table" || engine.tables !== true))?.model ?? "non-eq. 4"} device has no kernel in it` : regression ? "its batch call fuses the softmax loss only" : "it could not be created"})`
      : "";
    this.engineLabel = regression
      ? (wasmRuns ? "wasm64 forward and adjoint, squared error in TypeScript" : "reference (TypeScript)") + fallback
      : this.ownEngine !== null
      ? (engine as EngineFactory).label
      : this.engine32 !== null
        ? "wasm32 (WebAssembly SIMD, 4 float32 lanes)" + fallback
        : (wasmRuns ? "wasm64 (WebAssembly SIMD, 2 float64 lanes)" : "reference (TypeScript)") + fallback;
    this.evalWs = createWorkspace(model.k, model.steps, model.classes, Math.min(512, Math.max(this.n, test?.n ?? 1, val?.n ?? 1)), { engine: true, tables: tableRoom });
    const evalN = Math.max(this.n, test?.n ?? 1, val?.n ?? 1);
    // Input windows of at most 4096 samples (a multiple of evaluateArrays' 512-sample chunks).
    this.evalEngine = this.ownEngine !== null && engine?.createInference ? engine.createInference(model.k, model.steps, model.classes, 512, evalN <= 4096 ? evalN : 4096) : null;
    this.grads = createGradients(model);
    this.scratch = createChunkScratch(model, cap);
    this.order = new Int32Array(this.n);
    // The batch input and labels live in the engine's memory when there is one (no copy per chunk).
    const en = regression ? null : this.engine32 ?? this.engine64 ?? this.ws.engine;
    this.batchX = options.hardware ? new Float64Array(0) : en !== null ? en.X : new Float64Array(model.k * cap);
    this.batchLabels = en !== null && !options.hardware ? en.y : new Int32Array(cap);
    this.batchTargets = regression ? new Float64Array(cap * model.classes) : null;
    for (let r = 0; r < this.n; r++) this.order[r] = r;
    this.scales = updateScales(model, DEPTH_REFERENCE, options.fanInReference);
    this.references = referenceScales(model);
    this.decay = options.weightDecay > 0 ? [options.weightDecay, 0, options.weightDecay, 0] : undefined;
    this.l1 = options.l1 > 0 ? [options.l1, 0, options.l1, 0] : undefined;
    this.baseDevices = model.devices.slice();
    this.variation = options.variation ? resolveVariation(options.variation, model.devices, "train variation") : null;
    this.hw = options.hardware ? resolveHardware(options.hardware, "train hardware") : null;
    this.hwState = this.hw ? createHardwareState(model.k, model.steps, cap) : null;
    this.adam = new Adam([model.A.length, model.B.length, model.W.length, model.c.length]);
    this.resident = this.engine64?.resident?.() ?? null;
    this.runs = this.resident !== null ? scaleRuns([model.A.length, model.B.length, model.W.length, model.c.length], this.scales, this.references) : [];
    this.valSet = val;
    this.valEvery = Math.max(1, Math.round(VALIDATION_INTERVAL / Math.ceil(this.n / cap)));
    // A network that starts from trained steps (a depth curriculum) is itself a candidate: early
    // stopping may keep it (epoch 0) when fine-tuning never scores better.
    if (init && val !== null && (options.init.keepSteps ?? 0) > 0) {
      const va = this.evaluateOn(val);
      if (Number.isFinite(va.loss)) this.best = { accuracy: va.accuracy, loss: va.loss, epoch: 0, update: 0, A: model.A.slice(), B: model.B.slice(), W: model.W.slice(), c: model.c.slice() };
    }
  }

  /** Makes the current parameters the best snapshot, scored (accuracy, loss). */
  private keep(accuracy: number, loss: number): void {
    const { model } = this;
    const b = this.best;
    if (b === null) {
      this.best = { accuracy, loss, epoch: this.epochsDone, update: this.adam.state.t, A: model.A.slice(), B: model.B.slice(), W: model.W.slice(), c: model.c.slice() };
      return;
    }
    Object.assign(b, { accuracy, loss, epoch: this.epochsDone, update: this.adam.state.t });
    b.A.set(model.A);
    b.B.set(model.B);
    b.W.set(model.W);
    b.c.set(model.c);
  }

  /**
   * True when early stopping is due: min(patience, max(minPatience, b)) updates have passed
   * without a better validation score than the best one, found at update b.
   */
  stalled(): boolean {
    const { patience, minPatience } = this.options;
    const b = this.best;
    if (!(patience > 0) || b === null) return false;
    return this.adam.state.t - b.update >= Math.min(patience, Math.max(minPatience, b.update));
  }

  /** Copies the best validation snapshot's parameters into the model (no-op without one). */
  restoreBest(): void {
    const b = this.best;
    if (b === null) return;
    this.model.A.set(b.A);
    this.model.B.set(b.B);
    this.model.W.set(b.W);
    this.model.c.set(b.c);
  }

  /** @returns a copy of everything besides `model` that the next epoch depends on (for checkpoints). */
  getState(): TrainingRunState {
    const st = this.adam.state;
    if (this.resident !== null && this.momentsInEngine) this.resident.store(NONE, st.m, st.v);
    return {
      adam: { t: st.t, m: st.m.map((a) => a.slice()), v: st.v.map((a) => a.slice()) },
      rng: this.rng.getState(),
      order: this.order.slice(),
      epochsDone: this.epochsDone,
      history: this.history.map((m) => ({ ...m })),
      best: this.best === null ? null : { ...this.best, A: this.best.A.slice(), B: this.best.B.slice(), W: this.best.W.slice(), c: this.best.c.slice() },
    };
  }

  /**
   * Rebuilds a run from its model and {@link TrainingRun.getState}; the next `epoch()` is then
   * bit-identical to the one the original run would have done. The caller checks that the state
   * fits (shapes, a permutation of the rows); see src/train/checkpoint.ts.
   */
  static fromState(model: Model, trainSet: Dataset, options: ResolvedTrainOptions, test: Dataset | undefined, state: TrainingRunState, engine: EngineFactory | null = null, val: Dataset | null = null): TrainingRun {
    const run = new TrainingRun(model, trainSet, options, 0, test, false, engine, val);
    const b = state.best;
    run.best = b ? { ...b, A: b.A.slice(), B: b.B.slice(), W: b.W.slice(), c: b.c.slice() } : null;
    run.adam.state = { t: state.adam.t, m: state.adam.m.map((a) => a.slice()), v: state.adam.v.map((a) => a.slice()) };
    run.rng = Rng.fromState(state.rng);
    run.order.set(state.order);
    run.epochsDone = state.epochsDone;
    for (const m of state.history) run.history.push({ ...m });
    return run;
  }

  /** The labels (a regression model: the standardised targets, into batchTargets) of batch rows start..start+nb−1 in batch order, into batchLabels (returned). */
  private gatherLabels(start: number, nb: number): Int32Array {
    const labels = this.batchLabels;
    for (let b = 0; b < nb; b++) labels[b] = this.y[this.order[start + b]];
    const t = this.targets, bt = this.batchTargets;
    if (t !== null && bt !== null) {
      const m = this.model.classes;
      for (let b = 0; b < nb; b++) bt.set(t.subarray(this.order[start + b] * m, (this.order[start + b] + 1) * m), b * m);
    }
    return labels;
  }

  /**
   * Loss and score of the model on a data set (raw features): a classifier's mean cross-entropy
   * and accuracy, or a regression model's mean loss, R² (as `accuracy`) and MSE.
   */
  private evaluateOn(ds: Dataset, engine: InferenceEngine | null = null): { loss: number; accuracy: number; mse?: number } {
    const model = this.model;
    if (this.targets !== null) {
      const r = evaluateRegressionArrays(model, ds.x, ds.targets as Float64Array, ds.n, this.evalWs);
      return { loss: r.loss, accuracy: r.r2, mse: r.mse };
    }
    return engine !== null ? evaluateArrays(model, ds.x, ds.y, ds.n, undefined, engine) : evaluateArrays(model, ds.x, ds.y, ds.n, this.evalWs);
  }

  /** Adds Gaussian input noise (std inputNoise) to the first nb columns of p(0), oscillator by oscillator. */
  private addInputNoise(p0: Float64Array, ld: number, nb: number): void {
    const sd = this.options.inputNoise;
    if (sd > 0) for (let j = 0, d = inputCount(this.model); j < d; j++) this.rng.addNormals(p0, j * ld, j * ld + nb, sd);
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
    if (this.batchTargets !== null) {
      // Regression: chunk by chunk on this thread (forward and adjoint on the workspace's engine).
      batchGradients(model, this.ws, this.batchX, this.cap, this.batchLabels, nb, this.grads, out, this.scratch, this.batchTargets);
    } else if (this.ownEngine !== null) {
      // The caller's engine (its own threads, if any): the whole batch in one call.
      if (!engineBatchGradients(model, this.ownEngine, nb, this.grads, out)) throw new InputError(`the ${this.engineLabel} engine needs eq. 4 devices`);
    } else if (plan.count > 1 && exec !== null && exec.threads > 1 && executorCanRun(model)) {
      const slots = exec.run(this, this.batchVersion, model, this.batchX, this.cap, this.batchLabels, plan, 1 / nb, this.options.precision);
      reduceSlots(slots, plan.count, this.grads, out);
    } else if (this.engine32 !== null) {
      if (!engineBatchGradients(model, this.engine32, nb, this.grads, out)) throw new InputError(`precision float32 needs eq. 4 devices`);
    } else {
      batchGradients(model, this.ws, this.batchX, this.cap, this.batchLabels, nb, this.grads, out, this.scratch);
    }
  }

  /**
   * SAM's second pass (src/train/sam.ts): replaces the batch gradient at θ in `grads` by the one
   * at θ + ε, the parameters restored afterwards (also when it throws).
   */
  private sharpen(sam: ResolvedSharpness, nb: number, e: number, batch: number): void {
    const { model } = this;
    const params = [model.A, model.B, model.W, model.c];
    const g = this.grads;
    this.samSaved ??= params.map((p) => new Float64Array(p.length));
    if (!samPerturb(params, [g.A, g.B, g.W, g.c], this.scales, sam, this.samSaved)) return;
    const out = { loss: 0, correct: 0 };
    try {
      this.batchGradients(nb, out);
    } finally {
      samRestore(params, sam, this.samSaved);
    }
    this.checkLoss(out.loss, e, batch);
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
    const st = this.adam.state;
    // SAM's epochs run the gradient and the update as two calls (its second pass sits between
    // them), so the resident engine is not used and Adam's moments come out of it.
    const sam = samEpoch(options.sam, e, options.epochs) ? options.sam : null;
    if (sam !== null && this.resident !== null && this.momentsInEngine) {
      this.resident.store(NONE, st.m, st.v);
      this.momentsInEngine = false;
    }
    const res = sam === null ? this.resident : null;
    try {
      if (res !== null) {
        res.load(params, this.momentsInEngine ? NONE : st.m, this.momentsInEngine ? NONE : st.v);
        this.momentsInEngine = true;
      }
      for (let start = 0; start < this.n; start += cap, batch++) {
        const nb = Math.min(cap, this.n - start);
        if (this.hw) {
          // Hardware effects: the whole batch at once (read noise is drawn per batch).
          const labels = this.gatherLabels(start, nb);
          loadBatch(this.ws, this.p0, this.order, start, nb, null, inputCount(model), extraInput(model));
          this.addInputNoise(this.ws.P[0], this.ws.capacity, nb);
          if (this.variation) model.devices = drawDevicesResolved(this.baseDevices, this.variation, this.rng).devices;
          hardwareBatchGradients(model, this.ws, nb, this.hw, this.hwState as HardwareState, this.rng, labels, this.batchTargets, 1 / nb, g, out);
          this.checkLoss(out.loss, e, batch);
        } else {
          // Full batch without input noise: p(0) and the labels are the same every epoch and nothing
          // writes them, so they are loaded once. batchGradients overwrites the gradients.
          const reuse = cap >= this.n && options.inputNoise === 0;
          if (!(reuse && this.fullBatchLoaded)) {
            this.gatherLabels(start, nb);
            gatherColumns(this.batchX, cap, model.k, this.p0, this.order, start, nb, null, inputCount(model), extraInput(model));
            this.addInputNoise(this.batchX, cap, nb);
            this.batchVersion++;
          }
          this.fullBatchLoaded = reuse;
          if (this.variation) model.devices = drawDevicesResolved(this.baseDevices, this.variation, this.rng).devices;
          if (res !== null) {
            // Gradient and update in one engine call; nothing is copied in or out.
            const status = engineTrainStep(model, this.engine64 as BatchEngine, res, nb, this.adam, this.runs, lr, this.decay, this.l1, out);
            this.checkLoss(out.loss, e, batch);
            lossSum += out.loss;
            correctSum += out.correct;
            if (status === 2) {
              res.store(params, st.m, st.v);
              this.momentsInEngine = false;
              throw new ComputationError(`training diverged at epoch ${e + 1}, batch ${batch + 1} (optimiser step ${st.t}): non-finite parameter ${firstNonFinite(params)} after the update (try a smaller --lr)`);
            }
            continue;
          }
          this.batchGradients(nb, out);
          this.checkLoss(out.loss, e, batch);
          if (sam !== null && samUpdate(sam, st.t + 1, out.correct, nb)) this.sharpen(sam, nb, e, batch);
        }
        lossSum += out.loss;
        correctSum += out.correct;
        const bad = this.adam.step(params, gl, this.scales, lr, this.decay, this.engine64?.adam, this.l1, this.references) ? null : firstNonFinite(params);
        if (bad !== null) {
          throw new ComputationError(`training diverged at epoch ${e + 1}, batch ${batch + 1} (optimiser step ${this.adam.state.t}): non-finite parameter ${bad} after the update (try a smaller --lr)`);
        }
      }
    } finally {
      // The parameters go back to the model (everyone reads them); the moments stay in the engine.
      if (res !== null) res.store(params, NONE, NONE);
      if (this.variation) model.devices = this.baseDevices.slice();
    }
    const seconds = (performance.now() - t0) / 1000;
    this.epochsDone++;
    const last = this.epochsDone === options.epochs;
    let trainLoss = lossSum / this.n, trainAccuracy = correctSum / this.n;
    let testLoss = NaN, testAccuracy = NaN;
    const regression = this.targets !== null;
    // A regression epoch's running sums hold no R²; it is measured at evaluation.
    if (regression) trainAccuracy = NaN;
    let trainMse = NaN, testMse = NaN;
    if (last || this.epochsDone % options.evalEvery === 0) {
      const tr = this.evaluateOn(this.trainSet, this.evalEngine);
      trainLoss = tr.loss;
      trainAccuracy = tr.accuracy;
      trainMse = tr.mse ?? NaN;
      if (this.testSet) {
        const te = this.evaluateOn(this.testSet, this.evalEngine);
        testLoss = te.loss;
        testAccuracy = te.accuracy;
        testMse = te.mse ?? NaN;
      }
    }
    if (!Number.isFinite(trainLoss)) {
      throw new ComputationError(`training diverged at epoch ${this.epochsDone}, after optimiser step ${this.adam.state.t}: non-finite training loss at the end of the epoch (try a smaller --lr)`);
    }
    const m: EpochMetrics = { epoch: this.epochsDone, lr, trainLoss, trainAccuracy, testLoss, testAccuracy, seconds };
    if (regression) {
      m.trainMse = trainMse;
      m.testMse = testMse;
    }
    if (this.valSet === null && options.auto && !regression && (last || this.epochsDone % options.evalEvery === 0) && betterScore(trainAccuracy, trainLoss, this.best)) {
      // The automatic budget without a validation split keeps the parameters of the lowest
      // training loss as a collapse guard: weight decay can shrink every drive below the
      // threshold, where the gradients vanish (a 2-class table went from loss 0.04 back to ln 2);
      // Trainer.finish restores them when the run ends more than COLLAPSE_MARGIN above.
      this.keep(trainAccuracy, trainLoss);
    }
    if (this.valSet !== null) {
      m.valLoss = NaN;
      m.valAccuracy = NaN;
      if (regression) m.valMse = NaN;
      if (last || this.epochsDone % this.valEvery === 0) {
        // On the float64 engine's inference kernels when there is one (the same bits as the
        // workspace's; the validation chooses, so never on a float32 engine).
        const va = this.evaluateOn(this.valSet, options.precision === "float64" ? this.evalEngine : null);
        m.valLoss = va.loss;
        m.valAccuracy = va.accuracy;
        if (regression) m.valMse = va.mse;
        if (Number.isFinite(va.loss) && betterScore(va.accuracy, va.loss, this.best)) this.keep(va.accuracy, va.loss);
      }
    }
    this.history.push(m);
    return m;
  }
}

/** An empty list of arrays: the part of a resident load/store that is left as it is. */
const NONE: readonly Float64Array[] = [];

/** A regression set's targets standardised with the model's `targetScale`: (y − mean)/std, n·m row-major. */
function standardTargets(ds: Dataset, model: Model): Float64Array {
  const t = ds.targets as Float64Array, m = model.classes, sc = model.targetScale;
  const out = new Float64Array(ds.n * m);
  for (let e = 0; e < out.length; e++) {
    const o = e % m;
    out[e] = sc ? (t[e] - sc.mean[o]) / sc.std[o] : t[e];
  }
  return out;
}

/**
 * Mean and standard deviation (population, divided by n) of each of a regression set's targets;
 * a target whose values are all equal gets std 1 (its standardised values are then 0).
 */
export function fitTargetScale(ds: Dataset): {
  /** Mean of each target (target units). */
  mean: Float64Array;
  /** Population standard deviation of each target (1 for a constant target). */
  std: Float64Array;
} {
  const m = targetCount(ds), t = ds.targets as Float64Array, n = ds.n;
  const mean = new Float64Array(m), std = new Float64Array(m);
  for (let o = 0; o < m; o++) {
    let s = 0;
    for (let r = 0; r < n; r++) s += t[r * m + o];
    const mu = s / n;
    let v = 0;
    for (let r = 0; r < n; r++) v += (t[r * m + o] - mu) ** 2;
    const sd = Math.sqrt(v / n);
    mean[o] = mu;
    std[o] = sd > 0 ? sd : 1;
  }
  return { mean, std };
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
  /** The trained network (with the best-validation parameters restored when there is a validation split). */
  model: Model;
  /** Metrics of every epoch of the kept run, in order (the restart trials' epochs are not included). */
  history: EpochMetrics[];
  /** Score of each restart after its trial epochs (index = restart): its best validation loss
   * with a validation split, else its training loss. */
  restartLosses: number[];
  /** Index of the restart that was kept. */
  chosenRestart: number;
  /** Total wall time, seconds. */
  seconds: number;
  /** Which engine computed the training batches ({@link TrainingRun.engineLabel}). */
  engine: string;
  /** The validation split and the restored best score (null without validation). */
  validation?: {
    /** Validation rows (carved from the training data). */
    n: number;
    /** Validation accuracy of the restored parameters, in [0, 1]. */
    accuracy: number;
    /** Their mean validation loss. */
    loss: number;
    /** Epoch (1-based) after which they were measured. */
    epoch: number;
  } | null;
  /** The shallow network a depth curriculum trained first (null without one; when resumed, the
   * checkpoint's record of it, null from a checkpoint older than version 3):
   * its steps and its training loss after its first and its last epoch. A deep run learned
   * something when it ends below `firstTrainLoss`, not below its own (already trained) first epoch. */
  curriculum?: {
    /** Depth n0 of the shallow network. */
    steps: number;
    /** Its training loss after its first epoch. */
    firstTrainLoss: number;
    /** Its training loss after its last epoch. */
    trainLoss: number;
  } | null;
  /** The automatic choice of weight decay by validation (null when `weightDecay` was given,
   * with explicit epochs, without a validation split, or for a depth curriculum's deep network). */
  weightDecay?: WeightDecayChoice | null;
  /** Cross-validation bagging ({@link TrainOptions.members} above 1): each member's fold score;
   * `model` is then their merged network, and `history`, `validation`, `restartLosses` and
   * `chosenRestart` are those of the last member. null for a single network. */
  ensemble?: EnsembleRecord | null;
}

/** How the automatic budget chose the weight decay among `AUTO_DEFAULTS.weightDecays`: every
 * candidate trained on the run's training rows and validation split, the best-scoring one kept. */
export interface WeightDecayChoice {
  /** The weight decay λ of the returned model. */
  chosen: number;
  /** Each candidate's best validation score (mean loss, accuracy in [0, 1]). */
  candidates: {
    /** The candidate's λ. */
    weightDecay: number;
    /** Its best mean validation loss. */
    loss: number;
    /** Its validation accuracy at that loss, in [0, 1]. */
    accuracy: number;
  }[];
}

/** Checks that a data set can be trained on; returns the number of classes (a regression set: of targets). */
export function checkTrainable(ds: Dataset, classes?: number): number {
  if (ds.n < 2) throw new InputError(`training data has ${ds.n} samples; need at least 2`);
  if (ds.targets !== undefined) {
    const m = targetCount(ds), t = ds.targets;
    if (m < 1 || t.length !== ds.n * m) throw new InputError(`training data has ${t.length} target values for ${ds.n} rows and ${m} targets`);
    for (let e = 0; e < t.length; e++) {
      if (!Number.isFinite(t[e])) throw new InputError(`training data row ${Math.floor(e / m) + 1}: target ${ds.targetNames?.[e % m] ?? e % m} is not a finite number (got ${t[e]})`);
    }
    for (let o = 0; o < m; o++) {
      let same = true;
      for (let r = 1; r < ds.n && same; r++) same = t[r * m + o] === t[o];
      if (same) throw new InputError(`training data: target ${ds.targetNames?.[o] ?? o} has the same value (${t[o]}) on every row; there is nothing to learn`);
    }
    if (classes !== undefined && classes !== m) throw new InputError(`classes = ${classes} given for a regression set of ${m} target${m > 1 ? "s" : ""}`);
    return m;
  }
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

/**
 * The feature map of the `features` option for data of `d` columns (null without one).
 * @throws InputError naming the bad entry and what is allowed
 */
export function featureMapOf(o: Pick<ResolvedTrainOptions, "features">, d: number, where = "features"): FeatureMap | null {
  return o.features === null ? null : parseFeatureMap(o.features, d, where);
}

/** Number of input features (input oscillators) of a run on data of `d` columns: the feature map's length, else d. */
export function featureCount(o: Pick<ResolvedTrainOptions, "features">, d: number): number {
  return featureMapOf(o, d)?.expressions.length ?? d;
}

/**
 * Number of oscillators of a run on d features and C classes: the `oscillators` option, or
 * max(d, AUTO_DEFAULTS.oscillators, C) (C = 0 for regression: max(d, 8)).
 * @param classes the classes C of a classification run (0, the default, for regression or not known)
 * @throws InputError when below d
 */
export function oscillatorCount(o: Pick<ResolvedTrainOptions, "oscillators">, d: number, classes = 0): number {
  const k = o.oscillators ?? Math.max(d, AUTO_DEFAULTS.oscillators, classes);
  if (k < d) throw new InputError(`oscillators must be at least the number of features (${d}); got ${k}`);
  return k;
}

/**
 * Classes C of a data set for the automatic oscillator count ({@link oscillatorCount}): `given`,
 * else max(class names, largest label + 1) as {@link checkTrainable} counts them; 0 for a
 * regression set (its outputs do not add oscillators).
 */
export function classCountOf(ds: Dataset, given?: number): number {
  if (ds.targets !== undefined) return 0;
  if (given !== undefined) return given;
  let maxY = -1;
  for (let r = 0; r < ds.n; r++) if (ds.y[r] > maxY) maxY = ds.y[r];
  return Math.max(ds.classNames.length, maxY + 1);
}

/** What {@link planTraining} decides before any training: options with the epochs planned, and the rows trained on and validated on. */
export interface TrainingPlan {
  /** The resolved options the run trains with (the automatic budget decided for these rows). */
  options: ResolvedTrainOptions;
  /** Rows the optimiser sees (the training data minus the validation rows). */
  fit: Dataset;
  /** Validation rows carved from the training data, or null. */
  val: Dataset | null;
  /** The cross-validation ensemble ({@link TrainOptions.members} above 1), or null; the plan's
   * options and rows are then those of the member it was made for (by default the last, the one
   * `Trainer.run` trains; `planMember`). */
  ensemble?: EnsemblePlan | null;
}

/** The folds and seeds of a cross-validation ensemble ({@link planEnsemble}). */
export interface EnsemblePlan {
  /** Members M (≥ 2). */
  count: number;
  /** Seed of the folds. */
  foldSeed: number;
  /** Member m's validation rows (fold m), as row indices into the training data; it trains on the others. */
  folds: number[][];
  /** Member m's seed. */
  seeds: number[];
  /** Classes (or targets) of the whole training data, which every member's readout keeps. */
  classes: number;
}

/**
 * The cross-validation ensemble a training asks for ({@link TrainOptions.members}), or null for
 * one network: "auto" decides by the rule of `AUTO_DEFAULTS.members`, a number is checked.
 * @throws InputError for a count that is not an integer 1..`MAX_MEMBERS`, more members than
 *   half the training rows, a `validationSet` or a depth curriculum with more than one member.
 */
export function planEnsemble(options: Omit<TrainOptions, "devices">, trainSet: Dataset): EnsemblePlan | null {
  const asked = options.members ?? "auto";
  let count: number;
  if (asked === "auto") {
    if (options.epochs !== undefined || options.validationSet !== undefined || options.validation !== undefined || trainSet.targets !== undefined) return null;
    const single = planTraining({ ...options, members: 1 }, trainSet);
    const o = single.options;
    if (single.val === null || o.batchSize !== 0 || single.fit.n > AUTO_DEFAULTS.fullBatchRows || (o.curriculum > 0 && o.steps > o.curriculum)) return null;
    // Only where one network keeps its full schedule: where the work budget already shrank it
    // (wide tables), three networks would not fit the time one is allowed (AUTO_DEFAULTS.members).
    const k = oscillatorCount(o, featureCount(o, trainSet.d), classCountOf(trainSet, options.classes));
    if (workScale(updateWork(single.fit.n, o.steps, k), options.workBudget ?? AUTO_DEFAULTS.work.flops) < 1) return null;
    count = AUTO_DEFAULTS.members;
  } else {
    count = integer(asked, 1, MAX_MEMBERS, "members");
    if (count === 1) return null;
    if (options.validationSet !== undefined) throw new InputError(`members = ${count}: each member is validated on its own fold of the training rows; leave validationSet out, or train one member`);
    if (trainSet.n < 2 * count) throw new InputError(`members = ${count}: ${trainSet.n} training rows cannot be dealt into ${count} folds of at least 2 rows; use at most ${Math.max(1, Math.floor(trainSet.n / 2))} members`);
    const o = resolveTrainOptions({ ...options, members: 1 }, trainSet.n);
    if (o.curriculum > 0 && o.steps > o.curriculum) throw new InputError(`members = ${count}: a depth curriculum (steps ${o.steps} from ${o.curriculum}) trains one network; give curriculum 0 (--curriculum off) or one member`);
  }
  const seed = options.seed ?? 0;
  const wrap = (s: number): number => (s <= Number.MAX_SAFE_INTEGER ? s : s - Number.MAX_SAFE_INTEGER - 1);
  const foldSeed = wrap(seed + ENSEMBLE_FOLD_SEED);
  return {
    count,
    foldSeed,
    folds: stratifiedFolds(trainSet, count, foldSeed),
    seeds: Array.from({ length: count }, (_, m) => wrap(seed + ENSEMBLE_SEED_STRIDE * m)),
    classes: checkTrainable(trainSet, options.classes),
  };
}

/** Member m's training rows (the other folds, fold after fold, each in its order) and validation rows (fold m). */
export function memberRows(trainSet: Dataset, ens: EnsemblePlan, m: number): { train: Dataset; val: Dataset } {
  const rows = ens.folds.flatMap((f, j) => (j === m ? [] : f));
  return { train: subset(trainSet, rows), val: subset(trainSet, ens.folds[m]) };
}

/** The options member m trains with: its seed and fold, the ensemble's classes, its share of the work budget, and one member (λ: `weightDecay` when given). */
export function memberOptions<T extends Omit<TrainOptions, "devices">>(options: T, ens: EnsemblePlan, m: number, val: Dataset, weightDecay?: number): T {
  // The ensemble shares one network's work budget (TrainOptions.workBudget): 2/(M + 1) each.
  const workBudget = options.workBudget ?? (AUTO_DEFAULTS.work.flops * 2) / (ens.count + 1);
  return { ...options, seed: ens.seeds[m], validationSet: val, members: 1, classes: ens.classes, workBudget, ...(weightDecay !== undefined ? { weightDecay } : {}) };
}

/**
 * The plan of member m of the ensemble a training asks for (the rows it trains and validates on,
 * its resolved options), with `weightDecay` the λ it trains with (member 1's choice for the
 * others; undefined: the options' own, or for member 1 the automatic choice's first candidate).
 * A training of one network: its {@link planTraining}.
 */
export function planMember(options: Omit<TrainOptions, "devices">, trainSet: Dataset, m: number, weightDecay?: number): TrainingPlan {
  const ens = planEnsemble(options, trainSet);
  if (ens === null) return planTraining({ ...options, members: 1 }, trainSet);
  if (!(m >= 0 && m < ens.count)) throw new InputError(`ensemble member ${m + 1}: the ensemble has ${ens.count} members`);
  const { train, val } = memberRows(trainSet, ens, m);
  return { ...planTraining(memberOptions(options, ens, m, val, weightDecay), train), ensemble: ens };
}

/**
 * The fine-tuning of a depth curriculum's deep network, relative to the options of the shallow
 * one: `lr` × the learning rate, `budget` × its epochs (or updates). The deep network starts from
 * a trained one, and at the full rate its first epoch already undid most of that (spiral, k = 2,
 * n = 32: training loss 0.12 → 0.29 after one epoch, best validation within the first 8 epochs,
 * one run of five ending worse than it started); at a tenth the loss falls from there (docs/results.md,
 * "Training on the user's problem").
 */
export const CURRICULUM_FINE_TUNE = { lr: 0.1, budget: 0.2 } as const;

/** Stream of {@link deriveSeed} that seeds the validation split (independent of initialisation and minibatch order). */
const VALIDATION_STREAM = 0x7a11d;

/**
 * Resolves the options for a training set: carves the stratified validation split (seeded by the
 * training seed; only from `trainSet`, which never contains test rows) and turns an update budget
 * into epochs for the remaining rows. Deterministic: the same options and data give the same plan.
 * With the default validation fraction, a training set of fewer than
 * `AUTO_DEFAULTS.minValidationRows` rows or with a class of fewer than
 * `AUTO_DEFAULTS.minClassRows` rows trains without validation on every row for the whole
 * budget, restarts chosen by training loss.
 * With a depth curriculum (`curriculum` below `steps`) the plan is that of the deep network: one
 * restart, `CURRICULUM_FINE_TUNE`'s learning rate and budget, a validation split (default
 * 0.2) and `init.keepSteps` = the curriculum depth.
 */
export function planTraining(options: Omit<TrainOptions, "devices">, trainSet: Dataset): TrainingPlan {
  // A cross-validation ensemble: the plan of its last member (the one Trainer.run trains).
  if (options.members !== 1) {
    const ens = planEnsemble(options, trainSet);
    if (ens !== null) return planMember(options, trainSet, ens.count - 1, options.weightDecay ?? AUTO_DEFAULTS.weightDecays[0]);
  }
  // The automatic budget's weight decay was measured on classification; on regression it shrinks
  // the readout and costs accuracy (plane and multi-Gaussian, 240 rows, seeds 0–2, noise 0 and
  // 0.2: test MSE higher in all four cases, plane 1.8e-3 vs 1.0e-4; docs/regression.md): none.
  if (trainSet.targets !== undefined && options.weightDecay === undefined) options = { ...options, weightDecay: 0 };
  // The oscillators the run will have, for the work budget (AUTO_DEFAULTS.work).
  const first = resolveTrainOptions(options, trainSet.n);
  const k = oscillatorCount(first, featureCount(first, trainSet.d), classCountOf(trainSet, options.classes));
  let pre = resolveTrainOptions(options, trainSet.n, k);
  // Oscillators beyond the inputs on the full-batch automatic budget: A's rate from 32 of them on
  // (AUTO_DEFAULTS.extraFanInReference).
  if (options.fanInReference === undefined && pre.auto && pre.batchSize === 0 && k > featureCount(first, trainSet.d)) {
    options = { ...options, fanInReference: AUTO_DEFAULTS.extraFanInReference };
    pre = resolveTrainOptions(options, trainSet.n, k);
  }
  if (pre.curriculum > 0 && pre.steps > pre.curriculum) {
    // The deep network of a depth curriculum: one restart, fine-tuned from the shallow network's
    // steps and readout at a smaller learning rate, with a validation split that keeps
    // fine-tuning from making it worse.
    const ft = CURRICULUM_FINE_TUNE;
    options = {
      ...options,
      restarts: 1,
      lr: pre.lr * ft.lr,
      ...(pre.auto ? { updates: Math.max(1, Math.round(pre.updates * ft.budget)) } : { epochs: Math.max(1, Math.round(pre.epochs * ft.budget)) }),
      validation: options.validation ?? AUTO_DEFAULTS.validation,
      init: { ...options.init, keepSteps: pre.curriculum },
    };
    pre = resolveTrainOptions(options, trainSet.n, k);
  }
  let fit = trainSet;
  let val: Dataset | null = null;
  const given = options.validationSet;
  if (given !== undefined) {
    if (given.d !== trainSet.d) throw new InputError(`validation set has ${given.d} feature columns, the training data ${trainSet.d}; give rows of the same columns`);
    if (given.n < 1) throw new InputError(`validation set has no rows; give at least one, or leave validationSet out`);
    if ((given.targets === undefined) !== (trainSet.targets === undefined)) throw new InputError(`validation set and training data differ in kind (one has class labels, the other regression targets)`);
    val = given;
  } else if (pre.validation > 0) {
    const counts = new Map<number, number>();
    for (let r = 0; r < trainSet.n; r++) counts.set(trainSet.y[r], (counts.get(trainSet.y[r]) ?? 0) + 1);
    const fewest = Math.min(...counts.values());
    if (options.validation !== undefined || (fewest >= AUTO_DEFAULTS.minClassRows && trainSet.n >= AUTO_DEFAULTS.minValidationRows)) {
      const sp = stratifiedSplit(trainSet, deriveSeed(pre.seed, VALIDATION_STREAM), pre.validation);
      if (sp.test.n > 0 && sp.train.n >= 2) {
        fit = sp.train;
        val = sp.test;
      }
    }
  }
  // The automatic weight decay: the first candidate with a validation split (Trainer trains the
  // others and keeps the best when the set trains full batch), else AUTO_DEFAULTS.smallWeightDecay.
  const weightDecay = options.weightDecay ?? (pre.auto ? (val === null ? AUTO_DEFAULTS.smallWeightDecay : AUTO_DEFAULTS.weightDecays[0]) : 0);
  // The automatic input noise of small classification sets (AUTO_DEFAULTS.smallInputNoise).
  const smallNoise = pre.auto && val === null && trainSet.targets === undefined && featureCount(pre, trainSet.d) <= AUTO_DEFAULTS.smallInputNoiseMaxFeatures;
  const inputNoise = options.inputNoise ?? (smallNoise ? AUTO_DEFAULTS.smallInputNoise : 0);
  // The automatic SAM of small classification sets (AUTO_DEFAULTS.smallSam); `sam: null` turns it off.
  // Not where the work budget already shrinks the schedule (AUTO_DEFAULTS.work): SAM's second pass
  // would add a third to the cost of runs the budget exists to bound (a 100-feature table of 80
  // rows: 2.0 → 2.9 s of CPU), and it was measured on sets whose full schedule fits.
  const fitsBudget = workScale(updateWork(fit.n, pre.steps, k), options.workBudget ?? AUTO_DEFAULTS.work.flops) >= 1;
  const smallSam = pre.auto && val === null && trainSet.targets === undefined && options.hardware === undefined && fitsBudget;
  const sam = options.sam !== undefined ? options.sam : smallSam ? AUTO_DEFAULTS.smallSam : null;
  const o = resolveTrainOptions({ ...options, weightDecay, inputNoise, sam, validation: val === null ? 0 : given !== undefined ? Math.min(0.5, given.n / (given.n + trainSet.n)) : pre.validation, ...(val === null && options.patience === undefined ? { patience: 0 } : {}) }, fit.n, k);
  return { options: o, fit, val };
}

/**
 * Epochs between the training/test evaluations of the automatic weight decay's extra candidates
 * (unless `evalEvery` is given): those metrics only fill the history, and evaluating every epoch
 * took 30 % of a breast-cancer run (1.43 → 1.01 s CPU, the same parameters).
 */
const ALTERNATIVE_EVAL_EVERY = 10;

/** What one {@link Trainer.advance} did. */
export type TrainerEvent =
  | {
      /** One trial epoch of a restart finished. */
      kind: "trial";
      /** Index of the restart under trial. */
      restart: number;
      /** The trial epoch's metrics. */
      metrics: EpochMetrics;
    }
  | {
      /** The restarts were compared and one was kept. */
      kind: "selected";
      /** Which restart was kept and every trial's score. */
      selection: RestartSelection;
      /** The kept run, which later epochs continue. */
      run: TrainingRun;
    }
  | {
      /** One epoch of the kept run finished. */
      kind: "epoch";
      /** The epoch's metrics. */
      metrics: EpochMetrics;
    };

/**
 * One phase of a staged training run ({@link Trainer.stage}). The phases train in this order, the
 * order {@link train} trains them in one go (same bits):
 * 0. with a cross-validation ensemble ({@link TrainOptions.members}), each member before the last
 *    (`member` its index): its weight-decay candidates (`kind` "candidate", member 1 only), then
 *    itself (`kind` "member"); the phases below are then those of the last member;
 * 1. a depth curriculum's shallow starter network (`network` "starter"): first the automatic
 *    weight decay's other candidates of its own (`kind` "candidate"), then itself (`kind` "starter");
 * 2. the run's network (`network` "run"): the weight-decay candidates still to train
 *    (`kind` "candidate"), then the run itself (`kind` "run": its restart trials, then the kept
 *    run's epochs; the choice among the candidates is made by {@link Trainer.finish}).
 *
 * Advance `trainer` until its `done` (or the whole run's); the next {@link Trainer.stage} is then
 * the next phase, and the outer trainer's own first `advance()` takes over what the earlier phases
 * trained (the starter's steps and readout, the candidates' results). Nothing else is to be done
 * between phases.
 */
export interface TrainingStage {
  /** What trains: a weight-decay candidate, a depth curriculum's starter network, an ensemble member before the last (its own run), or the run itself (an ensemble's last member). */
  kind: "candidate" | "starter" | "member" | "run";
  /** Which network the phase belongs to: the curriculum's starter (its candidates included) or the run's own. */
  network: "starter" | "run";
  /** The trainer whose `advance()` trains this phase (the outer trainer itself for `kind` "run"). */
  trainer: Trainer;
  /** Weight decay λ the phase trains with (a candidate's own λ). */
  weightDecay: number;
  /** Depth n of the network the phase trains. */
  steps: number;
  /** A candidate's position among its network's runs: `index` (0-based) of `count`, the last being the network itself; null for the other phases. */
  candidate: {
    /** 0-based position of this candidate among the network's runs. */
    index: number;
    /** Runs of the network: its candidates and itself. */
    count: number;
  } | null;
  /** The ensemble member the phase belongs to ({@link TrainOptions.members}): `index` (0-based) of `count`; null for one network. */
  member: {
    /** 0-based index of the member. */
    index: number;
    /** Members of the ensemble. */
    count: number;
  } | null;
}

/**
 * {@link train} one step at a time, for callers that drive, pause and inspect a run (the
 * playground): `advance()` does the next unit of the same algorithm — one trial epoch of the
 * restart under trial, the choice of the restart with the best validation score (without validation: the lowest
 * training loss), or one epoch of
 * the kept run. `train()` is this loop run to the end, so both give the same bits.
 */
export class Trainer {
  /** The resolved options the trainer runs with (the deep network's, with a depth curriculum). */
  readonly options: ResolvedTrainOptions;
  /** Number of classes of the readout (from the data, or {@link TrainOptions.classes}). */
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
  /** Rows the optimiser trains on (the training data minus the validation rows). */
  readonly trainSet: Dataset;
  /** Validation rows carved from the training data (null: none). */
  readonly val: Dataset | null;
  private readonly test: Dataset | undefined;
  /** TrainOptions.engine, for every run this trainer makes. */
  private readonly engine: EngineFactory | null;
  private bestScore: { accuracy: number; loss: number } | null = null;
  /** The shallow network of the depth curriculum, once trained (null: none, or not trained yet). */
  curriculum: NonNullable<TrainResult["curriculum"]> | null = null;
  /**
   * The depth curriculum's shallow starter network while it is still to be trained (only with
   * `stagedCurriculum`; else null): advance it like any trainer to watch it learn. The first
   * `prepare()` or `advance()` of this trainer trains whatever is left of it and starts the deep
   * network from it.
   */
  starter: Trainer | null = null;
  /** The trained starter network whose steps and readout the deep network starts from. */
  private prefix: Model | null = null;
  /** The automatic weight decay's other candidates, trained on this run's split (mode
   * "validation"); finish() keeps the best-scoring of them and the kept run. */
  private alternatives: { weightDecay: number; result: TrainResult }[] = [];
  /**
   * The automatic weight decay's other candidates still to train, each a Trainer of its own (only
   * with `stagedAlternatives`; else they train in the constructor and this is empty): advance each
   * until `done` to watch it (and stay responsive) — the first `prepare()`, `advance()` or
   * `finish()` of this trainer trains whatever is left of them, before its own runs, as the
   * constructor would have: the same bits either way.
   */
  pendingAlternatives: {
    /** The candidate's weight decay λ. */
    weightDecay: number;
    /** Its training: the whole automatic procedure on this run's rows and validation split, with λ fixed. */
    trainer: Trainer;
  }[] = [];
  /** The automatic weight-decay choice, once finish() has made it (null: none). */
  weightDecayChoice: WeightDecayChoice | null = null;
  /** The cross-validation ensemble this trainer's run is the last member of ({@link TrainOptions.members}), or null. */
  readonly ensemble: EnsemblePlan | null = null;
  /** The ensemble's members finished so far (before the last, this trainer's own run). */
  readonly finishedMembers: FinishedMember[] = [];
  /** The earlier member in training (a Trainer of its own, made when the one before it finished), or null. */
  private member: { index: number; trainer: Trainer } | null = null;
  /** What an earlier member is made of: the whole training data and the options without callbacks. */
  private readonly memberSource: { trainSet: Dataset; options: TrainOptions; resume: EnsembleResume | null; resumeRun: NonNullable<TrainOptions["resume"]> | null } | null = null;
  /** True when the members' weight decay is member 1's automatic choice (no `weightDecay` given). */
  private readonly memberAutoDecay: boolean = false;

  /**
   * @param setup.stagedCurriculum leave a depth curriculum's starter network untrained here and
   * expose it as {@link Trainer.starter} (default: train it in the constructor). Either way the
   * same bits: the starter is the same run as `train(trainSet, { ...options, steps: n0, curriculum: 0 })`.
   * @param setup.stagedAlternatives leave the automatic weight decay's other candidates untrained
   * here, as {@link Trainer.pendingAlternatives} (default: train them in the constructor, which
   * then takes as long as the run itself with no event in between). Either way the same bits.
   */
  constructor(trainSet: Dataset, options: TrainOptions, setup: { stagedCurriculum?: boolean; stagedAlternatives?: boolean } = {}) {
    this.engine = options.engine ?? null;
    // A cross-validation ensemble (TrainOptions.members): the members before the last train as
    // trainers of their own (staged: `stage` shows them, the first `prepare()`/`advance()` trains
    // what is left of them); this trainer's own run is the last member.
    const ens = options.members === 1 ? null : planEnsemble(options, trainSet);
    if (ens !== null) {
      this.ensemble = ens;
      const { onEpoch: _e, onRestart: _r, onProgress: _p, resume, ...base } = options;
      const er = resume?.ensemble ?? null;
      if (resume !== undefined && er === null) throw new InputError(`resume: the run is the last of ${ens.count} ensemble members, but the resume has no ensemble record; give resume.ensemble (or members 1 for a checkpoint of one network)`);
      if (er !== null && er.finished.length !== er.member) throw new InputError(`resume: ensemble member ${er.member + 1} needs the ${er.member} members before it, ${er.finished.length} given`);
      this.finishedMembers.push(...(er?.finished ?? []));
      this.memberAutoDecay = options.weightDecay === undefined;
      const last = ens.count - 1;
      const resumesLast = er !== null && er.member === last;
      this.memberSource = { trainSet, options: base, resume: er, resumeRun: resume !== undefined && !resumesLast ? resume : null };
      const lambda = options.weightDecay ?? this.finishedMembers[0]?.record.weightDecay ?? AUTO_DEFAULTS.weightDecays[0];
      const { train: rows, val } = memberRows(trainSet, ens, last);
      options = { ...memberOptions(options, ens, last, val, lambda), ...(resumesLast ? {} : { resume: undefined }) };
      trainSet = rows;
    }
    this.classes = checkTrainable(trainSet, options.classes);
    // The feature map is checked against the data before anything trains.
    const featureMap = options.features == null ? null : parseFeatureMap(options.features, trainSet.d, "features");
    const plan = planTraining(options, trainSet);
    // Depth curriculum: the shallow network first (same options, its own restarts), then the
    // deep one starts from it (planTraining has set up the deep network's options).
    const n0 = plan.options.curriculum;
    if (n0 > 0 && plan.options.steps > n0 && options.resume === undefined) {
      const { onEpoch: _e, onRestart: _r, onProgress: _p, ...rest } = options;
      // Its own weight-decay candidates stay staged too (its first advance() trains what is left
      // of them, the same bits), so a caller that advances the starter can show them and stop.
      // (One network: the deep one continues its steps and readout.)
      this.starter = new Trainer(trainSet, { ...rest, steps: n0, curriculum: 0, members: 1 }, { stagedAlternatives: true });
    }
    const o = plan.options;
    // The automatic weight decay: no single λ suits every set (AUTO_DEFAULTS.weightDecays), so
    // each candidate is trained and the validation loss chooses (ties: accuracy).
    const deep = n0 > 0 && o.steps > n0;
    // (Classification only: regression keeps λ = 0, see planTraining.)
    if (o.auto && options.weightDecay === undefined && trainSet.targets === undefined && !deep && plan.val !== null && plan.fit.n <= AUTO_DEFAULTS.fullBatchRows) {
      // The kept run trains the first candidate (planTraining's λ); the others train here on the
      // same rows and split (the same plan), and finish() returns the best-scoring of them.
      const { onEpoch: _e, onRestart: _r, onProgress: _p, resume: _s, ...base } = options;
      for (const wd of AUTO_DEFAULTS.weightDecays.slice(1)) {
        const altOptions = { ...base, evalEvery: options.evalEvery ?? ALTERNATIVE_EVAL_EVERY, weightDecay: wd, members: 1 };
        if (setup.stagedAlternatives) this.pendingAlternatives.push({ weightDecay: wd, trainer: new Trainer(trainSet, altOptions) });
        else this.alternatives.push({ weightDecay: wd, result: train(trainSet, altOptions) });
      }
    }
    this.options = o;
    this.trainSet = plan.fit;
    this.val = plan.val;
    this.test = options.test;
    const d = featureMap?.expressions.length ?? trainSet.d;
    const k = oscillatorCount(o, d, trainSet.targets === undefined ? this.classes : 0);
    if (Array.isArray(options.devices) && options.devices.length !== k) {
      throw new InputError(`${options.devices.length} device curves given for ${k} oscillators (${d} features${k > d ? ` + ${k - d} extra` : ""}); give one curve, or one per oscillator`);
    }
    // The normalisation is fitted to the features (after the map), on every training row.
    const scaling = options.inputScaling ?? "minmax";
    if (scaling !== "minmax" && scaling !== "standard") throw new InputError(`input scaling "${String(scaling)}" is not known; use "minmax" or "standard"`);
    const norm = (scaling === "standard" ? fitStandardScaling : fitNormalization)(featureMap ? applyFeatureMap(featureMap, trainSet) : trainSet);
    const classes = this.classes;
    const regression = trainSet.targets !== undefined;
    if (regression && o.precision === "float32") throw new InputError(`precision float32 has no regression loss (its engines fuse the softmax cross-entropy only); train regression in float64`);
    const targetScale = regression ? fitTargetScale(trainSet) : null;
    this.make = (): Model => {
      const m = createModel(k, o.steps, classes, options.devices, { inputs: d, extraP0: o.extraP0 });
      const prefix = this.prefix;
      if (prefix !== null) {
        m.A.set(prefix.A);
        m.B.set(prefix.B);
        m.W.set(prefix.W);
        m.c.set(prefix.c);
      }
      m.normalization = { min: norm.min.slice(), max: norm.max.slice() };
      if (targetScale !== null) {
        m.problem = "regression";
        m.targetScale = { mean: targetScale.mean.slice(), std: targetScale.std.slice() };
        m.targetNames = (trainSet.targetNames ?? ["target"]).slice();
      } else {
        m.classNames = trainSet.classNames.slice();
      }
      if (featureMap) m.featureMap = { columns: featureMap.columns, expressions: featureMap.expressions.slice() };
      if (trainSet.featureNames.length === trainSet.d) m.featureNames = trainSet.featureNames.slice();
      return m;
    };
    this.trialEpochs = o.restarts > 1 ? Math.min(o.restartEpochs, o.epochs) : 0;
    if (options.resume) {
      this.run = options.resume.run;
      this.chosen = options.resume.selection.chosenRestart;
      this.restart = this.chosen;
      this.restartLosses.push(...options.resume.selection.restartLosses);
      this.curriculum = options.resume.curriculum ?? null;
    }
    if (!setup.stagedCurriculum) this.adoptStarter();
  }

  /**
   * The earlier ensemble member in training, made when the one before it finished (its first
   * `weightDecay` is member 1's choice), or null once every member before the last is finished
   * (or without an ensemble). A finished member's result is kept in {@link Trainer.finishedMembers}.
   */
  private nextMember(): { index: number; trainer: Trainer } | null {
    const ens = this.ensemble, src = this.memberSource;
    if (ens === null || src === null) return null;
    for (;;) {
      const cur = this.member;
      if (cur !== null && !cur.trainer.done) return cur;
      if (cur !== null) {
        this.member = null;
        const r = cur.trainer.finish(0);
        const v = r.validation;
        const record: EnsembleMember = {
          seed: ens.seeds[cur.index],
          rows: cur.trainer.trainSet.n,
          validation: { n: v?.n ?? 0, accuracy: v?.accuracy ?? NaN, loss: v?.loss ?? NaN, epoch: v?.epoch ?? 0 },
          epochs: r.history.length,
          weightDecay: cur.trainer.options.weightDecay,
        };
        this.finishedMembers.push({ model: r.model, record, weightDecay: r.weightDecay ?? null });
        // The other members train with member 1's weight decay (the outer run is not made yet).
        if (cur.index === 0 && this.memberAutoDecay && this.run === null && this.trialRun === null) (this as { options: ResolvedTrainOptions }).options = { ...this.options, weightDecay: record.weightDecay };
      }
      const index = this.finishedMembers.length;
      if (index >= ens.count - 1) return null;
      const lambda = src.options.weightDecay ?? (index > 0 ? this.finishedMembers[0].record.weightDecay : undefined);
      const { train: rows, val } = memberRows(src.trainSet, ens, index);
      const resumed = src.resumeRun !== null && src.resume?.member === index ? { resume: { run: src.resumeRun.run, selection: src.resumeRun.selection } } : {};
      // (No test set: an earlier member's test metrics would only fill a history no one keeps.)
      const opts: TrainOptions = { ...memberOptions(src.options, ens, index, val, lambda), test: undefined, ...resumed };
      this.member = { index, trainer: new Trainer(rows, opts, { stagedAlternatives: true }) };
    }
  }

  /** The ensemble member before the last that trains now or next (null: none left, or no ensemble); {@link Trainer.stage} names it. */
  get memberInTraining(): {
    /** 0-based index of the member. */
    index: number;
    /** Its trainer (advance it while `stage` names it). */
    trainer: Trainer;
  } | null {
    return this.member;
  }

  /** Trains what is left of the ensemble's members before the last (the loop of `train()`). */
  private adoptMembers(): void {
    for (let m = this.nextMember(); m !== null; m = this.nextMember()) while (!m.trainer.done) m.trainer.advance();
  }

  /** Trains what is left of the weight-decay candidates of {@link Trainer.pendingAlternatives} (the loop of `train()`) and keeps their results. */
  private adoptAlternatives(): void {
    for (const { weightDecay, trainer } of this.pendingAlternatives) {
      while (!trainer.done) trainer.advance();
      this.alternatives.push({ weightDecay, result: trainer.finish(0) });
    }
    this.pendingAlternatives = [];
  }

  /** Trains what is left of the starter network (the loop of `train()`), then keeps it as the deep network's start. */
  private adoptStarter(): void {
    const starter = this.starter;
    if (starter === null) return;
    while (!starter.done) starter.advance();
    const shallow = starter.finish(0);
    this.prefix = shallow.model;
    const h = shallow.history;
    this.curriculum = { steps: starter.options.steps, firstTrainLoss: h[0]?.trainLoss ?? NaN, trainLoss: h[h.length - 1]?.trainLoss ?? NaN };
    this.starter = null;
  }

  /**
   * The result once `done`: restores the kept run's best validation parameters (early stopping;
   * no-op without validation) and reports them with the history and restart selection.
   * @param seconds wall time to report.
   */
  finish(seconds: number): TrainResult {
    this.adoptMembers();
    this.adoptAlternatives();
    const run = this.run;
    if (run === null) throw new RangeError("Trainer.finish before the restarts were chosen");
    const val = this.val;
    // With validation: the best validation parameters. Without: the lowest-training-loss ones only
    // when the run ended clearly above that loss, i.e. fell off its solution (COLLAPSE_MARGIN).
    const lastLoss = run.history[run.history.length - 1]?.trainLoss ?? NaN;
    if (val !== null || (run.best !== null && lastLoss > run.best.loss + COLLAPSE_MARGIN)) run.restoreBest();
    const sel = this.selection;
    const result: TrainResult = {
      model: run.model,
      history: run.history,
      restartLosses: sel.restartLosses,
      chosenRestart: sel.chosenRestart,
      seconds,
      engine: run.engineLabel,
      validation: val === null ? null : { n: val.n, accuracy: run.best?.accuracy ?? NaN, loss: run.best?.loss ?? NaN, epoch: run.best?.epoch ?? 0 },
      curriculum: this.curriculum,
      weightDecay: this.weightDecayChoice,
      ensemble: null,
    };
    if (this.alternatives.length > 0 && run.best !== null) {
      // The automatic weight decay (mode "validation"): the kept run against the other
      // candidates, by validation score. A better candidate's parameters go into the kept run's
      // model (same shape and normalisation), so whoever holds `run.model` sees the choice.
      const candidates: WeightDecayChoice["candidates"] = [{ weightDecay: this.options.weightDecay, loss: run.best.loss, accuracy: run.best.accuracy }];
      let best: { accuracy: number; loss: number } = run.best;
      let kept: { weightDecay: number; result: TrainResult } | null = null;
      for (const alt of this.alternatives) {
        const v = alt.result.validation;
        if (!v) continue;
        candidates.push({ weightDecay: alt.weightDecay, loss: v.loss, accuracy: v.accuracy });
        if (betterScore(v.accuracy, v.loss, best)) {
          best = v;
          kept = alt;
        }
      }
      this.alternatives = [];
      if (kept !== null) {
        const m = kept.result.model;
        run.model.A.set(m.A);
        run.model.B.set(m.B);
        run.model.W.set(m.W);
        run.model.c.set(m.c);
        // Training on past the end (the playground's "more epochs") keeps this as the best so far.
        run.best = { accuracy: best.accuracy, loss: best.loss, epoch: run.epochsDone, update: run.adam.state.t, A: m.A.slice(), B: m.B.slice(), W: m.W.slice(), c: m.c.slice() };
        Object.assign(result, { history: kept.result.history, restartLosses: kept.result.restartLosses, chosenRestart: kept.result.chosenRestart, validation: kept.result.validation });
        // `selection` (what the playground records) says the same as the result.
        this.chosen = kept.result.chosenRestart;
        this.restartLosses.splice(0, this.restartLosses.length, ...kept.result.restartLosses);
        (this as { options: ResolvedTrainOptions }).options = { ...this.options, weightDecay: kept.weightDecay };
      }
      this.weightDecayChoice = { chosen: this.options.weightDecay, candidates };
      result.weightDecay = this.weightDecayChoice;
    }
    const ens = this.ensemble;
    if (ens !== null) {
      // The last member joins the finished ones; the model is their merged network (mean logits).
      const v = result.validation;
      const own: FinishedMember = {
        model: result.model,
        record: { seed: this.options.seed, rows: this.trainSet.n, validation: { n: v?.n ?? 0, accuracy: v?.accuracy ?? NaN, loss: v?.loss ?? NaN, epoch: v?.epoch ?? 0 }, epochs: result.history.length, weightDecay: this.options.weightDecay },
        weightDecay: null,
      };
      const all = [...this.finishedMembers, own];
      result.model = mergeNetworks(all.map((m) => m.model));
      result.ensemble = { foldSeed: ens.foldSeed, members: all.map((m) => m.record) };
      this.weightDecayChoice = all[0].weightDecay;
      result.weightDecay = this.weightDecayChoice;
    }
    return result;
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
    this.adoptMembers();
    this.adoptAlternatives();
    this.adoptStarter();
    this.trialRun ??= new TrainingRun(this.make(), this.trainSet, this.options, deriveSeed(this.options.seed, this.restart), this.test, true, this.engine, this.val);
    return this.trialRun;
  }

  /** True when the kept run has trained `options.epochs` epochs, or early stopping is due. */
  get done(): boolean {
    return this.run !== null && (this.run.epochsDone >= this.options.epochs || this.run.stalled());
  }

  /**
   * The phase of the staged run whose epoch trains next (a `TrainingStage`): the one home of
   * the phase order, which `dynaspin train` and the playground's worker both follow. Needs a
   * trainer made with `stagedCurriculum` and `stagedAlternatives` to see the earlier phases (else
   * they trained in the constructor and this is always the run itself).
   */
  get stage(): TrainingStage {
    const ens = this.ensemble;
    const m = this.run === null && this.trialRun === null ? this.nextMember() : null;
    if (ens !== null && m !== null) {
      // An earlier ensemble member: its own phases (its weight-decay candidates, then itself).
      const s = m.trainer.stage;
      return { ...s, kind: s.kind === "run" ? "member" : s.kind, member: { index: m.index, count: ens.count } };
    }
    const member = ens === null ? null : { index: ens.count - 1, count: ens.count };
    const starter = this.starter;
    if (starter !== null) {
      const c = firstPending(starter);
      if (c !== null) return { kind: "candidate", network: "starter", trainer: c.trainer, weightDecay: c.weightDecay, steps: starter.options.steps, candidate: c.position, member };
      if (!starter.done) return { kind: "starter", network: "starter", trainer: starter, weightDecay: starter.options.weightDecay, steps: starter.options.steps, candidate: null, member };
    }
    const c = firstPending(this);
    if (c !== null) return { kind: "candidate", network: "run", trainer: c.trainer, weightDecay: c.weightDecay, steps: this.options.steps, candidate: c.position, member };
    return { kind: "run", network: "run", trainer: this, weightDecay: this.options.weightDecay, steps: this.options.steps, candidate: null, member };
  }

  /**
   * How far this trainer's own training is, in epochs: `done` of at most `total`, counting every
   * restart's trial epochs and then the kept run's later epochs (the kept run continues from its
   * trial). Early stopping ends it below `total`; epochs trained past the end count on.
   */
  get progress(): {
    /** Epochs trained so far. */
    done: number;
    /** Epochs at most. */
    total: number;
  } {
    const trials = this.options.restarts * this.trialEpochs;
    const total = trials + this.options.epochs - this.trialEpochs;
    if (this.run !== null) return { done: trials + this.run.epochsDone - Math.min(this.trialEpochs, this.run.epochsDone), total };
    return { done: this.restart * this.trialEpochs + (this.trialRun?.epochsDone ?? 0), total };
  }

  /** Epochs each restart trains before the choice (0 with a single restart). */
  get trialLength(): number {
    return this.trialEpochs;
  }

  /** Does the next unit of work; see the class comment. Past the end it trains further epochs. */
  advance(): TrainerEvent {
    if (this.member !== null || (this.ensemble !== null && this.run === null && this.trialRun === null)) this.adoptMembers();
    if (this.pendingAlternatives.length > 0) this.adoptAlternatives();
    if (this.run !== null) return { kind: "epoch", metrics: this.run.epoch() };
    const run = this.prepare();
    if (run.epochsDone < this.trialEpochs) return { kind: "trial", restart: this.restart, metrics: run.epoch() };
    // With validation a restart is scored by its best validation (accuracy, loss); else by its training loss.
    // (Without validation, `best` is only the collapse guard's snapshot: the trial's last loss scores it.)
    const score = run.best !== null && this.val !== null ? { accuracy: run.best.accuracy, loss: run.best.loss } : { accuracy: 0, loss: this.trialEpochs > 0 ? run.history[run.history.length - 1].trainLoss : 0 };
    this.restartLosses.push(score.loss);
    if (this.best === null || betterScore(score.accuracy, score.loss, this.bestScore)) {
      this.best = run;
      this.chosen = this.restart;
      this.bestScore = score;
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
   * epochs, early-stopping patience, weight decay), continuing from its parameters, optimiser state, generator and history
   * ({@link TrainingRun.fromState}). Only before the choice of restart are the trial runs
   * untouched: the change applies to runs not yet started.
   */
  retune(change: Partial<Pick<TrainOptions, "lr" | "batchSize" | "epochs" | "schedule" | "patience" | "weightDecay" | "l1">>): void {
    const cur = this.options;
    const re = resolveTrainOptions({ ...cur, oscillators: cur.oscillators ?? undefined, variation: cur.variation ?? undefined, hardware: cur.hardware ?? undefined, ...change }, this.trainSet.n);
    // The budget mode and the validation split stay as planned; early stopping too unless
    // `patience` is given (a fixed patience then; 0 turns it off, e.g. to train on past an early stop).
    const o: ResolvedTrainOptions = { ...re, auto: cur.auto, updates: cur.updates, validation: cur.validation, patience: change.patience ?? cur.patience, minPatience: change.patience ?? cur.minPatience };
    (this as { options: ResolvedTrainOptions }).options = o;
    if (this.run !== null) this.run = TrainingRun.fromState(this.run.model, this.trainSet, o, this.test, this.run.getState(), this.engine, this.val);
  }
}

/** The first of `t`'s weight-decay candidates still to train, with its position among the network's runs (null: none). */
function firstPending(t: Trainer): { trainer: Trainer; weightDecay: number; position: { index: number; count: number } } | null {
  const list = t.pendingAlternatives;
  const i = list.findIndex((a) => !a.trainer.done);
  return i < 0 ? null : { trainer: list[i].trainer, weightDecay: list[i].weightDecay, position: { index: i, count: list.length + 1 } };
}

/**
 * Trains a network on `trainSet` (raw features: the min–max normalisation is fitted here, on the
 * training split, and stored in the model). The loop of a {@link Trainer} run to the end.
 *
 * Without `epochs` the budget is `updates` optimiser steps on the training rows minus a stratified
 * validation split; `restarts` initialisations are tried for a tenth of the budget each and the
 * best validation score is continued; training stops early after `patience` updates without a
 * better validation score, and the best parameters are restored (see docs/training.md).
 * @example
 * const { model, history } = train(split.train, { devices: eq4(), steps: 4, test: split.test });
 */
export function train(trainSet: Dataset, options: TrainOptions): TrainResult {
  const t0 = performance.now();
  const trainer = new Trainer(trainSet, options);
  while (trainer.run === null) {
    const ev = trainer.advance();
    if (ev.kind === "trial" && ev.metrics.epoch === trainer.trialLength) options.onRestart?.(ev.restart, trainer.current?.best?.loss ?? ev.metrics.trainLoss);
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
  return trainer.finish((performance.now() - t0) / 1000);
}

export { cloneModel };
