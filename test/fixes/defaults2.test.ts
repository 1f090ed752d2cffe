/**
 * Training defaults from the sixth stranger pass (issue 15, eighth pass: defaults2): the depth
 * curriculum's threshold, the oscillators of a many-class set. Each test failed before its change.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq4, train, Rng, type Dataset } from "../../src/index.js";
import { AUTO_DEFAULTS, resolveTrainOptions, planTraining, classCountOf } from "../../src/train/train.js";
import { cli } from "../helpers/cli.js";

const dir = mkdtempSync(join(tmpdir(), "dynaspin-defaults2-"));
test.after(() => rmSync(dir, { recursive: true, force: true }));

/** `rows` rows of `classes` Gaussian blobs (std 0.3) in `d` features, centres uniform in [-3, 3]^d. */
function blobs(rows: number, d: number, classes: number, seed = 1): Dataset {
  const rng = new Rng(seed);
  const centres = Array.from({ length: classes }, () => Array.from({ length: d }, () => rng.uniform() * 6 - 3));
  const x = new Float64Array(rows * d);
  const y = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    y[r] = r % classes;
    for (let j = 0; j < d; j++) x[r * d + j] = centres[y[r]][j] + 0.3 * rng.normal();
  }
  return { x, y, n: rows, d, featureNames: Array.from({ length: d }, (_, j) => `f${j}`), classNames: Array.from({ length: classes }, (_, c) => `c${c}`) };
}

test("the automatic budget trains more than 12 steps through the depth curriculum (a 10-feature table lost 4-9 points at 16-32 steps without it, exit 0)", () => {
  assert.equal(AUTO_DEFAULTS.deepSteps, 12);
  for (const steps of [13, 16, 20, 24, 32]) assert.equal(resolveTrainOptions({ steps }).curriculum, AUTO_DEFAULTS.curriculumSteps, `${steps} steps`);
  for (const steps of [4, 8, 12]) assert.equal(resolveTrainOptions({ steps }).curriculum, 0, `${steps} steps`);
  // Explicit epochs (the user's budget) and an explicit curriculum still win.
  assert.equal(resolveTrainOptions({ steps: 24, epochs: 50 }).curriculum, 0);
  assert.equal(resolveTrainOptions({ steps: 24, curriculum: 0 }).curriculum, 0);
});

test("a set of more classes than max(features, 8) gets one oscillator per class (30 classes from 8 features: 96.4 % on 8 oscillators, logistic regression 100 %)", () => {
  const many = blobs(240, 2, 12);
  assert.equal(classCountOf(many), 12);
  // The plan (work budget, fan-in reference) and the trained model both use K = max(d, 8, C).
  const plan = planTraining({ seed: 0 }, many);
  assert.equal(plan.options.fanInReference, AUTO_DEFAULTS.extraFanInReference);
  const r = train(many, { devices: eq4(), seed: 0, epochs: 2, restarts: 1 });
  assert.equal(r.model.k, 12);
  assert.equal(r.model.inputs ?? 2, 2);
  // At most max(d, 8) classes: the count is the features' (the same networks and bits as before).
  assert.equal(train(blobs(90, 2, 3), { devices: eq4(), seed: 0, epochs: 2, restarts: 1 }).model.k, 8);
  assert.equal(train(blobs(200, 16, 10), { devices: eq4(), seed: 0, epochs: 2, restarts: 1 }).model.k, 16);
  assert.equal(train(blobs(120, 3, 8), { devices: eq4(), seed: 0, epochs: 2, restarts: 1 }).model.k, 8);
  // An explicit count wins; a regression set counts its features only.
  assert.equal(train(many, { devices: eq4(), seed: 0, epochs: 2, restarts: 1, oscillators: 9 }).model.k, 9);
  const reg = { ...blobs(60, 2, 2), targets: Float64Array.from({ length: 60 }, (_, i) => Math.sin(i)), targetNames: ["t"] };
  assert.equal(classCountOf(reg), 0);
  assert.equal(train(reg, { devices: eq4(), seed: 0, epochs: 2, restarts: 1 }).model.k, 8);
});

test("dynaspin train --data on a 12-class, 2-feature file trains 12 oscillators and says so", async () => {
  const ds = blobs(240, 2, 12, 2);
  const file = join(dir, "many.csv");
  writeFileSync(file, ["a,b,label", ...Array.from({ length: ds.n }, (_, r) => `${ds.x[2 * r].toFixed(4)},${ds.x[2 * r + 1].toFixed(4)},${ds.classNames[ds.y[r]]}`)].join("\n") + "\n");
  const r = await cli("train", "--data", file, "--epochs", "3", "--restarts", "1", "--out", join(dir, "many"), "--json");
  assert.ok(r.code === 0 || r.code === 1, r.err);
  const summary = JSON.parse(r.out) as { k: number; classes: number };
  assert.equal(summary.classes, 12);
  assert.equal(summary.k, 12);
});
