import { test } from "node:test";
import assert from "node:assert/strict";
import { createModel, eq4, evaluate, makeMoons, parseModel, runForward, stratifiedSplit, stringifyModel, subset, train, Rng, type Model } from "../../src/index.js";
import { mergeNetworks } from "../../src/network/ensemble.js";
import { parseFeatureMap } from "../../src/data/features.js";

/** A random member: K oscillators of which d are inputs, its own normalisation and devices. */
function member(rng: Rng, K: number, d: number, steps: number, classes: number, norm: { min: number[]; max: number[] }, devices = eq4()): Model {
  const m = createModel(K, steps, classes, devices, { inputs: d, extraP0: 0.4 });
  for (let e = 0; e < m.A.length; e++) m.A[e] = 0.8 * rng.normal();
  for (let e = 0; e < m.B.length; e++) m.B[e] = 0.5 + 0.5 * rng.normal();
  for (let e = 0; e < m.W.length; e++) m.W[e] = 2 * rng.normal();
  for (let e = 0; e < m.c.length; e++) m.c[e] = rng.normal();
  m.normalization = { min: Float64Array.from(norm.min), max: Float64Array.from(norm.max) };
  m.classNames = Array.from({ length: classes }, (_, c) => `c${c}`);
  return m;
}

function meanLogits(members: Model[], x: Float64Array): Float64Array {
  const sum = new Float64Array(runForward(members[0], x).logits.length);
  for (const m of members) runForward(m, x).logits.forEach((v, i) => (sum[i] += v / members.length));
  return sum;
}

function argmaxRows(z: Float64Array, classes: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < z.length / classes; r++) {
    let b = 0;
    for (let c = 1; c < classes; c++) if (z[r * classes + c] > z[r * classes + b]) b = c;
    out.push(b);
  }
  return out;
}

test("mergeNetworks: one network of Σ K_m oscillators whose logits are the mean of the members' (same normalisation: the same sums)", () => {
  const rng = new Rng(11);
  const d = 3, classes = 4, steps = 4;
  const norm = { min: [-1, 0, 2], max: [1, 5, 3] };
  const members = [member(rng, 6, d, steps, classes, norm), member(rng, 6, d, steps, classes, norm), member(rng, 5, d, steps, classes, norm)];
  const merged = mergeNetworks(members);
  assert.equal(merged.k, 17);
  assert.equal(merged.inputs, d);
  const n = 200;
  const x = Float64Array.from({ length: n * d }, (_, i) => norm.min[i % d] + (norm.max[i % d] - norm.min[i % d]) * (1.4 * rng.uniform() - 0.2));
  const want = meanLogits(members, x);
  const got = runForward(merged, x).logits;
  for (let i = 0; i < want.length; i++) assert.ok(Math.abs(got[i] - want[i]) <= 1e-12 * (1 + Math.abs(want[i])), `logit ${i}: ${got[i]} vs ${want[i]}`);
  assert.deepEqual(argmaxRows(got, classes), argmaxRows(want, classes));
  // Stored and read back as an ordinary model file: the same logits, bit for bit.
  const back = parseModel(stringifyModel(merged));
  assert.deepEqual([...runForward(back, x).logits], [...got]);
});

test("mergeNetworks folds members' different normalisations (CV members fitted on different rows) into A(0) and B(0)", () => {
  const rng = new Rng(12);
  const d = 2, classes = 3, steps = 3;
  const members = [
    member(rng, 8, d, steps, classes, { min: [0, -2], max: [4, 2] }),
    member(rng, 8, d, steps, classes, { min: [0.5, -3], max: [3, 2] }),
    member(rng, 8, d, steps, classes, { min: [1, -1], max: [1, 1] }), // a constant first column: p(0) = 0
  ];
  const merged = mergeNetworks(members);
  assert.deepEqual([...(merged.normalization?.min ?? [])], [0, -3]);
  assert.deepEqual([...(merged.normalization?.max ?? [])], [4, 2]);
  const n = 300;
  const x = Float64Array.from({ length: n * d }, () => 6 * rng.uniform() - 3);
  const want = meanLogits(members, x);
  const got = runForward(merged, x).logits;
  for (let i = 0; i < want.length; i++) assert.ok(Math.abs(got[i] - want[i]) <= 1e-9 * (1 + Math.abs(want[i])), `logit ${i}: ${got[i]} vs ${want[i]}`);
  assert.deepEqual(argmaxRows(got, classes), argmaxRows(want, classes));
});

test("mergeNetworks keeps a feature map and refuses members that read other columns or classes", () => {
  const rng = new Rng(13);
  const norm = { min: [0, 0, 0], max: [1, 1, 1] };
  const a = member(rng, 5, 3, 2, 2, norm), b = member(rng, 5, 3, 2, 2, norm);
  a.featureMap = parseFeatureMap(["x1", "x2", "x1*x2"], 2);
  b.featureMap = parseFeatureMap(["x1", "x2", "x1*x2"], 2);
  const merged = mergeNetworks([a, b]);
  const x = Float64Array.from({ length: 40 }, () => rng.uniform());
  const want = meanLogits([a, b], x);
  runForward(merged, x).logits.forEach((v, i) => assert.ok(Math.abs(v - want[i]) <= 1e-12 * (1 + Math.abs(want[i]))));
  const c = member(rng, 5, 3, 2, 2, norm);
  assert.throws(() => mergeNetworks([a, c]), /member 2: its feature map differs/);
  const e = member(rng, 5, 3, 3, 2, norm);
  e.featureMap = a.featureMap;
  assert.throws(() => mergeNetworks([a, e]), /member 2: its number of steps \(3 vs 2\)/);
  assert.throws(() => mergeNetworks([]), /at least one network/);
});

test("cross-validation members (each early-stopped on its own fold through validationSet) merge into one model file with the averaged members' predictions", () => {
  const split = stratifiedSplit(makeMoons({ count: 180, seed: 4 }), 4, 0.2);
  const folds = [0, 1, 2].map((f) => Array.from({ length: split.train.n }, (_, r) => r).filter((r) => r % 3 === f));
  const members = folds.map((valRows, f) => {
    const trainRows = Array.from({ length: split.train.n }, (_, r) => r).filter((r) => r % 3 !== f);
    return train(subset(split.train, trainRows), { devices: eq4(), seed: f, updates: 150, restarts: 1, steps: 3, weightDecay: 0, validationSet: subset(split.train, valRows) }).model;
  });
  // Fitted on different rows: different normalisations, folded into the merged A(0) and B(0).
  assert.notDeepEqual([...members[0].normalization!.min], [...members[1].normalization!.min]);
  const merged = parseModel(stringifyModel(mergeNetworks(members)));
  assert.equal(merged.k, members.reduce((s, m) => s + m.k, 0));
  const want = meanLogits(members, split.test.x);
  const got = runForward(merged, split.test.x).logits;
  for (let i = 0; i < want.length; i++) assert.ok(Math.abs(got[i] - want[i]) <= 1e-9 * (1 + Math.abs(want[i])), `logit ${i}: ${got[i]} vs ${want[i]}`);
  assert.deepEqual([...evaluate(merged, split.test).predictions], argmaxRows(want, 2));
});
