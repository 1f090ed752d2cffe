/**
 * `dynaspin fit`: fits eq. 4 or eq. 3 to a measured (current, power) curve (the paper's Fig. 2b/2c),
 * prints the parameters with standard errors, the RMS residual and R², and writes a device JSON
 * that `--device` accepts plus an SVG+PNG figure of the data, the eq. 4 fit and eq. 3 with the same
 * Ic and Q. Every input is validated and the fit done before any file is written.
 */
import type { Command } from "../command.js";
import type { Flags } from "../args.js";
import { fitCurve, fitFailure, nonMonotone, FIT_MODELS, FIT_PARAMETERS, type FitModel, type FitParameter, type FitResult } from "../../device/fit.js";
import { figure2 } from "../../plot/figures.js";
import { lineChart } from "../../plot/line.js";
import { svgToPng } from "../../node/png.js";
import { readCurveCsv, deviceFileJson, logarithmicPowerUnit } from "../../node/device-file.js";
import { checkOutputFile, writeFileAtomic } from "../../node/files.js";
import { InputError } from "../../util/errors.js";
import { basename } from "node:path";

/** Parses repeated `NAME=VALUE` flags into a parameter map. */
function parseAssignments(values: Array<string | number>, flag: string, model: FitModel): Partial<Record<FitParameter, number>> {
  const allowed = FIT_PARAMETERS[model];
  const out: Partial<Record<FitParameter, number>> = {};
  for (const raw of values) {
    const m = /^\s*([A-Za-z]+)\s*=\s*(\S+)\s*$/.exec(String(raw));
    const name = m?.[1] as FitParameter | undefined;
    if (!m || !name || !(allowed as readonly string[]).includes(name)) {
      throw new InputError(`--${flag} must be NAME=VALUE with NAME one of ${allowed.join(", ")} for ${model} (got ${JSON.stringify(String(raw))})`);
    }
    const v = Number(m[2]);
    if (!Number.isFinite(v)) throw new InputError(`--${flag} ${name} must be a finite number (got ${JSON.stringify(m[2])})`);
    if (name in out) throw new InputError(`--${flag} gives ${name} twice`);
    out[name] = v;
  }
  return out;
}

function bound(s: string, side: "lo" | "hi"): number {
  const t = s.trim().toLowerCase();
  if (t === "") return side === "lo" ? -Infinity : Infinity;
  if (t === "inf" || t === "+inf") return Infinity;
  if (t === "-inf") return -Infinity;
  return t === "" ? NaN : Number(t);
}

/** Parses repeated `NAME=LO:HI` flags (either side may be empty for an open end). */
function parseBounds(values: Array<string | number>, model: FitModel): Partial<Record<FitParameter, readonly [number, number]>> {
  const allowed = FIT_PARAMETERS[model];
  const out: Partial<Record<FitParameter, readonly [number, number]>> = {};
  for (const raw of values) {
    const m = /^\s*([A-Za-z]+)\s*=\s*([^:]*):([^:]*)$/.exec(String(raw));
    const name = m?.[1] as FitParameter | undefined;
    if (!m || !name || !(allowed as readonly string[]).includes(name)) {
      throw new InputError(`--bounds must be NAME=LO:HI with NAME one of ${allowed.join(", ")} for ${model} (got ${JSON.stringify(String(raw))})`);
    }
    const lo = bound(m[2], "lo"), hi = bound(m[3], "hi");
    if (Number.isNaN(lo) || Number.isNaN(hi)) {
      throw new InputError(`--bounds ${name}: LO and HI must be numbers, inf or empty (got ${JSON.stringify(String(raw))})`);
    }
    if (!(lo <= hi)) {
      throw new InputError(`--bounds ${name}: LO must be <= HI (got ${JSON.stringify(String(raw).trim())}; e.g. --bounds ${name}=${m[3].trim() || "0"}:${m[2].trim() || "1"})`);
    }
    if (name in out) throw new InputError(`--bounds gives ${name} twice`);
    out[name] = [lo, hi];
  }
  return out;
}

function fmt(x: number): string {
  if (!Number.isFinite(x)) return "n/a";
  return Math.abs(x) >= 1e4 || (x !== 0 && Math.abs(x) < 1e-3) ? x.toExponential(4) : x.toPrecision(5);
}

