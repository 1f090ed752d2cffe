/**
 * `eval` recognises its model's training data by the rows, not by their order: a shuffled copy of
 * the training file (also with its columns reordered) is the training rows again, so it is
 * evaluated on every row with a warning that most were trained on (the model's test rows cannot be
 * found in a reordered file); a file that differs in one value is other data, without the warning;
 * a model file written before the row-order-free hash (training.rowSetHash) keeps its behaviour.
 * The hash itself: the same for any order of the rows, another for a changed value, label or target
 * and for a missing or repeated row.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { cli } from "../helpers/cli.js";
import { blobsCsv } from "../reliability/helpers.js";
import { hashDataset, hashRowSet } from "../../src/train/checkpoint.js";
import { subset, type Dataset } from "../../src/data/dataset.js";
import { Rng } from "../../src/util/rng.js";

const dir = mkdtempSync(join(tmpdir(), "dynaspin-evaldata-"));
test.after(() => rmSync(dir, { recursive: true, force: true }));

/** The lines of a CSV text after its header, shuffled by a seeded generator (the header kept first). */
function shuffled(text: string, seed: number): string {
  const [header, ...rows] = text.trim().split("\n");
  const rng = new Rng(seed);
  for (let i = rows.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [rows[i], rows[j]] = [rows[j], rows[i]];
  }
  return [header, ...rows].join("\n") + "\n";
}

interface EvalJson { split: string; reason: string; samples: number; warnings: string[] }

async function evalJson(model: string, data: string, ...flags: string[]): Promise<EvalJson> {
  const r = await cli("eval", "--model", model, "--data", data, "--json", ...flags);
  assert.equal(r.code, 0, r.err);
  return JSON.parse(r.out) as EvalJson;
}

const REORDERED = /holds the rows the model was trained on, in another order: the model's own test rows cannot be found in a reordered file, so most (of these rows|rows of this test split) were trained on and the accuracy is optimistic/;

