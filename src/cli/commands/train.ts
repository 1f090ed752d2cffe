/**
 * `dynaspin train`: trains a network on a built-in task or a CSV file and writes model.json and
 * metrics.csv into --out. All inputs are validated before anything is written; outputs are atomic.
 */
import { join } from "node:path";
import type { Command, CommandIO } from "../command.js";
import { workersFlag } from "../command.js";
import type { Flags, FlagSpec } from "../args.js";
import { InputError, ComputationError } from "../../util/errors.js";
import { ALL_TASKS, TASK_DEFAULTS, EXTRA_TASK_DEFAULTS, type TaskName } from "../../train/tasks.js";
import { Trainer, resolveTrainOptions, checkTrainable, type EpochMetrics, type TrainOptions, type TrainResult, type ResolvedTrainOptions } from "../../train/train.js";
import { SCHEDULES, type Schedule } from "../../train/schedule.js";
import { metricsCsv, timingCsv } from "../../train/metrics.js";
import { stratifiedSplit } from "../../data/split.js";
import { evaluate } from "../../network/api.js";
import { startParallelKernels } from "../../node/train-worker.js";
import { startParallelTraining } from "../../node/data-parallel.js";
import { CHUNK_SIZE } from "../../train/chunks.js";
import { PRECISIONS, type Precision } from "../../network/engine.js";
import { PARALLEL_MIN_MACS } from "../../train/parallel.js";
import { ENGINE_CHOICES, engineForChoice, type EngineChoice } from "../../node/native-engine.js";
import { stringifyModel } from "../../network/io.js";
import { loadSource, type DataSource } from "../../node/tasks.js";
import { loadDeviceArg } from "../../node/device-file.js";
import { eq4 } from "../../device/analytic.js";
import type { DeviceCurve } from "../../device/curve.js";
import { checkOutputDir, writeFileAtomic } from "../../node/files.js";
import { createProgress, type Progress } from "../../node/progress.js";
import { SIGNAL_EXIT_CODES, watchInterrupts, yieldToEvents } from "../../node/interrupt.js";
import { VERSION } from "../../version.js";
import { TRAIN_ROBUSTNESS_FLAGS, trainRobustnessOptions } from "../robustness-train-flags.js";
import { CheckpointWriter, readCheckpoint } from "../../node/checkpoint-file.js";
import { readProfileFile, costOf } from "../../node/cost-profile.js";
import { COST_PROFILE_FLAG } from "../cost-flag.js";
import { checkpointToJson, fingerprintData, restoreTrainingRun } from "../../train/checkpoint.js";
import type { Dataset } from "../../data/dataset.js";
import { checkLabelColumn } from "../data-match.js";
import { hashDataset } from "../../train/checkpoint.js";

/**
 * Both cores for `--workers N`: a network whose matrix products are large enough to split
 * (k·k·chunk ≥ PARALLEL_MIN_MACS, e.g. MNIST's 784 oscillators) splits each product across the
 * threads; a smaller one splits each batch of more than CHUNK_SIZE samples into chunks computed on
 * the threads (eq. 4 devices). Either gives the same bits as one thread.
 */
function startWorkers(threads: number, k: number, batch: number): () => void {
  if (threads <= 1) return () => undefined;
  // The thread pools hold at most 64 threads; more would only queue on the same cores.
  threads = Math.min(threads, 64);
  return k * k * Math.min(batch, CHUNK_SIZE) >= PARALLEL_MIN_MACS ? startParallelKernels(threads) : startParallelTraining(threads);
}

/** Flags that select the data (shared with eval). */
export const DATA_FLAGS: FlagSpec[] = [
  { name: "task", type: "string", choices: ALL_TASKS, value: "NAME", help: "built-in task: spiral (2 STNOs), digits (64 STNOs) or mnist (28×28 MNIST digits, 784 STNOs)" },
  { name: "data", type: "string", value: "FILE.csv", help: "your own CSV: numeric features + one label column" },
  { name: "label-column", type: "string", value: "COL", help: "label column of --data: header name or 0-based index (default: last)" },
  { name: "split-seed", type: "integer", min: 0, value: "S", help: "seed of the stratified 80/20 train/test split (default 0)" },
  { name: "test-fraction", type: "number", min: 0.01, max: 0.9, value: "F", help: "fraction of each class held out for testing (default 0.2)" },
  { name: "turns", type: "number", min: 0.05, max: 100, value: "T", help: "spiral: turns per arm (default 1)" },
  { name: "noise", type: "number", min: 0, max: 10, value: "S", help: "spiral: Gaussian noise std per coordinate (default 0.04)" },
  { name: "count", type: "integer", min: 4, max: 10_000_000, value: "N", help: "spiral: number of points (default 1000)" },
  { name: "data-seed", type: "integer", min: 0, value: "S", help: "spiral: seed of the generated points (default 0)" },
];

