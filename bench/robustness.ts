/**
 * Robustness-sweep benchmark: the paper's Fig. 4 sweep (spiral network, parameter a of eq. 4,
 * 21 σ values 0:1:0.05 × 10 000 trials on the 200-sample test split; goal ≤ 0.1) and the same
 * sweep on a digits network (64 oscillators, n = 4, 1000 trials on its 360-sample test split;
 * goal ≤ 0.2) in dynaspin on 2 threads — the native sweep when it is built (`--engine auto`, what
 * `dynaspin robustness` runs), and for the digits network also WebAssembly on worker threads — next to the same sweeps in NumPy
 * (`bench/peers/robustness_numpy.py`: same model JSON, same normalised test set, vectorised over
 * trials × samples with one BLAS product per step, through /usr/bin/python3 on an optimised BLAS,
 * verified by `bench/peers/blas.py`) and the ratio dynaspin time / NumPy time.
 *
 * Notes also give both sides' CPU time (process-wide, worker threads included; NumPy's
 * process_time), which the shared machine's load disturbs less than wall time.
 * Checks: at σ = 0 both must give the same mean accuracy (within one sample: BLAS sums in another order); elsewhere the means must agree
 * within 5 combined standard errors + 0.002 (different random streams), so the work cannot be
 * optimised away. `--quick` runs 1 000 trials per σ.
 * Its docs table (`docBlock`) is the robustness sweep block of docs/benchmarks.md.
 * Standalone: `node --import tsx bench/robustness.ts [--quick]`.
 */
import { spawnSync } from "node:child_process";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import type { BenchDocBlock, BenchRow, BenchSuite } from "./types.js";
import { markdownTable } from "./doc-blocks.js";
import { goalMet } from "./goals.js";
import { train } from "../src/train/train.js";
import { makeSpiral } from "../src/data/spiral.js";
import { stratifiedSplit, applyNormalization } from "../src/data/split.js";
import { eq4 } from "../src/device/analytic.js";
import { modelToJson } from "../src/network/io.js";
import { existsSync } from "node:fs";
import { parseSigmas } from "../src/cli/flag-values.js";
import { loadDigits } from "../src/node/tasks.js";
import { inputCount, extraInput, type Model } from "../src/network/model.js";
import type { Dataset } from "../src/data/dataset.js";

const PYTHON = "/usr/bin/python3";
const PEER = fileURLToPath(new URL("./peers/robustness_numpy.py", import.meta.url));

interface PeerOut {
  numpy: string;
  seconds: number;
  cpuSeconds: number;
  mean: number[];
  std: number[];
}

function runPeer(input: unknown): PeerOut | string {
  const probe = spawnSync(PYTHON, ["-c", "import numpy"], { encoding: "utf8" });
  if (probe.error || probe.status !== 0) return "peer missing: python3-numpy not installed (apt-get install -y python3-numpy)";
  const r = spawnSync(PYTHON, [PEER], { input: JSON.stringify(input), encoding: "utf8", maxBuffer: 1 << 26 });
  if (r.status !== 0) return `peer failed: ${(r.stderr || "").trim().split("\n").pop()}`;
  return JSON.parse(r.stdout) as PeerOut;
}

/** How a row's sweep runs: dynaspin's default (`--engine auto`: the native sweep when built) or WebAssembly on worker threads. */
type Engine = "auto" | "wasm";

/**
 * Timed sweeps of `model` over `test` (dynaspin on 2 threads, once per engine in `engines`) next
 * to one run of the NumPy peer; one row per engine.
 */
