/**
 * Loading devices from the command line: `--device NAME|FILE`.
 *
 * `NAME` is a preset (`paper-test`, `hamadeh2012`, `zeng2013`). `FILE` is a JSON file in one of
 * these shapes (documented in the README, section "Devices"):
 *
 * 1. a bare spec: `{"model": "eq4", "a": 4, "b": 5, "Ic": 1, "Q": 2, "currentUnit": "", "powerUnit": ""}`
 * 2. a wrapped spec: `{"format": "dynaspin.device", "version": 1, "device": {...}}`
 * 3. a device array, one per oscillator: `{"format": "dynaspin.device", "version": 1, "devices": [{...}, ...]}`
 * 4. a table: `{"model": "table", "current": [...], "power": [...], "extrapolation": "clamp" | "linear",
 *    "currentUnit": "mA", "powerUnit": "nW"}`
 * 5. a table read from a CSV file: `{"model": "table", "csv": "curve.csv"}` — path relative to the
 *    JSON file; columns found by header name (`current`, `power`); rows whose `status` column is not
 *    `ok` are skipped (the format `dynaspin llg` writes).
 *
 * Every error is one line naming the file and the field path, e.g.
 * `dev.json: devices[2].Q must be > 0 for eq4 (got -1): ...`.
 */
import { dirname, resolve } from "node:path";
import type { DeviceCurve } from "../device/curve.js";
import { curveFromSpec, DEVICE_SPEC_FIELDS } from "../device/spec.js";
import { isPresetName, presetCurve, PRESET_NAMES } from "../device/presets.js";
import { readJsonFile, readTextFile } from "./files.js";
import { InputError } from "../util/errors.js";
import { nearestName } from "../util/nearest.js";
import { show } from "../util/check.js";
import { z } from "zod";
import { checkSchema } from "../io/schema.js";

export { DEVICE_FORMAT, DEVICE_FORMAT_VERSION, deviceFileJson } from "../device/spec.js";
import { DEVICE_FORMAT, DEVICE_FORMAT_VERSION } from "../device/spec.js";

/** (current, power) columns read from a CSV file. */
export interface CurveData {
  /** Currents, in file order (rows kept). */
  current: Float64Array;
  /** Powers, in file order. */
  power: Float64Array;
  /** Number of rows skipped because their `status` column was not `ok`. */
  skipped: number;
  /** Unit named in the current column's header (`current_mA`, `current (mA)`), else "". */
  currentUnit: string;
  /** Unit named in the power column's header, else "". */
  powerUnit: string;
}

// "current_mA" -> "mA", "power (nW)" -> "nW", "current [µA]" -> "µA", "current" -> "".
/** Header names (case-insensitive) of a curve file's current column, in order of preference. */
const CURRENT_NAMES = ["current", "i"] as const;
/** Header names (case-insensitive) of a curve file's power column, in order of preference. */
const POWER_NAMES = ["power", "p"] as const;

function headerUnit(cell: string, key: string): string {
  const rest = cell.slice(key.length).trim();
  const m = /^(?:_|\(|\[)?\s*([^)\]]*?)\s*[)\]]?$/.exec(rest);
  return m ? m[1] : "";
}

/**
 * Why a power unit cannot label a device curve, or null when it can: spectrum analysers report power
 * in dBm (dBW, dBµW, …), a logarithmic unit, but the curves (eq. 3, eq. 4, a table) are linear in
 * power. The text continues "… is in dBm, " and names the conversion.
 * @example logarithmicPowerUnit("dBm") // → "a logarithmic unit, but the device curves are linear in power: convert it (P_nW = 1e6 × 10^(P_dBm/10))"
 */
export function logarithmicPowerUnit(unit: string): string | null {
  if (!/^db/i.test(unit.trim())) return null;
  const u = unit.trim().toLowerCase();
  const convert = u === "dbm" ? "P_nW = 1e6 × 10^(P_dBm/10)" : u === "dbw" ? "P_nW = 1e9 × 10^(P_dBW/10)" : `P = 10^(P_${unit.trim()}/10) × its reference power`;
  return `a logarithmic unit, but the device curves are linear in power: convert it (${convert})`;
}

/**
 * Reads a (current, power) curve from a CSV file.
 *
 * With a header row, the columns are found by name (`current` or `I`, `power` or `P`, optional
 * `status`; case-insensitive, a unit suffix such as `current_mA` or `power (nW)` is allowed). Without a header
 * (first row numeric) the first two columns are current and power. Blank lines and lines starting
 * with `#` are ignored. Rows whose `status` is not `ok` are skipped.
 * @throws InputError naming the file and line for a missing column or a non-finite value.
 */
