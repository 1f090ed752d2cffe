/**
 * Training from a Node program on the fastest engine this machine has, as the CLI does: the
 * `train` and `Trainer` of the `dynaspin/node` entry are the root entry's, with one more option,
 * {@link NodeTrainOptions.engine}, that defaults to `"auto"` — the native engine (C++ through
 * Node-API, `native/`) when it was built at install and can run the model, else WebAssembly.
 * Every float64 engine gives the same bits (docs/engines.md), so the choice changes speed only;
 * `TrainResult.engine` (and `TrainingRun.engineLabel`) names the engine that ran, and
 * {@link nativeStatus} says whether the native engine loaded here and, if not, why.
 *
 * The root entry's `train` (the browser's) keeps WebAssembly, the only engine a browser has.
 */
import { Trainer as CoreTrainer, train as coreTrain, type TrainOptions, type TrainResult } from "../train/train.js";
import { referenceFactory, wasm64Factory, type EngineFactory, type EngineKind, type InferenceEngine } from "../network/engine.js";
import { predictLogits, type Prediction } from "../network/api.js";
import { columnCount, type Model } from "../network/model.js";
import type { Dataset } from "../data/dataset.js";
import { nativeFactory, nativeStatus, type NativeStatus } from "./native-engine.js";
import { native32Factory } from "./native-engine32.js";
import { InputError } from "../util/errors.js";

export { nativeStatus, type NativeStatus };

/**
 * The engines a Node program can train on (docs/engines.md):
 * - `"auto"`: the native engine when it was built and can run the model (eq. 4 devices, and in
 *   float64 table devices too; no hardware effects; classification), else WebAssembly; what the
 *   CLI's `--engine auto` does;
 * - `"native"`: the native engine, or an {@link InputError} when it is not built here or cannot
 *   run this model (the error names the reason);
 * - `"wasm"`: the WebAssembly SIMD engine (the browser's; the TypeScript reference where a
 *   runtime lacks WebAssembly SIMD);
 * - `"reference"`: the TypeScript loops of the specification (float64 only; every device model).
 */
export type TrainEngine = "auto" | "native" | "wasm" | "reference";

/** The values of {@link TrainEngine}, for validation. */
export const TRAIN_ENGINES: readonly TrainEngine[] = ["auto", "native", "wasm", "reference"];

/**
 * The root entry's {@link TrainOptions} with the engine named instead of passed as a factory.
 */
export interface NodeTrainOptions extends Omit<TrainOptions, "engine"> {
  /** Which engine computes the training batches (see {@link TrainEngine}). @default "auto" */
  engine?: TrainEngine;
  /**
   * Threads of the native engine (1 = the calling thread only; the results are identical for any
   * count); ignored by the other engines. @default 1
   */
  threads?: number;
}

/**
 * The engine factory for a {@link TrainEngine} choice and the run's options, resolved once; null
 * means the root entry's default (WebAssembly). Throws an {@link InputError} for `"native"` when it
 * is not built or cannot run the model, for `"reference"` with `precision: "float32"`, and for an
 * unknown name or a bad thread count.
 */
function engineFor(trainSet: Dataset, options: NodeTrainOptions): EngineFactory | null {
  const choice = options.engine ?? "auto";
  if (!TRAIN_ENGINES.includes(choice)) throw new InputError(`engine ${JSON.stringify(choice)}: allowed: ${TRAIN_ENGINES.join(", ")}`);
  const threads = options.threads ?? 1;
  if (!Number.isInteger(threads) || threads < 1 || threads > 256) throw new InputError(`threads ${threads}: allowed: an integer from 1 to 256`);
  const f32 = options.precision === "float32";
  if (choice === "wasm") return null;
  if (choice === "reference") {
    if (f32) throw new InputError(`engine "reference" computes float64 only; precision "float32" runs on engine "native" or "wasm"`);
    return referenceFactory();
  }
  const devices = Array.isArray(options.devices) ? options.devices : [options.devices];
  // The native engine computes eq. 4 devices, and in float64 table devices too.
  const other = devices.find((d) => d.model !== "eq4" && (d.model !== "table" || f32));
  const why = options.hardware ? "hardware effects" : trainSet.targets !== undefined ? "a regression (its batch call fuses the softmax loss only)" : other !== undefined ? `${/^[aeiou]/.test(other.model) ? "an" : "a"} ${other.model} device (it computes eq. 4${f32 ? " only in float32" : " and tables only"})` : null;
  if (choice === "auto") return why !== null ? null : f32 ? native32Factory(threads) : nativeFactory(threads);
  if (why !== null) throw new InputError(`engine "native" cannot run this model: ${why}; use engine "auto" or "wasm"`);
  const f = f32 ? native32Factory(threads) : nativeFactory(threads);
  if (f === null) {
    const st = nativeStatus();
    throw new InputError(`engine "native": the native engine is ${st.available ? "unavailable for float32 (stale build; run `npm run build:native`)" : st.reason}; use engine "auto" or "wasm"`);
  }
  return f;
}

function coreOptions(trainSet: Dataset, options: NodeTrainOptions): TrainOptions {
  const { engine: _e, threads: _t, ...rest } = options;
  return { ...rest, engine: engineFor(trainSet, options) };
}

