import { test } from "node:test";
import assert from "node:assert/strict";
import { applyNormalization, eq4, makeMoons, runForward, stratifiedSplit, train } from "../../src/index.js";
import { fitStandardScaling } from "../../src/data/split.js";
import { mergeNetworks } from "../../src/network/ensemble.js";
import { InputError } from "../../src/util/errors.js";
import type { Dataset } from "../../src/data/dataset.js";

const table = (rows: number[][]): Dataset => ({ x: Float64Array.from(rows.flat()), y: new Int32Array(rows.length), n: rows.length, d: rows[0].length, featureNames: rows[0].map((_, j) => `f${j}`), classNames: ["a"] });

test("fitStandardScaling: p = 0.5 + z/(2·zmax), one common scale for every feature (hand-computed)", () => {
  // Column 0: 0, 2, 4, 10 (mean 4, population sd √14, largest |z| 6/√14); column 1: 1, 1, 3, 3
  // (mean 2, sd 1, |z| 1); column 2 constant.
  const ds = table([[0, 1, 7], [2, 1, 7], [4, 3, 7], [10, 3, 7]]);
  const s = fitStandardScaling(ds);
  const zmax = 6 / Math.sqrt(14);
  const close = (a: number, b: number): void => assert.ok(Math.abs(a - b) < 1e-12, `${a} vs ${b}`);
  close(s.min[0], 4 - zmax * Math.sqrt(14));
  close(s.max[0], 4 + zmax * Math.sqrt(14));
  close(s.min[1], 2 - zmax);
  close(s.max[1], 2 + zmax);
  assert.equal(s.min[2], 7);
  assert.equal(s.max[2], 7);
  const p = applyNormalization(ds.x, 3, s);
  // The feature with the largest |z| spans [0, 1] (its max at 1); the other keeps its spread in sd: z = ±1 → 0.5 ± 1/(2·zmax).
  close(p[9], 1);
  close(p[1], 0.5 - 1 / (2 * zmax));
  close(p[10], 0.5 + 1 / (2 * zmax));
  assert.equal(p[2], 0); // constant: 0, as min–max gives it
});

test("train inputScaling 'standard' stores the fitted scaling as the model's min–max normalisation; members of either scaling merge to the mean of their logits", () => {
  const ds = makeMoons({ count: 160, noise: 0.2, seed: 3 });
  const { train: tr, test: te } = stratifiedSplit(ds, 3, 0.25);
  const options = { devices: eq4(), epochs: 30, seed: 5 };
  const std = train(tr, { ...options, inputScaling: "standard" }).model;
  const mm = train(tr, options).model;
  const want = fitStandardScaling(tr);
  assert.deepEqual([...(std.normalization?.min ?? [])], [...want.min]);
  assert.deepEqual([...(std.normalization?.max ?? [])], [...want.max]);
  assert.notDeepEqual([...(mm.normalization?.min ?? [])], [...want.min]);
  const merged = mergeNetworks([mm, std]);
  const a = runForward(mm, te.x).logits, b = runForward(std, te.x).logits, got = runForward(merged, te.x).logits;
  for (let i = 0; i < got.length; i++) assert.ok(Math.abs(got[i] - (a[i] + b[i]) / 2) <= 1e-12 * (1 + Math.abs(got[i])), `logit ${i}`);
  assert.throws(() => train(tr, { ...options, inputScaling: "zscore" as "standard" }), (e: unknown) => e instanceof InputError && /input scaling "zscore"/.test(e.message));
});
