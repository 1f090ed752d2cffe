/// <reference lib="webworker" />
/**
 * The training worker: owns the data, the network and the training loop (`TrainingRun` from the
 * core), so the page never freezes. It trains in slices of ~50 ms, posts every epoch's metrics and,
 * at most every 200 ms, a snapshot (states, decision regions, currents, confusion).
 */
import {
  makeSpiral,
  parseDigits,
  parseCsvDataset,
  stratifiedSplit,
  fitNormalization,
  createModel,
  curveFromSpec,
  TrainingRun,
  resolveTrainOptions,
  runForward,
  evaluate,
  parseModel,
  stringifyModel,
  Rng,
  deriveSeed,
  makeSynthetic,
  drawDevices,
  TASK_DEFAULTS,
  type Dataset,
  type Model,
  type EpochMetrics,
  type ResolvedTrainOptions,
} from "../../src/index.js";
import type { FromWorker, ToWorker, RunConfig, Snapshot, DataInfo } from "./protocol.js";

const ctx = self as unknown as DedicatedWorkerGlobalScope;
const post = (m: FromWorker, transfer: Transferable[] = []): void => ctx.postMessage(m, transfer);

interface Session {
  config: RunConfig;
  train: Dataset;
  test: Dataset;
  options: ResolvedTrainOptions;
  /** Candidate initialisations (restarts); after the trial, only the chosen one. */
  runs: TrainingRun[];
  chosen: boolean;
  running: boolean;
  lastSnapshot: number;
  imported: boolean;
}

let session: Session | null = null;
let timer: ReturnType<typeof setTimeout> | null = null;

function dataset(config: RunConfig): Dataset {
  const s = config.state;
  switch (s.data) {
    case "spiral":
      return makeSpiral({ count: s.count, turns: s.turns, noise: s.noise, seed: s.dataSeed });
    case "circles":
    case "xor":
    case "gaussians":
      return makeSynthetic(s.data, { count: s.count, noise: s.noise, seed: s.dataSeed });
    case "digits":
      if (config.digitsText === undefined) throw new Error("digits data not loaded");
      return parseDigits(config.digitsText, "digits.csv");
    case "csv":
      if (!config.csv) throw new Error("no CSV file loaded: choose one with “Upload CSV”");
      return parseCsvDataset(config.csv.text, { file: config.csv.name });
  }
}

function newModel(train: Dataset, classes: number, steps: number, config: RunConfig): Model {
  const curve = curveFromSpec(config.device, "device.");
  const m = createModel(train.d, steps, classes, curve);
  m.normalization = fitNormalization(train);
  m.classNames = train.classNames.slice();
  return m;
}

function configure(config: RunConfig): void {
  stop();
  session = null;
  const s = config.state;
  const ds = dataset(config);
  const split = stratifiedSplit(ds, s.dataSeed, 0.2);
  const classes = ds.classNames.length;
  const options = resolveTrainOptions({
    steps: s.steps,
    epochs: s.epochs,
    batchSize: s.batch,
    lr: s.lr,
    schedule: "cosine",
    seed: s.seed,
    restarts: s.restarts,
    // The CLI's tuned initialisation and augmentation for this kind of task.
    init: { ...TASK_DEFAULTS[s.data === "digits" ? "digits" : s.data === "csv" ? "csv" : "spiral"].init },
    inputNoise: s.data === "digits" ? TASK_DEFAULTS.digits.inputNoise : 0,
  });
  const runs: TrainingRun[] = [];
  for (let r = 0; r < options.restarts; r++) {
    runs.push(new TrainingRun(newModel(split.train, classes, s.steps, config), split.train, options, deriveSeed(s.seed, r), split.test));
  }
  session = { config, train: split.train, test: split.test, options, runs, chosen: runs.length === 1, running: false, lastSnapshot: 0, imported: false };
  const info: DataInfo = {
    n: ds.n,
    d: ds.d,
    classes,
    classNames: ds.classNames.slice(),
    trainN: split.train.n,
    testN: split.test.n,
    points: null,
  };
  if (ds.d === 2) {
    const all = [split.train, split.test];
    const n = split.train.n + split.test.n;
    const x = new Float64Array(n), y = new Float64Array(n), label = new Int32Array(n);
    let r = 0;
    for (const part of all) {
      for (let i = 0; i < part.n; i++, r++) {
        x[r] = part.x[2 * i];
        y[r] = part.x[2 * i + 1];
        label[r] = part.y[i];
      }
    }
    info.points = { x, y, label };
  }
  post({ type: "ready", info, snapshot: snapshot(runs[0]) });
  status("ready");
}

