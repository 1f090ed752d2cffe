/**
 * What `dynaspin reproduce` runs in each mode: the training settings per task (always derived from
 * {@link TASK_DEFAULTS}, never copied), the seeds, the robustness sweep and the synthetic device
 * curve of Fig. 2 — plus a plain-language list of what a reduced mode changed, for the report.
 * Pure: no I/O.
 */
import { TASK_DEFAULTS, type TaskName } from "../train/tasks.js";
import { resolveTrainOptions, type TrainOptions } from "../train/train.js";
import { PAPER_DEVICE, type Eq4Params } from "../device/analytic.js";
import { PRESETS } from "../device/presets.js";
import { InputError } from "../util/errors.js";
import { integer, oneOf } from "../util/check.js";

/** Modes: `quick` (≤ 60 s), `full` (the paper's 10 000 trials, 5 seeds), `tiny` (tests only). */
export const REPRODUCE_MODES = ["quick", "full", "tiny"] as const;
/** A reproduce mode. */
export type ReproduceMode = (typeof REPRODUCE_MODES)[number];

/** Training of one task: options (devices excluded) and the training seeds. */
export interface TaskPlan {
  task: TaskName;
  /** Training options passed to the trainer (seed excluded: one run per entry of `seeds`). */
  options: Omit<TrainOptions, "devices" | "seed">;
  /** Training seeds, one network each; the first one's network feeds the figures and the sweep. */
  seeds: number[];
  /** Seed of the stratified 80/20 split (as `dynaspin train --split-seed`). @default 0 */
  splitSeed: number;
  /** Fraction of each class held out. 0.2 as in the paper. */
  testFraction: number;
}

/** The Fig. 4 robustness sweep: parameter a of eq. 4 drawn per device from N(a, σ²), absolute σ. */
export interface RobustnessPlan {
  /** Standard deviations σ of a (absolute, in a's unit). */
  sigmas: number[];
  /** Monte Carlo trials (independent device draws) per σ. */
  trials: number;
  /** Seed of the sweep (trial t at σ index s uses a seed derived from (seed, s, t)). */
  seed: number;
  /** Worker threads. */
  workers: number;
}

/**
 * The synthetic device data of Fig. 2: eq. 4 with the paper's test device at `points` evenly
 * spaced currents over [from, to], plus independent Gaussian noise N(0, noise²) on each power.
 */
export interface DevicePlan {
  params: Eq4Params;
  points: number;
  from: number;
  to: number;
  /** Standard deviation of the additive power noise (dimensionless power; p(4) ≈ 0.5, so 0.005 is 1 % of it). */
  noise: number;
  seed: number;
}

/**
 * The optional "from physics" Fig. 2 panel: a thermal macrospin LLG sweep of the `py-cu-py`
 * preset (Py/Cu/Py, 1 T perpendicular field, like the paper's Fig. 2(b) device [18]) at
 * `currents` (mA), then the same eq. 4 fit and eq. 3 comparison as for the generated data.
 */
export interface PhysicsPlan {
  /** Currents in mA: from, to (inclusive), step. */
  currents: { from: number; to: number; step: number };
  /** Simulated time per current, s (the first half is discarded as transient). */
  duration: number;
  /** Temperature, K. */
  temperature: number;
  seed: number;
  workers: number;
}

/**
 * One panel of the paper's Fig. 2 drawn from a device preset: eq. 3 with the preset's Ic and Q (the
 * values the paper's Fig. 2 caption gives) and eq. 4 with the same Ic and Q. The paper gives no a
 * and b for these devices, so eq. 4 carries over the test device's tail in units of Ic:
 * a = a_test·Ic_test/Ic, b = b_test (a·I − b = 0 at I = 1.25·Ic, as for the test device).
 */
export interface PresetPanelPlan {
  /** The preset (`dynaspin train --device NAME`). */
  preset: "hamadeh2012" | "zeng2013";
  /** The paper's panel letter. */
  paperPanel: "b" | "c";
  /** From the preset (the paper's Fig. 2 caption). */
  Ic: number;
  Q: number;
  /** Chosen here (see above), in 1/currentUnit and dimensionless. */
  a: number;
  b: number;
  currentUnit: string;
  /** Currents drawn, [3·Ic, 0]. */
  range: [number, number];
}

