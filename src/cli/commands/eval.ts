/**
 * `dynaspin eval`: accuracy and loss of a saved model (a regression model: mean squared error and
 * R²) on a task's test split or a CSV file.
 */
import type { Command, CommandIO } from "../command.js";
import type { Flags, FlagSpec } from "../args.js";
import { DATA_FLAGS, dataSourceFromFlags } from "./train.js";
import { readModelFile } from "../../node/model-file.js";
import { modelFromJson } from "../../network/io.js";
import { evaluate, evaluateRegression } from "../../network/api.js";
import { referenceFactory } from "../../network/engine.js";
import { fmtMse } from "./train.js";
import { evaluateHardware, type Hardware } from "../../network/hardware.js";
import { parseHardwareArgs } from "../flag-values.js";
import { Rng } from "../../util/rng.js";
import { readProfileFile, costOf } from "../../node/cost-profile.js";
import { COST_PROFILE_FLAG } from "../cost-flag.js";
import { nativeInference } from "../../node/engines.js";
import { InputError } from "../../util/errors.js";
import { loadSource, type DataSource } from "../../node/tasks.js";
import { stratifiedSplit, repeatedRows } from "../../data/split.js";
import { hashDataset, hashRowSet } from "../../train/checkpoint.js";
import type { Dataset } from "../../data/dataset.js";
import type { Model } from "../../network/model.js";
import type { ModelJson } from "../../io/model-schema.js";
import { alignClasses, alignToModel, labelColumnForModel, numericHeaderOfModel } from "../data-match.js";
import { repeatedRowsWarning } from "../train-options.js";
import { formatPredictionsCsv } from "../../data/csv.js";
import { checkOutputFile, writeFileAtomic } from "../../node/files.js";
import { driveRange, driveRangeWarning, type DriveRangeReport } from "../../network/drive-range.js";
import { inputRange, inputRangeWarning } from "../../network/input-range.js";
import { classBalance, classBalanceLine } from "../class-balance.js";

export { alignClasses };

/** How `eval --json` names the TypeScript loops of dynamics.ts (hardware effects). */
const REFERENCE_LABEL = referenceFactory().label;

/** The --split flag (shared by eval, robustness and cost). */
export const SPLIT_FLAG: FlagSpec = {
  name: "split",
  type: "string",
  choices: ["auto", "test", "all"],
  value: "WHICH",
  help: "rows to use: test = the held-out split of the model's training (its split seed and fraction unless given), all = every row, auto = test when the data are the model's training data, else all (default auto)",
};

/** The --all flag, kept as a synonym of --split all. */
export const ALL_FLAG: FlagSpec = { name: "all", type: "boolean", help: "same as --split all" };

/** Rows of the data a saved model is evaluated on, and why. */
export interface ModelData {
  /** The rows, with columns in the model's feature order and labels in its class order. */
  ds: Dataset;
  split: "test" | "all";
  /** Why these rows, e.g. "iris2.csv is not the model's training data". */
  reason: string;
  /** What the data are called (file path or task name). */
  name: string;
  source: DataSource;
  /** Warnings about the rows chosen, e.g. a test split that overlaps the model's training rows. */
  warnings: string[];
  /** Index of each row of `ds` among the data's rows (file order, 0 = the first data row). */
  rows: Int32Array;
}

/**
 * Selects and aligns the data a saved model is evaluated on. The data flags name the data; for a
 * CSV without --label-column the label is the header column that is not a model feature. Rows:
 * `--split test` the held-out split (the model's split seed and fraction unless given),
 * `--split all` every row, `auto` (default) the test split when the data hash (of the rows with
 * columns in the model's feature order, matched by name) equals the model's training data, else
 * every row (data the model never saw). The same rows as the training data in another order (a
 * model file with `training.rowSetHash`) are evaluated on every row with a warning: the model's
 * test rows cannot be found in a reordered file, and most rows were trained on.
 */
