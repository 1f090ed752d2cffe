/**
 * The STNO dynamical network's parameters (paper eqs. 5–6 plus the softmax readout).
 *
 * Layout (flat Float64Arrays, row-major):
 * - `A[t][i][j]` at `t*k*k + i*k + j`: coupling from oscillator j (source) into oscillator i (target)
 *   at step t;
 * - `B[t][i]` at `t*k + i`;
 * - `W[c][j]` at `c*k + j` (classes × k); `c[c]`.
 *
 * Dynamics, for t = 0..n−1: `u = A[t]·p(t) + B[t]`, `I_i = polarity_i·u_i²`, `p_i(t+1) = p_i(I_i)`;
 * readout `logits = W·p(n) + c`.
 */
import type { DeviceCurve } from "../device/curve.js";
import type { Normalization } from "../data/dataset.js";
import type { FeatureMap } from "../data/features.js";

/** Re-exported from their home in data/ (the model file stores them). */
export type { Normalization, FeatureMap };

/** A network: shapes, one device curve per oscillator, trainable parameters. */
export interface Model {
  /** Number of oscillators (≥ the number of input features, see `inputs`). */
  k: number;
  /**
   * Number of input features d ≤ k: oscillators 0..d−1 start from the (normalised) features,
   * oscillators d..k−1 from the fixed power `extraP0`, and all of them couple through A(t).
   * Absent means d = k (every oscillator is driven by a feature).
   */
  inputs?: number;
  /** p(0) of the extra oscillators d..k−1, in the units of the normalised inputs (0..1). @default 0.5 (`DEFAULT_EXTRA_P0`) */
  extraP0?: number;
  /** Number of time steps n. */
  steps: number;
  /**
   * Rows of the readout W·p(n) + c: the number of classes, or of a regression model
   * (`problem: "regression"`) the number of real outputs m ≥ 1.
   */
  classes: number;
  /**
   * What the readout answers: absent (or "classification"): a softmax over `classes` classes,
   * trained on cross-entropy; "regression": m = `classes` real outputs
   * y_o = mean_o + std_o·(W·p(n) + c)_o (`targetScale`), trained on ½·Σ_o (z_o − ỹ_o)² of the
   * standardised targets ỹ = (y − mean)/std (`squaredErrorSpec` in spec.ts).
   */
  problem?: Problem;
  /**
   * Regression models: the standardisation of the targets learned from the training split (mean
   * and standard deviation of each output, std > 0), in the targets' own units.
   */
  targetScale?: TargetScale;
  /** Regression models: names of the m outputs (the target columns). */
  targetNames?: string[];
  /** One curve per oscillator (entries may share one object). Length k. */
  devices: DeviceCurve[];
  /** Couplings, steps·k·k. */
  A: Float64Array;
  /** Biases, steps·k. */
  B: Float64Array;
  /** Readout weights, classes·k. */
  W: Float64Array;
  /** Readout biases, classes. */
  c: Float64Array;
  /**
   * Input feature transforms (src/data/features.ts): oscillator j < d is driven by
   * `featureMap.expressions[j]` of a raw data row of `featureMap.columns` values (e.g. x1^2,
   * x1*x2, sin(x1)), normalised by `normalization`. The model then reads rows of
   * `featureMap.columns` raw values everywhere (evaluate, runForward, …). Absent: oscillator j
   * reads column j.
   */
  featureMap?: FeatureMap;
  /** Input normalisation (of the features, after `featureMap`); null means inputs are already p(0). */
  normalization: Normalization | null;
  /** Class names in class-index order (optional). */
  classNames?: string[];
  /**
   * Names of the data columns the model reads (optional): in oscillator order, one per input
   * feature, or with a `featureMap` one per raw column (`featureMap.columns`). Data are matched to
   * the model by these names, so a file with the same columns in another order evaluates correctly.
   */
  featureNames?: string[];
}

/**
 * What a network's readout is trained for (TensorFlow Playground's "problem type"): classes
 * (softmax cross-entropy) or real values (squared error).
 */
export type Problem = "classification" | "regression";

/** The problem types, for validation. */
export const PROBLEMS: readonly Problem[] = ["classification", "regression"];

