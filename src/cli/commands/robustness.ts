/**
 * `dynaspin robustness`: Monte Carlo of device-to-device variation (paper Fig. 4) for a saved model,
 * on worker threads, optionally one shard of a cluster job array, resumable per σ.
 */
import { join } from "node:path";
import type { Command, CommandIO } from "../command.js";
import { workersFlag } from "../command.js";
import type { Flags, FlagSpec } from "../args.js";
import { DATA_FLAGS, dataSourceFromFlags } from "./train.js";
import { ALL_FLAG, SPLIT_FLAG, modelDataFromFlags } from "./eval.js";
import { readModelFile } from "../../node/model-file.js";
import { modelFromJson } from "../../network/io.js";
import { loadSource } from "../../node/tasks.js";
import { InputError } from "../../util/errors.js";
import { parseSigmas, parseHardwareArgs } from "../flag-values.js";
import { resolveRobustnessOptions, checkTestSet, type RobustnessOptions } from "../../sweep/robustness.js";
import { VARIATION_PARAMS, VARIATION_DISTRIBUTIONS, defaultVariationParams, variationParamUnit, variationScaleWarning, type VariationParam, type VariationDistribution } from "../../device/variation.js";
import { resolveHardware, type Hardware } from "../../network/hardware.js";
import { robustnessParallel, defaultRobustnessWorkers } from "../../node/robustness-worker.js";
import { sweepSignature, readPartials, writePartial, writeRobustness, robustnessFile, shardRange, toEntry, readRobustnessFile, robustnessSvg } from "../../node/robustness-files.js";
import { checkOutputDir } from "../../node/files.js";
import { writeFigure } from "../../node/png.js";
import { createProgress } from "../../node/progress.js";
import { ENGINE_CHOICES, type EngineChoice } from "../../node/native-engine.js";
import { sweepEngineForChoice } from "../../node/native-sweep.js";
import { setInterruptNote } from "../../node/interrupt.js";
import type { Model } from "../../network/model.js";

const FLAGS: FlagSpec[] = [
  { name: "model", type: "string", short: "m", value: "FILE", help: "model JSON written by dynaspin train (required)" },
  ...DATA_FLAGS,
  SPLIT_FLAG,
  ALL_FLAG,
  { name: "param", type: "string", repeatable: true, choices: VARIATION_PARAMS, value: "P", help: "device parameter that varies per oscillator: a, b, Ic, Q (eq3: Ic, Q); repeatable (default a for eq. 4 devices, Ic for eq. 3)" },
  { name: "sigma", type: "string", value: "LIST", help: "σ values: START:STOP:STEP or comma list", default: "0:1:0.05" },
  { name: "relative", type: "boolean", help: "σ is relative to each parameter's base value (default absolute)" },
  { name: "distribution", type: "string", choices: VARIATION_DISTRIBUTIONS, value: "D", help: "normal, lognormal or uniform", default: "normal" },
  { name: "trials", type: "integer", min: 1, max: 100_000_000, value: "N", help: "trials per σ", default: 10000 },
  { name: "threshold", type: "number", min: 0, max: 1, value: "X", help: "report the fraction of trials with accuracy >= X", default: 0.9 },
  workersFlag("the Monte Carlo trials (default: available cores)"),
  { name: "engine", type: "string", choices: ENGINE_CHOICES, value: "E", help: "kernel of the trials (eq. 4 devices, ideal hardware): auto (native when it was built at install, else WebAssembly), native (its own --workers threads), or wasm (worker threads); every engine gives the same counts", default: "auto" },
  { name: "seed", type: "integer", min: 0, value: "S", help: "sweep seed; trial (σ index s, trial t) uses deriveSeed(S, s, t)", default: 0 },
  { name: "shard", type: "string", value: "i/N", help: "run only shard i (0-based) of N; default from SLURM_ARRAY_TASK_ID/COUNT or JOB_COMPLETION_INDEX" },
  { name: "shard-count", type: "integer", min: 1, max: 1_000_000, value: "N", help: "number of shards when the index comes from JOB_COMPLETION_INDEX (Kubernetes Indexed Job)" },
  { name: "hw", type: "string", repeatable: true, value: "SPEC", help: "hardware non-ideality: noise=SIGMA[:rel], dac=BITS:FS, adc=BITS:FS, ilimit=IMAX, relax=DT_OVER_TAU (default: the model file's hardware, else ideal)" },
  { name: "out", type: "string", short: "o", value: "DIR", help: "output folder (required); a shard writes DIR/shard-<i>-of-<N>/" },
  { name: "no-figure", type: "boolean", help: "skip the SVG/PNG figure" },
  { name: "label", type: "string", value: "NAME", help: "legend name of this sweep in the comparison figure (default: the model file name)" },
  { name: "compare", type: "string", repeatable: true, value: "NAME=DIR", help: "also plot the robustness.json in DIR (legend NAME) with this sweep into DIR/compare.svg/png" },
];