function current(): TrainingRun {
  if (!session) throw new Error("no run configured");
  return session.runs[0];
}

function status(message: string): void {
  if (!session) return;
  const run = session.runs[0];
  post({ type: "status", running: session.running, epoch: run.epochsDone, epochs: session.options.epochs, message });
}

/**
 * Trains every restart for its trial epochs (round-robin until `deadline`, so a pause is never
 * far away) and then keeps the one with the lowest training loss, as `train()` does. Returns the
 * chosen run's history once chosen (its trial epochs count), else null.
 */
function chooseRestart(deadline: number): EpochMetrics[] | null {
  const s = session!;
  if (s.chosen) return [];
  const trial = Math.min(s.options.restartEpochs, s.options.epochs);
  for (const run of s.runs) {
    while (run.epochsDone < trial && performance.now() < deadline) run.epoch();
    if (run.epochsDone < trial) {
      const done = s.runs.reduce((t, r) => t + r.epochsDone, 0);
      status(`choosing among ${s.runs.length} initialisations (${Math.round((100 * done) / (trial * s.runs.length))} %)`);
      return null;
    }
  }
  let best = 0, bestLoss = Infinity;
  s.runs.forEach((run, r) => {
    const loss = run.history.length ? run.history[run.history.length - 1].trainLoss : 0;
    if (loss < bestLoss) {
      bestLoss = loss;
      best = r;
    }
  });
  s.runs = [s.runs[best]];
  s.chosen = true;
  status("training");
  return s.runs[0].history.slice();
}

function done(): boolean {
  const s = session!;
  return s.runs[0].epochsDone >= s.options.epochs;
}

function slice(): void {
  timer = null;
  const s = session;
  if (!s || !s.running) return;
  try {
    const t0 = performance.now();
    const metrics = chooseRestart(t0 + 50);
    if (metrics === null) {
      timer = setTimeout(slice, 0);
      return;
    }
    while (!done() && performance.now() - t0 < 50) metrics.push(current().epoch());
    if (metrics.length) post({ type: "metrics", metrics });
    const finished = done();
    if (finished) s.running = false;
    if (finished || performance.now() - s.lastSnapshot > 200) sendSnapshot();
    if (finished) status("finished");
    else timer = setTimeout(slice, 0);
  } catch (e) {
    s.running = false;
    post({ type: "error", message: (e as Error).message });
    status("stopped");
  }
}

function stop(): void {
  if (timer !== null) clearTimeout(timer);
  timer = null;
  if (session) session.running = false;
}

function sendSnapshot(): void {
  const s = session!;
  s.lastSnapshot = performance.now();
  const snap = snapshot(current());
  post({ type: "snapshot", snapshot: snap }, [snap.states.buffer, snap.currents.buffer]);
}

