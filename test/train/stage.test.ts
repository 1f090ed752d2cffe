/**
 * Trainer.stage, the one home of a staged run's phase order: followed phase by phase it visits the
 * curriculum starter's weight-decay candidate, the starter, then the run (or, without a
 * curriculum, the run's candidate, then the run), its progress counts every epoch, and the result
 * has the bits of train() run in one go.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { train, Trainer, makeSynthetic, stratifiedSplit, eq4, type TrainOptions, type Dataset } from "../../src/index.js";
import { followStages } from "../helpers/stages.js";

/** Follows trainer.stage to the end; returns the phases in the order they trained and the result. */
const follow = (data: Dataset, options: TrainOptions) =>
  followStages(data, options, (st) => `${st.network} ${st.kind} λ ${st.weightDecay} n ${st.steps}${st.candidate ? ` (${st.candidate.index + 1} of ${st.candidate.count})` : ""}`);

const same = (a: ReturnType<typeof train>, b: ReturnType<typeof train>, what: string): void => {
  for (const key of ["A", "B", "W", "c"] as const) assert.deepEqual(a.model[key], b.model[key], `${what}: ${key}`);
  assert.deepEqual(a.curriculum, b.curriculum, `${what}: curriculum`);
};

test("a depth curriculum's phases: the starter's λ 0.3 candidate, the starter, the deep run; the bits of train()", { timeout: 120_000 }, () => {
  const split = stratifiedSplit(makeSynthetic("circles", { count: 300, noise: 0.1, seed: 0 }), 0, 0.2);
  const options: TrainOptions = { devices: eq4(), steps: 40, seed: 0 };
  const { phases, result } = follow(split.train, options);
  assert.deepEqual(phases, ["starter candidate λ 0.3 n 4 (1 of 2)", "starter starter λ 0 n 4", "run run λ 0 n 40"]);
  assert.equal(result.curriculum?.steps, 4);
  same(result, train(split.train, options), "curriculum");
});

test("without a curriculum: the run's λ 0.3 candidate, then the run; the bits of train()", { timeout: 120_000 }, () => {
  const split = stratifiedSplit(makeSynthetic("circles", { count: 300, noise: 0.1, seed: 1 }), 0, 0.2);
  // (One network: 240 training rows would train a cross-validation ensemble by default, members.test.ts.)
  const options: TrainOptions = { devices: eq4(), steps: 4, seed: 1, members: 1 };
  const { phases, result } = follow(split.train, options);
  assert.deepEqual(phases, ["run candidate λ 0.3 n 4 (1 of 2)", "run run λ 0 n 4"]);
  same(result, train(split.train, options), "no curriculum");
  // A trainer built without staging trained the earlier phases in its constructor: the run alone.
  const plain = new Trainer(split.train, options);
  assert.equal(plain.stage.kind, "run");
  assert.equal(plain.stage.trainer, plain);
});
