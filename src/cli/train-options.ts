/**
 * What `dynaspin train`'s flags mean, without Node: the flag declarations, the data source they
 * name, the training options they resolve to, the train/test split and the `training` record of
 * the saved model. The CLI and the browser playground both go argv → {@link parseArgs} → these
 * functions, so a playground run and the command it shows give the same model file, byte for byte.
 */
import { Flags, parseArgs, type FlagSpec } from "./args.js";
import { ALL_TASKS, TASK_DEFAULTS, EXTRA_TASK_DEFAULTS, SYNTHETIC_TASKS, REGRESSION_TASKS, type TaskName } from "../train/tasks.js";
import { AUTO_DEFAULTS, MAX_MEMBERS, checkTrainable, type EnsembleRecord, type TrainOptions, type ResolvedTrainOptions, type RestartSelection } from "../train/train.js";
import { SCHEDULES, type Schedule } from "../train/schedule.js";
import { stratifiedSplit } from "../data/split.js";
import { evaluate, evaluateRegression } from "../network/api.js";
import { stringifyModel } from "../network/io.js";
import { PRECISIONS, type Precision } from "../network/engine.js";
import { InputError } from "../util/errors.js";
import { TRAIN_ROBUSTNESS_FLAGS, trainRobustnessOptions } from "./robustness-train-flags.js";
import { VERSION } from "../version.js";
import { hashDataset, hashRowSet } from "../train/checkpoint.js";
import { COST_PROFILE_FLAG } from "./cost-flag.js";
import type { Dataset } from "../data/dataset.js";
import { DEFAULT_EXTRA_P0, PROBLEMS, type Model } from "../network/model.js";
import type { DataSource } from "../node/tasks.js";

/**
 * The default of a task-dependent option as help text, read from the task tables (so the help
 * cannot drift from them): "default 64" when every task agrees, else "default: spiral 6, digits 4, …".
 */
export function defaultsText(get: (d: Omit<TrainOptions, "devices">) => number | undefined, data?: number | string): string {
  // Tasks trained with --data's defaults (the generated 2-D sets) are named with it, not repeated.
  const auto = (d: Omit<TrainOptions, "devices">): boolean => d === TASK_DEFAULTS.csv;
  const rows: Array<[string, Omit<TrainOptions, "devices">]> = [...Object.entries(TASK_DEFAULTS), ...Object.entries(EXTRA_TASK_DEFAULTS).filter(([, d]) => !auto(d))];
  const autoTasks = Object.entries(EXTRA_TASK_DEFAULTS).filter(([, d]) => auto(d)).map(([name]) => name);
  const dataLabel = autoTasks.length ? `--data and ${autoTasks.join("/")}` : "--data";
  // --data (the "csv" row) leaves most options to the library's resolution: `data` states that value.
  const values = rows.map(([name, d]) => [name, get(d) ?? (name === "csv" ? data : undefined)] as const);
  if (values.every(([, v]) => v === values[0][1])) return `default ${values[0][1]}`;
  return `default: ${values.map(([name, v]) => `${name === "csv" ? dataLabel : name} ${v}`).join(", ")}`;
}

/** Values of --header: auto-detect, or say whether the first line (after --skip-rows) is a header. */
export const HEADER_CHOICES = ["auto", "yes", "no"] as const;

/** The loader's `header` option for a --header value (undefined: auto, the loader's default). */
export function headerArg(v: string | undefined): boolean | undefined {
  return v === "yes" ? true : v === "no" ? false : undefined;
}

