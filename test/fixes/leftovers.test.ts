/**
 * Issue-15 leftovers a user meets (each test failed before its fix): rows repeated across a split,
 * the names of a header-less file's columns.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Rng, type Dataset } from "../../src/index.js";
import { repeatedRows } from "../../src/data/split.js";
import { cli } from "../helpers/cli.js";

const dir = mkdtempSync(join(tmpdir(), "dynaspin-leftovers-"));
test.after(() => rmSync(dir, { recursive: true, force: true }));

function set(rows: number[][], labels: number[] = rows.map(() => 0)): Dataset {
  const d = rows[0].length;
  return { x: Float64Array.from(rows.flat()), y: Int32Array.from(labels), n: rows.length, d, featureNames: Array.from({ length: d }, (_, j) => `f${j}`), classNames: ["a", "b"] };
}

test("repeatedRows counts held-out rows whose features equal a training row's (0 = -0, labels ignored)", () => {
  const train = set([[1, 2], [3, 4], [0, 5]]);
  assert.equal(repeatedRows(train, set([[1, 2], [3, 4.000000000000001], [-0, 5], [5, 0]], [1, 0, 0, 0])), 2);
  assert.equal(repeatedRows(train, set([[2, 1]])), 0);
  assert.equal(repeatedRows(set([[1, 2, 3]]), set([[1, 2]])), 0, "other columns: none");
});

/** Two Gaussian classes, `n` distinct rows, then the first `copies` rows again. */
function csvWithRepeats(name: string, n: number, copies: number): string {
  const rng = new Rng(7);
  const rows = Array.from({ length: n }, (_, i) => `${(i % 2 ? 1 : -1) + 0.7 * rng.normal()},${0.7 * rng.normal()},${i % 2 ? "b" : "a"}`);
  const path = join(dir, name);
  writeFileSync(path, ["u,v,label", ...rows, ...rows.slice(0, copies)].join("\n") + "\n");
  return path;
}

