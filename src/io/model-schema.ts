/**
 * The model JSON file format (version 3) and its strict validator.
 *
 * Version 2 adds the optional `features` (input feature names, matched by name against data);
 * a version 1 file (no `features`) still loads. Version 2 also adds the optional `inputs` and
 * `extraP0` of networks with more oscillators than features. Version 3 adds regression models:
 * `"problem": "regression"` with `outputs` (instead of `classes`) and the target standardisation
 * `targets`; a file without `problem` (every version 1 and 2 file) is a classifier. Version 3 also adds the optional
 * `featureMap` (input feature transforms such as x1^2, x1*x2, sin(x1)); version 1 and 2 files load
 * unchanged.
 *
 * Pure: no platform imports. Every problem throws an {@link InputError} naming the file and the
 * JSON field path, e.g. `model.json: A[2][0][5]: expected a finite number (got null)` or
 * `model.json: A[2] has 3 rows, expected k = 4`.
 *
 * Version policy: a reader accepts every version up to its own {@link MODEL_VERSION} and refuses a
 * newer one with a message asking to upgrade; any change to the format bumps the version.
 */
import { z } from "zod";
import { InputError } from "../util/errors.js";
import { brief as show, checkSchema, type SchemaHints } from "./schema.js";
import { curveFromSpec } from "../device/spec.js";
import { parseFeatureMap } from "../data/features.js";
import type { DeviceSpec } from "../device/curve.js";

/** Value of the `format` field of a model file. */
export const MODEL_FORMAT = "dynaspin.model";
/** The newest model file version this build reads and the one it writes. */
export const MODEL_VERSION = 3;

/**
 * A trained dynamical network as stored in a model file (version 3). Layouts follow the paper:
 * `A[t][i][j]` couples oscillator j to i at step t, `B[t][i]` is the bias, `W[c][i]` and `c[c]`
 * are the linear readout.
 */
export interface ModelJson {
  /** Always {@link MODEL_FORMAT}. */
  format: typeof MODEL_FORMAT;
  /** File format version, ≤ {@link MODEL_VERSION}. */
  version: number;
  /** One device spec shared by all oscillators, or one per oscillator (k of them). */
  device: DeviceSpec | DeviceSpec[];
  /** Number of oscillators, ≥ 1. */
  k: number;
  /** Number of time steps, ≥ 1. */
  steps: number;
  /** Number of classes, ≥ 2 (classifiers; a regression model has `outputs` instead). */
  classes?: number;
  /**
   * What the readout answers (version ≥ 3): absent or "classification": a softmax over `classes`;
   * "regression": `outputs` real values y_o = targets.mean[o] + targets.std[o]·(W·p(n) + c)_o.
   */
  problem?: "classification" | "regression";
  /** Number of real outputs m ≥ 1 of a regression model (rows of W). */
  outputs?: number;
  /**
   * A regression model's targets: their names (the target columns) and the standardisation learned
   * from the training split (mean, std > 0; each of length `outputs`).
   */
  targets?: {
    /** Name of each target (its CSV column), in output order. */
    names: string[];
    /** Mean of each target over the training split (target units). */
    mean: number[];
    /** Population standard deviation of each target over the training split (> 0, target units). */
    std: number[];
  };
  /** Couplings, steps × k × k. */
  A: number[][][];
  /** Biases, steps × k. */
  B: number[][];
  /** Readout weights, classes (or outputs) × k. */
  W: number[][];
  /** Readout biases, length classes (or outputs). */
  c: number[];
  /**
   * Number of input features d (1..k), version 2: oscillators d..k−1 start from `extraP0` instead
   * of a feature. Absent: d = k (every version-1 file).
   */
  inputs?: number;
  /** p(0) of oscillators d..k−1 (normalised input units), version 2. Absent: 0.5. */
  extraP0?: number;
  /** Feature scaling learned from the training set: each of length d (`inputs`, else k), `max[i] >= min[i]`. */
  normalization?: {
    /** Smallest value of each feature in the training set (raw units). */
    min: number[];
    /** Largest value of each feature in the training set (raw units). */
    max: number[];
  };
  /** Class names in class-index order, length classes, distinct. */
  classNames?: string[];
  /**
   * Names of the data columns the model reads, distinct (version ≥ 2): in oscillator order, one
   * per input feature (length `inputs`, else k), or with a `featureMap` one per raw column
   * (length `featureMap.columns`). From the CSV header; a file without a header gives "column N",
   * N the column's 1-based place in that file (older files: x0, x1, …), and data are then matched
   * to the model by position.
   */
  features?: string[];
  /**
   * Input feature transforms (version ≥ 3): oscillator j < `inputs` (else k) is driven by
   * `expressions[j]` (grammar in src/data/features.ts: x1, x1^2, x1*x2, sin(x1), cos(3*x2), …) of a
   * raw data row of `columns` values, then normalised by `normalization`. Absent: oscillator j
   * reads column j.
   */
  featureMap?: {
    /** Number of raw data columns a row must have (the x1..xd the expressions refer to), ≥ 1. */
    columns: number;
    /** One expression per input oscillator, in oscillator order (e.g. "x1", "x1^2", "sin(x2)"). */
    expressions: string[];
  };
  /** Hardware description (passed through unvalidated for now). */
  hardware?: Record<string, unknown>;
  /**
   * Training metadata (command, options, seeds, split, final scores), passed through; `eval`,
   * `robustness` and `cost` read `dataHash` and `rowSetHash` (strings, when present) to recognise
   * the training data.
   */
  training?: Record<string, unknown>;
}