/** Flags that select the data (shared with eval and robustness). */
export const DATA_FLAGS: FlagSpec[] = [
  { name: "task", type: "string", choices: ALL_TASKS, value: "NAME", help: "built-in task: spiral (2 STNOs), digits (64 STNOs), mnist (28×28 MNIST digits, 784 STNOs), the 2-D sets circles, xor, gaussians, or the 2-D regression sets plane, multi-gaussian (TensorFlow Playground's; trained with --data's automatic defaults)" },
  { name: "data", type: "string", value: "FILE.csv", help: "your own CSV: numeric features + one label column; the header is optional (without one the features are named by their place in the file, \"column 1\", \"column 2\", …, and a model trained on it reads columns by position)" },
  { name: "problem", type: "string", choices: PROBLEMS, value: "TYPE", help: "what the label column of --data holds: classification (class labels) or regression (a real number per row: the network learns it by mean squared error and reports MSE and R²); --task plane and multi-gaussian are regression, the other tasks classification; without the flag --data is classification" },
  { name: "label-column", type: "string", value: "COL", help: "label column of --data: header name or 0-based index (default: last)" },
  { name: "header", type: "string", choices: HEADER_CHOICES, value: "WHEN", help: "whether the first line of --data is a header: auto (a header when it has more text cells than the second line; a first line of numbers is data, and one whose label occurs in no other row is refused until you say), yes (e.g. column names that are numbers, such as years or wavelengths) or no", default: "auto" },
  { name: "skip-rows", type: "integer", min: 0, max: 1_000_000, value: "N", help: "ignore the first N lines of --data before its header, e.g. 1 for scikit-learn's raw iris.csv/wine.csv whose first line is metadata (default 0)" },
  { name: "split-seed", type: "integer", min: 0, value: "S", help: "seed of the stratified 80/20 train/test split", default: 0 },
  { name: "test-fraction", type: "number", min: 0.01, max: 0.9, value: "F", help: "fraction of each class held out for testing", default: 0.2 },
  { name: "turns", type: "number", min: 0.05, max: 100, value: "T", help: "spiral: turns per arm (default 1)" },
  { name: "noise", type: "number", min: 0, max: 10, value: "S", help: "spiral, circles, xor, gaussians: Gaussian noise std per coordinate (default 0.04); plane, multi-gaussian: TensorFlow Playground's noise as a fraction, each target taken at the point moved by S·U(−1, 1) per coordinate (default 0)" },
  { name: "count", type: "integer", min: 4, max: 10_000_000, value: "N", help: "spiral, circles, xor, gaussians, plane, multi-gaussian: number of points (default 1000)" },
  { name: "data-seed", type: "integer", min: 0, value: "S", help: "spiral, circles, xor, gaussians, plane, multi-gaussian: seed of the generated points (default 0)" },
];

