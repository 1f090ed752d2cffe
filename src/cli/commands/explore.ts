/**
 * `dynaspin explore`: a design-space sweep (grid or seeded random sample) over steps, devices,
 * training options, hardware non-idealities and the evaluation σ, several seeds per point, on
 * worker threads, resumable, shardable like `dynaspin robustness` (merged with `dynaspin merge`).
 * Given as flags, a JSON spec (--spec), or both (flags override the spec).
 */
import { join } from "node:path";
import type { Command, CommandIO } from "../command.js";
import { workersFlag } from "../command.js";
import type { Flags, FlagSpec } from "../args.js";
import { shardFromFlags } from "./robustness.js";
import { readJsonFile, checkOutputDir } from "../../node/files.js";
import { loadSource, type DataSource } from "../../node/tasks.js";
import { checkTrainable } from "../../train/train.js";
import { InputError } from "../../util/errors.js";
import { PRESET_NAMES } from "../../device/presets.js";
import { loadDeviceArg } from "../../node/device-file.js";
import { VARIATION_PARAMS, VARIATION_DISTRIBUTIONS, variationScaleWarning } from "../../device/variation.js";
import { resolveExplore, EXPLORE_AXES, EXPLORE_DEFAULTS, type ExploreAxis, type ExplorePoint, type ExploreSpec } from "../../explore/spec.js";
import { exploreSplits, checkPoints, pointDevice, type ExploreRow } from "../../explore/run.js";
import { summarize, cheapestAbove, pointAxes } from "../../explore/results.js";
import { AXIS_NAMES } from "../../explore/figures.js";
import { exploreSignature, exploreTaskRange, readExplorePartials, writeExplorePartial, exploreFile, writeExplore } from "../../node/explore-files.js";
import { runExploreTasks, defaultExploreWorkers } from "../../node/explore-worker.js";
import { readProfileFile } from "../../node/cost-profile.js";
import { createProgress } from "../../node/progress.js";
import { setInterruptNote } from "../../node/interrupt.js";
import { axisValue } from "../../explore/spec.js";
import { siUnit } from "../../cost/inference.js";

/** Axis flags: flag name → spec axis. */
const AXIS_FLAGS: [string, ExploreAxis, string][] = [
  ["steps", "steps", "time steps n"],
  ["oscillators", "oscillators", "oscillators K (≥ the number of features)"],
  ["device", "device", `devices: presets (${PRESET_NAMES.join(", ")}) or device JSON files`],
  ["a", "a", "eq. 4 parameter a"],
  ["b", "b", "eq. 4 parameter b"],
  ["Ic", "Ic", "eq. 4 threshold current Ic"],
  ["Q", "Q", "eq. 4 nonlinearity Q"],
  ["lr", "lr", "Adam learning rate"],
  ["restarts", "restarts", "restarts (initialisations tried)"],
  ["train-sigma", "trainSigma", "variation-aware training σ of --eval-param (0 = off)"],
  ["adc-bits", "adcBits", "ADC bits of the power reading (0 = ideal)"],
  ["dac-bits", "dacBits", "DAC bits of the drive current (0 = ideal)"],
  ["read-noise", "readNoise", "Gaussian read-noise σ, power units (0 = off)"],
  ["current-limit", "currentLimit", "driver current limit, current units (0 = none)"],
  ["eval-sigma", "evalSigma", "device-variation σ of the test evaluation (no retraining)"],
];

