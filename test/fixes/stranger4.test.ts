/**
 * Fourth stranger pass (findings of a new user on their own data and devices): each test failed
 * before its fix.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createModel, eq4, evaluate, makeSynthetic, runForward, stratifiedSplit, stringifyModel, train } from "../../src/index.js";
import { variationScaleWarning } from "../../src/device/variation.js";
import { resolveTrainOptions, AUTO_DEFAULTS } from "../../src/train/train.js";
import { cli } from "../helpers/cli.js";
import { trainingFailure } from "../../src/cli/commands/train.js";

const dir = mkdtempSync(join(tmpdir(), "dynaspin-stranger4-"));
test.after(() => rmSync(dir, { recursive: true, force: true }));

test("a deep network on the automatic budget trains through a depth curriculum (48 steps on circles gave 68 % where 4 steps give 96 %, exit 0)", () => {
  // The default: a curriculum from the default depth above AUTO_DEFAULTS.deepSteps, none below
  // or with explicit epochs, and an explicit curriculum (0 included) wins.
  assert.equal(resolveTrainOptions({ steps: 48 }).curriculum, 4);
  assert.equal(resolveTrainOptions({ steps: AUTO_DEFAULTS.deepSteps }).curriculum, 0);
  assert.equal(resolveTrainOptions({ steps: 48, epochs: 100 }).curriculum, 0);
  assert.equal(resolveTrainOptions({ steps: 48, curriculum: 0 }).curriculum, 0);
  assert.equal(resolveTrainOptions({ steps: 48, curriculum: 8 }).curriculum, 8);
  const split = stratifiedSplit(makeSynthetic("circles", { count: 250, seed: 1 }), 0, 0.2);
  const r = train(split.train, { devices: eq4(), steps: 48, seed: 0 });
  assert.equal(r.model.steps, 48);
  assert.ok(r.curriculum !== undefined && r.curriculum !== null && r.curriculum.steps === 4, "the 4-step network is trained first");
  const acc = evaluate(r.model, split.test).accuracy;
  assert.ok(acc >= 0.9, `test accuracy ${acc}`);
});

test("a resumed depth-curriculum run is judged as the uninterrupted one (it exited 1, 'no better than after the first epoch', and wrote model.failed.json)", async () => {
  const out = join(dir, "circles48");
  const args = ["train", "--task", "circles", "--count", "250", "--steps", "48", "--checkpoint-every", "5", "--out", out, "--json"];
  const first = await cli(...args);
  assert.equal(first.code, 0, first.err);
  assert.match(first.out, /"status":\s*"ok"/);
  // Resuming from the last checkpoint (the finished run) must give the same verdict and the same model.
  const model = readFileSync(join(out, "model.json"), "utf8");
  const again = await cli(...args, "--resume", out);
  assert.equal(again.code, 0, again.err);
  assert.ok(existsSync(join(out, "model.json")) && !existsSync(join(out, "model.failed.json")));
  const strip = (t: string) => t.replace(/"command": ".*"/, "");
  assert.equal(strip(readFileSync(join(out, "model.json"), "utf8")), strip(model));
});

test("a column whose range overflows float64 is bad input naming it (it trained on NaN and said 'diverged, try a smaller --lr', exit 1)", async () => {
  const rows = ["a,b,label", ...Array.from({ length: 60 }, (_, i) => `${((i % 7) - 3) * 0.5e308},${i % 5},${i % 2 ? "y" : "n"}`)];
  const file = join(dir, "overflow.csv");
  writeFileSync(file, rows.join("\n") + "\n");
  const r = await cli("train", "--data", file, "--out", join(dir, "overflow"));
  assert.equal(r.code, 2, r.err);
  assert.match(r.err, /^dynaspin: training data: feature column "a": its values span -1\.5e\+308 to 1\.5e\+308, a range beyond the largest float64 number; rescale the column/);
  assert.ok(!existsSync(join(dir, "overflow")));
});

test("a curve with power in dBm is refused with the conversion (fit took the logarithms as powers: R² 0.78, 'the data do not follow eq4')", async () => {
  // An eq. 4 curve measured on a spectrum analyser: power in dBm (negative numbers, logarithmic).
  const lines = ["current_uA,power_dBm"];
  for (let i = 0; i <= 40; i++) {
    const I = 10 * i, r = I > 150 ? (I - 150) / (I + 1.2 * 150) : 0;
    const pW = 800e-12 * 0.5 * (1 + Math.tanh(0.02 * I - 3)) * r + 1e-15;
    lines.push(`${I},${(10 * Math.log10(pW / 1e-3)).toFixed(3)}`);
  }
  const file = join(dir, "curve_dBm.csv");
  writeFileSync(file, lines.join("\n") + "\n");
  const r = await cli("fit", "--data", file, "--out", join(dir, "dev_dBm.json"));
  assert.equal(r.code, 2, r.err);
  assert.match(r.err, /curve_dBm\.csv: line 1: the power column "power_dBm" is in dBm, a logarithmic unit, but the device curves are linear in power: convert it \(P_nW = 1e6 × 10\^\(P_dBm\/10\)\)/);
  assert.ok(!existsSync(join(dir, "dev_dBm.json")) && !existsSync(join(dir, "dev_dBm.failed.json")));
  // A table device reading the same file says the same.
  writeFileSync(join(dir, "table_dBm.json"), JSON.stringify({ model: "table", csv: "curve_dBm.csv" }));
  const t = await cli("train", "--task", "spiral", "--epochs", "1", "--device", join(dir, "table_dBm.json"), "--out", join(dir, "t_dBm"));
  assert.equal(t.code, 2, t.err);
  assert.match(t.err, /is in dBm, a logarithmic unit/);
});

test("eval and train show the per-class view of unbalanced classes (97/3 %: '96.50 %' was exactly what predicting the common class scores, and the rare class's 28.6 % recall was nowhere)", async () => {
  // A fixed classifier on one feature: class "y" where x > 0.5.
  const m = createModel(1, 1, 2, eq4());
  // u = x + 1, I = u² from 1 to 4: the power grows with x; the readout compares it with its value at x = 0.5.
  m.A.fill(1);
  m.B.fill(1);
  m.W.set([-1, 1]);
  m.normalization = { min: new Float64Array([0]), max: new Float64Array([1]) };
  m.featureNames = ["x"];
  m.classNames = ["n", "y"];
  const mid = runForward(m, [[0.5]]).logits;
  m.c.set([(mid[1] - mid[0]) / 2, -(mid[1] - mid[0]) / 2]);
  const model = join(dir, "unbalanced.json");
  writeFileSync(model, stringifyModel(m));
  // The model's decisions: label 36 rows "n" and 4 "y", two of the "y" rows where it says "n" (and two where it says "y").
  const xs = Array.from({ length: 40 }, (_, i) => i / 39);
  const lg = runForward(m, xs.map((x) => [x])).logits;
  const pred = xs.map((_, i) => (lg[2 * i + 1] > lg[2 * i] ? "y" : "n"));
  const yRows = [pred.indexOf("y"), pred.lastIndexOf("y"), pred.indexOf("n"), pred.lastIndexOf("n")];
  assert.ok(yRows.every((i) => i >= 0) && new Set(yRows).size === 4, "the model predicts both classes");
  const label = xs.map((_, i) => (yRows.includes(i) ? "y" : "n"));
  const file = join(dir, "unbalanced.csv");
  writeFileSync(file, ["x,label", ...xs.map((x, i) => `${x},${label[i]}`)].join("\n") + "\n");
  const r = await cli("eval", "--model", model, "--data", file);
  assert.equal(r.code, 0, r.err);
  const correctN = label.filter((l, i) => l === "n" && pred[i] === "n").length;
  assert.match(r.out, new RegExp(`\\n  unbalanced classes: "n" alone scores 90\\.00 %; balanced accuracy ${(((correctN / 36) + 0.5) * 50).toFixed(2).replace(".", "\\.")} % \\(per class: "n" ${((correctN / 36) * 100).toFixed(2).replace(".", "\\.")} % of 36, "y" 50\\.00 % of 4\\)\\n$`));
  const j = JSON.parse((await cli("eval", "--model", model, "--data", file, "--json")).out) as { balancedAccuracy: number; majorityAccuracy: number };
  assert.equal(j.majorityAccuracy, 0.9);
  assert.equal(j.balancedAccuracy, (correctN / 36 + 0.5) / 2);
  // Balanced classes: no such line.
  const balanced = join(dir, "balanced.csv");
  writeFileSync(balanced, ["x,label", ...xs.map((x, i) => `${x},${pred[i]}`)].join("\n") + "\n");
  const b = await cli("eval", "--model", model, "--data", balanced);
  assert.equal(b.code, 0, b.err);
  if (Math.max(pred.filter((p) => p === "n").length, pred.filter((p) => p === "y").length) < 2 * Math.min(pred.filter((p) => p === "n").length, pred.filter((p) => p === "y").length)) assert.doesNotMatch(b.out, /unbalanced/);
});

test("a regression trained on --features names them instead of calling them extra oscillators ('k=14 (4 features + 10 extra)')", async () => {
  const r = await cli("train", "--task", "plane", "--count", "60", "--features", "quadratic", "--epochs", "2", "--out", join(dir, "plane-q"));
  assert.equal(r.code === 0 || r.code === 1, true, r.err);
  // Five feature oscillators and three extra ones (at least 8), not "2 features + 6 extra".
  assert.match(r.out, /^trained plane \(regression of [^)]*\): k=8 \(5 features \+ 3 extra\) features x1,x2,x1\^2,x2\^2,x1\*x2 steps=/);
});

test("an absolute σ above the parameter itself warns (σ = 0.05 on a = 0.025 /µA: 41.9 % against 90.1 %, silently; the threshold was 10×)", () => {
  const dev = eq4({ a: 0.0253, b: 4.3, Ic: 138, Q: 2.2, P0: 929 }, { currentUnit: "uA", powerUnit: "pW" });
  assert.match(variationScaleWarning([dev], ["a"], [0, 0.05], false, "--eval-relative") ?? "", /σ = 0\.05 is 1\.976 times a = 0\.0253 1\/uA, so every draw is far from the device; .* pass --eval-relative/);
  // The paper's grid on the paper's device stays quiet, and so does a relative σ.
  assert.equal(variationScaleWarning([eq4()], ["a"], [0, 0.05, 1], false), null);
  assert.equal(variationScaleWarning([dev], ["a"], [0.05], true), null);
});

test("two feature columns of one name are refused (train wrote a model its own eval refused, 'duplicate feature name'; predict took the second \"f0\" for the first)", async () => {
  const rows = Array.from({ length: 40 }, (_, i) => [(i % 7) / 7, (i % 5) / 5, (i % 3) / 3, ((i % 7) / 7) * 100]);
  const train4 = join(dir, "dupname.csv"), new4 = join(dir, "dupname-new.csv");
  writeFileSync(train4, ["f0,f1,f2,f0,label", ...rows.map((r, i) => `${r.join(",")},${i % 2 ? "a" : "b"}`)].join("\n") + "\n");
  writeFileSync(new4, ["f0,f1,f2,f0", ...rows.map((r) => r.join(","))].join("\n") + "\n");
  const t = await cli("train", "--data", train4, "--epochs", "2", "--out", join(dir, "dupname"));
  assert.equal(t.code, 2, t.err);
  assert.match(t.err, /^dynaspin: .*dupname\.csv: row 1: columns 1 and 4 are both named "f0"; feature columns need distinct names \(models match columns by name\): rename one\n$/);
  assert.ok(!existsSync(join(dir, "dupname")));
  // predict on a model of f0, f1, f2 with a file that has "f0" twice.
  const m = createModel(8, 1, 2, eq4(), { inputs: 3 });
  m.normalization = { min: new Float64Array(3), max: new Float64Array([1, 1, 1]) };
  m.featureNames = ["f0", "f1", "f2"];
  m.classNames = ["a", "b"];
  const model = join(dir, "f012.json");
  writeFileSync(model, stringifyModel(m));
  const p = await cli("predict", "--model", model, "--data", new4, "--out", join(dir, "dupname-pred.csv"));
  assert.equal(p.code, 2, p.err);
  assert.match(p.err, /columns 1 and 4 are both named "f0"/);
  assert.ok(!existsSync(join(dir, "dupname-pred.csv")));
});

test("a run that predicts one class for every row fails even 1.1 % below ln C (256 oscillators on a 3-class table: 33.45 %, loss 1.0865, exit 0 with model.json)", () => {
  const o = resolveTrainOptions({}, 559);
  const h = [1.10, 1.09].map((trainLoss, i) => ({ epoch: i + 1, lr: 0.02, trainLoss, trainAccuracy: 0.33, testLoss: NaN, testAccuracy: NaN, seconds: 0 }));
  const labels = Int32Array.from({ length: 559 }, (_, i) => (i < 186 ? 0 : i < 372 ? 1 : 2));
  assert.match(trainingFailure(h, 1.0865, 3, o, undefined, false, labels, 187 / 559) ?? "", /^final training loss 1\.087 is no better than chance \(ln 3 = 1\.0986\) and its training accuracy 33\.45 % that of predicting the most frequent class \(33\.45 %\); try a smaller --lr/);
  // Without the accuracy, or with one above the majority's, 1.1 % below ln 3 still passes (the loss test alone).
  assert.equal(trainingFailure(h, 1.0865, 3, o, undefined, false, labels), null);
  assert.equal(trainingFailure(h, 1.0865, 3, o, undefined, false, labels, 0.40), null);
  // An explicit --epochs budget (a smoke test of a few epochs) keeps the 1 % rule.
  assert.equal(trainingFailure(h, 1.0865, 3, resolveTrainOptions({ epochs: 5 }, 559), undefined, false, labels, 187 / 559), null);
  // A run on unbalanced rows that learned useful probabilities passes although it predicts the common class.
  const unbalanced = Int32Array.from({ length: 800 }, (_, i) => (i < 776 ? 0 : 1));
  assert.equal(trainingFailure(h, 0.05, 2, o, undefined, false, unbalanced, 0.97), null);
});
