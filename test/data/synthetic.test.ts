import { test } from "node:test";
import assert from "node:assert/strict";
import { makeCircles, makeXor, makeGaussians, makeMoons, makeSynthetic, SYNTHETIC_SETS, InputError } from "../../src/index.js";

test("each synthetic set is reproducible from its seed and changes with it", () => {
  for (const name of SYNTHETIC_SETS) {
    const a = makeSynthetic(name, { count: 50, seed: 3 });
    const b = makeSynthetic(name, { count: 50, seed: 3 });
    const c = makeSynthetic(name, { count: 50, seed: 4 });
    assert.deepEqual(a.x, b.x, name);
    assert.notDeepEqual(a.x, c.x, name);
    assert.equal(a.n, 50);
    assert.equal(a.d, 2);
    assert.deepEqual(Array.from(a.y.subarray(0, 4)), [0, 1, 0, 1]);
    assert.deepEqual(a.classNames, ["0", "1"]);
    for (const v of a.x) assert.ok(Number.isFinite(v));
  }
});

test("circles without noise put class 0 inside radius 0.5 and class 1 on the ring 0.7..1", () => {
  const ds = makeCircles({ count: 400, noise: 0, seed: 1 });
  for (let r = 0; r < ds.n; r++) {
    const rad = Math.hypot(ds.x[2 * r], ds.x[2 * r + 1]);
    if (ds.y[r] === 0) assert.ok(rad <= 0.5 + 1e-12, `row ${r}: r = ${rad}`);
    else assert.ok(rad >= 0.7 - 1e-12 && rad <= 1 + 1e-12, `row ${r}: r = ${rad}`);
  }
});

test("xor without noise labels opposite-sign quadrants 1 and keeps a gap around the axes", () => {
  const ds = makeXor({ count: 400, noise: 0, seed: 2 });
  for (let r = 0; r < ds.n; r++) {
    const x = ds.x[2 * r], y = ds.x[2 * r + 1];
    assert.ok(Math.abs(x) >= 0.1 && Math.abs(y) >= 0.1 && Math.abs(x) <= 1 && Math.abs(y) <= 1);
    assert.equal(ds.y[r], x * y < 0 ? 1 : 0, `row ${r}`);
  }
});

test("gaussians are centred on (-0.5, -0.5) and (0.5, 0.5) with the requested spread", () => {
  const ds = makeGaussians({ count: 4000, noise: 0, spread: 0.2, seed: 5 });
  const sum = [0, 0, 0, 0], sq = [0, 0];
  for (let r = 0; r < ds.n; r++) {
    const c = ds.y[r];
    sum[2 * c] += ds.x[2 * r];
    sum[2 * c + 1] += ds.x[2 * r + 1];
    sq[c] += (ds.x[2 * r] - (c === 0 ? -0.5 : 0.5)) ** 2;
  }
  const half = ds.n / 2;
  assert.ok(Math.abs(sum[0] / half + 0.5) < 0.02 && Math.abs(sum[1] / half + 0.5) < 0.02);
  assert.ok(Math.abs(sum[2] / half - 0.5) < 0.02 && Math.abs(sum[3] / half - 0.5) < 0.02);
  // Sample standard deviation of x within a class: 0.2 within 4 standard errors (0.2/√(2·2000) ≈ 0.003).
  for (const c of [0, 1]) assert.ok(Math.abs(Math.sqrt(sq[c] / half) - 0.2) < 0.012);
});

test("moons without noise lie on their half circles: class 0 on the unit upper arc, class 1 on the shifted lower arc", () => {
  const ds = makeMoons({ count: 400, noise: 0, seed: 6 });
  for (let r = 0; r < ds.n; r++) {
    const x = ds.x[2 * r], y = ds.x[2 * r + 1];
    if (ds.y[r] === 0) {
      assert.ok(Math.abs(Math.hypot(x, y) - 1) < 1e-12 && y >= 0, `row ${r}: (${x}, ${y})`);
    } else {
      assert.ok(Math.abs(Math.hypot(1 - x, 0.5 - y) - 1) < 1e-12 && y <= 0.5, `row ${r}: (${x}, ${y})`);
    }
  }
  // Angles are spread over the whole arc (not a grid of a few points).
  const ts = new Set(Array.from({ length: ds.n / 2 }, (_, q) => Math.round(Math.atan2(ds.x[4 * q + 1], ds.x[4 * q]) * 10)));
  assert.ok(ts.size >= 30, `only ${ts.size} distinct angle bins`);
});

test("moons noise is Gaussian per coordinate with the requested standard deviation", () => {
  const noisy = makeMoons({ count: 4000, noise: 0.2, seed: 7 });
  let sq = 0;
  for (let r = 0; r < noisy.n; r++) {
    const x = noisy.x[2 * r], y = noisy.x[2 * r + 1];
    const d = noisy.y[r] === 0 ? Math.hypot(x, y) - 1 : Math.hypot(1 - x, 0.5 - y) - 1;
    sq += d * d;
  }
  // Radial residual of isotropic noise σ around a unit circle: ≈ σ (slightly less near the ends).
  const rms = Math.sqrt(sq / noisy.n);
  assert.ok(rms > 0.17 && rms < 0.22, `rms ${rms}`);
});

test("bad options are refused with the option's name", () => {
  assert.throws(() => makeCircles({ count: 1 }), (e: Error) => e instanceof InputError && /circles count/.test(e.message));
  assert.throws(() => makeXor({ noise: -1 }), (e: Error) => e instanceof InputError && /xor noise/.test(e.message));
  assert.throws(() => makeGaussians({ spread: Number.NaN }), (e: Error) => e instanceof InputError && /gaussians spread/.test(e.message));
  assert.throws(() => makeMoons({ noise: Number.POSITIVE_INFINITY }), (e: Error) => e instanceof InputError && /moons noise/.test(e.message));
});