/** Parses `i/N` (0-based i). */
function parseShard(text: string, what: string): { index: number; count: number } {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = m ? Number(m[1]) : NaN, count = m ? Number(m[2]) : NaN;
  if (!m || !(count >= 1) || !(index < count)) throw new InputError(`${what} must be i/N with 0 <= i < N, e.g. 3/10 (got ${JSON.stringify(text)})`);
  return { index, count };
}

/**
 * The shard to run: `--shard i/N`, else Slurm job arrays (SLURM_ARRAY_TASK_ID minus
 * SLURM_ARRAY_TASK_MIN, of SLURM_ARRAY_TASK_COUNT), else a Kubernetes Indexed Job
 * (JOB_COMPLETION_INDEX of --shard-count), else the whole sweep.
 */
export function shardFromFlags(flags: Flags, env: Record<string, string | undefined>): { index: number; count: number } | null {
  const flag = flags.string("shard");
  if (flag !== undefined) {
    if (flags.has("shard-count")) throw new InputError("give either --shard i/N or --shard-count N, not both");
    return parseShard(flag, "--shard");
  }
  const slurm = env.SLURM_ARRAY_TASK_ID;
  if (slurm !== undefined && slurm !== "") {
    const count = env.SLURM_ARRAY_TASK_COUNT;
    if (count === undefined) throw new InputError("SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not; pass --shard i/N");
    const min = Number(env.SLURM_ARRAY_TASK_MIN ?? "0");
    return parseShard(`${Number(slurm) - min}/${count}`, "SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT");
  }
  const k8s = env.JOB_COMPLETION_INDEX;
  if (k8s !== undefined && k8s !== "") {
    const count = flags.number("shard-count");
    if (count === undefined) throw new InputError("JOB_COMPLETION_INDEX is set: pass --shard-count N (the Job's completions)");
    return parseShard(`${k8s}/${count}`, "JOB_COMPLETION_INDEX/--shard-count");
  }
  if (flags.has("shard-count")) throw new InputError("--shard-count needs JOB_COMPLETION_INDEX in the environment (Kubernetes Indexed Job)");
  return null;
}

