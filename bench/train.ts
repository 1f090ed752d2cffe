/**
 * Training and inference benchmark: dynaspin's epoch (TrainingRun.epoch: minibatch forward, softmax
 * cross-entropy, hand-written adjoint, Adam) next to the same work in NumPy (adjoint by hand,
 * `bench/peers/stno_numpy.py`) with 1 and 2 BLAS threads and PyTorch autograd with 1 and 2 threads
 * (`bench/peers/stno_torch.py`), all through Debian's /usr/bin/python3. The best peer (the goal's
 * row) is the fastest of the four relative to dynaspin (highest ratio). NumPy must run on an optimised BLAS: `bench/peers/blas.py`
 * checks it with threadpoolctl (OpenBLAS, MKL or BLIS; name, version, kernels and threads go into
 * the peer's label) and the NumPy rows are refused — no ratio — on the reference BLAS.
 *
 * Same work: dynaspin writes its initial parameters (after its data-dependent initialisation), the
 * normalised training inputs, the labels, the epoch's batch order, the learning rate (constant
 * schedule) and the per-parameter Adam scales (`updateScales`: A(0)'s, A(t ≥ 1)'s, B, W, c) to a
 * setup file the peers read.
 * Before timing, each peer runs one epoch from those parameters and its mean minibatch loss and
 * its training loss after the epoch must agree with dynaspin's within 1e-9 (absolute), or the
 * benchmark fails. Inference rows also check the peers' correct-prediction count.
 *
 * Timing: the peers are long-lived processes that time their own epochs (perf_counter), so no
 * process start-up or data transfer is counted; after a warm-up, dynaspin and each peer run one
 * epoch in turn (alternating) and medians are reported. Ratio = dynaspin time / peer time
 * (lower is better); for throughput rows, peer rate / dynaspin rate.
 *
 * Standalone: `node --import tsx bench/train.ts [--quick]`.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface, type Interface } from "node:readline";
import { fileURLToPath } from "node:url";
import type { BenchRow, BenchSuite } from "./types.js";
import type { Dataset } from "../src/data/dataset.js";
import { makeSpiral } from "../src/data/spiral.js";
import { stratifiedSplit, fitNormalization, applyNormalization } from "../src/data/split.js";
import { loadDigits } from "../src/node/tasks.js";
import { loadMnist } from "../src/node/mnist.js";
import { eq4 } from "../src/device/analytic.js";
import { createModel, cloneModel, type Model } from "../src/network/model.js";
import { createWorkspace } from "../src/network/dynamics.js";
import { evaluateArrays } from "../src/network/api.js";
import type { Precision } from "../src/network/engine.js";
import { TrainingRun, resolveTrainOptions, updateScales, referenceScales, DEPTH_REFERENCE } from "../src/train/train.js";
import { unitEps } from "../src/train/adam.js";
import { Rng } from "../src/util/rng.js";
import { gemmBias, gemmAccABt, gemmAtB } from "../src/kernels/gemm.js";
import { wasmKernels, type GemmKernels } from "../src/kernels/wasm.js";
import { startParallelKernels } from "../src/node/train-worker.js";
import { startParallelTraining, parallelTrainingReady } from "../src/node/data-parallel.js";
import { nativeFactory, nativePeak, type NativeEngine } from "../src/node/native-engine.js";
import { native32Factory } from "../src/node/native-engine32.js";
import type { EngineFactory } from "../src/network/engine.js";

const PYTHON = "/usr/bin/python3";
const PEERS_DIR = fileURLToPath(new URL("./peers/", import.meta.url));

/** What `bench/peers/blas.py` reports about NumPy's BLAS (threadpoolctl). */
export type BlasReport = { ok: true; blas: string; version: string; architecture: string | null; threads: number; label: string; env: Record<string, string> } | { ok: false; reason: string };

let blasCache: BlasReport | null = null;
/**
 * NumPy's BLAS as `bench/peers/blas.py` verifies it (threadpoolctl): name, version, kernel
 * architecture, default threads; `ok: false` with the reason when it is the reference BLAS (the
 * benchmark then refuses to report a ratio against NumPy) or cannot be verified.
 */
export function numpyBlas(): BlasReport {
  if (blasCache) return blasCache;
  const r = spawnSync(PYTHON, [join(PEERS_DIR, "blas.py")], { encoding: "utf8" });
  try {
    blasCache = JSON.parse(r.stdout) as BlasReport;
  } catch {
    blasCache = { ok: false, reason: `bench/peers/blas.py failed: ${(r.stderr || r.error?.message || "").trim().split("\n").pop()}` };
  }
  return blasCache;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : 0.5 * (s[h - 1] + s[h]);
}

/** A long-lived peer process speaking the line protocol of bench/peers/stno_numpy.py. */
class Peer {
  private readonly proc: ChildProcessWithoutNullStreams;
  private readonly lines: Interface;
  private readonly waiting: ((line: string) => void)[] = [];
  private stderr = "";
  private exited = false;