/** Figure path stem: `--figure` without a .svg/.png extension, or `<out>-fit` next to the device file. */
function figureStem(flags: Flags): string | undefined {
  if (flags.boolean("no-figure")) return undefined;
  const f = flags.string("figure");
  if (f !== undefined) return f.replace(/\.(svg|png)$/i, "");
  const out = flags.string("out");
  return out === undefined ? undefined : out.replace(/\.json$/i, "") + "-fit";
}

/**
 * The Fig. 2b-style figure: data, the eq. 4 fit and eq. 3 with the same Ic and Q (eq4 fits), or
 * data and the eq. 3 fit (eq3 fits). Powers are shown divided by P0 when P0 ≠ 1, so both
 * formulas are drawn as the paper writes them.
 */
export function fitFigureSvg(fit: FitResult, current: Float64Array, power: Float64Array, units: { currentUnit: string; powerUnit: string }, title: string): string {
  const P0 = fit.params.P0;
  const p = P0 === 1 ? power : power.map((v) => v / P0);
  const powerUnit = P0 === 1 ? units.powerUnit : `÷ P0 = ${Number(P0.toPrecision(4))}${units.powerUnit ? ` ${units.powerUnit}` : ""}`;
  if (fit.model === "eq4") {
    const { a, b, Ic, Q } = fit.params;
    return figure2({ current, power: p, eq4: { a, b, Ic, Q }, currentUnit: units.currentUnit, powerUnit, title });
  }
  let lo = Infinity, hi = -Infinity;
  for (const v of current) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const x = Float64Array.from({ length: 400 }, (_, i) => lo + ((hi - lo) * i) / 399);
  const y = x.map((v) => fit.curve.power(v) / P0);
  return lineChart({
    title,
    series: [
      { label: "device data", x: current, y: p, style: current.length > 150 ? "line" : "points", color: "#000000", marker: "circle", markerSize: 2.6, lineWidth: 1.2 },
      { label: `eq. 3 fit (Ic = ${Number(fit.params.Ic.toPrecision(3))}, Q = ${Number(fit.params.Q.toPrecision(3))})`, x, y, dash: "7 4", lineWidth: 2 },
    ],
    x: { label: "Current I", unit: units.currentUnit },
    y: { label: "Power p", unit: powerUnit },
    width: 480,
    height: 340,
  });
}