const num = z.number();
const vector = z.array(num);
/** Tensors are only checked to be arrays here; shapes and entries are checked in one pass after. */
const tensor = z.array(z.unknown());
const deviceSpec = z.looseObject({ model: z.string() });

/** Structural zod schema of a model file (versions 1 and 2) (shapes are checked afterwards). */
export const modelSchema = z.strictObject({
  format: z.literal(MODEL_FORMAT),
  version: z.int(),
  device: z.union([deviceSpec, z.array(deviceSpec)]),
  k: z.int().min(1),
  steps: z.int().min(1),
  classes: z.int().min(2).optional(),
  problem: z.enum(["classification", "regression"]).optional(),
  outputs: z.int().min(1).optional(),
  targets: z.strictObject({ names: z.array(z.string()), mean: vector, std: vector }).optional(),
  A: tensor,
  B: tensor,
  W: tensor,
  c: tensor,
  inputs: z.int().min(1).optional(),
  extraP0: num.optional(),
  normalization: z.strictObject({ min: vector, max: vector }).optional(),
  classNames: z.array(z.string()).optional(),
  features: z.array(z.string()).optional(),
  featureMap: z.strictObject({ columns: z.int().min(1), expressions: z.array(z.string()).min(1) }).optional(),
  hardware: z.record(z.string(), z.unknown()).optional(),
  training: z
    .looseObject({
      dataHash: z.string().optional().describe("hash of the training data's rows in file order, columns in the model's feature order (train and test rows): eval, robustness and cost take data with this hash as the training data and evaluate its test split"),
      rowSetHash: z.string().optional().describe("hash of the same rows as a set, whatever their order (written since it was added; older files lack it): data with this hash but another dataHash are the training rows shuffled, evaluated on every row with a warning"),
    })
    .optional()
    .describe("training metadata written by dynaspin train (command, options, seeds, split, final scores), passed through"),
});

/** Wording of schema messages for model files. */
const HINTS: SchemaHints = {
  missing: {
    device: 'a device object with a string "model", or an array of k of them',
    k: "an integer >= 1, the number of oscillators",
    steps: "an integer >= 1, the number of time steps",
    classes: "an integer >= 2",
    A: "steps × k × k finite numbers",
    B: "steps × k finite numbers",
    W: "classes × k finite numbers",
    c: "classes finite numbers",
    "normalization.min": "k finite numbers",
    "normalization.max": "k finite numbers",
    "featureMap.columns": "an integer >= 1, the number of raw data columns",
    "featureMap.expressions": "one feature expression per input oscillator, e.g. \"x1^2\"",
  },
  allowed: { "": Object.keys(modelSchema.shape), normalization: ["min", "max"], targets: ["names", "mean", "std"], featureMap: ["columns", "expressions"] },
  unions: { device: 'a device object with a string "model", or an array of k such objects' },
};