const FLAGS: FlagSpec[] = [
  { name: "spec", type: "string", value: "FILE", help: "JSON spec of the sweep (docs/explore.md); flags given as well override its fields" },
  { name: "task", type: "string", choices: ["spiral", "digits", "mnist"], value: "NAME", help: "built-in task" },
  { name: "data", type: "string", value: "FILE.csv", help: "your own CSV: numeric features + one label column" },
  { name: "label-column", type: "string", value: "COL", help: "label column of --data: header name or 0-based index (default: last)" },
  { name: "split-seed", type: "integer", min: 0, value: "S", help: "seed of the stratified test and validation splits", default: EXPLORE_DEFAULTS.splitSeed },
  { name: "test-fraction", type: "number", min: 0.01, max: 0.9, value: "F", help: "fraction of each class held out for the test report", default: EXPLORE_DEFAULTS.testFraction },
  { name: "validation-fraction", type: "number", min: 0.01, max: 0.9, value: "F", help: "fraction of the rest held out for validation, which choices use", default: EXPLORE_DEFAULTS.validationFraction },
  ...AXIS_FLAGS.map(([name, , help]): FlagSpec => ({ name, type: "string", value: "LIST", help: `${help}: ${name === "device" ? "comma list" : `comma list or START:STOP:STEP${name === "eval-sigma" ? "" : "; MIN..MAX[:log] with --random"}`}` })),
  { name: "random", type: "integer", min: 1, max: 1_000_000, value: "N", help: "a seeded random sample of N points instead of the grid" },
  { name: "sample-seed", type: "integer", min: 0, value: "S", help: "seed of the random sample", default: 0 },
  { name: "seeds", type: "string", value: "N|LIST", help: "training seeds per point: a count (seeds 0..N-1) or a comma list (default 1)" },
  { name: "epochs", type: "integer", min: 1, max: 1_000_000, value: "E", help: "training epochs per point (default: the task's)" },
  { name: "batch", type: "integer", min: 0, value: "B", help: "minibatch size, 0 = full batch (default: the task's)" },
  { name: "eval-trials", type: "integer", min: 1, max: 1_000_000, value: "T", help: "Monte Carlo trials per evaluation σ", default: EXPLORE_DEFAULTS.evalTrials },
  { name: "eval-param", type: "string", repeatable: true, choices: VARIATION_PARAMS, value: "P", help: "device parameter varied by --eval-sigma and --train-sigma (default a)" },
  { name: "eval-relative", type: "boolean", help: "σ relative to the base value" },
  { name: "eval-distribution", type: "string", choices: VARIATION_DISTRIBUTIONS, value: "D", help: "normal, lognormal or uniform", default: EXPLORE_DEFAULTS.evalDistribution },
  { name: "adc-full-scale", type: "number", min: 0, value: "P", help: "ADC full scale, power units (default: the device's maximum power)" },
  { name: "dac-full-scale", type: "number", min: 0, value: "I", help: "DAC full scale, current units (default 16·|Ic|)" },
  { name: "hardware", type: "string", value: "FILE", help: "hardware cost profile JSON for the energy per inference (docs/cost.md)" },
  { name: "target", type: "number", min: 0, max: 1, value: "X", help: "report the cheapest point whose validation accuracy reaches X (e.g. 0.9)" },
  { name: "heatmap", type: "string", value: "X,Y", help: "axes of the heat map (default: the first two varied axes)" },
  { name: "line", type: "string", value: "X", help: "axis of the accuracy line plot (default: the first varied numeric axis)" },
  { name: "out", type: "string", short: "o", value: "DIR", help: "output folder (required); a shard writes DIR/shard-<i>-of-<N>/" },
  workersFlag("the points, each trained on a worker thread (default: the available cores)"),
  { name: "shard", type: "string", value: "i/N", help: "run only shard i (0-based) of N; default from SLURM_ARRAY_TASK_ID/COUNT or JOB_COMPLETION_INDEX" },
  { name: "shard-count", type: "integer", min: 1, max: 1_000_000, value: "N", help: "number of shards when the index comes from JOB_COMPLETION_INDEX (Kubernetes Indexed Job)" },
  { name: "no-figure", type: "boolean", help: "skip the SVG/PNG figures" },
  { name: "quiet", type: "boolean", help: "no progress output" },
];

