/**
 * The design-space exploration spec: which axes vary (a grid or a seeded random sample), the data,
 * the training and evaluation settings, validated by one zod schema and resolved once into the
 * list of points and tasks a sweep runs. Pure (no I/O).
 *
 * Spec JSON (every field but the data optional):
 * ```json
 * { "task": "digits",
 *   "axes": { "steps": [1, 2, 4], "adcBits": [0, 4, 8], "evalSigma": [0, 0.1, 0.2] },
 *   "sample": "grid",                       // or { "random": 20, "seed": 1 }
 *   "seeds": 2,                             // training seeds 0, 1 (or a list [3, 7])
 *   "train": { "epochs": 20 },
 *   "eval": { "trials": 20, "params": ["a"] } }
 * ```
 * Axes (absent = the task's default; 0 switches a hardware effect or variation off):
 * - network: `steps` (n), `oscillators` (K ≥ the number of features; the extra ones start at the
 *   library's extra p(0) and couple through A(t));
 * - device: `device` (preset names, or device spec objects), `a`, `b`, `Ic`, `Q` (eq. 4 parameters
 *   replacing the base device's);
 * - training: `lr`, `restarts`, `trainSigma` (variation-aware training σ of `eval.params`);
 * - hardware (trained with and evaluated with): `adcBits`, `dacBits`, `readNoise`, `currentLimit`;
 * - evaluation: `evalSigma` (device-variation σ of the test evaluation; no retraining — every trained
 *   network is evaluated at every σ).
 * A grid takes the cartesian product of the listed values (the first axis varies slowest). A random
 * sample draws `random` points: each axis picks uniformly from its list, or from a range
 * `{ "min": x, "max": y, "log": bool, "integer": bool }` (ranges only in random mode).
 */
import { z } from "zod";
import { checkSchema } from "../io/schema.js";
import { InputError } from "../util/errors.js";
import { Rng, deriveSeed } from "../util/rng.js";
import { PRESET_NAMES, type PresetName } from "../device/presets.js";
import { VARIATION_PARAMS, VARIATION_DISTRIBUTIONS, type VariationParam, type VariationDistribution } from "../device/variation.js";
import { parseProfile, type HardwareProfile } from "../cost/profile.js";

/** The numeric axes, in the order a grid nests them (after `device`). */
export const NUMERIC_AXES = ["steps", "oscillators", "a", "b", "Ic", "Q", "lr", "restarts", "trainSigma", "adcBits", "dacBits", "readNoise", "currentLimit"] as const;
/** Every axis a point can set (evalSigma is the evaluation axis, handled per task). */
export const EXPLORE_AXES = ["device", ...NUMERIC_AXES, "evalSigma"] as const;
/** An axis name. */
export type ExploreAxis = (typeof EXPLORE_AXES)[number];
/** Axes whose values must be integers. */
const INTEGER_AXES = new Set(["steps", "oscillators", "restarts", "adcBits", "dacBits"]);
/** Axes whose values must be > 0 (the others ≥ 0, where 0 means "off"). */
const POSITIVE_AXES = new Set(["steps", "oscillators", "lr", "restarts", "a", "Q"]);

const range = z.strictObject({ min: z.number(), max: z.number(), log: z.boolean().optional(), integer: z.boolean().optional() });
const numberAxis = z.union([z.array(z.number()).min(1), range]);
const deviceValue = z.union([z.enum(PRESET_NAMES), z.record(z.string(), z.unknown())]);