/**
 * Trains a network as the root entry's `train` does (the same options, defaults and result), on
 * the engine {@link NodeTrainOptions.engine} names — by default the native engine when it was built
 * here, else WebAssembly. `result.engine` names the engine that ran, e.g.
 * "native (avx512, 8 float64 lanes, 1 thread)" or "wasm64 (WebAssembly SIMD, 2 float64 lanes)".
 */
export function train(trainSet: Dataset, options: NodeTrainOptions): TrainResult {
  return coreTrain(trainSet, coreOptions(trainSet, options));
}

/**
 * The root entry's `Trainer` (training one epoch at a time) on the engine
 * {@link NodeTrainOptions.engine} names, by default the native engine when it was built here.
 */
export class Trainer extends CoreTrainer {
  /**
   * @param trainSet the training rows (a validation split is carved from them, as by `train`).
   * @param options the root entry's options with the engine by name.
   * @param setup see the root entry's `Trainer`.
   */
  constructor(trainSet: Dataset, options: NodeTrainOptions, setup: { stagedCurriculum?: boolean; stagedAlternatives?: boolean } = {}) {
    super(trainSet, coreOptions(trainSet, options), setup);
  }
}

/** Result of `dynaspin/node`'s {@link predict}: the root entry's {@link Prediction} and what ran. */
export interface NodePrediction extends Prediction {
  /** The engine that ran, for reports: e.g. "native (avx512, 8 float64 lanes, 1 thread)". */
  label: string;
}

/**
 * Rows per call of the native engine's window inference: a multiple of `evaluateArrays`' 512-row
 * loss chunks, so an evaluation's sums are the same in any window.
 */
const INFERENCE_WINDOW = 4096;

/** The inference engine {@link nativeInference} chose, and how to name what ran. */
export interface InferenceChoice {
  /**
   * The native engine's window inference (windows of up to 4096 rows), or null when the native
   * engine is not built here: then `evaluate` and `predictLogits` run on WebAssembly.
   */
  engine: InferenceEngine | null;
  /**
   * The label of the engine that ran, from the kind an `Evaluation` or a `Prediction` reports:
   * e.g. "native (avx512, 8 float64 lanes, 1 thread)", "wasm64 (WebAssembly SIMD, 2 float64
   * lanes)" or "reference (TypeScript)".
   */
  label(kind: EngineKind): string;
}

/**
 * The one choice of the inference engine for `dynaspin eval`, `dynaspin predict` ({@link predict})
 * and `dynaspin train`'s final evaluation: the native engine's window inference for a model on
 * `rows` rows (one window of them all, up to 4096 rows a window), on `threads` threads (or of the
 * engine factory given, e.g. the one a run trained on), when the native engine is built here. The
 * root entry's `evaluate` and `predictLogits` run on it where it has a kernel for every device
 * (eq. 4 and table devices), else — and without it — on WebAssembly (the TypeScript loops for a
 * device without a kernel there), and report which ran; every engine gives the same bits.
 * @param rows the most rows one call will evaluate (the window is min(rows, 4096), at least 1).
 * @param options `threads` of the native engine (default 1); `factory`: an engine factory instead
 *   of the native engine's (null: none, WebAssembly runs).
 */
export function nativeInference(model: Model, rows: number, options: { threads?: number; factory?: EngineFactory | null } = {}): InferenceChoice {
  const factory = options.factory !== undefined ? options.factory : nativeFactory(options.threads ?? 1);
  const engine = factory?.createInference?.(model.k, model.steps, model.classes, 512, Math.max(1, Math.min(rows, INFERENCE_WINDOW))) ?? null;
  const label = (kind: EngineKind): string => (kind === "native" && engine !== null ? factory : kind === "wasm64" ? wasm64Factory() : null)?.label ?? referenceFactory().label;
  return { engine, label };
}

/**
 * The readout logits of a network on N rows of raw inputs (the root entry's `predictLogits`), on the
 * fastest engine built here (`nativeInference`: the native engine's window inference, one
 * call per 4096 rows, on `threads` threads, when it loaded and has a kernel for every device, else
 * WebAssembly; the TypeScript loops for a device without a kernel there). Every engine gives the
 * same bits, so the choice changes speed only; `label` names the engine that ran. What `dynaspin
 * predict` runs. A classifier's class is the first largest logit, its probabilities their softmax;
 * a regression model's values are `regressionValues(model, logits)` of the root entry.
 * @param inputs N rows of raw features (`columnCount(model)` each; row-major Float64Array or nested arrays).
 * @param options `threads`: threads of the native engine (results identical for any count; default 1).
 */
export function predict(model: Model, inputs: Float64Array | ArrayLike<ArrayLike<number>>, options: {
  /** Threads of the native engine (1 = the calling thread only; the results are identical for any count). @default 1 */
  threads?: number;
} = {}): NodePrediction {
  const threads = options.threads ?? 1;
  if (!Number.isInteger(threads) || threads < 1 || threads > 256) throw new InputError(`threads ${threads}: allowed: an integer from 1 to 256`);
  const n = inputs instanceof Float64Array ? Math.floor(inputs.length / Math.max(1, columnCount(model))) : inputs.length;
  const inference = nativeInference(model, n, { threads });
  const r = predictLogits(model, inputs, inference.engine);
  return { ...r, label: inference.label(r.engine) };
}