test("eval on a shuffled copy of the training file says it holds the training rows and warns; a file with one value changed is other data", async () => {
  const train = join(dir, "blobs.csv");
  const text = blobsCsv(120, 3);
  writeFileSync(train, text);
  const out = join(dir, "run");
  const t = await cli("train", "--data", train, "--out", out, "--epochs", "40", "--quiet");
  assert.ok(t.code === 0 || t.code === 1, t.err);
  const model = join(out, t.code === 0 ? "model.json" : "model.failed.json");
  const training = (JSON.parse(readFileSync(model, "utf8")) as { training: { dataHash: string; rowSetHash: string } }).training;
  assert.match(training.rowSetHash, /^[0-9a-f]{16}$/, "the model file carries the row-order-free hash");
  // The training file itself: its test split, no warning.
  const same = await evalJson(model, train);
  assert.equal(same.split, "test");
  assert.match(same.reason, /blobs\.csv is the model's training data/);
  assert.deepEqual(same.warnings.filter((w) => REORDERED.test(w)), []);
  // A shuffled copy: every row, the reason and the warning (on stderr too).
  const copy = join(dir, "blobs-shuffled.csv");
  writeFileSync(copy, shuffled(text, 7));
  const s = await evalJson(model, copy);
  assert.equal(s.split, "all");
  assert.equal(s.samples, 120);
  assert.match(s.reason, /blobs-shuffled\.csv holds the model's training rows in another order/);
  assert.equal(s.warnings.filter((w) => REORDERED.test(w)).length, 1, s.warnings.join("\n"));
  const plain = await cli("eval", "--model", model, "--data", copy);
  assert.match(plain.err, /dynaspin eval: warning: .*blobs-shuffled\.csv holds the rows the model was trained on, in another order/);
  // Shuffled with the columns in another order too; and --split test on the copy warns as well.
  const lines = shuffled(text, 8).trim().split("\n").map((l) => l.split(","));
  const cols = join(dir, "blobs-cols.csv");
  writeFileSync(cols, lines.map((f) => [f[4], f[2], f[0], f[3], f[1]].join(",")).join("\n") + "\n");
  const c = await evalJson(model, cols);
  assert.match(c.reason, /in another order/);
  const st = await evalJson(model, copy, "--split", "test");
  assert.equal(st.split, "test");
  assert.equal(st.warnings.filter((w) => REORDERED.test(w)).length, 1);
  // One value changed: other data, every row, no warning about training rows.
  const other = join(dir, "blobs-other.csv");
  const changed = shuffled(text, 7).split("\n");
  const f = changed[5].split(",");
  f[0] = (Number(f[0]) + 0.5).toFixed(4);
  changed[5] = f.join(",");
  writeFileSync(other, changed.join("\n"));
  const o = await evalJson(model, other);
  assert.equal(o.split, "all");
  assert.match(o.reason, /blobs-other\.csv is not the model's training data/);
  assert.deepEqual(o.warnings.filter((w) => REORDERED.test(w)), []);
});

test("a model file written before the row-order-free hash keeps its behaviour: a shuffled copy of its training file is other data, without the warning", async () => {
  const fixtures = fileURLToPath(new URL("../reliability/fixtures/d67e620/", import.meta.url));
  const old = join(dir, "old");
  cpSync(fixtures, old, { recursive: true });
  const model = join(old, "eq4", "model.json");
  assert.equal((JSON.parse(readFileSync(model, "utf8")) as { training: { rowSetHash?: string } }).training.rowSetHash, undefined);
  const text = readFileSync(join(old, "blobs.csv"), "utf8");
  const same = await evalJson(model, join(old, "blobs.csv"));
  assert.equal(same.split, "test");
  const copy = join(old, "blobs-shuffled.csv");
  writeFileSync(copy, shuffled(text, 2));
  const s = await evalJson(model, copy);
  assert.equal(s.split, "all");
  assert.match(s.reason, /blobs-shuffled\.csv is not the model's training data/);
  assert.deepEqual(s.warnings.filter((w) => REORDERED.test(w)), []);
});

test("hashRowSet ignores the order of the rows and nothing else; hashDataset keeps the order", () => {
  const rng = new Rng(4);
  const n = 50, d = 3;
  const ds: Dataset = { x: new Float64Array(n * d).map(() => rng.normal()), y: new Int32Array(n).map(() => rng.int(3)), n, d, featureNames: ["a", "b", "c"], classNames: ["p", "q", "r"] };
  const order = Array.from({ length: n }, (_, i) => (i * 17) % n);
  const perm = subset(ds, order);
  assert.equal(hashRowSet(perm), hashRowSet(ds));
  assert.notEqual(hashDataset(perm), hashDataset(ds));
  const changed = subset(ds, Array.from({ length: n }, (_, i) => i));
  changed.x[7] += 1e-12;
  assert.notEqual(hashRowSet(changed), hashRowSet(ds), "a changed value");
  const relabelled = subset(ds, Array.from({ length: n }, (_, i) => i));
  relabelled.y[3] = (relabelled.y[3] + 1) % 3;
  assert.notEqual(hashRowSet(relabelled), hashRowSet(ds), "a changed label");
  assert.notEqual(hashRowSet(subset(ds, order.slice(1))), hashRowSet(ds), "a missing row");
  assert.notEqual(hashRowSet(subset(ds, [...order, order[0]])), hashRowSet(ds), "a repeated row");
  // Regression targets count; two rows that swap only their targets are other data.
  const reg: Dataset = { ...ds, y: new Int32Array(n), targets: new Float64Array(n).map((_, i) => i), targetNames: ["t"], classNames: [] };
  const swapped: Dataset = { ...reg, targets: reg.targets!.slice() };
  [swapped.targets![0], swapped.targets![1]] = [swapped.targets![1], swapped.targets![0]];
  assert.notEqual(hashRowSet(swapped), hashRowSet(reg));
  assert.equal(hashRowSet(subset(reg, order)), hashRowSet(reg));
});
