import { test } from "node:test";
import assert from "node:assert/strict";
import { makePlan, sigmaGrid, snapshotEpochs, FULL_SEEDS } from "../../src/reproduce/plan.js";
import { TASK_DEFAULTS, PAPER_RESULTS } from "../../src/train/tasks.js";
import { comparisonTable, formatTextTable, type ReproduceSummary } from "../../src/reproduce/summary.js";
import { trainWithSnapshots } from "../../src/reproduce/training.js";
import { finalStates, readoutLine, meanStd, deviceData } from "../../src/reproduce/figure-data.js";
import { Rng } from "../../src/util/rng.js";
import { train } from "../../src/train/train.js";
import { runForward } from "../../src/network/api.js";
import { makeSpiral } from "../../src/data/spiral.js";
import { stratifiedSplit } from "../../src/data/split.js";
import { eq4 } from "../../src/device/analytic.js";

test("the full plan trains every task with its defaults on five seeds and sweeps 21 σ × 10 000 trials", () => {
  const p = makePlan({ mode: "full", seed: 7 });
  assert.deepEqual(p.spiral.seeds, [7, 8, 9, 10, 11]);
  assert.equal(p.spiral.seeds.length, FULL_SEEDS);
  assert.equal(p.digits.options.epochs, TASK_DEFAULTS.digits.epochs);
  assert.equal(p.spiral.options.restarts, TASK_DEFAULTS.spiral.restarts);
  assert.equal(p.robustness.sigmas.length, 21);
  assert.equal(p.robustness.trials, 10_000);
  assert.deepEqual(p.reductions, []);
  assert.equal(p.physics?.temperature, 300);
});

test("the quick plan reduces digits epochs, seeds and trials and says so, keeping σ = 0.25 and 0.5 on the grid", () => {
  const p = makePlan({ mode: "quick" });
  assert.equal(p.digits.options.epochs, Math.round((TASK_DEFAULTS.digits.epochs ?? 60) / 2));
  assert.equal(p.spiral.options.epochs, TASK_DEFAULTS.spiral.epochs);
  assert.deepEqual(p.spiral.seeds, [0]);
  assert.ok(p.robustness.sigmas.includes(0.25) && p.robustness.sigmas.includes(0.5));
  assert.ok(p.robustness.trials < 10_000);
  assert.equal(p.physics, null);
  assert.equal(p.reductions.length, 4);
  assert.match(p.reductions.join(" "), /200 trials/);
  assert.match(p.reductions.join(" "), /LLG/);
});

test("bad seeds and worker counts are refused with a message naming the flag", () => {
  assert.throws(() => makePlan({ seed: -1 }), /--seed/);
  assert.throws(() => makePlan({ workers: 0 }), /--workers/);
});

test("sigma grids hit their end points exactly and snapshot epochs are early, middle and last", () => {
  assert.deepEqual(sigmaGrid(0, 1, 0.125), [0, 0.125, 0.25, 0.375, 0.5, 0.625, 0.75, 0.875, 1]);
  assert.equal(sigmaGrid(0, 1, 0.05)[5], 0.25);
  assert.deepEqual(snapshotEpochs(600), [12, 150, 600]);
  assert.deepEqual(snapshotEpochs(2), [1, 2]);
});

test("training with snapshots gives the same network as train and captures the requested epochs", () => {
  const sp = stratifiedSplit(makeSpiral({ count: 200 }), 0, 0.2);
  const options = { steps: 3, epochs: 12, batchSize: 32, lr: 0.01, restarts: 2, restartEpochs: 4, seed: 3, devices: eq4(), test: sp.test };
  const ref = train(sp.train, options);
  const seen: number[] = [];
  const r = trainWithSnapshots(sp.train, { ...options, snapshotAt: [2, 8, 12], snapshot: (m, e) => (seen.push(e), m.W.slice()), onEpoch: () => undefined });
  assert.deepEqual(Array.from(r.model.A), Array.from(ref.model.A));
  assert.deepEqual(Array.from(r.model.W), Array.from(ref.model.W));
  assert.equal(r.chosenRestart, ref.chosenRestart);
  assert.deepEqual(r.history.map((m) => m.trainLoss), ref.history.map((m) => m.trainLoss));
  assert.deepEqual(r.snapshots.map((s) => s.epoch), [2, 8, 12]);
  assert.deepEqual(Array.from(r.snapshots[2].value), Array.from(ref.model.W));
  // Epoch 2 lies in the restart trial phase: both restarts took it.
  assert.equal(seen.filter((e) => e === 2).length, 2);
});

