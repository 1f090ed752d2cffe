/// <reference lib="webworker" />
/**
 * The training worker: owns the data and the library's own step-by-step training (`Trainer`, the
 * loop `dynaspin train` runs), so the page never freezes. The run's options come from the
 * `dynaspin train` command line of the page state, resolved by the CLI's own code
 * (src/cli/train-options.ts), so the exported model equals the CLI's byte for byte.
 *
 * Every phase of the library's training is staged, so the page shows it learn and a pause takes
 * effect between two epochs: a depth curriculum's starter network (`stagedCurriculum`), the
 * automatic weight decay's other candidates (`stagedAlternatives`: each a whole run with its own
 * restarts and epochs, trained before the run itself, as `dynaspin train` trains them), the
 * restart trials, then the epochs of the kept run. Same bits as training each in one go.
 *
 * Training goes at a chosen speed (epochs per second, or as fast as possible in ~50 ms slices);
 * every epoch's metrics are posted, and a snapshot (parameters, states, input-plane maps,
 * currents, confusion) at most every 200 ms.
 */
import {
  makeSpiral,
  makeSynthetic,
  makeRegressionSet,
  evaluateRegression,
  predictValues,
  parseDigits,
  parseCsvDataset,
  curveFromSpec,
  Trainer,
  TrainingRun,
  resolveTrainOptions,
  runForward,
  evaluate,
  parseModel,
  inputCount,
  columnCount,
  inputPlane,
  robustnessSweep,
  type Dataset,
  type EpochMetrics,
} from "../../src/index.js";
import { oscillatorCount, classCountOf, CURRICULUM_FINE_TUNE, featureCount, featureMapOf } from "../../src/train/train.js";
import { extraInput } from "../../src/network/model.js";
import { parseTrainArgs, dataSourceFromFlags, trainOptionsFromFlags, splitDataset, trainingRecord, trainedModelText } from "../../src/cli/train-options.js";
import { cliArgs } from "./cli.js";
import type { TrainingStage } from "../../src/train/train.js";
import type { FromWorker, ToWorker, RunConfig, Snapshot, DataInfo, RunPlan, Pace, Stage } from "./protocol.js";

const ctx = self as unknown as DedicatedWorkerGlobalScope;
const post = (m: FromWorker, transfer: Transferable[] = []): void => ctx.postMessage(m, transfer);

interface Session {
  config: RunConfig;
  args: string[];
  source: string;
  splitSeed: number;
  testFraction: number;
  /** The whole data set (its hash goes into the exported record, as the CLI's). */
  data: Dataset;
  train: Dataset;
  test: Dataset;
  trainer: Trainer;
  running: boolean;
  lastSnapshot: number;
  /** What made this run differ from the CLI command (live changes, continuation, import). */
  changes: string[];
  /** Identifies the network (for results computed on it). */
  id: number;
  /** What the library planned (the options before any live change). */
  plan: RunPlan;
  /** Set when the run has ended and the library restored its kept parameters (Trainer.finish). */
  kept: Snapshot["kept"];
  /** True while the page's curves show a kept weight-decay candidate's history instead of the run's. */
  keptHistory: boolean;
}

let session: Session | null = null;
let timer: ReturnType<typeof setTimeout> | null = null;
/** Epochs per second; 0 = as fast as possible. */
let speed = 0;
/** Worker-clock times (ms) at which the recent epochs began, since the speed was last set or training (re)started. */
let pace: number[] = [];

/** The measured training rate over the recent epochs (each gap between epoch starts counts). */
function paceNow(): Pace {
  const n = pace.length;
  const rate = n >= 2 ? ((n - 1) * 1000) / (pace[n - 1] - pace[0]) : NaN;
  return { speed, epochs: n, rate };
}
let nextId = 1;

/** The data set the CLI would load for these flags (generated, shipped digits, or the uploaded CSV). */
function dataset(config: RunConfig, source: ReturnType<typeof dataSourceFromFlags>["source"]): Dataset {
  switch (source.task) {
    case "spiral":
      return makeSpiral(source.spiral ?? {});
    case "circles":
    case "xor":
    case "gaussians":
      return makeSynthetic(source.task, source.synthetic ?? {});
    case "plane":
    case "multi-gaussian":
      return makeRegressionSet(source.task, source.synthetic ?? {});
    case "digits":
      if (config.digitsText === undefined) throw new Error("digits data not loaded");
      return parseDigits(config.digitsText, "digits.csv");
    case undefined:
      if (!config.csv) throw new Error("no CSV file loaded: choose one with “Upload CSV”");
      return parseCsvDataset(config.csv.text, { file: config.csv.name, ...(source.header !== undefined ? { header: source.header } : {}), ...(source.problem === "regression" ? { problem: "regression" as const } : {}) });
    default:
      throw new Error(`the playground cannot load task ${source.task}`);
  }
}

