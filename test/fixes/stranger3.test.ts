/**
 * Third stranger pass (findings of a new user on their own data and devices): each test failed
 * before its fix.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createModel, eq4, stringifyModel, makeSynthetic, stratifiedSplit, train, Trainer, type Dataset } from "../../src/index.js";
import { cli } from "../helpers/cli.js";
import { inputRange, inputRangeWarning } from "../../src/network/input-range.js";
import { trainingFailure } from "../../src/cli/commands/train.js";
import { resolveTrainOptions } from "../../src/train/train.js";

const dir = mkdtempSync(join(tmpdir(), "dynaspin-stranger3-"));
test.after(() => rmSync(dir, { recursive: true, force: true }));

/** A 2-feature classifier trained (by its normalisation) on a ∈ [−5, 3] m, b ∈ [0, 2] m, plus a constant column. */
function rangedModel(): string {
  const m = createModel(3, 2, 2, eq4());
  m.A.fill(0.5);
  m.B.fill(0.5);
  m.W.set([1, -1, 0, -1, 1, 0]);
  m.normalization = { min: new Float64Array([-5, 0, 3.5]), max: new Float64Array([3, 2, 3.5]) };
  m.featureNames = ["a", "b", "const"];
  m.classNames = ["n", "y"];
  const path = join(dir, "ranged.json");
  writeFileSync(path, stringifyModel(m));
  return path;
}

