import { test } from "node:test";
import assert from "node:assert/strict";
import { startParallelKernels } from "../../src/node/train-worker.js";
import { gemm } from "../../src/kernels/backend.js";
import { partRange } from "../../src/train/parallel.js";
import { train } from "../../src/train/train.js";
import { loadDigits } from "../../src/node/tasks.js";
import { stratifiedSplit } from "../../src/data/split.js";
import { eq4 } from "../../src/device/analytic.js";
import { Rng } from "../../src/util/rng.js";

function sameBits(a: Float64Array, b: Float64Array, what: string): void {
  assert.equal(a.length, b.length);
  for (let q = 0; q < a.length; q++) if (!Object.is(a[q], b[q])) assert.fail(`${what}[${q}]: ${a[q]} with threads, ${b[q]} without`);
}

test("partRange covers 0..n-1 in order with parts differing by at most one", () => {
  assert.deepEqual(partRange(10, 3, 0), [0, 3]);
  assert.deepEqual(partRange(10, 3, 1), [3, 6]);
  assert.deepEqual(partRange(10, 3, 2), [6, 10]);
  assert.deepEqual(partRange(1, 2, 0), [0, 0]);
});

test("the matrix kernels on 2 and 3 threads give the same bits as on one, for odd shapes and padded rows", () => {
  const shapes: Array<[number, number, number]> = [[7, 9, 13], [64, 64, 64], [10, 5, 3]];
  const results = (): Float64Array[] =>
    shapes.flatMap(([m, kk, nb]) => {
      const r = new Rng(m * 1000 + kk * 10 + nb);
      const ld = nb + 3;
      const M = new Float64Array(2 + m * kk).map(() => r.normal());
      const bias = new Float64Array(1 + m).map(() => r.normal());
      const X = new Float64Array(kk * ld).map(() => r.normal());
      const Y = new Float64Array(m * ld).map(() => r.normal());
      const out = new Float64Array(1 + m * ld).fill(3);
      const G = new Float64Array(m * kk).map(() => r.normal());
      const lam = new Float64Array(kk * ld).fill(5);
      gemm.gemmBias(m, kk, nb, M, 2, bias, 1, X, ld, out, 1, ld);
      gemm.gemmAccABt(m, kk, nb, Y, ld, X, ld, G, 0);
      gemm.gemmAtB(m, kk, nb, M, 2, Y, ld, lam, ld);
      return [out, G, lam];
    });
  const one = results();
  for (const workers of [2, 3]) {
    const stop = startParallelKernels(workers, { minMacs: 0 });
    let many: Float64Array[];
    try {
      many = results();
    } finally {
      stop();
    }
    many.forEach((a, q) => sameBits(a, one[q], `${workers} threads, output ${q}`));
  }
});

test("training on 2 threads ends with exactly the parameters of training on one", () => {
  const split = stratifiedSplit(loadDigits(), 0);
  const options = { devices: eq4(), steps: 2, epochs: 2, batchSize: 100, lr: 0.01, restarts: 1, seed: 3 };
  const a = train(split.train, options).model;
  const stop = startParallelKernels(2, { minMacs: 0 });
  let b;
  try {
    b = train(split.train, options).model;
  } finally {
    stop();
  }
  for (const key of ["A", "B", "W", "c"] as const) sameBits(b[key], a[key], key);
});