/** The spec schema. */
export const EXPLORE_SCHEMA = z.strictObject({
  format: z.literal("dynaspin.explore-spec").optional(),
  version: z.literal(1).optional(),
  task: z.enum(["spiral", "digits", "mnist"]).optional(),
  data: z.string().min(1).optional(),
  labelColumn: z.union([z.string(), z.int()]).optional(),
  splitSeed: z.int().min(0).optional(),
  testFraction: z.number().gt(0).lt(1).optional(),
  validationFraction: z.number().gt(0).lt(1).optional(),
  sample: z.union([z.literal("grid"), z.strictObject({ random: z.int().min(1).max(1_000_000), seed: z.int().min(0).optional() })]).optional(),
  seeds: z.union([z.int().min(1).max(10_000), z.array(z.int().min(0)).min(1)]).optional(),
  axes: z
    .strictObject({
      device: z.array(deviceValue).min(1).optional(),
      ...Object.fromEntries(NUMERIC_AXES.map((a) => [a, numberAxis.optional()])),
      evalSigma: z.array(z.number().min(0)).min(1).optional(),
    } as { device: z.ZodOptional<z.ZodArray<typeof deviceValue>>; evalSigma: z.ZodOptional<z.ZodArray<z.ZodNumber>> } & Record<(typeof NUMERIC_AXES)[number], z.ZodOptional<typeof numberAxis>>)
    .optional(),
  train: z
    .strictObject({
      epochs: z.int().min(1).max(1_000_000).optional(),
      batch: z.int().min(0).optional(),
      inputNoise: z.number().min(0).optional(),
      weightDecay: z.number().min(0).optional(),
    })
    .optional(),
  eval: z
    .strictObject({
      trials: z.int().min(1).max(1_000_000).optional(),
      params: z.array(z.enum(VARIATION_PARAMS)).min(1).optional(),
      relative: z.boolean().optional(),
      distribution: z.enum(VARIATION_DISTRIBUTIONS).optional(),
      seed: z.int().min(0).optional(),
    })
    .optional(),
  hardware: z.strictObject({ adcFullScale: z.number().positive().optional(), dacFullScale: z.number().positive().optional() }).optional(),
  cost: z.unknown().optional(),
});

/** The values of a numeric axis: a list (grid or random sample), or a range (random sample only). */
export type AxisValues =
  | number[]
  | {
      /** Smallest value drawn. */
      min: number;
      /** Largest value drawn. */
      max: number;
      /** Draw log-uniformly instead of uniformly (min > 0). @default false */
      log?: boolean;
      /** Round the draws to integers (integer axes always are). @default false */
      integer?: boolean;
    };

/**
 * A design-space sweep as written in a spec file (`dynaspin explore --spec FILE`; see the module
 * comment and docs/explore.md). Exactly one of `task` and `data`. Declared field by field for the
 * reference; a compile-time check keeps it equal to what the schema (`EXPLORE_SCHEMA`) accepts.
 */
export interface ExploreSpec {
  /** "dynaspin.explore-spec" when given. */
  format?: "dynaspin.explore-spec";
  /** Spec version, 1 when given. */
  version?: 1;
  /** Built-in task to train on. */
  task?: "spiral" | "digits" | "mnist";
  /** CSV file to train on instead of a task. */
  data?: string;
  /** Label column of the CSV: header name or 0-based index. @default the last column */
  labelColumn?: string | number;
  /** Seed of the test and validation splits, the same for every point. @default 0 */
  splitSeed?: number;
  /** Fraction of each class held out as the test set, in (0, 1). @default 0.2 */
  testFraction?: number;
  /** Fraction of each class of the rest held out for validation, in (0, 1). @default 0.2 */
  validationFraction?: number;
  /** "grid" (the cartesian product of the axes, the first varying slowest) or a random sample of `random` points. @default "grid" */
  sample?:
    | "grid"
    | {
        /** Number of points drawn (1..1 000 000). */
        random: number;
        /** Seed of the draws. @default 0 */
        seed?: number;
      };
  /** Training seeds: a count N (seeds 0..N−1) or a list. @default 1 */
  seeds?: number | number[];
  /** The axes that vary; an absent axis keeps the base setting (docs/explore.md lists them). */
  axes?: {
    /** Devices: preset names or device objects (as in a device file). */
    device?: (PresetName | Record<string, unknown>)[];
    /** Device-variation σ values of the test evaluation (≥ 0; no retraining). */
    evalSigma?: number[];
  } & Partial<Record<(typeof NUMERIC_AXES)[number], AxisValues>>;
  /** Training settings shared by every point. */
  train?: {
    /** Epochs per training (1..1 000 000). @default the task's, or the automatic budget */
    epochs?: number;
    /** Minibatch size (0: full batch). @default the task's, or the automatic budget's */
    batch?: number;
    /** Std of the Gaussian noise on the training inputs (≥ 0). @default 0 */
    inputNoise?: number;
    /** Decoupled weight decay λ (≥ 0). @default 0 */
    weightDecay?: number;
  };
  /** The Monte Carlo evaluation at each `evalSigma`. */
  eval?: {
    /** Trials per σ (1..1 000 000). @default 20 */
    trials?: number;
    /** Device parameters varied by `evalSigma` and `trainSigma`. @default ["a"], or ["Ic"] with an eq. 3 device */
    params?: VariationParam[];
    /** σ relative to each parameter's base value. @default false */
    relative?: boolean;
    /** Distribution of the draws. @default "normal" */
    distribution?: VariationDistribution;
    /** Seed of the evaluation's draws. @default 0 */
    seed?: number;
  };
  /** Converter full scales for the adcBits / dacBits axes. */
  hardware?: {
    /** ADC full scale, power units (> 0). @default the device's maximum power */
    adcFullScale?: number;
    /** DAC full scale, current units (> 0). @default 16·|Ic| */
    dacFullScale?: number;
  };
  /** Hardware profile for the energy and latency of each point ({@link HardwareProfile}; checked when resolved). @default the defaults of docs/cost.md */
  cost?: unknown;
}

