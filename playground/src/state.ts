/**
 * The playground's whole UI state, seed included, and its URL form (the hash, so a view can be
 * shared and any static host serves it). Pure: no DOM, usable in tests.
 *
 * `#data=spiral&turns=1&noise=0.04&count=1000&dataSeed=0&test=0.2&device=paper-test&a=4&b=5&Ic=1&Q=2&steps=6&extra=0&lr=0.01&batch=64&epochs=2000&restarts=8&seed=0&speed=0&vparam=a&sigma=0&relative=0&t=6`
 *
 * Unknown keys are ignored, and a missing, malformed or out-of-range value falls back to its
 * default (never to a clamped neighbour), so an old or hand-edited link always opens.
 * The training defaults are `dynaspin train`'s (TASK_DEFAULTS): the page and the CLI train alike.
 */
import { TASK_DEFAULTS } from "../../src/train/tasks.js";

/** Data sets the page offers. */
export const DATA_SETS = ["spiral", "circles", "xor", "gaussians", "digits", "csv"] as const;
export type DataSetName = (typeof DATA_SETS)[number];

/** Devices: the presets or a custom eq. 4 / eq. 3 curve. */
export const DEVICE_CHOICES = ["paper-test", "hamadeh2012", "zeng2013", "eq4", "eq3"] as const;
export type DeviceChoice = (typeof DEVICE_CHOICES)[number];

/** Device parameters the σ slider can vary. */
export const VARIED = ["a", "b", "Ic", "Q"] as const;
export type Varied = (typeof VARIED)[number];

/** Training speeds offered, epochs per second; 0 = as fast as the machine goes. */
export const SPEEDS = [0, 1, 2, 5, 10, 30, 100] as const;

export interface PlaygroundState {
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
  /** Time steps n. */
  steps: number;
  /** Oscillators beyond one per input feature (CLI --oscillators; 0 until the library has them). */
  extra: number;
  lr: number;
  /** Minibatch size, 0 = full batch. */
  batch: number;
  epochs: number;
  restarts: number;
  /** Seed of initialisation, minibatch order and device draws. */
  seed: number;
  /** Epochs per second while training; 0 = as fast as possible. */
  speed: number;
  vparam: Varied;
  sigma: number;
  /** σ relative to the parameter's value. */
  relative: boolean;
  /** Step shown in the state scatter (at most steps). */
  t: number;
}

const CLI = TASK_DEFAULTS.spiral;

export const DEFAULT_STATE: Readonly<PlaygroundState> = Object.freeze({
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
  steps: CLI.steps ?? 6,
  extra: 0,
  lr: CLI.lr ?? 0.01,
  batch: CLI.batchSize ?? 64,
  epochs: CLI.epochs ?? 400,
  restarts: CLI.restarts ?? 1,
  seed: 0,
  speed: 0,
  vparam: "a",
  sigma: 0,
  relative: false,
  t: CLI.steps ?? 6,
});

type NumKey = { [K in keyof PlaygroundState]: PlaygroundState[K] extends number ? K : never }[keyof PlaygroundState];

/** Allowed ranges of the numeric fields: [min, max, integer]. */
export const LIMITS: Readonly<Record<NumKey, readonly [number, number, boolean]>> = Object.freeze({
  turns: [0.05, 5, false],
  noise: [0, 1, false],
  count: [20, 5000, true],
  dataSeed: [0, 2 ** 32 - 1, true],
  test: [0.05, 0.9, false],
  a: [-100, 100, false],
  b: [-100, 100, false],
  Ic: [-100, 100, false],
  Q: [-0.99, 100, false],
  steps: [1, 32, true],
  extra: [0, 16, true],
  lr: [1e-5, 1, false],
  batch: [0, 5000, true],
  epochs: [1, 10000, true],
  restarts: [1, 16, true],
  seed: [0, 2 ** 32 - 1, true],
  speed: [0, 1000, false],
  sigma: [0, 2, false],
  t: [0, 32, true],
});