const FLAGS: FlagSpec[] = [
  ...DATA_FLAGS,
  { name: "device", type: "string", value: "NAME|FILE", help: "device preset (paper-test, hamadeh2012, zeng2013) or device JSON (default paper-test: eq. 4, a=4 b=5 Ic=1 Q=2)" },
  { name: "steps", type: "integer", min: 1, max: 10000, value: "N", help: "time steps n (default: spiral 6, digits 4)" },
  { name: "epochs", type: "integer", min: 1, max: 10_000_000, value: "E", help: "training epochs (default: spiral 400, digits 100)" },
  { name: "batch", type: "integer", min: 0, value: "B", help: "minibatch size, 0 = full batch (default 64)" },
  { name: "lr", type: "number", min: 1e-12, max: 100, value: "X", help: "Adam learning rate (default: spiral 0.01, digits 0.005)" },
  { name: "schedule", type: "string", choices: SCHEDULES, value: "NAME", help: "learning-rate schedule: constant or cosine (default cosine)" },
  { name: "seed", type: "integer", min: 0, value: "S", help: "initialisation and minibatch-order seed (default 0)" },
  { name: "restarts", type: "integer", min: 1, max: 1000, value: "R", help: "initialisations tried; the lowest training loss after a tenth of the epochs is kept (default: spiral 8, digits 1)" },
  { name: "init-spread", type: "number", min: 1e-6, max: 100, value: "X", help: "initial drive spread as a fraction of the operating window width (default 0.5)" },
  { name: "input-noise", type: "number", min: 0, max: 1e6, value: "S", help: "augmentation: std of Gaussian noise added to each training input p(0) every epoch, power units (default: digits 0.2, else 0)" },
  { name: "weight-decay", type: "number", min: 0, max: 1e6, value: "L", help: "decoupled (AdamW) weight decay on A and W (default 0)" },
  { name: "out", type: "string", short: "o", value: "DIR", help: "output folder for model.json and metrics.csv (default runs/train-<task>-<time>)" },
  workersFlag("large networks (e.g. mnist) split each matrix product, smaller eq. 4 networks split batches of more than 128 samples into chunks (default 1)"),
  { name: "engine", type: "string", choices: ENGINE_CHOICES, value: "E", help: "engine of the float64 training batches: auto (native when it was built at install, else WebAssembly), native, or wasm; every engine gives the same bits (default auto)" },
  { name: "precision", type: "string", choices: PRECISIONS, value: "P", help: "arithmetic of the training batches: float64, or float32 (mixed precision: per-sample work in float32 SIMD, sums, losses and Adam in float64; eq. 4 devices only; the saved model and reported accuracies are float64) (default float64)" },
  ...TRAIN_ROBUSTNESS_FLAGS,
  COST_PROFILE_FLAG,
  { name: "checkpoint-every", type: "integer", min: 1, value: "N", help: "write the complete training state atomically after the restart selection and every N epochs" },
  { name: "checkpoint-dir", type: "string", value: "DIR", help: "folder of the checkpoint (default <out>/checkpoint)" },
  { name: "resume", type: "string", value: "DIR", help: "continue from the checkpoint in DIR (its checkpoint folder or its --out folder; repeat the interrupted run's flags: other options or data are refused)" },
];

/** Parses a CLI label column (index if it looks like an integer). */
export function labelColumnArg(v: string | undefined): string | number | undefined {
  if (v === undefined) return undefined;
  return /^-?\d+$/.test(v.trim()) ? Number(v) : v;
}