/** Every flag of `dynaspin train`. */
export const TRAIN_FLAGS: FlagSpec[] = [
  ...DATA_FLAGS,
  { name: "device", type: "string", value: "NAME|FILE", help: "device preset (paper-test, hamadeh2012, zeng2013) or device JSON (default paper-test: eq. 4, a=4 b=5 Ic=1 Q=2)" },
  { name: "steps", type: "integer", min: 1, max: 10000, value: "N", help: `time steps n (${defaultsText((d) => d.steps, 4)})` },
  { name: "curriculum", type: "string", value: "WHEN", help: `depth curriculum: train a shallow network first, then extend it to --steps (its steps and readout start the deep network, the new steps near the identity flow) and fine-tune it at a tenth of the learning rate for a fifth of the epochs or updates: auto (default: --task spiral above 6 steps from 6, the automatic budget above ${AUTO_DEFAULTS.deepSteps} steps from ${AUTO_DEFAULTS.curriculumSteps}, otherwise none, e.g. with --epochs), on (from 6 steps for the spiral, ${AUTO_DEFAULTS.curriculumSteps} otherwise, with --epochs too: the shallow network E epochs, the deep one E/5), off, or N (from N steps, N < --steps)` },
  { name: "epochs", type: "integer", min: 1, max: 10_000_000, value: "E", help: "train exactly E epochs, no early stopping (default: spiral 2000, digits 100, mnist 6; --data and circles/xor/gaussians: an update budget with validation and early stopping, see docs/training.md)" },
  { name: "updates", type: "integer", min: 1, max: 1_000_000_000, value: "U", help: `--data or circles/xor/gaussians without --epochs: budget of optimiser updates (default: ${AUTO_DEFAULTS.updates}, fewer when one full-batch update's 6·rows·steps·K² flops times ${AUTO_DEFAULTS.updates} exceed ${AUTO_DEFAULTS.work.flops / 1e9} GFLOP (at least ${AUTO_DEFAULTS.work.minUpdates}; restart trials and patience shrink with it), above ${AUTO_DEFAULTS.fullBatchRows} training rows ${AUTO_DEFAULTS.large.epochs} epochs' worth, at least ${AUTO_DEFAULTS.large.minUpdates} and at most ${AUTO_DEFAULTS.large.maxUpdates})` },
  { name: "validation", type: "number", min: 0, max: 0.5, value: "F", help: "fraction of each class of the training data held out to choose restarts, stop early and keep the best parameters (default 0.2 without --epochs from 200 training rows, else 0)" },
  { name: "patience", type: "integer", min: 0, value: "U", help: "stop after U updates without a better validation score (default: wait as long as the run took to reach its best score, at least 500 and at most max(400, updates/3) updates, both scaled down with the work budget; above 1024 training rows max(400, updates/3))" },
  { name: "oscillators", type: "integer", min: 1, max: 100_000, value: "K", help: "oscillators K >= features; the extra ones start at p(0) = 0.5 and couple through A(t) (default: --data and --features max(features, 8, classes), circles/xor/gaussians 8, spiral 2, digits 64, mnist 784)" },
  { name: "features", type: "string", value: "LIST", help: "input feature transforms, one oscillator each, computed from the raw columns x1..xd before normalisation: e.g. x1,x2,x1^2,x2^2,x1*x2,sin(x1),sin(x2) (TensorFlow Playground's inputs); products, powers ^2..^9, sin(…), cos(…), constants; presets linear, quadratic, playground (see docs/training.md) (default: the columns as they are)" },
  { name: "extra-p0", type: "number", min: -1e6, max: 1e6, value: "P", help: "p(0) of the oscillators beyond the features, in normalised input units", default: DEFAULT_EXTRA_P0 },
  { name: "batch", type: "integer", min: 0, value: "B", help: "minibatch size, 0 = full batch (default: spiral, digits, mnist 64; --data and circles/xor/gaussians full batch up to 1024 training rows, else 64)" },
  { name: "lr", type: "number", min: 1e-12, max: 100, value: "X", help: "Adam learning rate (default: spiral 0.01, digits 0.0065, mnist 0.003, --data and circles/xor/gaussians 0.02, 0.01 above 1024 training rows; A and B take min(1, 4/steps) of it, A also min(1, 64/oscillators) except for mnist, min(1, 32/oscillators) with oscillators beyond the features on the full-batch automatic budget)" },
  { name: "schedule", type: "string", choices: SCHEDULES, value: "NAME", help: "learning-rate schedule: constant or cosine (default cosine)" },
  { name: "seed", type: "integer", min: 0, value: "S", help: "initialisation and minibatch-order seed", default: 0 },
  { name: "restarts", type: "integer", min: 1, max: 1000, value: "R", help: `initialisations tried, each trained briefly; the one with the best validation score (the lowest training loss without a validation split) is kept (${defaultsText((d) => d.restarts, "3 (1 with --epochs)")})` },
  { name: "init-spread", type: "number", min: 1e-6, max: 100, value: "X", help: `initial drive spread as a fraction of the operating window width (${defaultsText((d) => d.init?.spread, 0.65)})` },
  { name: "input-noise", type: "number", min: 0, max: 1e6, value: "S", help: `augmentation: std of Gaussian noise added to each training input p(0) every epoch, normalised input units (${defaultsText((d) => (d === TASK_DEFAULTS.csv ? undefined : d.inputNoise ?? 0), `${AUTO_DEFAULTS.smallInputNoise} on a classification set without --epochs, under ${AUTO_DEFAULTS.minValidationRows} training rows (no validation split) and at most ${AUTO_DEFAULTS.smallInputNoiseMaxFeatures} features (0 otherwise)`)})` },
  { name: "weight-decay", type: "number", min: 0, max: 1e6, value: "L", help: "decoupled (AdamW) weight decay on A and W (default 0 with --epochs, a task or a regression; else 0 or 0.3, whichever scores the better validation loss (both are trained) up to 1024 rows trained full batch, 0 above, 0.3 without a validation split)" },
  { name: "members", type: "string", value: "M", help: `cross-validation bagging: train M networks, each on the training rows but one fold of M (stratified) and early-stopped on that fold, and save their average (logits averaged: one network of M·K oscillators): auto (default: ${AUTO_DEFAULTS.members} for a classification run without --epochs that has the default validation split (from ${AUTO_DEFAULTS.minValidationRows} training rows) and trains full batch (up to ${AUTO_DEFAULTS.fullBatchRows} rows after the split) with its full schedule (one update under ${AUTO_DEFAULTS.work.flops / 1e9} GFLOP / ${AUTO_DEFAULTS.updates}: not a wide table), else 1), 1 (one network), or N (2..${MAX_MEMBERS}); see docs/training.md` },
  { name: "l1", type: "number", min: 0, max: 1e6, value: "L", help: "L1 regularisation of A and W (TensorFlow Playground's L1 and its rate): after each Adam step a parameter moves lr·scale·L towards 0 and stops there (a proximal soft threshold, decoupled as --weight-decay is), so weak couplings become exactly 0", default: 0 },
  { name: "out", type: "string", short: "o", value: "DIR", help: "output folder for model.json and metrics.csv (default runs/train-<task>-<time>)" },
  { name: "workers", type: "integer", min: 1, max: 64, value: "N", help: "threads: large networks (e.g. mnist) split each matrix product, smaller eq. 4 networks split batches of more than 128 samples into chunks; results are identical for any N", default: 1 },
  { name: "precision", type: "string", choices: PRECISIONS, value: "P", help: "arithmetic of the training batches: float64, or float32 (mixed precision: per-sample work in float32 SIMD, sums, losses and Adam in float64; eq. 4 devices only; the saved model and reported accuracies are float64)", default: "float64" },
  ...TRAIN_ROBUSTNESS_FLAGS,
  COST_PROFILE_FLAG,
  { name: "checkpoint-every", type: "integer", min: 1, value: "N", help: "write the complete training state atomically after the restart selection and every N epochs" },
  { name: "checkpoint-dir", type: "string", value: "DIR", help: "folder of the checkpoint (default <out>/checkpoint)" },
  { name: "resume", type: "string", value: "DIR", help: "continue from the checkpoint in DIR (its checkpoint folder or its --out folder; repeat the interrupted run's flags: other options or data are refused)" },
];

