/**
 * The sixth stranger pass's findings: each test failed before its fix.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { evaluate, evaluateRegression, eq4, parseCsvDataset, train, type Dataset } from "../../src/index.js";
import { cli } from "../helpers/cli.js";

const dir = mkdtempSync(join(tmpdir(), "dynaspin-stranger6-"));
test.after(() => rmSync(dir, { recursive: true, force: true }));

/** Two classes told apart by the third of four features (the others noise), n rows (deterministic). */
function rows(n: number): number[][] {
  return Array.from({ length: n }, (_, i) => {
    const c = i % 2;
    const j = ((i * 37) % 11) / 11;
    const k = ((i * 53) % 13) / 13;
    return [j * 10, k * 0.01, c * 4 + j - 0.5, 1000 + k * 300, c];
  });
}

/** A CSV of `data` with the header `names`, its columns in the order `order` (indices into a row). */
function csv(names: string[], data: number[][], order: number[]): string {
  return [order.map((j) => names[j]).join(","), ...data.map((r) => order.map((j) => String(r[j])).join(","))].join("\n") + "\n";
}

test("columns of one's own named x0, x1, … are matched by name: a reordered file was read by position (all one class, exit 0)", async () => {
  const names = ["x0", "x1", "x2", "x3", "label"];
  const trainFile = join(dir, "x.csv");
  writeFileSync(trainFile, csv(names, rows(200), [0, 1, 2, 3, 4]));
  const out = join(dir, "x");
  const t = await cli("train", "--data", trainFile, "--out", out, "--epochs", "300");
  assert.equal(t.code, 0, t.err);
  const model = join(out, "model.json");
  assert.deepEqual(JSON.parse(readFileSync(model, "utf8")).features, ["x0", "x1", "x2", "x3"]);
  const held = rows(60);
  const inOrder = join(dir, "x-test.csv"), reordered = join(dir, "x-test-reordered.csv");
  writeFileSync(inOrder, csv(names, held, [0, 1, 2, 3, 4]));
  writeFileSync(reordered, csv(names, held, [4, 3, 1, 0, 2]));
  const a = await cli("eval", "--model", model, "--data", inOrder, "--json");
  const b = await cli("eval", "--model", model, "--data", reordered, "--json");
  assert.equal(a.code, 0, a.err);
  assert.equal(b.code, 0, b.err);
  assert.equal(JSON.parse(b.out).accuracy, JSON.parse(a.out).accuracy);
  assert.ok(JSON.parse(a.out).accuracy > 0.9);
  // predict: the same predictions whatever the column order.
  const newA = join(dir, "x-new.csv"), newB = join(dir, "x-new-reordered.csv");
  writeFileSync(newA, csv(names, held, [0, 1, 2, 3]));
  writeFileSync(newB, csv(names, held, [3, 1, 0, 2]));
  const pa = await cli("predict", "--model", model, "--data", newA, "--out", join(dir, "pa.csv"));
  const pb = await cli("predict", "--model", model, "--data", newB, "--out", join(dir, "pb.csv"));
  assert.equal(pa.code, 0, pa.err);
  assert.equal(pb.code, 0, pb.err);
  const predicted = (f: string) => readFileSync(f, "utf8").trim().split("\n").map((l) => l.split(",").at(-1));
  assert.deepEqual(predicted(join(dir, "pb.csv")), predicted(join(dir, "pa.csv")));
  // A missing column is named (it was "3 feature columns, but the model reads 4").
  const missing = join(dir, "x-missing.csv");
  writeFileSync(missing, csv(names, held, [0, 1, 3, 4]));
  const m = await cli("eval", "--model", model, "--data", missing);
  assert.equal(m.code, 2);
  assert.match(m.err, /x-missing\.csv: missing column "x2"/);
  writeFileSync(newA.replace("x-new", "x-new-missing"), csv(names, held, [0, 1, 3]));
  const pm2 = await cli("predict", "--model", model, "--data", newA.replace("x-new", "x-new-missing"), "--out", join(dir, "pm.csv"));
  assert.equal(pm2.code, 2);
  assert.match(pm2.err, /missing column "x2"/);
  assert.ok(!existsSync(join(dir, "pm.csv")));
  // A file without a header is still read by position.
  const bare = join(dir, "x-bare.csv");
  writeFileSync(bare, held.map((r) => r.join(",")).join("\n") + "\n");
  const c = await cli("eval", "--model", model, "--data", bare, "--json");
  assert.equal(c.code, 0, c.err);
  assert.equal(JSON.parse(c.out).accuracy, JSON.parse(a.out).accuracy);
});

/** A data set from rows of [features…, class index] with names. */
function dataset(data: number[][], featureNames: string[], classNames: string[], order = featureNames.map((_, j) => j)): Dataset {
  const d = order.length;
  const x = new Float64Array(data.length * d);
  data.forEach((r, i) => order.forEach((j, c) => (x[i * d + c] = r[j])));
  return { x, y: Int32Array.from(data, (r) => r[r.length - 1]), n: data.length, d, featureNames: order.map((j) => featureNames[j]), classNames };
}

