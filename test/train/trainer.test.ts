/**
 * The step-by-step Trainer is the training algorithm: train() is its loop, and both equal a
 * direct restart selection written out here (every restart trained for its trial epochs, the
 * lowest training loss kept and trained on), bit for bit.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { train, Trainer, TrainingRun, resolveTrainOptions, makeSpiral, makeCircles, evaluate, stratifiedSplit, eq4, createModel, fitNormalization, deriveSeed, type TrainOptions } from "../../src/index.js";

const split = stratifiedSplit(makeSpiral({ count: 200, seed: 3 }), 0, 0.2);
const base: TrainOptions = { devices: eq4(), oscillators: 2, steps: 3, epochs: 12, batchSize: 32, lr: 0.02, restarts: 3, restartEpochs: 4, seed: 7, test: split.test };

test("train() equals a written-out restart selection and the Trainer stepped by hand", () => {
  const losses: [number, number][] = [];
  const ref = train(split.train, { ...base, onRestart: (r, l) => losses.push([r, l]) });
  // Written out: three restarts with seeds deriveSeed(7, r), four trial epochs each.
  const o = resolveTrainOptions(base);
  const norm = fitNormalization(split.train);
  const runs = [0, 1, 2].map((r) => {
    const m = createModel(2, 3, 2, eq4());
    m.normalization = norm;
    m.classNames = split.train.classNames.slice();
    const run = new TrainingRun(m, split.train, o, deriveSeed(7, r), split.test);
    for (let e = 0; e < 4; e++) run.epoch();
    return run;
  });
  const trial = runs.map((r) => r.history[3].trainLoss);
  const best = trial.indexOf(Math.min(...trial));
  while (runs[best].epochsDone < 12) runs[best].epoch();
  assert.deepEqual(ref.restartLosses, trial);
  assert.equal(ref.chosenRestart, best);
  assert.deepEqual(losses, trial.map((l, r) => [r, l]));
  assert.deepEqual(ref.model.A, runs[best].model.A);
  assert.deepEqual(ref.model.W, runs[best].model.W);

  const t = new Trainer(split.train, base);
  const kinds: string[] = [];
  while (!t.done) kinds.push(t.advance().kind);
  assert.deepEqual(kinds, [...Array(12).fill("trial"), "selected", ...Array(8).fill("epoch")]);
  assert.deepEqual(t.run!.model.A, ref.model.A);
  assert.deepEqual(t.run!.model.B, ref.model.B);
  assert.deepEqual(t.run!.history, ref.history.map((m, i) => ({ ...m, seconds: t.run!.history[i].seconds })));
  // Past the end it keeps training (the playground's "continue").
  assert.equal(t.advance().kind, "epoch");
  assert.equal(t.run!.epochsDone, 13);
});

test("Trainer.retune changes the learning rate and batch size of the kept run without a reset", () => {
  const a = new Trainer(split.train, { ...base, restarts: 1 });
  const b = new Trainer(split.train, { ...base, restarts: 1 });
  for (let i = 0; i < 4; i++) {
    // The first advance makes the single restart's choice, then three epochs.
    a.advance();
    b.advance();
  }
  b.retune({ lr: 0.02, batchSize: 32 });
  a.advance();
  b.advance();
  assert.deepEqual(b.run!.model.A, a.run!.model.A, "an unchanged retune continues bit for bit");
  b.retune({ lr: 0.001, batchSize: 0 });
  assert.equal(b.run!.epochsDone, 4);
  const before = b.run!.model.A.slice();
  const m = b.advance();
  assert.equal(m.kind, "epoch");
  assert.ok(m.kind === "epoch" && m.metrics.epoch === 5 && m.metrics.lr < 0.001 + 1e-12);
  assert.notDeepEqual(b.run!.model.A, before);
  assert.throws(() => b.retune({ lr: -1 }), /learning rate/);
  // Weight decay too (the playground's regularisation control): it shrinks A from the next epoch on.
  const c = new Trainer(split.train, { ...base, restarts: 1 });
  const d = new Trainer(split.train, { ...base, restarts: 1 });
  for (let i = 0; i < 3; i++) {
    c.advance();
    d.advance();
  }
  d.retune({ weightDecay: 5 });
  assert.equal(d.options.weightDecay, 5);
  c.advance();
  d.advance();
  const norm = (a: Float64Array): number => a.reduce((s, v) => s + v * v, 0);
  assert.ok(norm(d.run!.model.A) < norm(c.run!.model.A), "decayed couplings are smaller");
});

test("Trainer.retune can turn early stopping off to train on past an early stop (the playground's Continue)", () => {
  // Automatic budget with a validation split and a tiny patience: it stops early.
  const ds = makeSpiral({ count: 400, seed: 5 });
  const sp = stratifiedSplit(ds, 0, 0.2);
  const t = new Trainer(sp.train, { devices: eq4(), oscillators: 2, steps: 3, updates: 400, patience: 5, restarts: 1, seed: 1, test: sp.test });
  assert.ok(t.options.auto && t.options.validation > 0);
  while (!t.done) t.advance();
  const stopped = t.run!.epochsDone;
  assert.ok(stopped < t.options.epochs, `stopped early at ${stopped} of ${t.options.epochs}`);
  assert.ok(t.run!.stalled());
  t.retune({ epochs: stopped + 3, patience: 0 });
  assert.equal(t.done, false, "no longer stalled");
  for (let i = 0; i < 3; i++) assert.equal(t.advance().kind, "epoch");
  assert.equal(t.done, true);
  assert.equal(t.run!.epochsDone, stopped + 3);
  // Without `patience` the planned early stopping stays.
  assert.equal(t.options.patience, 0);
  t.retune({ lr: 0.01 });
  assert.equal(t.options.patience, 0);
});

test("a depth curriculum staged step by step (the playground watches its starter network) gives train()'s bits", () => {
  const o: TrainOptions = { ...base, steps: 5, curriculum: 3, epochs: 10, restarts: 2, restartEpochs: 3 };
  const ref = train(split.train, o);
  const eager = new Trainer(split.train, o);
  assert.equal(eager.starter, null, "by default the starter network trains in the constructor");
  assert.ok(eager.curriculum !== null && eager.curriculum.steps === 3);
  const t = new Trainer(split.train, o, { stagedCurriculum: true });
  const starter = t.starter;
  assert.ok(starter !== null && starter.options.steps === 3 && t.curriculum === null && t.current === null);
  // Its restarts, then its epochs, one unit at a time (a live change would go through starter.retune).
  const kinds: string[] = [];
  while (!starter.done) kinds.push(starter.advance().kind);
  assert.deepEqual(kinds.slice(0, 7), ["trial", "trial", "trial", "trial", "trial", "trial", "selected"]);
  assert.equal(starter.run!.epochsDone, 10);
  // The deep network starts from it at the next advance (one restart: chosen at once).
  assert.equal(t.advance().kind, "selected");
  assert.equal(t.starter, null);
  assert.deepEqual(t.curriculum, eager.curriculum);
  while (!t.done) t.advance();
  const r = t.finish(0);
  assert.equal(r.model.steps, 5);
  assert.deepEqual(r.model.A, ref.model.A);
  assert.deepEqual(r.model.B, ref.model.B);
  assert.deepEqual(r.model.W, ref.model.W);
  assert.deepEqual(r.history.map((m) => m.trainLoss), ref.history.map((m) => m.trainLoss));
  assert.deepEqual(r.curriculum, ref.curriculum);
});

test("L1 makes A sparse: exact zeros that plain training never gives, at the same accuracy (circles, 8 oscillators)", () => {
  const split = stratifiedSplit(makeCircles({ count: 400, seed: 1 }), 0, 0.2);
  const o = { devices: eq4(), epochs: 400, lr: 0.02, restarts: 1, seed: 2 };
  const plain = train(split.train, o), sparse = train(split.train, { ...o, l1: 0.1 });
  const zeros = (a: Float64Array): number => a.reduce((n, v) => n + (v === 0 ? 1 : 0), 0);
  assert.equal(zeros(plain.model.A), 0);
  const z = zeros(sparse.model.A);
  assert.ok(z >= 0.1 * sparse.model.A.length, `L1 zeroed ${z} of ${sparse.model.A.length} couplings`);
  // Σ|A| falls too (not only a few entries clipped).
  const l1norm = (a: Float64Array): number => a.reduce((s, v) => s + Math.abs(v), 0);
  assert.ok(l1norm(sparse.model.A) < 0.8 * l1norm(plain.model.A), `Σ|A| ${l1norm(sparse.model.A)} vs ${l1norm(plain.model.A)}`);
  const a = evaluate(plain.model, split.test).accuracy, b = evaluate(sparse.model, split.test).accuracy;
  assert.ok(b >= a - 0.02, `test accuracy with L1 ${b} vs ${a}`);
  assert.throws(() => train(split.train, { ...o, l1: -1 }), /L1 rate/);
});