export function modelDataFromFlags(flags: Flags, command: string, model: Model, json: ModelJson, modelPath: string, source: DataSource, name: string): ModelData {
  source = sourceForModel(flags, command, model, modelPath, source, name);
  // A header of numbers that names the model's features (a model trained with --header yes) is the header.
  if (source.data !== undefined && source.header === undefined && numericHeaderOfModel(source.data, model, source.skipRows ?? 0)) source = { ...source, header: true };
  if (source.data !== undefined && source.labelColumn === undefined) {
    const label = labelColumnForModel(source.data, model, modelPath, source.skipRows ?? 0, source.header);
    if (label !== undefined) source = { ...source, labelColumn: label };
  }
  const all = loadSource(source);
  const tr = json.training ?? {};
  const wanted = flags.boolean("all") ? "all" : ((flags.string("split") ?? "auto") as "auto" | "test" | "all");
  if (flags.boolean("all") && flags.has("split") && flags.string("split") !== "all") throw new InputError(`${command}: --all contradicts --split ${flags.string("split")}`);
  const label = source.data ?? name;
  // Columns are matched to the model's features by name first, so the same rows with the columns
  // in another order are recognised as the training data (models from before the data hash: by name).
  const match = typeof tr.dataHash === "string" ? trainingDataMatch(tr, alignToModel(all, model, label, modelPath)) : "unknown";
  let split: "test" | "all", reason: string;
  if (wanted !== "auto") {
    split = wanted;
    reason = `--split ${wanted}`;
  } else if (flags.has("split-seed") || flags.has("test-fraction")) {
    split = "test";
    reason = `--${flags.has("split-seed") ? "split-seed" : "test-fraction"} given`;
  } else if (match !== "unknown") {
    split = match === "same" ? "test" : "all";
    reason = match === "same" ? `${label} is the model's training data` : match === "reordered" ? `${label} holds the model's training rows in another order` : `${label} is not the model's training data`;
  } else {
    // Models from before the data hash: the same file or task name means the same data.
    const same = typeof tr.source === "string" && tr.source === label;
    split = same ? "test" : "all";
    reason = same ? `the model was trained on ${label}` : typeof tr.source === "string" ? `the model was trained on other data (${tr.source})` : "the model does not say what it was trained on";
  }
  let ds = all;
  let rows: Int32Array = Int32Array.from({ length: all.n }, (_, r) => r);
  const warnings: string[] = [];
  if (split === "test") {
    const splitSeed = flags.number("split-seed") ?? (typeof tr.splitSeed === "number" ? tr.splitSeed : 0);
    const fraction = flags.number("test-fraction") ?? (typeof tr.testFraction === "number" ? tr.testFraction : 0.2);
    const parts = stratifiedSplit(all, splitSeed, fraction);
    ds = parts.test;
    rows = parts.testRows;
    if (ds.n === 0) throw new InputError(`${command}: the test split of ${label} is empty; use --split all`);
    reason += `; test split seed ${splitSeed}, fraction ${fraction}`;
    // Rows repeated in the model's training data land on both sides of its split: the model has
    // seen those test rows (the same split seed and fraction; another split is warned about below).
    const trainedOn = match !== "unknown" ? match === "same" : typeof tr.source === "string" && tr.source === label;
    if (trainedOn) {
      const repeated = repeatedRowsWarning(label, [{ name: "test", n: parts.test.n, repeated: repeatedRows(parts.train, parts.test) }]);
      if (repeated !== null) warnings.push(repeated);
    }
    // Another split of the training data holds rows the model was trained on: say so.
    if (typeof tr.splitSeed === "number" && typeof tr.testFraction === "number" && (splitSeed !== tr.splitSeed || fraction !== tr.testFraction) && match === "same") {
      warnings.push(`${label} is the model's training data, split with seed ${tr.splitSeed} and test fraction ${tr.testFraction}; the split asked for (seed ${splitSeed}, fraction ${fraction}) holds rows the model was trained on, so its accuracy is optimistic (leave out --split-seed and --test-fraction for the model's own test rows)`);
    }
  } else if (flags.has("split-seed") || flags.has("test-fraction")) {
    throw new InputError(`${command}: --split-seed and --test-fraction apply only to --split test`);
  }
  // The training rows shuffled: whichever rows are taken, most were trained on.
  if (match === "reordered") {
    warnings.push(`${label} holds the rows the model was trained on, in another order: the model's own test rows cannot be found in a reordered file, so most ${split === "all" ? "of these rows" : "rows of this test split"} were trained on and the accuracy is optimistic (evaluate the file the model was trained on, for its own test rows, or data it never saw)`);
  }
  const aligned = alignToModel(ds, model, label, modelPath);
  // Columns in other units (or other columns under the model's names) pass every check above and
  // go in far outside [0, 1]: say so (docs/data.md, "Evaluating on a file").
  const range = inputRangeWarning(inputRange(model, aligned.x, aligned.n), `the ${aligned.n} ${split === "all" ? "rows" : "test rows"} of ${label}`);
  if (range !== null) warnings.push(range);
  return { ds: aligned, split, reason, name, source, warnings, rows };
}