/** Checks `v.length === n`; `what` describes the entries (e.g. "rows"). */
function length(file: string, v: readonly unknown[], n: number, path: string, what: string, expected: string): void {
  if (v.length !== n) {
    const noun = v.length === 1 ? what.replace(/ies$/, "y").replace(/s$/, "") : what;
    throw new InputError(`${file}: ${path} has ${v.length} ${noun}, expected ${expected} = ${n}`);
  }
}

/**
 * Checks a nested array against `shape` (dimension sizes with their names) and that every entry
 * is a finite number, walking in memory order so the first problem is reported. Cheap enough for
 * millions of entries (no per-entry allocation).
 */
function checkTensor(file: string, v: unknown, path: string, shape: ReadonlyArray<readonly [number, string]>, what: readonly string[]): void {
  const [n, name] = shape[0]!;
  if (!Array.isArray(v)) throw new InputError(`${file}: ${path}: expected an array (got ${show(v)})`);
  length(file, v, n, path, what[0]!, name);
  if (shape.length === 1) {
    for (let i = 0; i < n; i++) {
      const x = v[i];
      if (typeof x !== "number" || !Number.isFinite(x)) {
        throw new InputError(`${file}: ${path}[${i}]: expected a finite number (got ${show(x)})`);
      }
    }
    return;
  }
  for (let i = 0; i < n; i++) checkTensor(file, v[i], `${path}[${i}]`, shape.slice(1), what.slice(1));
}

/**
 * Validates a parsed model JSON value and returns it typed.
 *
 * Checks, in order: it is an object with `"format": "dynaspin.model"`; the version is known
 * (a newer one is refused asking for an upgrade); field types and unknown keys (zod); array
 * shapes against k, steps and classes; `normalization.max >= min`; distinct class names; each
 * device spec through {@link curveFromSpec}.
 *
 * @param value the result of `JSON.parse`.
 * @param file name of the source for error messages (e.g. the path).
 * @throws InputError naming the file and the field path.
 * @example
 * parseModelJson({ format: "dynaspin.model", version: 3 }, "m.json")
 * // throws "m.json: model version 3 is newer than this dynaspin supports (2); upgrade dynaspin"
 */
