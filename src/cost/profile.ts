/**
 * The hardware profile of the cost model: every physical constant one inference's energy and
 * latency depend on, each with a default, a unit and the source of the default (published figure
 * or a plain "assumed"), validated by one zod schema. SI units throughout (Ω, A, s, J, Hz, V).
 *
 * A profile file is JSON with any subset of these fields (absent fields take the defaults):
 * ```json
 * { "oscillator": { "resistance": 100, "ampsPerUnit": 0.001, "settlingTime": 1e-8, "relaxationTime": 2e-9,
 *                   "settleTolerance": 0.01, "llg": { "device": "py-cu-py", "fromIc": 1.5, "toIc": 2 } },
 *   "adc": { "bits": 8, "waldenFom": 1e-14, "sampleRate": 1e8, "count": 64 },
 *   "dac": { "bits": 8, "fom": 1e-14, "settlingTime": 1e-9, "supplyVoltage": 0.9 },
 *   "cmos": { "macEnergy": 2.3e-13, "clock": 1e9, "macUnits": 64 },
 *   "digital": { "macEnergy": 2.3e-13, "macsPerActivation": 10, "clock": 1e9, "macUnits": 64 } }
 * ```
 * Pure (no platform imports): the playground validates profiles the same way.
 */
import { z } from "zod";
import { checkSchema } from "../io/schema.js";
import type { DeviceParams } from "../physics/params.js";

/** One default constant: value, unit, and where the number comes from. */
export interface ProfileConstant {
  /** JSON path, e.g. "adc.waldenFom". */
  path: string;
  /** Default value (null: derived, see `source`). */
  value: number | string | null;
  /** Unit of the value ("" if dimensionless). */
  unit: string;
  /** Literature source, or "assumed: ..." with the reasoning. */
  source: string;
}

/** Horowitz, ISSCC 2014, energy table at 45 nm, 0.9 V. */
export const HOROWITZ_2014 =
  'M. Horowitz, "Computing\'s energy problem (and what we can do about it)," IEEE ISSCC Dig. Tech. Papers, pp. 10–14, 2014 (45 nm, 0.9 V)';

/**
 * The default constants with their sources (the documentation table is generated from this list).
 * Energies per MAC: Horowitz's 8-bit integer multiply 0.2 pJ + 8-bit add 0.03 pJ = 0.23 pJ
 * (his 32-bit float multiply 3.7 pJ + add 0.9 pJ = 4.6 pJ is the float alternative).
 */
export const PROFILE_DEFAULTS: readonly ProfileConstant[] = Object.freeze([
  { path: "oscillator.resistance", value: 100, unit: "Ω", source: "assumed: order of magnitude between metallic spin valves (~10 Ω) and MgO tunnel junctions (~100 Ω–1 kΩ); one number for all oscillators or an array of k" },
  { path: "oscillator.ampsPerUnit", value: null, unit: "A per model current unit", source: "the device's current unit when it is physical (mA → 1e-3, µA → 1e-6, A, nA); for dimensionless devices one unit = the LLG device's threshold current / the curve's |Ic| (so the curve's threshold is the physical threshold)" },
  { path: "oscillator.settlingTime", value: null, unit: "s", source: "derived: Δt/τ of the model's hardware.relaxation × τ when the model was trained with finite relaxation, else τ·ln(1/settleTolerance)" },
  { path: "oscillator.relaxationTime", value: null, unit: "s", source: "derived: power relaxation time τ measured with the macrospin LLG simulator (src/physics/relaxation.ts) for the jump fromIc → toIc and back, the slower direction" },
  { path: "oscillator.settleTolerance", value: 0.01, unit: "", source: "assumed: a step is over when the power is within 1 % of its new stationary value" },
  { path: "oscillator.llg.device", value: "py-cu-py", unit: "", source: "the built-in Py/Cu/Py macrospin preset (4 nm × 200 nm free layer, 1 T perpendicular field, α = 0.01), or inline device parameters as for dynaspin llg" },
  { path: "oscillator.llg.fromIc", value: 1.5, unit: "× Ic", source: "assumed: a typical jump inside the operating window (threshold to switching)" },
  { path: "oscillator.llg.toIc", value: 2, unit: "× Ic", source: "assumed: the end of the same jump (see fromIc)" },
  { path: "adc.bits", value: 8, unit: "bits", source: "the model's hardware.adc.bits when it has one, else assumed 8 bits (ENOB taken equal to the nominal bits, optimistic)" },
  { path: "adc.waldenFom", value: 1e-14, unit: "J per conversion-step", source: "assumed 10 fJ/conversion-step: E = FoM·2^ENOB with Walden's figure of merit (R. H. Walden, IEEE J. Sel. Areas Commun. 17(4), 539–550, 1999); B. Murmann's ADC Performance Survey (Stanford, online) shows the best published designs below this value — 10 fJ is a moderate, not a record, design" },
  { path: "adc.sampleRate", value: 1e8, unit: "S/s", source: "assumed: 100 MS/s per converter (conversion time 10 ns)" },
  { path: "adc.count", value: null, unit: "converters", source: "assumed: one converter per oscillator (k), so a step's k readings take one conversion time" },
  { path: "dac.bits", value: 8, unit: "bits", source: "the model's hardware.dac.bits when it has one, else assumed 8 bits" },
  { path: "dac.fom", value: 1e-14, unit: "J per conversion-step", source: "assumed: E = fom·2^bits per conversion, the same 10 fJ/step as the ADC (no survey figure used)" },
  { path: "dac.settlingTime", value: 1e-9, unit: "s", source: "assumed: 1 ns for the current driver to reach its new value" },
  { path: "dac.supplyVoltage", value: 0.9, unit: "V", source: "the supply of the 45 nm figures of " + HOROWITZ_2014 + "; a current driver draws V·|I| from it, of which I²R heats the oscillator and the rest the driver (0 leaves the driver overhead out)" },
  { path: "cmos.macEnergy", value: 2.3e-13, unit: "J per MAC", source: HOROWITZ_2014 + ": 8-bit integer multiply 0.2 pJ + 8-bit add 0.03 pJ (memory accesses not counted)" },
  { path: "cmos.clock", value: 1e9, unit: "Hz", source: "assumed: 1 GHz at 45 nm" },
  { path: "cmos.macUnits", value: null, unit: "MACs per cycle", source: "assumed: one MAC unit per oscillator (k)" },
  { path: "digital.macEnergy", value: null, unit: "J per MAC", source: "the profile's cmos.macEnergy (the same arithmetic on a digital chip)" },
  { path: "digital.macsPerActivation", value: 10, unit: "MACs", source: "assumed: one device-curve evaluation (eq. 4: an exponential and a division) costs 10 multiply-accumulates" },
  { path: "digital.clock", value: null, unit: "Hz", source: "the profile's cmos.clock" },
  { path: "digital.macUnits", value: null, unit: "MACs per cycle", source: "the profile's cmos.macUnits" },
]);

