/**
 * `dynaspin train` flags for variation-aware and hardware-aware training (kept beside the
 * robustness command; train.ts only spreads these in).
 *
 * - `--train-variation PARAM[,PARAM]:SIGMA` (e.g. `a:0.25`): each minibatch draws fresh device
 *   parameters per oscillator (absolute σ unless `--train-relative`; `--train-distribution`).
 * - `--train-noise SIGMA[:rel]`: Gaussian read noise on every power measurement during training.
 * - `--train-hw SPEC` (repeatable): any hardware non-ideality as in `dynaspin robustness --hw`;
 *   stored as the saved model's `hardware`.
 */
import type { Flags, FlagSpec } from "./args.js";
import { parseVariationArg, parseHardwareArgs } from "./flag-values.js";
import { VARIATION_DISTRIBUTIONS, type VariationSpec, type VariationDistribution } from "../device/variation.js";
import type { Hardware } from "../network/hardware.js";

/** The flags (appended to `dynaspin train`'s). */
export const TRAIN_ROBUSTNESS_FLAGS: FlagSpec[] = [
  { name: "train-variation", type: "string", value: "P:SIGMA", help: "variation-aware training: fresh device draws per minibatch, e.g. a:0.25 or a,b:0.1 (default none)" },
  { name: "train-relative", type: "boolean", help: "--train-variation σ is relative to the base value" },
  { name: "train-distribution", type: "string", choices: VARIATION_DISTRIBUTIONS, value: "D", help: "--train-variation distribution: normal, lognormal, uniform", default: "normal" },
  { name: "train-noise", type: "string", value: "SIGMA[:rel]", help: "Gaussian read noise on each power reading during training (power units, or relative with :rel)" },
  { name: "train-hw", type: "string", repeatable: true, value: "SPEC", help: "hardware in training and saved in the model: noise=S[:rel], dac=BITS:FS, adc=BITS:FS, ilimit=IMAX, relax=DT_OVER_TAU" },
];

/** Training options from the flags (empty object when none is given). */
export function trainRobustnessOptions(flags: Flags): { variation?: VariationSpec; hardware?: Hardware } {
  const out: { variation?: VariationSpec; hardware?: Hardware } = {};
  const v = flags.string("train-variation");
  if (v !== undefined) {
    out.variation = { ...parseVariationArg(v, "--train-variation"), relative: flags.boolean("train-relative"), distribution: flags.stringOrDefault("train-distribution") as VariationDistribution };
  }
  const hw = flags.list("train-hw").map(String);
  const noise = flags.string("train-noise");
  if (noise !== undefined) hw.push(`noise=${noise}`);
  if (hw.length > 0) out.hardware = parseHardwareArgs(hw, noise !== undefined && hw.length === 1 ? "--train-noise" : "--train-hw");
  return out;
}