/** Resolves the data flags into a data source (validating their combination). */
export function dataSourceFromFlags(flags: Flags, command: string): { source: DataSource; name: string } {
  const task = flags.string("task") as TaskName | undefined;
  const data = flags.string("data");
  if (task !== undefined && data !== undefined) throw new InputError(`${command}: give either --task or --data, not both`);
  if (task === undefined && data === undefined) throw new InputError(`${command}: give --task spiral|digits|mnist or --data FILE.csv`);
  for (const f of ["turns", "noise", "count", "data-seed"]) {
    if (flags.has(f) && task !== "spiral") throw new InputError(`--${f} applies only to --task spiral`);
  }
  if (flags.has("label-column") && data === undefined) throw new InputError(`--label-column applies only to --data`);
  const source: DataSource = data !== undefined ? { data, labelColumn: labelColumnArg(flags.string("label-column")) } : { task };
  if (task === "spiral") {
    source.spiral = { turns: flags.number("turns"), noise: flags.number("noise"), count: flags.number("count"), seed: flags.number("data-seed") };
  }
  return { source, name: task ?? "csv" };
}

/** Loads and splits the data named by the flags. */
export function splitFromFlags(flags: Flags, source: DataSource): { ds: Dataset; train: Dataset; test: Dataset; splitSeed: number; testFraction: number } {
  const ds = loadSource(source);
  if (source.data !== undefined) checkLabelColumn(ds, source.data, source.labelColumn);
  checkTrainable(ds);
  const splitSeed = flags.number("split-seed") ?? 0;
  const testFraction = flags.number("test-fraction") ?? 0.2;
  const sp = stratifiedSplit(ds, splitSeed, testFraction);
  if (sp.test.n === 0) throw new InputError(`--test-fraction ${testFraction} leaves no test samples; use a larger fraction or more data`);
  return { ds, train: sp.train, test: sp.test, splitSeed, testFraction };
}

/** The flag that sets each resolved training option, named when a resume is refused. */
const OPTION_FLAGS: Record<string, string> = { steps: "--steps", epochs: "--epochs", batchSize: "--batch", lr: "--lr", schedule: "--schedule", seed: "--seed", restarts: "--restarts", init: "--init-spread", precision: "--precision" };

function timestamp(): string {
  return new Date().toISOString().replace(/[:]/g, "-").replace(/\..*/, "");
}