async function sweepRows(label: string, model: Model, test: Dataset, trials: number, goal: string, engines: Engine[]): Promise<BenchRow[]> {
  const sigmas = parseSigmas("0:1:0.05");
  const opts = { params: ["a" as const], sigmas, trials, seed: 0 };
  // The sweep runs from the built package (dist/, as `dynaspin robustness` does), so worker threads
  // load plain JavaScript rather than compiling the TypeScript source through tsx; the model goes
  // through its JSON form into dist's own classes.
  const distWorker = new URL("../dist/node/robustness-worker.js", import.meta.url);
  if (!existsSync(distWorker)) throw new Error("robustness bench: dist/ is missing; run `npm run build` first (npm run bench does)");
  const dist = (await import(distWorker.href)) as typeof import("../src/node/robustness-worker.js");
  const distSweep = (await import(new URL("../dist/node/native-sweep.js", import.meta.url).href)) as typeof import("../src/node/native-sweep.js");
  const distIo = (await import(new URL("../dist/network/io.js", import.meta.url).href)) as typeof import("../src/network/io.js");
  const distModel = distIo.modelFromJson(modelToJson(model));
  const timed: { engine: Engine; seconds: number; cpu: number; r: Awaited<ReturnType<typeof dist.robustnessParallel>> }[] = [];
  for (const e of engines) {
    const engine = distSweep.sweepEngineForChoice(e, 2);
    // Warm-up (JIT, and the worker loaded, as NumPy's import is not timed either), then the timed
    // sweep: this thread and one worker thread, or the native sweep's two threads.
    await dist.robustnessParallel(distModel, test, { ...opts, trials: Math.min(200, trials) }, { workers: 2, engine });
    if (engine === null) await dist.prestartRobustnessWorkers(2);
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const r = await dist.robustnessParallel(distModel, test, opts, { workers: 2, engine });
    const seconds = (performance.now() - t0) / 1000;
    const cu = process.cpuUsage(c0);
    // CPU time of the whole process, worker and native threads included.
    timed.push({ engine: e, seconds, cpu: (cu.user + cu.system) / 1e6, r });
  }
  const p0 = applyNormalization(test.x, test.d, model.normalization!);
  const rows: number[][] = [];
  // p(0) of every oscillator: the d normalised features, then the extra oscillators' constant input.
  const d = inputCount(model), extra = extraInput(model);
  for (let i = 0; i < test.n; i++) rows.push([...p0.subarray(i * d, (i + 1) * d), ...new Array<number>(model.k - d).fill(extra)]);
  const peer = runPeer({ model: modelToJson(model), p0: rows, y: Array.from(test.y), sigmas, trials, seed: 0, chunk: 2000 });
  // Every engine gives the same counts (tests); the bench checks it on the real workload too.
  for (const t of timed.slice(1)) {
    if (JSON.stringify(t.r.raw.map((x) => [...x.correct])) !== JSON.stringify(timed[0].r.raw.map((x) => [...x.correct]))) throw new Error(`robustness bench: ${t.r.engine} and ${timed[0].r.engine} counts differ`);
  }
  return timed.map(({ engine, seconds, cpu, r }) => {
    const row: BenchRow = {
      suite: "robustness",
      workload: `${label}, 21 σ × ${trials} trials × ${test.n} samples${engine === "wasm" ? ", dynaspin on WebAssembly" : ""}`,
      value: seconds,
      unit: "s",
      goal: engine === "wasm" ? undefined : goal,
      notes: `dynaspin engine ${r.engine}; load average ${loadavg()[0].toFixed(1)}; mean at σ=0/0.25/0.5: ${[0, 5, 10].map((i) => (r.stats[i].mean * 100).toFixed(2)).join("/")} %`,
      detail: { engine: r.engine ?? "none", cpu, means: [0, 5, 10].map((i) => (r.stats[i].mean * 100).toFixed(2)).join(" / ") },
    };
    if (typeof peer === "string") return Object.assign(row, { peer: "NumPy", peerValue: null, ratio: null, notes: `${row.notes}; ${peer}` });
    // At σ = 0 both compute the same network; a sample whose two largest logits differ by a last
    // bit (NumPy's BLAS sums in another order) may flip, so at most one sample in n may differ.
    if (Math.abs(peer.mean[0] - r.stats[0].mean) > 1.5 / test.n) throw new Error(`robustness bench: at σ = 0 NumPy gives ${peer.mean[0]}, dynaspin ${r.stats[0].mean}`);
    let worst = 0;
    for (let i = 1; i < sigmas.length; i++) {
      const se = Math.sqrt((peer.std[i] ** 2 + r.stats[i].std ** 2) / trials);
      const z = Math.abs(peer.mean[i] - r.stats[i].mean) / (5 * se + 0.002);
      worst = Math.max(worst, z);
      if (z > 1) throw new Error(`robustness bench: at σ = ${sigmas[i]} NumPy mean ${peer.mean[i]} vs dynaspin ${r.stats[i].mean}`);
    }
    Object.assign(row.detail!, { peerCpu: peer.cpuSeconds, check: `${peer.mean[0] === r.stats[0].mean ? "equal" : "within one sample"} at σ = 0, elsewhere within ${(worst * 100).toFixed(0)} % of the 5-SE tolerance` });
    return Object.assign(row, {
      peer: `${peer.numpy}; vectorised over trials × samples, one BLAS product per step`,
      peerValue: peer.seconds,
      ratio: seconds / peer.seconds,
      notes: `${row.notes}; CPU time ${cpu.toFixed(2)} s vs NumPy ${peer.cpuSeconds.toFixed(1)} s (CPU ratio ${(cpu / peer.cpuSeconds).toFixed(3)}); ${peer.mean[0] === r.stats[0].mean ? "equal" : "within one sample"} at σ=0, means within ${(worst * 100).toFixed(0)} % of the 5-SE tolerance elsewhere`,
    });
  });
}