test("the library's evaluate matches classes and columns by name: a held-out set with fewer classes was scored against the wrong classes (14 % instead of 82 % on a sensor table)", () => {
  // Three classes along feature 2.
  const data = Array.from({ length: 240 }, (_, i) => {
    const c = i % 3;
    const j = ((i * 37) % 11) / 11;
    return [j, c * 3 + j * 0.5, ((i * 53) % 13) / 13, c];
  });
  const names = ["a", "b", "c"], classes = ["cold", "ok", "hot"];
  const { model } = train(dataset(data, names, classes), { devices: eq4(), seed: 0, epochs: 200, steps: 2 });
  const full = evaluate(model, dataset(data, names, classes)).accuracy;
  assert.ok(full > 0.9, `trained to ${full}`);
  // Only "ok" and "hot" rows, loaded from a file of their own: class indices 0 and 1 mean "ok" and "hot".
  const two = data.filter((r) => r[3] > 0).map((r) => [r[0], r[1], r[2], r[3] - 1]);
  const expected = evaluate(model, dataset(data.filter((r) => r[3] > 0), names, classes)).accuracy;
  assert.equal(evaluate(model, dataset(two, names, ["ok", "hot"])).accuracy, expected);
  // Columns in another order give the same accuracy; a class or column the model lacks is named.
  assert.equal(evaluate(model, dataset(data, names, classes, [2, 0, 1])).accuracy, full);
  assert.throws(() => evaluate(model, dataset(two, names, ["ok", "warm"])), /InputError: data: label "warm" is not one of the classes of the model \(cold, ok, hot\)/);
  assert.throws(() => evaluate(model, dataset(data, ["a", "b", "z"], classes)), /InputError: data: missing column "c"; extra column "z" \(the model was trained on "a", "b", "c"\)/);
  // Unnamed (placeholder) columns are read by position, as before.
  assert.equal(evaluate(model, dataset(data, ["column 1", "column 2", "column 3"], classes)).accuracy, full);
});

test("the library's evaluateRegression matches columns by name", () => {
  const data = Array.from({ length: 120 }, (_, i) => [((i * 37) % 11) / 11, ((i * 53) % 13) / 13, 0]);
  const ds = (order: number[]): Dataset => {
    const base = dataset(data, ["u", "v"], [], order);
    return { ...base, y: new Int32Array(data.length), targets: Float64Array.from(data, (r) => 2 * r[0] - r[1]), targetNames: ["t"] };
  };
  const { model } = train(ds([0, 1]), { devices: eq4(), seed: 0, epochs: 50, steps: 2 });
  assert.equal(evaluateRegression(model, ds([1, 0])).mse, evaluateRegression(model, ds([0, 1])).mse);
});

test("a text column beside a given --label-column says to remove it (it said only 'expected a number')", async () => {
  const text = ["machine id,status,temp,vib", "M001,normal op,50.1,0.3", "M002,bearing fault,71.2,2.1", "M003,normal op,49.0,0.4"].join("\n");
  assert.throws(() => parseCsvDataset(text, { file: "s.csv", labelColumn: "status" }), /^InputError: s\.csv: row 2, column 1 \("machine id"\): expected a number \(got "M001"\); every column but the label must hold numbers: if column 1 is no feature \(an ID, a name, a unit, a comment\), remove it$/);
  const file = join(dir, "sensor.csv");
  writeFileSync(file, text + "\n");
  const r = await cli("train", "--data", file, "--label-column", "status", "--out", join(dir, "sensor"));
  assert.equal(r.code, 2);
  assert.match(r.err, /remove it/);
  assert.ok(!existsSync(join(dir, "sensor")));
});

test("a mistyped command or --device preset gets 'did you mean'", async () => {
  const c = await cli("trian", "--data", "x.csv");
  assert.equal(c.code, 2);
  assert.match(c.err, /unknown command "trian" \(did you mean train\?\)/);
  const d = await cli("train", "--task", "spiral", "--device", "paper_test", "--epochs", "1", "--out", join(dir, "typo"));
  assert.equal(d.code, 2);
  assert.match(d.err, /got "paper_test"; did you mean paper-test\?/);
  assert.ok(!existsSync(join(dir, "typo")));
});

