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

test("binomialUpperTail is the one-sided binomial p-value", async () => {
  const { binomialUpperTail } = await import("../../src/cli/commands/train.js");
  // Reference values from Python's exact math.comb sums.
  assert.ok(Math.abs(binomialUpperTail(33, 64, 0.5) - 0.45032662312601657) < 1e-12);
  assert.ok(Math.abs(binomialUpperTail(45, 64, 0.6) - 0.0579402933055138) < 1e-12);
  assert.equal(binomialUpperTail(0, 10, 0.3), 1);
  assert.ok(Math.abs(binomialUpperTail(10, 10, 0.3) - 0.3 ** 10) < 1e-18);
  assert.equal(binomialUpperTail(11, 10, 0.3), 0);
});

/** `rows` rows of 5 standard normal features; the label is x0 > 0 when `signal`, else a coin flip. */
function gaussianCsv(file: string, rows: number, signal: boolean, seed: number): void {
  const rng = new Rng(seed);
  const lines = ["f0,f1,f2,f3,f4,label"];
  for (let r = 0; r < rows; r++) {
    const x = Array.from({ length: 5 }, () => rng.normal());
    const y = signal ? (x[0] > 0 ? 1 : 0) : rng.uniform() < 0.5 ? 1 : 0;
    lines.push(`${x.map((v) => v.toFixed(5)).join(",")},${y}`);
  }
  writeFileSync(file, lines.join("\n") + "\n");
}

test("random labels with a validation split warn that the network may have learned nothing (test 55 %, validation 51.6 %, exit 0 without a word)", async () => {
  const { validationChanceWarning } = await import("../../src/cli/commands/train.js");
  const balanced = Int32Array.from({ length: 320 }, (_, i) => i % 2);
  assert.match(validationChanceWarning({ n: 64, accuracy: 33 / 64 }, balanced, 2) ?? "", /51\.56 % on 64 held-out training rows is not significantly above predicting the most frequent class \(50\.00 %; one-sided binomial p = 0\.45\)/);
  assert.equal(validationChanceWarning({ n: 64, accuracy: 42 / 64 }, balanced, 2), null);
  for (const [name, signal] of [["noise", false], ["signal", true]] as const) {
    const file = join(dir, `${name}.csv`);
    gaussianCsv(file, 400, signal, 5);
    const r = await cli("train", "--data", file, "--out", join(dir, name), "--json", "--seed", "0");
    assert.equal(r.code, 0, r.err);
    const summary = JSON.parse(r.out) as { warnings: string[]; validation: { n: number } | null };
    assert.ok(summary.validation !== null && summary.validation.n > 0);
    const warned = summary.warnings.some((w) => w.includes("may have learned nothing"));
    assert.equal(warned, !signal, `${name}: ${summary.warnings.join("; ")}`);
    assert.equal(r.err.includes("may have learned nothing"), !signal, r.err);
  }
});