/** The benchmark suite: the paper's Fig. 4 sweep (spiral) and the digits sweep. */
export const run: BenchSuite = async ({ quick }) => {
  const sp = stratifiedSplit(makeSpiral({}), 0, 0.2);
  const spiral = train(sp.train, { devices: eq4(), steps: 6, epochs: 400, batchSize: 64, lr: 0.01, restarts: 4, seed: 0, init: { spread: 0.65, mixing: 0.5 } }).model;
  const dg = stratifiedSplit(loadDigits(), 0, 0.2);
  const digits = train(dg.train, { devices: eq4(), steps: 4, epochs: 30, batchSize: 64, lr: 0.005, seed: 0 }).model;
  return [
    ...(await sweepRows("Fig. 4 sweep: spiral", spiral, sp.test, quick ? 1000 : 10000, "<= 0.1", ["auto"])),
    ...(await sweepRows("digits network (64 oscillators, n = 4)", digits, dg.test, 1000, "<= 0.2", ["auto", "wasm"])),
  ];
};

/** The robustness sweep table of docs/benchmarks.md: both sides' wall and CPU time and the ratios. */
export const docBlock: BenchDocBlock = (rows) => {
  const s = (v: unknown, d = 2): string => (typeof v === "number" && Number.isFinite(v) ? `${v.toFixed(d)} s` : "n/a");
  const met = (r: BenchRow): string => (r.goal === undefined ? "–" : `${r.goal.replace("<=", "≤")}, ${goalMet(r) ? "met" : "**not met**"}`);
  const peers = [...new Set(rows.map((r) => r.peer).filter((p): p is string => p !== undefined))];
  return [
    `dynaspin on 2 threads (engine per row) against the NumPy peer \`bench/peers/robustness_numpy.py\` (${peers.join("; ") || "missing"}), same model JSON and test set; ratio = dynaspin / NumPy (lower is better).`,
    "",
    markdownTable(
      ["workload", "dynaspin engine", "dynaspin wall", "dynaspin CPU", "NumPy wall", "NumPy CPU", "ratio (wall)", "ratio (CPU)", "goal", "mean at σ = 0 / 0.25 / 0.5", "agreement with NumPy"],
      rows.map((r) => {
        const d = r.detail ?? {};
        const cpuRatio = typeof d.cpu === "number" && typeof d.peerCpu === "number" ? (d.cpu / d.peerCpu).toFixed(3) : "n/a";
        return [r.workload, String(d.engine ?? ""), s(r.value), s(d.cpu), s(r.peerValue, 1), s(d.peerCpu, 1), r.ratio == null ? "n/a" : r.ratio.toFixed(3), cpuRatio, met(r), `${d.means ?? ""} %`, String(d.check ?? "")];
      }),
    ),
  ].join("\n");
};

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const rows = await run({ quick: process.argv.includes("--quick") });
  for (const r of rows) {
    const peer = r.peer ? `\t${r.peer}: ${r.peerValue == null ? "n/a" : r.peerValue.toFixed(3)} ${r.unit}\tratio ${r.ratio == null ? "n/a" : r.ratio.toFixed(4)}` : "";
    console.log(`${r.suite}\t${r.workload}\t${r.value.toFixed(3)} ${r.unit}${peer}\t${r.notes ?? ""}`);
  }
}