/** Parses `dynaspin train` arguments (without the command name). @throws InputError */
export function parseTrainArgs(argv: readonly string[]): Flags {
  return new Flags(parseArgs(argv, TRAIN_FLAGS, "train"), TRAIN_FLAGS);
}

/** Parses a CLI label column (index if it looks like an integer). */
export function labelColumnArg(v: string | undefined): string | number | undefined {
  if (v === undefined) return undefined;
  return /^-?\d+$/.test(v.trim()) ? Number(v) : v;
}

/** Resolves the data flags into a data source (validating their combination). */
export function dataSourceFromFlags(flags: Flags, command: string): { source: DataSource; name: string } {
  const task = flags.string("task") as DataSource["task"] | undefined;
  const data = flags.string("data");
  if (task !== undefined && data !== undefined) throw new InputError(`${command}: give either --task or --data, not both`);
  if (task === undefined && data === undefined) throw new InputError(`${command}: give --task ${ALL_TASKS.join("|")} or --data FILE.csv`);
  const regressionTask = (REGRESSION_TASKS as readonly string[]).includes(task ?? "");
  const generated = task === "spiral" || regressionTask || (SYNTHETIC_TASKS as readonly string[]).includes(task ?? "");
  const problem = flags.string("problem");
  if (problem !== undefined && task !== undefined && (problem === "regression") !== regressionTask) {
    throw new InputError(`--problem ${problem} does not fit --task ${task}, which is ${regressionTask ? "regression" : "classification"}; --problem chooses what the label column of --data holds (the regression tasks are ${REGRESSION_TASKS.join(", ")})`);
  }
  if (flags.has("turns") && task !== "spiral") throw new InputError(`--turns applies only to --task spiral`);
  for (const f of ["noise", "count", "data-seed"]) {
    if (flags.has(f) && !generated) throw new InputError(`--${f} applies only to the generated sets (--task spiral, ${[...SYNTHETIC_TASKS, ...REGRESSION_TASKS].join(", ")})`);
  }
  if (flags.has("label-column") && data === undefined) throw new InputError(`--label-column applies only to --data`);
  if (flags.has("skip-rows") && data === undefined) throw new InputError(`--skip-rows applies only to --data`);
  if (flags.has("header") && data === undefined) throw new InputError(`--header applies only to --data`);
  const skipRows = flags.number("skip-rows");
  const header = headerArg(flags.string("header"));
  const source: DataSource = data !== undefined
    ? { data, labelColumn: labelColumnArg(flags.string("label-column")), ...(skipRows ? { skipRows } : {}), ...(header !== undefined ? { header } : {}), ...(problem === "regression" ? { problem: "regression" as const } : {}) }
    : { task };
  if (generated) {
    const gen = { noise: flags.number("noise"), count: flags.number("count"), seed: flags.number("data-seed") };
    if (task === "spiral") source.spiral = { turns: flags.number("turns"), ...gen };
    else source.synthetic = gen;
  }
  return { source, name: task ?? "csv" };
}

