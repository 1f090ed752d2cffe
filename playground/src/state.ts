/**
 * The playground's whole UI state, seed included, and its URL form (the hash, so a view can be
 * shared and any static host serves it). Pure: no DOM, usable in tests.
 *
 * `#data=spiral&turns=1&noise=0.04&count=1000&dataSeed=0&device=paper-test&a=4&b=5&Ic=1&Q=2&steps=8&lr=0.01&batch=64&epochs=300&restarts=4&seed=1&vparam=a&sigma=0&relative=0&t=8`
 *
 * Unknown keys are ignored and a missing or invalid value falls back to its default, so an old or
 * hand-edited link always opens.
 */

/** Data sets the page offers. */
export const DATA_SETS = ["spiral", "circles", "xor", "gaussians", "digits", "csv"] as const;
export type DataSetName = (typeof DATA_SETS)[number];

/** Devices: the presets or a custom eq. 4 / eq. 3 curve. */
export const DEVICE_CHOICES = ["paper-test", "hamadeh2012", "zeng2013", "eq4", "eq3"] as const;
export type DeviceChoice = (typeof DEVICE_CHOICES)[number];

/** Device parameters the σ slider can vary. */
export const VARIED = ["a", "b", "Ic", "Q"] as const;
export type Varied = (typeof VARIED)[number];

export interface PlaygroundState {
  data: DataSetName;
  /** Spiral turns. */
  turns: number;
  /** Noise std per coordinate (2-D sets). */
  noise: number;
  /** Points of a 2-D set. */
  count: number;
  /** Seed of the generated points and of the 80/20 split. */
  dataSeed: number;
  device: DeviceChoice;
  a: number;
  b: number;
  Ic: number;
  Q: number;
  /** Time steps n. */
  steps: number;
  lr: number;
  /** Minibatch size, 0 = full batch. */
  batch: number;
  epochs: number;
  restarts: number;
  /** Seed of initialisation, minibatch order and device draws. */
  seed: number;
  vparam: Varied;
  sigma: number;
  /** σ relative to the parameter's value. */
  relative: boolean;
  /** Step shown in the state scatter (clamped to 0..steps). */
  t: number;
}

export const DEFAULT_STATE: Readonly<PlaygroundState> = Object.freeze({
  data: "spiral",
  turns: 1,
  noise: 0.04,
  count: 1000,
  dataSeed: 0,
  device: "paper-test",
  a: 4,
  b: 5,
  Ic: 1,
  Q: 2,
  steps: 8,
  lr: 0.01,
  batch: 64,
  epochs: 300,
  restarts: 4,
  seed: 1,
  vparam: "a",
  sigma: 0,
  relative: false,
  t: 8,
});

type NumKey = { [K in keyof PlaygroundState]: PlaygroundState[K] extends number ? K : never }[keyof PlaygroundState];

/** Allowed ranges of the numeric fields: [min, max, integer]. */
export const LIMITS: Readonly<Record<NumKey, readonly [number, number, boolean]>> = Object.freeze({
  turns: [0.05, 5, false],
  noise: [0, 1, false],
  count: [20, 5000, true],
  dataSeed: [0, 2 ** 32 - 1, true],
  a: [-100, 100, false],
  b: [-100, 100, false],
  Ic: [-100, 100, false],
  Q: [-0.99, 100, false],
  steps: [1, 32, true],
  lr: [1e-5, 1, false],
  batch: [0, 5000, true],
  epochs: [1, 5000, true],
  restarts: [1, 8, true],
  seed: [0, 2 ** 32 - 1, true],
  sigma: [0, 2, false],
  t: [0, 32, true],
});

/** Clamps/validates a numeric field; returns the default for a non-number. */
export function numberField(key: NumKey, raw: unknown): number {
  const v = typeof raw === "number" ? raw : typeof raw === "string" && raw.trim() !== "" ? Number(raw) : NaN;
  const [lo, hi, int] = LIMITS[key];
  if (!Number.isFinite(v)) return DEFAULT_STATE[key];
  const c = Math.min(hi, Math.max(lo, int ? Math.round(v) : v));
  return c;
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
  s.t = Math.min(s.t, s.steps);
  return s;
}

/** Writes the state as a URL hash (every field, fixed order, without the `#`). */
export function serializeState(s: PlaygroundState): string {
  const q = new URLSearchParams();
  q.set("data", s.data);
  for (const key of ["turns", "noise", "count", "dataSeed"] as const) q.set(key, String(s[key]));
  q.set("device", s.device);
  for (const key of ["a", "b", "Ic", "Q", "steps", "lr", "batch", "epochs", "restarts", "seed"] as const) q.set(key, String(s[key]));
  q.set("vparam", s.vparam);
  q.set("sigma", String(s.sigma));
  q.set("relative", s.relative ? "1" : "0");
  q.set("t", String(s.t));
  return q.toString();
}

/** Fields whose change invalidates the trained network (the run restarts). */
export const RUN_FIELDS: readonly (keyof PlaygroundState)[] = [
  "data", "turns", "noise", "count", "dataSeed", "device", "a", "b", "Ic", "Q", "steps", "lr", "batch", "epochs", "restarts", "seed",
];

/** True when going from `a` to `b` needs a new run. */
export function needsNewRun(a: PlaygroundState, b: PlaygroundState): boolean {
  return RUN_FIELDS.some((k) => a[k] !== b[k]);
}
