/**
 * Parsers of flag values that name numbers in a compact text form: σ lists, current ranges,
 * variation `PARAM:SIGMA` and hardware `KEY=VALUE` lists. Each turns the text into the typed option
 * the library takes and leaves the checks of the typed values to the library (`resolveHardware`,
 * `currentGrid`, `resolveRobustnessOptions`), so a value given in a JSON file or from code is
 * checked by the same code as one given on the command line. Errors name the flag and the allowed
 * forms. Pure: no Node built-ins (the playground shares these with the CLI).
 */
import { InputError } from "../util/errors.js";
import { oneOf, show } from "../util/check.js";
import { VARIATION_PARAMS, type VariationParam } from "../device/variation.js";
import { resolveHardware, type Hardware } from "../network/hardware.js";
import { currentGrid } from "../physics/sweep.js";

/**
 * Parses a σ list: `START:STOP:STEP` (inclusive of STOP within rounding, e.g. `0:1:0.05` → 21
 * values, each rounded to 12 significant digits) or comma-separated values `0,0.25,0.5`.
 * @throws InputError naming `flag`.
 */
export function parseSigmas(text: string, flag = "--sigma"): number[] {
  const t = text.trim();
  const range = /^([^:,]+):([^:,]+):([^:,]+)$/.exec(t);
  const bad = (): never => {
    throw new InputError(`${flag} must be START:STOP:STEP (e.g. 0:1:0.05) or a comma list of values >= 0 (got ${JSON.stringify(text)})`);
  };
  if (range) {
    const [a, b, h] = [Number(range[1]), Number(range[2]), Number(range[3])];
    if (![a, b, h].every(Number.isFinite) || a < 0 || b < a || !(h > 0)) bad();
    const n = Math.floor((b - a) / h + 1e-9) + 1;
    if (n > 100000) bad();
    return Array.from({ length: n }, (_, i) => Number((a + i * h).toPrecision(12)));
  }
  const vals = t.split(",").map((s) => (s.trim() === "" ? NaN : Number(s)));
  if (vals.length === 0 || !vals.every((x) => Number.isFinite(x) && x >= 0)) bad();
  return vals;
}

/**
 * Parses a current range `FROM:TO:STEP` (TO included when it lies on the grid) into the grid of
 * {@link currentGrid}.
 * @param flag name used in messages. @throws InputError for a malformed range, STEP of the wrong
 *   sign or zero, or more than 100000 points.
 * @example parseCurrentRange("0:2:0.5") // [0, 0.5, 1, 1.5, 2]
 */
export function parseCurrentRange(text: string, flag = "--currents"): Float64Array {
  const parts = text.split(":");
  if (parts.length !== 3 || parts.some((s) => s.trim() === "" || !Number.isFinite(Number(s)))) {
    throw new InputError(`${flag} must be FROM:TO:STEP with three numbers (got ${JSON.stringify(text)})`);
  }
  const [from, to, step] = parts.map(Number);
  return currentGrid(from, to, step, flag);
}

/**
 * Parses a CLI variation argument `PARAM:SIGMA` (e.g. `a:0.25`) or `PARAM,PARAM:SIGMA`.
 * @throws InputError naming `flag` with the allowed form.
 */
export function parseVariationArg(arg: string, flag: string): { params: VariationParam[]; sigma: number } {
  const m = /^([A-Za-z,]+):([^:]+)$/.exec(arg.trim());
  const sigma = m ? Number(m[2]) : NaN;
  if (!m || !Number.isFinite(sigma) || sigma < 0) {
    throw new InputError(`${flag} must be PARAM:SIGMA with PARAM in ${VARIATION_PARAMS.join(", ")} and SIGMA >= 0, e.g. a:0.25 (got ${show(arg)})`);
  }
  const params = m[1].split(",").map((p) => oneOf(p, VARIATION_PARAMS, `${flag} parameter`));
  return { params, sigma };
}

/**
 * Parses a CLI hardware flag list into a {@link Hardware} object, checked by `resolveHardware`.
 * Forms: `noise=SIGMA` or `noise=SIGMA:rel`, `dac=BITS:FULLSCALE`, `adc=BITS:FULLSCALE`,
 * `ilimit=IMAX`, `relax=DT_OVER_TAU`.
 * @throws InputError naming `flag` with the allowed forms.
 */
export function parseHardwareArgs(args: readonly string[], flag = "--hw"): Hardware {
  const h: Hardware = {};
  const bad = (a: string): never => {
    throw new InputError(`${flag} must be one of noise=SIGMA[:rel], dac=BITS:FULLSCALE, adc=BITS:FULLSCALE, ilimit=IMAX, relax=DT_OVER_TAU (got ${show(a)})`);
  };
  for (const a of args) {
    const m = /^(noise|dac|adc|ilimit|relax)=(.+)$/.exec(a.trim());
    if (!m) bad(a);
    const [key, val] = [(m as RegExpExecArray)[1], (m as RegExpExecArray)[2]];
    const parts = val.split(":");
    const num = (s: string | undefined): number => (s === undefined || s.trim() === "" ? NaN : Number(s));
    if (key === "noise") {
      if (parts.length > 2 || (parts[1] !== undefined && parts[1] !== "rel" && parts[1] !== "abs")) bad(a);
      h.readNoise = { sigma: num(parts[0]), relative: parts[1] === "rel" };
    } else if (key === "dac" || key === "adc") {
      if (parts.length !== 2) bad(a);
      h[key] = { bits: num(parts[0]), fullScale: num(parts[1]) };
    } else if (key === "ilimit") {
      if (parts.length !== 1) bad(a);
      h.currentLimit = num(parts[0]);
    } else {
      if (parts.length !== 1) bad(a);
      h.relaxation = { dtOverTau: num(parts[0]) };
    }
  }
  resolveHardware(h, flag);
  return h;
}