/** A plain message when the test share holds out no rows (e.g. one row per class). */
function checkTestShare(ds: Dataset, fraction: number, name: string): void {
  if (ds.targets !== undefined) {
    if (Math.round(fraction * ds.n) > 0) return;
    throw new Error(`${name}: a test share of ${Math.round(fraction * 100)} % of ${ds.n} rows holds out none, so there would be nothing to test on; add rows or raise the test share.`);
  }
  const counts = new Array<number>(ds.classNames.length).fill(0);
  for (let r = 0; r < ds.n; r++) counts[ds.y[r]]++;
  const held = counts.reduce((s, c) => s + Math.round(fraction * c), 0);
  if (held > 0) return;
  const smallest = Math.min(...counts.filter((c) => c > 0));
  const need = Math.ceil(0.5 / fraction);
  throw new Error(
    `${name}: a test share of ${Math.round(fraction * 100)} % holds out no rows, so there would be nothing to test on: ` +
      `each class has at most ${Math.max(...counts)} row${Math.max(...counts) === 1 ? "" : "s"} (smallest ${smallest}). ` +
      `Add rows (at least ${need} per class at this share) or raise the test share.` +
      // A continuous target (TensorFlow Playground's regression data) is not a set of classes.
      (ds.classNames.length > ds.n / 3 && ds.classNames.every((c) => c.trim() !== "" && Number.isFinite(Number(c)))
        ? ` The label column holds ${ds.classNames.length} different numbers in ${ds.n} rows: it looks like a measured quantity, not class names, and this network classifies (each distinct label is a class).`
        : ""),
  );
}

function configure(config: RunConfig): void {
  stop();
  session = null;
  const s = config.state;
  const args = cliArgs(s, config.csv?.name);
  const flags = parseTrainArgs(args);
  const { source, name } = dataSourceFromFlags(flags, "train");
  const ds = dataset(config, source);
  checkTestShare(ds, flags.number("test-fraction") ?? 0.2, config.csv?.name ?? name);
  const split = splitDataset(ds, flags);
  const options = trainOptionsFromFlags(flags, name);
  const devices = curveFromSpec(config.device, "device.");
  // A depth curriculum's starter network and the weight-decay candidates train step by step here,
  // so the page shows them learn and can pause them (nothing trains in the constructor).
  const trainer = new Trainer(split.train, { ...options, devices, test: split.test }, { stagedCurriculum: true, stagedAlternatives: true });
  const o = trainer.options;
  const st = trainer.starter;
  const inputs = featureCount(o, ds.d);
  const k = oscillatorCount(o, inputs, classCountOf(split.train, options.classes));
  const plan: RunPlan = {
    k,
    inputs,
    extraP0: o.extraP0,
    steps: o.steps,
    epochs: o.epochs,
    auto: o.auto,
    updates: o.updates,
    updatesPerEpoch: o.batchSize === 0 ? 1 : Math.ceil(trainer.trainSet.n / o.batchSize),
    batchSize: o.batchSize,
    lr: o.lr,
    weightDecay: o.weightDecay,
    l1: o.l1,
    inputNames: featureMapOf(o, ds.d)?.expressions ?? ds.featureNames.slice(0, inputs),
    restarts: o.restarts,
    trialEpochs: trainer.trialLength,
    weightDecays: trainer.pendingAlternatives.length ? [...trainer.pendingAlternatives.map((a) => a.weightDecay), o.weightDecay] : [],
    fitRows: trainer.trainSet.n,
    valRows: trainer.val?.n ?? 0,
    patience: o.patience,
    curriculum: st && {
      steps: st.options.steps,
      weightDecays: st.pendingAlternatives.length ? [...st.pendingAlternatives.map((a) => a.weightDecay), st.options.weightDecay] : [],
      epochs: st.options.epochs,
      restarts: st.options.restarts,
      trialEpochs: st.trialLength,
      lr: st.options.lr,
      batchSize: st.options.batchSize,
      weightDecay: st.options.weightDecay,
      updatesPerEpoch: st.options.batchSize === 0 ? 1 : Math.ceil(st.trainSet.n / st.options.batchSize),
      fitRows: st.trainSet.n,
    },
  };
  session = {
    config,
    args,
    source: source.data ?? name,
    splitSeed: split.splitSeed,
    testFraction: split.testFraction,
    data: ds,
    train: split.train,
    test: split.test,
    trainer,
    running: false,
    lastSnapshot: 0,
    changes: [],
    id: nextId++,
    plan,
    kept: null,
    keptHistory: false,
  };
  const regression = ds.targets !== undefined;
  const counts = new Array<number>(trainer.classes).fill(0);
  for (let r = 0; r < split.test.n; r++) counts[split.test.y[r]]++;
  let targetRange = 0;
  if (ds.targets) for (let e = 0; e < ds.targets.length; e++) targetRange = Math.max(targetRange, Math.abs(ds.targets[e]));
  const info: DataInfo = {
    n: ds.n,
    d: ds.d,
    classes: trainer.classes,
    classNames: ds.classNames.slice(),
    problem: regression ? "regression" : "classification",
    ...(regression ? { targetName: ds.targetNames?.[0] ?? "target", targetRange: targetRange > 0 ? targetRange : 1 } : {}),
    trainN: split.train.n,
    testN: split.test.n,
    majority: Math.max(...counts) / split.test.n,
    points: null,
    args,
    plan,
  };
  if (ds.d === 2) {
    const n = split.train.n + split.test.n;
    const x = new Float64Array(n), y = new Float64Array(n), label = new Int32Array(n);
    const value = regression ? new Float64Array(n) : undefined;
    let r = 0;
    for (const part of [split.train, split.test]) {
      for (let i = 0; i < part.n; i++, r++) {
        x[r] = part.x[2 * i];
        y[r] = part.x[2 * i + 1];
        // A regression's points are coloured by the sign of their target (the field shows its size).
        label[r] = value && part.targets ? (part.targets[i] >= 0 ? 1 : 0) : part.y[i];
        if (value && part.targets) value[r] = part.targets[i];
      }
    }
    info.points = { x, y, label, ...(value ? { value } : {}) };
  }
  // The first network to train (the starter of a depth curriculum, or the first weight-decay
  // candidate), initialised but not trained, so there is one to show.
  enter();
  post({ type: "ready", info, snapshot: snapshot(), run: session.id });
  status("ready");
}