// Compile-time check that the declared interface and the schema's type accept the same objects.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;
type _SpecMatchesSchema = Assert<Same<ExploreSpec, z.infer<typeof EXPLORE_SCHEMA>>>;

/** A device value of a point: a preset name or a device spec object. */
export type DeviceValue = string | Record<string, unknown>;

/** One point of the design space: the value of every varied axis (evalSigma excluded). */
export interface ExplorePoint {
  /** Index in the sweep (0-based). */
  index: number;
  /**
   * Device of this point: a preset name or a device JSON file (`--device`). Undefined when the axis does
   * not vary (the base setting applies).
   */
  device?: DeviceValue;
  /** Time steps n (`--steps`). Undefined when the axis does not vary (the base setting applies). */
  steps?: number;
  /** Oscillators K (`--oscillators`). Undefined when the axis does not vary (the base setting applies). */
  oscillators?: number;
  /**
   * Eq. 4 parameter a replacing the base device's (1/current unit; `--a`). Undefined when the axis does not
   * vary (the base setting applies).
   */
  a?: number;
  /**
   * Eq. 4 parameter b replacing the base device's (dimensionless; `--b`). Undefined when the axis does not
   * vary (the base setting applies).
   */
  b?: number;
  /**
   * Threshold current Ic replacing the base device's (current unit; `--Ic`). Undefined when the axis does
   * not vary (the base setting applies).
   */
  Ic?: number;
  /**
   * Nonlinearity Q replacing the base device's (dimensionless; `--Q`). Undefined when the axis does not
   * vary (the base setting applies).
   */
  Q?: number;
  /** Adam learning rate (`--lr`). Undefined when the axis does not vary (the base setting applies). */
  lr?: number;
  /**
   * Initialisations tried (`--restarts`). Undefined when the axis does not vary (the base setting applies).
   */
  restarts?: number;
  /**
   * Variation-aware training σ of the evaluation parameters (0: plain training; `--train-sigma`). Undefined
   * when the axis does not vary (the base setting applies).
   */
  trainSigma?: number;
  /**
   * ADC bits, trained and evaluated with (0: ideal readout; `--adc-bits`). Undefined when the axis does not
   * vary (the base setting applies).
   */
  adcBits?: number;
  /**
   * DAC bits, trained and evaluated with (0: ideal drive; `--dac-bits`). Undefined when the axis does not
   * vary (the base setting applies).
   */
  dacBits?: number;
  /**
   * Gaussian read noise σ on every power reading, power units (0: none; `--read-noise`). Undefined when the
   * axis does not vary (the base setting applies).
   */
  readNoise?: number;
  /**
   * Driver current limit, current units (0: none; `--current-limit`). Undefined when the axis does not vary
   * (the base setting applies).
   */
  currentLimit?: number;
}

/** The resolved sweep. */
export interface ResolvedExplore {
  /** The validated spec (kept verbatim for the result file). */
  spec: ExploreSpec;
  /** Axes that vary, in column order (evalSigma last when given). */
  axes: ExploreAxis[];
  /** Every point of the sweep (the product of the axes but evalSigma), in sweep order. */
  points: ExplorePoint[];
  /** Device-variation σ values of the test evaluation ([0] when the axis is not given). */
  evalSigmas: number[];
  /** Training seeds; each point is trained once per seed. */
  seeds: number[];
  /** Tasks in sweep order: task t trains point ⌊t/S⌋ with seed index t mod S. */
  tasks: number;
  /** Monte Carlo trials per evaluation σ. */
  evalTrials: number;
  /**
   * Device parameters varied by the evaluation and by trainSigma (default a for eq. 4 devices, Ic with an
   * eq. 3 device).
   */
  evalParams: VariationParam[];
  /** True when σ is relative to each parameter's base value, else absolute (parameter units). */
  evalRelative: boolean;
  /** Distribution of the variation draws: "normal", "lognormal" or "uniform". */
  evalDistribution: VariationDistribution;
  /** Seed of the evaluation's Monte Carlo draws. */
  evalSeed: number;
  /** Seed of the train/validation/test split, the same for every point. */
  splitSeed: number;
  /** Fraction of each class held out as the test set. */
  testFraction: number;
  /** Fraction of each class of the non-test rows held out for validation (the points are compared on it). */
  validationFraction: number;
  /** Hardware profile for the energy and latency of each point (docs/cost.md). */
  profile: HardwareProfile;
}

