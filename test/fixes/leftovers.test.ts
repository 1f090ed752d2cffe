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
import { runCli } from "../../src/cli/main.js";

const dir = mkdtempSync(join(tmpdir(), "dynaspin-leftovers-"));
test.after(() => rmSync(dir, { recursive: true, force: true }));

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "", err = "";
  const code = await runCli(argv, { stdout: (s) => (out += s), stderr: (s) => (err += s), isTTY: false, env: {} });
  return { code, out, err };
}

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
  const r = await cli("train", "--data", dup, "--updates", "40", "--restarts", "1", "--out", out, "--json");
  assert.equal(r.code, 0, r.err);
  const lines = r.err.split("\n").filter((l) => /repeats rows/.test(l));
  assert.equal(lines.length, 1, r.err);
  assert.match(lines[0], /^dynaspin train: warning: .*dup\.csv repeats rows: \d+ of the 90 test rows \(\d+ %\) and \d+ of the 72 validation rows \(\d+ %\) have the same feature values as a training row, so their scores are optimistic; to score on rows the model has not seen, remove the repeated rows before training \(keep one of each, e\.g\. awk '!seen\[\$0\]\+\+' .*dup\.csv > unique\.csv, or pandas drop_duplicates\)$/);
  const s = JSON.parse(r.out) as { warnings: string[]; testAccuracy: number };
  assert.ok(s.warnings.some((w) => /repeats rows/.test(w)));
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
  void readFileSync;
});
