import { test } from "node:test";
import assert from "node:assert/strict";
import { parseFeatureMap, applyFeatureMap, applyFeatureMapArray, FEATURE_PRESETS } from "../../src/data/features.js";
import { makeCircles, makeXor } from "../../src/data/synthetic.js";
import { stratifiedSplit } from "../../src/data/split.js";
import { train } from "../../src/train/train.js";
import { eq4 } from "../../src/device/analytic.js";
import { evaluate, runForward, lossAndGradients } from "../../src/network/api.js";
import { cloneModel, columnCount } from "../../src/network/model.js";
import { parseModel, stringifyModel, modelToJson } from "../../src/network/io.js";
import { MODEL_VERSION } from "../../src/io/model-schema.js";
import { InputError } from "../../src/util/errors.js";

test("feature lists parse to canonical expressions; the playground preset of two columns is TensorFlow Playground's seven inputs", () => {
  assert.deepEqual(parseFeatureMap("playground", 2).expressions, ["x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)"]);
  assert.deepEqual(parseFeatureMap(["X1²", " x1 · x2 ", "SIN( 3*x2 )", "cos(x1^3)", "x2^1", "0.5*x1*x2^2"], 2).expressions, ["x1^2", "x1*x2", "sin(3*x2)", "cos(x1^3)", "x2", "0.5*x1*x2^2"]);
  assert.deepEqual(parseFeatureMap("linear", 3).expressions, ["x1", "x2", "x3"]);
  // quadratic on d columns: d linear + d squares + d(d−1)/2 products.
  assert.equal(parseFeatureMap("quadratic", 4).expressions.length, 4 + 4 + 6);
  assert.deepEqual(parseFeatureMap("quadratic,sin(x1)", 2).expressions, ["x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)"]);
  assert.deepEqual([...FEATURE_PRESETS], ["linear", "quadratic", "playground"]);
});