/** Default training options of a task name (`csv` for --data). */
export function taskDefaults(name: string): Omit<TrainOptions, "devices"> {
  return name in EXTRA_TASK_DEFAULTS ? EXTRA_TASK_DEFAULTS[name as keyof typeof EXTRA_TASK_DEFAULTS] : TASK_DEFAULTS[name as TaskName | "csv"];
}

/** The training options the flags ask for: the task's defaults, overridden flag by flag. */
export function trainOptionsFromFlags(flags: Flags, name: string): Omit<TrainOptions, "devices"> {
  const task = taskDefaults(name);
  // A task whose defaults fix one oscillator per column (the spiral's 2) takes the library's
  // max(features, 8) with --features, as --data does: its fixed count would be too few.
  const { oscillators: _fixed, ...rest } = task;
  const defaults = flags.has("features") ? rest : task;
  return {
    ...defaults,
    steps: flags.number("steps") ?? defaults.steps,
    epochs: flags.number("epochs") ?? defaults.epochs,
    batchSize: flags.number("batch") ?? defaults.batchSize,
    lr: flags.number("lr") ?? defaults.lr,
    schedule: (flags.string("schedule") as Schedule | undefined) ?? defaults.schedule,
    seed: flags.numberOrDefault("seed"),
    restarts: flags.number("restarts") ?? defaults.restarts,
    init: { ...defaults.init, spread: flags.number("init-spread") ?? defaults.init?.spread },
    inputNoise: flags.number("input-noise") ?? defaults.inputNoise,
    weightDecay: flags.number("weight-decay") ?? defaults.weightDecay,
    ...(flags.has("l1") && { l1: flags.number("l1") }),
    precision: flags.stringOrDefault("precision") as Precision,
    ...(flags.has("oscillators") && { oscillators: flags.number("oscillators") }),
    ...(flags.has("features") && { features: (flags.string("features") as string).split(",") }),
    ...(flags.has("updates") && { updates: flags.number("updates") }),
    ...(flags.has("extra-p0") && { extraP0: flags.number("extra-p0") }),
    ...(flags.has("validation") && { validation: flags.number("validation") }),
    ...(flags.has("patience") && { patience: flags.number("patience") }),
    ...(flags.has("members") && { members: membersArg(flags.string("members") as string) }),
    ...curriculumArg(flags.string("curriculum"), defaults, flags.number("steps") ?? defaults.steps ?? 4, flags.has("steps")),
    ...trainRobustnessOptions(flags),
  };
}

