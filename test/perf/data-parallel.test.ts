import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startParallelTraining, parallelTrainingReady, parallelTrainingChunks } from "../../src/node/data-parallel.js";
import { startParallelKernels } from "../../src/node/train-worker.js";
import { chunkExecutor } from "../../src/train/chunks.js";
import { TrainingRun, resolveTrainOptions, type TrainOptions } from "../../src/train/train.js";
import { createModel, type Model } from "../../src/network/model.js";
import { makeSpiral } from "../../src/data/spiral.js";
import { stratifiedSplit, fitNormalization } from "../../src/data/split.js";
import { eq4 } from "../../src/device/analytic.js";
import { InputError } from "../../src/util/errors.js";
import { runCli } from "../../src/cli/main.js";

const tr = stratifiedSplit(makeSpiral({ count: 1000 }), 0).train;

/** Trains `epochs` epochs (fresh model, same seed) and returns the model. */
function trainRun(options: Omit<TrainOptions, "devices">, epochs: number): Model {
  const model = createModel(tr.d, options.steps ?? 4, 2, eq4());
  model.normalization = fitNormalization(tr);
  const run = new TrainingRun(model, tr, resolveTrainOptions({ epochs, evalEvery: 1000, ...options }), 7, undefined);
  for (let e = 0; e < epochs; e++) run.epoch();
  return run.model;
}

function sameBits(a: Model, b: Model, what: string): void {
  for (const key of ["A", "B", "W", "c"] as const) {
    for (let e = 0; e < a[key].length; e++) if (!Object.is(a[key][e], b[key][e])) assert.fail(`${what}: ${key}[${e}] = ${b[key][e]}, one thread ${a[key][e]}`);
  }
}

// Full batch (8 chunks), shuffled minibatches of 300 (4 chunks, a new input every batch),
// variation-aware training (new devices every batch) and a batch of 64 (one chunk: this thread).
const CASES: Array<[string, Omit<TrainOptions, "devices">]> = [
  ["full batch", { steps: 4, batchSize: 0, lr: 0.02 }],
  ["minibatch 300", { steps: 3, batchSize: 300, lr: 0.02 }],
  ["variation-aware", { steps: 4, batchSize: 0, lr: 0.02, variation: { params: ["a", "Ic"], sigma: 0.2, relative: true } }],
  ["minibatch 64", { steps: 4, batchSize: 64, lr: 0.02 }],
  ["float32 full batch", { steps: 4, batchSize: 0, lr: 0.02, precision: "float32" }],
  ["float32 minibatch 300", { steps: 3, batchSize: 300, lr: 0.02, precision: "float32" }],
];

test("training with its batches' chunks on 2 or 3 threads ends with exactly the parameters of one thread", async () => {
  const one = CASES.map(([, o]) => trainRun(o, 6));
  const long = trainRun(CASES[0][1], 150);
  for (const threads of [2, 3]) {
    const stop = startParallelTraining(threads, { spinMs: 5 });
    try {
      await parallelTrainingReady();
      CASES.forEach(([name, o], q) => sameBits(one[q], trainRun(o, 6), `${name} on ${threads} threads`));
      sameBits(long, trainRun(CASES[0][1], 150), `150 full-batch epochs on ${threads} threads`);
      // Under load the workers may get no CPU during these runs; give them more (bounded) work.
      for (let extra = 0; extra < 10 && !parallelTrainingChunks().slice(1).some((c) => c > 0); extra++) trainRun(CASES[0][1], 150);
      const counts = parallelTrainingChunks();
      assert.ok(counts.slice(1).some((c) => c > 0), `chunks per thread: ${counts.join(", ")}`);
    } finally {
      stop();
    }
  }
});

test("every worker thread takes chunks while training runs", async () => {
  const stop = startParallelTraining(2, { spinMs: 5 });
  try {
    await parallelTrainingReady();
    // On a loaded machine the worker may get no CPU during one run; train again (at most 10 runs)
    // until it has taken a chunk, so the test fails only if the worker never takes any.
    let runs = 0;
    do {
      trainRun(CASES[0][1], 300);
      runs++;
    } while (parallelTrainingChunks()[1] === 0 && runs < 10);
    const [mine, worker] = parallelTrainingChunks();
    assert.ok(mine > 0 && worker > 0, `chunks per thread after ${runs} runs: ${mine}, ${worker}`);
    assert.equal(mine + worker, runs * 300 * 8);
  } finally {
    stop();
  }
  assert.equal(chunkExecutor(), null);
  assert.deepEqual(parallelTrainingChunks(), []);
});

test("startParallelTraining: one thread changes nothing, bad options are InputErrors, a second start is refused", () => {
  const stop = startParallelTraining(1);
  assert.equal(chunkExecutor(), null);
  stop();
  assert.throws(() => startParallelTraining(2, { spinMs: -1 }), InputError);
  assert.throws(() => startParallelTraining(2.5), InputError);
  const s = startParallelTraining(2);
  try {
    assert.throws(() => startParallelTraining(2), /already running/);
  } finally {
    s();
  }
  // Kernel threads and chunk threads may run together (this thread's chunks then split their products).
  const base = trainRun(CASES[0][1], 3);
  const k = startParallelKernels(2, { minMacs: 0 });
  const c = startParallelTraining(2);
  try {
    sameBits(base, trainRun(CASES[0][1], 3), "kernel and chunk threads together");
  } finally {
    c();
    k();
  }
});

test("dynaspin train --workers 2 on a full-batch spiral writes the same model as --workers 1", async () => {
  const dir = mkdtempSync(join(tmpdir(), "dynaspin-dp-"));
  const model = async (workers: string): Promise<string> => {
    const out: string[] = [], err: string[] = [];
    const io = { stdout: (s: string) => void out.push(s), stderr: (s: string) => void err.push(s), isTTY: false, env: {} };
    const to = join(dir, `w${workers}`);
    const args = ["train", "--task", "spiral", "--count", "600", "--batch", "0", "--epochs", "30", "--restarts", "1", "--steps", "4", "--quiet", "--workers", workers, "--out", to];
    assert.equal(await runCli(args, io), 0, err.join(""));
    return readFileSync(join(to, "model.json"), "utf8");
  };
  assert.equal(await model("2"), await model("1"));
});