  constructor(readonly label: string, args: string[]) {
    this.proc = spawn(PYTHON, args, { stdio: ["pipe", "pipe", "pipe"] });
    this.proc.stderr.on("data", (d: Buffer) => (this.stderr += d.toString()));
    this.proc.on("exit", () => {
      this.exited = true;
      for (const w of this.waiting.splice(0)) w("");
    });
    this.lines = createInterface({ input: this.proc.stdout });
    this.lines.on("line", (l) => this.waiting.shift()?.(l));
  }

  /** Sends one command and resolves with its parsed JSON reply. */
  request<T>(cmd: string): Promise<T> {
    return new Promise((resolve, reject) => {
      if (this.exited) return reject(new Error(`${this.label} exited: ${this.stderr.trim().split("\n").pop() ?? ""}`));
      this.waiting.push((line) => {
        if (line === "") return reject(new Error(`${this.label} exited: ${this.stderr.trim().split("\n").pop() ?? ""}`));
        const v = JSON.parse(line) as T & { error?: string };
        if (v.error) reject(new Error(`${this.label}: ${v.error}`));
        else resolve(v);
      });
      this.proc.stdin.write(cmd + "\n");
    });
  }

  close(): void {
    if (!this.exited) this.proc.stdin.end("quit\n");
  }
}

/** Why a peer cannot run, or null when it can. NumPy must run on an optimised BLAS ({@link numpyBlas}). */
function peerMissing(module: string, apt: string): string | null {
  if (!existsSync(PYTHON)) return `peer missing: ${PYTHON} not found`;
  const r = spawnSync(PYTHON, ["-c", `import ${module}`], { encoding: "utf8" });
  if (r.status !== 0) return `peer missing: ${apt} not installed (apt-get install -y ${apt})`;
  if (module === "numpy") {
    const b = numpyBlas();
    if (!b.ok) return `peer refused: ${b.reason}`;
  }
  return null;
}

/** One training/inference workload. */
interface Workload {
  /** Row label. */
  name: string;
  /** Data: the training split and the inference set. */
  data: () => { train: Dataset; infer: Dataset };
  steps: number;
  /** Minibatch size, 0 = full batch. */
  batch: number;
  kind: "epoch" | "infer";
  goal: string;
  /** Timed repetitions (full, quick) and warm-up epochs. */
  reps: [number, number];
  warmup: number;
  /** Peers to run (labels of PEERS); default all. */
  peers?: string[];
  /** Threads for dynaspin's matrix kernels (startParallelKernels). @default 1 */
  workers?: number;
  /** Threads for dynaspin's data-parallel chunks (startParallelTraining). @default 1 */
  threads?: number;
  /** Adam learning rate (constant schedule). @default 0.01 */
  lr?: number;
  /** dynaspin's training arithmetic (TrainOptions.precision); the peers stay float64. @default "float64" */
  precision?: Precision;
  /**
   * dynaspin's engine: "auto" = what `dynaspin train` runs by default (the native engine of the
   * row's precision with max(workers, threads) threads when it was built, else WebAssembly), "wasm"
   * = WebAssembly. @default "auto"
   */
  engine?: "auto" | "wasm";
  /**
   * Inference on the native engine: the thread counts dynaspin runs, each in every round of the
   * alternation with a peer (in turn, the order reversed every other round); the rows report the
   * count with the lowest median over all phases — dynaspin's best configuration against each peer
   * configuration, all in wall time. @default one count, max(workers, threads)
   */
  bestOf?: number[];
}

let digitsCache: { train: Dataset; infer: Dataset } | null = null;
function digitsData(): { train: Dataset; infer: Dataset } {
  if (!digitsCache) {
    const ds = loadDigits();
    digitsCache = { train: stratifiedSplit(ds, 0).train, infer: ds };
  }
  return digitsCache;
}
function mnistData(quick: boolean): () => { train: Dataset; infer: Dataset } {
  return () => {
    const ds = loadMnist();
    // Full run: every one of the 10 000 images; quick run: a stratified fifth (2000 images).
    const train = quick ? stratifiedSplit(ds, 0, 0.8).train : ds;
    return { train, infer: train };
  };
}
function spiralData(): { train: Dataset; infer: Dataset } {
  const ds = makeSpiral({});
  return { train: stratifiedSplit(ds, 0).train, infer: ds };
}

