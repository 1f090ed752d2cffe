/**
 * Does a trained network drive its devices where they were measured? A fitted curve is only known
 * over the currents of its measurement (`DeviceCurve.measuredCurrent`: the data range `dynaspin
 * fit` records, or a table's node span); beyond it, eq. 3/4 and a table's extrapolation are
 * assumptions. This module runs the network on a data set and compares the injected currents
 * I_i(t) = s_i·u_i(t)² (every sample, step and oscillator whose device has a measured range) with
 * that range, so the CLI can warn when the trained network relies on the extrapolation.
 */
import type { Model } from "./model.js";
import { createWorkspace, loadInputs, forward } from "./dynamics.js";

/**
 * A drive counts as outside when it lies beyond the measured range by more than this fraction of
 * the range's span (a clear margin: a drive just past the last measured point is not reported).
 */
export const DRIVE_RANGE_MARGIN = 0.1;
/** The warning is raised when more than this fraction of the drives lie outside (beyond the margin). */
export const DRIVE_RANGE_WARN_FRACTION = 0.01;

/** Drive statistics of the oscillators whose devices have a measured current range. */
export interface DriveRangeReport {
  /** Oscillators checked (their device has `measuredCurrent`); 0 means nothing to check. */
  oscillators: number;
  /** The measured range [lo, hi] when every checked oscillator shares it, else null (see `ranges`). */
  measured: [number, number] | null;
  /** Each checked oscillator's measured range (index = oscillator; null: not checked). */
  ranges: ([number, number] | null)[];
  /** Current unit of the first checked device ("" when unitless). */
  unit: string;
  /** Drives compared: samples × steps × checked oscillators. */
  drives: number;
  /** Smallest and largest drive current seen (current unit). */
  min: number;
  max: number;
  /** Mean |I| and root-mean-square I over the drives (current unit). */
  meanAbs: number;
  rms: number;
  /** Fraction of the drives beyond the measured range by more than {@link DRIVE_RANGE_MARGIN} of its span. */
  outside: number;
  /** The oscillator with the largest fraction outside, and that fraction. */
  worst: { oscillator: number; outside: number } | null;
  /** True when `outside` exceeds {@link DRIVE_RANGE_WARN_FRACTION}. */
  warn: boolean;
  /**
   * What the checked devices are beyond their range: `"fit"` (eq. 3/eq. 4 curves fitted to a
   * measurement: the formula's extrapolation), `"table"` (measured tables: their `extrapolation`
   * rule, e.g. "linear" or "clamp") or `"mixed"`; null when nothing was checked.
   */
  beyond: "fit" | "table" | "mixed" | null;
  /** The tables' extrapolation rule when every checked device is a table with the same one, else null. */
  tableExtrapolation: string | null;
}

/**
 * Runs `model` on `n` raw samples (row-major, the model's input features; normalised with the
 * model's normalisation) and measures its drive currents against the devices' measured ranges.
 * Allocates one workspace of at most 256 samples; nothing is kept per sample.
 */
