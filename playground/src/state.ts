/**
 * The playground's whole UI state, seed included, and its URL form (the hash, so a view can be
 * shared and any static host serves it). Pure: no DOM, usable in tests.
 *
 * `#data=circles&turns=1&noise=0.04&count=1000&dataSeed=0&test=0.2&device=paper-test&a=4&b=5&Ic=1&Q=2&seed=0&speed=0&vparam=a&sigma=0&relative=0`
 *
 * The network and training fields (oscillators, steps, learning rate, batch size, epochs,
 * restarts) are null until set: null means the library's default for the data, exactly what
 * `dynaspin train` does when the flag is left out (for circles, XOR, Gaussians and CSV files the
 * automatic budget: updates, validation split, early stopping, restarts; see docs/training.md).
 * Null fields are left out of the URL and of the command line.
 *
 * Unknown keys are ignored, and a missing, malformed or out-of-range value falls back to its
 * default (never to a clamped neighbour), so an old or hand-edited link always opens.
 */
import { taskDefaults } from "../../src/cli/train-options.js";
import { resolveTrainOptions, AUTO_DEFAULTS } from "../../src/train/train.js";
import { PRESETS } from "../../src/device/presets.js";

/** Data sets the page offers (plane and multi-gaussian are regression sets; csv is either). */
export const DATA_SETS = ["spiral", "circles", "xor", "gaussians", "digits", "plane", "multi-gaussian", "csv"] as const;
export type DataSetName = (typeof DATA_SETS)[number];

/** TensorFlow Playground's "problem type": what the readout answers (`dynaspin train --problem`). */
export const PROBLEM_TYPES = ["classification", "regression"] as const;
export type ProblemType = (typeof PROBLEM_TYPES)[number];

/** The data sets of each problem type, in menu order (an uploaded CSV is either). */
export const DATA_BY_PROBLEM: Readonly<Record<ProblemType, readonly DataSetName[]>> = Object.freeze({
  classification: ["spiral", "circles", "xor", "gaussians", "digits", "csv"],
  regression: ["plane", "multi-gaussian", "csv"],
});

/** The problem type of a data set: its own for the built-in sets, `problem` for a CSV. */
export function problemOf(data: DataSetName, problem: ProblemType): ProblemType {
  return data === "csv" ? problem : DATA_BY_PROBLEM.regression.includes(data) ? "regression" : "classification";
}

/** Devices: the presets or a custom eq. 4 / eq. 3 curve. */
export const DEVICE_CHOICES = ["paper-test", "hamadeh2012", "zeng2013", "eq4", "eq3"] as const;
export type DeviceChoice = (typeof DEVICE_CHOICES)[number];

/** Device parameters the σ slider can vary. */
export const VARIED = ["a", "b", "Ic", "Q"] as const;
export type Varied = (typeof VARIED)[number];

/** Training speeds offered, epochs per second; 0 = as fast as the machine goes. */
export const SPEEDS = [0, 1, 2, 5, 10, 30, 100] as const;

export interface PlaygroundState {
  /** Problem type; the built-in data sets have their own (see {@link problemOf}), a CSV takes this one. */
  problem: ProblemType;
  data: DataSetName;
  /** Spiral turns. */
  turns: number;
  /** Noise std per coordinate (generated 2-D sets). */
  noise: number;
  /** Points of a generated 2-D set. */
  count: number;
  /** Seed of the generated points and of the train/test split (CLI --data-seed and --split-seed). */
  dataSeed: number;
  /** Fraction of each class held out for testing (CLI --test-fraction). */
  test: number;
  device: DeviceChoice;
  a: number;
  b: number;
  Ic: number;
  Q: number;
  /** Oscillators K ≥ features (CLI --oscillators); null = the task's default. */
  osc: number | null;
  /** Time steps n (CLI --steps); null = the task's default. */
  steps: number | null;
  /** CLI --lr; null = the task's default. */
  lr: number | null;
  /** Minibatch size, 0 = full batch (CLI --batch); null = the task's default. */
  batch: number | null;
  /** CLI --epochs; null = the task's default (for --data and the 2-D sets: the automatic budget). */
  epochs: number | null;
  /** CLI --restarts; null = the task's default. */
  restarts: number | null;
  /** CLI --weight-decay (decoupled L2 on A and W, TensorFlow Playground's L2 regularisation); null = the task's default (0). */
  wd: number | null;
  /** CLI --l1 (L1 on A and W: a soft threshold after each Adam step, TensorFlow Playground's L1 regularisation); null = none. */
  l1: number | null;
  /**
   * Input features of the 2-D sets (CLI --features), TensorFlow Playground's X1, X2, X1², X2², X1X2,
   * sin X1, sin X2: the selected ones in that order, comma-separated ("x1,x2,x1^2"); null = x1, x2
   * as they are (no --features).
   */
  feat: string | null;
  /** Seed of initialisation, minibatch order and device draws. */
  seed: number;
  /** Epochs per second while training; 0 = as fast as possible. */
  speed: number;
  vparam: Varied;
  sigma: number;
  /** σ relative to the parameter's value. */
  relative: boolean;
  /** Step shown in the state scatter; null = the last step n (follows n). */
  t: number | null;
  /** Input plane: draw the test points too (else the training points only). */
  showTest: boolean;
  /** Input plane: the predicted class only, not the class probability. */
  discrete: boolean;
}