async function run(flags: Flags, io: CommandIO): Promise<number> {
  const { source, name } = dataSourceFromFlags(flags, "train");
  const defaults = name === "mnist" ? EXTRA_TASK_DEFAULTS.mnist : TASK_DEFAULTS[name as TaskName | "csv"];
  const deviceArg = flags.string("device");
  const opts: Omit<TrainOptions, "devices"> = {
    ...defaults,
    steps: flags.number("steps") ?? defaults.steps,
    epochs: flags.number("epochs") ?? defaults.epochs,
    batchSize: flags.number("batch") ?? defaults.batchSize,
    lr: flags.number("lr") ?? defaults.lr,
    schedule: (flags.string("schedule") as Schedule | undefined) ?? defaults.schedule,
    seed: flags.number("seed") ?? 0,
    restarts: flags.number("restarts") ?? defaults.restarts,
    init: { ...defaults.init, spread: flags.number("init-spread") ?? defaults.init?.spread },
    inputNoise: flags.number("input-noise") ?? defaults.inputNoise,
    weightDecay: flags.number("weight-decay") ?? defaults.weightDecay,
    precision: (flags.string("precision") as Precision | undefined) ?? "float64",
    ...trainRobustnessOptions(flags),
  };
  const resolved = resolveTrainOptions(opts);
  const costProfile = flags.has("hardware") ? readProfileFile(flags.string("hardware")!) : {};
  const out = flags.string("out") ?? join("runs", `train-${name}-${timestamp()}`);
  // Output locations are checked first, then everything is loaded before any output is written.
  checkOutputDir(out, `--out ${out}`);
  if (flags.has("checkpoint-dir")) checkOutputDir(flags.string("checkpoint-dir") as string, `--checkpoint-dir ${flags.string("checkpoint-dir")}`);
  const { ds, train: trainSet, test, splitSeed, testFraction } = splitFromFlags(flags, source);
  const devices: DeviceCurve | DeviceCurve[] = deviceArg === undefined ? eq4() : loadDeviceArg(deviceArg, ds.d);
  const quiet = flags.boolean("quiet") || flags.boolean("json");
  // Checkpoints: taken after the restart selection and every N epochs; a resume continues one.
  const every = flags.number("checkpoint-every");
  if (flags.has("checkpoint-dir") && every === undefined) throw new InputError(`--checkpoint-dir needs --checkpoint-every N`);
  const checkpointDir = flags.string("checkpoint-dir") ?? join(out, "checkpoint");
  const resumeArg = flags.string("resume");
  const found = resumeArg === undefined ? undefined : readCheckpoint(resumeArg);
  // The engine, chosen once: the native engine runs eq. 4 networks in float64 without hardware
  // effects on its own threads (--workers); otherwise the WebAssembly engine and worker threads.
  const workers = flags.number("workers") ?? 1;
  const eq4Only = (Array.isArray(devices) ? devices : [devices]).every((d) => d.model === "eq4");
  const engineChoice = (flags.string("engine") ?? "auto") as EngineChoice;
  const nativeCan = resolved.precision === "float64" && !resolved.hardware && eq4Only;
  if (engineChoice === "native" && !nativeCan) {
    throw new InputError(`--engine native runs float64 networks of eq. 4 devices without hardware effects; this run has ${resolved.precision !== "float64" ? `--precision ${resolved.precision}` : resolved.hardware ? "hardware effects" : "a device that is not eq. 4"} (use --engine auto)`);
  }
  const engine = nativeCan ? engineForChoice(engineChoice, workers) : null;
  const resume = found && restoreTrainingRun(found.checkpoint, found.path, trainSet, test, resolved, devices, OPTION_FLAGS, engine);
  const command = typeof found?.checkpoint.context?.command === "string" ? found.checkpoint.context.command : ["dynaspin", "train", ...process.argv.slice(3)].join(" ");
  let lastGood = found && { path: found.path, epoch: found.checkpoint.epochsDone };
  const fingerprint = every === undefined ? undefined : fingerprintData(trainSet, test);
  const checkpoints = new CheckpointWriter(checkpointDir);
  const stopWorkers = engine !== null ? () => undefined : startWorkers(workers, trainSet.d, resolved.batchSize === 0 ? trainSet.n : resolved.batchSize);
  const interrupt = watchInterrupts();
  let progress: Progress | null = null;
  let result: TrainResult;
  let tr: { loss: number; accuracy: number }, te: { loss: number; accuracy: number };
  const t0 = performance.now();
  try {
    const trainer = new Trainer(trainSet, { ...opts, devices, engine, test, ...(resume && { resume }) });
    const saveCheckpoint = (): void => {
      const r = trainer.run as NonNullable<typeof trainer.run>;
      const path = checkpoints.write(checkpointToJson(r, trainer.selection, fingerprint!, { command, dynaspin: VERSION }, { history: false }), r.history);
      lastGood = { path, epoch: r.epochsDone };
    };
    // Phases: the restart trials (when there are several restarts), then the epochs; each shows
    // progress at once, and the loop yields to the event loop every 100 ms so Ctrl-C is handled.
    const trialTotal = trainer.run === null ? resolved.restarts * trainer.trialLength : 0;
    if (!quiet && trialTotal > 0) {
      progress = createProgress(`train ${name} restarts`, trialTotal, io.isTTY, io.stderr, 1000);
      progress.update(0, `restart 1 of ${resolved.restarts}`);
    }
    let trialsDone = 0;
    let lastYield = performance.now();
    const startEpochs = (): void => {
      progress?.stop();
      progress = quiet ? null : createProgress(`train ${name}`, resolved.epochs, io.isTTY, io.stderr, 1000);
      const run = trainer.run as NonNullable<typeof trainer.run>;
      const m = run.history[run.history.length - 1];
      progress?.update(run.epochsDone, m ? epochStatus(m) : "");
    };
    if (trainer.run !== null) startEpochs();
    while (!trainer.done) {
      const ev = trainer.advance();
      if (ev.kind === "trial") progress?.update(++trialsDone, `restart ${ev.restart + 1} of ${resolved.restarts}: loss ${ev.metrics.trainLoss.toFixed(4)}`);
      else if (ev.kind === "selected") {
        startEpochs();
        if (every !== undefined && resume === undefined) saveCheckpoint();
      } else {
        progress?.update(ev.metrics.epoch, epochStatus(ev.metrics));
        if (every !== undefined && ev.metrics.epoch % every === 0) saveCheckpoint();
      }
      if (performance.now() - lastYield >= 100) {
        await yieldToEvents();
        lastYield = performance.now();
        if (interrupt.signal !== null) {
          progress?.stop();
          progress = null;
          return interrupted(interrupt.signal, trainer, every !== undefined ? saveCheckpoint : null, () => lastGood, resumeHint(command, every !== undefined ? checkpointDir : null), io);
        }
      }
    }
    progress?.stop();
    progress = null;
    const run = trainer.run as NonNullable<typeof trainer.run>;
    const sel = trainer.selection;
    result = { model: run.model, history: run.history, restartLosses: sel.restartLosses, chosenRestart: sel.chosenRestart, seconds: (performance.now() - t0) / 1000, engine: run.engineLabel };
    // The final evaluation on the training engine's inference kernels when it has them (same bits).
    const ie = engine?.createInference?.(result.model.k, result.model.steps, result.model.classes, 512, 4096) ?? null;
    tr = evaluate(result.model, trainSet, ie);
    te = evaluate(result.model, test, ie);
  } catch (e) {
    if (e instanceof ComputationError && (every !== undefined || found !== undefined)) {
      throw new ComputationError(`${e.message}; ` + (lastGood ? `last good checkpoint kept: ${lastGood.path} (epoch ${lastGood.epoch})` : "no checkpoint was written yet"));
    }
    throw e;
  } finally {
    (progress as Progress | null)?.stop();
    interrupt.dispose();
    stopWorkers();
  }
  // A run that learned nothing is a failed computation: its files are kept under a name no reader
  // takes for a trained model, and the command exits 1 with a hint.
  const failure = trainingFailure(result.history, tr.loss, result.model.classes, resolved);
  const epochSeconds = result.history.reduce((s, m) => s + m.seconds, 0) / Math.max(1, result.history.length);
  const training = {
    dynaspin: VERSION,
    command,
    source: source.data ?? name,
    options: { ...resolved },
    splitSeed,
    testFraction,
    dataHash: hashDataset(ds),
    chosenRestart: result.chosenRestart,
    restartLosses: result.restartLosses,
    trainAccuracy: tr.accuracy,
    testAccuracy: te.accuracy,
    trainLoss: tr.loss,
    testLoss: te.loss,
  };
  const modelName = failure === null ? "model.json" : "model.failed.json";
  writeFileAtomic(join(out, modelName), stringifyModel(result.model, { training, ...(resolved.hardware ? { hardware: { ...resolved.hardware } } : {}) }));
  writeFileAtomic(join(out, "metrics.csv"), metricsCsv(result.history));
  writeFileAtomic(join(out, "timing.csv"), timingCsv(result.history));
  const summary = {
    task: name,
    data: source.data ?? null,
    samples: { train: trainSet.n, test: test.n },
    k: result.model.k,
    steps: result.model.steps,
    classes: result.model.classes,
    epochs: result.history.length,
    seed: resolved.seed,
    precision: resolved.precision,
    engine: result.engine,
    splitSeed,
    trainAccuracy: tr.accuracy,
    testAccuracy: te.accuracy,
    trainLoss: tr.loss,
    testLoss: te.loss,
    seconds: result.seconds,
    secondsPerEpoch: epochSeconds,
    status: failure === null ? "ok" : "failed",
    model: join(out, modelName),
    metrics: join(out, "metrics.csv"),
    resumedFrom: found ? { checkpoint: found.path, epoch: found.checkpoint.epochsDone } : null,
    checkpoint: lastGood?.path ?? null,
  };
  if (flags.boolean("json")) {
    io.stdout(JSON.stringify({ ...summary, cost: costOf(result.model, test.x, test.n, resolved.hardware ?? undefined, costProfile, flags.string("hardware")).json }) + "\n");
  } else {
    io.stdout(
      `trained ${name}: k=${summary.k} steps=${summary.steps} classes=${summary.classes} epochs=${summary.epochs} seed=${summary.seed}${resolved.precision === "float32" ? " precision=float32 (accuracies in float64)" : ""}\n` +
        `  train accuracy ${(tr.accuracy * 100).toFixed(2)}%  loss ${tr.loss.toFixed(4)}  (${trainSet.n} samples)\n` +
        `  test  accuracy ${(te.accuracy * 100).toFixed(2)}%  loss ${te.loss.toFixed(4)}  (${test.n} samples)\n` +
        `  wall time ${result.seconds.toFixed(2)} s total, ${(epochSeconds * 1000).toFixed(1)} ms per epoch; engine ${result.engine}\n` +
        (found ? `  resumed from ${found.path} at epoch ${found.checkpoint.epochsDone}\n` : "") +
        `  wrote ${summary.model} and ${summary.metrics}${lastGood && every !== undefined ? `; checkpoint ${lastGood.path} (epoch ${lastGood.epoch})` : ""}\n`,
    );
  }
  if (failure !== null) {
    io.stderr(`dynaspin: training failed: ${failure}; its files are kept for inspection (${summary.model}, ${summary.metrics})\n`);
    return 1;
  }
  return 0;
}

