import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng, deriveSeed } from "../../src/index.js";

test("the same seed gives the same stream and different seeds differ", () => {
  const a = new Rng(7), b = new Rng(7), c = new Rng(8);
  const xa = Array.from({ length: 10 }, () => a.uniform());
  const xb = Array.from({ length: 10 }, () => b.uniform());
  const xc = Array.from({ length: 10 }, () => c.uniform());
  assert.deepEqual(xa, xb);
  assert.notDeepEqual(xa, xc);
});

test("uniform draws have the mean and variance of U(0,1) and normals of N(0,1)", () => {
  const r = new Rng(123);
  const n = 200000;
  let s = 0, s2 = 0, m = 0, m2 = 0;
  for (let i = 0; i < n; i++) {
    const u = r.uniform();
    assert.ok(u >= 0 && u < 1);
    s += u; s2 += u * u;
    const z = r.normal();
    m += z; m2 += z * z;
  }
  assert.ok(Math.abs(s / n - 0.5) < 5 * Math.sqrt(1 / 12 / n));
  assert.ok(Math.abs(s2 / n - 1 / 3) < 0.003);
  assert.ok(Math.abs(m / n) < 5 / Math.sqrt(n));
  assert.ok(Math.abs(m2 / n - 1) < 0.02);
});

test("state round-trips so a resumed generator continues the same stream", () => {
  const r = new Rng(99);
  r.normal();
  const st = r.getState();
  const next = [r.uniform(), r.normal(), r.normal()];
  const q = Rng.fromState(st);
  assert.deepEqual([q.uniform(), q.normal(), q.normal()], next);
});

test("deriveSeed depends on every coordinate and is stable", () => {
  assert.equal(deriveSeed(1, 2, 3), deriveSeed(1, 2, 3));
  const set = new Set<number>();
  for (let i = 0; i < 50; i++) for (let j = 0; j < 50; j++) set.add(deriveSeed(5, i, j));
  assert.equal(set.size, 2500);
  assert.notEqual(deriveSeed(1, 2, 3), deriveSeed(1, 3, 2));
});

test("int(n) is unbiased enough and shuffle is a permutation", () => {
  const r = new Rng(3);
  const counts = new Array(6).fill(0);
  for (let i = 0; i < 60000; i++) counts[r.int(6)]++;
  for (const c of counts) assert.ok(Math.abs(c - 10000) < 500);
  const a = Array.from({ length: 100 }, (_, i) => i);
  r.shuffle(a);
  assert.deepEqual([...a].sort((x, y) => x - y), Array.from({ length: 100 }, (_, i) => i));
});

test("addNormals adds the very deviates of normal(), in order, and leaves the same generator state (odd lengths keep the spare)", () => {
  for (const lengths of [[7, 1, 12, 0, 3], [1, 1, 1], [1000, 999, 2]]) {
    const a = new Rng(11), b = new Rng(11);
    a.normal(); // a pending spare at the start
    b.normal();
    for (const n of lengths) {
      const base = Float64Array.from({ length: n + 4 }, (_, i) => i * 0.25);
      const x = base.slice(), y = base.slice();
      for (let i = 2; i < 2 + n; i++) x[i] += 0.06 * a.normal();
      b.addNormals(y, 2, 2 + n, 0.06);
      assert.deepEqual(y, x, `length ${n}`);
      assert.deepEqual(b.getState(), a.getState());
    }
  }
});