const workloads = (quick: boolean): Workload[] => [
  { name: "digits, n = 4, one epoch, minibatch 64", data: digitsData, steps: 4, batch: 64, kind: "epoch", goal: "<= 0.5", reps: [15, 5], warmup: 3 },
  { name: "digits, n = 4, one epoch, minibatch 64, dynaspin on WebAssembly", data: digitsData, steps: 4, batch: 64, kind: "epoch", goal: "<= 0.5", reps: [15, 5], warmup: 3, engine: "wasm" },
  { name: "digits, n = 4, one epoch, minibatch 64, dynaspin on 2 threads", data: digitsData, steps: 4, batch: 64, kind: "epoch", goal: "<= 0.5", reps: [15, 5], warmup: 3, threads: 2 },
  { name: "digits, n = 4, one epoch, full batch", data: digitsData, steps: 4, batch: 0, kind: "epoch", goal: "<= 0.4", reps: [15, 5], warmup: 3 },
  { name: "digits, n = 4, one epoch, full batch, dynaspin on 2 threads", data: digitsData, steps: 4, batch: 0, kind: "epoch", goal: "<= 0.4", reps: [15, 5], warmup: 3, threads: 2 },
  { name: "spiral, n = 4, one epoch, full batch", data: spiralData, steps: 4, batch: 0, kind: "epoch", goal: "<= 0.1", reps: [31, 9], warmup: 10 },
  // Both cores: the batch's chunks (src/train/chunks.ts) on this thread and one worker, same bits.
  { name: "spiral, n = 4, one epoch, full batch, dynaspin on 2 threads", data: spiralData, steps: 4, batch: 0, kind: "epoch", goal: "<= 0.1", reps: [31, 9], warmup: 10, threads: 2 },
  // Mixed precision (TrainOptions.precision "float32"): checked against the float64 peers within
  // FLOAT32_CHECK instead of 1e-9 (float32 rounding), timed against the same float64 peers.
  { name: "spiral, n = 4, one epoch, full batch, dynaspin float32", data: spiralData, steps: 4, batch: 0, kind: "epoch", goal: "<= 0.1", reps: [31, 9], warmup: 10, precision: "float32" },
  { name: "spiral, n = 4, one epoch, full batch, dynaspin float32 on 2 threads", data: spiralData, steps: 4, batch: 0, kind: "epoch", goal: "<= 0.1", reps: [31, 9], warmup: 10, threads: 2, precision: "float32" },
  { name: "digits, n = 4, one epoch, minibatch 64, dynaspin float32", data: digitsData, steps: 4, batch: 64, kind: "epoch", goal: "<= 0.5", reps: [15, 5], warmup: 3, precision: "float32" },
  { name: "digits, n = 4, one epoch, minibatch 64, dynaspin float32 on WebAssembly", data: digitsData, steps: 4, batch: 64, kind: "epoch", goal: "<= 0.5", reps: [15, 5], warmup: 3, precision: "float32", engine: "wasm" },
  { name: "digits, n = 4, one epoch, full batch, dynaspin float32", data: digitsData, steps: 4, batch: 0, kind: "epoch", goal: "<= 0.4", reps: [15, 5], warmup: 3, precision: "float32" },
  { name: "digits, n = 4, one epoch, full batch, dynaspin float32 on WebAssembly", data: digitsData, steps: 4, batch: 0, kind: "epoch", goal: "<= 0.4", reps: [15, 5], warmup: 3, precision: "float32", engine: "wasm" },
  // Inference: a pass takes milliseconds, so many alternating rounds (medians steady run to run).
  // The goal row: each side's best configuration on this 2-core machine — dynaspin on 1 or 2
  // threads against NumPy and PyTorch on 1 or 2 threads, all in wall time; then dynaspin on one
  // thread (CPU time against the single-threaded peers) and on WebAssembly.
  { name: "inference, digits (1797 samples), n = 4, best configuration of each side (1 or 2 threads)", data: digitsData, steps: 4, batch: 0, kind: "infer", goal: "peer/dynaspin <= 0.5", reps: [61, 21], warmup: 5, bestOf: [1, 2] },
  { name: "inference, digits (1797 samples), n = 4, dynaspin on 1 thread", data: digitsData, steps: 4, batch: 0, kind: "infer", goal: "peer/dynaspin <= 0.5", reps: [61, 21], warmup: 5 },
  { name: "inference, digits (1797 samples), n = 4, dynaspin on WebAssembly", data: digitsData, steps: 4, batch: 0, kind: "infer", goal: "peer/dynaspin <= 0.5", reps: [61, 21], warmup: 5, engine: "wasm" },
  // MNIST rows use lr 0.0003: Adam on this 784-oscillator network amplifies last-bit differences
  // between implementations (here dynaspin's own exp/log against NumPy's and PyTorch's) over an
  // epoch's 157 steps: at lr 0.01 the losses after one epoch differed by 0.4, at 0.003 by 3e-3, at
  // 0.001 by 1.6e-9 (over the 1e-9 check); at 0.0003 they agree within 1e-15. Speed does not
  // depend on the learning rate.
  {
    name: `MNIST-size (784 oscillators), n = 2, one epoch over ${quick ? "2000" : "10 000"} images, minibatch 64`, data: mnistData(quick),
    steps: 2, batch: 64, kind: "epoch", goal: "<= 0.6", reps: [2, 1], warmup: 0, lr: 0.0003,
  },
  {
    name: `MNIST-size (784 oscillators), n = 2, one epoch over ${quick ? "2000" : "10 000"} images, minibatch 64, dynaspin on 2 threads`, data: mnistData(quick),
    steps: 2, batch: 64, kind: "epoch", goal: "<= 0.6", reps: [2, 1], warmup: 0, workers: 2, lr: 0.0003,
  },
];

