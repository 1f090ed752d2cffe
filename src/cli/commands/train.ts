/**
 * `dynaspin train`: trains a network on a built-in task or a CSV file and writes model.json and
 * metrics.csv into --out. All inputs are validated before anything is written; outputs are atomic.
 */
import { join, resolve } from "node:path";
import { existsSync, rmSync, statSync } from "node:fs";
import type { Command, CommandIO } from "../command.js";
import { workersFlag } from "../command.js";
import type { Flags, FlagSpec } from "../args.js";
import { InputError, ComputationError } from "../../util/errors.js";
import { Trainer, resolveTrainOptions, type TrainingStage, planTraining, planMember, memberRows, type TrainingPlan, type EnsembleRecord, type EnsemblePlan, oscillatorCount, classCountOf, featureMapOf, checkTrainable, type EpochMetrics, type TrainOptions, type TrainResult, type ResolvedTrainOptions } from "../../train/train.js";
import { metricsCsv, timingCsv } from "../../train/metrics.js";
import { TRAIN_FLAGS, trainOptionsFromFlags, splitDataset, trainingRecord, trainedModelText, dataSourceFromFlags, repeatedRowsWarning } from "../train-options.js";
import { repeatedRows } from "../../data/split.js";
import { evaluate, evaluateRegression } from "../../network/api.js";
import { startParallelKernels } from "../../node/train-worker.js";
import { startParallelTraining } from "../../node/data-parallel.js";
import { CHUNK_SIZE } from "../../train/chunks.js";
import { PARALLEL_MIN_MACS } from "../../train/parallel.js";
import { ENGINE_CHOICES, engineForChoice, type EngineChoice } from "../../node/native-engine.js";
import { nativeInference } from "../../node/engines.js";
import { engine32ForChoice } from "../../node/native-engine32.js";
import { loadSource, type DataSource } from "../../node/tasks.js";
import { loadDeviceArg } from "../../node/device-file.js";
import { eq4 } from "../../device/analytic.js";
import type { DeviceCurve } from "../../device/curve.js";
import { checkOutputDir, writeFileAtomic } from "../../node/files.js";
import { createProgress, type Progress } from "../../node/progress.js";
import { SIGNAL_EXIT_CODES, watchInterrupts, yieldToEvents, type InterruptWatch } from "../../node/interrupt.js";
import { VERSION } from "../../version.js";
import { CheckpointWriter, readCheckpoint } from "../../node/checkpoint-file.js";
import { readProfileFile, costOf } from "../../node/cost-profile.js";
import { checkpointToJson, fingerprintData, restoreTrainingRun, ensembleFromJson, ensembleToJson, type DataFingerprint } from "../../train/checkpoint.js";
import type { Dataset } from "../../data/dataset.js";
import { checkLabelColumn, dataWarnings } from "../data-match.js";
import { driveRange, driveRangeWarning } from "../../network/drive-range.js";
import { variationScaleWarning } from "../../device/variation.js";
import { classBalance, classBalanceLine, type ClassBalance } from "../class-balance.js";

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

export { DATA_FLAGS, labelColumnArg, dataSourceFromFlags } from "../train-options.js";

/** The flags of `dynaspin train`: the shared ones (src/cli/train-options.ts), with the Node-only thread and engine choices. */
const ENGINE_FLAG: FlagSpec = { name: "engine", type: "string", choices: ENGINE_CHOICES, value: "E", help: "engine of the training batches: auto (native when it was built at install, else WebAssembly), native, or wasm; in float64 every engine gives the same bits, in float32 (--precision float32) they agree to float32 rounding", default: "auto" };
const FORCE_FLAG: FlagSpec = { name: "force", type: "boolean", help: "write into an --out folder (or --checkpoint-dir) that holds an earlier training run: its model, metrics, timing and checkpoint files are replaced (a finished run removes the ones it did not write); other files are kept" };
const FLAGS: FlagSpec[] = [
  ...TRAIN_FLAGS.flatMap((f) =>
    f.name === "workers" ? [workersFlag("large networks (e.g. mnist) split each matrix product, smaller eq. 4 networks split batches of more than 128 samples into chunks", 1), ENGINE_FLAG] : [f],
  ),
  FORCE_FLAG,
];

/** The files and folder a training run writes into its --out folder (another run's are refused without --force). */
export const TRAIN_RUN_FILES = ["model.json", "model.failed.json", "metrics.csv", "timing.csv", "checkpoint"] as const;

/**
 * Checks, before any work, that `out` holds no earlier training run (one of {@link TRAIN_RUN_FILES})
 * unless `force` or a resume (which continues a run, so its folder is expected to hold one).
 * @returns the earlier run's entries found (removed at the end by {@link removeStale}).
 * @throws InputError `--out DIR: holds an earlier training run (model.json, ...); choose a new folder, add --force ...`
 */
export function checkTrainOut(out: string, force: boolean, resuming: boolean): string[] {
  if (!existsSync(out) || !statSync(out).isDirectory()) return [];
  const found = TRAIN_RUN_FILES.filter((f) => existsSync(join(out, f)));
  if (found.length > 0 && !force && !resuming) {
    const cont = found.includes("checkpoint") ? `, or --resume ${join(out, "checkpoint")} to continue it` : "";
    throw new InputError(`--out ${out}: holds an earlier training run (${found.join(", ")}); choose a new folder${cont ? "," : " or"} add --force to replace it${cont}`);
  }
  return found;
}

/** Removes the earlier run's entries this run did not write (so no stale file mixes with the new ones). */
function removeStale(out: string, earlier: readonly string[], written: readonly string[]): void {
  for (const f of earlier) if (!written.includes(f)) rmSync(join(out, f), { recursive: true, force: true });
}

/** Loads and splits the data named by the flags. */
export function splitFromFlags(flags: Flags, source: DataSource): { ds: Dataset; train: Dataset; test: Dataset; splitSeed: number; testFraction: number } {
  const ds = loadSource(source);
  if (source.data !== undefined) checkLabelColumn(ds, source.data, source.labelColumn);
  return { ds, ...splitDataset(ds, flags) };
}

/** The validation rows of an ensemble's members (every training row, in its member's fold) that repeat a row their member trains on. */
function membersRepeated(trainSet: Dataset, ens: EnsemblePlan): { name: string; n: number; repeated: number } {
  let repeated = 0;
  for (let m = 0; m < ens.count; m++) {
    const { train, val } = memberRows(trainSet, ens, m);
    repeated += repeatedRows(train, val);
  }
  return { name: "members' validation", n: trainSet.n, repeated };
}

