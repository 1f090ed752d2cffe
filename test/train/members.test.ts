/**
 * Cross-validation bagging (TrainOptions.members): the folds cover the training rows once and are
 * stratified; "auto" trains 3 members exactly where the rule says (the automatic budget, a
 * classification set with the default validation split, full batch, no curriculum) and one
 * network, the same bits as `members: 1`, everywhere else; the staged phases give the bits of
 * train(); the saved model's logits are the members' mean; same seed, same bits.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { train, makeSynthetic, stratifiedSplit, stratifiedFolds, eq4, runForward, type TrainOptions, type Dataset } from "../../src/index.js";
import { planEnsemble, planTraining, AUTO_DEFAULTS, workScale, updateWork } from "../../src/train/train.js";
import { subset } from "../../src/data/dataset.js";
import { followStages } from "../helpers/stages.js";

const circles = (count: number, seed = 0): Dataset => stratifiedSplit(makeSynthetic("circles", { count, noise: 0.1, seed }), seed, 0.2).train;

test("stratifiedFolds: every row in exactly one fold, each class dealt evenly, the same folds for the same seed", () => {
  const ds = circles(301, 3);
  for (const k of [2, 3, 5]) {
    const folds = stratifiedFolds(ds, k, 11);
    const seen = new Uint8Array(ds.n);
    for (const f of folds) for (const r of f) seen[r]++;
    assert.ok(seen.every((c) => c === 1), `k = ${k}: each row once`);
    const sizes = folds.map((f) => f.length);
    assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, `k = ${k}: sizes ${sizes}`);
    for (const c of [0, 1]) {
      const per = folds.map((f) => f.filter((r) => ds.y[r] === c).length);
      assert.ok(Math.max(...per) - Math.min(...per) <= 1, `k = ${k}, class ${c}: ${per}`);
    }
    assert.deepEqual(stratifiedFolds(ds, k, 11), folds);
    assert.notDeepEqual(stratifiedFolds(ds, k, 12), folds, "another seed deals other folds");
  }
});

test("members auto: 3 with the default validation split, else one network (epochs, validation given, few rows, regression, minibatch, curriculum)", () => {
  const base: Omit<TrainOptions, "devices"> = { seed: 0 };
  const ens = planEnsemble(base, circles(300));
  assert.equal(ens?.count, AUTO_DEFAULTS.members);
  // The plan of an ensemble is its last member's: two thirds of the rows, the third fold as validation.
  const plan = planTraining(base, circles(300));
  assert.equal(plan.ensemble?.count, 3);
  assert.equal(plan.fit.n + (plan.val?.n ?? 0), 240);
  assert.equal(plan.val?.n, ens?.folds[2].length);
  assert.equal(plan.options.seed, 2 * 1000);
  assert.equal(planEnsemble({ ...base, epochs: 50 }, circles(300)), null, "explicit epochs: one network");
  assert.equal(planEnsemble({ ...base, validation: 0.2 }, circles(300)), null, "an explicit validation fraction: one network");
  assert.equal(planEnsemble({ ...base, validationSet: circles(40, 1) }, circles(300)), null, "caller's validation rows: one network");
  assert.equal(planEnsemble(base, circles(200)), null, "160 training rows: no validation split, one network");
  assert.equal(planEnsemble({ ...base, steps: 40 }, circles(300)), null, "a depth curriculum: one network");
  assert.equal(planEnsemble({ ...base, batchSize: 32 }, circles(300)), null, "minibatches: one network");
  assert.equal(planEnsemble(base, circles(1700)), null, "more than 1024 rows after the split (minibatches): one network");
  const reg = makeSynthetic("circles", { count: 300, noise: 0.1, seed: 0 });
  const targets: Dataset = { ...reg, targets: Float64Array.from(reg.y, (v, i) => v + 0.01 * i), targetNames: ["t"], y: new Int32Array(reg.n) };
  assert.equal(planEnsemble(base, targets), null, "regression: one network");
  assert.equal(planEnsemble({ ...base, members: 1 }, circles(300)), null);
  assert.equal(planEnsemble({ ...base, members: 4, epochs: 5 }, circles(300))?.count, 4, "an explicit count applies with --epochs too");
  assert.throws(() => planEnsemble({ ...base, members: 0 }, circles(300)), /members must be|members/);
  assert.throws(() => planEnsemble({ ...base, members: 3, validationSet: circles(40, 1) }, circles(300)), /validationSet/);
  assert.throws(() => planEnsemble({ ...base, members: 3, steps: 40 }, circles(300)), /depth curriculum/);
  assert.throws(() => planEnsemble({ ...base, members: 20 }, subset(circles(300), [0, 1, 2, 3, 4, 200, 201, 202])), /cannot be dealt into 20 folds/);
});

test("one network where auto gives one: the same bits as members 1 (no validation split; explicit epochs)", { timeout: 120_000 }, () => {
  const small = circles(150);
  const a = train(small, { devices: eq4(), seed: 1 });
  const b = train(small, { devices: eq4(), seed: 1, members: 1 });
  assert.equal(a.ensemble, null);
  for (const key of ["A", "B", "W", "c"] as const) assert.deepEqual(a.model[key], b.model[key], key);
  const e = train(circles(300), { devices: eq4(), seed: 1, epochs: 30 });
  const f = train(circles(300), { devices: eq4(), seed: 1, epochs: 30, members: 1 });
  assert.equal(e.ensemble, null);
  assert.equal(e.model.k, 8);
  for (const key of ["A", "B", "W", "c"] as const) assert.deepEqual(e.model[key], f.model[key], key);
});

test("an ensemble's staged phases (member 1's λ candidate, members 1 and 2, the last member's run) give the bits of train(); its model averages the members' logits", { timeout: 240_000 }, () => {
  const data = circles(300, 2);
  const options: TrainOptions = { devices: eq4(), seed: 5, updates: 400 };
  const { phases, result, trainer } = followStages(data, options, (st) => `${st.kind} λ ${st.weightDecay} member ${st.member ? `${st.member.index + 1}/${st.member.count}` : "-"}`);
  const chosen = result.ensemble!.members[0].weightDecay;
  assert.deepEqual(phases, ["candidate λ 0.3 member 1/3", "member λ 0 member 1/3", `member λ ${chosen} member 2/3`, `run λ ${chosen} member 3/3`]);
  // Every member trained on the other folds and was scored on its own.
  const rec = result.ensemble!;
  assert.equal(rec.members.length, 3);
  assert.deepEqual(rec.members.map((m) => m.rows + m.validation.n), [240, 240, 240]);
  assert.deepEqual(rec.members.map((m) => m.seed), [5, 1005, 2005]);
  assert.ok(rec.members.every((m) => m.weightDecay === chosen), "the others reuse member 1's λ");
  assert.equal(result.weightDecay?.chosen, chosen);
  assert.equal(result.model.k, 3 * 8);
  // The bits of train() in one go, and of a second run with the same seed.
  const whole = train(data, options);
  for (const key of ["A", "B", "W", "c"] as const) assert.deepEqual(result.model[key], whole.model[key], key);
  assert.deepEqual(whole.ensemble, rec);
  // The merged model's logits are the mean of the members' (to rounding).
  const members = [...trainer.finishedMembers.map((m) => m.model), trainer.run!.model];
  const test = stratifiedSplit(makeSynthetic("circles", { count: 300, noise: 0.1, seed: 2 }), 2, 0.2).test;
  const merged = runForward(result.model, test.x).logits;
  const each = members.map((m) => runForward(m, test.x).logits);
  for (let i = 0; i < merged.length; i++) {
    const mean = (each[0][i] + each[1][i] + each[2][i]) / 3;
    assert.ok(Math.abs(merged[i] - mean) <= 1e-12 * Math.max(1, Math.abs(mean)), `logit ${i}: ${merged[i]} vs ${mean}`);
  }
});

test("wide tables keep one network by default; asked for, the members share one network's work budget (2/(M + 1) of AUTO_DEFAULTS.work each)", () => {
  // 300 rows × 64 features, 2 classes (K = 64): one network's full-batch update costs more than
  // 32 GFLOP / 3000, so the work budget shrinks its schedule and auto keeps one network.
  const n = 300, d = 64;
  const x = new Float64Array(n * d);
  let u = 1;
  for (let i = 0; i < x.length; i++) x[i] = (u = (u * 48271) % 2147483647) / 2147483647;
  const ds: Dataset = { x, y: Int32Array.from({ length: n }, (_, r) => r % 2), n, d, featureNames: Array.from({ length: d }, (_, j) => `f${j}`), classNames: ["a", "b"] };
  assert.equal(planEnsemble({ seed: 0 }, ds), null, "auto: one network");
  assert.equal(planTraining({ seed: 0 }, ds).ensemble ?? null, null);
  const plan = planTraining({ seed: 0, members: 3 }, ds);
  assert.equal(plan.ensemble?.count, 3);
  const share = (AUTO_DEFAULTS.work.flops * 2) / 4;
  assert.equal(plan.options.updates, Math.round(AUTO_DEFAULTS.updates * workScale(updateWork(plan.fit.n, 4, 64), share)));
  assert.ok(plan.options.updates < planTraining({ seed: 0, members: 1 }, ds).options.updates, "a member trains fewer updates than one network");
  // An explicit budget is every member's.
  assert.equal(planTraining({ seed: 0, members: 3, workBudget: 1e12 }, ds).options.updates, AUTO_DEFAULTS.updates);
});