function epochStatus(m: EpochMetrics): string {
  return `loss ${m.trainLoss.toFixed(4)}${Number.isNaN(m.testAccuracy) ? "" : ` test acc ${(m.testAccuracy * 100).toFixed(1)}%`}`;
}

/**
 * Why a finished run counts as failed, or null: its final training loss is no better than chance
 * (ln C, what predicting every class with equal probability scores) or than its first epoch's.
 */
export function trainingFailure(history: EpochMetrics[], finalLoss: number, classes: number, o: ResolvedTrainOptions): string | null {
  const chance = Math.log(classes);
  const hint = `try a smaller --lr (now ${o.lr})${o.schedule === "constant" ? " or --schedule cosine" : ""}, or more --epochs (now ${o.epochs})`;
  if (!(finalLoss < chance)) return `final training loss ${finalLoss.toPrecision(4)} is no better than chance (ln ${classes} = ${chance.toFixed(4)}); ${hint}`;
  if (history.length >= 2 && !(finalLoss < history[0].trainLoss)) {
    return `final training loss ${finalLoss.toPrecision(4)} is no better than after the first epoch (${history[0].trainLoss.toPrecision(4)}); ${hint}`;
  }
  return null;
}

/** The command that continues an interrupted run, or null without checkpoints. */
function resumeHint(command: string, checkpointDir: string | null): string | null {
  if (checkpointDir === null) return null;
  const base = command.replace(/\s--resume(=|\s+)\S+/, "");
  return `${base} --resume ${checkpointDir}`;
}

