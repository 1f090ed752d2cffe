/**
 * Messages between the page and the training worker: the one small interface where the UI meets
 * the numeric core (which runs entirely in the worker).
 */
import type { DeviceSpec } from "../../src/device/curve.js";
import type { EpochMetrics } from "../../src/train/train.js";
import type { PlaygroundState, Varied } from "./state.js";

/** What the worker needs to build a run: the state plus data the URL cannot hold. */
export interface RunConfig {
  state: PlaygroundState;
  device: DeviceSpec;
  /** Decompressed digits CSV text (data = digits). */
  digitsText?: string;
  /** Uploaded CSV (data = csv). */
  csv?: { name: string; text: string };
}

export type ToWorker =
  | { type: "configure"; config: RunConfig }
  | { type: "start" }
  | { type: "pause" }
  | { type: "step" }
  | { type: "speed"; epochsPerSecond: number }
  /** Live changes; null = back to the run's planned value (the library's default). */
  | { type: "retune"; lr: number | null; batch: number | null; epochs: number | null; wd: number | null; l1: number | null }
  | { type: "variation"; param: Varied; sigma: number; relative: boolean; trials: number; seed: number }
  | { type: "trajectory"; index: number }
  | { type: "export" }
  | { type: "import"; text: string; name: string };

/** The data as shown in the input plane (2-D sets) and class names. */
export interface DataInfo {
  n: number;
  d: number;
  /** Classes (a regression: its outputs, 1). */
  classes: number;
  classNames: string[];
  /** Classification, or regression (real targets; `classNames` empty, `targetName` the target's name). */
  problem: "classification" | "regression";
  /** Regression: the target's name, and the largest |target| of the data (the colour scale's half-range). */
  targetName?: string;
  targetRange?: number;
  trainN: number;
  testN: number;
  /** Share of the largest class in the test set: the accuracy of always guessing it. */
  majority: number;
  /** Raw 2-D points (d = 2 only): x, y, label (a regression: 1 where the target is ≥ 0, else 0) and a regression's targets; train then test. */
  points: { x: Float64Array; y: Float64Array; label: Int32Array; value?: Float64Array } | null;
  /** The equivalent `dynaspin train` arguments. */
  args: string[];
  /** What the library planned for this run (the resolved options of `dynaspin train ARGS`). */
  plan: RunPlan;
}

/** The training budget and network the library resolved for a run. */
export interface RunPlan {
  /** Oscillators K and how many read a feature (the rest are extra, starting at extraP0). */
  k: number;
  inputs: number;
  extraP0: number;
  steps: number;
  /** Epochs of the kept run (with `auto`: planned from the update budget). */
  epochs: number;
  /** True when the budget is counted in updates (no --epochs): validation split and early stopping. */
  auto: boolean;
  updates: number;
  /** Adam updates per epoch. */
  updatesPerEpoch: number;
  batchSize: number;
  lr: number;
  /** Decoupled weight decay on A and W (0: none). */
  weightDecay: number;
  /** L1 rate on A and W (0: none). */
  l1: number;
  /** Names of the input oscillators' features (the feature map's expressions, or the data's columns). */
  inputNames: string[];
  restarts: number;
  /** Epochs each restart trains before the choice (0 with one restart). */
  trialEpochs: number;
  /**
   * The automatic weight decay (no --weight-decay, a validation split, full batch): the λ of each
   * whole run trained, in the order they train; the last is the run itself (`weightDecay`), the
   * others are candidates trained before it with the same plan, and at the end the best validation
   * score among them is kept. Empty: the run trains with `weightDecay` alone.
   */
  weightDecays: number[];
  /** Rows the optimiser trains on, and validation rows carved from the training split (0: none). */
  fitRows: number;
  valRows: number;
  /** Early stopping after this many updates without a better validation score (0: off). */
  patience: number;
  /**
   * A depth curriculum (beyond `AUTO_DEFAULTS.deepSteps`, 12, steps with the automatic budget): the shallow starter network trained first,
   * whose steps and readout the `steps`-step network above then starts from (fine-tuned with the
   * budget above). Its values are the command's flags. Null: no curriculum.
   */
  curriculum: {
    steps: number;
    /** The starter network's own automatic weight decay: the λ of each of its whole runs, in the order they train (the last is the starter itself); empty: none. */
    weightDecays: number[];
    epochs: number;
    restarts: number;
    trialEpochs: number;
    lr: number;
    batchSize: number;
    weightDecay: number;
    updatesPerEpoch: number;
    fitRows: number;
  } | null;
}