/**
 * The library's `curriculum` (the depth of the shallow network trained first) for --curriculum:
 * nothing for auto (the task's default or the library's automatic rule), 0 for off, the task's
 * depth (the spiral's 6) or `AUTO_DEFAULTS.curriculumSteps` for on, N for a number.
 * @param steps the depth asked for (--steps or the task's).
 * @param stepsGiven whether --steps gave it (else the message says it is the default).
 * @throws InputError for another word, or a curriculum not shallower than `steps`.
 */
export function curriculumArg(v: string | undefined, task: Omit<TrainOptions, "devices">, steps: number, stepsGiven = true): { curriculum?: number } {
  if (v === undefined || v === "auto") return {};
  if (v === "off") return { curriculum: 0 };
  const n = v === "on" ? (task.curriculum || AUTO_DEFAULTS.curriculumSteps) : /^\d+$/.test(v.trim()) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > 10_000) throw new InputError(`--curriculum ${v}: expected auto, on, off or the shallow network's steps N (an integer from 1)`);
  if (n >= steps) {
    throw new InputError(`--curriculum ${v}: the shallow network's ${n} steps are not fewer than the network's ${steps} (--steps${stepsGiven ? "" : ", the default"}); a curriculum trains ${n} steps first and extends them: give --steps above ${n}${v === "on" ? "" : ` or a smaller N`}`);
  }
  return { curriculum: n };
}

/**
 * The library's `members` for --members: "auto", or an integer 1..{@link MAX_MEMBERS}.
 * @throws InputError `--members X: expected auto or a whole number of networks 1..20`
 */
export function membersArg(v: string): number | "auto" {
  const t = v.trim();
  if (t === "auto") return "auto";
  const n = /^\d+$/.test(t) ? Number(t) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > MAX_MEMBERS) throw new InputError(`--members ${v}: expected auto or a whole number of networks 1..${MAX_MEMBERS} (1: one network, no ensemble)`);
  return n;
}

/** A data set's stratified train/test split as the flags ask (--split-seed, --test-fraction). */
export function splitDataset(ds: Dataset, flags: Flags): { train: Dataset; test: Dataset; splitSeed: number; testFraction: number } {
  checkTrainable(ds);
  const splitSeed = flags.numberOrDefault("split-seed");
  const testFraction = flags.numberOrDefault("test-fraction");
  const sp = stratifiedSplit(ds, splitSeed, testFraction);
  if (sp.test.n === 0) {
    const counts = new Int32Array(Math.max(1, ds.classNames.length));
    for (let r = 0; r < ds.n; r++) counts[ds.targets !== undefined ? 0 : ds.y[r]]++;
    const largest = Math.max(...counts);
    const source = flags.string("data") ?? flags.string("task") ?? "the data";
    throw new InputError(`${source}: --test-fraction ${testFraction} leaves no test rows: it holds out round(${testFraction} × rows) of each ${ds.targets !== undefined ? "set" : "class"}, and the largest ${ds.targets !== undefined ? "set" : "class"} has ${largest} row${largest === 1 ? "" : "s"} (${ds.n} in all); use a larger --test-fraction or more data`);
  }
  return { train: sp.train, test: sp.test, splitSeed, testFraction };
}