test("eval, robustness and cost warn when a column lies far outside the model's training range (a column in mm instead of m gave 49.5 % silently)", async () => {
  const model = rangedModel();
  const rows = (scale: number, constant = 3.5) => ["a,b,const,label", ...Array.from({ length: 40 }, (_, i) => `${(-5 + (8 * i) / 39) * scale},${((i % 7) / 6) * 2},${constant},${i % 2 ? "y" : "n"}`)].join("\n") + "\n";
  const same = join(dir, "same.csv"), mm = join(dir, "mm.csv"), other = join(dir, "const.csv");
  writeFileSync(same, rows(1));
  writeFileSync(mm, rows(1000));
  // A constant training column does not enter the network (its p(0) is 0): another constant is no warning.
  writeFileSync(other, rows(1, 400));
  for (const f of [same, other]) {
    const ok = await cli("eval", "--model", model, "--data", f, "--json");
    assert.equal(ok.code, 0, ok.err);
    assert.deepEqual((JSON.parse(ok.out) as { warnings: string[] }).warnings, []);
    assert.doesNotMatch(ok.err, /warning/);
  }
  const bad = await cli("eval", "--model", model, "--data", mm, "--json");
  assert.equal(bad.code, 0, bad.err);
  const w = (JSON.parse(bad.out) as { warnings: string[] }).warnings;
  assert.equal(w.length, 1);
  assert.match(w[0], /^(9\d|100) % of the 40 rows of .*mm\.csv lie far outside the model's training data: "a" is beyond its training range \[-5, 3\] by more than half its width on \d+ % of them \(values from -5000 to 3000\);.* check that each column has the units and meaning it had in training$/);
  assert.match(bad.err, /^dynaspin eval: warning: .* lie far outside the model's training data: "a"/m);
  const rob = await cli("robustness", "--model", model, "--data", mm, "--sigma", "0,0.1", "--trials", "2", "--workers", "1", "--no-figure", "--out", join(dir, "rob"));
  assert.equal(rob.code, 0, rob.err);
  assert.match(rob.err, /^dynaspin robustness: warning: .* lie far outside the model's training data: "a"/m);
  // predict reads rows without a label: the same warning.
  const unlabeled = join(dir, "mm-unlabeled.csv");
  writeFileSync(unlabeled, rows(1000).split("\n").map((l) => l.split(",").slice(0, 3).join(",")).join("\n"));
  const pred = await cli("predict", "--model", model, "--data", unlabeled, "--out", join(dir, "mm-pred.csv"), "--json");
  assert.equal(pred.code, 0, pred.err);
  assert.match((JSON.parse(pred.out) as { warnings: string[] }).warnings[0] ?? "", /lie far outside the model's training data: "a"/);
  assert.match(pred.err, /^dynaspin predict: warning: .* lie far outside the model's training data: "a"/m);
  const cost = await cli("cost", "--model", model, "--data", mm);
  assert.equal(cost.code, 0, cost.err);
  assert.match(cost.err, /^dynaspin cost: warning: .* lie far outside the model's training data: "a"/m);
});

test("the input-range check: a new row just past the training range is no warning, a feature map's expression is named", () => {
  const m = createModel(2, 1, 2, eq4());
  m.normalization = { min: new Float64Array([0, 0]), max: new Float64Array([1, 1]) };
  m.featureNames = ["u", "v"];
  // Rows within half the width beyond the range: nothing to say.
  const near = Float64Array.from([-0.4, 1.4, 1.5, -0.5, 0.5, 0.5]);
  const r = inputRange(m, near, 3);
  assert.equal(r.outside, 0);
  assert.equal(inputRangeWarning(r, "rows"), null);
  // One row in three far outside in v only.
  const far = Float64Array.from([0.5, 0.5, 0.2, 9, 0.1, 0.1]);
  const f = inputRange(m, far, 3);
  assert.equal(f.outside, 1 / 3);
  assert.deepEqual(f.features.map((x) => [x.name, x.outside, x.max]), [["u", 0, 0.5], ["v", 1 / 3, 9]]);
  assert.match(inputRangeWarning(f, "the 3 rows of x.csv") ?? "", /^33 % of the 3 rows of x\.csv lie far outside the model's training data: "v" is beyond its training range \[0, 1\]/);
  // With a feature map the features are its expressions (here x1², whose range is [0, 4]).
  const q = createModel(1, 1, 2, eq4(), { inputs: 1 });
  q.featureMap = { columns: 2, expressions: ["x1^2"] };
  q.normalization = { min: new Float64Array([0]), max: new Float64Array([4]) };
  const g = inputRange(q, Float64Array.from([1, 0, 10, 0]), 2);
  assert.equal(g.features[0].name, "x1^2");
  assert.equal(g.features[0].max, 100);
  assert.equal(g.outside, 0.5);
});

test("fit refuses a curve whose parameters the data do not determine (8 points: Ic = −0.0018 ± 5.4 mA, Q = 9311 ± 2.8e7 were written as a device, exit 0)", async () => {
  // An eq. 4 curve with negative polarity (Ic = −3 mA, a = −0.8 /mA, b = 2.5, Q = 0.8, P0 = 40 nW), 8 of its noisy points.
  const current = [0, -1.7142857142857142, -3.4285714285714284, -5.142857142857142, -6.857142857142857, -8.571428571428571, -10.285714285714285, -12];
  const power = [0.28860015955292834, 0.17046392993648798, 2.233376614955508, 11.124319780682793, 16.58827250473028, 20.332436794131617, 21.899755748977928, 24.728496512513345];
  const curve = join(dir, "few_mA_nW.csv");
  writeFileSync(curve, ["current_mA,power_nW", ...current.map((c, i) => `${c},${power[i]}`)].join("\n") + "\n");
  const out = join(dir, "few.json");
  const r = await cli("fit", "--data", curve, "--out", out, "--no-figure", "--max-iterations", "5000", "--json");
  assert.equal(r.code, 1, r.err);
  const j = JSON.parse(r.out) as { status: string; failure: string; out: string };
  assert.equal(j.status, "failed");
  assert.match(j.failure, /^the data do not determine Ic: Ic = -0\.001818 ± 5\.418, a standard error 2\.98e\+3 times its value/);
  assert.equal(j.out, join(dir, "few.failed.json"));
  assert.match(r.err, /^dynaspin: fit failed: .*few_mA_nW\.csv: the data do not determine Ic/m);
  // Eq. 3, with three parameters, is determined by the same points.
  const ok = await cli("fit", "--data", curve, "--model", "eq3", "--out", join(dir, "few3.json"), "--no-figure", "--json");
  assert.equal(ok.code, 0, ok.err);
  assert.equal((JSON.parse(ok.out) as { status: string }).status, "ok");
});

/** A CSV of `ds` (features x1.., label) in `dir`. */
function writeCsv(name: string, ds: Dataset): string {
  const path = join(dir, name);
  const head = [...Array.from({ length: ds.d }, (_, j) => `x${j + 1}`), "label"].join(",");
  writeFileSync(path, [head, ...Array.from({ length: ds.n }, (_, r) => [...ds.x.subarray(r * ds.d, (r + 1) * ds.d), ds.y[r]].join(","))].join("\n") + "\n");
  return path;
}

test("Ctrl-C while train's weight-decay candidate trains stops at once and says so; the candidate shows progress (it trained silently, and SIGINT waited 41 s for it)", { timeout: 120_000 }, async () => {
  const data = writeCsv("cand.csv", makeSynthetic("moons", { count: 300, seed: 4 }));
  const out = join(dir, "cand-run");
  const entry = fileURLToPath(new URL("../reliability/cli-entry.ts", import.meta.url));
  // A long budget: the λ = 0.3 candidate alone trains 200 000 updates.
  const r = await new Promise<{ code: number | null; stderr: string; ms: number }>((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", entry, "train", "--data", data, "--updates", "200000", "--members", "1", "--out", out], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "", sentAt = 0;
    const guard = setTimeout(() => child.kill("SIGKILL"), 90_000);
    child.stdout.resume();
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
      if (sentAt === 0 && /train csv λ 0\.3 candidate: [1-9]\d*\/\d+ loss/.test(stderr)) {
        sentAt = performance.now();
        child.kill("SIGINT");
      }
    });
    child.on("close", (code) => {
      clearTimeout(guard);
      resolve({ code, stderr, ms: sentAt === 0 ? Infinity : performance.now() - sentAt });
    });
  });
  assert.equal(r.code, 130, r.stderr);
  assert.ok(r.ms < 5000, `took ${r.ms.toFixed(0)} ms to stop`);
  assert.match(r.stderr, /^dynaspin: interrupted \(SIGINT\) while training the λ 0\.3 weight-decay candidate \(before the run itself\); nothing was written$/m);
  assert.equal(existsSync(out), false);
});

test("a Trainer with stagedAlternatives trains the same weight-decay candidates to the same bits as train()", { timeout: 120_000 }, () => {
  const split = stratifiedSplit(makeSynthetic("moons", { count: 300, seed: 5 }), 0, 0.2);
  // (One network: 240 rows would train a cross-validation ensemble by default.)
  const o = { devices: eq4(), updates: 300, seed: 1, members: 1 };
  const whole = train(split.train, o);
  const t = new Trainer(split.train, o, { stagedAlternatives: true });
  assert.deepEqual(t.pendingAlternatives.map((a) => a.weightDecay), [0.3]);
  let steps = 0;
  for (const a of t.pendingAlternatives) while (!a.trainer.done) (a.trainer.advance(), steps++);
  assert.ok(steps > 0);
  while (!t.done) t.advance();
  const staged = t.finish(0);
  assert.deepEqual(staged.weightDecay, whole.weightDecay);
  assert.deepEqual(staged.model.A, whole.model.A);
  assert.deepEqual(staged.model.W, whole.model.W);
  assert.deepEqual(staged.history, whole.history.map((h, i) => ({ ...h, seconds: staged.history[i].seconds })));
  // Left to itself, a staged trainer trains what is left of them on its first advance().
  const lazy = new Trainer(split.train, o, { stagedAlternatives: true });
  while (!lazy.done) lazy.advance();
  assert.deepEqual(lazy.finish(0).model.A, whole.model.A);
});

test("train's failure hint names the automatic budget's flag (--updates), not --epochs, which would switch the budget off; '1 feature' is singular", async () => {
  const h = [{ epoch: 1, lr: 0.02, trainLoss: 0.6931, trainAccuracy: 0.5, testLoss: NaN, testAccuracy: NaN, seconds: 0 }, { epoch: 2, lr: 0.02, trainLoss: 0.6930, trainAccuracy: 0.5, testLoss: NaN, testAccuracy: NaN, seconds: 0 }];
  assert.match(trainingFailure(h, 0.693, 2, resolveTrainOptions({}, 320)) ?? "", /, or more --updates \(now 3000\)$/);
  assert.match(trainingFailure(h, 0.693, 2, resolveTrainOptions({ epochs: 10 }, 320)) ?? "", /, or more --epochs \(now 10\)$/);
  const rows = ["x,label", ...Array.from({ length: 40 }, (_, i) => `${i / 39},${i < 20 ? "a" : "b"}`)];
  const data = join(dir, "one-feature.csv");
  writeFileSync(data, rows.join("\n") + "\n");
  const r = await cli("train", "--data", data, "--epochs", "2", "--quiet", "--out", join(dir, "one-feature"));
  assert.match(r.out, /^trained csv: k=8 \(1 feature \+ 7 extra\) /m);
});