/**
 * Initialises the first run of the trainer that trains next (nothing is trained: a single restart
 * is chosen at once, there is nothing to try) and starts the page's curves with its history.
 */
function enter(): void {
  const d = driver();
  if (d.run === null && d.options.restarts === 1) d.advance();
  post({ type: "metrics", reset: true, metrics: d.prepare().history.slice() });
}

/** The automatic weight decay's candidate that trains next, of the starter network or of the run (null: none left, or none). */
function candidate(): TrainingStage | null {
  const st = session?.trainer.stage;
  return st?.kind === "candidate" ? st : null;
}

/**
 * The trainer the next epoch advances: the library's phase order (Trainer.stage, as `dynaspin
 * train` follows it): a depth curriculum's starter network (its weight-decay candidates, then
 * itself), else the run's weight-decay candidates still to train, else the run's own.
 */
function driver(): Trainer {
  return session!.trainer.stage.trainer;
}

function current(): TrainingRun {
  const run = session ? driver().current : null;
  if (!run) throw new Error("no run configured");
  return run;
}

function phase(): "trial" | "train" {
  return session && driver().run === null ? "trial" : "train";
}

function stage(): Stage {
  if (!session) return "main";
  const st = session.trainer.stage;
  return st.network === "starter" ? "starter" : st.kind === "candidate" ? "candidate" : "main";
}

function status(message: string): void {
  if (!session) return;
  const t = session.trainer;
  const run = current();
  const o = driver().options;
  post({ type: "status", running: session.running, phase: phase(), stage: stage(), weightDecay: o.weightDecay, epoch: run.epochsDone, epochs: o.epochs, message, done: ended() });
}

/**
 * Which of the automatic weight decay's runs of the phase's network trains, e.g. "weight-decay
 * candidate λ 0.3 (run 1 of 2)" or "λ 0 (run 2 of 2, the run itself)"; empty without the choice.
 */
function candidateText(st: TrainingStage): string {
  const s = session!;
  const starter = st.network === "starter";
  const order = starter ? (s.plan.curriculum?.weightDecays ?? []) : s.plan.weightDecays;
  if (order.length === 0) return "";
  const c = st.candidate;
  return c ? `weight-decay candidate λ ${st.weightDecay} (run ${c.index + 1} of ${c.count})` : `λ ${order[order.length - 1]} (run ${order.length} of ${order.length}, the ${starter ? "starter network" : "run"} itself)`;
}

/** Status text while restarts are tried, a weight-decay candidate trains, or a depth curriculum's starter network trains. */
function trialText(): string {
  const st = session!.trainer.stage;
  const t = st.trainer;
  const which = [st.network === "starter" ? `starter network (${st.steps} of ${session!.plan.steps} steps)` : "", candidateText(st)].filter((w) => w !== "").join(", ");
  const where = which ? `${which}: ` : "";
  const most = t.options.patience > 0 && t.val !== null ? " at most" : "";
  if (t.run !== null) return `${where}training (epoch ${t.run.epochsDone} of ${t.options.epochs}${most})`;
  return `${where}trying initialisation ${t.restart + 1} of ${t.options.restarts} (trial epoch ${current().epochsDone} of ${t.trialLength})`;
}

/** The status of a run that is not training: finished, or paused (before the run's own epochs, saying which phase). */
function pausedText(): string {
  return ended() ? "finished" : preliminary() ? `paused: ${trialText()}` : "paused";
}

/** True while the run's own network is not yet training (restarts tried, a weight-decay candidate, or the curriculum's starter). */
function preliminary(): boolean {
  return session!.trainer.run === null;
}

/**
 * After the starter network's last epoch: the library starts the deep network from it (its steps
 * and readout, the new steps near the identity) and, with its single restart, keeps it at once.
 */
function afterStarter(): void {
  const s = session!;
  const t = s.trainer;
  if (t.starter === null || t.stage.network === "starter") return;
  const n0 = t.starter.options.steps;
  const ev = t.advance();
  const c = t.curriculum;
  post({ type: "metrics", reset: true, metrics: ev.kind === "selected" ? ev.run.history.slice() : [] });
  post({
    type: "notice",
    text:
      `The ${n0}-step starter network is trained (training loss ${c ? `${c.firstTrainLoss.toFixed(3)} → ${c.trainLoss.toFixed(3)}` : "?"}); ` +
      `steps ${n0 + 1}–${t.options.steps} are inserted after its steps, starting near the identity, and the ${t.options.steps}-step network is fine-tuned ` +
      `for ${t.options.epochs} epochs at learning rate ${t.options.lr}${t.val ? `, keeping its best validation loss (its start included)` : ""}.`,
  });
}