const SEED = 1;
/**
 * Largest relative difference of the one-epoch losses accepted for a float32 row (float64 rows: 1e-9
 * absolute). Adam amplifies float32 rounding over an epoch of many steps: the digits minibatch epoch
 * (22 steps) measured 6e-5, the spiral full batch (one step) 5e-8; a wrong computation is off by O(1).
 */
const FLOAT32_CHECK = 1e-3;
const LR = 0.01;
/** Minimum time (ms) dynaspin runs a workload alone before timing (JIT warm-up). */
const WARM_MS = 500;

/** Float64 values as a JSON array with round-trip precision. */
function arr(a: Float64Array | Int32Array): number[] {
  return Array.from(a);
}

interface Prepared {
  run: TrainingRun;
  /** The engine the run uses (null: WebAssembly). */
  engine: EngineFactory | null;
  init: Model;
  infer: Dataset;
  train: Dataset;
  setupPath: string;
  options: ReturnType<typeof resolveTrainOptions>;
}

function prepare(w: Workload, dir: string, index: number): Prepared {
  const { train, infer } = w.data();
  const norm = fitNormalization(train);
  const device = eq4();
  const classes = train.classNames.length;
  const model = createModel(train.d, w.steps, classes, device);
  model.normalization = norm;
  const options = resolveTrainOptions({
    steps: w.steps, epochs: 1_000_000, batchSize: w.batch, lr: w.lr ?? LR, schedule: "constant", seed: SEED,
    evalEvery: 10_000_000, init: { spread: 0.3, mixing: 0.5 }, precision: w.precision ?? "float64",
  });
  const threads = Math.max(w.workers ?? 1, w.threads ?? 1);
  const engine = w.engine === "wasm" ? null : w.precision === "float32" ? native32Factory(threads) : nativeFactory(threads);
  const run = new TrainingRun(model, train, options, SEED, undefined, true, engine);
  const init = cloneModel(model);
  // The batch order of the first epoch, as TrainingRun draws it (a fresh Rng(seed) shuffles 0..n−1).
  const order = new Int32Array(train.n);
  for (let r = 0; r < train.n; r++) order[r] = r;
  if (w.batch > 0 && w.batch < train.n) new Rng(SEED).shuffle(order);
  const setup = {
    k: model.k, steps: model.steps, classes,
    A: arr(init.A), B: arr(init.B), W: arr(init.W), c: arr(init.c),
    device: { a: device.a, b: device.b, Ic: device.Ic, Q: device.Q, polarity: device.polarity },
    x: arr(applyNormalization(train.x, train.d, norm)), y: arr(train.y), order: arr(order), batch: w.batch,
    // Adam's per-entry scales as TrainingRun uses them (updateScales): A(0), which multiplies the
    // inputs, has its own; then A(t ≥ 1), B, W, c. (The peers had the per-array scales of
    // parameterScales, which A(0) no longer uses: their minibatch epochs disagreed by 0.03.)
    lr: w.lr ?? LR, ...peerScales(model, options.fanInReference),
    inferX: w.kind === "infer" ? arr(applyNormalization(infer.x, infer.d, norm)) : [], inferY: w.kind === "infer" ? arr(infer.y) : [],
  };
  const setupPath = join(dir, `setup-${index}.json`);
  writeFileSync(setupPath, JSON.stringify(setup));
  return { run, engine, init, infer, train, setupPath, options };
}

/**
 * The learning-rate scales the peers apply (bench/peers/*.py): A(0)'s, then A(t ≥ 1), B, W, c —
 * as TrainingRun computes them, with the run's fan-in reference (A's rate times 64/k above 64
 * oscillators by default; without it the MNIST rows' peers stepped A 12× too far and failed the check).
 */
function peerScales(model: Model, fanInReference: number): { scaleA0: number; scales: number[]; epsA0: number; eps: number[] } {
  const [A, b, w, c] = updateScales(model, DEPTH_REFERENCE, fanInReference);
  const [rA, rb, rw, rc] = referenceScales(model);
  const kk = model.k * model.k;
  for (let e = 1; e < A.length; e++) if (A[e] !== A[e < kk ? 0 : kk] || rA[e] !== rA[e < kk ? 0 : kk]) throw new Error("train bench: A's learning-rate scale is not one value for A(0) and one for A(t ≥ 1)");
  const a1 = A.length > kk ? kk : 0;
  // Adam's ε per array as src/train/adam.ts applies it: ε·r/s (unitEps), ε = 1e-8.
  return {
    scaleA0: A[0], scales: [A[a1], b, w, c],
    epsA0: unitEps(1e-8, A[0], rA[0]), eps: [unitEps(1e-8, A[a1], rA[a1]), unitEps(1e-8, b, rb), unitEps(1e-8, w, rw), unitEps(1e-8, c, rc)],
  };
}