export function parseModelJson(value: unknown, file: string): ModelJson {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new InputError(`${file}: not a dynaspin model file (expected a JSON object, got ${Array.isArray(value) ? "an array" : show(value)})`);
  }
  const o = value as Record<string, unknown>;
  if (o.format !== MODEL_FORMAT) {
    throw new InputError(
      `${file}: not a dynaspin model file (` +
        (o.format === undefined ? `no "format" field` : `format is ${show(o.format)}`) +
        `, expected "format": "${MODEL_FORMAT}")`,
    );
  }
  const v = o.version;
  if (v === undefined) throw new InputError(`${file}: missing field version (expected an integer 1..${MODEL_VERSION})`);
  if (typeof v !== "number" || !Number.isInteger(v) || v < 1) {
    throw new InputError(`${file}: version must be an integer 1..${MODEL_VERSION} (got ${show(v)})`);
  }
  if (v > MODEL_VERSION) {
    throw new InputError(`${file}: model version ${v} is newer than this dynaspin supports (${MODEL_VERSION}); upgrade dynaspin`);
  }
  const m = checkSchema(modelSchema, value, file, HINTS) as ModelJson;
  const { k, steps } = m;
  const regression = m.problem === "regression";
  if (m.problem !== undefined && v < 3) throw new InputError(`${file}: problem needs model version 3 or later (got version ${v})`);
  if (regression) {
    if (m.outputs === undefined) throw new InputError(`${file}: missing field outputs (a regression model: an integer >= 1, the number of real outputs)`);
    if (m.classes !== undefined) throw new InputError(`${file}: classes is for classifiers; a regression model has outputs (got classes = ${m.classes})`);
    if (m.targets === undefined) throw new InputError(`${file}: missing field targets (a regression model: { names, mean, std } of its outputs)`);
    if (m.classNames !== undefined) throw new InputError(`${file}: classNames is for classifiers; a regression model names its outputs in targets.names`);
  } else {
    if (m.classes === undefined) throw new InputError(`${file}: missing field classes (expected an integer >= 2)`);
    for (const f of ["outputs", "targets"] as const) {
      if (m[f] !== undefined) throw new InputError(`${file}: ${f} is for regression models; add "problem": "regression" or remove ${f}`);
    }
  }
  const classes = (regression ? m.outputs : m.classes) as number;
  const K = [k, "k"] as const;
  const STEPS = [steps, "steps"] as const;
  const CLASSES = [classes, regression ? "outputs" : "classes"] as const;
  checkTensor(file, m.A, "A", [STEPS, K, K], ["entries", "rows", "entries"]);
  checkTensor(file, m.B, "B", [STEPS, K], ["entries", "entries"]);
  checkTensor(file, m.W, "W", [CLASSES, K], ["rows", "entries"]);
  checkTensor(file, m.c, "c", [CLASSES], ["entries"]);
  if (m.targets !== undefined) {
    const what = "outputs";
    length(file, m.targets.names, classes, "targets.names", "entries", what);
    length(file, m.targets.mean, classes, "targets.mean", "entries", what);
    length(file, m.targets.std, classes, "targets.std", "entries", what);
    for (let o = 0; o < classes; o++) {
      if (!Number.isFinite(m.targets.mean[o]!)) throw new InputError(`${file}: targets.mean[${o}]: expected a finite number (got ${show(m.targets.mean[o])})`);
      const sd = m.targets.std[o]!;
      if (!(Number.isFinite(sd) && sd > 0)) throw new InputError(`${file}: targets.std[${o}]: expected a finite number > 0 (got ${show(sd)})`);
    }
  }
  if (m.inputs !== undefined && m.inputs > k) throw new InputError(`${file}: inputs must be <= k = ${k} (got ${m.inputs})`);
  if (m.extraP0 !== undefined && !Number.isFinite(m.extraP0)) throw new InputError(`${file}: extraP0: expected a finite number (got ${show(m.extraP0)})`);
  const d = m.inputs ?? k;
  if (m.normalization !== undefined) {
    const { min, max } = m.normalization;
    const what = m.inputs === undefined ? "k" : "inputs";
    length(file, min, d, "normalization.min", "entries", what);
    length(file, max, d, "normalization.max", "entries", what);
    for (let i = 0; i < d; i++) {
      if (!(max[i]! >= min[i]!)) {
        throw new InputError(`${file}: normalization.max[${i}] must be >= normalization.min[${i}] (got ${max[i]} < ${min[i]})`);
      }
    }
  }
  if (m.classNames !== undefined) {
    length(file, m.classNames, classes, "classNames", "entries", "classes");
    const seen = new Map<string, number>();
    m.classNames.forEach((name, i) => {
      const j = seen.get(name);
      if (j !== undefined) throw new InputError(`${file}: classNames[${i}]: duplicate class name ${show(name)} (also classNames[${j}])`);
      seen.set(name, i);
    });
  }
  if (m.featureMap !== undefined) {
    if (v < 3) throw new InputError(`${file}: featureMap needs model version 3 or later (got version ${v})`);
    length(file, m.featureMap.expressions, d, "featureMap.expressions", "entries", m.inputs === undefined ? "k" : "inputs");
    parseFeatureMap(m.featureMap.expressions, m.featureMap.columns, `${file}: featureMap.expressions`);
  }
  if (m.features !== undefined) {
    if (v < 2) throw new InputError(`${file}: features needs model version 2 or later (got version ${v})`);
    if (m.featureMap !== undefined) length(file, m.features, m.featureMap.columns, "features", "entries", "featureMap.columns");
    else length(file, m.features, d, "features", "entries", m.inputs === undefined ? "k" : "inputs");
    const seen = new Map<string, number>();
    m.features.forEach((name, i) => {
      const j = seen.get(name);
      if (j !== undefined) throw new InputError(`${file}: features[${i}]: duplicate feature name ${show(name)} (also features[${j}])`);
      seen.set(name, i);
    });
  }
  const checkDevice = (spec: DeviceSpec, where: string): void => {
    if (spec.csv !== undefined) {
      throw new InputError(`${where}csv: a model file must be self-contained; embed the table as current and power arrays instead of referencing a CSV file`);
    }
    curveFromSpec(spec, where);
  };
  if (Array.isArray(m.device)) {
    length(file, m.device, k, "device", "entries", "k");
    m.device.forEach((spec, i) => checkDevice(spec, `${file}: device[${i}].`));
  } else {
    checkDevice(m.device, `${file}: device.`);
  }
  return m;
}