test("train and eval warn (one line, counts, what to do) when test or validation rows repeat a training row; results unchanged; none without repeats", async () => {
  const dup = csvWithRepeats("dup.csv", 300, 150);
  const out = join(dir, "dup-run");
  const r = await cli("train", "--data", dup, "--updates", "40", "--restarts", "1", "--members", "1", "--out", out, "--json");
  assert.equal(r.code, 0, r.err);
  const lines = r.err.split("\n").filter((l) => /repeats rows/.test(l));
  assert.equal(lines.length, 1, r.err);
  assert.match(lines[0], /^dynaspin train: warning: .*dup\.csv repeats rows: \d+ of the 90 test rows \(\d+ %\) and \d+ of the 72 validation rows \(\d+ %\) have the same feature values as a training row, so their scores are optimistic; to score on rows the model has not seen, remove the repeated rows before training \(keep one of each, e\.g\. awk '!seen\[\$0\]\+\+' .*dup\.csv > unique\.csv, or pandas drop_duplicates\)$/);
  const s = JSON.parse(r.out) as { warnings: string[]; testAccuracy: number };
  assert.ok(s.warnings.some((w) => /repeats rows/.test(w)));
  // A cross-validation ensemble (the default here): each member's fold against its own training rows.
  const ens = await cli("train", "--data", dup, "--updates", "40", "--restarts", "1", "--out", join(dir, "dup-ens"), "--json");
  assert.equal(ens.code, 0, ens.err);
  assert.match(ens.err, /repeats rows: \d+ of the 90 test rows \(\d+ %\) and \d+ of the 360 members' validation rows \(\d+ %\) have the same feature values as a training row/);
  // The counts are those of the split: test rows whose features equal a training row's.
  const [, testRep] = /: (\d+) of the 90 test rows/.exec(lines[0]) ?? [];
  assert.ok(Number(testRep) > 10 && Number(testRep) <= 90, testRep);
  const e = await cli("eval", "--model", join(out, "model.json"), "--data", dup, "--json");
  assert.equal(e.code, 0, e.err);
  const ej = JSON.parse(e.out) as { warnings: string[]; accuracy: number };
  assert.equal(ej.warnings.filter((w) => new RegExp(`repeats rows: ${testRep} of the 90 test rows .* so the test score is optimistic`).test(w)).length, 1, ej.warnings.join("\n"));
  assert.equal(ej.accuracy, s.testAccuracy, "the same test score as train's: only a warning");
  // The same rows without the repeats: no warning.
  const clean = csvWithRepeats("clean.csv", 300, 0);
  const c = await cli("train", "--data", clean, "--updates", "40", "--restarts", "1", "--out", join(dir, "clean-run"), "--json");
  assert.equal(c.code, 0, c.err);
  assert.doesNotMatch(c.err, /repeats rows/);
  assert.deepEqual((JSON.parse(c.out) as { warnings: string[] }).warnings.filter((w) => /repeats/.test(w)), []);
  // A model evaluated on other data (all rows, no split) is not warned about.
  const o = await cli("eval", "--model", join(out, "model.json"), "--data", clean, "--json");
  assert.doesNotMatch(o.err, /repeats rows/);
});

test("a model trained on a file without a header names its columns by place (\"column 1\", …) and reads data by position, with or without a header", async () => {
  const rng = new Rng(3);
  const rows = Array.from({ length: 120 }, (_, i) => [(i % 2 ? 1 : -1) + 0.5 * rng.normal(), 0.5 * rng.normal(), i % 2]);
  const plain = join(dir, "plain.csv"), headed = join(dir, "headed.csv");
  // The label first: the features are the file's columns 2 and 3.
  writeFileSync(plain, rows.map((r) => `${r[2]},${r[0]},${r[1]}`).join("\n") + "\n");
  writeFileSync(headed, ["y,width,height", ...rows.map((r) => `${r[2]},${r[0]},${r[1]}`)].join("\n") + "\n");
  const out = join(dir, "plain-run");
  const t = await cli("train", "--data", plain, "--label-column", "0", "--epochs", "20", "--restarts", "1", "--out", out, "--json");
  assert.equal(t.code, 0, t.err);
  const model = JSON.parse(readFileSync(join(out, "model.json"), "utf8")) as { features: string[] };
  assert.deepEqual(model.features, ["column 2", "column 3"]);
  const acc = (JSON.parse(t.out) as { testAccuracy: number }).testAccuracy;
  // The same rows with a header (names the model never saw): matched by position, the same test split and score.
  for (const data of [plain, headed]) {
    const e = await cli("eval", "--model", join(out, "model.json"), "--data", data, "--label-column", "0", "--json");
    assert.equal(e.code, 0, `${data}: ${e.err}`);
    const j = JSON.parse(e.out) as { split: string; accuracy: number };
    assert.equal(j.split, "test", data);
    assert.equal(j.accuracy, acc, data);
  }
  // A header with another number of columns: the count, not a "missing column" of a made-up name.
  writeFileSync(join(dir, "three.csv"), ["y,a,b,c", ...rows.map((r) => `${r[2]},${r[0]},${r[1]},1`)].join("\n") + "\n");
  const bad = await cli("eval", "--model", join(out, "model.json"), "--data", join(dir, "three.csv"), "--label-column", "0");
  assert.equal(bad.code, 2);
  assert.match(bad.err, /three\.csv: 3 feature columns, but the model .* reads 2 features/);
  assert.doesNotMatch(bad.err, /missing column/);
  // predict by position too, on a file with a header.
  writeFileSync(join(dir, "new.csv"), ["width,height", ...rows.slice(0, 5).map((r) => `${r[0]},${r[1]}`)].join("\n") + "\n");
  const p = await cli("predict", "--model", join(out, "model.json"), "--data", join(dir, "new.csv"), "--out", join(dir, "pred.csv"));
  assert.equal(p.code, 0, p.err);
  // A bad cell of a file without a header is named by its place only.
  const c = await cli("train", "--data", join(dir, "badcell.csv"));
  assert.equal(c.code, 2);
  writeFileSync(join(dir, "badcell.csv"), "1,2,a\n3,x,b\n");
  const c2 = await cli("train", "--data", join(dir, "badcell.csv"));
  assert.match(c2.err, /badcell\.csv: row 2, column 2: expected a number \(got "x"\)/);
});