/** dynaspin's reference numbers for the verification epoch (from the initial parameters). */
function dynaspinVerify(p: Prepared): { epochLoss: number; lossAfter: number } {
  const run = new TrainingRun(cloneModel(p.init), p.train, p.options, SEED, undefined, false, p.engine);
  const m = run.epoch();
  const after = evaluateArrays(run.model, p.train.x, p.train.y, p.train.n);
  return { epochLoss: m.trainLoss, lossAfter: after.loss };
}

interface PeerSpec {
  label: string;
  script: string;
  args: string[];
  module: string;
  apt: string;
}

const PEERS: PeerSpec[] = [
  { label: "NumPy 1 thread", script: "stno_numpy.py", args: ["1"], module: "numpy", apt: "python3-numpy" },
  { label: "NumPy 2 threads", script: "stno_numpy.py", args: ["2"], module: "numpy", apt: "python3-numpy" },
  { label: "PyTorch 1 thread", script: "stno_torch.py", args: ["1"], module: "torch", apt: "python3-torch" },
  { label: "PyTorch 2 threads", script: "stno_torch.py", args: ["2"], module: "torch", apt: "python3-torch" },
];

/** Times one workload against every available peer; returns one row per peer. */
async function measure(w: Workload, p: Prepared, quick: boolean): Promise<BenchRow[]> {
  let stopWorkers = (): void => undefined;
  const peers: { spec: PeerSpec; peer: Peer | null; missing: string | null; version: string; times: number[]; check: string }[] = [];
  for (const spec of PEERS) {
    if (w.peers && !w.peers.includes(spec.label)) continue;
    const missing = peerMissing(spec.module, spec.apt);
    const peer = missing ? null : new Peer(spec.label, [join(PEERS_DIR, spec.script), p.setupPath, ...spec.args]);
    peers.push({ spec, peer, missing, version: spec.label, times: [], check: "" });
  }
  try {
    // Verification before timing.
    const ref = w.kind === "epoch" ? dynaspinVerify(p) : null;
    const evalWs = createWorkspace(p.init.k, p.init.steps, p.init.classes, Math.min(512, p.infer.n), { engine: true });
    // Inference as `evaluate` runs it: on the native engine when built, one engine per thread count.
    const counts = w.bestOf ?? [Math.max(w.workers ?? 1, w.threads ?? 1)];
    const evalEngines = counts.map((t) => (w.kind === "infer" && w.engine !== "wasm" ? ((nativeFactory(t)?.create(p.init.k, p.init.steps, p.init.classes, 512, p.infer.n) ?? null) as NativeEngine | null) : null));
    const infer = (i: number) => {
      const en = evalEngines[i];
      return en ? evaluateArrays(p.run.model, p.infer.x, p.infer.y, p.infer.n, undefined, en) : evaluateArrays(p.run.model, p.infer.x, p.infer.y, p.infer.n, evalWs);
    };
    const refInfer = w.kind === "infer" ? evaluateArrays(p.run.model, p.infer.x, p.infer.y, p.infer.n, evalWs) : null;
    evalEngines.forEach((en, i) => {
      if (refInfer && en && !Object.is(infer(i).loss, refInfer.loss)) throw new Error(`train bench (${w.name}): native inference on ${counts[i]} threads differs from WebAssembly`);
    });
    // dynaspin's configurations: the thread counts of an inference row (one for an epoch).
    const configs = w.kind === "infer" ? counts.length : 1;
    for (const q of peers) {
      if (!q.peer) continue;
      q.version = (await q.peer.request<{ version: string }>("version")).version;
      if (ref) {
        const v = await q.peer.request<{ epochLoss: number; lossAfter: number }>("verify");
        const f32 = w.precision === "float32";
        const dev = f32
          ? Math.max(Math.abs(v.epochLoss / ref.epochLoss - 1), Math.abs(v.lossAfter / ref.lossAfter - 1))
          : Math.max(Math.abs(v.epochLoss - ref.epochLoss), Math.abs(v.lossAfter - ref.lossAfter));
        if (!(dev <= (f32 ? FLOAT32_CHECK : 1e-9))) {
          throw new Error(`train bench (${w.name}): ${q.version} disagrees with dynaspin after one epoch: loss ${v.epochLoss} / ${v.lossAfter} vs ${ref.epochLoss} / ${ref.lossAfter}`);
        }
        q.check = `loss after one epoch agrees within ${dev === 0 ? "0" : dev.toExponential(0)}${f32 ? " relative (float32 vs the peer's float64)" : ""}`;
      }
    }
    const reps = quick ? w.reps[1] : w.reps[0];
    // The native engine has its own threads; the WebAssembly engine uses worker threads.
    const native = p.run.engineLabel.startsWith("native");
    const stopKernels = startParallelKernels(native ? 1 : (w.workers ?? 1));
    const stopChunks = startParallelTraining(native ? 1 : (w.threads ?? 1));
    stopWorkers = () => {
      stopKernels();
      stopChunks();
    };
    await parallelTrainingReady();
    let correct = -1;
    // Both sides single-threaded: compare CPU time, which other processes on a shared machine
    // disturb far less than wall time; with threads on either side, wall time.
    const dynThreads = Math.max(w.workers ?? 1, w.threads ?? 1, ...counts);
    const useCpu = (q: (typeof peers)[number] | null): boolean => dynThreads === 1 && (q === null || !/2 (BLAS )?threads/.test(q.spec.label));
    let cpuMode = false;
    /** One dynaspin epoch (or inference pass); returns its seconds (CPU seconds in cpuMode). */
    const step = (config = 0): number => {
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      if (w.kind === "epoch") {
        const m = p.run.epoch();
        if (!Number.isFinite(m.trainLoss)) throw new Error(`train bench (${w.name}): non-finite loss`);
      } else {
        correct = Math.round(infer(config).accuracy * p.infer.n);
      }
      if (cpuMode) {
        const cu = process.cpuUsage(c0);
        return (cu.user + cu.system) / 1e6;
      }
      return (performance.now() - t0) / 1000;
    };
    // JIT warm-up: V8 runs new WebAssembly and JavaScript in baseline code first and optimises what
    // keeps running, so dynaspin runs alone for at least WARM_MS before anything is timed (a small
    // workload's first 40 epochs were 1.6x slower than its later ones).
    // (Workloads whose step takes over 50 ms are past that after their first step.)
    for (let r = 0, end = performance.now() + WARM_MS, last = 0; r < w.warmup || (performance.now() < end && last < 0.05); r++) {
      for (let i = 0; i < configs; i++) last = step(i);
    }
    // One phase per peer: dynaspin and that peer alternate epoch by epoch, and each row compares
    // the medians of its own phase. (All peers in one loop let PyTorch's OpenMP threads, which keep
    // spinning for a while after each call, share the cores with the next process's epoch.)
    // (Several configurations: each in turn before the peer, in reverse order every other round.)
    const mineBy = new Map<string, number[][]>();
    const phases = peers.filter((q) => q.peer);
    for (const q of phases.length ? phases : [null]) {
      cpuMode = useCpu(q);
      const mine: number[][] = Array.from({ length: configs }, () => []);
      for (let r = -w.warmup; r < reps; r++) {
        for (let j = 0; j < configs; j++) {
          const i = r & 1 ? configs - 1 - j : j;
          const dt = step(i);
          if (r >= 0) mine[i].push(dt);
        }
        if (!q?.peer) continue;
        const v = await q.peer.request<{ seconds: number; cpu: number; correct?: number }>(w.kind);
        if (w.kind === "infer" && refInfer) {
          const want = Math.round(refInfer.accuracy * p.infer.n);
          if (v.correct !== want) throw new Error(`train bench (${w.name}): ${q.version} predicts ${v.correct} correct, dynaspin ${want}`);
          q.check = `same number of correct predictions (${want})`;
        }
        if (r >= 0) q.times.push(cpuMode ? v.cpu : v.seconds);
      }
      mineBy.set(q?.spec.label ?? "", mine);
    }
    if (w.kind === "infer" && correct !== Math.round((refInfer?.accuracy ?? 0) * p.infer.n)) throw new Error("train bench: inference changed between runs");
    const isRate = w.kind === "infer";
    const toValue = (t: number): number => (isRate ? p.infer.n / t : t);
    // dynaspin's best configuration: the thread count with the lowest median over every phase's
    // runs (one choice for the whole workload, not a pick per phase); its median in each phase.
    const runsOf = (i: number): number[] => [...mineBy.values()].flatMap((m) => m[i]);
    const overall = Array.from({ length: configs }, (_, i) => median(runsOf(i)));
    const chosen = overall.reduce((b, t, j) => (t < overall[b] ? j : b), 0);
    const mineIn = (label: string): number => median((mineBy.get(label) ?? [...mineBy.values()][0])[chosen]);
    const th = (n: number): string => `${n} thread${n === 1 ? "" : "s"}`;
    const configNote = configs === 1 ? "" : `; dynaspin's best configuration: native on ${th(counts[chosen])} (medians over all phases: ${overall.map((t, j) => `${th(counts[j])} ${toValue(t).toPrecision(3)} ${isRate ? "samples/s" : "s"}`).join(", ")})`;
    const alone = mineIn("");
    const available = peers.filter((q) => q.peer && q.times.length > 0);
    const ratioOf = (q: (typeof peers)[number]): number => mineIn(q.spec.label) / median(q.times);
    // Best peer: the fastest relative to dynaspin in its own phase (the highest ratio), so that
    // CPU-time phases (one thread on both sides) and wall-time phases compare fairly.
    const best = available.length ? available.reduce((a, b) => (ratioOf(a) >= ratioOf(b) ? a : b)) : null;
    return peers.map((q): BenchRow => {
      const pt = q.times.length ? median(q.times) : null;
      const t = q.times.length ? mineIn(q.spec.label) : alone;
      const peerValue = pt === null ? null : toValue(pt);
      return {
        suite: "train", workload: w.name, value: toValue(t), unit: isRate ? "samples/s" : "s",
        peer: q.version, peerValue, ratio: pt === null ? null : ratioOf(q),
        goal: q === best ? w.goal : undefined,
        notes: q.missing ?? `${q.check}; ${useCpu(q) ? "CPU time (both single-threaded)" : "wall time"}; load average ${loadavg()[0].toFixed(1)}; medians of ${reps} runs alternating with this peer after ${w.warmup} alternating warm-up (dynaspin warmed ≥ ${WARM_MS / 1000} s alone first)${configNote}${q === best ? "; best peer" : ""}`,
      };
    });
  } finally {
    stopWorkers();
    for (const q of peers) q.peer?.close();
  }
}

