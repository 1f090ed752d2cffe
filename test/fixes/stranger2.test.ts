/**
 * Second stranger pass (docs/…, findings of a new user): each test failed before its fix.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { train, evaluate, stratifiedSplit, makeSynthetic, eq4, createModel, stringifyModel, parseCsvDataset } from "../../src/index.js";
import { updateScales, referenceScales } from "../../src/train/train.js";
import { variationScaleWarning } from "../../src/device/variation.js";
import { cli } from "../helpers/cli.js";
import { trainingFailure } from "../../src/cli/commands/train.js";
import { resolveTrainOptions } from "../../src/train/train.js";

const dir = mkdtempSync(join(tmpdir(), "dynaspin-stranger2-"));
test.after(() => rmSync(dir, { recursive: true, force: true }));

// The paper's test device, the same curve in mA and nW (P0 = 28 nW), and in SI units: currents in A (1 unit = 1 mA), powers in
// W with P0 = 28 nW, as `dynaspin fit` writes for a curve measured in A and W.
const normal = () => eq4({ a: 4, b: 5, Ic: 1, Q: 2 });
const mA = () => eq4({ a: 4, b: 5, Ic: 1, Q: 2, P0: 28 }, { currentUnit: "mA", powerUnit: "nW" });
const si = () => eq4({ a: 4000, b: 5, Ic: 1e-3, Q: 2, P0: 2.8e-8 }, { currentUnit: "A", powerUnit: "W" });

test("weight decay shrinks a parameter by the same fraction whatever the device's units (scales)", () => {
  const mn = createModel(8, 4, 2, normal(), { inputs: 2 });
  const ms = createModel(8, 4, 2, si(), { inputs: 2 });
  // Dimensionless: equal for a device and its copy in other units...
  assert.deepEqual(referenceScales(ms), referenceScales(mn));
  // ...and equal to the step scales for the paper's test device (its training keeps its bits).
  assert.deepEqual(referenceScales(mn), updateScales(mn));
});

test("weight decay acts alike on a device in A/W, in mA/nW and normalised (A/W diverged; nW decayed 28× weaker on W)", { timeout: 120_000 }, () => {
  const split = stratifiedSplit(makeSynthetic("moons", { count: 300, seed: 1 }), 0, 0.2);
  const o = { weightDecay: 0.3, epochs: 150, steps: 4, oscillators: 4, seed: 0 };
  const run = (devices: ReturnType<typeof eq4>) => train(split.train, { ...o, devices });
  // Before: "training diverged at epoch 38": W's factor 1 − lr·λ/p_max was about −2·10⁵.
  const s = run(si());
  assert.ok(evaluate(s.model, split.test).accuracy >= 0.85);
  // The mA/nW copy (P0 = 28 nW) ends where the normalised device does (before: 0.0366 against 0.0564).
  const n = run(normal()).history.at(-1)!.trainLoss;
  const m = run(mA()).history.at(-1)!.trainLoss;
  assert.ok(Math.abs(m / n - 1) < 0.02, `mA/nW ${m}, normalised ${n}`);
});

test("eval of a regression model warns when the rows drive the device outside its measured range, as for a classifier", async () => {
  // As test/network/drive-range.test.ts's classifier: inputs in [0, 1] stay inside [0, 3]; inputs of 10 drive I ≈ 110.
  const model = createModel(2, 2, 1, eq4({}, { measuredCurrent: [0, 3] }));
  model.problem = "regression";
  model.targetScale = { mean: new Float64Array([0]), std: new Float64Array([1]) };
  model.targetNames = ["t"];
  model.A.fill(0.5);
  model.B.fill(0.5);
  model.W.set([1, -1]);
  model.normalization = { min: new Float64Array([0, 0]), max: new Float64Array([1, 1]) };
  model.featureNames = ["x", "y"];
  const modelPath = join(dir, "ranged-regression.json");
  writeFileSync(modelPath, stringifyModel(model));
  const inside = join(dir, "inside.csv"), outside = join(dir, "outside.csv");
  writeFileSync(inside, "x,y,t\n0,0,0.1\n1,0,0.2\n0.5,0.5,0.3\n0,1,0.4\n");
  writeFileSync(outside, "x,y,t\n10,10,0.1\n10,0,0.2\n0,0,0.3\n0,10,0.4\n");
  const ok = await cli("eval", "--model", modelPath, "--data", inside, "--json");
  assert.equal(ok.code, 0, ok.err);
  const o = JSON.parse(ok.out) as { warnings: string[]; driveRange: { warn: boolean; outside: number } };
  assert.deepEqual(o.warnings, []);
  assert.equal(o.driveRange.warn, false);
  assert.doesNotMatch(ok.err, /warning/);
  const bad = await cli("eval", "--model", modelPath, "--data", outside, "--json");
  assert.equal(bad.code, 0, bad.err);
  const b = JSON.parse(bad.out) as { warnings: string[]; driveRange: { warn: boolean; max: number }; mse: number };
  assert.equal(b.driveRange.warn, true);
  assert.ok(b.driveRange.max > 100 && Number.isFinite(b.mse));
  // Its inputs of 10 also lie outside the training range [0, 1] (stranger pass 3): a warning each.
  assert.equal(b.warnings.length, 2);
  assert.match(b.warnings[0], /lie far outside the model's training data/);
  assert.match(bad.err, /^dynaspin eval: warning: the trained network drives its devices outside their measured current range \[0, 3\] on the 4 rows of .*outside\.csv/m);
  const text = await cli("eval", "--model", modelPath, "--data", outside);
  assert.match(text.err, /^dynaspin eval: warning: the trained network drives/m);
  assert.match(text.out, /MSE/);
});

test("robustness says σ is absolute in the parameter's unit, and warns when it barely varies a device fitted in A (it printed 'std 0.00' at σ = 0.5)", async () => {
  const rows = ["x,y,label", ...Array.from({ length: 20 }, (_, i) => `${(i % 5) / 4},${Math.floor(i / 5) / 3},${i % 2 ? "b" : "a"}`)].join("\n") + "\n";
  const data = join(dir, "rob.csv");
  writeFileSync(data, rows);
  const model = (devices: ReturnType<typeof eq4>, name: string): string => {
    const m = createModel(2, 2, 2, devices);
    m.A.fill(0.5 * Math.sqrt(devices.currentScale));
    m.B.fill(0.5 * Math.sqrt(devices.currentScale));
    m.W.set([1, -1, -1, 1]);
    m.normalization = { min: new Float64Array([0, 0]), max: new Float64Array([1, 1]) };
    m.featureNames = ["x", "y"];
    m.classNames = ["a", "b"];
    const path = join(dir, name);
    writeFileSync(path, stringifyModel(m));
    return path;
  };
  const siModel = model(si(), "si.json"), paper = model(normal(), "paper.json");
  const run = (m: string, out: string, ...extra: string[]) => cli("robustness", "--model", m, "--data", data, "--sigma", "0,0.5", "--trials", "10", "--workers", "1", "--no-figure", "--out", join(dir, out), ...extra);
  const bad = await run(siModel, "rob-si", "--json");
  assert.equal(bad.code, 0, bad.err);
  const j = JSON.parse(bad.out) as { warnings: string[] };
  assert.equal(j.warnings.length, 1);
  assert.match(j.warnings[0], /σ is absolute, in the unit of a \(1\/A\): σ = 0\.5 is 0\.0125 % of a = 4000 1\/A, so the devices barely vary; .*--relative/);
  assert.match(bad.err, /^dynaspin robustness: warning: σ is absolute/m);
  const text = await run(siModel, "rob-si-text");
  assert.match(text.out, /a varied \(σ absolute in 1\/A\)/);
  const rel = await run(siModel, "rob-si-rel", "--relative", "--json");
  assert.deepEqual((JSON.parse(rel.out) as { warnings: string[] }).warnings, []);
  assert.doesNotMatch(rel.err, /warning/);
  const ok = await run(paper, "rob-paper", "--json");
  assert.deepEqual((JSON.parse(ok.out) as { warnings: string[] }).warnings, []);
  // The other way round: σ = 0.5 A on a threshold of 1 mA swamps it.
  assert.match(variationScaleWarning([si()], ["Ic"], [0, 0.5], false) ?? "", /σ = 0\.5 is 500 times Ic = 0\.001 A/);
  assert.equal(variationScaleWarning([normal()], ["a"], [0, 0.01, 1], false), null);
});

test("explore names a --device file by its path in the table, and warns about absolute --eval-sigma as robustness does", async () => {
  const dev = join(dir, "dev-si.json");
  writeFileSync(dev, JSON.stringify({ format: "dynaspin.device", version: 1, device: si().toSpec() }));
  const data = join(dir, "ex.csv");
  writeFileSync(data, ["x,y,label", ...Array.from({ length: 40 }, (_, i) => `${(i % 8) / 7},${Math.floor(i / 8) / 4},${(i % 8) < 4 ? "a" : "b"}`)].join("\n") + "\n");
  const r = await cli("explore", "--data", data, "--steps", "2", "--epochs", "3", "--device", `${dev},paper-test`, "--eval-sigma", "0,0.5", "--eval-trials", "2", "--workers", "1", "--no-figure", "--out", join(dir, "ex"));
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, new RegExp(`device=${dev.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")} steps=2`));
  assert.doesNotMatch(r.out, /device=\{/);
  assert.match(r.out, /^explore: 2 points × 1 seed = 2 tasks$/m);
  assert.match(r.err, /^dynaspin explore: warning: σ is absolute, in the unit of a \(1\/A\).*--eval-relative/m);
});

test("a missing value in a CSV is called one (it said 'expected a number (got \"\")'), without the label-column hint", () => {
  for (const cell of ["", "NA", "n/a", "?"]) {
    assert.throws(() => parseCsvDataset(`a,b,label\n1,${cell},x\n2,3,y\n`, { file: "m.csv" }), (e: Error) =>
      e.message === `m.csv: row 2, column 2 ("b"): missing value (got ${JSON.stringify(cell)}): every feature needs a number in every row; remove the row or fill the value in`);
  }
  assert.throws(() => parseCsvDataset("a,t\n1,2\n2,\n", { file: "r.csv", problem: "regression" }), /row 3, column 2 \("t"\): the target of a regression must be a number: missing value \(got ""\): every target needs a number/);
});

test("a text column that is not the label (a unit column) gets a hint to remove it, not only to make it the label", () => {
  assert.throws(() => parseCsvDataset("a,unit,species\n1,cm,setosa\n2,cm,virginica\n", { file: "u.csv" }), /column 2 \("unit"\): expected a number \(got "cm"\); .*pass --label-column unit .*; if it is no feature \(a unit, an ID, a comment\), remove it/);
});

test("a mistyped flag names the flag it most likely meant", async () => {
  for (const [typo, meant] of [["--epoch", "--epochs"], ["--stpes", "--steps"], ["--sed", "--seed"], ["--label-colum", "--label-column"]]) {
    const r = await cli("train", "--task", "spiral", typo, "3");
    assert.equal(r.code, 2);
    assert.match(r.err, new RegExp(`unknown flag ${typo} \\(did you mean ${meant}\\?\\)`));
  }
  // No guess when nothing is close.
  assert.doesNotMatch((await cli("train", "--task", "spiral", "--zzzzzz", "3")).err, /did you mean/);
});

test("eval warns when another split seed of the training data puts training rows into the 'test split' (it reported them as test accuracy)", { timeout: 120_000 }, async () => {
  const data = join(dir, "moons.csv");
  const ds = makeSynthetic("moons", { count: 200, seed: 2 });
  writeFileSync(data, ["x,y,label", ...Array.from({ length: ds.n }, (_, r) => `${ds.x[2 * r]},${ds.x[2 * r + 1]},${ds.y[r]}`)].join("\n") + "\n");
  const out = join(dir, "moons-run");
  const t = await cli("train", "--data", data, "--epochs", "20", "--quiet", "--out", out);
  assert.equal(t.code, 0, t.err);
  const model = join(out, "model.json");
  const own = await cli("eval", "--model", model, "--data", data, "--split-seed", "0", "--json");
  assert.deepEqual((JSON.parse(own.out) as { warnings: string[] }).warnings, []);
  const other = await cli("eval", "--model", model, "--data", data, "--split", "test", "--split-seed", "3", "--json");
  assert.equal(other.code, 0, other.err);
  const w = (JSON.parse(other.out) as { warnings: string[] }).warnings;
  assert.equal(w.length, 1);
  assert.match(w[0], /is the model's training data, split with seed 0 and test fraction 0\.2; the split asked for \(seed 3, fraction 0\.2\) holds rows the model was trained on/);
  assert.match(other.err, /^dynaspin eval: warning: .* holds rows the model was trained on/m);
});

test("a CSV given where a JSON file belongs (a measured curve as --device, metrics.csv as --model) is named as such, with the command that makes the right file", async () => {
  const curve = join(dir, "curve_mA_nW.csv");
  writeFileSync(curve, "current_mA,power_nW\n0,0\n1,0.5\n2,3\n");
  const d = await cli("train", "--task", "spiral", "--device", curve, "--out", join(dir, "never"));
  assert.equal(d.code, 2);
  assert.match(d.err, /curve_mA_nW\.csv: not valid JSON: it looks like a CSV file \(first line "current_mA,power_nW"\), and a device file is JSON; a measured curve becomes a device file with dynaspin fit --data CURVE\.csv --out device\.json/);
  const m = await cli("eval", "--model", curve, "--task", "spiral");
  assert.match(m.err, /and a model file is JSON; dynaspin train writes the model as model\.json/);
});

test("a run that ends at the class-merging plateau a hair below ln C, or at the class frequencies' entropy, has failed (it exited 0 with 50 % on two moons)", () => {
  const o = resolveTrainOptions({ epochs: 10 });
  const h = (losses: number[]) => losses.map((trainLoss, i) => ({ epoch: i + 1, lr: 0.01, trainLoss, trainAccuracy: 0.5, testLoss: NaN, testAccuracy: NaN, seconds: 0 }));
  // Two moons with --oscillators 200: first epoch 0.6931, final 0.6920, accuracy 50 %.
  assert.match(trainingFailure(h([0.6931, 0.428, 0.692]), 0.6920, 2, o) ?? "", /no better than chance \(ln 2 = 0\.6931\)/);
  // 90 % of the rows in one class: predicting the frequencies scores 0.3251; 0.324 is no better.
  const labels = Int32Array.from({ length: 100 }, (_, i) => (i < 90 ? 0 : 1));
  assert.match(trainingFailure(h([0.5, 0.33]), 0.324, 2, o, undefined, false, labels) ?? "", /no better than chance \(predicting the class frequencies: 0\.3251\)/);
  assert.equal(trainingFailure(h([0.5, 0.2]), 0.2, 2, o, undefined, false, labels), null);
  // Balanced labels give ln C itself.
  assert.equal(trainingFailure(h([0.6931, 0.5]), 0.5, 2, o, undefined, false, Int32Array.from({ length: 10 }, (_, i) => i % 2)), null);
});

test("train warns when --train-variation's absolute σ barely varies a device in physical units, before the work and in --json", async () => {
  const dev = join(dir, "dev-si-train.json");
  writeFileSync(dev, JSON.stringify({ format: "dynaspin.device", version: 1, device: si().toSpec() }));
  const r = await cli("train", "--task", "spiral", "--count", "100", "--device", dev, "--train-variation", "a:0.25", "--epochs", "2", "--restarts", "1", "--quiet", "--json", "--out", join(dir, "tv"));
  assert.ok(r.code === 0 || r.code === 1, r.err);
  const w = (JSON.parse(r.out) as { warnings: string[] }).warnings;
  assert.match(w[0], /^--train-variation: σ is absolute, in the unit of a \(1\/A\): σ = 0\.25 is 0\.00625 % of a = 4000 1\/A, .*--train-relative/);
  assert.equal(r.err.split("\n").filter((l) => l.includes("--train-variation: σ is absolute")).length, 1);
  const rel = await cli("train", "--task", "spiral", "--count", "100", "--device", dev, "--train-variation", "a:0.25", "--train-relative", "--epochs", "2", "--restarts", "1", "--quiet", "--json", "--out", join(dir, "tv-rel"));
  assert.doesNotMatch(rel.err, /--train-variation: σ is absolute/);
});

test("train --oscillators below the number of inputs names the flag and what is allowed", async () => {
  const data = join(dir, "osc.csv");
  writeFileSync(data, "a,b,c,label\n" + Array.from({ length: 20 }, (_, i) => `${i},${i % 3},${i % 5},${i % 2}`).join("\n") + "\n");
  const r = await cli("train", "--data", data, "--oscillators", "2", "--out", join(dir, "never-osc"));
  assert.equal(r.code, 2);
  assert.equal(r.err.trim(), "dynaspin: --oscillators 2: needs at least one oscillator per input feature: 3 (the data's feature columns); allowed: 3 or more");
});