export const DEFAULT_STATE: Readonly<PlaygroundState> = Object.freeze({
  problem: "classification",
  data: "spiral",
  turns: 1,
  noise: 0.04,
  count: 1000,
  dataSeed: 0,
  test: 0.2,
  device: "paper-test",
  a: 4,
  b: 5,
  Ic: 1,
  Q: 2,
  osc: null,
  steps: null,
  lr: null,
  batch: null,
  epochs: null,
  restarts: null,
  wd: null,
  l1: null,
  feat: null,
  seed: 0,
  speed: 0,
  vparam: "a",
  sigma: 0,
  relative: false,
  t: null,
  showTest: true,
  discrete: false,
});

type NumKey = { [K in keyof PlaygroundState]: PlaygroundState[K] extends number ? K : never }[keyof PlaygroundState];
/** Fields that are null until set (the library's default). */
export const OPTIONAL_FIELDS = ["osc", "steps", "lr", "batch", "epochs", "restarts", "wd", "l1", "t"] as const;
export type OptKey = (typeof OPTIONAL_FIELDS)[number];
export type FieldKey = NumKey | OptKey;

/** Allowed ranges of the numeric fields: [min, max, integer]. */
export const LIMITS: Readonly<Record<FieldKey, readonly [number, number, boolean]>> = Object.freeze({
  turns: [0.05, 5, false],
  noise: [0, 1, false],
  count: [20, 5000, true],
  dataSeed: [0, 2 ** 32 - 1, true],
  test: [0.05, 0.9, false],
  a: [-100, 100, false],
  b: [-100, 100, false],
  Ic: [-100, 100, false],
  Q: [-0.99, 100, false],
  osc: [1, 256, true],
  steps: [1, 32, true],
  lr: [1e-5, 1, false],
  batch: [0, 5000, true],
  epochs: [1, 100000, true],
  restarts: [1, 16, true],
  wd: [0, 10, false],
  l1: [0, 10, false],
  seed: [0, 2 ** 32 - 1, true],
  speed: [0, 1000, false],
  sigma: [0, 2, false],
  t: [0, 32, true],
});

/** Human names of the numeric fields, for messages. */
export const FIELD_NAMES: Readonly<Record<FieldKey, string>> = Object.freeze({
  turns: "Turns", noise: "Noise", count: "Points", dataSeed: "Data seed", test: "Test share", a: "a", b: "b", Ic: "Ic", Q: "Q",
  osc: "Oscillators K", steps: "Steps n", lr: "Learning rate", batch: "Batch size", epochs: "Epochs", restarts: "Restarts", wd: "Weight decay", l1: "L1 rate",
  seed: "Seed", speed: "Speed", sigma: "σ", t: "Step t",
});

const isOptional = (key: FieldKey): key is OptKey => (OPTIONAL_FIELDS as readonly string[]).includes(key);

/**
 * Checks a numeric field: the value, or a message naming the field and its allowed range when the
 * text is not a number, not an integer where one is needed, or out of range. An empty text in an
 * optional field is null (the default).
 */
