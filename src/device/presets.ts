/**
 * Named devices from the paper (section II-A, Fig. 2, section II-D), each with its source.
 *
 * Units are chosen so that the numbers the network sees are O(1–10):
 * - `paper-test`: dimensionless currents and powers, as in the paper.
 * - `hamadeh2012`: current in mA (Ic = −6 mA); power is the *normalised* oscillation power of the
 *   Slavin–Tiberkevich theory, p = |c|², i.e. the fraction of the saturated power that eq. 3 tends
 *   to as |I| → ∞ (dimensionless, 0 ≤ p < 1). Multiply by the device's saturated power (a few nW
 *   for [18]) to get watts.
 * - `zeng2013`: current in µA (Ic = −10 µA), power normalised in the same way (the measured peak is
 *   of the order of 10 nW [36]).
 *
 * Both measured devices have a negative threshold: the network drives them with `I = −u²`
 * (polarity convention, see `DeviceCurve.polarity`).
 */
import type { DeviceCurve, DeviceSpec } from "./curve.js";
import { curveFromSpec } from "./spec.js";
import { InputError } from "../util/errors.js";
import { show } from "../util/check.js";

/** One named device. */
export interface DevicePreset {
  /** The JSON description, accepted by `curveFromSpec`. */
  readonly spec: Readonly<DeviceSpec>;
  /** Full citation of where the parameters come from. */
  readonly source: string;
  /** One-line description of the device and its units. */
  readonly description: string;
}

/** Names of the presets, in the order `dynaspin --help` lists them. */
export const PRESET_NAMES = ["paper-test", "hamadeh2012", "zeng2013"] as const;

/** A preset name. */
export type PresetName = (typeof PRESET_NAMES)[number];

/**
 * The preset devices:
 * - `paper-test`: eq. 4 with a = 4, b = 5, Ic = 1, Q = 2, dimensionless (the paper's test device,
 *   section II-D, used for Figs. 3–5).
 * - `hamadeh2012`: eq. 3 with Ic = −6 mA, Q = 0.1 — Py/Cu/Py nanopillar under a 10 kOe perpendicular
 *   field, Fig. 2(b), from [18].
 * - `zeng2013`: eq. 3 with Ic = −10 µA, Q = 0.3 — CoFeB/MgO/CoFeB magnetic tunnel junction at zero
 *   applied field, Fig. 2(c), from [36].
 */
export const PRESETS: Readonly<Record<PresetName, DevicePreset>> = Object.freeze({
  "paper-test": Object.freeze({
    spec: Object.freeze({ model: "eq4", a: 4, b: 5, Ic: 1, Q: 2 }),
    source:
      "D. R. Rodrigues et al., \"Dynamical Neural Network Based on Spin Transfer Nano-Oscillators,\" IEEE Trans. Nanotechnol. (2023), section II-D: a = 4, b = 5, Ic = 1, Q = 2.",
    description: "The paper's test device: eq. 4 with a = 4, b = 5, Ic = 1, Q = 2; dimensionless current and power.",
  }),
  hamadeh2012: Object.freeze({
    spec: Object.freeze({ model: "eq3", Ic: -6, Q: 0.1, currentUnit: "mA", powerUnit: "normalised" }),
    source:
      "[18] A. Hamadeh et al., \"Autonomous and forced dynamics in a spin-transfer nano-oscillator: Quantitative magnetic-resonance force microscopy,\" Phys. Rev. B 85, 140408 (2012), doi:10.1103/PhysRevB.85.140408; parameters Ic = -6 mA, Q = 0.1 from the paper's Fig. 2(b).",
    description:
      "Py/Cu/Py nanopillar under a 10 kOe perpendicular field: eq. 3 with Ic = -6 mA, Q = 0.1; current in mA, power normalised to the saturated power (p = |c|^2).",
  }),
  zeng2013: Object.freeze({
    spec: Object.freeze({ model: "eq3", Ic: -10, Q: 0.3, currentUnit: "µA", powerUnit: "normalised" }),
    source:
      "[36] Z. Zeng et al., \"Ultralow-current-density and bias-field-free spin-transfer nano-oscillator,\" Sci. Rep. 3, 1426 (2013), doi:10.1038/srep01426; parameters Ic = -10 µA, Q = 0.3 from the paper's Fig. 2(c).",
    description:
      "CoFeB/MgO magnetic tunnel junction at zero applied field: eq. 3 with Ic = -10 µA, Q = 0.3; current in µA, power normalised to the saturated power (p = |c|^2).",
  }),
});

/** True if `name` is a preset name. */
export function isPresetName(name: string): name is PresetName {
  return (PRESET_NAMES as readonly string[]).includes(name);
}

/**
 * The curve of a preset device.
 * @throws InputError listing the allowed names for an unknown name.
 * @example presetCurve("hamadeh2012").power(-12) // (−12 + 6)/(−12 − 0.6) ≈ 0.476
 */
export function presetCurve(name: string): DeviceCurve {
  if (!isPresetName(name)) {
    throw new InputError(`device preset must be one of ${PRESET_NAMES.join(", ")} (got ${show(name)})`);
  }
  return curveFromSpec({ ...PRESETS[name].spec }, `preset ${name}: `);
}