const ALLOWED: Record<string, readonly string[]> = {
  "": Object.keys(EXPLORE_SCHEMA.shape),
  axes: EXPLORE_AXES,
  train: ["epochs", "batch", "inputNoise", "weightDecay"],
  eval: ["trials", "params", "relative", "distribution", "seed"],
  hardware: ["adcFullScale", "dacFullScale"],
};

function checkValue(axis: string, v: number, where: string): void {
  if (!Number.isFinite(v)) throw new InputError(`${where}: axes.${axis} values must be finite numbers (got ${v})`);
  if (INTEGER_AXES.has(axis) && !Number.isInteger(v)) throw new InputError(`${where}: axes.${axis} values must be integers (got ${v})`);
  if (POSITIVE_AXES.has(axis) ? !(v > 0) : !(v >= 0) && axis !== "b" && axis !== "Ic") throw new InputError(`${where}: axes.${axis} values must be ${POSITIVE_AXES.has(axis) ? "> 0" : ">= 0 (0 = off)"} (got ${v})`);
  if (axis === "Ic" && v === 0) throw new InputError(`${where}: axes.Ic values must be non-zero (got 0)`);
  if ((axis === "adcBits" || axis === "dacBits") && v > 32) throw new InputError(`${where}: axes.${axis} values must be 0 (off) or 1..32 bits (got ${v})`);
}

/**
 * Defaults of a sweep spec's fields that the spec and `dynaspin explore`'s flags share (the flags
 * print them in `--help` from here): Monte Carlo trials per evaluation σ, their distribution and
 * seed, the split seed, the test fraction and the validation fraction of the rest.
 */
export const EXPLORE_DEFAULTS = Object.freeze({
  evalTrials: 20,
  evalDistribution: "normal",
  evalSeed: 0,
  splitSeed: 0,
  testFraction: 0.2,
  validationFraction: 0.2,
} as const);

/**
 * Validates a spec and expands it into points and tasks.
 * @param where the spec's name in messages (file name or "explore").
 * @throws InputError with one line naming the field.
 */