/**
 * GFLOP/s of the three matrix kernels (2·m·kk·nb flops each) with each backend at the digits and
 * MNIST shapes; the first result is checked against the TypeScript kernel bit for bit.
 */
function kernelRows(quick: boolean): BenchRow[] {
  const rows: BenchRow[] = [];
  const wasm = wasmKernels();
  const rng = new Rng(3);
  for (const [k, nb] of [[64, 64], [784, 64]] as const) {
    const M = new Float64Array(k * k).map(() => rng.normal());
    const X = new Float64Array(k * nb).map(() => rng.normal());
    const outs = [new Float64Array(k * nb), new Float64Array(k * nb)];
    const G = new Float64Array(k * k);
    const flops = 2 * k * k * nb;
    const reps = Math.max(3, Math.round((quick ? 2e8 : 1e9) / flops));
    const backends: Array<[string, GemmKernels]> = [["TypeScript", { gemmBias, gemmAccABt, gemmAtB }], ...(wasm ? [["WebAssembly SIMD", wasm] as [string, GemmKernels]] : [])];
    backends.forEach(([name, kern], q) => {
      const calls: Array<[string, () => void]> = [
        ["u = A·p + B", () => kern.gemmBias(k, k, nb, M, 0, M, 0, X, nb, outs[q], 0, nb)],
        ["∂A += g·pᵀ", () => kern.gemmAccABt(k, k, nb, X, nb, X, nb, G, 0)],
        ["λ = Aᵀ·g", () => kern.gemmAtB(k, k, nb, M, 0, X, nb, outs[q], nb)],
      ];
      const rates: string[] = [];
      let total = 0;
      for (const [label, f] of calls) {
        f();
        // CPU time: on a shared machine wall time also counts other processes' turns.
        const t0 = process.cpuUsage();
        for (let r = 0; r < reps; r++) f();
        const cu = process.cpuUsage(t0);
        const s = (cu.user + cu.system) / 1e6;
        total += s;
        rates.push(`${label} ${((flops * reps) / s / 1e9).toFixed(2)}`);
      }
      rows.push({
        suite: "train", workload: `matrix kernels, ${name}, ${k}×${k} by ${k}×${nb}`, value: (3 * flops * reps) / total / 1e9, unit: "GFLOP/s",
        notes: `mean of the three products (${rates.join(", ")} GFLOP/s), one core, CPU time`,
      });
    });
    const nat = nativeFactory(1)?.create(k, 1, 2, nb, nb) as NativeEngine | null | undefined;
    if (nat) {
      nat.A.set(M);
      nat.X.set(X);
      const names = ["u = A·p + B", "∂A += g·pᵀ (with its transpose)", "λ = Aᵀ·g"];
      const rates: string[] = [];
      let total = 0;
      for (const which of [0, 1, 2] as const) {
        nat.product(which, nb, 1);
        const sec = nat.product(which, nb, reps);
        total += sec;
        rates.push(`${names[which]} ${((flops * reps) / sec / 1e9).toFixed(2)}`);
      }
      const value = (3 * flops * reps) / total / 1e9;
      const row: BenchRow = {
        suite: "train", workload: `matrix kernels, native ${nativeFactory(1)?.label.replace(/^native \((\w+).*$/, "$1")}, ${k}×${k} by ${k}×${nb}`, value, unit: "GFLOP/s",
        notes: `mean of the three products (${rates.join(", ")} GFLOP/s), one core, thread CPU time; no FMA (same bits as the reference)`,
      };
      if (k === 784) {
        const peer = openblasRate(k, nb, reps);
        const peak = nativePeak();
        if (typeof peer === "string") row.notes += `; ${peer}`;
        else Object.assign(row, { peer: peer.label, peerValue: peer.gflops, ratio: peer.gflops / value });
        row.goal = ">= 60 GFLOP/s";
        if (peak) row.notes += `; this core's float64 peak, measured in the same run: ${peak.fma.toFixed(1)} GFLOP/s with FMA, ${peak.mulAdd.toFixed(1)} with separate multiply and add (${peak.lanes}-lane vectors, 12 independent chains) = ${(peak.fma / peak.ghz).toFixed(1)} flops per cycle at ${peak.ghz.toFixed(2)} GHz (clock from a dependent-add chain) — so ${(value / peak.mulAdd * 100).toFixed(0)} % of peak`;
      }
      rows.push(row);
    }
    if (wasm) {
      for (let e = 0; e < outs[0].length; e++) if (!Object.is(outs[0][e], outs[1][e])) throw new Error("train bench: wasm and TypeScript kernels differ");
    }
  }
  return rows;
}