/** Parses an axis flag: "1,2,4", "0:0.3:0.1", "1e-3..1e-1:log" (random mode). */
function axisArg(flag: string, axis: ExploreAxis, text: string, random: boolean): unknown {
  const bad = (why: string): never => {
    throw new InputError(`--${flag} ${why} (got ${JSON.stringify(text)})`);
  };
  if (axis === "device") {
    return text.split(",").map((s) => s.trim()).map((s) => {
      if (s === "") bad("lists an empty device");
      if ((PRESET_NAMES as readonly string[]).includes(s)) return s;
      const d = loadDeviceArg(s);
      if (Array.isArray(d)) bad(`needs one device per entry, but ${s} holds one per oscillator`);
      return (d as { toSpec(): Record<string, unknown> }).toSpec();
    });
  }
  if (text.includes("..")) {
    if (!random || axis === "evalSigma") bad(`MIN..MAX ranges need --random N${axis === "evalSigma" ? " and are not allowed for --eval-sigma" : ""}`);
    const [lo, rest] = text.split("..", 2);
    const [hi, mode, extra] = rest.split(":");
    const min = lo.trim() === "" ? NaN : Number(lo), max = hi.trim() === "" ? NaN : Number(hi);
    if (!Number.isFinite(min) || !Number.isFinite(max) || (mode !== undefined && mode.trim() !== "log") || extra !== undefined) bad("must be MIN..MAX or MIN..MAX:log");
    return { min, max, ...(mode !== undefined ? { log: true } : {}), ...(["steps", "restarts", "adcBits", "dacBits"].includes(axis) ? { integer: true } : {}) };
  }
  const parts = text.split(":");
  if (parts.length === 3) {
    const [a, b, c] = parts.map((s) => (s.trim() === "" ? NaN : Number(s)));
    if (![a, b, c].every(Number.isFinite) || !(c > 0) || b < a) bad("must be START:STOP:STEP with STEP > 0 and STOP >= START");
    const n = Math.floor((b - a) / c + 1e-9) + 1;
    if (n > 10000) bad("gives more than 10000 values");
    return Array.from({ length: n }, (_, i) => Number((a + i * c).toPrecision(12)));
  }
  const vals = text.split(",").map((s) => (s.trim() === "" ? NaN : Number(s)));
  if (!vals.every(Number.isFinite)) bad("must be a comma list of numbers or START:STOP:STEP");
  return vals;
}

/** The spec from --spec and the flags (flags override). */
export function specFromFlags(flags: Flags): { spec: ExploreSpec; where: string } {
  const path = flags.string("spec");
  const base = path === undefined ? {} : readJsonFile(path, "explore spec");
  if (typeof base !== "object" || base === null || Array.isArray(base)) throw new InputError(`${path}: an explore spec must be a JSON object`);
  const s = { ...(base as Record<string, unknown>) };
  const where = path ?? "explore";
  if (flags.has("task") || flags.has("data")) {
    delete s.task;
    delete s.data;
    delete s.labelColumn;
  }
  if (flags.has("task")) s.task = flags.string("task");
  if (flags.has("data")) s.data = flags.string("data");
  if (flags.has("label-column")) {
    const v = flags.string("label-column")!;
    s.labelColumn = /^\d+$/.test(v.trim()) ? Number(v) : v;
  }
  for (const [flag, key] of [["split-seed", "splitSeed"], ["test-fraction", "testFraction"], ["validation-fraction", "validationFraction"]] as const) if (flags.has(flag)) s[key] = flags.number(flag);
  const random = flags.has("random") || (typeof s.sample === "object" && s.sample !== null);
  if (flags.has("random")) s.sample = { random: flags.number("random"), seed: flags.numberOrDefault("sample-seed") };
  else if (flags.has("sample-seed")) throw new InputError("--sample-seed needs --random N");
  const axes = { ...((s.axes as Record<string, unknown> | undefined) ?? {}) };
  for (const [flag, axis] of AXIS_FLAGS) if (flags.has(flag)) axes[axis] = axisArg(flag, axis, flags.string(flag)!, random);
  if (Object.keys(axes).length) s.axes = axes;
  if (flags.has("seeds")) {
    const v = flags.string("seeds")!.trim();
    if (/^\d+$/.test(v)) s.seeds = Number(v);
    else if (/^\d+(\s*,\s*\d+)+$/.test(v)) s.seeds = v.split(",").map(Number);
    else throw new InputError(`--seeds must be a count or a comma list of seeds (got ${JSON.stringify(v)})`);
  }
  const train = { ...((s.train as Record<string, unknown> | undefined) ?? {}) };
  if (flags.has("epochs")) train.epochs = flags.number("epochs");
  if (flags.has("batch")) train.batch = flags.number("batch");
  if (Object.keys(train).length) s.train = train;
  const ev = { ...((s.eval as Record<string, unknown> | undefined) ?? {}) };
  if (flags.has("eval-trials")) ev.trials = flags.number("eval-trials");
  if (flags.list("eval-param").length) ev.params = flags.list("eval-param").map(String);
  if (flags.boolean("eval-relative")) ev.relative = true;
  if (flags.has("eval-distribution")) ev.distribution = flags.string("eval-distribution");
  if (Object.keys(ev).length) s.eval = ev;
  const hw = { ...((s.hardware as Record<string, unknown> | undefined) ?? {}) };
  if (flags.has("adc-full-scale")) hw.adcFullScale = flags.number("adc-full-scale");
  if (flags.has("dac-full-scale")) hw.dacFullScale = flags.number("dac-full-scale");
  if (Object.keys(hw).length) s.hardware = hw;
  if (flags.has("hardware")) s.cost = readProfileFile(flags.string("hardware")!);
  return { spec: s as ExploreSpec, where };
}