test("the readout line is the class-1 minus class-0 logit as a function of the final states", () => {
  const sp = stratifiedSplit(makeSpiral({ count: 100 }), 0, 0.2);
  const { model } = train(sp.train, { oscillators: 2, steps: 2, epochs: 3, seed: 1, devices: eq4() });
  const fs = finalStates(model, sp.test, 3);
  const line = readoutLine(model);
  const f = runForward(model, sp.test.x);
  for (let r = 0; r < sp.test.n; r++) {
    const diff = f.logits[2 * r + 1] - f.logits[2 * r];
    assert.ok(Math.abs(line.w0 * Number(fs.px[r]) + line.w1 * Number(fs.py[r]) + line.c - diff) < 1e-12);
  }
});

test("mean and sample std of accuracies over seeds", () => {
  assert.deepEqual(meanStd([0.9]), { mean: 0.9, std: 0 });
  const s = meanStd([1, 3]);
  assert.equal(s.mean, 2);
  assert.ok(Math.abs(s.std - Math.SQRT2) < 1e-15);
});

test("the comparison table puts the paper's numbers next to ours, per seed when there are several", () => {
  const seed = (s: number, tr: number, te: number) => ({ seed: s, trainAccuracy: tr, testAccuracy: te, trainLoss: 0.1, testLoss: 0.2, epochs: 1, seconds: 1, model: "m", metrics: "x" });
  const task = (t: "spiral" | "digits", seeds: ReturnType<typeof seed>[]) => ({
    task: t,
    samples: { train: 8, test: 2 },
    seeds,
    trainAccuracy: meanStd(seeds.map((s) => s.trainAccuracy)),
    testAccuracy: meanStd(seeds.map((s) => s.testAccuracy)),
  });
  const s = {
    mode: "full",
    device: { fitted: { a: 4.1, b: 5.1, Ic: 1, Q: 2 } },
    spiral: task("spiral", [seed(0, 0.95, 0.9), seed(1, 0.97, 0.94)]),
    digits: task("digits", [seed(0, 0.99, 0.975)]),
    robustness: { trials: 100, at025: 0.91, at05: 0.8 },
  } as unknown as ReproduceSummary;
  const t = comparisonTable(s);
  assert.deepEqual(t.columns, ["quantity", "paper", "dynaspin"]);
  assert.deepEqual(t.rows[0].slice(0, 3), ["spiral train accuracy", `${PAPER_RESULTS.spiral.train} % (§II-D)`, "96.00 ± 1.41 % (2 seeds)"]);
  assert.ok(t.rows.some((r) => r[0].includes("spiral seed 1") && r[2] === "97.00 / 94.00 %"));
  assert.ok(t.rows.some((r) => r[0] === "digits test accuracy" && r[1] === "97.5 % (§II-D)" && r[2] === "97.50 % (seed 0)"));
  assert.ok(t.rows.some((r) => r[0].includes("σ(a) = 0.25") && r[2] === "91.00 % (100 trials)"));
  const text = formatTextTable(t);
  assert.match(text, /^quantity\s+paper\s+dynaspin\n-+/);
});

test("the generated device data are eq. 4 of the test device plus Gaussian noise of the stated size", () => {
  const plan = { params: { a: 4, b: 5, Ic: 1, Q: 2 }, points: 2001, from: 0, to: 4, noise: 0.005, seed: 0 };
  const clean = deviceData({ ...plan, noise: 0 }, new Rng(1));
  const curve = eq4();
  assert.equal(clean.current[0], 0);
  assert.equal(clean.current[2000], 4);
  for (let i = 0; i < 2001; i += 100) assert.equal(clean.power[i], curve.power(clean.current[i]));
  const noisy = deviceData(plan, new Rng(1));
  const r = Array.from(noisy.power, (p, i) => p - clean.power[i]);
  const { mean, std } = meanStd(r);
  // 2001 draws: the sample std is within ±5 % of σ and the mean within 4 standard errors of 0.
  assert.ok(Math.abs(std / 0.005 - 1) < 0.05, `std ${std}`);
  assert.ok(Math.abs(mean) < (4 * 0.005) / Math.sqrt(2001), `mean ${mean}`);
});
