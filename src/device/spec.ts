/**
 * Turning device JSON into curves: the one place that knows every device model by name.
 * A spec is `{"model": "eq4", "a": 4, "b": 5, "Ic": 1, "Q": 2, "currentUnit": "mA", "powerUnit": "nW"}`,
 * `{"model": "eq3", "Ic": -6, "Q": 0.1}`, or a table
 * `{"model": "table", "current": [...], "power": [...], "extrapolation": "clamp" | "linear"}`.
 * (A table that references a CSV file is resolved by `src/node/device-file.ts` before it gets here.)
 */
import type { DeviceCurve, DeviceSpec } from "./curve.js";
import { eq3, eq4, type Units } from "./analytic.js";
import { tableCurve, type Extrapolation } from "./table.js";
import { InputError } from "../util/errors.js";
import { object, show } from "../util/check.js";

/** Device models {@link curveFromSpec} accepts. */
export const DEVICE_MODELS = ["eq4", "eq3", "table"] as const;

function units(s: Record<string, unknown>, where: string): Units {
  const u: Units = {};
  for (const key of ["currentUnit", "powerUnit"] as const) {
    const v = s[key];
    if (v === undefined) continue;
    if (typeof v !== "string") throw new InputError(`${where}${key} must be a string (got ${show(v)})`);
    u[key] = v;
  }
  const m = s.measuredCurrent;
  if (m !== undefined) {
    if (!Array.isArray(m) || m.length !== 2 || !m.every((x) => typeof x === "number" && Number.isFinite(x)) || !(m[0] < m[1])) {
      throw new InputError(`${where}measuredCurrent must be [lo, hi], two finite currents with lo < hi (got ${show(m)})`);
    }
    u.measuredCurrent = [m[0] as number, m[1] as number];
  }
  return u;
}

/** Fields each device model accepts (anything else is refused, so a misspelt field is not silently ignored). */
export const DEVICE_SPEC_FIELDS: Record<string, readonly string[]> = {
  eq4: ["model", "a", "b", "Ic", "Q", "P0", "currentUnit", "powerUnit", "measuredCurrent"],
  eq3: ["model", "Ic", "Q", "P0", "currentUnit", "powerUnit", "measuredCurrent"],
  table: ["model", "current", "power", "csv", "extrapolation", "polarity", "currentUnit", "powerUnit"],
};

/**
 * Builds a validated curve from its JSON description.
 * @param spec a device object (see {@link DeviceSpec}).
 * @param where prefix naming the source in error messages, e.g. `"model.json: device."`.
 * @throws InputError naming the field for an unknown model or an invalid parameter.
 */
export function curveFromSpec(spec: unknown, where = "device."): DeviceCurve {
  const s = object(spec, where.replace(/\.$/, "") || "device");
  const model = s.model;
  const allowed = typeof model === "string" ? DEVICE_SPEC_FIELDS[model] : undefined;
  if (allowed !== undefined) {
    for (const key of Object.keys(s)) {
      if (!allowed.includes(key)) throw new InputError(`${where}${key} is not a field of device model ${model} (allowed: ${allowed.join(", ")})`);
    }
  }
  switch (model) {
    case "eq4":
      return eq4(
        { a: s.a as number, b: s.b as number, Ic: s.Ic as number, Q: s.Q as number, ...(s.P0 === undefined ? {} : { P0: s.P0 as number }) },
        units(s, where),
        where,
      );
    case "eq3":
      return eq3({ Ic: s.Ic as number, Q: s.Q as number, ...(s.P0 === undefined ? {} : { P0: s.P0 as number }) }, units(s, where), where);
    case "table": {
      const current = numberArray(s.current, `${where}current`);
      const power = numberArray(s.power, `${where}power`);
      const polarity = s.polarity;
      if (polarity !== undefined && polarity !== 1 && polarity !== -1) {
        throw new InputError(`${where}polarity must be 1 or -1 (got ${show(polarity)})`);
      }
      return tableCurve(
        current,
        power,
        { ...units(s, where), extrapolation: (s.extrapolation ?? "clamp") as Extrapolation, ...(polarity === undefined ? {} : { polarity }) },
        where,
      );
    }
    default:
      throw new InputError(`${where}model must be one of ${DEVICE_MODELS.join(", ")} (got ${show(model)})`);
  }
}

function numberArray(v: unknown, name: string): number[] {
  if (!Array.isArray(v)) throw new InputError(`${name} must be an array of numbers (got ${show(v)})`);
  return v as number[];
}

/** The JSON description of a curve (inverse of {@link curveFromSpec}). */
export function specFromCurve(curve: DeviceCurve): DeviceSpec {
  return curve.toSpec();
}

export type { DeviceCurve, DeviceSpec };

/** The `format` tag of a wrapped device file: "dynaspin.device" (docs/formats.md). */
export const DEVICE_FORMAT = "dynaspin.device";
/** The device file version this code writes (1); files of this version and earlier are read. */
export const DEVICE_FORMAT_VERSION = 1;

/**
 * Serialises curves into the device file format: a wrapped `device` for one curve, `devices` for
 * an array. The result is what `loadDeviceArg` (src/node/device-file.ts) and `dynaspin train --device FILE` read back.
 */
export function deviceFileJson(curves: DeviceCurve | readonly DeviceCurve[], extra: Record<string, unknown> = {}): string {
  const body = Array.isArray(curves)
    ? { devices: (curves as readonly DeviceCurve[]).map((c) => c.toSpec()) }
    : { device: (curves as DeviceCurve).toSpec() };
  return JSON.stringify({ format: DEVICE_FORMAT, version: DEVICE_FORMAT_VERSION, ...extra, ...body }, null, 2) + "\n";
}
