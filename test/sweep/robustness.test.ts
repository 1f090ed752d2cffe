import { test } from "node:test";
import assert from "node:assert/strict";
import { robustnessSweep, percentileSorted, sigmaStats } from "../../src/sweep/robustness.js";
import { robustnessParallel, prestartRobustnessWorkers } from "../../src/node/robustness-worker.js";
import { evaluate } from "../../src/network/api.js";
import { smallSpiral } from "./fixture.js";

test("at sigma zero every trial reproduces the ideal test accuracy", () => {
  const { model, test: ts } = smallSpiral();
  const r = robustnessSweep(model, ts, { params: ["a"], sigmas: [0], trials: 20, seed: 1 });
  assert.equal(r.stats[0].mean, evaluate(model, ts).accuracy);
  assert.equal(r.stats[0].std, 0);
});

test("mean accuracy falls and spread grows as device-to-device variation grows", () => {
  const { model, test: ts } = smallSpiral();
  const r = robustnessSweep(model, ts, { params: ["a"], sigmas: [0, 1.5], trials: 200, seed: 4 });
  assert.ok(r.stats[1].mean < r.stats[0].mean - 0.02, `${r.stats[1].mean} vs ${r.stats[0].mean}`);
  assert.ok(r.stats[1].std > 0.01);
  assert.ok(r.stats[1].p5 <= r.stats[1].p50 && r.stats[1].p50 <= r.stats[1].p95);
});

test("trial ranges computed separately concatenate to the full sweep bit for bit", () => {
  const { model, test: ts } = smallSpiral();
  const opts = { params: ["a", "b"] as const, sigmas: [0.3, 0.6], trials: 30, seed: 9 };
  const whole = robustnessSweep(model, ts, { ...opts, params: [...opts.params] });
  const a = robustnessSweep(model, ts, { ...opts, params: [...opts.params], trialRange: [0, 11] });
  const b = robustnessSweep(model, ts, { ...opts, params: [...opts.params], trialRange: [11, 30] });
  for (let s = 0; s < 2; s++) {
    assert.deepEqual([...a.raw[s].correct, ...b.raw[s].correct], [...whole.raw[s].correct]);
  }
});

test("one and two worker threads give bit-identical results", async () => {
  const { model, test: ts } = smallSpiral();
  const opts = { params: ["a" as const], sigmas: [0.25, 0.5], trials: 3000, seed: 5 };
  const one = await robustnessParallel(model, ts, opts, { workers: 0 });
  // Workers loaded first, and small chunks, so both threads compute part of the sweep.
  await prestartRobustnessWorkers(3);
  const by = [0, 0, 0];
  const three = await robustnessParallel(model, ts, opts, { workers: 3, chunk: 7, onChunk: (t) => by[t]++ });
  assert.ok(by[0] > 0 && by[1] > 0 && by[2] > 0, `chunks per thread: ${by.join(", ")}`);
  assert.deepEqual(three.stats, one.stats);
  assert.deepEqual(three.raw.map((r) => [...r.correct]), one.raw.map((r) => [...r.correct]));
  // The general path (hardware given explicitly) on this thread and two workers as well.
  const hw = { ...opts, trials: 200, hardware: { readNoise: { sigma: 0.01 } } };
  const hw1 = await robustnessParallel(model, ts, hw, { workers: 0 });
  const hw3 = await robustnessParallel(model, ts, hw, { workers: 3, chunk: 5 });
  assert.deepEqual(hw3.raw.map((r) => [...r.correct]), hw1.raw.map((r) => [...r.correct]));
});

test("percentiles interpolate linearly like NumPy and statistics count the threshold inclusively", () => {
  assert.equal(percentileSorted([1, 2, 3, 4], 50), 2.5);
  assert.equal(percentileSorted([1, 2, 3, 4, 5], 5), 1.2);
  const s = sigmaStats(0.1, Int32Array.from([9, 10, 8, 10]), 10, 0.9, 0, 0);
  assert.equal(s.fractionAbove, 0.75);
  assert.equal(s.mean, 0.925);
});

test("a sweep whose draws are often non-physical counts the redraws and clips instead of crashing", () => {
  const { model, test: ts } = smallSpiral();
  const r = robustnessSweep(model, ts, { params: ["Q", "Ic"], sigmas: [3], trials: 40, seed: 2 });
  assert.ok(r.stats[0].redraws > 10, `redraws ${r.stats[0].redraws}`);
  assert.ok(Number.isFinite(r.stats[0].mean));
  assert.equal(r.raw[0].correct.length, 40);
});
