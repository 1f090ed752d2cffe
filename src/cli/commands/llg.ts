/**
 * `dynaspin llg`: sweeps the current through a macrospin STNO (LLG + Slonczewski torque, SI units)
 * on worker threads and writes the p(I) curve as CSV
 * (`current,power,transverse_power,frequency_GHz,status`, current in the device's `currentUnit`)
 * that `dynaspin fit` and the tabulated device model read directly, plus an SVG+PNG figure of
 * p(I) and f(I). Everything is validated before the sweep; files are written only at the end.
 */
import type { Command, CommandIO } from "../command.js";
import { workersFlag } from "../command.js";
import type { Flags } from "../args.js";
import { InputError } from "../../util/errors.js";
import { checkOutputFile, readJsonFile, writeFileAtomic } from "../../node/files.js";
import { createProgress } from "../../node/progress.js";
import { setInterruptNote } from "../../node/interrupt.js";
import { defaultWorkers, sweepParallel } from "../../node/llg-worker.js";
import { writeFigure } from "../../node/png.js";
import { powerFrequencyFigure } from "../../plot/figures.js";
import { existsSync } from "node:fs";
import { PY_CU_PY, resolveDevice } from "../../physics/params.js";
import { parseCurrentRange } from "../flag-values.js";
import { resolveSweepOptions, tidyCurrent, type CurvePoint, type SweepOptions } from "../../physics/sweep.js";
import { isAxiallySymmetric } from "../../physics/params.js";
import { thresholdCurrent } from "../../physics/closedform.js";

/** Name accepted by `--params` for the built-in Py/Cu/Py-like preset. */
const PRESET_NAME = "py-cu-py";

/** CSV header written by `dynaspin llg` (the interface other commands read). */
export const LLG_CSV_HEADER = "current,power,transverse_power,frequency_GHz,status";

function num(x: number): string {
  return Number.isFinite(x) ? String(Number(x.toPrecision(12))) : "NaN";
}

/** Formats sweep points as the `dynaspin llg` CSV (header + one row per current). */
export function curveCsv(points: readonly CurvePoint[]): string {
  const rows = points.map((p) => [num(tidyCurrent(p.current)), num(p.power), num(p.transversePower), num(p.frequencyGHz), p.status].join(","));
  return [LLG_CSV_HEADER, ...rows].join("\n") + "\n";
}

function figureBase(out: string): string {
  return out.replace(/\.csv$/i, "");
}