/**
 * One warning line, or null, when held-out rows repeat rows the model trains on: a file with
 * repeated rows sends copies of a row to both sides of a split, and the held-out score then counts
 * rows the model has seen (optimistic). Results are not changed; the line says how many and what to do.
 * @param source the data file or task name.
 * @param csv whether `source` is a CSV file (the line then shows how to remove repeats from it).
 * @param parts each held-out part ("test", "validation") with its rows and how many repeat a
 *   training row ({@link repeatedRows}); parts without repeats are left out of the line.
 * @example `data.csv repeats rows: 23 of the 80 test rows (29 %) have the same feature values as a training row, so their score is optimistic; ...`
 */
export function repeatedRowsWarning(source: string, parts: readonly { name: string; n: number; repeated: number }[], csv = /\.csv(\.gz)?$/i.test(source)): string | null {
  const hit = parts.filter((p) => p.repeated > 0);
  if (hit.length === 0) return null;
  const list = hit.map((p) => `${p.repeated} of the ${p.n} ${p.name} rows (${Math.round((100 * p.repeated) / p.n)} %)`).join(" and ");
  const one = hit.length === 1 && hit[0].repeated === 1;
  return `${source} repeats rows: ${list} ${one ? "has" : "have"} the same feature values as a training row, so ${hit.length > 1 ? "their scores are" : `the ${hit[0].name} score is`} optimistic; ` +
    `to score on rows the model has not seen, remove the repeated rows before training (keep one of each${csv ? `, e.g. awk '!seen[$0]++' ${source} > unique.csv, or pandas drop_duplicates` : ""})`;
}

/** What the `training` record of a saved model is made of. */
export interface TrainingRecordInput {
  /** The command line, e.g. `dynaspin train --task spiral --seed 1`. */
  command: string;
  /** The CSV path or task name. */
  source: string;
  options: ResolvedTrainOptions;
  splitSeed: number;
  testFraction: number;
  /** The whole data set (train and test rows), whose hash the record keeps. */
  data: Dataset;
  selection: RestartSelection;
  model: Model;
  train: Dataset;
  test: Dataset;
  /** The cross-validation ensemble's members and fold scores (`TrainResult.ensemble`), kept in the record as `ensemble`; null or absent: one network. */
  ensemble?: EnsembleRecord | null;
}

/**
 * The saved model's `training` record (with the final train and test accuracy and loss; a
 * regression model: the final train and test MSE, R² and loss).
 */
export function trainingRecord(r: TrainingRecordInput): Record<string, unknown> {
  const head = {
    dynaspin: VERSION,
    command: r.command,
    source: r.source,
    options: { ...r.options },
    splitSeed: r.splitSeed,
    testFraction: r.testFraction,
    dataHash: hashDataset(r.data),
    rowSetHash: hashRowSet(r.data),
    chosenRestart: r.selection.chosenRestart,
    restartLosses: r.selection.restartLosses,
    ...(r.ensemble ? { ensemble: { members: r.ensemble.members.length, foldSeed: r.ensemble.foldSeed, folds: r.ensemble.members } } : {}),
  };
  if (r.model.problem === "regression") {
    const tr = evaluateRegression(r.model, r.train);
    const te = evaluateRegression(r.model, r.test);
    return { ...head, trainMse: tr.mse, testMse: te.mse, trainR2: tr.r2, testR2: te.r2, trainLoss: tr.loss, testLoss: te.loss };
  }
  const tr = evaluate(r.model, r.train);
  const te = evaluate(r.model, r.test);
  return {
    ...head,
    trainAccuracy: tr.accuracy,
    testAccuracy: te.accuracy,
    trainLoss: tr.loss,
    testLoss: te.loss,
  };
}

/** The text of model.json as `dynaspin train` writes it. */
export function trainedModelText(model: Model, training: Record<string, unknown>, options: ResolvedTrainOptions): string {
  return stringifyModel(model, { training, ...(options.hardware ? { hardware: { ...options.hardware } } : {}) });
}