export function checkField(key: FieldKey, raw: unknown): { value: number | null } | { error: string } {
  if (isOptional(key) && (raw === null || (typeof raw === "string" && raw.trim() === ""))) return { value: null };
  const v = typeof raw === "number" ? raw : typeof raw === "string" && raw.trim() !== "" ? Number(raw) : NaN;
  const [lo, hi, int] = LIMITS[key];
  const what = `${FIELD_NAMES[key]} must be ${int ? "an integer" : "a number"} in ${lo}..${hi}${isOptional(key) ? ", or empty for the default" : ""}`;
  if (!Number.isFinite(v)) return { error: `${what} (got ${JSON.stringify(String(raw))})` };
  if (int && !Number.isInteger(v)) return { error: `${what} (got ${v})` };
  if (v < lo || v > hi) return { error: `${what} (got ${v})` };
  return { value: v };
}

/** A required numeric field's value, or its default when the value is invalid or out of range. */
export function numberField(key: NumKey, raw: unknown): number {
  const r = checkField(key, raw);
  return "value" in r && r.value !== null ? r.value : DEFAULT_STATE[key];
}

function pick<T extends string>(allowed: readonly T[], raw: string | null, fallback: T): T {
  return raw !== null && (allowed as readonly string[]).includes(raw) ? (raw as T) : fallback;
}

/** The `dynaspin train` task name of a data set (`csv` for an uploaded file). */
export function taskName(data: DataSetName): string {
  return data;
}

/** What the library does for a field left at its default, for a data set of `features` inputs. */
export interface TaskDefaults {
  steps: number;
  /** Oscillators; null when it depends on the features and they are not known yet. */
  osc: number | null;
  lr: number;
  /** null: the automatic budget decides (full batch up to 1024 training rows, else 64). */
  batch: number | null;
  /** null: the automatic budget (updates, validation, early stopping). */
  epochs: number | null;
  restarts: number;
  /** Update budget of the automatic mode (0 with a fixed number of epochs). */
  updates: number;
}

/** The library's defaults of a data set's task (`dynaspin train --task T` or `--data`), resolved by the library. */
export function defaultsFor(data: DataSetName, features?: number): TaskDefaults {
  const d = taskDefaults(taskName(data));
  const r = resolveTrainOptions(d);
  const dims = data === "digits" ? 64 : data === "csv" ? features : 2;
  const osc = d.oscillators ?? (dims === undefined ? null : Math.max(dims, AUTO_DEFAULTS.oscillators));
  return { steps: r.steps, osc, lr: r.lr, batch: d.batchSize ?? (r.auto ? null : r.batchSize), epochs: r.auto ? null : r.epochs, restarts: r.restarts, updates: r.updates };
}

/** Steps n of a state (its own or the task's default). */
export function stepsOf(s: PlaygroundState): number {
  return s.steps ?? defaultsFor(s.data).steps;
}

/** Step shown in the state scatter (null = the last). */
export function shownStep(s: PlaygroundState): number {
  const n = stepsOf(s);
  return s.t === null ? n : Math.min(s.t, n);
}

/** TensorFlow Playground's inputs, in its order: the feature expression and its label. */
export const FEATURE_CHOICES: ReadonlyArray<readonly [string, string]> = [
  ["x1", "X₁"], ["x2", "X₂"], ["x1^2", "X₁²"], ["x2^2", "X₂²"], ["x1*x2", "X₁X₂"], ["sin(x1)", "sin X₁"], ["sin(x2)", "sin X₂"],
];

/**
 * The `feat` field of a selection of {@link FEATURE_CHOICES} expressions: null for x1, x2 (the
 * plain inputs), for an empty selection or for anything else.
 */
export function featuresField(raw: string | readonly string[] | null): string | null {
  if (raw === null) return null;
  const chosen = new Set((typeof raw === "string" ? raw.split(",") : raw).map((f) => f.trim()));
  const list = FEATURE_CHOICES.map(([f]) => f).filter((f) => chosen.has(f));
  if (list.length === 0 || list.length !== chosen.size) return null;
  const text = list.join(",");
  return text === "x1,x2" ? null : text;
}