export function driveRange(model: Model, x: Float64Array, n: number): DriveRangeReport {
  const { k, steps, classes, devices } = model;
  const ranges: ([number, number] | null)[] = devices.map((d) => (d.measuredCurrent ? [d.measuredCurrent[0], d.measuredCurrent[1]] : null));
  const checked = ranges.reduce((s, r) => s + (r === null ? 0 : 1), 0);
  const first = ranges.find((r) => r !== null) ?? null;
  const same = first !== null && ranges.every((r) => r === null || (r[0] === first[0] && r[1] === first[1]));
  const unit = devices.find((d) => d.measuredCurrent)?.currentUnit ?? "";
  const checkedDevices = devices.filter((d) => d.measuredCurrent);
  const tables = checkedDevices.filter((d) => d.model === "table");
  const beyond = checked === 0 ? null : tables.length === checkedDevices.length ? "table" : tables.length === 0 ? "fit" : "mixed";
  const rules = new Set(tables.map((d) => String((d as { extrapolation?: unknown }).extrapolation ?? "")));
  const tableExtrapolation = beyond === "table" && rules.size === 1 ? [...rules][0] || null : null;
  const report: DriveRangeReport = { oscillators: checked, measured: same ? first : null, ranges, unit, drives: 0, min: NaN, max: NaN, meanAbs: NaN, rms: NaN, outside: 0, worst: null, warn: false, beyond, tableExtrapolation };
  if (checked === 0 || n === 0) return report;
  const cap = Math.max(1, Math.min(n, 256));
  const ws = createWorkspace(k, steps, classes, cap);
  const outCount = new Float64Array(k);
  let min = Infinity, max = -Infinity, sumAbs = 0, sumSq = 0, drives = 0, outside = 0;
  for (let start = 0; start < n; start += cap) {
    const nb = Math.min(cap, n - start);
    loadInputs(model, ws, x, null, start, nb);
    forward(model, ws, nb, false);
    for (let t = 0; t < steps; t++) {
      const Ut = ws.U[t];
      for (let i = 0; i < k; i++) {
        const r = ranges[i];
        if (r === null) continue;
        const s = devices[i].polarity;
        const m = DRIVE_RANGE_MARGIN * (r[1] - r[0]);
        const lo = r[0] - m, hi = r[1] + m;
        let o = 0;
        for (let b = i * cap, end = i * cap + nb; b < end; b++) {
          const I = s * Ut[b] * Ut[b];
          if (I < min) min = I;
          if (I > max) max = I;
          sumAbs += Math.abs(I);
          sumSq += I * I;
          if (I < lo || I > hi) o++;
        }
        outCount[i] += o;
        outside += o;
        drives += nb;
      }
    }
  }
  report.drives = drives;
  report.min = min;
  report.max = max;
  report.meanAbs = sumAbs / drives;
  report.rms = Math.sqrt(sumSq / drives);
  report.outside = outside / drives;
  let worst = -1;
  for (let i = 0; i < k; i++) if (ranges[i] !== null && (worst < 0 || outCount[i] > outCount[worst])) worst = i;
  report.worst = worst < 0 ? null : { oscillator: worst, outside: outCount[worst] / (n * steps) };
  report.warn = report.outside > DRIVE_RANGE_WARN_FRACTION;
  return report;
}

/** What the curve is beyond the measured range, for the warning. */
function beyondText(r: DriveRangeReport): string {
  if (r.beyond === "table") return `the table's ${r.tableExtrapolation ? `${r.tableExtrapolation} ` : ""}extrapolation past its last measured points`;
  if (r.beyond === "mixed") return "the fits' and tables' extrapolation";
  return "the fit's extrapolation";
}

function num(v: number): string {
  return Number(v.toPrecision(3)).toString();
}

/**
 * One line saying that (and how far) the network drives its devices outside their measured
 * current range, or null when it does not (by the margin and fraction above).
 * @param where what the currents were measured on, e.g. "the 800 training rows".
 */
export function driveRangeWarning(r: DriveRangeReport, where: string): string | null {
  if (!r.warn) return null;
  const u = r.unit ? ` ${r.unit}` : "";
  const one = r.oscillators === 1;
  const range = r.measured ? `${one ? "its" : "their"} measured current range [${num(r.measured[0])}, ${num(r.measured[1])}]${u}` : `their measured current ranges`;
  return (
    `the trained network drives ${one ? "its device" : "its devices"} outside ${range} on ${where}: ` +
    `${(r.outside * 100).toFixed(1)} % of the drive currents lie beyond it by more than ${DRIVE_RANGE_MARGIN * 100} % of its span ` +
    `(observed I from ${num(r.min)} to ${num(r.max)}${u}, mean |I| ${num(r.meanAbs)}${u}, rms ${num(r.rms)}${u}), where the curve is ${beyondText(r)}, not the measured device; ` +
    `measure the device over the currents the network uses (docs/devices.md, "Measured current range")`
  );
}