/**
 * After a weight-decay candidate's last epoch: says how it scored, then initialises what trains
 * next (another candidate, or the run itself, whose first `prepare()` keeps the candidates'
 * results for the choice at the end: Trainer.finish).
 */
function afterCandidate(done: TrainingStage): void {
  const c = done.trainer, weightDecay = done.weightDecay;
  const run = c.current!;
  const best = run.best;
  const ended = run.epochsDone < c.options.epochs ? `stopped early at epoch ${run.epochsDone}` : `${run.epochsDone} epochs`;
  const score = best ? `best validation loss ${best.loss.toFixed(4)} (accuracy ${(100 * best.accuracy).toFixed(1)} %) at epoch ${best.epoch}` : "no validation score";
  const s = session!;
  const next = s.trainer.stage;
  enter();
  const starter = done.network === "starter";
  const order = starter ? (s.plan.curriculum?.weightDecays ?? []) : s.plan.weightDecays;
  const itself = starter ? `the ${done.steps}-step starter network itself` : "the run itself";
  post({
    type: "notice",
    text:
      `The ${starter ? `starter network's ` : ""}weight-decay candidate λ ${weightDecay} is trained (${ended}; ${score}). ` +
      (next.kind === "candidate" && next.network === done.network
        ? `Next: the candidate λ ${next.weightDecay}.`
        : `Now ${itself} trains with λ ${next.weightDecay}; at its end the better validation score of ${order.map((w) => `λ ${w}`).join(" and ")} is kept, as dynaspin train keeps it.`),
  });
}

/** One unit of the library's training; returns the metrics to post (reset = a new curve starts). */
function advance(): { reset: boolean; metrics: EpochMetrics[]; trained: boolean } {
  const t = driver();
  const before = t.current;
  const ev = t.advance();
  if (ev.kind === "selected") return { reset: true, metrics: ev.run.history.slice(), trained: false };
  if (ev.kind === "trial") return { reset: t.current !== before, metrics: [ev.metrics], trained: true };
  return { reset: false, metrics: [ev.metrics], trained: true };
}

/**
 * When the run has just ended (budget spent or early stopping due): the library's own end of
 * training (Trainer.finish), which restores the parameters of the best validation score, as
 * `dynaspin train` saves them. Returns true when it ended now.
 */
function finishIfDone(): boolean {
  const s = session!;
  const t = s.trainer;
  if (!t.done || s.kept !== null) return false;
  const run = current();
  const stoppedEarly = run.epochsDone < t.options.epochs;
  const best = run.best;
  // (The automatic weight decay is chosen at the first end only; a continued run keeps that λ.)
  const choosing = t.weightDecayChoice === null;
  const r = t.finish(0);
  const choice = choosing ? r.weightDecay : null;
  if (choice && choice.chosen !== choice.candidates[0].weightDecay) {
    // A candidate scored better: its parameters are now the run's (Trainer.finish), and the curves
    // show its training, marked at its kept epoch.
    const v = r.validation!;
    s.kept = { epoch: v.epoch, restored: true, stoppedEarly, valLoss: v.loss, valAccuracy: v.accuracy, weightDecay: choice };
    post({ type: "metrics", reset: true, metrics: r.history.slice() });
    s.keptHistory = true;
  } else {
    s.kept = { epoch: best?.epoch ?? run.epochsDone, restored: best !== null, stoppedEarly, valLoss: best?.loss ?? NaN, valAccuracy: best?.accuracy ?? NaN, weightDecay: choice ?? null };
  }
  return true;
}

/**
 * True once the run has ended: its budget spent or early stopping due (Trainer.done), or ended and
 * kept (after Trainer.finish kept a weight-decay candidate, the library's run is not `done`: its
 * best is then the candidate's, at its last epoch).
 */
function ended(): boolean {
  const s = session!;
  return s.kept !== null || s.trainer.done;
}

/** Makes an ended run train `more` epochs further: no early stopping from here, the best
 * validation parameters of the whole run are kept again at the end. */
function extend(more: number, why: string): void {
  const s = session!;
  const t = s.trainer;
  const done = current().epochsDone;
  t.retune({ epochs: done + more, ...(t.options.patience > 0 ? { patience: 0 } : {}) });
  s.changes.push(`epoch ${done}: ${why}`);
  reopen();
}

/** An ended run trains on: it has no kept network until it ends again. */
function reopen(): void {
  const s = session!;
  s.kept = null;
  if (!s.keptHistory) return;
  // A kept weight-decay candidate's parameters train on in the run's own history.
  const run = current();
  s.keptHistory = false;
  post({ type: "metrics", reset: true, metrics: run.history.slice() });
  post({ type: "notice", text: `Training on from the kept network (the λ ${s.trainer.options.weightDecay} candidate's parameters, with its λ); the curves are the run's own again, its epochs counting on from ${run.epochsDone}.` });
}