const pos = z.number().positive();
const positiveInt = z.int().min(1);

/** The profile JSON schema (every field optional). */
export const PROFILE_SCHEMA = z.strictObject({
  format: z.literal("dynaspin.hardware-profile").optional(),
  version: z.literal(1).optional(),
  name: z.string().optional(),
  oscillator: z
    .strictObject({
      resistance: z.union([pos, z.array(pos).min(1)]).optional(),
      ampsPerUnit: pos.max(1e3).optional(),
      settlingTime: pos.max(1e-3).optional(),
      relaxationTime: pos.max(1e-3).optional(),
      settleTolerance: z.number().gt(0).lt(1).optional(),
      llg: z
        .strictObject({
          device: z.union([z.literal("py-cu-py"), z.record(z.string(), z.unknown())]).optional(),
          fromIc: pos.optional(),
          toIc: pos.optional(),
        })
        .optional(),
    })
    .optional(),
  adc: z.strictObject({ bits: positiveInt.max(32).optional(), waldenFom: pos.max(1e-9).optional(), sampleRate: pos.optional(), count: positiveInt.optional() }).optional(),
  dac: z.strictObject({ bits: positiveInt.max(32).optional(), fom: pos.max(1e-9).optional(), settlingTime: pos.max(1e-3).optional(), supplyVoltage: z.number().min(0).optional() }).optional(),
  cmos: z.strictObject({ macEnergy: pos.max(1e-6).optional(), clock: pos.optional(), macUnits: positiveInt.optional() }).optional(),
  digital: z.strictObject({ macEnergy: pos.max(1e-6).optional(), macsPerActivation: z.number().min(0).optional(), clock: pos.optional(), macUnits: positiveInt.optional() }).optional(),
});

/**
 * A hardware profile as written in a file: every field optional, SI units; an absent field takes
 * its default from {@link PROFILE_DEFAULTS} (docs/cost.md lists them with units and sources).
 * Declared field by field for the reference; a compile-time check keeps it equal to what the
 * schema (`PROFILE_SCHEMA`) accepts.
 */