/** The two preset panels of Fig. 2 ((b) Hamadeh 2012, (c) Zeng 2013); see {@link PresetPanelPlan}. */
export function presetPanels(): PresetPanelPlan[] {
  return (["hamadeh2012", "zeng2013"] as const).map((preset, i) => {
    const spec = PRESETS[preset].spec;
    const Ic = Number(spec.Ic), Q = Number(spec.Q);
    return {
      preset,
      paperPanel: i === 0 ? "b" : "c",
      Ic,
      Q,
      a: Number(((PAPER_DEVICE.a * PAPER_DEVICE.Ic) / Ic).toPrecision(3)),
      b: PAPER_DEVICE.b,
      currentUnit: spec.currentUnit ?? "",
      range: [3 * Ic, 0],
    };
  });
}

/** Everything one reproduce run does. */
export interface ReproducePlan {
  /**
   * "full" (the paper's settings: 5 seeds, 21 σ × 10 000 trials, the LLG panel), "quick" (`npm start`: one
   * seed, 9 σ × 200 trials, no LLG) or "tiny" (the tests' smoke run).
   */
  mode: ReproduceMode;
  /** Base seed (`--seed`). */
  seed: number;
  /** Training of the spiral task (options from TASK_DEFAULTS, seeds, split). */
  spiral: TaskPlan;
  /** Training of the digits task (options from TASK_DEFAULTS, seeds, split). */
  digits: TaskPlan;
  /** The Fig. 4 sweep: σ values of a, trials per σ, seed, threads. */
  robustness: RobustnessPlan;
  /** The synthetic eq. 4 device data of Fig. 2 and its fit. */
  device: DevicePlan;
  /** The paper's Fig. 2(b) and (c), from the device presets. */
  figure2: PresetPanelPlan[];
  /** The LLG panel of Fig. 2, or null when the mode skips it. */
  physics: PhysicsPlan | null;
  /** Epochs at which the spiral network's final states are captured for Fig. 3 (b)–(d). */
  snapshotEpochs: number[];
  /** What this mode reduced relative to the full run, one sentence each (empty for full). */
  reductions: string[];
}

/** Options of {@link makePlan}. */
export interface PlanOptions {
  /** "full", "quick" or "tiny" (see {@link ReproducePlan.mode}). @default "full" */
  mode?: ReproduceMode;
  /** Base seed: task i's seeds are seed, seed+1, ...; the sweep and device noise derive from it. @default 0 */
  seed?: number;
  /** Worker threads for the robustness sweep. @default 2 */
  workers?: number;
}

/** σ values lo, lo+step, ..., hi (rounded to 1e-9 so that 0.25 and 0.5 are exact). */
export function sigmaGrid(lo: number, hi: number, step: number): number[] {
  const n = Math.round((hi - lo) / step);
  return Array.from({ length: n + 1 }, (_, i) => Math.round((lo + i * step) * 1e9) / 1e9);
}

/** Number of full-mode seeds per task. */
export const FULL_SEEDS = 5;
/** Full-mode robustness: 21 σ in 0:1:0.05, the paper's 10 000 trials each. */
export const FULL_ROBUSTNESS = { sigmas: sigmaGrid(0, 1, 0.05), trials: 10_000 } as const;

/** Full-mode LLG sweep: 0–10 mA in 0.2 mA steps at 300 K, 400 ns per current (as in docs/results.md "Physics pipeline"). */
export const FULL_PHYSICS = { currents: { from: 0, to: 10, step: 0.2 }, duration: 400e-9, temperature: 300 } as const;

/**
 * Epochs at which Fig. 3 captures the final states: early (2 % of training), middle (¼) and the
 * last epoch, distinct and increasing.
 */
export function snapshotEpochs(epochs: number): number[] {
  const e = [Math.max(1, Math.round(epochs / 50)), Math.max(1, Math.round(epochs / 4)), epochs];
  return [...new Set(e)].sort((a, b) => a - b);
}

function seeds(base: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => base + i);
}