/** Trains until `deadline`, or exactly one epoch when `one`, posting the metrics. */
function work(deadline: number, one: boolean): void {
  const s = session!;
  let batch: EpochMetrics[] = [];
  const flush = (): void => {
    if (batch.length) post({ type: "metrics", reset: false, metrics: batch, pace: paceNow() });
    batch = [];
  };
  for (;;) {
    const wasTrial = preliminary();
    const began = performance.now();
    // The phase this unit trains (Trainer.stage); when its trainer is done, the next phase begins.
    const st = s.trainer.stage;
    const r = advance();
    if (r.trained) {
      pace.push(began);
      if (pace.length > 61) pace.shift();
    }
    if (r.reset) {
      flush();
      post({ type: "metrics", reset: true, metrics: r.metrics });
    } else batch.push(...r.metrics);
    if (st.kind !== "run" && st.trainer.done) {
      flush();
      if (st.kind === "starter") afterStarter();
      else afterCandidate(st);
    }
    if (wasTrial && !preliminary()) status("training");
    if (s.trainer.done) break;
    // The choice of restart trains nothing: one epoch means one more unit then.
    if (one ? r.trained : performance.now() >= deadline) break;
  }
  flush();
}

function slice(): void {
  timer = null;
  const s = session;
  if (!s || !s.running) return;
  try {
    const t0 = performance.now();
    if (speed === 0) work(t0 + 50, false);
    else work(t0, true);
    const finished = s.trainer.done;
    if (finished) {
      s.running = false;
      finishIfDone();
    }
    // Redraw every epoch when slow enough to watch each one, else at most 5 times a second (less
    // often when a snapshot is slow to compute: SNAPSHOT_EVERY).
    if (finished || (speed > 0 && speed <= 5) || performance.now() - s.lastSnapshot > Math.max(200, SNAPSHOT_EVERY * snapshotCost)) sendSnapshot();
    if (finished) status("finished");
    else {
      if (preliminary()) status(trialText());
      // Whole milliseconds, rounded up: timers take integer delays, and rounding down would train faster than asked.
      const wait = speed === 0 ? 0 : Math.max(0, Math.ceil(1000 / speed - (performance.now() - t0)));
      timer = setTimeout(slice, wait);
    }
  } catch (e) {
    s.running = false;
    post({ type: "error", message: (e as Error).message.replace(/--lr\b/g, "learning rate") });
    status("stopped");
  }
}

function stop(): void {
  if (timer !== null) clearTimeout(timer);
  timer = null;
  if (session) session.running = false;
}

/**
 * While training, a snapshot at most every 200 ms, and no more often than every SNAPSHOT_EVERY
 * times what the last one took to compute: a digits network's snapshot (forward passes over the
 * test rows, the confusion matrix) took up to 0.15 s at load 17, so at five a second it filled most
 * of the worker's time between epochs, which slowed training and the Pause (taken between slices).
 */
const SNAPSHOT_EVERY = 5;
/** Milliseconds the last snapshot took to compute. */
let snapshotCost = 0;

function sendSnapshot(): void {
  const s = session!;
  s.lastSnapshot = performance.now();
  const snap = snapshot();
  snapshotCost = performance.now() - s.lastSnapshot;
  const transfer: Transferable[] = [snap.states.buffer, snap.currents.buffer, snap.A.buffer, snap.B.buffer, snap.W.buffer];
  if (snap.plane) transfer.push(snap.plane.p.buffer, snap.plane.label.buffer, ...(snap.plane.value ? [snap.plane.value.buffer] : []));
  post({ type: "snapshot", snapshot: snap }, transfer);
}

function snapshot(): Snapshot {
  const s = session!;
  const run = current();
  const model = run.model;
  const { k, steps, classes } = model;
  const test = s.test;
  const fw = runForward(model, test.x);
  const N = test.n;
  const osc: [number, number] = k <= 2 ? [0, Math.min(1, k - 1)] : mostVaried(fw.p, steps, N, k);
  const states = new Float64Array((steps + 1) * N * 2);
  for (let t = 0; t <= steps; t++) {
    for (let r = 0; r < N; r++) {
      states[(t * N + r) * 2] = fw.p[(t * N + r) * k + osc[0]];
      states[(t * N + r) * 2 + 1] = fw.p[(t * N + r) * k + osc[1]];
    }
  }
  // At most ~4000 currents for the histogram: every stride-th value.
  const total = fw.currents.length;
  const stride = Math.max(1, Math.ceil(total / 4000));
  const currents = new Float64Array(Math.ceil(total / stride));
  for (let i = 0, j = 0; i < total; i += stride, j++) currents[j] = fw.currents[i];
  const regression = model.problem === "regression";
  const rt = regression ? evaluateRegression(model, test) : null;
  const ev = rt ? { accuracy: rt.r2, loss: rt.loss, confusion: new Int32Array(0) } : evaluate(model, test);
  const rk = regression && s.kept ? evaluateRegression(model, s.train) : null;
  const keptTrain = rk ? { accuracy: rk.r2, loss: rk.loss } : s.kept ? evaluate(model, s.train) : null;
  const last = run.history[run.history.length - 1];
  const readout = k === 2 && classes === 2 ? { w0: model.W[2] - model.W[0], w1: model.W[3] - model.W[1], c: model.c[1] - model.c[0] } : null;
  let plane: Snapshot["plane"] = null;
  if (s.train.d === 2) {
    // Grid fine enough to read, small enough to post 5 times a second: ≤ ~300k state values.
    const n = Math.max(16, Math.min(64, Math.floor(Math.sqrt(300_000 / ((steps + 1) * k)))));
    const r = inputPlane(model, [s.train, s.test], n, 0.08);
    plane = { nx: r.nx, ny: r.ny, x0: r.x0, x1: r.x1, y0: r.y0, y1: r.y1, prob: r.prob, label: r.label, p: r.p };
    if (regression) {
      // The prediction over the plane in the target's units: mean + std·(W·p(n) + c).
      const cells = r.nx * r.ny, value = new Float64Array(cells), sc = model.targetScale;
      for (let q = 0; q < cells; q++) {
        let z = model.c[0];
        for (let j = 0; j < k; j++) z += model.W[j] * r.p[(steps * cells + q) * k + j];
        value[q] = (sc ? sc.mean[0] : 0) + (sc ? sc.std[0] : 1) * z;
      }
      plane.value = value;
      delete plane.prob;
    }
  }
  return {
    epoch: run.epochsDone,
    epochs: driver().options.epochs,
    phase: phase(),
    stage: stage(),
    weightDecay: driver().options.weightDecay,
    steps,
    k,
    classes,
    A: model.A.slice(),
    B: model.B.slice(),
    W: model.W.slice(),
    states,
    // A regression's points by the sign of their target, as in the input plane.
    stateLabels: test.targets ? Int32Array.from(test.targets, (v) => (v >= 0 ? 1 : 0)) : test.y.slice(),
    stateN: N,
    osc,
    readout,
    plane,
    currents,
    confusion: ev.confusion,
    // Once ended, the kept network's accuracy on the whole training split, as the saved model's record.
    trainAccuracy: keptTrain ? keptTrain.accuracy : last ? last.trainAccuracy : NaN,
    testAccuracy: ev.accuracy,
    trainLoss: keptTrain ? keptTrain.loss : last ? last.trainLoss : NaN,
    testLoss: ev.loss,
    trainMse: rk ? rk.mse : regression ? (last?.trainMse ?? NaN) : NaN,
    testMse: rt ? rt.mse : NaN,
    kept: s.kept,
  };
}