export function resolveExplore(value: unknown, where = "explore spec"): ResolvedExplore {
  const spec = checkSchema(EXPLORE_SCHEMA, value, where, { allowed: ALLOWED, unions: { sample: '"grid" or {"random": N, "seed": S}', seeds: "a count or a list of seeds" } });
  if ((spec.task === undefined) === (spec.data === undefined)) throw new InputError(`${where}: give exactly one of task (spiral, digits, mnist) or data (a CSV file)`);
  if (spec.labelColumn !== undefined && spec.data === undefined) throw new InputError(`${where}: labelColumn applies only to data`);
  const axesIn = (spec.axes ?? {}) as Record<string, unknown>;
  const random = spec.sample !== undefined && spec.sample !== "grid" ? spec.sample : null;
  // Default varied parameter: a (the paper's Fig. 4) when every device is eq. 4, else Ic (eq. 3 has no a).
  const devices = (axesIn.device as DeviceValue[] | undefined) ?? ["paper-test"];
  const allEq4 = devices.every((d) => (typeof d === "string" ? d === "paper-test" : d.model === "eq4"));
  const evalParams = (spec.eval?.params ?? (allEq4 ? ["a"] : ["Ic"])) as VariationParam[];
  const varied: ExploreAxis[] = [];
  const lists = new Map<string, unknown[]>();
  for (const axis of EXPLORE_AXES) {
    const v = axesIn[axis];
    if (v === undefined || axis === "evalSigma") continue;
    if (Array.isArray(v)) {
      if (axis !== "device") for (const x of v as number[]) checkValue(axis, x, where);
      lists.set(axis, v);
    } else {
      const r = v as z.infer<typeof range>;
      if (!random) throw new InputError(`${where}: axes.${axis} is a range; ranges need "sample": {"random": N} (a grid needs a list of values)`);
      if (!(r.max >= r.min)) throw new InputError(`${where}: axes.${axis}.max must be >= min (got ${r.min}..${r.max})`);
      if (r.log && !(r.min > 0)) throw new InputError(`${where}: axes.${axis}: a log range needs min > 0 (got ${r.min})`);
      if (INTEGER_AXES.has(axis) && !r.integer) throw new InputError(`${where}: axes.${axis} takes integers; add "integer": true to its range`);
      checkValue(axis, r.min, where);
      checkValue(axis, r.max, where);
    }
    varied.push(axis);
  }
  const deviceEq4 = ["a", "b", "Ic", "Q"].filter((p) => axesIn[p] !== undefined);
  if (deviceEq4.length > 0 && Array.isArray(axesIn.device)) {
    for (const d of axesIn.device as DeviceValue[]) {
      const model = typeof d === "string" ? (d === "paper-test" ? "eq4" : "eq3") : d.model;
      if (model !== "eq4") throw new InputError(`${where}: axes.${deviceEq4[0]} sets an eq. 4 parameter, but device ${typeof d === "string" ? d : JSON.stringify(d).slice(0, 40)} is not an eq. 4 device`);
    }
  }
  const seeds = spec.seeds === undefined ? [0] : typeof spec.seeds === "number" ? Array.from({ length: spec.seeds }, (_, i) => i) : spec.seeds.slice();
  if (new Set(seeds).size !== seeds.length) throw new InputError(`${where}: seeds lists a seed twice`);
  const points: ExplorePoint[] = [];
  if (!random) {
    const axes = varied;
    const sizes = axes.map((a) => lists.get(a)!.length);
    const total = sizes.reduce((s, n) => s * n, 1);
    if (total * seeds.length > 1_000_000) throw new InputError(`${where}: the grid has ${total} points × ${seeds.length} seeds; at most 1000000 tasks`);
    for (let p = 0; p < total; p++) {
      const pt: ExplorePoint = { index: p };
      let rest = p;
      for (let j = axes.length - 1; j >= 0; j--) {
        const list = lists.get(axes[j])!;
        (pt as unknown as Record<string, unknown>)[axes[j]] = list[rest % sizes[j]];
        rest = Math.floor(rest / sizes[j]);
      }
      points.push(pt);
    }
  } else {
    const seed = random.seed ?? 0;
    for (let p = 0; p < random.random; p++) {
      const rng = new Rng(deriveSeed(seed, p));
      const pt: ExplorePoint = { index: p };
      for (const axis of varied) {
        const v = axesIn[axis];
        let x: unknown;
        if (Array.isArray(v)) x = v[Math.min(v.length - 1, Math.floor(rng.uniform() * v.length))];
        else {
          const r = v as z.infer<typeof range>;
          const u = rng.uniform();
          const y = r.log ? Math.exp(Math.log(r.min) + u * (Math.log(r.max) - Math.log(r.min))) : r.min + u * (r.max - r.min);
          x = r.integer ? Math.min(Math.floor(r.max), Math.max(Math.ceil(r.min), Math.round(y))) : Number(y.toPrecision(6));
        }
        (pt as unknown as Record<string, unknown>)[axis] = x;
      }
      points.push(pt);
    }
  }
  const evalSigmas = (axesIn.evalSigma as number[] | undefined) ?? [0];
  if (new Set(evalSigmas).size !== evalSigmas.length) throw new InputError(`${where}: axes.evalSigma lists a value twice`);
  if (axesIn.evalSigma !== undefined) varied.push("evalSigma");
  const profile = spec.cost === undefined ? {} : parseProfile(spec.cost, `${where}: cost`);
  return {
    spec,
    axes: varied,
    points,
    evalSigmas,
    seeds,
    tasks: points.length * seeds.length,
    evalTrials: spec.eval?.trials ?? EXPLORE_DEFAULTS.evalTrials,
    evalParams,
    evalRelative: spec.eval?.relative ?? false,
    evalDistribution: spec.eval?.distribution ?? EXPLORE_DEFAULTS.evalDistribution,
    evalSeed: spec.eval?.seed ?? EXPLORE_DEFAULTS.evalSeed,
    splitSeed: spec.splitSeed ?? EXPLORE_DEFAULTS.splitSeed,
    testFraction: spec.testFraction ?? EXPLORE_DEFAULTS.testFraction,
    validationFraction: spec.validationFraction ?? EXPLORE_DEFAULTS.validationFraction,
    profile,
  };
}

/** A point's value of an axis as a CSV/label string ("" when the axis does not vary). */
export function axisValue(p: ExplorePoint, axis: ExploreAxis): string {
  const v = (p as unknown as Record<string, unknown>)[axis];
  if (v === undefined) return "";
  if (typeof v === "object" && v !== null) return JSON.stringify(v);
  return String(v);
}