/** The flag that sets each resolved training option, named when a resume is refused. */
const OPTION_FLAGS: Record<string, string> = { steps: "--steps", epochs: "--epochs", batchSize: "--batch", lr: "--lr", schedule: "--schedule", seed: "--seed", restarts: "--restarts", init: "--init-spread", precision: "--precision", oscillators: "--oscillators", updates: "--updates", validation: "--validation", patience: "--patience", inputNoise: "--input-noise", weightDecay: "--weight-decay", l1: "--l1", features: "--features", extraP0: "--extra-p0" };

function timestamp(): string {
  return new Date().toISOString().replace(/[:]/g, "-").replace(/\..*/, "");
}

async function run(flags: Flags, io: CommandIO): Promise<number> {
  const { source, name } = dataSourceFromFlags(flags, "train");
  const deviceArg = flags.string("device");
  let opts = trainOptionsFromFlags(flags, name);
  if (flags.has("updates") && opts.epochs !== undefined) throw new InputError(`--updates applies only without --epochs (an explicit --epochs means exactly that many epochs)`);
  const preliminary = resolveTrainOptions(opts);
  const costProfile = flags.has("hardware") ? readProfileFile(flags.string("hardware")!) : {};
  const out = flags.string("out") ?? join("runs", `train-${name}-${timestamp()}`);
  // Output locations are checked first, then everything is loaded before any output is written.
  checkOutputDir(out, `--out ${out}`);
  if (flags.has("checkpoint-dir")) checkOutputDir(flags.string("checkpoint-dir") as string, `--checkpoint-dir ${flags.string("checkpoint-dir")}`);
  const earlier = checkTrainOut(out, flags.boolean("force"), flags.has("resume"));
  // A --checkpoint-dir elsewhere that holds another run's checkpoint is refused the same way.
  const ckArg = flags.string("checkpoint-dir");
  if (ckArg !== undefined && existsSync(join(ckArg, "checkpoint.json")) && !flags.boolean("force")) {
    const resumeFrom = flags.string("resume");
    const same = resumeFrom !== undefined && [resolve(resumeFrom), resolve(resumeFrom, "checkpoint")].includes(resolve(ckArg));
    if (!same) throw new InputError(`--checkpoint-dir ${ckArg}: holds the checkpoint of an earlier run; choose another folder, add --force to replace it, or --resume ${ckArg} to continue it`);
  }
  const { ds, train: trainSet, test, splitSeed, testFraction } = splitFromFlags(flags, source);
  // Data that load but most likely mean something else (classes spelled two ways, a row-number column).
  const dataWarningLines = source.data === undefined ? [] : dataWarnings(ds, source.data);
  // --features is checked against the data's columns before anything else is loaded or trained.
  const featureMap = featureMapOf(preliminary, ds.d, "--features");
  const inputs = featureMap?.expressions.length ?? ds.d;
  const k = flags.number("oscillators");
  if (k !== undefined && k < inputs) {
    throw new InputError(`--oscillators ${k}: needs at least one oscillator per input feature: ${inputs}${featureMap ? " (--features)" : ` (the data's feature columns)`}; allowed: ${inputs} or more`);
  }
  const devices: DeviceCurve | DeviceCurve[] = deviceArg === undefined ? eq4() : loadDeviceArg(deviceArg, oscillatorCount(preliminary, inputs, classCountOf(ds)));
  // Checkpoints: taken after the restart selection and every N epochs; a resume continues one.
  const every = flags.number("checkpoint-every");
  if (flags.has("checkpoint-dir") && every === undefined) throw new InputError(`--checkpoint-dir needs --checkpoint-every N`);
  const checkpointDir = flags.string("checkpoint-dir") ?? join(out, "checkpoint");
  const resumeArg = flags.string("resume");
  const found = resumeArg === undefined ? undefined : readCheckpoint(resumeArg);
  // A checkpoint of a cross-validation ensemble's member goes on with that ensemble; one of a
  // single network (every checkpoint older than version 4) with one network.
  const foundEnsemble = found ? ensembleFromJson(found.checkpoint, found.path) : null;
  if (found) {
    const asked = opts.members ?? "auto";
    const had = foundEnsemble?.count ?? 1;
    if (asked !== "auto" && asked !== had) throw new InputError(`--members ${asked}: the checkpoint ${found.path} was made by a run of ${had === 1 ? "one network" : `${had} members`}; resume with --members ${had} (or without --members)`);
    opts = { ...opts, members: had };
  }
  // The validation split (from the training rows only) and the planned epochs; with an ensemble,
  // those of its last member (or of the member a checkpoint holds).
  const plan: TrainingPlan = foundEnsemble ? planMember(opts, trainSet, foundEnsemble.member, foundEnsemble.member > 0 ? foundEnsemble.finished[0].record.weightDecay : undefined) : planTraining(opts, trainSet);
  let resolved = plan.options;
  const quiet = flags.boolean("quiet") || flags.boolean("json");
  // The engine, chosen once: the native engine runs networks of eq. 4 devices (float64, or float32
  // with --precision float32) and of table devices (float64) without hardware effects on its own
  // threads (--workers); otherwise the WebAssembly engine and worker threads.
  const workers = flags.numberOrDefault("workers");
  const deviceList = Array.isArray(devices) ? devices : [devices];
  const eq4Only = deviceList.every((d) => d.model === "eq4");
  const tablesOnly = deviceList.every((d) => d.model === "eq4" || d.model === "table");
  const engineChoice = flags.stringOrDefault("engine") as EngineChoice;
  const regression = ds.targets !== undefined;
  if (regression && engineChoice === "native") {
    throw new InputError(`--engine native fuses the softmax cross-entropy of classification only; a regression trains its forward pass and adjoint on the WebAssembly engine (use --engine auto or wasm)`);
  }
  if (regression && resolved.hardware) {
    throw new InputError(`--train-hw and --train-noise apply to classification; a regression trains and evaluates on ideal hardware (--train-variation works)`);
  }
  if (regression && resolved.precision === "float32") {
    throw new InputError(`--precision float32 has no regression loss (its engines fuse the softmax cross-entropy only); train regression in float64`);
  }
  // Repeated rows on both sides of a split make the held-out scores optimistic: said once the
  // trainer has checked the data (bad input first), before any training.
  const repeatedWarning = repeatedRowsWarning(source.data ?? name, [
    { name: "test", n: test.n, repeated: repeatedRows(trainSet, test) },
    ...(plan.val === null ? [] : plan.ensemble ? [membersRepeated(trainSet, plan.ensemble)] : [{ name: "validation", n: plan.val.n, repeated: repeatedRows(plan.fit, plan.val) }]),
  ]);
  const nativeCan = !resolved.hardware && (eq4Only || (tablesOnly && resolved.precision === "float64"));
  // --train-variation's σ is absolute in the parameter's unit, as robustness's: warn before the work when it cannot matter.
  const variationWarning = resolved.variation ? variationScaleWarning(Array.isArray(devices) ? devices : [devices], resolved.variation.params, [resolved.variation.sigma], resolved.variation.relative ?? false, "--train-relative") : null;
  if (variationWarning !== null) io.stderr(`dynaspin train: warning: --train-variation: ${variationWarning}\n`);
  if (engineChoice === "native" && !nativeCan) {
    throw new InputError(`--engine native runs networks of eq. 4 devices (and, in float64, table devices) without hardware effects; this run has ${resolved.hardware ? "hardware effects" : tablesOnly ? "a table device in float32" : "a device that is neither eq. 4 nor a table"} (use --engine auto)`);
  }
  const engine = !nativeCan ? null : resolved.precision === "float32" ? engine32ForChoice(engineChoice, workers) : engineForChoice(engineChoice, workers);
  // A device that no fast engine computes (an eq. 3 curve: the engines compute eq. 4 and tables)
  // trains on the TypeScript reference: say so before the work, with the way to the fast engines.
  const slowDevice = deviceList.find((d) => d.model !== "eq4" && d.model !== "table");
  if (slowDevice !== undefined && !resolved.hardware && !flags.boolean("quiet")) {
    io.stderr(
      `dynaspin train: note: ${deviceArg ?? "the device"} is an ${slowDevice.model} curve: the native and WebAssembly engines compute eq. 4 curves and tables only, so this run trains on the TypeScript reference engine, several times slower (docs/engines.md); ` +
        `for speed, fit eq. 4 to the same measurement (dynaspin fit --data CURVE.csv --model eq4) and train on that device\n`,
    );
  }
  const restored = found && restoreTrainingRun(found.checkpoint, found.path, plan.fit, test, resolved, devices, OPTION_FLAGS, engine, plan.val);
  const resume = restored && { ...restored, ...(foundEnsemble ? { ensemble: { member: foundEnsemble.member, finished: foundEnsemble.finished } } : {}) };
  // Whether the trainer's own run (an ensemble's last member) is the one resumed.
  const ownResumed = resume !== undefined && (foundEnsemble === null || foundEnsemble.member === foundEnsemble.count - 1);
  // The resumed run's options (an older checkpoint's run goes on with the options it was made with: checkpointOptions).
  if (resume && ownResumed) resolved = resume.run.options;
  const command = typeof found?.checkpoint.context?.command === "string" ? found.checkpoint.context.command : ["dynaspin", "train", ...process.argv.slice(3)].join(" ");
  let lastGood: { path: string; epoch: number; member?: string } | undefined = found && { path: found.path, epoch: found.checkpoint.epochsDone, ...(foundEnsemble ? { member: `member ${foundEnsemble.member + 1} of ${foundEnsemble.count}` } : {}) };
  // Each checkpointed run's data (an ensemble member's own rows), fingerprinted once.
  const fingerprints = new Map<Trainer, DataFingerprint>();
  // One writer per checkpointed run (an ensemble's members each start the history file anew).
  let checkpoints: { of: Trainer | null; writer: CheckpointWriter } = { of: null, writer: new CheckpointWriter(checkpointDir) };
  const stopWorkers = engine !== null ? () => undefined : startWorkers(workers, oscillatorCount(resolved, inputs, classCountOf(trainSet)), resolved.batchSize === 0 ? trainSet.n : resolved.batchSize);
  const interrupt = watchInterrupts();
  let progress: Progress | null = null;
  let result: TrainResult;
  // When the kept run's epochs began (after the restart trials), and at which epoch (a resume starts later).
  let epochsFrom = { at: performance.now(), epoch: 0 };
  let epochsWall = 0;
  let tr: { loss: number; accuracy: number; mse?: number }, te: { loss: number; accuracy: number; mse?: number };
  // The test rows' per-class view (classifiers): printed when their classes are unbalanced.
  let balance: ClassBalance | null = null;
  // The epochs timed here are those of the trainer's own run (with the automatic weight decay, the
  // other candidate trained before them and may be the one returned).
  let timed: EpochMetrics[] = [];
  // The whole runs trained ahead of the timed one, in order, with their wall times.
  const aheadPhases: Array<AheadPhase & { weightDecay?: number }> = [];
  const t0 = performance.now();
  try {
    const trainer = new Trainer(trainSet, { ...opts, devices, engine, test, ...(resume && { resume }) }, { stagedAlternatives: true, stagedCurriculum: true });
    if (repeatedWarning !== null) io.stderr(`dynaspin train: warning: ${repeatedWarning}\n`);
    for (const w of dataWarningLines) io.stderr(`dynaspin train: warning: ${w}\n`);
    // The checkpoint of `t`'s kept run: the trainer's own, or an earlier ensemble member's (with the members finished before it).
    const saveCheckpoint = (t: Trainer = trainer): void => {
      const r = t.run as NonNullable<typeof t.run>;
      let fp = fingerprints.get(t);
      if (fp === undefined) fingerprints.set(t, (fp = fingerprintData(t.trainSet, test)));
      const ens = trainer.ensemble;
      const ensemble = ens === null ? null : ensembleToJson(ens.count, { member: t === trainer ? ens.count - 1 : (trainer.memberInTraining?.index ?? 0), finished: trainer.finishedMembers });
      if (checkpoints.of !== t) checkpoints = { of: t, writer: checkpoints.of === null ? checkpoints.writer : new CheckpointWriter(checkpointDir) };
      const path = checkpoints.writer.write(checkpointToJson(r, t.selection, fp, { command, dynaspin: VERSION }, { history: false, curriculum: t.curriculum, ensemble }), r.history);
      lastGood = { path, epoch: r.epochsDone, ...(ensemble ? { member: `member ${ensemble.member + 1} of ${ensemble.count}` } : {}) };
    };
    // Phases: the automatic weight decay's other candidates (each a whole training of its own),
    // the restart trials (when there are several restarts), then the epochs; each shows progress
    // at once, and the loop yields to the event loop every 100 ms so Ctrl-C is handled.
    let lastYield = performance.now();
    // Every 100 ms: yield to the event loop; once Ctrl-C (or SIGTERM) has arrived, close the
    // progress line and return the signal, else null.
    const stopRequested = async (): Promise<InterruptWatch["signal"]> => {
      if (performance.now() - lastYield < 100) return null;
      await yieldToEvents();
      lastYield = performance.now();
      if (interrupt.signal === null) return null;
      progress?.stop();
      progress = null;
      return interrupt.signal;
    };
    const trialTotal = trainer.run === null ? resolved.restarts * trainer.trialLength : 0;
    // The trainer's own run of an ensemble is its last member.
    const memberLabel = trainer.ensemble === null ? "" : ` member ${trainer.ensemble.count}/${trainer.ensemble.count}`;
    let trialsDone = 0;
    // The last epoch that evaluated the test set, whose score the progress line shows.
    let tested: EpochMetrics | null = null;
    const startEpochs = (): void => {
      epochsFrom = { at: performance.now(), epoch: (trainer.run as NonNullable<typeof trainer.run>).epochsDone };
      progress?.stop();
      const run = trainer.run as NonNullable<typeof trainer.run>;
      const m = run.history[run.history.length - 1];
      for (const h of run.history) if (!Number.isNaN(h.testMse ?? h.testAccuracy)) tested = h;
      progress = quiet ? null : createProgress(`train ${name}${memberLabel}`, resolved.epochs, io.isTTY, io.stderr, 1000, { done: run.epochsDone, status: m ? epochStatus(m, tested) : "" });
    };
    // The phases in the library's order (Trainer.stage, docs/training.md "Staged training"): a
    // depth curriculum's starter network (its weight-decay candidates, then itself), the run's
    // weight-decay candidates (each a whole training of its own), then the run itself: its restart
    // trials (when there are several restarts) and its epochs. Each phase shows progress at once.
    let shown: Trainer | null = null;
    // The phase before the run being timed (for the time line), closed when the next one starts.
    let phase: { of: TrainingStage; started: number } | null = null;
    const closePhase = (): void => {
      if (phase === null) return;
      aheadPhases.push({ ...aheadPhase(phase.of), seconds: (performance.now() - phase.started) / 1000 });
      phase = null;
    };
    while (!trainer.done) {
      const st = trainer.stage;
      if (st.kind !== "run") {
        // A phase before the run itself, with its own progress line; Ctrl-C stops it, nothing
        // written, except in an earlier ensemble member's kept run, checkpointed like the run's.
        const t = st.trainer;
        const text = phaseText(st);
        if (shown !== t) {
          shown = t;
          closePhase();
          phase = { of: st, started: performance.now() };
          progress?.stop();
          const p = t.progress;
          progress = quiet ? null : createProgress(`train ${name} ${text.label}`, p.total, io.isTTY, io.stderr, 1000, { done: p.done, status: text.status });
        }
        const ev = t.advance();
        if (ev.kind !== "selected") progress?.update(t.progress.done, `loss ${ev.metrics.trainLoss.toFixed(4)}`);
        const member = st.kind === "member";
        if (member && every !== undefined && (ev.kind === "selected" || (ev.kind === "epoch" && ev.metrics.epoch % every === 0))) saveCheckpoint(t);
        const signal = await stopRequested();
        if (signal !== null) {
          if (member && every !== undefined && t.run !== null) {
            saveCheckpoint(t);
            const k = lastGood as NonNullable<typeof lastGood>;
            io.stderr(`dynaspin: interrupted (${signal}) after epoch ${t.run.epochsDone} of ${t.options.epochs} of ${text.what}; checkpoint kept: ${k.path} (${k.member}, epoch ${k.epoch}); resume with: ${resumeHint(command, checkpointDir)}\n`);
          } else if (member && every !== undefined && lastGood !== undefined) {
            io.stderr(`dynaspin: interrupted (${signal}) during the restart trials of ${text.what}; checkpoint kept: ${lastGood.path} (${lastGood.member ?? "the run"}, epoch ${lastGood.epoch}); resume with: ${resumeHint(command, checkpointDir)}\n`);
          } else {
            io.stderr(`dynaspin: interrupted (${signal}) while training ${text.what} (before the run itself); ${member && every !== undefined ? "no checkpoint yet (the restart trials are not checkpointed); " : ""}nothing was written${member && every === undefined ? " (train with --checkpoint-every N to make a run resumable)" : ""}\n`);
          }
          return SIGNAL_EXIT_CODES[signal];
        }
        continue;
      }
      if (shown !== trainer) {
        shown = trainer;
        closePhase();
        progress?.stop();
        progress = null;
        if (trainer.run !== null) startEpochs();
        else if (!quiet && trialTotal > 0) progress = createProgress(`train ${name}${memberLabel} restarts`, trialTotal, io.isTTY, io.stderr, 1000, { done: 0, status: `restart 1 of ${resolved.restarts}` });
      }
      const ev = trainer.advance();
      if (ev.kind === "trial") progress?.update(++trialsDone, `restart ${ev.restart + 1} of ${resolved.restarts}: loss ${ev.metrics.trainLoss.toFixed(4)}`);
      else if (ev.kind === "selected") {
        startEpochs();
        if (every !== undefined && !ownResumed) saveCheckpoint();
      } else {
        if (!Number.isNaN(ev.metrics.testMse ?? ev.metrics.testAccuracy)) tested = ev.metrics;
        progress?.update(ev.metrics.epoch, epochStatus(ev.metrics, tested));
        if (every !== undefined && ev.metrics.epoch % every === 0) saveCheckpoint();
      }
      const signal = await stopRequested();
      if (signal !== null) return interrupted(signal, trainer, every !== undefined ? () => saveCheckpoint() : null, () => lastGood, resumeHint(command, every !== undefined ? checkpointDir : null), io);
    }
    closePhase();
    // (A resumed run that was already at its end: its epochs are timed from here, as any resume's.)
    if (shown !== trainer && trainer.run !== null) startEpochs();
    progress?.stop();
    progress = null;
    epochsWall = (performance.now() - epochsFrom.at) / 1000;
    result = trainer.finish((performance.now() - t0) / 1000);
    timed = (trainer.run as NonNullable<typeof trainer.run>).history;
    // The automatic weight decay is decided by the trainer (docs/training.md): record the one used.
    // An ensemble's record: the options of its last member, with the run's own seed (the members' are in `ensemble`).
    resolved = result.ensemble ? { ...(trainer.run as NonNullable<typeof trainer.run>).options, weightDecay: trainer.options.weightDecay, seed: opts.seed ?? 0 } : { ...resolved, weightDecay: trainer.options.weightDecay };
    // The final evaluation on the training engine's inference kernels when it has them (same bits).
    if (regression) {
      const a = evaluateRegression(result.model, trainSet), b = evaluateRegression(result.model, test);
      tr = { loss: a.loss, accuracy: a.r2, mse: a.mse };
      te = { loss: b.loss, accuracy: b.r2, mse: b.mse };
    } else {
      const ie = nativeInference(result.model, Math.max(trainSet.n, test.n), { factory: engine }).engine;
      tr = evaluate(result.model, trainSet, ie);
      const t = evaluate(result.model, test, ie);
      te = t;
      balance = classBalance(t.confusion, result.model.classes, result.model.classNames ?? trainSet.classNames);
    }
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
  // A deep network of a depth curriculum starts trained: "no better than its first epoch" is measured
  // against the shallow network's first epoch, which a resumed run reads from its checkpoint
  // (version 3); a checkpoint older than that does not hold it: then only the chance test applies
  // (NaN skips the other), as the version that wrote it decided.
  const deep = resolved.curriculum > 0 && resolved.steps > resolved.curriculum;
  const failure = trainingFailure(result.history, tr.loss, result.model.classes, resolved, result.curriculum?.firstTrainLoss ?? (deep ? NaN : undefined), regression, regression ? undefined : trainSet.y.subarray(0, trainSet.n), regression ? undefined : tr.accuracy);
  const epochSeconds = result.history.reduce((s, m) => s + m.seconds, 0) / Math.max(1, result.history.length);
  // The time line adds up: total = before the epochs (restart trials, setup) + the epochs run here.
  const epochsRun = timed.length - epochsFrom.epoch;
  const timedSeconds = timed.reduce((s, m) => s + m.seconds, 0) / Math.max(1, timed.length);
  // The timed run is the trainer's own (the first weight-decay candidate); a candidate trained
  // ahead of it may be the model kept (its epochs are the header's).
  const wd = result.weightDecay;
  const ensemble = result.ensemble ?? null;
  const timedKept = ensemble !== null || wd == null || wd.chosen === wd.candidates[0].weightDecay;
  const ahead = aheadPhases.map((p) => (p.weightDecay === undefined || wd == null ? p : { ...p, note: p.weightDecay === wd.chosen ? `kept: the model, ${result.history.length} epochs` : "not kept" }));
  const timeLine = wallTimeLine(result.seconds, epochsWall, epochsFrom.epoch, epochsRun, timedSeconds, found !== undefined, ensemble !== null ? `member ${ensemble.members.length}/${ensemble.members.length}` : wd ? `λ ${wd.candidates[0].weightDecay} run` : undefined, ahead, timedKept);
  const training = trainingRecord({
    command,
    source: source.data ?? name,
    options: resolved,
    splitSeed,
    testFraction,
    data: ds,
    selection: { chosenRestart: result.chosenRestart, restartLosses: result.restartLosses },
    model: result.model,
    train: trainSet,
    test,
    ensemble,
  });

  // A fitted or table device is only known over its measured currents: say so when the trained
  // network relies on the curve's extrapolation (docs/devices.md, "Measured current range").
  const drive = driveRange(result.model, trainSet.x, trainSet.n);
  const driveWarning = driveRangeWarning(drive, `the ${trainSet.n} training rows`);
  // Held-out evidence that the run learned nothing (a warning: docs/training.md, "A run that learned nothing").
  const chanceWarning = failure !== null || regression || !result.validation ? null : validationChanceWarning(result.validation, trainSet.y.subarray(0, trainSet.n), result.model.classes);
  const warnings = [...(variationWarning === null ? [] : [`--train-variation: ${variationWarning}`]), ...(repeatedWarning === null ? [] : [repeatedWarning]), ...dataWarningLines, ...(driveWarning === null ? [] : [driveWarning]), ...(chanceWarning === null ? [] : [chanceWarning])];
  const modelName = failure === null ? "model.json" : "model.failed.json";
  writeFileAtomic(join(out, modelName), trainedModelText(result.model, training, resolved));
  writeFileAtomic(join(out, "metrics.csv"), metricsCsv(result.history));
  writeFileAtomic(join(out, "timing.csv"), timingCsv(result.history));
  const checkpointHere = every !== undefined && resolve(checkpointDir) === resolve(join(out, "checkpoint"));
  removeStale(out, earlier, [modelName, "metrics.csv", "timing.csv", ...(checkpointHere || found !== undefined ? ["checkpoint"] : [])]);
  const balanceLine = classBalanceLine(balance);
  const summary = {
    task: name,
    data: source.data ?? null,
    samples: { train: trainSet.n, test: test.n },
    k: result.model.k,
    steps: result.model.steps,
    ...(regression ? { problem: "regression", outputs: result.model.classes } : { classes: result.model.classes }),
    epochs: result.history.length,
    features: inputs,
    featureMap: featureMap?.expressions ?? null,
    validation: result.validation ?? null,
    weightDecay: { value: resolved.weightDecay, choice: result.weightDecay ?? null },
    ensemble,
    seed: resolved.seed,
    precision: resolved.precision,
    engine: result.engine,
    splitSeed,
    ...(regression ? { trainMse: tr.mse, testMse: te.mse, trainR2: tr.accuracy, testR2: te.accuracy } : { trainAccuracy: tr.accuracy, testAccuracy: te.accuracy }),
    ...(balance !== null ? { testBalancedAccuracy: balance.balancedAccuracy, testMajorityAccuracy: balance.majorityAccuracy } : {}),
    trainLoss: tr.loss,
    testLoss: te.loss,
    seconds: result.seconds,
    secondsPerEpoch: epochSeconds,
    status: failure === null ? "ok" : "failed",
    model: join(out, modelName),
    metrics: join(out, "metrics.csv"),
    resumedFrom: found ? { checkpoint: found.path, epoch: found.checkpoint.epochsDone } : null,
    checkpoint: lastGood?.path ?? null,
    driveRange: drive.oscillators === 0 ? null : drive,
    warnings,
  };
  // The oscillators: features and extra ones, per member for an ensemble (its members side by side).
  const perMember = ensemble === null ? summary.k : summary.k / ensemble.members.length;
  const oscText = ensemble !== null ? ` (${ensemble.members.length} members of ${perMember}${perMember > inputs ? `: ${inputs} feature${inputs === 1 ? "" : "s"} + ${perMember - inputs} extra` : ""})` : perMember > inputs ? ` (${inputs} feature${inputs === 1 ? "" : "s"} + ${perMember - inputs} extra)` : "";
  // (the --train-variation and repeated-rows warnings were printed before the work)
  if (driveWarning !== null) io.stderr(`dynaspin train: warning: ${driveWarning}\n`);
  if (chanceWarning !== null) io.stderr(`dynaspin train: warning: ${chanceWarning}\n`);
  if (flags.boolean("json")) {
    io.stdout(JSON.stringify({ ...summary, cost: costOf(result.model, test.x, test.n, resolved.hardware ?? undefined, costProfile, flags.string("hardware")).json }) + "\n");
  } else if (regression) {
    const v = result.validation;
    io.stdout(
      `trained ${name} (regression of ${(result.model.targetNames ?? ["target"]).join(", ")}): k=${summary.k}${oscText}${featureMap ? ` features ${featureMap.expressions.join(",")}` : ""} steps=${summary.steps} outputs=${result.model.classes} epochs=${summary.epochs} seed=${summary.seed}\n` +
        (result.curriculum ? `  depth curriculum: a ${result.curriculum.steps}-step network trained first; its steps and readout start the ${summary.steps}-step one (docs/training.md, "Depth curriculum")\n` : "") +
        (ensemble ? `  ${ensembleLine(ensemble, true)}\n` : "") +
        (v && !ensemble ? `  validation R² ${v.accuracy.toFixed(4)}  loss ${v.loss.toFixed(4)}  (${v.n} of the training rows; best at epoch ${v.epoch}, restored)\n` : "") +
        `  train MSE ${fmtMse(tr.mse as number)}  R² ${tr.accuracy.toFixed(4)}  (${trainSet.n} samples)\n` +
        `  test  MSE ${fmtMse(te.mse as number)}  R² ${te.accuracy.toFixed(4)}  (${test.n} samples)\n` +
        `  ${timeLine}; engine ${result.engine}\n` +
        (found ? `  resumed from ${found.path} at epoch ${found.checkpoint.epochsDone}\n` : "") +
        `  wrote ${summary.model} and ${summary.metrics}${lastGood && every !== undefined ? `; checkpoint ${lastGood.path} (epoch ${lastGood.epoch})` : ""}\n`,
    );
  } else {
    io.stdout(
      `trained ${name}: k=${summary.k}${oscText}${featureMap ? ` features ${featureMap.expressions.join(",")}` : ""} steps=${summary.steps} classes=${result.model.classes} epochs=${summary.epochs} seed=${summary.seed}${resolved.precision === "float32" ? " precision=float32 (accuracies in float64)" : ""}\n` +
        (result.curriculum ? `  depth curriculum: a ${result.curriculum.steps}-step network trained first; its steps and readout start the ${summary.steps}-step one (docs/training.md, "Depth curriculum")\n` : "") +
        (result.weightDecay ? `  weight decay ${result.weightDecay.chosen} (chosen by validation loss${ensemble ? " on member 1's fold" : ""}: ${result.weightDecay.candidates.map((c) => `λ ${c.weightDecay} → ${c.loss.toFixed(4)}`).join(", ")})\n` : "") +
        (ensemble ? `  ${ensembleLine(ensemble)}\n` : "") +
        (result.validation && !ensemble ? `  validation accuracy ${(result.validation.accuracy * 100).toFixed(2)}%  loss ${result.validation.loss.toFixed(4)}  (${result.validation.n} of the training rows; best at epoch ${result.validation.epoch}, restored)\n` : "") +
        `  train accuracy ${(tr.accuracy * 100).toFixed(2)}%  loss ${tr.loss.toFixed(4)}  (${trainSet.n} samples)\n` +
        `  test  accuracy ${(te.accuracy * 100).toFixed(2)}%  loss ${te.loss.toFixed(4)}  (${test.n} samples)\n` +
        (balanceLine !== null ? `  test ${balanceLine}\n` : "") +
        `  ${timeLine}; engine ${result.engine}\n` +
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

/**
 * How `train` names a phase before the run itself ({@link TrainingStage}): the progress line's
 * label and first status, and what an interrupt stopped.
 */
export function phaseText(st: TrainingStage): { label: string; status: string; what: string } {
  const n0 = st.steps;
  const m = st.member;
  if (m !== null) {
    const who = `member ${m.index + 1} of ${m.count}`;
    if (st.kind === "candidate") return { label: `member ${m.index + 1}/${m.count} λ ${st.weightDecay} candidate`, status: `(cross-validation ensemble; the weight decay is chosen by validation loss on member 1's fold)`, what: `the λ ${st.weightDecay} weight-decay candidate of ensemble ${who}` };
    return { label: `member ${m.index + 1}/${m.count}`, status: `(cross-validation ensemble: each member trains on ${m.count - 1} of ${m.count} folds)`, what: `ensemble ${who}` };
  }
  if (st.network === "starter") {
    if (st.kind === "candidate") {
      return {
        label: `${n0}-step λ ${st.weightDecay} candidate`,
        status: `(depth curriculum: the ${n0}-step network first; its weight decay is chosen by validation loss)`,
        what: `the ${n0}-step network's λ ${st.weightDecay} weight-decay candidate of the depth curriculum`,
      };
    }
    return { label: `${n0}-step network`, status: `(depth curriculum: the ${n0}-step network first)`, what: `the ${n0}-step network of the depth curriculum` };
  }
  return { label: `λ ${st.weightDecay} candidate`, status: "(the weight decay is chosen by validation loss)", what: `the λ ${st.weightDecay} weight-decay candidate` };
}

/**
 * The output line of a cross-validation ensemble: its members and each one's fold score, e.g.
 * `ensemble of 3 networks (cross-validation bagging; the model averages their logits): validation accuracy on each member's own fold 98.03 %, 99.34 %, 99.34 % (152, 152, 151 rows; docs/training.md)`.
 */
export function ensembleLine(e: EnsembleRecord, regression = false): string {
  const scores = e.members.map((m) => (regression ? `R² ${m.validation.accuracy.toFixed(4)}` : `${(m.validation.accuracy * 100).toFixed(2)} %`)).join(", ");
  return `ensemble of ${e.members.length} networks (cross-validation bagging; the model averages their ${regression ? "outputs" : "logits"}): validation ${regression ? "" : "accuracy "}on each member's own fold ${scores} (${e.members.map((m) => m.validation.n).join(", ")} rows; docs/training.md)`;
}

/** How the time line names a phase before the run itself ({@link wallTimeLine}); `weightDecay` marks the run's own candidates. */
function aheadPhase(st: TrainingStage): AheadPhase & { weightDecay?: number } {
  const n0 = st.steps;
  const m = st.member;
  if (m !== null) return st.kind === "candidate" ? { what: `member ${m.index + 1}/${m.count}'s λ ${st.weightDecay} candidate`, seconds: 0 } : { what: `member ${m.index + 1}/${m.count}`, seconds: 0 };
  if (st.network === "starter") {
    return st.kind === "candidate" ? { what: `${n0}-step network's λ ${st.weightDecay} candidate`, seconds: 0, note: "depth curriculum" } : { what: `${n0}-step network`, seconds: 0, note: "depth curriculum: the deep one starts from it" };
  }
  return { what: `λ ${st.weightDecay} candidate`, seconds: 0, weightDecay: st.weightDecay };
}

/** Seconds with enough digits to be read (3 significant below 10 s). */
function secs(s: number): string {
  return s >= 10 ? s.toFixed(1) : s >= 0.001 ? String(Number(s.toPrecision(3))) : s.toExponential(1);
}

/** A whole training run before the timed one (a weight-decay candidate, a depth curriculum's shallow network), as the time line names it. */
export interface AheadPhase {
  /** What was trained, e.g. "λ 0.3 candidate", "4-step network". */
  what: string;
  /** Its wall time, seconds. */
  seconds: number;
  /** In parentheses after the time, e.g. "kept: the model, 560 epochs". */
  note?: string;
}

/**
 * The wall-time line of `train`, whose parts add up to the total, in the order they ran: the whole
 * runs trained before the timed one (`ahead`: weight-decay candidates, a depth curriculum's shallow
 * network, each with its time and whether it is the model kept), then `wall time 0.606 s total:
 * restart trials and setup 0.501 s (epochs 1–20 of the kept run among them), epochs 21–200 0.105 s
 * (0.582 ms each, of which 0.445 ms training steps)`; the rest of an epoch evaluates its loss and accuracy.
 * @param from epochs the timed run had done when its timed epochs began (restart trials, a resume).
 * @param timedRun the timed run's name when other runs trained too ("λ 0 run"), else the kept run.
 * @param kept whether the timed run is the model kept (false when a candidate ahead of it won).
 */
export function wallTimeLine(total: number, epochsWall: number, from: number, epochs: number, stepSeconds: number, resumed = false, timedRun?: string, ahead: readonly AheadPhase[] = [], kept = true): string {
  const aheadSeconds = ahead.reduce((t, p) => t + p.seconds, 0);
  const before = Math.max(0, total - epochsWall - aheadSeconds);
  const each = epochs > 0 ? epochsWall / epochs : 0;
  const ms = (x: number) => String(Number((x * 1000).toPrecision(3)));
  const first = ahead.map((p) => `${p.what} ${secs(p.seconds)} s${p.note ? ` (${p.note})` : ""}, `).join("");
  if (epochs <= 0) return `wall time ${secs(total)} s total${first ? `: ${first.slice(0, -2)}` : ""}`;
  const range = epochs === 1 ? `epoch ${from + 1}` : `epochs ${from + 1}–${from + epochs}`;
  const run = timedRun ? `the ${timedRun}'s` : "the kept run's";
  const what = resumed ? `setup ${secs(before)} s (resumed after epoch ${from})` : from > 0 ? `restart trials and setup ${secs(before)} s (${run} epochs 1–${from} among them)` : `setup ${secs(before)} s`;
  const head = before >= 0.0005 || resumed ? `${what}, ` : "";
  return `wall time ${secs(total)} s total: ${first}${head}${timedRun ? `${range} of the ${timedRun}` : range} ${secs(epochsWall)} s (${ms(each)} ms each, of which ${ms(Math.min(stepSeconds, each))} ms training steps${kept ? "" : "; not the model kept"})`;
}

/** A mean squared error with 4 significant digits (in the targets' units², any scale). */
export function fmtMse(v: number): string {
  return Number.isFinite(v) ? (v !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e5) ? v.toExponential(3) : String(Number(v.toPrecision(4)))) : String(v);
}

/**
 * The progress line's status after epoch `m`: its training loss and the test score of the last
 * epoch that evaluated it (`tested`; the test set is evaluated every `evalEvery` epochs).
 */
function epochStatus(m: EpochMetrics, tested: EpochMetrics | null = m): string {
  const t = tested ?? m;
  if (m.testMse !== undefined) return `loss ${m.trainLoss.toPrecision(4)}${Number.isNaN(t.testMse ?? NaN) ? "" : ` test MSE ${fmtMse(t.testMse as number)}`}`;
  return `loss ${m.trainLoss.toFixed(4)}${Number.isNaN(t.testAccuracy) ? "" : ` test acc ${(t.testAccuracy * 100).toFixed(1)}%`}`;
}

/** A final loss within this fraction of chance's loss counts as chance ({@link trainingFailure}). */
export const CHANCE_MARGIN = 0.01;
/**
 * The same margin for a run whose training accuracy is no better than predicting the most frequent
 * class ({@link MAJORITY_MARGIN}): 256 oscillators on a 3-feature, 3-class table predicted one class
 * for every row (33.45 % = that class's share) at loss 1.0865, 1.1 % below ln 3, and exited 0.
 */
export const CHANCE_MARGIN_AT_MAJORITY = 0.05;
/** Training accuracy within this many (absolute) of the most frequent class's share counts as predicting that class. */
export const MAJORITY_MARGIN = 0.01;

/**
 * Why a finished run counts as failed, or null: its final training loss is no better than chance
 * (within {@link CHANCE_MARGIN}, 1 %, of it) or than after its first epoch. Chance is what a
 * network that ignores its input scores: predicting the training rows' class frequencies π, loss
 * H(π) = −Σ π_c·ln π_c (ln C for balanced classes). A run stuck at a class-merging plateau ends a
 * hair below it (two moons, 200 oscillators: 0.6920 against ln 2 = 0.6931, 50.0 % accuracy).
 * @param firstLoss the training loss after the first epoch of the whole training: for a depth
 *   curriculum that of the shallow network trained first (the deep network starts trained, so its
 *   own first epoch is no measure of having learned); NaN skips this test. @default history[0].trainLoss
 * @param regression a regression model (`classes` = its outputs m): chance is predicting the
 *   training mean, loss ½·m on the standardised targets (R² = 0).
 * @param labels the training labels (class indices < classes), for the class frequencies. @default balanced classes
 * @param finalAccuracy the final training accuracy: when it is within {@link MAJORITY_MARGIN} of the
 *   most frequent class's share, a loss within {@link CHANCE_MARGIN_AT_MAJORITY} (5 %) of chance
 *   fails (with the automatic budget; an explicit --epochs keeps 1 %).
 */
export function trainingFailure(history: EpochMetrics[], finalLoss: number, classes: number, o: ResolvedTrainOptions, firstLoss?: number, regression = false, labels?: ArrayLike<number>, finalAccuracy?: number): string | null {
  const chance = regression ? 0.5 * classes : Math.log(classes);
  // The automatic budget counts optimiser updates (--updates); --epochs would switch it off.
  const budget = o.auto ? `more --updates (now ${o.updates})` : `more --epochs (now ${o.epochs})`;
  const hint = `try a smaller --lr (now ${o.lr})${o.schedule === "constant" ? " or --schedule cosine" : ""}, or ${budget}`;
  if (regression && !(finalLoss < chance * (1 - CHANCE_MARGIN))) return `final training loss ${finalLoss.toPrecision(4)} is no better than predicting the mean of the targets (${chance}, R² <= 0); ${hint}`;
  if (!regression) {
    const prior = labels !== undefined && labels.length > 0 ? priorEntropy(labels, classes) : chance;
    const majority = labels !== undefined && labels.length > 0 ? majorityShare(labels, classes) : 1 / classes;
    // (The automatic budget only: an explicit --epochs is the user's budget, often a smoke test of a few epochs.)
    const oneClass = o.auto && finalAccuracy !== undefined && finalAccuracy <= majority + MAJORITY_MARGIN;
    if (!(finalLoss < prior * (1 - (oneClass ? CHANCE_MARGIN_AT_MAJORITY : CHANCE_MARGIN)))) {
      const what = prior >= chance * (1 - CHANCE_MARGIN) ? `chance (ln ${classes} = ${chance.toFixed(4)})` : `chance (predicting the class frequencies: ${prior.toFixed(4)})`;
      const acc = oneClass && finalLoss < prior * (1 - CHANCE_MARGIN) ? ` and its training accuracy ${((finalAccuracy as number) * 100).toFixed(2)} % that of predicting the most frequent class (${(majority * 100).toFixed(2)} %)` : "";
      return `final training loss ${finalLoss.toPrecision(4)} is no better than ${what}${acc}; ${hint}`;
    }
  }
  const first = firstLoss ?? (history.length >= 2 ? history[0].trainLoss : NaN);
  // (NaN: no first-epoch baseline, e.g. a resumed depth curriculum, whose shallow network is gone.)
  if (Number.isFinite(first) && !(finalLoss < first)) {
    return `final training loss ${finalLoss.toPrecision(4)} is no better than after the first epoch (${first.toPrecision(4)}); ${hint}`;
  }
  return null;
}

/** Significance level of {@link validationChanceWarning}'s one-sided binomial test. */
export const VALIDATION_CHANCE_ALPHA = 0.05;

/**
 * P(X ≥ k) for X ~ Binomial(n, p): the one-sided p-value of k successes in n trials, summed in
 * log space (exact for any n a validation split has).
 */
export function binomialUpperTail(k: number, n: number, p: number): number {
  if (k <= 0) return 1;
  if (k > n) return 0;
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  const lf = new Float64Array(n + 1);
  for (let i = 2; i <= n; i++) lf[i] = lf[i - 1] + Math.log(i);
  let sum = 0;
  for (let i = k; i <= n; i++) sum += Math.exp(lf[n] - lf[i] - lf[n - i] + i * Math.log(p) + (n - i) * Math.log1p(-p));
  return Math.min(1, sum);
}

/**
 * A warning when a run's held-out rows say it learned nothing, or null: its validation accuracy
 * is not significantly above the most frequent class's share of the training rows (a one-sided
 * binomial test at {@link VALIDATION_CHANCE_ALPHA}, the validation rows' correct predictions
 * against that share). The training-loss test ({@link trainingFailure}) misses such runs: with
 * early stopping the kept parameters fit the noise a little (random labels: training loss 6 %
 * below ln 2, validation 51.6 %, exit 0). A warning, not exit 1: the best validation score of a
 * run is chosen among its epochs, and a 20 % split is small, so a weak real signal fails the test
 * too (a linear signal whose best accuracy is 60 %: 6 of 12 runs, all four at 300 rows; random
 * labels: 19 of 24; docs/results.md, "eighth pass: defaults2").
 * @param labels the training labels (class indices < classes), for the most frequent class's share
 */
export function validationChanceWarning(validation: { n: number; accuracy: number }, labels: ArrayLike<number>, classes: number): string | null {
  if (!(validation.n > 0) || !Number.isFinite(validation.accuracy) || labels.length === 0) return null;
  const majority = majorityShare(labels, classes);
  const correct = Math.round(validation.accuracy * validation.n);
  const p = binomialUpperTail(correct, validation.n, majority);
  if (!(p > VALIDATION_CHANCE_ALPHA)) return null;
  return `validation accuracy ${(validation.accuracy * 100).toFixed(2)} % on ${validation.n} held-out training rows is not significantly above predicting the most frequent class (${(majority * 100).toFixed(2)} %; one-sided binomial p = ${p.toFixed(2)}): the network may have learned nothing; check the label column and the features, or compare with a simple model`;
}

/** Share of `labels` in the most frequent class. */
function majorityShare(labels: ArrayLike<number>, classes: number): number {
  const count = new Float64Array(classes);
  for (let i = 0; i < labels.length; i++) count[labels[i]]++;
  return Math.max(...count) / labels.length;
}

/** Entropy −Σ π_c·ln π_c (nats) of the class frequencies π of `labels`. */
function priorEntropy(labels: ArrayLike<number>, classes: number): number {
  const count = new Float64Array(classes);
  for (let i = 0; i < labels.length; i++) count[labels[i]]++;
  let h = 0;
  for (const c of count) if (c > 0) h -= (c / labels.length) * Math.log(c / labels.length);
  return h;
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
  kept: () => { path: string; epoch: number; member?: string } | undefined,
  hint: string | null,
  io: CommandIO,
): number {
  const run = trainer.run;
  const ens = trainer.ensemble;
  const of = ens === null ? "" : ` of ensemble member ${ens.count} of ${ens.count}`;
  const where = run === null ? `during the restart trials (restart ${trainer.restart + 1} of ${trainer.options.restarts})${of}` : `after epoch ${run.epochsDone} of ${trainer.options.epochs}${of}`;
  let what: string;
  if (save !== null && run !== null) {
    save();
    const k = kept()!;
    what = `checkpoint kept: ${k.path} (${k.member ? `${k.member}, ` : ""}epoch ${k.epoch}); resume with: ${hint}`;
  } else if (save !== null) {
    const k = kept();
    what = k ? `checkpoint kept: ${k.path} (${k.member ? `${k.member}, ` : ""}epoch ${k.epoch}); resume with: ${hint}` : "no checkpoint yet (the restart trials are not checkpointed); nothing was written";
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
  usage: "dynaspin train --task spiral|digits|mnist|plane|multi-gaussian | --data FILE.csv [--problem classification|regression] [--workers N] [--engine auto|native|wasm] [--precision float64|float32] [--steps N] [--epochs E] [--batch B] [--lr X] [--seed S] [--split-seed S] [--device NAME|FILE] [--out DIR] [--checkpoint-every N [--checkpoint-dir DIR]] [--resume DIR] [--force]",
  flags: FLAGS,
  run,
};