/** The `fit` command. */
export const fitCommand: Command = {
  name: "fit",
  summary: "fit eq. 4 or eq. 3 to a measured power-vs-current curve; write a device file and a Fig. 2b-style figure",
  usage: "dynaspin fit --data curve.csv [--model eq4|eq3] [--out device.json] [--fix Q=0.1] [--bounds a=0:10] [--figure PATH]",
  flags: [
    { name: "data", type: "string", value: "FILE", help: "CSV with columns current (or I) and power (or P), found by header name with an optional unit such as current_mA or P_nW; rows with status other than ok are skipped)" },
    { name: "model", type: "string", value: "MODEL", choices: FIT_MODELS, help: "model to fit: eq4 (tanh tail) or eq3 (Slavin–Tiberkevich)", default: "eq4" },
    { name: "out", type: "string", value: "FILE", short: "o", help: "write the fitted device JSON here (readable by --device)" },
    { name: "fix", type: "string", value: "NAME=VALUE", repeatable: true, help: "hold a parameter fixed, e.g. --fix Q=0.1 (repeatable)" },
    { name: "bounds", type: "string", value: "NAME=LO:HI", repeatable: true, help: "box bounds, e.g. --bounds a=0:10, --bounds Q=:1 (repeatable; empty side = open)" },
    { name: "initial", type: "string", value: "NAME=VALUE", repeatable: true, help: "starting value instead of the automatic guess (repeatable)" },
    { name: "scale", type: "string", value: "MODE", choices: ["auto", "fixed", "free"], help: "power scale P0: fixed at 1 (normalised power), free, or auto = free when the power column has a unit (header power_nW or --power-unit) or exceeds 1", default: "auto" },
    { name: "max-iterations", type: "integer", value: "N", min: 1, max: 100000, help: "Levenberg–Marquardt iteration limit per start (default 300)" },
    { name: "figure", type: "string", value: "PATH", help: "write the Fig. 2b-style figure as PATH.svg and PATH.png (default: <out>-fit.svg/.png when --out is given)" },
    { name: "no-figure", type: "boolean", help: "do not write the figure" },
    { name: "current-unit", type: "string", value: "UNIT", help: "current unit written into the device file (default: from the CSV header, e.g. current_mA)" },
    { name: "power-unit", type: "string", value: "UNIT", help: "power unit written into the device file (default: from the CSV header, e.g. power_nW); a linear unit: dBm and other dB units are refused (convert the column first)" },
  ],
  async run(flags, io) {
    const data = flags.string("data");
    if (data === undefined) throw new InputError("fit: --data FILE is required (a CSV with columns current,power)");
    const model = flags.stringOrDefault("model") as FitModel;
    const fixed = parseAssignments(flags.list("fix"), "fix", model);
    const initial = parseAssignments(flags.list("initial"), "initial", model);
    const bounds = parseBounds(flags.list("bounds"), model);
    for (const name of Object.keys(bounds)) {
      if (name in fixed) throw new InputError(`--bounds ${name} conflicts with --fix ${name} (a fixed parameter has no bounds)`);
    }
    // Every output location is checked before the data are read and the fit is done.
    const outPath = flags.string("out");
    if (outPath !== undefined) checkOutputFile(outPath, `--out ${outPath}`);
    const stem0 = figureStem(flags);
    if (stem0 !== undefined) for (const ext of [".svg", ".png"]) checkOutputFile(stem0 + ext, `${flags.has("figure") ? "--figure" : "figure"} ${stem0}${ext}`);
    // A unit flag labels a column the file may not name (a header-less file): a logarithmic one is
    // refused as a header's is, before the data are read.
    const powerUnitFlag = flags.string("power-unit");
    const logUnit = powerUnitFlag === undefined ? null : logarithmicPowerUnit(powerUnitFlag);
    if (logUnit !== null && powerUnitFlag !== undefined) throw new InputError(`--power-unit ${powerUnitFlag}: the power column of ${data} is in ${powerUnitFlag.trim()}, ${logUnit}, and give its linear unit, e.g. --power-unit nW`);
    const curve = readCurveCsv(data);
    if (curve.current.length === 0 && curve.skipped > 0) {
      throw new InputError(`${data}: no rows with status ok (${curve.skipped} skipped); nothing to fit`);
    }
    const units = {
      currentUnit: flags.string("current-unit") ?? curve.currentUnit,
      powerUnit: flags.string("power-unit") ?? curve.powerUnit,
    };
    const maxIterations = flags.number("max-iterations");
    const fit = fitCurve(model, curve.current, curve.power, {
      fixed,
      bounds,
      initial,
      units,
      scale: flags.stringOrDefault("scale") as "auto" | "fixed" | "free",
      where: `${data}: `,
      ...(maxIterations === undefined ? {} : { maxIterations }),
      // A fit that does not converge is a failed computation like the rest below (exit 1, .failed.json), not bad input.
      requireConvergence: false,
    });
    // A fit that converged to something the data do not support is a failed computation (exit 1):
    // like `train`'s model.failed.json, its device file is kept only under a .failed name.
    const failure = fitFailure(fit);
    // What to try: a curve that rises and falls is no eq. 4 or eq. 3 curve at all, but a table
    // device follows the measurement itself; otherwise other settings of the fit.
    const shape = failure === null ? null : nonMonotone(curve.current, curve.power);
    const hint = failure === null ? null : shape !== null
      ? `the measured power rises and falls (its binned means peak near I = ${fmt(shape.peakCurrent)}${units.currentUnit ? ` ${units.currentUnit}` : ""} and fall by ${Math.round(shape.fall * 100)} % of their range on both sides), which no eq4 or eq3 curve follows: ` +
        `to train on the measured curve itself, use it as a table device, --device with a file holding {"model": "table", "csv": ${JSON.stringify(basename(data))}} next to ${basename(data)} (docs/devices.md, "Device files")`
      : `check the current and power columns and units, or try ${fit.converged ? "" : `--max-iterations (now ${maxIterations ?? 300}), `}--model ${model === "eq4" ? "eq3" : "eq4"}, --initial, --fix or --bounds`;
    const failedName = (p: string, ext: string) => p.replace(new RegExp(`\\${ext}$`, "i"), "") + `.failed${ext}`;
    const outRequested = flags.string("out");
    const out = outRequested === undefined || failure === null ? outRequested : failedName(outRequested, ".json");
    const stem0f = figureStem(flags);
    const stem = stem0f === undefined || failure === null ? stem0f : `${stem0f}.failed`;
    // Everything is computed before anything is written: no partial outputs on error.
    const deviceJson = out === undefined ? undefined : deviceFileJson(fit.curve, {
      fit: {
        data,
        model,
        n: fit.n,
        rms: fit.rms,
        r2: fit.r2,
        standardErrors: Object.fromEntries(Object.entries(fit.standardErrors).map(([k, v]) => [k, Number.isFinite(v) ? v : null])),
        fixed: fit.fixed,
      },
    });
    let figure: { svg: string; png: Uint8Array } | undefined;
    if (stem !== undefined) {
      const svg = fitFigureSvg(fit, curve.current, curve.power, units, `${model} fit to ${basename(data)}`);
      figure = { svg, png: svgToPng(svg) };
    }
    if (out !== undefined && deviceJson !== undefined) writeFileAtomic(out, deviceJson);
    const figurePaths = stem === undefined ? undefined : { svg: `${stem}.svg`, png: `${stem}.png` };
    if (figurePaths && figure) {
      writeFileAtomic(figurePaths.svg, figure.svg);
      writeFileAtomic(figurePaths.png, figure.png);
    }
    if (flags.boolean("json")) {
      const nullable = (r: Record<string, number>) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Number.isFinite(v) ? v : null]));
      io.stdout(
        JSON.stringify({
          command: "fit",
          data,
          model,
          n: fit.n,
          skipped: curve.skipped,
          params: fit.params,
          standardErrors: nullable(fit.standardErrors),
          fixed: fit.fixed,
          atBound: fit.atBound,
          rms: fit.rms,
          r2: fit.r2,
          iterations: fit.iterations,
          converged: fit.converged,
          currentUnit: units.currentUnit,
          powerUnit: units.powerUnit,
          out: out ?? null,
          figure: figurePaths ?? null,
          status: failure === null ? "ok" : "failed",
          failure,
          hint,
        }) + "\n",
      );
    } else {
    const lines: string[] = [];
    lines.push(`fit ${model} to ${data}: ${fit.n} points${curve.skipped ? ` (${curve.skipped} rows skipped: status not ok)` : ""}`);
    const unitOf = (k: FitParameter) =>
      k === "Ic" ? units.currentUnit : k === "P0" ? units.powerUnit : k === "a" ? (units.currentUnit ? `1/${units.currentUnit}` : "") : "";
    for (const k of FIT_PARAMETERS[model]) {
      const se = fit.fixed.includes(k) ? "(fixed)" : `± ${fmt(fit.standardErrors[k])}${fit.atBound.includes(k) ? " (at a bound: not determined by the data)" : ""}`;
      lines.push(`  ${k.padEnd(3)} = ${fmt(fit.params[k]).padStart(11)} ${se}${unitOf(k) ? `  ${unitOf(k)}` : ""}`);
    }
    if (flags.stringOrDefault("scale") === "auto" && fit.fixed.includes("P0") && !("P0" in fixed)) {
      lines.push(`  (P0 held at 1: the power column has no unit, stays within 0..1 and a free P0 fits within 3 standard errors of 1, so it is read as normalised; --scale free fits P0)`);
    }
    lines.push(`RMS residual ${fmt(fit.rms)}${units.powerUnit ? ` ${units.powerUnit}` : ""}, R² ${fit.r2.toFixed(5)}, ${fit.iterations} iterations`);
    if (out !== undefined) lines.push(`wrote ${out}`);
    if (figurePaths) lines.push(`wrote ${figurePaths.svg}, ${figurePaths.png}`);
    io.stdout(lines.join("\n") + "\n");
    }
    if (failure !== null) {
      const kept = [out, figurePaths?.svg].filter((x) => x !== undefined);
      io.stderr(
        `dynaspin: fit failed: ${data}: ${failure}; ${hint}` +
          `${kept.length ? `; kept for inspection: ${kept.join(", ")}` : ""}\n`,
      );
      return 1;
    }
    return 0;
  },
};