export function readCurveCsv(path: string): CurveData {
  const text = readTextFile(path, "CSV file");
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  let iCur = 0, iPow = 1, iStatus = -1;
  let headerSeen = false;
  let headerCells = 0;
  let currentUnit = "", powerUnit = "";
  const cur: number[] = [], pow: number[] = [];
  let skipped = 0;
  for (let ln = 0; ln < lines.length; ln++) {
    const line = lines[ln].trim();
    if (line === "" || line.startsWith("#")) continue;
    if (line.includes(";") && line.includes(",")) {
      const m = /-?\d+,\d+/.exec(line);
      throw new InputError(
        `${path}: line ${ln + 1}: fields separated by ';' with decimal commas${m ? ` (${JSON.stringify(m[0])})` : ""}; dynaspin reads '.' as the decimal point: export the curve with decimal points and ',' between fields`,
      );
    }
    const cells = line.split(/[,;\t]/).map((c) => c.trim().replace(/^"(.*)"$/, "$1"));
    if (headerCells > 0 && cells.length !== headerCells) {
      throw new InputError(
        `${path}: line ${ln + 1} has ${cells.length} fields, the header has ${headerCells}${/\d,\d/.test(line) ? " (decimal commas? dynaspin reads '.' as the decimal point)" : ""}`,
      );
    }
    if (!headerSeen) {
      headerSeen = true;
      if (cells.some((c) => c !== "" && !Number.isFinite(Number(c)) && c.toLowerCase() !== "nan")) {
        const names = cells.map((c) => c.toLowerCase());
        // A column is found by its name or its symbol, with an optional unit suffix: current_mA,
        // "power (nW)", I_mA, P[nW]. Returns [column, the name it matched].
        const find = (keys: readonly string[]): [number, string] => {
          for (const key of keys) {
            const i = names.findIndex((c) => c === key || c.startsWith(key + "_") || c.startsWith(key + " ") || c.startsWith(key + "(") || c.startsWith(key + "["));
            if (i >= 0) return [i, key];
          }
          return [-1, ""];
        };
        const [ic, curKey] = find(CURRENT_NAMES);
        const [ip, powKey] = find(POWER_NAMES);
        iCur = ic;
        iPow = ip;
        iStatus = find(["status"])[0];
        if (iCur < 0 || iPow < 0) {
          throw new InputError(
            `${path}: line ${ln + 1}: header must name a current column (${CURRENT_NAMES.join(", ")}) and a power column (${POWER_NAMES.join(", ")}), each optionally with a unit such as current_mA or P_nW (got ${cells.map((c) => JSON.stringify(c)).join(", ")})`,
          );
        }
        headerCells = cells.length;
        currentUnit = headerUnit(cells[iCur], curKey);
        powerUnit = headerUnit(cells[iPow], powKey);
        const logUnit = logarithmicPowerUnit(powerUnit);
        if (logUnit !== null) {
          throw new InputError(`${path}: line ${ln + 1}: the power column ${JSON.stringify(cells[iPow])} is in ${powerUnit}, ${logUnit}, and name the column with its linear unit, e.g. power_nW`);
        }
        continue;
      }
    }
    if (iStatus >= 0 && (cells[iStatus] ?? "").toLowerCase() !== "ok") {
      skipped++;
      continue;
    }
    const need = Math.max(iCur, iPow);
    if (cells.length <= need) {
      throw new InputError(`${path}: line ${ln + 1}: expected at least ${need + 1} columns (got ${cells.length})`);
    }
    const I = cells[iCur].trim() === "" ? NaN : Number(cells[iCur]);
    const P = cells[iPow].trim() === "" ? NaN : Number(cells[iPow]);
    if (!Number.isFinite(I)) throw new InputError(`${path}: line ${ln + 1}: current must be a finite number (got ${show(cells[iCur])})`);
    if (!Number.isFinite(P)) throw new InputError(`${path}: line ${ln + 1}: power must be a finite number (got ${show(cells[iPow])})`);
    cur.push(I);
    pow.push(P);
  }
  return { current: Float64Array.from(cur), power: Float64Array.from(pow), skipped, currentUnit, powerUnit };
}

// Resolves a table that references a CSV file into an inline table spec.
function resolveSpec(spec: unknown, baseDir: string, where: string): unknown {
  if (typeof spec !== "object" || spec === null || Array.isArray(spec)) return spec;
  const s = spec as Record<string, unknown>;
  if (s.model !== "table" || s.csv === undefined) return spec;
  if (typeof s.csv !== "string" || s.csv === "") {
    throw new InputError(`${where}csv must be a path to a CSV file (got ${show(s.csv)})`);
  }
  if (s.current !== undefined || s.power !== undefined) {
    throw new InputError(`${where}csv cannot be combined with current/power arrays (give one or the other)`);
  }
  const data = readCurveCsv(resolve(baseDir, s.csv));
  const { csv: _csv, ...rest } = s;
  const units: Record<string, string> = {};
  if (data.currentUnit) units.currentUnit = data.currentUnit;
  if (data.powerUnit) units.powerUnit = data.powerUnit;
  return { ...units, ...rest, current: Array.from(data.current), power: Array.from(data.power) };
}