/** The two oscillators whose final states vary most over the test points (k > 2: the most telling plane). */
function mostVaried(p: Float64Array, steps: number, N: number, k: number): [number, number] {
  const v = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    let m = 0, q = 0;
    for (let r = 0; r < N; r++) {
      const x = p[(steps * N + r) * k + j];
      m += x;
      q += x * x;
    }
    m /= N;
    v[j] = q / N - m * m;
  }
  let a = 0;
  for (let j = 1; j < k; j++) if (v[j] > v[a]) a = j;
  let b = a === 0 ? 1 : 0;
  for (let j = 0; j < k; j++) if (j !== a && v[j] > v[b]) b = j;
  return a < b ? [a, b] : [b, a];
}

/** p(t) of one shown point (index into train then test). */
function trajectory(index: number): void {
  const s = session;
  if (!s) return;
  const part = index < s.train.n ? s.train : s.test;
  const r = index < s.train.n ? index : index - s.train.n;
  if (r < 0 || r >= part.n) return;
  const model = current().model;
  const fw = runForward(model, part.x.subarray(r * part.d, (r + 1) * part.d));
  let predicted = 0;
  for (let c = 1; c < model.classes; c++) if (fw.logits[c] > fw.logits[predicted]) predicted = c;
  const p = fw.p.slice();
  const value = model.problem === "regression" ? predictValues(model, part.x.subarray(r * part.d, (r + 1) * part.d))[0] : undefined;
  post({ type: "trajectory", index, p, k: model.k, steps: model.steps, predicted, ...(value !== undefined ? { value } : {}) }, [p.buffer]);
}

/**
 * Re-evaluates the network on `trials` device draws at one σ: `robustnessSweep`, the same Monte
 * Carlo as `dynaspin robustness --sigma σ --trials N --seed S` (trial t draws from deriveSeed(S, 0, t)).
 */
function variation(m: Extract<ToWorker, { type: "variation" }>): void {
  const s = session;
  if (!s) return;
  const run = current();
  const model = run.model;
  if (model.problem === "regression") {
    post({ type: "variation-error", message: "Device variation is measured as classification accuracy (as dynaspin robustness); it is not available for regression yet." });
    return;
  }
  try {
    const r = robustnessSweep(model, s.test, { params: [m.param], sigmas: [m.sigma], trials: m.trials, seed: m.seed, relative: m.relative });
    const st = r.stats[0];
    const accuracies = Float64Array.from(r.raw[0].correct, (c) => c / r.testSamples);
    const baseline = evaluate(model, s.test).accuracy;
    post({
      type: "variation",
      result: { param: m.param, sigma: m.sigma, relative: m.relative, trials: m.trials, mean: st.mean, p5: st.p5, p95: st.p95, accuracies, baseline, clipped: st.clipped, redraws: st.redraws, epoch: run.epochsDone, run: s.id },
    });
  } catch (e) {
    post({ type: "variation-error", message: (e as Error).message });
  }
}