test("bad feature entries are refused naming the entry, the problem and what is allowed", () => {
  const refused = (list: string, d: number, pattern: RegExp): void => {
    assert.throws(() => parseFeatureMap(list, d, "--features"), (e: unknown) => e instanceof InputError && pattern.test(e.message), list);
  };
  refused("x1,x3", 2, /^--features: entry 2 "x3": column x3 does not exist \(the data have 2 feature columns, x1\.\.x2\)$/);
  refused("x0", 2, /^--features: entry 1 "x0": columns are numbered from 1/);
  refused("x1,X1", 2, /^--features: entry 2 "X1": x1 is already entry 1; give each feature once$/);
  refused("quadratic,x1^2", 2, /entry 2 "x1\^2": x1\^2 is already entry 1/);
  refused("x1^10", 2, /entry 1 "x1\^10": power 10 is outside 1\.\.9; allowed: xI/);
  refused("tan(x1)", 2, /unknown function "tan" \(sin and cos are offered\)/);
  refused("x1**2", 2, /"\*\*" is not a power here; write x1\^2/);
  refused("x1x2", 2, /write products with "\*", e\.g\. x1\*x2/);
  refused("sin(x1", 2, /missing "\)" after sin\(/);
  refused("petal", 2, /unknown name "petal"/);
  refused("3", 2, /entry 1 "3": a constant reads no column/);
  refused("x1,,x2", 2, /entry 2 "": empty entry/);
  refused("", 2, /^--features: the list is empty/);
});

test("features are computed as their formulas say, row by row", () => {
  const x = Float64Array.from([0.5, -2, 3, 0.25]);
  const map = parseFeatureMap("x1,x2,x1^2,x2^3,x1*x2,sin(x1),cos(3*x2),x1^2*x2", 2);
  const f = applyFeatureMapArray(map, x, 2);
  const expect = (a: number, b: number): number[] => [a, b, a * a, b * b * b, a * b, Math.sin(a), Math.cos(3 * b), a * a * b];
  const want = [...expect(0.5, -2), ...expect(3, 0.25)];
  assert.equal(f.length, want.length);
  // sin/cos are fdlibm's (the same bits on every engine): within 1 ulp of the host's Math.sin.
  f.forEach((v, i) => assert.ok(Math.abs(v - want[i]) <= 2.3e-16 * Math.max(1, Math.abs(want[i])), `feature ${i}: ${v} vs ${want[i]}`));
  const ds = applyFeatureMap(map, { x, y: Int32Array.from([0, 1]), n: 2, d: 2, featureNames: ["a", "b"], classNames: ["0", "1"] });
  assert.equal(ds.d, 8);
  assert.deepEqual(ds.featureNames, map.expressions);
  assert.throws(() => applyFeatureMap(parseFeatureMap("x1", 3), ds), /data have 8 feature columns, but the feature map reads 3/);
});

test("a model trained with features reads raw rows: the same bits as the equivalent model on precomputed features", () => {
  const split = stratifiedSplit(makeCircles({ count: 240, seed: 2 }), 0, 0.25);
  const r = train(split.train, { devices: eq4(), epochs: 30, steps: 3, oscillators: 7, features: ["x1", "x2", "x1^2", "x2^2", "x1*x2"], seed: 1 });
  const m = r.model;
  assert.deepEqual(m.featureMap, { columns: 2, expressions: ["x1", "x2", "x1^2", "x2^2", "x1*x2"] });
  assert.equal(m.inputs, 5);
  assert.equal(columnCount(m), 2);
  assert.equal(m.normalization?.min.length, 5);
  // The same network with the map taken out, fed the features computed beforehand.
  const plain = cloneModel(m);
  delete plain.featureMap;
  const fTest = applyFeatureMap(m.featureMap!, split.test);
  const a = evaluate(m, split.test), b = evaluate(plain, fTest);
  assert.equal(a.loss, b.loss);
  assert.deepEqual(a.predictions, b.predictions);
  const rows = Array.from({ length: 5 }, (_, i) => [split.test.x[2 * i], split.test.x[2 * i + 1]]);
  assert.deepEqual(runForward(m, rows).logits, runForward(plain, fTest.x.subarray(0, 25)).logits);
  assert.deepEqual(lossAndGradients(m, rows, [0, 1, 0, 1, 0]), lossAndGradients(plain, Array.from({ length: 5 }, (_, i) => Array.from(fTest.x.subarray(5 * i, 5 * i + 5))), [0, 1, 0, 1, 0]));
  assert.throws(() => evaluate(m, fTest), /data has 5 features but the model reads 2 columns \(its feature map: x1, x2, x1\^2, x2\^2, x1\*x2\)/);
  // The training history's final test metrics were computed through the map too.
  assert.ok(r.history.at(-1)!.trainAccuracy >= 0);
});

test("the model file (version 3) keeps the feature map and the raw column names; version-2 files load unchanged; bad maps are refused", () => {
  const split = stratifiedSplit(makeXor({ count: 120, seed: 5 }), 0, 0.25);
  const r = train(split.train, { devices: eq4(), epochs: 5, steps: 2, features: ["x1*x2", "sin(x1)"], seed: 0 });
  const json = modelToJson(r.model);
  assert.equal(MODEL_VERSION, 3);
  assert.equal(json.version, 3);
  assert.deepEqual(json.featureMap, { columns: 2, expressions: ["x1*x2", "sin(x1)"] });
  assert.deepEqual(json.features, split.train.featureNames);
  assert.equal(json.inputs, 2);
  assert.equal(json.k, 8);
  const text = stringifyModel(r.model);
  const back = parseModel(text, "m.json");
  assert.deepEqual(back.featureMap, r.model.featureMap);
  assert.deepEqual(evaluate(back, split.test), evaluate(r.model, split.test));
  const bad = (edit: Record<string, unknown>, pattern: RegExp): void => assert.throws(() => parseModel(JSON.stringify({ ...JSON.parse(text), ...edit }), "m.json"), pattern);
  bad({ version: 2 }, /m\.json: featureMap needs model version 3 or later \(got version 2\)$/);
  bad({ featureMap: { columns: 2, expressions: ["x1"] } }, /m\.json: featureMap\.expressions has 1 entry, expected inputs = 2/);
  bad({ featureMap: { columns: 2, expressions: ["x1", "x3"] } }, /m\.json: featureMap\.expressions: entry 2 "x3": column x3 does not exist/);
  bad({ featureMap: { columns: 3, expressions: ["x1*x2", "sin(x1)"] } }, /m\.json: features has 2 entries, expected featureMap\.columns = 3/);
  bad({ featureMap: { columns: 2, expressions: ["x1*x2", "sin(x1)"], scale: 1 } }, /featureMap/);
  // A version-2 file without a map: oscillator j reads column j, as before.
  const v2 = JSON.parse(text);
  delete v2.featureMap;
  v2.version = 2;
  const old = parseModel(JSON.stringify(v2), "old.json");
  assert.equal(old.featureMap, undefined);
  assert.equal(columnCount(old), 2);
  assert.equal(evaluate(old, split.test).n, split.test.n);
});

test("training records the feature list and checks it against the data before training", () => {
  const ds = makeXor({ count: 60, seed: 1 });
  assert.throws(() => train(ds, { devices: eq4(), epochs: 1, features: ["x1", "x4"] }), /^InputError: features: entry 2 "x4": column x4 does not exist/);
  const r = train(ds, { devices: eq4(), epochs: 2, features: ["quadratic"], oscillators: 5 });
  assert.equal(r.model.k, 5);
  assert.deepEqual(r.model.featureMap?.expressions, ["x1", "x2", "x1^2", "x2^2", "x1*x2"]);
  assert.throws(() => train(ds, { devices: eq4(), epochs: 1, features: ["quadratic"], oscillators: 4 }), /oscillators must be at least the number of features \(5\); got 4/);
});