function axisList(flag: string, text: string | undefined, count: number, axes: readonly ExploreAxis[]): ExploreAxis[] | undefined {
  if (text === undefined) return undefined;
  const names = text.split(",").map((x) => x.trim());
  const byFlag = new Map(AXIS_FLAGS.map(([f, a]) => [f, a]));
  const out = names.map((n) => {
    const a = (EXPLORE_AXES as readonly string[]).includes(n) ? (n as ExploreAxis) : byFlag.get(n);
    if (a === undefined || !axes.includes(a)) throw new InputError(`--${flag} must name ${count} varied ax${count > 1 ? "es" : "is"} of this sweep (${axes.join(", ")}) (got ${JSON.stringify(text)})`);
    return a;
  });
  if (out.length !== count) throw new InputError(`--${flag} must name ${count} ax${count > 1 ? "es" : "is"} (got ${JSON.stringify(text)})`);
  if (flag === "line" && out[0] === "device") throw new InputError("--line needs a numeric axis (device is categorical; use --heatmap)");
  return out;
}

function eta(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  const s = Math.round(seconds);
  return s >= 3600 ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m` : s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s` : `${s}s`;
}

/** The --device entries that are files, by the JSON of the spec they hold (to name a point's device by its file). */
function deviceNames(text: string | undefined): Map<string, string> {
  const names = new Map<string, string>();
  for (const s of (text ?? "").split(",").map((x) => x.trim())) {
    if (s === "" || (PRESET_NAMES as readonly string[]).includes(s)) continue;
    const d = loadDeviceArg(s);
    if (!Array.isArray(d)) names.set(JSON.stringify((d as { toSpec(): Record<string, unknown> }).toSpec()), s);
  }
  return names;
}

/** A point's device for the text table: a preset's name, the --device file it came from, or a short spec such as eq4(a=1.4 1/mA, b=3.5, Ic=1.91 mA, Q=2.23, P0=27.6 nW). */
function deviceLabel(d: ExplorePoint["device"], names: Map<string, string>): string {
  if (d === undefined) return "";
  if (typeof d === "string") return d;
  const file = names.get(JSON.stringify(d));
  if (file !== undefined) return file;
  const num = (k: string): string | null => (typeof d[k] === "number" ? String(Number((d[k] as number).toPrecision(4))) : null);
  const cu = typeof d.currentUnit === "string" ? d.currentUnit : "", pu = typeof d.powerUnit === "string" ? d.powerUnit : "";
  const parts = [["a", cu ? ` 1/${cu}` : ""], ["b", ""], ["Ic", cu ? ` ${cu}` : ""], ["Q", ""], ["P0", pu ? ` ${pu}` : ""]]
    .map(([k, u]) => (num(k) === null ? null : `${k}=${num(k)}${u}`))
    .filter((x): x is string => x !== null);
  return `${String(d.model)}(${parts.join(", ")})`;
}

