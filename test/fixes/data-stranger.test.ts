// Stranger-test defects of the data path: eval's separator hint (#8), the training-data decision
// independent of column order (#9), a metadata first line and --skip-rows (#10).
import { test } from "node:test";
import assert from "node:assert/strict";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cli, tmp, blobsCsv } from "../reliability/helpers.js";
import { parseCsvDataset } from "../../src/data/csv.js";

/** Rewrites a CSV with its columns in the order `cols` (indices of the original). */
function reorder(csv: string, cols: number[]): string {
  return csv.trim().split("\n").map((l) => { const c = l.split(","); return cols.map((j) => c[j]).join(","); }).join("\n") + "\n";
}

type EvalSummary = { split: string; reason: string; samples: number; accuracy: number };

test("#8 #9 eval: a semicolon/decimal-comma file gets train's separator hint; reordered columns are still the training data", async () => {
  const dir = tmp();
  try {
    const csv = blobsCsv(150, 2);
    writeFileSync(join(dir, "train.csv"), csv);
    const t = await cli(["train", "--data", join(dir, "train.csv"), "--epochs", "40", "--split-seed", "3", "--quiet", "--out", join(dir, "run"), "--json"]);
    assert.equal(t.code, 0, t.stderr);
    const trained = JSON.parse(t.stdout) as { testAccuracy: number; samples: { test: number } };
    const model = join(dir, "run", "model.json");
    // #8: the same file as a European spreadsheet exports it.
    writeFileSync(join(dir, "eu.csv"), csv.replace(/,/g, ";").replace(/\./g, ","));
    const trainEu = await cli(["train", "--data", join(dir, "eu.csv"), "--quiet", "--out", join(dir, "run-eu")]);
    const evalEu = await cli(["eval", "--model", model, "--data", join(dir, "eu.csv")]);
    assert.equal(evalEu.code, 2);
    assert.equal(evalEu.stderr.split("\n").length, 2, evalEu.stderr);
    assert.match(evalEu.stderr, /eu\.csv: row 1 has a single field but contains ';'.*convert the separators to commas/);
    assert.doesNotMatch(evalEu.stderr, /missing column/);
    assert.equal(evalEu.stderr, trainEu.stderr, "the same message as train");
    // #9: features reordered (label last, and label first): same rows, so the model's test split.
    for (const [name, cols] of [["features-reordered.csv", [2, 0, 3, 1, 4]], ["label-first.csv", [4, 3, 2, 1, 0]]] as const) {
      writeFileSync(join(dir, name), reorder(csv, [...cols]));
      const r = await cli(["eval", "--model", model, "--data", join(dir, name), "--json"]);
      assert.equal(r.code, 0, r.stderr);
      const s = JSON.parse(r.stdout) as EvalSummary;
      assert.equal(s.split, "test", `${name}: ${s.reason}`);
      assert.equal(s.samples, trained.samples.test, name);
      assert.equal(s.accuracy, trained.testAccuracy, name);
      assert.match(s.reason, /is the model's training data; test split seed 3/);
    }
    // Other rows are still other data.
    writeFileSync(join(dir, "other.csv"), reorder(blobsCsv(60, 9), [1, 0, 2, 3, 4]));
    const o = JSON.parse((await cli(["eval", "--model", model, "--data", join(dir, "other.csv"), "--json"])).stdout) as EvalSummary;
    assert.equal(o.split, "all");
    assert.equal(o.samples, 60);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("#10 a metadata first line: the row-2 error hints at --skip-rows, and --skip-rows N makes train and eval read the file", async () => {
  const dir = tmp();
  try {
    const csv = blobsCsv(90, 4);
    // scikit-learn's wine.csv style: counts and class names first, then rows with more fields.
    const meta = "90,4,red,green\n" + csv.split("\n").slice(1).join("\n");
    writeFileSync(join(dir, "meta.csv"), meta);
    const r = await cli(["train", "--data", join(dir, "meta.csv"), "--quiet", "--out", join(dir, "x")]);
    assert.equal(r.code, 2);
    assert.equal(r.stderr.split("\n").length, 2, r.stderr);
    assert.match(r.stderr, /meta\.csv: row 2 has 5 fields, expected 4: the first line \(row 1\) has 4 fields and the next 5; if the first line is not the header, remove it or pass --skip-rows 1/);
    // With the metadata line and a real header: --skip-rows 1.
    writeFileSync(join(dir, "meta-header.csv"), "90,4,red,green,blue\n" + csv);
    const t = await cli(["train", "--data", join(dir, "meta-header.csv"), "--skip-rows", "1", "--epochs", "30", "--quiet", "--out", join(dir, "run"), "--json"]);
    assert.equal(t.code, 0, t.stderr);
    const e = await cli(["eval", "--model", join(dir, "run", "model.json"), "--data", join(dir, "meta-header.csv"), "--skip-rows", "1", "--json"]);
    assert.equal(e.code, 0, e.stderr);
    assert.equal((JSON.parse(e.stdout) as EvalSummary).split, "test");
    // Without a header after the metadata: features "column 1".."column 4", and row numbers stay the file's.
    const ds = parseCsvDataset(meta, { file: "meta.csv", skipRows: 1 });
    assert.equal(ds.n, 90);
    assert.deepEqual(ds.featureNames, ["column 1", "column 2", "column 3", "column 4"]);
    assert.throws(() => parseCsvDataset(meta.replace(/\n([^\n]*)\n/, "\n$1\n1,2,zz,4,red\n"), { file: "m.csv", skipRows: 1 }), /m\.csv: row 3, column 3: expected a number/);
    const bad = await cli(["train", "--task", "spiral", "--skip-rows", "1"]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--skip-rows applies only to --data/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("#10 scikit-learn's raw iris.csv (first line 150,4,setosa,versicolor,virginica, 5 fields like the rows) is refused as metadata, and trains with --skip-rows 1", async () => {
  const dir = tmp();
  try {
    const rows = blobsCsv(150, 6).trim().split("\n").slice(1).map((l) => l.replace(/red$/, "0").replace(/green$/, "1").replace(/blue$/, "2"));
    writeFileSync(join(dir, "iris.csv"), ["150,4,setosa,versicolor,virginica", ...rows].join("\n") + "\n");
    const r = await cli(["train", "--data", join(dir, "iris.csv"), "--quiet", "--out", join(dir, "x")]);
    assert.equal(r.code, 2);
    assert.equal(r.stderr.split("\n").length, 2, r.stderr);
    assert.match(r.stderr, /iris\.csv: the first line \("150", "4", "setosa", "versicolor"\) is metadata \(150 rows, 4 features, .*\), not a header; pass --skip-rows 1/);
    const t = await cli(["train", "--data", join(dir, "iris.csv"), "--skip-rows", "1", "--epochs", "30", "--quiet", "--out", join(dir, "run"), "--json"]);
    assert.equal(t.code, 0, t.stderr);
    assert.equal((JSON.parse(t.stdout) as { samples: { train: number; test: number } }).samples.test, 30);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
