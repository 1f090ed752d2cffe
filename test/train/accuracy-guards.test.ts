import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runCli } from "../../src/cli/main.js";
import { evaluate, formatCsvDataset, makeGaussians, parseModel, stratifiedSplit, type Dataset } from "../../src/index.js";

// Guards a few rows of the accuracy benchmark (docs/accuracy.md, `npm run bench:accuracy`): the
// CLI with its defaults, as a user runs it on a CSV file (`dynaspin train --data FILE.csv`), on
// the benchmark's data and splits (split seed = init seed). The bars are issue 15's goals, set
// from the scikit-learn peers the benchmark runs on the same rows.

const dir = mkdtempSync(join(tmpdir(), "dynaspin-accuracy-"));
test.after(() => rmSync(dir, { recursive: true, force: true }));

interface Summary {
  testAccuracy: number;
  trainAccuracy: number;
  model: string;
}

async function trainCsv(file: string, seed: number): Promise<Summary> {
  let out = "", err = "";
  const args = ["train", "--data", file, "--seed", String(seed), "--split-seed", String(seed), "--json", "--quiet", "--out", join(dir, `run-${seed}-${Math.random().toString(36).slice(2)}`)];
  const code = await runCli(args, { stdout: (s) => (out += s), stderr: (s) => (err += s), isTTY: false, env: {} });
  assert.equal(code, 0, `dynaspin ${args.join(" ")}: exit ${code}: ${err}`);
  return JSON.parse(out) as Summary;
}

function csv(name: string, ds: Dataset): string {
  const p = join(dir, name);
  writeFileSync(p, formatCsvDataset(ds));
  return p;
}

const shipped = (name: string): string => fileURLToPath(new URL(`../../data/${name}/${name}.csv`, import.meta.url));

/** Runs seeds 0 and 1 and checks the mean test accuracy and that no class is left unpredicted. */
async function guard(file: string, bar: number, what: string): Promise<void> {
  const { loadCsvDataset } = await import("../../src/node/csv-file.js");
  const ds = loadCsvDataset(file);
  const acc: number[] = [];
  for (const seed of [0, 1]) {
    const s = await trainCsv(file, seed);
    acc.push(s.testAccuracy);
    // A class present in the training rows that the network never predicts there: the
    // class-merging plateau issue 15 reports on iris.
    const model = parseModel(readFileSync(s.model, "utf8"), s.model);
    const { train } = stratifiedSplit(ds, seed, 0.2);
    const predicted = new Set(evaluate(model, train).predictions);
    assert.equal(predicted.size, ds.classNames.length, `seed ${seed}: predicts only classes ${[...predicted].join(", ")} on the training rows`);
  }
  const mean = (acc[0] + acc[1]) / 2;
  assert.ok(mean >= bar, `mean test accuracy ${mean} (${acc.join(", ")}) < ${bar} (${what})`);
}

// Bars: scikit-learn 1.2.1's accuracies on the same test rows (bench/peers/sklearn_accuracy.py,
// `npm run bench:accuracy -- --only wine,breast-cancer,gaussians --seeds 2`), seeds 0 and 1.
test("wine with the CLI defaults: mean test accuracy ≥ logistic regression's (97.2 %, 94.4 %), every class predicted", { timeout: 60_000 }, async () => {
  await guard(shipped("wine"), (35 / 36 + 34 / 36) / 2, "logistic regression, issue 15");
});

// (A cross-validation ensemble of 3 by default, docs/training.md: about 1.3 times the CPU of one network.)
test("breast cancer with the CLI defaults: mean test accuracy ≥ logistic regression's (93.8 %, 97.3 %), both classes predicted", { timeout: 120_000 }, async () => {
  await guard(shipped("breast-cancer"), (106 / 113 + 110 / 113) / 2, "logistic regression, issue 15");
});

test("two Gaussian blobs with the CLI defaults: mean test accuracy within 2 points of the RBF SVM's (100 %, 97.5 %)", { timeout: 60_000 }, async () => {
  await guard(csv("gaussians.csv", makeGaussians({ count: 1000, seed: 0 })), (1 + 0.975) / 2 - 0.02, "RBF SVM − 2 points, issue 15");
});

// Iris trains below 200 rows, where the defaults add weight decay 0.3 (AUTO_DEFAULTS.smallWeightDecay):
// without it seeds 0 and 1 ended at 96.7 % each, one test row below logistic regression.
test("iris with the CLI defaults: mean test accuracy ≥ logistic regression's (100 %, 100 %), every class predicted", { timeout: 60_000 }, async () => {
  await guard(shipped("iris"), 1, "logistic regression, issue 15");
});

// Sets above 1024 training rows train in minibatches with the large-set budget
// (AUTO_DEFAULTS.large: learning rate 0.01, 100 epochs' worth of updates, at least 6000). The
// sets and bars are the accuracy benchmark's "large" rows (bench/generated-sets.ts; `npm run
// bench:accuracy -- --only large --seeds 2`), scikit-learn's accuracies on the same test rows.
// The 3000 updates at 0.02 these sets had before gave 94.4 % and 95.0 % on digits (this test
// fails on them) and 90.5 % and 88.9 % on the table (which passes either way: it guards the goal).
test("digits 8×8 as a CSV file with the CLI defaults: mean test accuracy ≥ logistic regression's (96.7 %, 96.7 %), every class predicted", { timeout: 120_000 }, async () => {
  const { loadDigits } = await import("../../src/node/tasks.js");
  await guard(csv("digits.csv", loadDigits()), 347 / 359, "logistic regression, issue 15");
});

test("a generated 10 000-row, 20-feature, 5-class table with the CLI defaults: mean test accuracy within 2 points of the RBF SVM's (88.6 %, 89.1 %)", { timeout: 120_000 }, async () => {
  const { LARGE_SETS } = await import("../../bench/generated-sets.js");
  const set = LARGE_SETS.find((s) => s.id === "mc10k")!;
  await guard(csv("mc10k.csv", set.make()), (0.8864 + 0.8909) / 2 - 0.02, "RBF SVM − 2 points, issue 15");
});