async function run(flags: Flags, io: CommandIO): Promise<number> {
  const t0 = performance.now();
  const outBase = flags.string("out");
  if (outBase === undefined) throw new InputError("explore: --out DIR is required");
  if (flags.positional.length > 0) throw new InputError(`explore: unexpected argument ${JSON.stringify(flags.positional[0])}`);
  const { spec, where } = specFromFlags(flags);
  const r = resolveExplore(spec, where);
  const heat = axisList("heatmap", flags.string("heatmap"), 2, r.axes) as [ExploreAxis, ExploreAxis] | undefined;
  const line = axisList("line", flags.string("line"), 1, r.axes)?.[0];
  checkPoints(r);
  // Absolute evaluation σ is in the varied parameter's unit: say so before the work when it cannot mean what the paper's grid does.
  const warnings = [...new Set(r.points.map((p) => variationScaleWarning([pointDevice(p)], r.evalParams, [...r.evalSigmas, ...(p.trainSigma ? [p.trainSigma] : [])], r.evalRelative, "--eval-relative")).filter((w): w is string => w !== null))];
  for (const w of warnings) io.stderr(`dynaspin explore: warning: ${w}\n`);
  const source: DataSource = r.spec.data !== undefined ? { data: r.spec.data, labelColumn: r.spec.labelColumn } : { task: r.spec.task };
  const ds = loadSource(source);
  checkTrainable(ds);
  const tooFew = r.points.find((p) => p.oscillators !== undefined && p.oscillators < ds.d);
  if (tooFew) throw new InputError(`oscillators must be at least the number of features (${ds.d}) of the data (got ${tooFew.oscillators})`);
  const splits = exploreSplits(ds, r);
  const shard = shardFromFlags(flags, io.env);
  if (shard && shard.count > r.tasks) throw new InputError(`explore: ${shard.count} shards for ${r.tasks} tasks leaves shards without tasks; use at most ${r.tasks} shards`);
  const range = exploreTaskRange(shard, r.tasks);
  const out = shard ? join(outBase, `shard-${shard.index}-of-${shard.count}`) : outBase;
  checkOutputDir(out, `--out ${out}`);
  const sig = exploreSignature(r, splits);
  const byTask = readExplorePartials(out, sig);
  for (const t of [...byTask.keys()]) if (t < range[0] || t >= range[1]) byTask.delete(t);
  const resumed = byTask.size;
  const todo: number[] = [];
  for (let t = range[0]; t < range[1]; t++) if (!byTask.has(t)) todo.push(t);
  const workers = flags.number("workers") ?? defaultExploreWorkers();
  const quiet = flags.boolean("quiet") || flags.boolean("json");
  const progress = quiet ? null : createProgress("explore", todo.length, io.isTTY, io.stderr);
  let done = 0;
  const started = performance.now();
  setInterruptNote(() => `while training points (${done} of ${todo.length} finished this run${resumed ? `, ${resumed} from an earlier run` : ""}); ${done + resumed > 0 ? `the finished ones are kept in ${join(out, "partial")}; run the same command again to train only the rest` : "none had finished, nothing was kept; rerun the command"}`);
  try {
    await runExploreTasks(
      r.spec,
      splits,
      todo,
      workers,
      (t, rows) => {
        writeExplorePartial(out, sig, t, rows);
        byTask.set(t, rows);
        done++;
        const per = (performance.now() - started) / 1000 / done;
        progress?.update(done, `ETA ${eta(per * (todo.length - done))}`);
      },
      (f) => progress?.update(f, done > 0 ? `ETA ${eta(((performance.now() - started) / 1000 / f) * (todo.length - f))}` : "training"),
    );
  } finally {
    progress?.stop();
    setInterruptNote(null);
  }
  const file = exploreFile(sig, { index: shard?.index ?? 0, count: shard?.count ?? 1, taskRange: range }, byTask);
  const paths = writeExplore(out, file, !flags.boolean("no-figure"), { ...(heat ? { heatmap: heat } : {}), ...(line ? { line } : {}) });
  const rows: ExploreRow[] = file.rows;
  const failed = rows.filter((w) => w.status !== "ok").length;
  const summaries = summarize(r, rows).filter((s) => s.seeds > 0);
  const target = flags.number("target");
  const best = target === undefined ? null : cheapestAbove(summaries.filter((s) => s.evalSigma === r.evalSigmas[0]), target);
  const seconds = (performance.now() - t0) / 1000;
  const axes = pointAxes(r.axes);
  const names = deviceNames(flags.string("device"));
  const describe = (s: (typeof summaries)[number]) => axes.map((a) => `${a}=${a === "device" ? deviceLabel(s.point.device, names) : axisValue(s.point, a)}`).join(" ") + (r.axes.includes("evalSigma") ? ` evalSigma=${s.evalSigma}` : "");
  if (flags.boolean("json")) {
    io.stdout(
      JSON.stringify({
        points: r.points.length, seeds: r.seeds.length, tasks: r.tasks, shard: shard ?? null, taskRange: range, resumed, computed: todo.length, failed, workers, seconds,
        target: target ?? null,
        cheapest: best && { point: best.point.index, evalSigma: best.evalSigma, validationAccuracy: best.validationMean, testAccuracy: best.testMean, energy: best.energy },
        files: paths,
        warnings,
      }) + "\n",
    );
  } else {
    const lines = summaries.slice(0, 40).map((s) => `  ${describe(s).padEnd(36)} val ${(100 * s.validationMean).toFixed(1)}%  test ${(100 * s.testMean).toFixed(1)}%${s.evalSigma > 0 || s.trialStd > 0 ? ` ± ${(100 * s.trialStd).toFixed(1)} (trials)` : ""}${s.seeds - s.failed > 1 ? ` ± ${(100 * s.testStd).toFixed(1)} (seeds)` : ""}  ${siUnit(s.energy, "J")}/inference${s.failed ? `  (${s.failed} failed)` : ""}`);
    io.stdout(
      `explore: ${r.points.length} point${r.points.length === 1 ? "" : "s"} × ${r.seeds.length} seed${r.seeds.length === 1 ? "" : "s"} = ${r.tasks} task${r.tasks === 1 ? "" : "s"}${shard ? ` (shard ${shard.index}/${shard.count}: tasks ${range[0]}..${range[1] - 1})` : ""}${resumed ? `, ${resumed} resumed` : ""}${failed ? `, ${failed} failed rows` : ""}\n` +
        `  axes: ${r.axes.map((a) => AXIS_NAMES[a]).join(", ") || "none (one point)"}\n` +
        lines.join("\n") + (summaries.length > 40 ? `\n  ... ${summaries.length - 40} more in explore.csv` : "") + "\n" +
        (target !== undefined ? (best ? `  cheapest point with validation accuracy >= ${target * 100}%: ${describe(best)} (test ${(100 * best.testMean).toFixed(1)}%, ${siUnit(best.energy, "J")}/inference)\n` : `  no point reaches validation accuracy ${target * 100}%\n`) : "") +
        `  wall time ${seconds.toFixed(1)} s on ${Math.max(1, Math.min(workers, Math.max(1, todo.length)))} thread(s)\n  wrote ${paths.join(", ")}\n`,
    );
  }
  return failed === rows.length && rows.length > 0 ? 1 : 0;
}

/** The `explore` command. */
export const exploreCommand: Command = {
  name: "explore",
  summary: "design-space sweep: accuracy, robustness and energy over steps, devices, training and hardware",
  usage: "dynaspin explore [--spec FILE] --task NAME | --data FILE.csv [--steps 1,2,4] [--adc-bits 0,4,8] [--eval-sigma 0:0.3:0.1] [--seeds 3] [--random N] [--workers N] [--shard i/N] --out DIR",
  flags: FLAGS,
  run,
};