/**
 * OpenBLAS's DGEMM through NumPy (1 BLAS thread) on the same product shape, (k×k)·(k×nb), in
 * process CPU time: the peer of the matrix-kernel row; a reason string when NumPy is unavailable
 * or on the reference BLAS.
 */
function openblasRate(k: number, nb: number, reps: number): { label: string; gflops: number } | string {
  const b = numpyBlas();
  if (!b.ok) return `peer refused: ${b.reason}`;
  const code = [
    "import sys, time, numpy as np",
    "sys.path.insert(0, sys.argv[1])",
    "from blas import numpy_blas",
    "label = numpy_blas(1)['label']",
    `k, nb, reps = ${k}, ${nb}, ${reps}`,
    "rng = np.random.default_rng(3); A = rng.standard_normal((k, k)); P = rng.standard_normal((k, nb)); A @ P",
    "t0 = time.process_time()",
    "for _ in range(reps): A @ P",
    "t = time.process_time() - t0",
    "print(label); print(2.0 * k * k * nb * reps / t / 1e9)",
  ].join("\n");
  const r = spawnSync(PYTHON, ["-c", code, PEERS_DIR], { encoding: "utf8" });
  if (r.status !== 0) return `peer failed: ${(r.stderr || "").trim().split("\n").pop()}`;
  const [label, rate] = r.stdout.trim().split("\n");
  return { label: `${label}: DGEMM (A @ P), CPU time`, gflops: Number(rate) };
}

