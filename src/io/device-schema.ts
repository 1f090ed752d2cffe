/**
 * The device file format as a zod schema: one schema per device model (`eq4`, `eq3`, `table`) and
 * the file that holds one device or one per oscillator. docs/formats.md and
 * docs/schemas/device.schema.json are generated from it (`npm run docs:formats`).
 *
 * The reader (`parseDeviceJson` in src/node/device-file.ts, `curveFromSpec` in
 * src/device/spec.ts) applies the same rules with its own one-line messages; the fields per model
 * are `DEVICE_SPEC_FIELDS` (the test checks this schema has exactly those), and the test checks that
 * what the reader accepts the schema accepts and what it refuses for a rule the schema states, the
 * schema refuses. Rules a JSON Schema cannot state (strictly increasing table currents, a power
 * that varies, Q·Ic finite) are the reader's alone and listed in the prose of docs/formats.md.
 */
import { z } from "zod";
import { DEVICE_FORMAT, DEVICE_FORMAT_VERSION } from "../device/spec.js";
import { EXTRAPOLATIONS, type Extrapolation } from "../device/table.js";

const units = {
  currentUnit: z.string().optional().describe('unit of current, e.g. "mA"; the network works in these units (default "", dimensionless)'),
  powerUnit: z.string().optional().describe('unit of power, e.g. "nW" (default "", dimensionless)'),
};
const measuredCurrent = z
  .tuple([z.number(), z.number()])
  .refine((m) => m[0] < m[1], "measuredCurrent must satisfy lo < hi")
  .optional()
  .describe("[lo, hi]: the current range of the data a fitted curve came from (written by dynaspin fit), current units; training warns when the network drives the device far outside it");
const Ic = z.number().refine((x) => x !== 0, "Ic must be non-zero").describe("threshold current, current units; its sign is the drive polarity (non-zero)");
const P0 = z.number().positive().optional().describe("power scale, power units (default 1: normalised power)");

/** An eq. 4 device: p(I) = P0·½(1 + tanh(a·I − b))·(I − Ic)/(I + Q·Ic). */
export const EQ4_SPEC_SCHEMA = z
  .strictObject({
    model: z.literal("eq4"),
    a: z.number().describe("eq. 4 slope a of the tanh tail, 1/current unit"),
    b: z.number().describe("eq. 4 offset b of the tanh tail, dimensionless"),
    Ic,
    Q: z.number().positive().describe("nonlinear damping Q (> 0, so the pole at I = -Q·Ic is outside the driven range)"),
    P0,
    ...units,
    measuredCurrent,
  })
  .describe("eq. 4 of the paper: p(I) = P0·½(1 + tanh(a·I − b))·(I − Ic)/(I + Q·Ic)");

/** An eq. 3 device (Slavin–Tiberkevich 2009): p(I) = P0·(I − Ic)/(I + Q·Ic) above threshold, 0 below. */
export const EQ3_SPEC_SCHEMA = z
  .strictObject({
    model: z.literal("eq3"),
    Ic,
    Q: z.number().gt(-1).describe("nonlinear damping Q (> -1, so the pole lies outside the oscillating range)"),
    P0,
    ...units,
    measuredCurrent,
  })
  .describe("eq. 3 of the paper (Slavin–Tiberkevich): p(I) = P0·(I − Ic)/(I + Q·Ic) above threshold, 0 below");

/** A measured or simulated table, interpolated by monotone cubic (PCHIP) pieces. */
export const TABLE_SPEC_SCHEMA = z
  .strictObject({
    model: z.literal("table"),
    current: z.array(z.number()).min(2).optional().describe("currents, current units, strictly increasing once sorted (no repeats); same length as power"),
    power: z.array(z.number()).min(2).optional().describe("power at each current, power units; must vary"),
    csv: z.string().min(1).optional().describe("path of a current,power CSV file, relative to the device file (instead of current/power; units from its header, e.g. current_mA,power_nW)"),
    extrapolation: z.enum(EXTRAPOLATIONS as readonly Extrapolation[] as [Extrapolation, ...Extrapolation[]]).optional().describe("beyond the table: clamp (hold the end values) or linear (default clamp)"),
    polarity: z.union([z.literal(1), z.literal(-1)]).optional().describe("sign of the current that excites the device (default: the sign of the current at which the power is largest)"),
    ...units,
  })
  .describe("a table of points (inline current/power arrays, or a csv file)");

/** One device: the three models, told apart by `model`. */
export const DEVICE_SPEC_SCHEMA = z.discriminatedUnion("model", [EQ4_SPEC_SCHEMA, EQ3_SPEC_SCHEMA, TABLE_SPEC_SCHEMA]);

/** The wrapped file: `format`, `version`, and exactly one of `device` or `devices`; other fields (e.g. a fit report) are kept and ignored. */
export const WRAPPED_DEVICE_FILE_SCHEMA = z
  .looseObject({
    format: z.literal(DEVICE_FORMAT),
    version: z.literal(DEVICE_FORMAT_VERSION),
    device: DEVICE_SPEC_SCHEMA.optional().describe("one device shared by every oscillator"),
    devices: z.array(DEVICE_SPEC_SCHEMA).min(1).optional().describe("one device per oscillator (as many as the network has)"),
  })
  .refine((o) => (o.device === undefined) !== (o.devices === undefined), "give exactly one of device or devices");

/**
 * A device file (`--device FILE`, written by `dynaspin fit` and `dynaspin llg`): either a bare
 * device spec, or the wrapped form `{"format": "dynaspin.device", "version": 1, "device": …}` /
 * `{…, "devices": [one per oscillator]}`.
 */
export const DEVICE_FILE_SCHEMA = z.union([DEVICE_SPEC_SCHEMA, WRAPPED_DEVICE_FILE_SCHEMA]);