/** Ends an interrupted training: a final checkpoint when checkpointing is on, one line, 130/143. */
function interrupted(
  signal: "SIGINT" | "SIGTERM",
  trainer: Trainer,
  save: (() => void) | null,
  kept: () => { path: string; epoch: number } | undefined,
  hint: string | null,
  io: CommandIO,
): number {
  const run = trainer.run;
  const where = run === null ? `during the restart trials (restart ${trainer.restart + 1} of ${trainer.options.restarts})` : `after epoch ${run.epochsDone} of ${trainer.options.epochs}`;
  let what: string;
  if (save !== null && run !== null) {
    save();
    const k = kept()!;
    what = `checkpoint kept: ${k.path} (epoch ${k.epoch}); resume with: ${hint}`;
  } else if (save !== null) {
    const k = kept();
    what = k ? `checkpoint kept: ${k.path} (epoch ${k.epoch}); resume with: ${hint}` : "no checkpoint yet (the restart trials are not checkpointed); nothing was written";
  } else {
    what = "nothing was written (train with --checkpoint-every N to make a run resumable)";
  }
  io.stderr(`dynaspin: interrupted (${signal}) ${where}; ${what}\n`);
  return SIGNAL_EXIT_CODES[signal];
}

/** The `train` command. */
export const trainCommand: Command = {
  name: "train",
  summary: "train an STNO network by optimal control (discrete adjoint + Adam)",
  usage: "dynaspin train --task spiral|digits|mnist | --data FILE.csv [--workers N] [--engine auto|native|wasm] [--precision float64|float32] [--steps N] [--epochs E] [--batch B] [--lr X] [--seed S] [--split-seed S] [--device NAME|FILE] [--out DIR] [--checkpoint-every N [--checkpoint-dir DIR]] [--resume DIR]",
  flags: FLAGS,
  run,
};
