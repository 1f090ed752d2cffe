import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cli, tmp, blobsCsv } from "./helpers.js";
import { parseModel } from "../../src/network/io.js";

/** Rewrites a CSV with its columns in the order `cols` (indices of the original). */
function reorder(csv: string, cols: number[]): string {
  return csv.trim().split("\n").map((l) => { const c = l.split(","); return cols.map((j) => c[j]).join(","); }).join("\n") + "\n";
}

type EvalSummary = { split: string; reason: string; samples: number; accuracy: number };

test("a model stores its feature names (format version 2); eval matches columns by name, and refuses missing or extra columns naming them", async () => {
  const dir = tmp();
  try {
    const csv = blobsCsv(150);
    writeFileSync(join(dir, "train.csv"), csv);
    const t = await cli(["train", "--data", join(dir, "train.csv"), "--epochs", "200", "--quiet", "--out", join(dir, "run")]);
    assert.equal(t.code, 0, t.stderr);
    const modelPath = join(dir, "run", "model.json");
    const json = JSON.parse(readFileSync(modelPath, "utf8")) as { version: number; features: string[] };
    assert.ok(json.version >= 2, `features need format version 2 or later (got ${json.version})`);
    assert.deepEqual(json.features, ["f_a", "f_b", "f_c", "f_d"]);
    assert.deepEqual(parseModel(readFileSync(modelPath, "utf8")).featureNames, json.features);
    // The same rows with the columns shuffled (label in the middle): same accuracy on every row.
    writeFileSync(join(dir, "shuffled.csv"), reorder(csv, [3, 4, 0, 2, 1]));
    const base = JSON.parse((await cli(["eval", "--model", modelPath, "--data", join(dir, "train.csv"), "--split", "all", "--json"])).stdout) as EvalSummary;
    const shuffled = await cli(["eval", "--model", modelPath, "--data", join(dir, "shuffled.csv"), "--split", "all", "--json"]);
    assert.equal(shuffled.code, 0, shuffled.stderr);
    const s = JSON.parse(shuffled.stdout) as EvalSummary;
    assert.equal(s.samples, 150);
    assert.equal(s.accuracy, base.accuracy);
    assert.ok(base.accuracy > 0.9, `accuracy ${base.accuracy}`);
    // A missing feature, and an extra column besides the label.
    writeFileSync(join(dir, "missing.csv"), reorder(csv, [0, 1, 2, 4]));
    const m = await cli(["eval", "--model", modelPath, "--data", join(dir, "missing.csv")]);
    assert.equal(m.code, 2);
    assert.match(m.stderr, /missing\.csv: missing column "f_d" \(the model .*model\.json was trained on "f_a", "f_b", "f_c", "f_d"\)/);
    writeFileSync(join(dir, "extra.csv"), reorder(csv, [0, 1, 2, 3, 0, 4]).replace(/^f_a,f_b,f_c,f_d,f_a,kind/, "f_a,f_b,f_c,f_d,f_e,kind"));
    const e = await cli(["eval", "--model", modelPath, "--data", join(dir, "extra.csv")]);
    assert.equal(e.code, 2);
    // The labels are found by their values (the model's class names); the other extra column is named alone.
    assert.match(e.stderr, /^dynaspin: \S*extra\.csv: extra column "f_e": not a feature of the model \S*model\.json \(trained on "f_a", "f_b", "f_c", "f_d"; labels in "kind"\); remove it\n$/);
    // Two extra columns and none holding the class names: both named, and what the model reads.
    writeFileSync(join(dir, "nolabel.csv"), csv.replace(/,kind\n/, ",f_e\n").replace(/,(red|green|blue)\n/g, ",1\n").replace(/^f_a,/, "id,f_a,").replace(/\n(?=[0-9])/g, "\n7,"));
    const n = await cli(["eval", "--model", modelPath, "--data", join(dir, "nolabel.csv")]);
    assert.equal(n.code, 2);
    assert.match(n.stderr, /nolabel\.csv: 2 columns are not features of the model \S*: "id", "f_e"; the model reads "f_a", "f_b", "f_c", "f_d" and one label column: give it with --label-column and remove the others/);
    const e2 = await cli(["eval", "--model", modelPath, "--data", join(dir, "extra.csv"), "--label-column", "kind"]);
    assert.equal(e2.code, 2);
    assert.match(e2.stderr, /extra\.csv: extra column "f_e" \(the model/);
    // A version 1 model (no feature names) still loads and matches by position.
    const v1 = JSON.parse(readFileSync(modelPath, "utf8")) as Record<string, unknown>;
    v1.version = 1;
    delete v1.features;
    writeFileSync(join(dir, "v1.json"), JSON.stringify(v1));
    const old = await cli(["eval", "--model", join(dir, "v1.json"), "--data", join(dir, "train.csv"), "--split", "all", "--json"]);
    assert.equal(old.code, 0, old.stderr);
    assert.equal((JSON.parse(old.stdout) as EvalSummary).accuracy, base.accuracy);
    v1.features = ["f_a", "f_b", "f_c", "f_d"];
    writeFileSync(join(dir, "v1f.json"), JSON.stringify(v1));
    const bad = await cli(["eval", "--model", join(dir, "v1f.json"), "--data", join(dir, "train.csv")]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /v1f\.json: features needs model version 2 or later/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("eval uses the model's test split only on its own training data; other data are evaluated on every row, and the output says which", async () => {
  const dir = tmp();
  try {
    writeFileSync(join(dir, "train.csv"), blobsCsv(150, 1));
    writeFileSync(join(dir, "other.csv"), blobsCsv(60, 99));
    const t = await cli(["train", "--data", join(dir, "train.csv"), "--epochs", "50", "--split-seed", "4", "--quiet", "--out", join(dir, "run"), "--json"]);
    assert.equal(t.code, 0, t.stderr);
    const trained = JSON.parse(t.stdout) as { testAccuracy: number; samples: { test: number } };
    const modelPath = join(dir, "run", "model.json");
    const same = JSON.parse((await cli(["eval", "--model", modelPath, "--data", join(dir, "train.csv"), "--json"])).stdout) as EvalSummary;
    assert.equal(same.split, "test");
    assert.equal(same.samples, trained.samples.test);
    // The model's own split seed (4), not 0: the same test rows and accuracy as at training.
    assert.equal(same.accuracy, trained.testAccuracy);
    assert.match(same.reason, /is the model's training data; test split seed 4/);
    const other = await cli(["eval", "--model", modelPath, "--data", join(dir, "other.csv")]);
    assert.equal(other.code, 0, other.stderr);
    assert.match(other.stdout, /\(all rows, 60 samples: .*other\.csv is not the model's training data\)/);
    const forced = JSON.parse((await cli(["eval", "--model", modelPath, "--data", join(dir, "other.csv"), "--split", "test", "--json"])).stdout) as EvalSummary;
    assert.equal(forced.split, "test");
    assert.equal(forced.samples, 12);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("train refuses a label column that looks continuous, or has classes of one row, with a --label-column hint", async () => {
  const dir = tmp();
  try {
    const csv = blobsCsv(90).replace(/,red$/gm, ",0").replace(/,green$/gm, ",1").replace(/,blue$/gm, ",2");
    // Label first (class ids 0, 1, 2): the default (last) column is a continuous feature.
    writeFileSync(join(dir, "first.csv"), reorder(csv, [4, 0, 1, 2, 3]));
    const r = await cli(["train", "--data", join(dir, "first.csv"), "--quiet", "--out", join(dir, "run")]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /first\.csv: the label column \(the last, by default\) looks continuous \(\d+ distinct values, \d+ of them not integers\); .*--label-column NAME\|INDEX/);
    const ok = await cli(["train", "--data", join(dir, "first.csv"), "--label-column", "kind", "--epochs", "5", "--quiet", "--out", join(dir, "run")]);
    assert.equal(ok.code, 0, ok.stderr);
    // Integer-valued ids: many classes of a single row.
    const ids = ["a,b,id", ...Array.from({ length: 40 }, (_, i) => `${i % 7},${(i * 3) % 5},${i < 20 ? i : i % 3}`)].join("\n") + "\n";
    writeFileSync(join(dir, "ids.csv"), ids);
    const s = await cli(["train", "--data", join(dir, "ids.csv"), "--quiet", "--out", join(dir, "run2")]);
    assert.equal(s.code, 2);
    assert.match(s.stderr, /ids\.csv: the label column \(the last, by default\) has \d+ classes with a single row .*--label-column/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
