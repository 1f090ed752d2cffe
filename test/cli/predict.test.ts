// `dynaspin predict` (a saved model on new rows without labels) and the row numbers of
// `eval --predictions`: one output row per input row in file order, joinable by row number or id,
// the same predictions as eval, probabilities that sum to 1, regression values in the target's
// units, and the misuses refused with exit 2 before any output.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync, existsSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../src/cli/main.js";
import { Rng } from "../../src/util/rng.js";
import { parseCsvDataset } from "../../src/data/csv.js";
import { readModelFile } from "../../src/node/model-file.js";
import { modelFromJson } from "../../src/network/io.js";
import { runForward } from "../../src/network/api.js";
import { loadCsvDataset } from "../../src/node/csv-file.js";
import { alignFeatures } from "../../src/cli/data-match.js";
import { nativeFactory } from "../../src/node/native-engine.js";
import { loadSource } from "../../src/node/tasks.js";

const dir = mkdtempSync(join(tmpdir(), "dynaspin-predict-"));
test.after(() => rmSync(dir, { recursive: true, force: true }));

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "", err = "";
  const code = await runCli(args, { stdout: (s) => (out += s), stderr: (s) => (err += s), isTTY: false, env: {} });
  return { code, out, err };
}

/** Three Gaussian blobs in (a, b) with text labels; `rows` of them. */
function blobs(rows: number, seed: number): { a: number; b: number; label: string }[] {
  const rng = new Rng(seed);
  const centers: [number, number, string][] = [[0, 0, "red"], [3, 0, "green"], [0, 3, "blue"]];
  return Array.from({ length: rows }, (_, r) => {
    const [cx, cy, label] = centers[r % 3];
    return { a: Number((cx + 0.6 * rng.normal()).toFixed(4)), b: Number((cy + 0.6 * rng.normal()).toFixed(4)), label };
  });
}

const lines = (path: string): string[] => readFileSync(path, "utf8").trimEnd().split("\n");

test("predict: one row per input row in file order with its row number and id, the classes eval predicts, probabilities summing to 1", async () => {
  const train = join(dir, "train.csv");
  writeFileSync(train, "a,b,label\n" + blobs(150, 1).map((r) => `${r.a},${r.b},${r.label}`).join("\n") + "\n");
  const out = join(dir, "run");
  const t = await cli(["train", "--data", train, "--epochs", "30", "--restarts", "1", "--out", out, "--quiet"]);
  assert.equal(t.code, 0, t.err);
  const model = join(out, "model.json");
  // New rows: columns in another order, an id column, a blank line (not a data row), no label.
  const fresh = blobs(40, 2);
  const newCsv = join(dir, "new.csv");
  writeFileSync(newCsv, "sample,b,a\n" + fresh.map((r, i) => `s-${String(i).padStart(3, "0")},${r.b},${r.a}` + (i === 10 ? "\n" : "")).join("\n") + "\n");
  const pred = join(dir, "pred.csv");
  const p = await cli(["predict", "--model", model, "--data", newCsv, "--id-column", "sample", "--probabilities", "--out", pred]);
  assert.equal(p.code, 0, p.err);
  assert.match(p.out, /new\.csv: 40 rows predicted by .*model\.json: classes \(blue: \d+, green: \d+, red: \d+\)\n {2}wrote .*pred\.csv/);
  const got = lines(pred);
  assert.equal(got[0], "row,sample,predicted,p_blue,p_green,p_red");
  assert.equal(got.length, 41);
  // The same rows with their labels, through eval --predictions --split all: the same classes, by row number.
  const labeled = join(dir, "labeled.csv");
  writeFileSync(labeled, "a,b,label\n" + fresh.map((r) => `${r.a},${r.b},${r.label}`).join("\n") + "\n");
  const evalPred = join(dir, "eval-pred.csv");
  const e = await cli(["eval", "--model", model, "--data", labeled, "--split", "all", "--predictions", evalPred]);
  assert.equal(e.code, 0, e.err);
  const ev = lines(evalPred);
  assert.equal(ev[0], "row,a,b,label,predicted");
  let correct = 0;
  for (let r = 0; r < 40; r++) {
    const [row, id, cls, ...ps] = got[r + 1].split(",");
    assert.equal(row, String(r + 1));
    assert.equal(id, `s-${String(r).padStart(3, "0")}`);
    const probs = ps.map(Number);
    assert.ok(Math.abs(probs.reduce((s, v) => s + v, 0) - 1) < 1e-12, `row ${row}: probabilities sum to 1`);
    assert.equal(["blue", "green", "red"][probs.indexOf(Math.max(...probs))], cls);
    const [erow, , , label, epred] = ev[r + 1].split(",");
    assert.equal(erow, String(r + 1));
    assert.equal(cls, epred, `row ${row}: predict and eval agree`);
    if (cls === label) correct++;
  }
  assert.ok(correct >= 36, `the blobs are learned: ${correct}/40`);
  // eval's default (the model's test split): row numbers are those of the training file's rows.
  const testPred = join(dir, "test-pred.csv");
  const e2 = await cli(["eval", "--model", model, "--data", train, "--predictions", testPred]);
  assert.equal(e2.code, 0, e2.err);
  const trainRows = lines(train).slice(1);
  const tp = lines(testPred).slice(1);
  assert.equal(tp.length, 30);
  for (const line of tp) {
    const [row, a, b, label] = line.split(",");
    assert.equal(trainRows[Number(row) - 1], `${a},${b},${label}`, `row ${row} joins back to the file`);
  }
});