/**
 * Resolves a mode into a complete plan. Task settings come from {@link TASK_DEFAULTS}; quick mode
 * keeps the spiral defaults (cheap), trains digits for half its epochs with one restart,
 * one seed per task, and sweeps 9 σ × 200 trials.
 * @throws InputError for a bad mode, seed or worker count.
 */
export function makePlan(options: PlanOptions = {}): ReproducePlan {
  const mode = oneOf(options.mode ?? "full", REPRODUCE_MODES, "mode");
  const seed = integer(options.seed ?? 0, 0, Number.MAX_SAFE_INTEGER - 100, "--seed");
  const workers = integer(options.workers ?? 2, 1, 64, "--workers");
  const sd = TASK_DEFAULTS.spiral;
  const dd = TASK_DEFAULTS.digits;
  const base = { splitSeed: 0, testFraction: 0.2 };
  const device: DevicePlan = { params: { ...PAPER_DEVICE }, points: 121, from: 0, to: 4, noise: 0.005, seed };
  const reductions: string[] = [];
  let spiral: TaskPlan, digits: TaskPlan, robustness: RobustnessPlan;
  let physics: PhysicsPlan | null = null;
  if (mode === "full") {
    spiral = { task: "spiral", options: { ...sd }, seeds: seeds(seed, FULL_SEEDS), ...base };
    digits = { task: "digits", options: { ...dd }, seeds: seeds(seed, FULL_SEEDS), ...base };
    robustness = { sigmas: [...FULL_ROBUSTNESS.sigmas], trials: FULL_ROBUSTNESS.trials, seed, workers };
    physics = { ...FULL_PHYSICS, currents: { ...FULL_PHYSICS.currents }, seed, workers };
  } else if (mode === "quick") {
    const dEpochs = Math.max(1, Math.round((dd.epochs ?? 60) / 2));
    spiral = { task: "spiral", options: { ...sd }, seeds: [seed], ...base };
    digits = { task: "digits", options: { ...dd, epochs: dEpochs, restarts: 1 }, seeds: [seed], ...base };
    robustness = { sigmas: sigmaGrid(0, 1, 0.125), trials: 200, seed, workers };
    reductions.push(
      `one training seed per task instead of ${FULL_SEEDS} (no spread over seeds)`,
      `digits trained for ${dEpochs} epochs instead of ${dd.epochs}${(dd.restarts ?? 1) > 1 ? ` with 1 initialisation instead of ${dd.restarts}` : ""}`,
      `no macrospin LLG panel for Fig. 2 (the full run simulates ${Math.round((FULL_PHYSICS.currents.to - FULL_PHYSICS.currents.from) / FULL_PHYSICS.currents.step) + 1} currents at ${FULL_PHYSICS.temperature} K, 0.5–2 min depending on load)`,
      `robustness sweep over ${robustness.sigmas.length} values of σ (0 to 1 in steps of 0.125) with ${robustness.trials} trials each instead of ${FULL_ROBUSTNESS.sigmas.length} × 10 000`,
    );
  } else {
    spiral = { task: "spiral", options: { ...sd, epochs: 20, restarts: 1 }, seeds: [seed], ...base };
    digits = { task: "digits", options: { ...dd, epochs: 2, restarts: 1 }, seeds: [seed], ...base };
    robustness = { sigmas: [0, 0.25, 0.5], trials: 8, seed, workers };
    physics = { currents: { from: 0, to: 10, step: 1 }, duration: 2e-9, temperature: 300, seed, workers };
    reductions.push("tiny test mode: spiral 20 epochs, digits 2 epochs, 3 σ × 8 trials, LLG 11 currents × 2 ns; the numbers mean nothing");
  }
  // Validate the derived options once, here, so a bad default fails before any work.
  for (const t of [spiral, digits]) resolveTrainOptions({ ...t.options, seed });
  const epochs = spiral.options.epochs ?? 200;
  if (!(epochs >= 1)) throw new InputError(`spiral epochs must be >= 1 (got ${epochs})`);
  return { mode, seed, spiral, digits, robustness, device, figure2: presetPanels(), physics, snapshotEpochs: snapshotEpochs(epochs), reductions };
}