/**
 * How data (aligned to the model's features) compare with the model's training data, by the hashes
 * its `training` record keeps: "same" (the same rows in the same order: `dataHash`), "reordered"
 * (the same rows in another order: `rowSetHash`, written since that hash was added), "other", or
 * "unknown" (a model file without a data hash).
 */
export function trainingDataMatch(training: Record<string, unknown>, data: Dataset): "same" | "reordered" | "other" | "unknown" {
  if (typeof training.dataHash !== "string") return "unknown";
  if (training.dataHash === hashDataset(data)) return "same";
  return typeof training.rowSetHash === "string" && training.rowSetHash === hashRowSet(data) ? "reordered" : "other";
}

/**
 * The data source as the model reads it: a regression model reads the label column of --data as
 * real targets (no --problem needed); a problem type that contradicts the model's (a --problem
 * flag, or a task of the other type) is refused.
 * @throws InputError naming the model file, its problem type and the flag.
 */
export function sourceForModel(flags: Flags, command: string, model: Model, modelPath: string, source: DataSource, name: string): DataSource {
  const regression = model.problem === "regression";
  const kind = regression ? "a regression model" : "a classifier";
  const p = flags.string("problem");
  if (p !== undefined && (p === "regression") !== regression) throw new InputError(`${command}: ${modelPath} is ${kind}; --problem ${p} does not apply (leave it out: the model's problem type is used)`);
  if (source.task !== undefined) {
    const taskRegression = source.task === "plane" || source.task === "multi-gaussian";
    if (taskRegression !== regression) throw new InputError(`${command}: ${modelPath} is ${kind}; --task ${name} is a ${taskRegression ? "regression" : "classification"} set`);
    return source;
  }
  return regression ? { ...source, problem: "regression" } : source;
}

/**
 * As train does, for classifiers and regression models alike: a fitted or table device is only
 * known over its measured currents, and data other than the training rows can drive it beyond
 * them (docs/devices.md, "Measured current range").
 */
export function driveCheck(model: Model, data: Dataset, split: string, name: string): { drive: DriveRangeReport; warnings: string[] } {
  const drive = driveRange(model, data.x, data.n);
  const warning = driveRangeWarning(drive, `the ${data.n} ${split === "all" ? "rows" : "test rows"} of ${name}`);
  return { drive, warnings: warning === null ? [] : [warning] };
}