function exportModel(): void {
  const s = session;
  if (!s) return;
  const t = s.trainer;
  const run = current();
  const st = t.stage;
  if (st.network === "starter") throw new Error("the depth curriculum's starter network is still training: train on until the full-depth network trains before exporting");
  const alt = candidate();
  if (alt !== null) throw new Error(`the weight-decay candidate λ ${alt.weightDecay} is still training (the automatic weight decay trains it before the run itself): train on until the run itself trains, or type a weight decay to skip the choice, before exporting`);
  if (t.run === null) throw new Error("the restarts are still being tried: train until one is chosen (or set Restarts to 1) before exporting");
  const training = trainingRecord({
    // As the CLI records it: its arguments joined by spaces.
    command: ["dynaspin", "train", ...s.args].join(" "),
    source: s.source,
    options: t.options,
    splitSeed: s.splitSeed,
    testFraction: s.testFraction,
    data: s.data,
    selection: t.selection,
    model: run.model,
    train: s.train,
    test: s.test,
  });
  const changes = s.changes.slice();
  if (!ended()) changes.push(`exported at epoch ${run.epochsDone}, before the end of the run (${t.options.epochs} epochs${t.options.patience > 0 ? " or early stopping" : ""})`);
  if (changes.length) training.playground = { note: "trained in the playground with changes the command does not repeat", changes };
  post({ type: "model", text: trainedModelText(run.model, training, t.options) });
}

function importModel(text: string, name: string): void {
  const s = session;
  if (!s) throw new Error("no data loaded");
  stop();
  const model = parseModel(text, name);
  if (columnCount(model) !== s.train.d) throw new Error(`${name}: the model reads ${columnCount(model)} input ${model.featureMap ? "columns" : "features"} but the data set has ${s.train.d}`);
  if ((model.problem === "regression") !== (s.train.targets !== undefined)) throw new Error(`${name}: the model is ${model.problem === "regression" ? "a regression model" : "a classifier"} but the data set is ${s.train.targets !== undefined ? "a regression" : "a classification"}`);
  if (model.classes < s.train.classNames.length) throw new Error(`${name}: the model has ${model.classes} classes but the data set has ${s.train.classNames.length}`);
  const o = s.trainer.options;
  // The imported model's feature map is the run's from now on (its oscillators read those features).
  const options = resolveTrainOptions({ ...o, variation: o.variation ?? undefined, hardware: o.hardware ?? undefined, steps: model.steps, oscillators: model.k, features: model.featureMap?.expressions ?? null });
  const run = new TrainingRun(model, s.train, options, o.seed, s.test, false);
  s.trainer = new Trainer(s.train, { ...options, variation: options.variation ?? undefined, hardware: options.hardware ?? undefined, oscillators: options.oscillators ?? undefined, devices: model.devices, test: s.test, resume: { run, selection: { chosenRestart: 0, restartLosses: [] } } });
  s.changes = [`imported ${name}`];
  s.id = nextId++;
  s.kept = null;
  s.keptHistory = false;
  s.plan = { ...s.plan, k: model.k, inputs: inputCount(model), inputNames: model.featureMap?.expressions ?? s.train.featureNames.slice(0, inputCount(model)), extraP0: extraInput(model), steps: model.steps, trialEpochs: 0, restarts: 1, weightDecays: [], curriculum: null };
  post({ type: "metrics", reset: true, metrics: [] });
  post({ type: "imported", steps: model.steps, k: model.k, plan: s.plan, device: model.devices.length && model.devices.every((d) => d === model.devices[0]) ? model.devices[0].toSpec() : model.devices.map((d) => d.toSpec()), run: s.id });
  sendSnapshot();
  status("imported");
}

