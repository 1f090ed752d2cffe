import { test } from "node:test";
import assert from "node:assert/strict";
import { makeSpiral, stratifiedSplit, train, evaluate, eq4, TASK_DEFAULTS } from "../../src/index.js";

// Guards the task defaults against regressions: issue #2 asks for a mean test accuracy ≥ 95 % over
// init seeds 0–4 with every seed ≥ 90 %, issue #15 for a spiral mean ≥ 97 % (docs/results.md:
// 98.60 %, min 98.00 % since the spiral trains 2000 epochs; 97.80 % at 400) and ≥ 98 % on digits
// (docs/results.md: 98.61 %). ≈ 5 s and ≈ 20 s.
test("the spiral task with default settings reaches ≥ 97 % mean test accuracy over five init seeds, none below 95 %", { timeout: 120_000 }, () => {
  const split = stratifiedSplit(makeSpiral(), 0, 0.2);
  const acc: number[] = [];
  for (let seed = 0; seed < 5; seed++) {
    const { model } = train(split.train, { ...TASK_DEFAULTS.spiral, devices: eq4(), seed, evalEvery: 1_000_000 });
    acc.push(evaluate(model, split.test).accuracy);
  }
  const mean = acc.reduce((s, a) => s + a, 0) / acc.length;
  assert.ok(mean >= 0.97, `mean ${mean} (${acc.join(", ")})`);
  assert.ok(Math.min(...acc) >= 0.95, `min ${Math.min(...acc)}`);
});

test("the digits task with default settings reaches ≥ 98 % mean test accuracy over five init seeds", { timeout: 300_000 }, async () => {
  const { loadDigits } = await import("../../src/node/tasks.js");
  const split = stratifiedSplit(loadDigits(), 0, 0.2);
  const acc: number[] = [];
  for (let seed = 0; seed < 5; seed++) {
    const { model } = train(split.train, { ...TASK_DEFAULTS.digits, devices: eq4(), seed, evalEvery: 1_000_000 });
    acc.push(evaluate(model, split.test).accuracy);
  }
  const mean = acc.reduce((s, a) => s + a, 0) / acc.length;
  assert.ok(mean >= 0.98, `mean ${mean} (${acc.join(", ")})`);
});