async function run(flags: Flags, io: CommandIO): Promise<number> {
  const path = flags.string("model");
  if (path === undefined) throw new InputError("eval: --model FILE is required");
  const { source, name } = dataSourceFromFlags(flags, "eval");
  const profile = flags.has("hardware") ? readProfileFile(flags.string("hardware")!) : {};
  const json = readModelFile(path);
  const model = modelFromJson(json, path);
  const hwArgs = flags.list("hw").map(String);
  const predictionsFile = flags.string("predictions");
  if (predictionsFile !== undefined) {
    checkOutputFile(predictionsFile, `--predictions ${predictionsFile}`);
    if (model.problem === "regression" && model.classes !== 1) throw new InputError(`eval: --predictions writes one target column; ${path} has ${model.classes} outputs`);
  }
  const hw = hwArgs.length > 0 ? parseHardwareArgs(hwArgs, "--hw") : (json.hardware as Hardware | undefined);
  const md = modelDataFromFlags(flags, "eval", model, json, path, source, name);
  const aligned = md.ds;
  if (model.problem === "regression") {
    if (hwArgs.length > 0) throw new InputError(`eval: --hw applies to classifiers; ${path} is a regression model (its evaluation is ideal)`);
    // On the engine a classifier's evaluation chooses (nativeInference); the same bits on each.
    const inference = nativeInference(model, aligned.n);
    const r = evaluateRegression(model, aligned, inference.engine);
    if (predictionsFile !== undefined) {
      const names = model.targetNames ?? ["target"];
      writeFileAtomic(predictionsFile, formatPredictionsCsv(aligned, names[0], Array.from(aligned.targets ?? [], String), Array.from(r.predictions, String), md.rows));
    }
    const { drive, warnings: driveWarnings } = driveCheck(model, aligned, md.split, source.data ?? name);
    const warnings = [...md.warnings, ...driveWarnings];
    const summary = { model: path, data: source.data ?? name, split: md.split, reason: md.reason, samples: r.n, engine: inference.label(r.engine), problem: "regression", mse: r.mse, r2: r.r2, loss: r.loss, driveRange: drive.oscillators === 0 ? null : drive, warnings };
    for (const w of warnings) io.stderr(`dynaspin eval: warning: ${w}\n`);
    if (flags.boolean("json")) io.stdout(JSON.stringify({ ...summary, cost: costOf(model, aligned.x, aligned.n, undefined, profile, flags.string("hardware")).json }) + "\n");
    else io.stdout(`${name} (${md.split === "all" ? "all rows" : "test split"}, ${r.n} samples: ${md.reason}): MSE ${fmtMse(r.mse)}  R² ${r.r2.toFixed(4)}  (regression of ${(model.targetNames ?? ["target"]).join(", ")})\n`);
    return 0;
  }
  // Inference on the native engine when it was built and has a kernel for every device (eq. 4 and
  // table devices), else on WebAssembly, as predict chooses (nativeInference); the same bits.
  const inference = nativeInference(model, aligned.n);
  const ideal = evaluate(model, aligned, inference.engine);
  if (predictionsFile !== undefined) {
    const names = aligned.classNames;
    writeFileAtomic(predictionsFile, formatPredictionsCsv(aligned, "label", Array.from(aligned.y, (c) => names[c] ?? String(c)), Array.from(ideal.predictions, (c) => names[c] ?? String(c)), md.rows));
  }
  // With hardware (flag or model file), read-noise draws come from --noise-seed.
  const r = hw && !flags.boolean("ideal") ? evaluateHardware(model, aligned.x, aligned.y, aligned.n, hw, new Rng(flags.numberOrDefault("noise-seed"))) : ideal;
  const { drive, warnings: driveWarnings } = driveCheck(model, aligned, md.split, source.data ?? name);
  const warnings = [...md.warnings, ...driveWarnings];
  // The engine of the reported numbers: the one the evaluation ran on, or for hardware effects the
  // TypeScript loops of dynamics.ts.
  const engine = r === ideal ? inference.label(ideal.engine) : REFERENCE_LABEL;
  // Unbalanced classes: the accuracy alone hides a rare class (the ideal network's per-class view).
  const balance = r === ideal ? classBalance(ideal.confusion, model.classes, model.classNames ?? aligned.classNames) : null;
  const balanceLine = classBalanceLine(balance);
  const summary = { model: path, data: source.data ?? name, split: md.split, reason: md.reason, samples: r.n, engine, accuracy: r.accuracy, ...(balance !== null ? { balancedAccuracy: balance.balancedAccuracy, majorityAccuracy: balance.majorityAccuracy } : {}), loss: r.loss, driveRange: drive.oscillators === 0 ? null : drive, warnings };
  for (const w of warnings) io.stderr(`dynaspin eval: warning: ${w}\n`);
  if (flags.boolean("json")) io.stdout(JSON.stringify({ ...summary, cost: costOf(model, aligned.x, aligned.n, hw, profile, flags.string("hardware")).json }) + "\n");
  else io.stdout(`${name} (${md.split === "all" ? "all rows" : "test split"}, ${r.n} samples: ${md.reason}): accuracy ${(r.accuracy * 100).toFixed(2)}%  loss ${r.loss.toFixed(4)}\n${balanceLine !== null ? `  ${balanceLine}\n` : ""}`);
  return 0;
}

/** The `eval` command. */
export const evalCommand: Command = {
  name: "eval",
  summary: "evaluate a saved model (accuracy and loss; a regression model: MSE and R²)",
  usage: "dynaspin eval --model FILE --task spiral|digits|plane|multi-gaussian | --data FILE.csv [--split auto|test|all] [--split-seed S]",
  flags: [
    { name: "model", type: "string", short: "m", value: "FILE", help: "model JSON written by dynaspin train" },
    ...DATA_FLAGS,
    SPLIT_FLAG,
    ALL_FLAG,
    { name: "hw", type: "string", repeatable: true, value: "SPEC", help: "hardware non-ideality (noise=S[:rel], dac=BITS:FS, adc=BITS:FS, ilimit=IMAX, relax=DT_OVER_TAU); default: the model file's hardware" },
    { name: "ideal", type: "boolean", help: "ignore the model file's hardware" },
    { name: "predictions", type: "string", value: "FILE.csv", help: "also write each evaluated row's number in the data (row: 1 = the first data row, so it joins back to the file), features, label and prediction (a class, or a regression's real value in the target's units; the ideal network's) to FILE.csv; rows without labels: dynaspin predict" },
    COST_PROFILE_FLAG,
    { name: "noise-seed", type: "integer", min: 0, value: "S", help: "seed of the read-noise draws with --hw noise=...", default: 0 },
  ],
  run,
};