test("predict refuses missing and unknown columns, a label file (pointing to eval), --out = --data, with exit 2 and no output", async () => {
  const train = join(dir, "train2.csv");
  writeFileSync(train, "a,b,label\n" + blobs(60, 3).map((r) => `${r.a},${r.b},${r.label}`).join("\n") + "\n");
  const out = join(dir, "run2");
  assert.equal((await cli(["train", "--data", train, "--epochs", "2", "--restarts", "1", "--out", out, "--quiet"])).code, 0);
  const model = join(out, "model.json");
  const pred = join(dir, "never.csv");
  const refused = async (args: string[], pattern: RegExp): Promise<void> => {
    const r = await cli(["predict", "--model", model, ...args]);
    assert.equal(r.code, 2, r.err);
    assert.equal(r.err.trimEnd().split("\n").length, 1, r.err);
    assert.match(r.err, pattern);
    assert.equal(existsSync(pred), false);
  };
  const onlyA = join(dir, "only-a.csv");
  writeFileSync(onlyA, "a\n1\n2\n");
  await refused(["--data", onlyA, "--out", pred], /only-a\.csv: missing column "b" \(the model .* reads "a", "b"\)/);
  await refused(["--data", train, "--out", pred], /train2\.csv: column "label" is not a feature of the model .*; to carry it into the predictions give --id-column label, else remove it; it holds the model's class names: to measure the accuracy on labelled rows use dynaspin eval\n$/);
  const ab = join(dir, "ab.csv");
  writeFileSync(ab, "a,b\n1,2\n3,4\n");
  const withId = join(dir, "with-id.csv");
  writeFileSync(withId, "a,b,sample\n1,2,x\n3,4,y\n");
  await refused(["--data", withId, "--out", pred], /with-id\.csv: column "sample" is not a feature of the model .*; to carry it into the predictions give --id-column sample, else remove it\n$/);
  await refused(["--data", ab, "--out", pred, "--id-column", "name"], /ab\.csv: no column named "name" \(--id-column\)/);
  await refused(["--data", ab, "--out", ab], /--out .*ab\.csv: is the --data file/);
  await refused(["--data", ab], /--out FILE\.csv is required/);
  const bad = join(dir, "bad.csv");
  writeFileSync(bad, "a,b\n1,2\n3,x\n");
  await refused(["--data", bad, "--out", pred], /bad\.csv: row 3, column 2 \("b"\): expected a number/);
  // eval on rows without labels points to predict.
  const e = await cli(["eval", "--model", model, "--data", ab]);
  assert.equal(e.code, 2);
  assert.match(e.err, /no label column: .*; to predict rows without labels, use dynaspin predict --model .* --data .*ab\.csv --out PREDICTIONS\.csv/);
  // A header-less file is read by position; a --json summary names the rows and the engine.
  const nohead = join(dir, "nohead.csv");
  writeFileSync(nohead, "1,2\n3,4\n0.5,0.5\n");
  const j = await cli(["predict", "--model", model, "--data", nohead, "--out", pred, "--json"]);
  assert.equal(j.code, 0, j.err);
  const s = JSON.parse(j.out);
  assert.equal(s.rows, 3);
  // The native engine's window inference where it was built, else WebAssembly.
  assert.equal(s.engine, nativeFactory(1)?.label ?? "wasm64 (WebAssembly SIMD, 2 float64 lanes)");
  assert.deepEqual(lines(pred).map((l) => l.split(",")[0]), ["row", "1", "2", "3"]);
});

test("predict with a regression model writes values in the target's units, equal to eval's predictions", async () => {
  const rng = new Rng(4);
  const rows = ["rooms,age,price"];
  for (let r = 0; r < 100; r++) {
    const rooms = 1 + 7 * rng.uniform(), age = 80 * rng.uniform();
    rows.push(`${rooms.toFixed(3)},${age.toFixed(2)},${(1e5 + 4e4 * rooms - 800 * age).toFixed(1)}`);
  }
  const csv = join(dir, "house.csv");
  writeFileSync(csv, rows.join("\n") + "\n");
  const out = join(dir, "house");
  assert.equal((await cli(["train", "--data", csv, "--problem", "regression", "--updates", "100", "--out", out, "--quiet"])).code, 0);
  const model = join(out, "model.json");
  const features = join(dir, "house-x.csv");
  writeFileSync(features, rows.map((l) => l.split(",").slice(0, 2).join(",")).join("\n") + "\n");
  const pred = join(dir, "house-pred.csv");
  const p = await cli(["predict", "--model", model, "--data", features, "--out", pred]);
  assert.equal(p.code, 0, p.err);
  const evalPred = join(dir, "house-eval.csv");
  assert.equal((await cli(["eval", "--model", model, "--data", csv, "--split", "all", "--predictions", evalPred])).code, 0);
  const got = lines(pred), want = lines(evalPred);
  assert.equal(got[0], "row,predicted");
  assert.equal(got.length, 101);
  for (let r = 1; r <= 100; r++) assert.equal(got[r], `${r},${want[r].split(",")[4]}`);
  const r = await cli(["predict", "--model", model, "--data", features, "--out", pred, "--probabilities"]);
  assert.equal(r.code, 2);
  assert.match(r.err, /--probabilities: .* is a regression model/);
});

test("parseCsvDataset without a label column: every column a feature, an id column kept as text", () => {
  const ds = parseCsvDataset("id,x,y\n007,1,2\n\n\"a,b\",3,4\n", { file: "f.csv", labelColumn: null, idColumn: "id" });
  assert.equal(ds.n, 2);
  assert.deepEqual(ds.featureNames, ["x", "y"]);
  assert.deepEqual(Array.from(ds.x), [1, 2, 3, 4]);
  assert.deepEqual(ds.ids, ["007", "a,b"]);
  assert.deepEqual(ds.classNames, []);
  const byIndex = parseCsvDataset("1,2,z1\n3,4,z2\n", { file: "g.csv", labelColumn: null, idColumn: -1 });
  assert.deepEqual(byIndex.featureNames, ["column 1", "column 2"]);
  assert.deepEqual(byIndex.ids, ["z1", "z2"]);
  const plain = parseCsvDataset("1\n2\n", { file: "h.csv", labelColumn: null });
  assert.equal(plain.d, 1);
  assert.equal(plain.ids, undefined);
  // With a label column too: the id column is neither feature nor label.
  const both = parseCsvDataset("id,x,label\nq,1,cat\nr,2,dog\n", { file: "k.csv", idColumn: "id" });
  assert.deepEqual(both.featureNames, ["x"]);
  assert.deepEqual(both.classNames, ["cat", "dog"]);
  assert.deepEqual(both.ids, ["q", "r"]);
  assert.throws(() => parseCsvDataset("id,x\nq,1\n", { file: "m.csv", labelColumn: null, idColumn: "nope" }), /^InputError: m\.csv: no column named "nope" \(the id column\)/);
});

/**
 * The output file `dynaspin predict` wrote before it ran on the fast engines, built here from the
 * specification's logits (`runForward`, the TypeScript loops) in the old command's 512-row
 * chunks: row number, id, the class of the first largest logit (or the regression values), each
 * class's softmax probability as `String(x)`.
 */
function specPredictions(modelFile: string, data: string, idColumn: string | null, probabilities: boolean): string {
  const model = modelFromJson(readModelFile(modelFile), modelFile);
  const raw = loadCsvDataset(data, { labelColumn: null, ...(idColumn !== null && { idColumn }) });
  const ds = alignFeatures(raw, model, data, modelFile);
  const m = model.classes, d = ds.d, regression = model.problem === "regression";
  const names = regression ? (model.targetNames ?? ["target"]) : (model.classNames ?? Array.from({ length: m }, (_, c) => String(c)));
  const header = ["row", ...(idColumn !== null ? [idColumn] : []), ...(regression && m > 1 ? names.map((t) => `predicted_${t}`) : ["predicted"]), ...(probabilities ? names.map((c) => `p_${c}`) : [])];
  const out = [header.join(",")];
  for (let start = 0; start < ds.n; start += 512) {
    const nb = Math.min(512, ds.n - start);
    const { logits } = runForward(model, ds.x.subarray(start * d, (start + nb) * d));
    for (let b = 0; b < nb; b++) {
      const z = Array.from(logits.subarray(b * m, (b + 1) * m));
      const cells = [String(start + b + 1), ...(idColumn !== null ? [raw.ids![start + b]] : [])];
      if (regression) {
        const sc = model.targetScale;
        cells.push(...z.map((v, o) => String((sc ? sc.mean[o] : 0) + (sc ? sc.std[o] : 1) * v)));
      } else {
        let arg = 0;
        for (let c = 1; c < m; c++) if (z[c] > z[arg]) arg = c;
        cells.push(names[arg]);
        if (probabilities) {
          const max = Math.max(...z);
          const e = z.map((v) => Math.exp(v - max));
          let sum = 0;
          for (const v of e) sum += v;
          cells.push(...e.map((v) => String(v / sum)));
        }
      }
      out.push(cells.join(","));
    }
  }
  return out.join("\n") + "\n";
}

test("predict on the fast engines writes, byte for byte, the file the specification's forward pass gives: extra oscillators, a table device, a feature map, regression, the paper's digits network", async () => {
  const train = join(dir, "fast-train.csv");
  writeFileSync(train, "a,b,label\n" + blobs(240, 11).map((r) => `${r.a},${r.b},${r.label}`).join("\n") + "\n");
  // 1300 new rows with ids (more than one 512-row chunk of the old command, one 4096-row window).
  const fresh = join(dir, "fast-new.csv");
  writeFileSync(fresh, "id,a,b\n" + blobs(1300, 12).map((r, i) => `q${i},${(r.a * 1.3).toFixed(5)},${r.b}`).join("\n") + "\n");
  const device = join(dir, "table-device.json");
  writeFileSync(device, JSON.stringify({ format: "dynaspin.device", version: 1, device: { model: "table", current: [-3, -2.5, -2, -1.5, -1.2, -1, -0.5, 0], power: [0.9, 0.8, 0.62, 0.4, 0.2, 0.05, 0.01, 0], extrapolation: "linear" } }));
  const reg = join(dir, "fast-reg.csv");
  writeFileSync(reg, "a,b,y\n" + blobs(200, 13).map((r) => `${r.a},${r.b},${(Math.sin(r.a) + r.b).toFixed(4)}`).join("\n") + "\n");
  const digits = loadSource({ task: "digits" });
  const digitsCsv = join(dir, "digits-new.csv");
  const rng = new Rng(14);
  writeFileSync(digitsCsv, "id," + digits.featureNames.join(",") + "\n" + Array.from({ length: 700 }, (_, r) => `d${r},` + Array.from(digits.x.subarray(r * 64, (r + 1) * 64), (v) => (v + 0.05 * rng.normal()).toFixed(4)).join(",")).join("\n") + "\n");
  const runs: [string, string[], string][] = [
    ["extra", ["--data", train, "--epochs", "40", "--restarts", "1"], fresh],
    ["table", ["--data", train, "--epochs", "40", "--restarts", "1", "--device", device, "--oscillators", "3"], fresh],
    ["features", ["--data", train, "--epochs", "40", "--restarts", "1", "--features", "quadratic"], fresh],
    ["regression", ["--data", reg, "--problem", "regression", "--epochs", "40", "--restarts", "1"], fresh],
    ["digits", ["--task", "digits", "--epochs", "2"], digitsCsv],
  ];
  const label = nativeFactory(1)?.label ?? "wasm64 (WebAssembly SIMD, 2 float64 lanes)";
  for (const [name, flags, data] of runs) {
    const out = join(dir, `fast-${name}`);
    const t = await cli(["train", ...flags, "--out", out, "--quiet", "--force"]);
    assert.equal(t.code, 0, t.err);
    const model = join(out, "model.json");
    for (const probabilities of name === "regression" ? [false] : [false, true]) {
      const pred = join(dir, `fast-${name}-${probabilities}.csv`);
      const p = await cli(["predict", "--model", model, "--data", data, "--id-column", "id", "--out", pred, "--json", ...(probabilities ? ["--probabilities"] : [])]);
      assert.equal(p.code, 0, p.err);
      assert.equal(JSON.parse(p.out).engine, label, `${name}: the fast engine ran`);
      assert.equal(readFileSync(pred, "utf8"), specPredictions(model, data, "id", probabilities), `${name} probabilities=${probabilities}`);
    }
  }
});