/** The engine a workload's TrainingRun reports (made once per workload; cached by name). */
const engineLabels = new Map<string, string>();
function engineOf(w: Workload): string {
  return engineLabels.get(w.name) ?? "?";
}

export const run: BenchSuite = async ({ quick }) => {
  const dir = mkdtempSync(join(tmpdir(), "dynaspin-bench-"));
  const rows: BenchRow[] = kernelRows(quick);
  try {
    // `--workload SUBSTRING` (standalone or through npm run bench) keeps only matching workloads.
    const at = process.argv.indexOf("--workload");
    const list = workloads(quick).filter((w) => at < 0 || w.name.includes(process.argv[at + 1] ?? ""));
    for (let i = 0; i < list.length; i++) {
      const w = list[i];
      let got: BenchRow[];
      try {
        const prepared = prepare(w, dir, i);
        const nf = nativeFactory(Math.max(w.workers ?? 1, w.threads ?? 1));
        const nativeLabel = nf && w.bestOf ? nf.label.replace(/\d+ threads?\)$/, `${w.bestOf.join(" or ")} threads: the faster)`) : nf?.label;
        engineLabels.set(w.name, w.kind === "infer" ? (w.engine !== "wasm" && nativeLabel ? nativeLabel : "wasm64 (WebAssembly SIMD, 2 float64 lanes)") : prepared.run.engineLabel);
        got = await measure(w, prepared, quick);
      } catch (e) {
        // A failed check (or a crashed peer) is reported on its own row; the other workloads still run.
        rows.push({ suite: "train", workload: w.name, value: NaN, unit: "s", goal: w.goal, notes: `failed: ${(e as Error).message}` });
        continue;
      }
      for (const r of got) if (r.notes && !r.notes.startsWith("peer missing") && !r.notes.startsWith("peer refused")) r.notes += `; dynaspin engine ${engineOf(w)}`;
      rows.push(...got);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
};

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const rows = await run({ quick: process.argv.includes("--quick") });
  for (const r of rows) {
    const pv = r.peerValue == null ? "n/a" : r.peerValue.toPrecision(4);
    const peer = r.peer ? `\t${r.peer}: ${pv}\tratio ${r.ratio == null ? "n/a" : r.ratio.toFixed(3)}\t${r.goal ?? ""}` : "";
    console.log(`${r.workload}\t${r.value.toPrecision(4)} ${r.unit}${peer}\t${r.notes ?? ""}`);
  }
}