/** Human names of the numeric fields, for messages. */
export const FIELD_NAMES: Readonly<Record<NumKey, string>> = Object.freeze({
  turns: "Turns", noise: "Noise", count: "Points", dataSeed: "Data seed", test: "Test share", a: "a", b: "b", Ic: "Ic", Q: "Q",
  steps: "Steps n", extra: "Extra oscillators", lr: "Learning rate", batch: "Batch size", epochs: "Epochs", restarts: "Restarts",
  seed: "Seed", speed: "Speed", sigma: "σ", t: "Step t",
});

/**
 * Checks a numeric field: the value, or a message naming the field and its allowed range when the
 * text is not a number, not an integer where one is needed, or out of range.
 */
export function checkField(key: NumKey, raw: unknown): { value: number } | { error: string } {
  const v = typeof raw === "number" ? raw : typeof raw === "string" && raw.trim() !== "" ? Number(raw) : NaN;
  const [lo, hi, int] = LIMITS[key];
  const what = `${FIELD_NAMES[key]} must be ${int ? "an integer" : "a number"} in ${lo}..${hi}`;
  if (!Number.isFinite(v)) return { error: `${what} (got ${JSON.stringify(String(raw))})` };
  if (int && !Number.isInteger(v)) return { error: `${what} (got ${v})` };
  if (v < lo || v > hi) return { error: `${what} (got ${v})` };
  return { value: v };
}

/** A numeric field's value, or its default when the value is invalid or out of range. */
export function numberField(key: NumKey, raw: unknown): number {
  const r = checkField(key, raw);
  return "value" in r ? r.value : DEFAULT_STATE[key];
}

function pick<T extends string>(allowed: readonly T[], raw: string | null, fallback: T): T {
  return raw !== null && (allowed as readonly string[]).includes(raw) ? (raw as T) : fallback;
}

/** Parses a URL hash (with or without the leading `#`) into a complete state. */
export function parseState(hash: string): PlaygroundState {
  const q = new URLSearchParams(hash.replace(/^#/, ""));
  const s: PlaygroundState = { ...DEFAULT_STATE };
  s.data = pick(DATA_SETS, q.get("data"), s.data);
  s.device = pick(DEVICE_CHOICES, q.get("device"), s.device);
  s.vparam = pick(VARIED, q.get("vparam"), s.vparam);
  s.relative = q.get("relative") === "1";
  for (const key of Object.keys(LIMITS) as NumKey[]) {
    const raw = q.get(key);
    if (raw !== null) s[key] = numberField(key, raw);
  }
  // A step beyond n (e.g. a link that sets t but lowers steps) shows the last step.
  s.t = Math.min(s.t, s.steps);
  return s;
}

/** Writes the state as a URL hash (every field, fixed order, without the `#`). */
export function serializeState(s: PlaygroundState): string {
  const q = new URLSearchParams();
  q.set("data", s.data);
  for (const key of ["turns", "noise", "count", "dataSeed", "test"] as const) q.set(key, String(s[key]));
  q.set("device", s.device);
  for (const key of ["a", "b", "Ic", "Q", "steps", "extra", "lr", "batch", "epochs", "restarts", "seed", "speed"] as const) q.set(key, String(s[key]));
  q.set("vparam", s.vparam);
  q.set("sigma", String(s.sigma));
  q.set("relative", s.relative ? "1" : "0");
  q.set("t", String(s.t));
  return q.toString();
}

/** Fields whose change starts a new run, with the reason the page gives. */
export const RESET_FIELDS: Readonly<Partial<Record<keyof PlaygroundState, string>>> = Object.freeze({
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
  extra: "the architecture (oscillators) changed",
  restarts: "the number of restarts changed",
  seed: "the seed changed",
});

/** Fields a running network takes over without a reset (the optimiser continues). */
export const LIVE_FIELDS: readonly (keyof PlaygroundState)[] = ["lr", "batch", "epochs"];

/** Why going from `a` to `b` needs a new run, or null when it does not. */
export function resetReason(a: PlaygroundState, b: PlaygroundState): string | null {
  for (const [k, why] of Object.entries(RESET_FIELDS) as [keyof PlaygroundState, string][]) if (a[k] !== b[k]) return why;
  return null;
}

/** True when going from `a` to `b` needs a new run. */
export function needsNewRun(a: PlaygroundState, b: PlaygroundState): boolean {
  return resetReason(a, b) !== null;
}