export interface HardwareProfile {
  /** "dynaspin.hardware-profile" when given. */
  format?: "dynaspin.hardware-profile";
  /** File version, 1 when given. */
  version?: 1;
  /** Free text naming the profile. */
  name?: string;
  /** The oscillators and how fast a step settles. */
  oscillator?: {
    /** Resistance R of each oscillator, Ω > 0: one value for all, or one per oscillator. @default 100 */
    resistance?: number | number[];
    /** Amperes per model current unit (≤ 1e3). @default from the device's current unit (mA → 1e-3, µA → 1e-6) */
    ampsPerUnit?: number;
    /** Settling time of one step, s (≤ 1e-3). @default Δt/τ of the model's relaxation × τ, else τ·ln(1/settleTolerance) */
    settlingTime?: number;
    /** Power relaxation time τ, s (≤ 1e-3). @default measured with the macrospin simulator (`llg`) */
    relaxationTime?: number;
    /** A step is over when the power is within this fraction of its new stationary value, in (0, 1). @default 0.01 */
    settleTolerance?: number;
    /** The macrospin jump that measures τ when `relaxationTime` is not given. */
    llg?: {
      /** "py-cu-py" (the built-in preset) or inline LLG device parameters. @default "py-cu-py" */
      device?: "py-cu-py" | Record<string, unknown>;
      /** Current before the jump, × Ic (> 0). @default 1.5 */
      fromIc?: number;
      /** Current after the jump, × Ic (> 0). @default 2 */
      toIc?: number;
    };
  };
  /** The ADCs that read the oscillators' powers. */
  adc?: {
    /** Resolution, bits (1..32). @default the model's hardware.adc.bits, else 8 */
    bits?: number;
    /** Walden figure of merit, J per conversion-step (≤ 1e-9): E = FoM·2^bits per conversion. @default 1e-14 */
    waldenFom?: number;
    /** Conversions per second of one converter, S/s. @default 1e8 */
    sampleRate?: number;
    /** Converters working in parallel. @default k (one per oscillator) */
    count?: number;
  };
  /** The DACs that drive the oscillators' currents. */
  dac?: {
    /** Resolution, bits (1..32). @default the model's hardware.dac.bits, else 8 */
    bits?: number;
    /** J per conversion-step (≤ 1e-9): E = fom·2^bits per conversion. @default 1e-14 */
    fom?: number;
    /** Time for the driver to reach a new current, s (≤ 1e-3). @default 1e-9 */
    settlingTime?: number;
    /** Supply voltage V ≥ 0 of the current drivers, V (0: driver overhead not counted). @default 0.9 */
    supplyVoltage?: number;
  };
  /** The CMOS side of the STNO chip (the couplings' multiply-accumulates). */
  cmos?: {
    /** Energy per multiply-accumulate, J (≤ 1e-6). @default 2.3e-13 (8-bit integer, Horowitz 2014) */
    macEnergy?: number;
    /** Clock, Hz. @default 1e9 */
    clock?: number;
    /** MAC units working in parallel. @default k */
    macUnits?: number;
  };
  /** The digital chip the STNO network is compared with. */
  digital?: {
    /** Energy per multiply-accumulate, J (≤ 1e-6). @default cmos.macEnergy */
    macEnergy?: number;
    /** MACs one device-curve evaluation costs (≥ 0). @default 10 */
    macsPerActivation?: number;
    /** Clock, Hz. @default cmos.clock */
    clock?: number;
    /** MAC units working in parallel. @default cmos.macUnits */
    macUnits?: number;
  };
}

// Compile-time check that the declared interface and the schema's type accept the same objects
// (a field added to one and not the other fails the build).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;
type _ProfileMatchesSchema = Assert<Same<HardwareProfile, z.infer<typeof PROFILE_SCHEMA>>>;

const ALLOWED: Record<string, readonly string[]> = {
  "": ["format", "version", "name", "oscillator", "adc", "dac", "cmos", "digital"],
  oscillator: ["resistance", "ampsPerUnit", "settlingTime", "relaxationTime", "settleTolerance", "llg"],
  "oscillator.llg": ["device", "fromIc", "toIc"],
  adc: ["bits", "waldenFom", "sampleRate", "count"],
  dac: ["bits", "fom", "settlingTime", "supplyVoltage"],
  cmos: ["macEnergy", "clock", "macUnits"],
  digital: ["macEnergy", "macsPerActivation", "clock", "macUnits"],
};

/**
 * Validates a profile object.
 * @param where file name for messages.
 * @throws InputError `<where>: <field path>: <problem>` with the field's unit, e.g.
 *   `hw.json: oscillator.settlingTime must be <= 0.001 (got 10) [unit: s]`.
 */
export function parseProfile(value: unknown, where = "hardware profile"): HardwareProfile {
  try {
    return checkSchema(PROFILE_SCHEMA, value, where, { allowed: ALLOWED, unions: { "oscillator.resistance": "a resistance in Ω > 0 or an array of them", "oscillator.llg.device": '"py-cu-py" or an object of LLG device parameters' } });
  } catch (e) {
    const unit = e instanceof Error ? PROFILE_DEFAULTS.find((c) => e.message.startsWith(`${where}: ${c.path}`) && c.unit !== "")?.unit : undefined;
    if (unit !== undefined && e instanceof Error) e.message += ` [unit: ${unit}]`;
    throw e;
  }
}

/** LLG device parameters named by a profile (the preset name or the inline object). */
export type LlgDeviceChoice = "py-cu-py" | DeviceParams;