async function run(flags: Flags, io: CommandIO): Promise<number> {
  const paramsPath = flags.string("params");
  if (!paramsPath) throw new InputError("llg: --params FILE is required (device parameters JSON, or py-cu-py; see docs/devices.md 'Device parameters JSON')");
  const range = flags.string("currents");
  if (!range) throw new InputError("llg: --currents FROM:TO:STEP is required (in the params file's currentUnit, default mA)");
  const out = flags.string("out");
  if (!out) throw new InputError("llg: --out FILE.csv is required");
  if (flags.positional.length > 0) throw new InputError(`llg: unexpected argument ${JSON.stringify(flags.positional[0])}`);
  checkOutputFile(out, `--out ${out}`);
  if (!flags.has("plot") || flags.boolean("plot")) for (const ext of [".svg", ".png"]) checkOutputFile(figureBase(out) + ext, `--out ${out} (figure ${figureBase(out)}${ext})`);

  for (const [name, unit] of [["duration", "ns"], ["dt", "ps"]] as const) {
    const v = flags.number(name);
    if (v !== undefined && !(v > 0)) throw new InputError(`--${name} must be > 0 ${unit} (got ${v})`);
  }
  const device =
    paramsPath === PRESET_NAME && !existsSync(paramsPath)
      ? resolveDevice(PY_CU_PY, `${PRESET_NAME}: `)
      : resolveDevice(readJsonFile(paramsPath, "device parameters JSON"), `${paramsPath}: `);
  const currents = parseCurrentRange(range);
  const options: SweepOptions = {
    temperature: flags.number("temperature"),
    duration: flags.has("duration") ? (flags.number("duration") as number) * 1e-9 : undefined,
    transient: flags.has("transient") ? (flags.number("transient") as number) * 1e-9 : undefined,
    dt: flags.has("dt") ? (flags.number("dt") as number) * 1e-12 : undefined,
    integrator: flags.string("integrator") as SweepOptions["integrator"],
    seed: flags.number("seed"),
  };
  const resolved = resolveSweepOptions(device, options);
  const workers = flags.number("workers") ?? defaultWorkers();
  const json = flags.boolean("json");
  const plot = !flags.has("plot") || flags.boolean("plot");
  for (const w of resolved.warnings) io.stderr(`dynaspin llg: warning: ${w}\n`);

  const label = `llg ${device.name || paramsPath}`;
  const progress = flags.boolean("quiet") || json ? { update: () => undefined, stop: () => undefined } : createProgress(label, currents.length, io.isTTY, io.stderr);
  const counts = { ok: 0, "not-settled": 0, switched: 0, diverged: 0 };
  let finished = 0;
  setInterruptNote(() => `during the sweep (${finished} of ${currents.length} currents finished); nothing was written (${out} is written when the sweep ends); rerun the command, with a shorter --currents range to split the work`);
  let points: CurvePoint[];
  try {
    points = await sweepParallel(
      device,
      currents,
      options,
      workers,
      (_i, p, done) => {
        finished = done;
        counts[p.status]++;
        progress.update(done, `currents, ${counts.ok} ok`);
      },
      (done) => progress.update(done, `currents, ${counts.ok} ok`),
    );
  } finally {
    progress.stop();
    setInterruptNote(null);
  }

  const csv = curveCsv(points);
  const base = figureBase(out);
  const svg = plot
    ? powerFrequencyFigure({
        current: points.map((p) => p.current),
        power: points.map((p) => p.power),
        // A switched state does not oscillate: its FMR frequency about −p̂ is left out of f(I).
        frequencyGHz: points.map((p) => (p.status === "switched" ? NaN : p.frequencyGHz)),
        currentUnit: device.currentUnit,
        title: `${device.name || "macrospin"} at ${resolved.temperature} K`,
      })
    : "";
  writeFileAtomic(out, csv);
  const figure = plot ? writeFigure(base, svg) : null;

  const firstSwitched = points.find((p) => p.status === "switched");
  const notes: string[] = [];
  if (firstSwitched) {
    notes.push(
      `${counts.switched} current(s) switched m to -p̂ (first at ${num(tidyCurrent(firstSwitched.current))} ${device.currentUnit}): the range crosses the switching point; beyond it the curve is not an oscillation`,
    );
  }
  if (counts["not-settled"] > 0) notes.push(`${counts["not-settled"]} current(s) did not settle: lengthen --duration (or --transient)`);
  if (counts.diverged > 0) notes.push(`${counts.diverged} current(s) diverged: reduce --dt`);
  const Ic = isAxiallySymmetric(device) ? thresholdCurrent(device) / device.currentScale : null;
  const summary = {
    command: "llg",
    params: paramsPath,
    out,
    figure,
    currents: currents.length,
    currentUnit: device.currentUnit,
    temperatureK: resolved.temperature,
    integrator: resolved.integrator,
    dtSeconds: resolved.dt,
    durationSeconds: resolved.duration,
    transientSeconds: resolved.transient,
    steps: resolved.steps,
    heunAntiDamping: resolved.antiDamping,
    workers,
    seed: resolved.seed,
    thresholdCurrent: Ic,
    status: counts,
    warnings: [...resolved.warnings, ...notes],
  };
  if (json) {
    io.stdout(JSON.stringify(summary) + "\n");
  } else {
    for (const n of notes) io.stderr(`dynaspin llg: warning: ${n}\n`);
    const lines = [
      `llg ${device.name || paramsPath}: ${currents.length} currents, ${resolved.integrator} dt = ${(resolved.dt * 1e12).toPrecision(3)} ps, ${(resolved.duration * 1e9).toPrecision(4)} ns (${(resolved.transient * 1e9).toPrecision(4)} ns transient), T = ${resolved.temperature} K`,
      `status: ${counts.ok} ok, ${counts["not-settled"]} not-settled, ${counts.switched} switched, ${counts.diverged} diverged`,
    ];
    if (Ic !== null) lines.push(`closed-form threshold (symmetric case): Ic = ${num(Ic)} ${device.currentUnit}`);
    lines.push(`wrote ${out}${figure ? `, ${figure.svg}, ${figure.png}` : ""}`);
    io.stdout(lines.join("\n") + "\n");
  }
  return 0;
}

/** The `llg` command. */
export const llgCommand: Command = {
  name: "llg",
  summary: "macrospin LLG sweep: device parameters -> p(I), f(I) CSV and figure",
  usage: "dynaspin llg --params device.json --currents FROM:TO:STEP [--temperature K] [--duration NS] [--dt PS] [--workers N] --out curve.csv",
  flags: [
    { name: "params", type: "string", value: "FILE", help: "device parameters JSON (SI units; see docs/devices.md 'Device parameters JSON'), or py-cu-py for the built-in preset" },
    { name: "currents", type: "string", value: "FROM:TO:STEP", help: "current range in the params file's currentUnit (default mA), TO included" },
    { name: "temperature", type: "number", value: "K", min: 0, max: 10000, help: "temperature in K (default: params temperature, else 0); > 0 uses stochastic Heun" },
    { name: "duration", type: "number", value: "NS", min: 0, help: "simulated time per current in ns (default 50)" },
    { name: "transient", type: "number", value: "NS", min: 0, help: "time discarded before averaging in ns (default duration/2)" },
    { name: "dt", type: "number", value: "PS", min: 0, help: "time step in ps (default: 0.05/ω_max, and for Heun also <= (8α·0.01)^(1/3)/ω_max)" },
    { name: "integrator", type: "string", value: "NAME", choices: ["auto", "rk4", "heun"], help: "auto (rk4 at T = 0, heun at T > 0), rk4 or heun (default auto)" },
    workersFlag("the currents of the sweep, each on a worker thread (default: the available cores)"),
    { name: "seed", type: "integer", value: "N", min: 0, help: "random seed; current k uses deriveSeed(seed, k) (default 1)" },
    { name: "out", type: "string", value: "FILE", short: "o", help: "output CSV; the figure goes to the same path with .svg and .png" },
    { name: "plot", type: "boolean", help: "write the SVG+PNG figure (default on; --no-plot to skip)" },
  ],
  run,
};