/** Fields each device model accepts; any other key is refused by name (catches typos like "P_0"). */
const SPEC_FIELDS = DEVICE_SPEC_FIELDS;
const SPEC_SCHEMAS = Object.fromEntries(
  Object.entries(SPEC_FIELDS).map(([model, keys]) => [model, z.strictObject(Object.fromEntries(keys.map((k) => [k, z.unknown().optional()])))]),
);

function deviceAt(spec: unknown, baseDir: string, where: string): DeviceCurve {
  const model = typeof spec === "object" && spec !== null ? (spec as Record<string, unknown>).model : undefined;
  if (typeof model === "string" && SPEC_SCHEMAS[model] !== undefined && !Array.isArray(spec)) {
    checkSchema(SPEC_SCHEMAS[model], spec, where.replace(/[.:]?\s*$/, ""), { allowed: { "": SPEC_FIELDS[model] } });
  }
  return curveFromSpec(resolveSpec(spec, baseDir, where), where);
}

/**
 * Parses the contents of a device file (already read as JSON).
 * @param json the parsed JSON.
 * @param file the file's path (for messages and for resolving `csv` paths).
 * @param k number of oscillators; when given, a device array must have exactly k entries.
 * @returns one curve for a single-device file, an array (one per oscillator) for a `devices` file.
 */
export function parseDeviceJson(json: unknown, file: string, k?: number): DeviceCurve[] | DeviceCurve {
  const baseDir = dirname(resolve(file));
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new InputError(`${file}: a device file must hold a JSON object (got ${show(json)})`);
  }
  const o = json as Record<string, unknown>;
  if (o.format === undefined) {
    if (o.model === undefined) {
      throw new InputError(`${file}: model is missing; expected a device spec {"model": ...} or {"format": "${DEVICE_FORMAT}", ...}`);
    }
    return deviceAt(o, baseDir, `${file}: `);
  }
  if (o.format !== DEVICE_FORMAT) {
    throw new InputError(`${file}: format must be "${DEVICE_FORMAT}" (got ${show(o.format)})`);
  }
  if (typeof o.version === "number" && Number.isInteger(o.version) && o.version > DEVICE_FORMAT_VERSION) {
    throw new InputError(`${file}: device file version ${o.version} is newer than this dynaspin supports (${DEVICE_FORMAT_VERSION}); upgrade dynaspin`);
  }
  if (o.version !== DEVICE_FORMAT_VERSION) {
    throw new InputError(`${file}: version must be ${DEVICE_FORMAT_VERSION} (got ${show(o.version)})`);
  }
  const hasOne = o.device !== undefined, hasMany = o.devices !== undefined;
  if (hasOne === hasMany) {
    throw new InputError(`${file}: give exactly one of device (one curve for all oscillators) or devices (one per oscillator)`);
  }
  if (hasOne) return deviceAt(o.device, baseDir, `${file}: device.`);
  if (!Array.isArray(o.devices) || o.devices.length === 0) {
    throw new InputError(`${file}: devices must be a non-empty array of device specs (got ${show(o.devices)})`);
  }
  if (k !== undefined && o.devices.length !== k) {
    throw new InputError(`${file}: devices must have one entry per oscillator, ${k} (got ${o.devices.length})`);
  }
  return o.devices.map((d, i) => deviceAt(d, baseDir, `${file}: devices[${i}].`));
}

/**
 * Resolves a `--device` argument: a preset name or a path to a device JSON file.
 * @param arg preset name (`paper-test`, `hamadeh2012`, `zeng2013`) or file path.
 * @param k number of oscillators; a device array in the file must have exactly k entries.
 * @returns one curve (shared by all oscillators) or one curve per oscillator.
 * @throws InputError naming the file and field path for every problem.
 * @example loadDeviceArg("hamadeh2012") // Eq3Curve { Ic: -6, Q: 0.1, currentUnit: "mA", ... }
 */
export function loadDeviceArg(arg: string, k?: number): DeviceCurve[] | DeviceCurve {
  if (isPresetName(arg)) return presetCurve(arg);
  if (!/[./\\]/.test(arg)) {
    const near = nearestName(arg, PRESET_NAMES);
    throw new InputError(`--device must be a preset (${PRESET_NAMES.join(", ")}) or a path to a device JSON file (got ${JSON.stringify(arg)}${near ? `; did you mean ${near}?` : ""})`);
  }
  return parseDeviceJson(readJsonFile(arg, "device file"), arg, k);
}