/** A view of the network after some epoch. */
export interface Snapshot {
  epoch: number;
  epochs: number;
  /** "trial" while restarts are tried (the network shown is the initialisation under trial). */
  phase: "trial" | "train";
  /** "starter" while a depth curriculum's starter network trains, "candidate" while a weight-decay candidate trains (the network shown is it). */
  stage: Stage;
  /** Weight decay λ of the network shown (a candidate's while one trains). */
  weightDecay: number;
  steps: number;
  k: number;
  classes: number;
  /** Parameters (copies): A steps·k·k, B steps·k, W classes·k. */
  A: Float64Array;
  B: Float64Array;
  W: Float64Array;
  /** States of the test points for two oscillators (osc), layout [t][sample][2]. */
  states: Float64Array;
  stateLabels: Int32Array;
  stateN: number;
  osc: [number, number];
  /** Readout boundary (W1−W0)·p + (c1−c0) = 0 in the shown plane (k = 2, two classes). */
  readout: { w0: number; w1: number; c: number } | null;
  /** Decision regions (a regression: the predicted value per cell, `value`, in the target's units) and every oscillator's p_i(t) over the input plane (d = 2), see inputPlane. */
  plane: { nx: number; ny: number; x0: number; x1: number; y0: number; y1: number; prob?: Float64Array; label: Int32Array; value?: Float64Array; p: Float64Array } | null;
  /** Injected currents (all steps, a subsample of test points and oscillators). */
  currents: Float64Array;
  /** Test confusion matrix, classes × classes. */
  confusion: Int32Array;
  /** Accuracies in [0, 1]; a regression's R². */
  trainAccuracy: number;
  testAccuracy: number;
  trainLoss: number;
  testLoss: number;
  /** Regression: mean squared errors in the target's units² (NaN for a classifier). */
  trainMse: number;
  testMse: number;
  /** Set once the run has ended: the library restored the best validation parameters (as
   * `dynaspin train` saves them); accuracies above are then those of the kept network. */
  kept: {
    epoch: number;
    restored: boolean;
    stoppedEarly: boolean;
    valLoss: number;
    valAccuracy: number;
    /** The automatic weight decay's choice (null: one λ): the λ kept and every candidate's best validation score, in the plan's order. */
    weightDecay: { chosen: number; candidates: { weightDecay: number; loss: number; accuracy: number }[] } | null;
  } | null;
}

/**
 * Which network trains: a depth curriculum's starter network, a candidate of the automatic weight
 * decay (a whole run with another λ, trained before the run itself), or the run itself.
 */
export type Stage = "starter" | "candidate" | "main";

/** How fast training goes: measured on the worker's clock from the starts of the recent epochs
 * (at most 61) trained since the speed was set or training started. */
export interface Pace {
  /** The speed setting the epochs were trained at (epochs per second; 0 = max). */
  speed: number;
  /** Epochs in the window. */
  epochs: number;
  /** Epochs per second over the window; NaN with fewer than two. */
  rate: number;
}

export interface VariationResult {
  param: Varied;
  sigma: number;
  relative: boolean;
  trials: number;
  mean: number;
  p5: number;
  p95: number;
  accuracies: Float64Array;
  baseline: number;
  clipped: number;
  redraws: number;
  epoch: number;
  /** Identifies the network the result belongs to (changes with every new run). */
  run: number;
}

export type FromWorker =
  | { type: "ready"; info: DataInfo; snapshot: Snapshot; run: number }
  | { type: "metrics"; reset: boolean; metrics: EpochMetrics[]; pace?: Pace }
  | { type: "snapshot"; snapshot: Snapshot }
  | { type: "status"; running: boolean; phase: "trial" | "train"; stage: Stage; weightDecay: number; epoch: number; epochs: number; message: string; done: boolean }
  /** The run's plan changed without a new run (a weight decay typed while the automatic choice's candidates train drops them). */
  | { type: "plan"; plan: RunPlan }
  /** Something the page says in its notice line (e.g. the end of a curriculum's starter network). */
  | { type: "notice"; text: string }
  | { type: "variation"; result: VariationResult }
  | { type: "variation-error"; message: string }
  | { type: "trajectory"; index: number; p: Float64Array; k: number; steps: number; predicted: number; value?: number }
  | { type: "model"; text: string }
  | { type: "imported"; steps: number; k: number; plan: RunPlan; device: DeviceSpec | DeviceSpec[]; run: number }
  | { type: "error"; message: string };