async function run(flags: Flags, io: CommandIO): Promise<number> {
  const t0 = performance.now();
  const path = flags.string("model");
  if (path === undefined) throw new InputError("robustness: --model FILE is required");
  const outBase = flags.string("out");
  if (outBase === undefined) throw new InputError("robustness: --out DIR is required");
  if (flags.positional.length > 0) throw new InputError(`robustness: unexpected argument ${JSON.stringify(flags.positional[0])}`);
  const { source, name } = dataSourceFromFlags(flags, "robustness");
  const sigmas = parseSigmas(flags.stringOrDefault("sigma"));
  const json = readModelFile(path);
  const model = modelFromJson(json, path);
  if (model.problem === "regression") throw new InputError(`robustness: ${path} is a regression model; robustness measures classification accuracy under device variation (regression models are not supported yet)`);
  const hwFlags = flags.list("hw").map(String);
  const hardware: Hardware | undefined = hwFlags.length > 0 ? parseHardwareArgs(hwFlags, "--hw") : (json.hardware as Hardware | undefined);
  if (hardware && hwFlags.length === 0) resolveHardware(hardware, `${path}: hardware`);
  const md = modelDataFromFlags(flags, "robustness", model, json, path, source, name);
  const test = md.ds;
  checkTestSet(model, test);
  const params = (flags.list("param").map(String) as VariationParam[]);
  if (params.length === 0 && defaultVariationParams(model.devices).length === 0) {
    throw new InputError(`robustness: ${path}: its devices (${[...new Set(model.devices.map((d) => d.model))].join(", ")}) have no parameters to vary; only eq4 and eq3 devices can vary`);
  }
  const trials = flags.numberOrDefault("trials");
  const shard = shardFromFlags(flags, io.env);
  if (shard && shard.count > trials) throw new InputError(`robustness: ${shard.count} shards for ${trials} trials leaves shards without trials; use at most ${trials} shards`);
  const opts: RobustnessOptions = {
    params: params.length ? params : defaultVariationParams(model.devices),
    sigmas,
    trials,
    seed: flags.numberOrDefault("seed"),
    relative: flags.boolean("relative"),
    distribution: flags.stringOrDefault("distribution") as VariationDistribution,
    threshold: flags.numberOrDefault("threshold"),
    ...(shard ? { trialRange: shardRange(shard.index, shard.count, trials) } : {}),
    ...(hardware ? { hardware } : {}),
  };
  const o = resolveRobustnessOptions(model, opts);
  // σ is absolute in the parameter's unit: say so before the work when it cannot mean what the paper's grid does.
  const scaleWarning = variationScaleWarning(model.devices, o.params, o.sigmas, o.relative);
  const warnings = [...md.warnings, ...(scaleWarning === null ? [] : [scaleWarning])];
  for (const w of warnings) io.stderr(`dynaspin robustness: warning: ${w}\n`);
  const compare = flags.list("compare").map(String).map((c) => {
    const m = /^([^=]+)=(.+)$/.exec(c);
    if (!m) throw new InputError(`--compare must be NAME=DIR (got ${JSON.stringify(c)})`);
    const f = readRobustnessFile(join(m[2], "robustness.json"));
    if (JSON.stringify(f.sweep.sigmas) !== JSON.stringify(o.sigmas)) throw new InputError(`--compare ${m[2]}: its σ values differ from --sigma`);
    return { name: m[1], results: f.results };
  });
  const out = shard ? join(outBase, `shard-${shard.index}-of-${shard.count}`) : outBase;
  checkOutputDir(out, `--out ${out}`);
  const sig = sweepSignature(model, test, o);
  const done = readPartials(out, sig, o.trialRange);
  const missing = o.sigmas.map((_, i) => i).filter((i) => !done.has(i));
  const workers = flags.number("workers") ?? defaultRobustnessWorkers();
  const engineChoice = flags.stringOrDefault("engine") as EngineChoice;
  if (engineChoice === "native" && (o.hardware !== null || model.devices.some((d) => d.model !== "eq4"))) {
    throw new InputError(`--engine native runs sweeps of eq. 4 devices without hardware effects; this sweep has ${o.hardware !== null ? "hardware effects (--hw or the model file's)" : "a device that is not eq. 4"} (use --engine auto)`);
  }
  const engine = sweepEngineForChoice(engineChoice, Math.max(1, workers));
  const quiet = flags.boolean("quiet") || flags.boolean("json");
  const per = o.trialRange[1] - o.trialRange[0];
  const progress = quiet ? null : createProgress(`robustness ${o.params.join(",")}`, missing.length * per, io.isTTY, io.stderr);
  let finished = 0;
  setInterruptNote(() => {
    const kept = done.size + finished;
    return `during the sweep (${finished} of ${missing.length} σ values finished this run${done.size ? `, ${done.size} from an earlier run` : ""}); ${kept > 0 ? `the finished ones are kept in ${join(out, "partial")}; run the same command again to compute only the rest` : "none had finished, nothing was kept; rerun the command"}`;
  });
  let result: Awaited<ReturnType<typeof robustnessParallel>>;
  try {
    result = await robustnessParallel(model, test, opts, {
      workers,
      sigmaIndices: missing,
      onProgress: (d) => progress?.update(d),
      onSigma: (raw, stats) => {
        writePartial(out, sig, o.trialRange, raw, stats);
        finished++;
      },
      engine,
    });
  } finally {
    progress?.stop();
    setInterruptNote(null);
  }
  const entries = [...done.values(), ...result.raw.map((r, i) => toEntry(r, result.stats[i]))];
  const file = robustnessFile(sig, { index: shard?.index ?? 0, count: shard?.count ?? 1, trialRange: o.trialRange }, entries);
  const paths = writeRobustness(out, file, !flags.boolean("no-figure"));
  if (compare.length > 0) {
    const label = flags.string("label") ?? path.replace(/^.*[\\/]/, "");
    const f = writeFigure(join(out, "compare"), robustnessSvg([{ name: label, results: file.results }, ...compare], file.sweep));
    paths.push(f.svg, f.png);
  }
  const seconds = (performance.now() - t0) / 1000;
  const summary = {
    model: path,
    data: source.data ?? name,
    testSamples: test.n,
    params: o.params,
    trials: o.trials,
    shard: shard ?? null,
    trialRange: o.trialRange,
    resumed: done.size,
    computed: missing.length,
    workers,
    engine: result.engine ?? null,
    seconds,
    results: file.results.map(({ correct: _c, trialStart: _t, ...s }) => s),
    files: paths,
    warnings,
  };
  if (flags.boolean("json")) io.stdout(JSON.stringify(summary) + "\n");
  else {
    const lines = file.results.map((r) => `  σ=${String(r.sigma).padEnd(6)} mean ${(r.mean * 100).toFixed(2)}%  std ${(r.std * 100).toFixed(2)}  p5 ${(r.p5 * 100).toFixed(1)}  p50 ${(r.p50 * 100).toFixed(1)}  p95 ${(r.p95 * 100).toFixed(1)}  ≥${o.threshold * 100}%: ${(r.fractionAbove * 100).toFixed(1)}%${r.redraws || r.clipped ? `  redraws ${r.redraws} clipped ${r.clipped}` : ""}`);
    io.stdout(
      `robustness of ${path} on ${test.n} test samples, ${o.params.join(",")} varied (σ ${o.relative ? "relative" : `absolute${sigmaUnits(model, o.params)}`}), ${per} trials per σ${shard ? ` (shard ${shard.index}/${shard.count})` : ""}${done.size ? `, ${done.size} σ resumed` : ""}\n` +
        lines.join("\n") +
        `\n  wall time ${seconds.toFixed(2)} s on ${Math.max(1, workers)} thread${workers <= 1 ? "" : "s"}; engine ${result.engine ?? "none (every σ resumed)"}\n  wrote ${paths.join(", ")}\n`,
    );
  }
  return 0;
}

/** The units of absolute σ per parameter, e.g. " in 1/A" or " (a in 1/mA, Ic in mA)"; "" when every parameter is dimensionless. */
function sigmaUnits(model: Model, params: readonly VariationParam[]): string {
  const units = params.map((p) => [p, variationParamUnit(p, model.devices[0])] as const).filter(([, u]) => u !== "");
  if (units.length === 0) return "";
  return params.length === 1 ? ` in ${units[0][1]}` : ` (${units.map(([p, u]) => `${p} in ${u}`).join(", ")})`;
}

/** The `robustness` command. */
export const robustnessCommand: Command = {
  name: "robustness",
  summary: "Monte Carlo of device-to-device variation (Fig. 4): accuracy statistics per σ",
  usage: "dynaspin robustness --model FILE --task spiral|digits | --data FILE.csv [--param a] [--sigma 0:1:0.05] [--trials 10000] [--workers N] [--engine auto|native|wasm] [--seed S] [--shard i/N] --out DIR",
  flags: FLAGS,
  run,
};