function snapshot(run: TrainingRun): Snapshot {
  const s = session!;
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
  const ev = evaluate(model, test);
  const last = run.history[run.history.length - 1];
  let readout: Snapshot["readout"] = null;
  if (k === 2 && classes === 2) {
    readout = { w0: model.W[2] - model.W[0], w1: model.W[3] - model.W[1], c: model.c[1] - model.c[0] };
  }
  return {
    epoch: run.epochsDone,
    epochs: s.options.epochs,
    steps,
    k,
    classes,
    states,
    stateLabels: test.y.slice(),
    stateN: N,
    osc,
    readout,
    regions: k === 2 ? regions(model, s) : null,
    currents,
    confusion: ev.confusion,
    trainAccuracy: last ? last.trainAccuracy : NaN,
    testAccuracy: ev.accuracy,
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

/** Class-1 probability (two classes) or predicted class over a 64 × 64 grid of the input plane. */
function regions(model: Model, s: Session): NonNullable<Snapshot["regions"]> {
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (const part of [s.train, s.test]) {
    for (let r = 0; r < part.n; r++) {
      const x = part.x[2 * r], y = part.x[2 * r + 1];
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
  }
  const px = 0.08 * (x1 - x0 || 1), py = 0.08 * (y1 - y0 || 1);
  x0 -= px; x1 += px; y0 -= py; y1 += py;
  const nx = 64, ny = 64;
  const grid = new Float64Array(nx * ny * 2);
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      grid[(j * nx + i) * 2] = x0 + ((i + 0.5) * (x1 - x0)) / nx;
      grid[(j * nx + i) * 2 + 1] = y0 + ((j + 0.5) * (y1 - y0)) / ny;
    }
  }
  const { logits } = runForward(model, grid);
  const C = model.classes;
  if (C === 2) {
    const prob = new Float64Array(nx * ny);
    for (let q = 0; q < nx * ny; q++) prob[q] = 1 / (1 + Math.exp(logits[q * 2] - logits[q * 2 + 1]));
    return { nx, ny, x0, x1, y0, y1, prob };
  }
  const label = new Int32Array(nx * ny);
  for (let q = 0; q < nx * ny; q++) {
    let best = 0;
    for (let c = 1; c < C; c++) if (logits[q * C + c] > logits[q * C + best]) best = c;
    label[q] = best;
  }
  return { nx, ny, x0, x1, y0, y1, label };
}

/** Re-evaluates the network on `trials` fresh device draws (Fig. 4, one σ). */
function variation(m: Extract<ToWorker, { type: "variation" }>): void {
  const s = session;
  if (!s) return;
  const run = current();
  const model = run.model;
  const accuracies = new Float64Array(m.trials);
  let clipped = 0, redraws = 0;
  try {
    for (let i = 0; i < m.trials; i++) {
      const rng = new Rng(deriveSeed(m.seed, 4, i));
      const draw = drawDevices(model.devices, { params: [m.param], sigma: m.sigma, relative: m.relative }, rng);
      clipped += draw.clipped;
      redraws += draw.redraws;
      accuracies[i] = evaluate({ ...model, devices: draw.devices }, s.test).accuracy;
    }
  } catch (e) {
    post({ type: "variation-error", message: (e as Error).message });
    return;
  }
  const baseline = evaluate(model, s.test).accuracy;
  post({ type: "variation", result: { param: m.param, sigma: m.sigma, relative: m.relative, accuracies, baseline, clipped, redraws, epoch: run.epochsDone } });
}

function importModel(text: string, name: string): void {
  const s = session;
  if (!s) throw new Error("no data loaded");
  const model = parseModel(text, name);
  if (model.k !== s.train.d) throw new Error(`${name}: the model has k = ${model.k} oscillators but the data set has ${s.train.d} features`);
  if (model.classes < s.train.classNames.length) throw new Error(`${name}: the model has ${model.classes} classes but the data set has ${s.train.classNames.length}`);
  const options = { ...s.options, steps: model.steps };
  s.runs = [new TrainingRun(model, s.train, options, s.options.seed, s.test, false)];
  s.chosen = true;
  s.imported = true;
  post({ type: "imported", steps: model.steps, device: model.devices.length && model.devices.every((d) => d === model.devices[0]) ? model.devices[0].toSpec() : model.devices.map((d) => d.toSpec()) });
  sendSnapshot();
  status("imported");
}

ctx.onmessage = (ev: MessageEvent<ToWorker>) => {
  const m = ev.data;
  try {
    switch (m.type) {
      case "configure":
        configure(m.config);
        break;
      case "start":
        if (!session || done()) break;
        session.running = true;
        status("training");
        if (timer === null) timer = setTimeout(slice, 0);
        break;
      case "pause":
        stop();
        if (session) {
          sendSnapshot();
          status("paused");
        }
        break;
      case "step": {
        if (!session || session.running || done()) break;
        const metrics = chooseRestart(Infinity) ?? [];
        if (!done()) metrics.push(current().epoch());
        post({ type: "metrics", metrics });
        sendSnapshot();
        status(done() ? "finished" : "paused");
        break;
      }
      case "variation":
        variation(m);
        break;
      case "export": {
        const s = session;
        if (!s) break;
        const run = current();
        const st = s.config.state;
        post({
          type: "model",
          text: stringifyModel(run.model, {
            training: { source: "dynaspin playground", data: st.data, seed: st.seed, dataSeed: st.dataSeed, epochs: run.epochsDone, lr: st.lr, batchSize: st.batch, restarts: st.restarts },
          }),
        });
        break;
      }
      case "import":
        importModel(m.text, m.name);
        break;
    }
  } catch (e) {
    post({ type: "error", message: (e as Error).message });
  }
};