test("resuming with another data file names the data, not a derived option ('add --epochs 261', a flag never given)", async () => {
  const a = join(dir, "resume-a.csv"), b = join(dir, "resume-b.csv");
  const names = ["u", "v", "w", "z", "label"];
  writeFileSync(a, csv(names, rows(400), [0, 1, 2, 3, 4]));
  // 160 training rows: below 200, so the automatic budget resolves other options (no validation split).
  writeFileSync(b, csv(names, rows(200), [0, 1, 2, 3, 4]));
  const out = join(dir, "resume");
  // (One network: 320 training rows would train a cross-validation ensemble by default.)
  const args = ["--updates", "200", "--restarts", "1", "--members", "1", "--checkpoint-every", "20", "--out", out];
  const t = await cli("train", "--data", a, ...args);
  assert.equal(t.code, 0, t.err);
  const r = await cli("train", "--data", b, ...args, "--resume", out);
  assert.equal(r.code, 2);
  assert.match(r.err, /checkpoint\.json: the checkpoint was made on other data \(256 training rows × 4 features, 80 test rows, .*this run has .* × 4, 40, .*resume with the same data, split seed and test fraction/);
  // Another --seed (another validation split) is still named as the option it is.
  const s = await cli("train", "--data", a, ...args, "--seed", "1", "--resume", out);
  assert.equal(s.code, 2);
  assert.match(s.err, /the checkpoint was made with seed = 0, this run has seed = 1 \(--seed\)/);
});

test("too few rows for a test split names the file and why (it named only --test-fraction)", async () => {
  const file = join(dir, "two.csv");
  writeFileSync(file, "a,b,y\n1,2,0\n3,4,1\n");
  const r = await cli("train", "--data", file, "--out", join(dir, "two"));
  assert.equal(r.code, 2);
  assert.match(r.err, /two\.csv: --test-fraction 0\.2 leaves no test rows: it holds out round\(0\.2 × rows\) of each class, and the largest class has 1 row \(2 in all\); use a larger --test-fraction or more data/);
  assert.ok(!existsSync(join(dir, "two")));
});

test("labels written NA are missing, not a class: one row is refused naming it, several warn (a class \"NA\" trained silently, exit 0)", async () => {
  const names = ["u", "v", "w", "z", "y"];
  const body = csv(names, rows(120), [0, 1, 2, 3, 4]).trim().split("\n");
  const one = join(dir, "na1.csv"), three = join(dir, "na3.csv");
  writeFileSync(one, body.map((l, i) => (i === 40 ? l.replace(/,\d$/, ",NA") : l)).join("\n") + "\n");
  writeFileSync(three, body.map((l, i) => (i === 40 || i === 50 || i === 60 ? l.replace(/,\d$/, ",NA") : l)).join("\n") + "\n");
  const a = await cli("train", "--data", one, "--epochs", "5", "--out", join(dir, "na1"));
  assert.equal(a.code, 2);
  assert.match(a.err, /na1\.csv: the label column \(the last, by default\) holds "NA" on one row, a word for a missing label, as a class of its own: every row needs a label; remove the row or fill its label in/);
  assert.ok(!existsSync(join(dir, "na1")));
  const b = await cli("train", "--data", three, "--epochs", "5", "--out", join(dir, "na3"), "--json");
  assert.ok(b.code === 0 || b.code === 1, b.err);
  assert.match(b.err, /na3\.csv: the label column holds "NA" on 3 rows, a word for a missing label: they are trained as a class of that name; if the labels are missing, remove those rows or fill them in/);
  assert.ok((JSON.parse(b.out) as { warnings: string[] }).warnings.some((w) => w.includes('holds "NA" on 3 rows')));
  // A class called "none" with many rows is a class: warned about, not refused.
  const none = join(dir, "none.csv");
  writeFileSync(none, body.map((l, i) => (i > 0 && i % 2 === 1 ? l.replace(/,\d$/, ",none") : l)).join("\n") + "\n");
  const c = await cli("train", "--data", none, "--epochs", "5", "--out", join(dir, "none"));
  assert.ok(c.code === 0 || c.code === 1, c.err);
});

test("a constant feature column warns (trained silently, read as 0 whatever new rows hold); a resume names an option left to its default without 'null'", async () => {
  const names = ["u", "v", "w", "z", "y"];
  const file = join(dir, "const.csv");
  writeFileSync(file, csv(names, rows(120).map((r) => [r[0], 7.5, r[2], r[3], r[4]]), [0, 1, 2, 3, 4]));
  const t = await cli("train", "--data", file, "--epochs", "5", "--out", join(dir, "const"), "--json");
  assert.ok(t.code === 0 || t.code === 1, t.err);
  assert.match(t.err, /const\.csv: feature column "v" holds one value \(7\.5\) on every row: it carries no information, and the model reads it as 0 whatever its value in new rows; remove it unless that is meant/);
  assert.ok((JSON.parse(t.out) as { warnings: string[] }).warnings.some((w) => w.includes('"v" holds one value')));
  const plain = join(dir, "plain.csv");
  writeFileSync(plain, csv(names, rows(120), [0, 1, 2, 3, 4]));
  const out = join(dir, "osc");
  const a = await cli("train", "--data", plain, "--epochs", "10", "--oscillators", "9", "--checkpoint-every", "5", "--out", out);
  assert.equal(a.code, 0, a.err);
  assert.doesNotMatch(a.err, /holds one value/);
  const r = await cli("train", "--data", plain, "--epochs", "10", "--checkpoint-every", "5", "--out", out, "--resume", out);
  assert.equal(r.code, 2);
  assert.match(r.err, /the checkpoint was made with oscillators = 9, this run has oscillators = the default \(no flag\) \(--oscillators\); resume with the same training options: add --oscillators 9/);
});