/** Parses a URL hash (with or without the leading `#`) into a complete state. */
export function parseState(hash: string): PlaygroundState {
  const q = new URLSearchParams(hash.replace(/^#/, ""));
  const s: PlaygroundState = { ...DEFAULT_STATE };
  s.data = pick(DATA_SETS, q.get("data"), s.data);
  // The data set decides the problem type, except for a CSV (whose label column is either).
  s.problem = problemOf(s.data, pick(PROBLEM_TYPES, q.get("problem"), s.problem));
  s.device = pick(DEVICE_CHOICES, q.get("device"), s.device);
  s.vparam = pick(VARIED, q.get("vparam"), s.vparam);
  s.relative = q.get("relative") === "1";
  // A preset's parameters are the preset's, whatever a link says (the fields show the device that trains).
  if (s.device !== "eq4" && s.device !== "eq3") {
    const spec = PRESETS[s.device].spec as Record<string, unknown>;
    for (const p of ["a", "b", "Ic", "Q"] as const) if (typeof spec[p] === "number") q.set(p, String(spec[p]));
  }
  s.showTest = q.get("showTest") !== "0";
  s.discrete = q.get("discrete") === "1";
  for (const key of Object.keys(LIMITS) as FieldKey[]) {
    const raw = q.get(key);
    if (raw === null) continue;
    const r = checkField(key, raw);
    const v = "value" in r ? r.value : null;
    if (isOptional(key)) (s as Record<OptKey, number | null>)[key] = v;
    else (s as Record<NumKey, number>)[key] = v ?? DEFAULT_STATE[key];
  }
  s.feat = featuresField(q.get("feat"));
  // A step at or beyond n (e.g. a link that sets t but lowers steps) shows the last step.
  if (s.t !== null && s.t >= stepsOf(s)) s.t = null;
  // An eq. 3 device has no a or b to vary (a link to an eq. 3 preset kept the default "a").
  if ((s.vparam === "a" || s.vparam === "b") && isEq3(s.device)) s.vparam = "Ic";
  return s;
}

/** True for a device of the eq. 3 model (no onset parameters a, b). */
function isEq3(device: DeviceChoice): boolean {
  return device === "eq3" || (device !== "eq4" && (PRESETS[device].spec as { model: string }).model === "eq3");
}

/** Writes the state as a URL hash (fields in a fixed order, defaults of optional fields left out; without the `#`). */
export function serializeState(s: PlaygroundState): string {
  const q = new URLSearchParams();
  // Classification links stay as they were; a regression says so.
  if (s.problem === "regression") q.set("problem", s.problem);
  q.set("data", s.data);
  for (const key of ["turns", "noise", "count", "dataSeed", "test"] as const) q.set(key, String(s[key]));
  q.set("device", s.device);
  for (const key of ["a", "b", "Ic", "Q"] as const) q.set(key, String(s[key]));
  for (const key of ["osc", "steps", "lr", "batch", "epochs", "restarts", "wd", "l1"] as const) if (s[key] !== null) q.set(key, String(s[key]));
  if (s.feat !== null) q.set("feat", s.feat);
  for (const key of ["seed", "speed"] as const) q.set(key, String(s[key]));
  q.set("vparam", s.vparam);
  q.set("sigma", String(s.sigma));
  q.set("relative", s.relative ? "1" : "0");
  if (s.t !== null) q.set("t", String(s.t));
  q.set("showTest", s.showTest ? "1" : "0");
  q.set("discrete", s.discrete ? "1" : "0");
  return q.toString();
}

/** Fields whose change starts a new run, with the reason the page gives. */
export const RESET_FIELDS: Readonly<Partial<Record<keyof PlaygroundState, string>>> = Object.freeze({
  problem: "the problem type changed",
  data: "the data set changed",
  turns: "the data changed",
  noise: "the data changed",
  count: "the data changed",
  dataSeed: "the data or its split changed",
  test: "the train/test split changed",
  device: "the device changed",
  a: "the device changed",
  b: "the device changed",
  Ic: "the device changed",
  Q: "the device changed",
  steps: "the architecture (steps n) changed",
  osc: "the architecture (oscillators K) changed",
  feat: "the input features changed",
  restarts: "the number of restarts changed",
  seed: "the seed changed",
});

/** Fields a running network takes over without a reset (the optimiser continues). */
export const LIVE_FIELDS: readonly (keyof PlaygroundState)[] = ["lr", "batch", "epochs", "wd", "l1"];

/** Why going from `a` to `b` needs a new run, or null when it does not. */
export function resetReason(a: PlaygroundState, b: PlaygroundState): string | null {
  for (const [k, why] of Object.entries(RESET_FIELDS) as [keyof PlaygroundState, string][]) if (a[k] !== b[k]) return why;
  return null;
}

/** True when going from `a` to `b` needs a new run. */
export function needsNewRun(a: PlaygroundState, b: PlaygroundState): boolean {
  return resetReason(a, b) !== null;
}
