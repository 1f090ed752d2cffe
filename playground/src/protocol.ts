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
  | { type: "retune"; lr: number; batch: number; epochs: number }
  | { type: "variation"; param: Varied; sigma: number; relative: boolean; trials: number; seed: number }
  | { type: "trajectory"; index: number }
  | { type: "export" }
  | { type: "import"; text: string; name: string };

/** The data as shown in the input plane (2-D sets) and class names. */
export interface DataInfo {
  n: number;
  d: number;
  classes: number;
  classNames: string[];
  trainN: number;
  testN: number;
  /** Share of the largest class in the test set: the accuracy of always guessing it. */
  majority: number;
  /** Raw 2-D points (d = 2 only): x, y, label; train then test. */
  points: { x: Float64Array; y: Float64Array; label: Int32Array } | null;
  /** The equivalent `dynaspin train` arguments. */
  args: string[];
}

/** A view of the network after some epoch. */
export interface Snapshot {
  epoch: number;
  epochs: number;
  /** "trial" while restarts are tried (the network shown is the candidate under trial). */
  phase: "trial" | "train";
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
  /** Decision regions and every oscillator's p_i(t) over the input plane (d = 2), see inputPlane. */
  plane: { nx: number; ny: number; x0: number; x1: number; y0: number; y1: number; prob?: Float64Array; label: Int32Array; p: Float64Array } | null;
  /** Injected currents (all steps, a subsample of test points and oscillators). */
  currents: Float64Array;
  /** Test confusion matrix, classes × classes. */
  confusion: Int32Array;
  trainAccuracy: number;
  testAccuracy: number;
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
  | { type: "metrics"; reset: boolean; metrics: EpochMetrics[] }
  | { type: "snapshot"; snapshot: Snapshot }
  | { type: "status"; running: boolean; phase: "trial" | "train"; epoch: number; epochs: number; message: string; done: boolean }
  | { type: "variation"; result: VariationResult }
  | { type: "variation-error"; message: string }
  | { type: "trajectory"; index: number; p: Float64Array; k: number; steps: number; predicted: number }
  | { type: "model"; text: string }
  | { type: "imported"; steps: number; device: DeviceSpec | DeviceSpec[]; run: number }
  | { type: "error"; message: string };