/** Learning rate, batch size and epochs of the running network, without a reset. */
function retune(m: Extract<ToWorker, { type: "retune" }>): void {
  const s = session;
  if (!s) return;
  const c = s.plan.curriculum;
  if (c) {
    // A depth curriculum: the fields are the command's flags, i.e. the starter network's values;
    // the deep network takes the fine-tuning's share of them (CURRICULUM_FINE_TUNE), as the library plans it.
    const lr = m.lr ?? c.lr, batch = m.batch ?? c.batchSize, epochs = m.epochs ?? c.epochs, weightDecay = m.wd ?? c.weightDecay;
    const starter = s.trainer.starter;
    const doneBefore = s.trainer.done;
    const said: string[] = [];
    // The starter network's own weight-decay candidates still to train: a typed weight decay
    // replaces its automatic choice (as --weight-decay does), other changes apply to them too.
    const pending = starter?.pendingAlternatives.filter((a) => !a.trainer.done) ?? [];
    const dropped = starter !== null && pending.length > 0 && m.wd !== null;
    if (dropped) {
      const running = candidate();
      said.push(`weight decay set to ${m.wd}: the starter network's automatic choice among ${c.weightDecays.map((w) => `λ ${w}`).join(", ")} dropped${running ? ` (the λ ${running.weightDecay} candidate discarded at epoch ${running.trainer.current?.epochsDone ?? 0})` : ""}`);
      starter.pendingAlternatives = [];
      s.plan = { ...s.plan, curriculum: { ...c, weightDecays: [] } };
      post({ type: "plan", plan: s.plan });
    } else {
      for (const { trainer: a } of pending) {
        const ao = a.options;
        if (ao.lr !== lr || ao.batchSize !== batch || ao.epochs !== epochs) a.retune({ lr, batchSize: batch, epochs });
      }
    }
    if (starter) said.push(...retuneOne(starter, lr, batch, epochs, weightDecay));
    if (dropped) {
      // The starter network itself trains next.
      enter();
      sendSnapshot();
    }
    const deep = retuneOne(s.trainer, lr * CURRICULUM_FINE_TUNE.lr, batch, m.epochs === null ? s.plan.epochs : Math.max(1, Math.round(epochs * CURRICULUM_FINE_TUNE.budget)), weightDecay);
    if (!said.length && !deep.length) return;
    if (doneBefore && !s.trainer.done) reopen();
    s.changes.push(`epoch ${current().epochsDone}${starter ? " of the starter network" : ""}: ${[...said, ...deep.map((w) => `${w} (${starter ? "planned for " : ""}the ${s.plan.steps}-step network)`)].join(", ")}`);
    status(s.running ? (preliminary() ? trialText() : "training") : pausedText());
    return;
  }
  const o = s.trainer.options;
  // An empty weight-decay field is the library's λ: the planned one, or the automatic choice once made.
  const lr = m.lr ?? s.plan.lr, batch = m.batch ?? s.plan.batchSize, epochs = m.epochs ?? s.plan.epochs, weightDecay = m.wd ?? s.trainer.weightDecayChoice?.chosen ?? s.plan.weightDecay, l1 = m.l1 ?? s.plan.l1;
  const said: string[] = [];
  const alt = candidate();
  if (alt && m.wd !== null) {
    // A weight decay typed while the automatic choice's candidates train replaces the choice, as
    // --weight-decay does: the candidates are dropped and the run itself trains with it.
    said.push(`weight decay set to ${m.wd}: the automatic choice among ${s.plan.weightDecays.map((w) => `λ ${w}`).join(", ")} dropped (the λ ${alt.weightDecay} candidate discarded at epoch ${alt.trainer.current?.epochsDone ?? 0})`);
    s.trainer.pendingAlternatives = [];
    s.plan = { ...s.plan, weightDecays: [] };
    post({ type: "plan", plan: s.plan });
  } else if (alt) {
    // Other changes apply to the candidates still to train as well (from their next run not yet started, as for the run's).
    for (const { trainer: c } of s.trainer.pendingAlternatives) {
      const co = c.options;
      if (!c.done && (co.lr !== lr || co.batchSize !== batch || co.epochs !== epochs || co.l1 !== l1)) c.retune({ lr, batchSize: batch, epochs, l1 });
    }
  }
  if (weightDecay !== o.weightDecay) said.push(`weight decay ${o.weightDecay} → ${weightDecay}`);
  if (l1 !== o.l1) said.push(`L1 ${o.l1} → ${l1}`);
  if (lr !== o.lr) said.push(`learning rate ${o.lr} → ${lr}`);
  if (batch !== o.batchSize) said.push(`batch size ${o.batchSize} → ${batch}`);
  if (epochs !== o.epochs) said.push(`epochs ${o.epochs} → ${epochs}`);
  if (!said.length) return;
  const doneBefore = s.trainer.done;
  s.trainer.retune({ lr, batchSize: batch, epochs, weightDecay, l1 });
  if (alt && !candidate()) {
    // The candidates were dropped: the run itself trains next.
    enter();
    sendSnapshot();
  }
  // A longer budget after the end trains on (the kept parameters are chosen again at the new end).
  if (doneBefore && !s.trainer.done) reopen();
  s.changes.push(`epoch ${current().epochsDone}: ${said.join(", ")}`);
  status(s.running ? (preliminary() ? trialText() : "training") : pausedText());
}

/** Retunes one trainer to these values; returns what changed, in words. */
function retuneOne(t: Trainer, lr: number, batch: number, epochs: number, weightDecay: number): string[] {
  const o = t.options;
  const said: string[] = [];
  if (weightDecay !== o.weightDecay) said.push(`weight decay ${o.weightDecay} → ${weightDecay}`);
  if (lr !== o.lr) said.push(`learning rate ${o.lr} → ${lr}`);
  if (batch !== o.batchSize) said.push(`batch size ${o.batchSize} → ${batch}`);
  if (epochs !== o.epochs) said.push(`epochs ${o.epochs} → ${epochs}`);
  if (said.length) t.retune({ lr, batchSize: batch, epochs, weightDecay });
  return said;
}

ctx.onmessage = (ev: MessageEvent<ToWorker>) => {
  const m = ev.data;
  try {
    switch (m.type) {
      case "configure":
        configure(m.config);
        break;
      case "start": {
        const s = session;
        if (!s || s.running) break;
        if (ended()) {
          // Continue after the end: another budget's worth of epochs, the schedule stretched over the whole run.
          const more = s.config.state.epochs ?? s.plan.epochs;
          extend(more, `continued for ${more} more epochs`);
        }
        s.running = true;
        pace = [];
        status(preliminary() ? trialText() : "training");
        if (timer === null) timer = setTimeout(slice, 0);
        break;
      }
      case "pause":
        stop();
        if (session) {
          sendSnapshot();
          status(pausedText());
        }
        break;
      case "step": {
        const s = session;
        if (!s || s.running) break;
        const wasTrial = preliminary();
        if (ended()) extend(1, "one more epoch");
        work(0, true);
        finishIfDone();
        sendSnapshot();
        status(preliminary() ? trialText() : wasTrial ? "chose an initialisation; paused" : ended() ? "finished" : "paused");
        break;
      }
      case "speed":
        speed = m.epochsPerSecond;
        pace = [];
        break;
      case "retune":
        retune(m);
        break;
      case "variation":
        variation(m);
        break;
      case "trajectory":
        trajectory(m.index);
        break;
      case "export":
        exportModel();
        break;
      case "import":
        importModel(m.text, m.name);
        break;
    }
  } catch (e) {
    post({ type: "error", message: (e as Error).message });
  }
};