/** Standardisation of regression targets: ỹ_o = (y_o − mean_o)/std_o, so y_o = mean_o + std_o·z_o. */
export interface TargetScale {
  /** Mean of each target over the training rows, mean_o (target units). */
  mean: Float64Array;
  /** Standard deviation of each target, std_o > 0 (target units; 1 for a constant target). */
  std: Float64Array;
}

/** True for a regression model. */
export function isRegressionModel(model: Pick<Model, "problem">): boolean {
  return model.problem === "regression";
}

/** Gradients with the model's flat layout. */
export interface Gradients {
  A: Float64Array;
  B: Float64Array;
  W: Float64Array;
  c: Float64Array;
}

/** Default p(0) of the oscillators beyond the input features: the middle of the normalised input range. */
export const DEFAULT_EXTRA_P0 = 0.5;

/** Number of input features the model reads: `model.inputs`, or k. */
export function inputCount(model: Pick<Model, "k" | "inputs">): number {
  return model.inputs ?? model.k;
}

/** Number of raw data columns a row given to the model has: `featureMap.columns`, else the number of input features. */
export function columnCount(model: Pick<Model, "k" | "inputs" | "featureMap">): number {
  return model.featureMap?.columns ?? inputCount(model);
}

/** p(0) of the model's extra oscillators. */
export function extraInput(model: Pick<Model, "extraP0">): number {
  return model.extraP0 ?? DEFAULT_EXTRA_P0;
}

/** Shape options of {@link createModel}. */
export interface ModelShape {
  /** Number of input features d ≤ k (the other oscillators start at `extraP0`). @default k */
  inputs?: number;
  /** p(0) of oscillators d..k−1. @default 0.5 (`DEFAULT_EXTRA_P0`) */
  extraP0?: number;
}

/**
 * Creates a model with all parameters zero.
 * @param devices one curve (shared by all oscillators) or an array of k curves.
 * @param shape number of input features when it is below k, and the extra oscillators' p(0).
 */
export function createModel(k: number, steps: number, classes: number, devices: DeviceCurve | DeviceCurve[], shape: ModelShape = {}): Model {
  const list = Array.isArray(devices) ? devices.slice() : new Array<DeviceCurve>(k).fill(devices);
  if (list.length !== k) throw new RangeError(`devices has ${list.length} curves, expected k = ${k}`);
  const extra: Partial<Model> = {};
  if (shape.inputs !== undefined && shape.inputs !== k) {
    if (!Number.isInteger(shape.inputs) || shape.inputs < 1 || shape.inputs > k) throw new RangeError(`inputs must be an integer in 1..k = ${k} (got ${shape.inputs})`);
    extra.inputs = shape.inputs;
    extra.extraP0 = shape.extraP0 ?? DEFAULT_EXTRA_P0;
  }
  return {
    ...extra,
    k,
    steps,
    classes,
    devices: list,
    A: new Float64Array(steps * k * k),
    B: new Float64Array(steps * k),
    W: new Float64Array(classes * k),
    c: new Float64Array(classes),
    normalization: null,
  };
}

/** Zero-filled gradients shaped like `model`. */
export function createGradients(model: Model): Gradients {
  return {
    A: new Float64Array(model.A.length),
    B: new Float64Array(model.B.length),
    W: new Float64Array(model.W.length),
    c: new Float64Array(model.c.length),
  };
}

/** A deep copy of the model's parameters (devices are shared: curves are immutable). */
export function cloneModel(m: Model): Model {
  return {
    ...m,
    devices: m.devices.slice(),
    A: m.A.slice(),
    B: m.B.slice(),
    W: m.W.slice(),
    c: m.c.slice(),
    normalization: m.normalization ? { min: m.normalization.min.slice(), max: m.normalization.max.slice() } : null,
    classNames: m.classNames?.slice(),
    featureNames: m.featureNames?.slice(),
    ...(m.targetScale ? { targetScale: { mean: m.targetScale.mean.slice(), std: m.targetScale.std.slice() } } : {}),
    ...(m.targetNames ? { targetNames: m.targetNames.slice() } : {}),
    ...(m.featureMap && { featureMap: { columns: m.featureMap.columns, expressions: m.featureMap.expressions.slice() } }),
  };
}
