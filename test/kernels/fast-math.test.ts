import { test } from "node:test";
import assert from "node:assert/strict";
import { fastTanh, fastTanhArray, fastEq4, fastEq4Array } from "../../src/kernels/fast-math.js";
import { wasmMathKernels } from "../../src/kernels/eq4.js";
import { Rng } from "../../src/util/rng.js";
import { eq4 } from "../../src/device/analytic.js";

/** Distance from `x` to `ref` in units of the spacing of doubles at `ref` (ulp(ref)). */
function ulps(x: number, ref: number): number {
  if (x === ref) return 0;
  const a = Math.abs(ref);
  // ulp(a) = 2^(e − 52) for a normal a in [2^e, 2^(e+1)); subnormals have ulp 2^−1074.
  const e = a >= 2.2250738585072014e-308 ? Math.floor(Math.log2(a)) : -1022;
  let u = 2 ** (e - 52);
  if (a < 2 ** e) u /= 2; // log2 rounded up across a power of two
  return Math.abs(x - ref) / u;
}

/** 1e6 seeded points: half log-uniform in magnitude over [1e-9, 32], half uniform in [−25, 25]. */
function points(n: number): Float64Array {
  const rng = new Rng(12345);
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const s = rng.uniform() < 0.5 ? -1 : 1;
    x[i] = i % 2 === 0 ? s * 2 ** (-30 + 35 * rng.uniform()) : 50 * rng.uniform() - 25;
  }
  return x;
}

test("fast tanh is within 2 ulp of Math.tanh on a million points from tiny to saturated", () => {
  const x = points(1_000_000);
  let worst = 0, at = 0;
  for (let i = 0; i < x.length; i++) {
    const d = ulps(fastTanh(x[i]), Math.tanh(x[i]));
    if (d > worst) {
      worst = d;
      at = x[i];
    }
  }
  assert.ok(worst <= 2, `worst ${worst} ulp at x = ${at}`);
});

test("fast tanh is within 1.5 ulp of tanh computed in 256-bit arithmetic", () => {
  // [x, tanh(x) rounded to the nearest double], made by:
  //   import mpmath; mpmath.mp.prec = 256; float(mpmath.tanh(mpmath.mpf(x)))
  // (x: fixed values across the range-reduction boundaries, then random.seed(7) uniform(−3, 3) to 6 digits).
  const ref: [number, number][] = [
    [1e-300, 1e-300], [9.313225746154785e-10, 9.313225746154785e-10], [1e-8, 1e-8], [0.001, 0.0009999996666668],
    [0.1, 0.09966799462495582], [0.17, 0.16838104587081473], [0.1733, 0.17158569137000115], [0.2, 0.197375320224904],
    [0.25, 0.24491866240370913], [0.3, 0.2913126124515909], [0.47, 0.43819931483276775], [0.5, 0.46211715726000974],
    [0.55, 0.5005202111902353], [0.6931, 0.5999698035868473], [0.9, 0.7162978701990245], [1.0, 0.7615941559557649],
    [1.5, 0.9051482536448664], [2.0, 0.9640275800758169], [3.0, 0.9950547536867305], [5.0, 0.9999092042625951],
    [8.0, 0.9999997749296758], [12.0, 0.9999999999244973], [18.0, 0.9999999999999996], [19.0, 0.9999999999999999],
    [19.06, 0.9999999999999999], [22.0, 1.0], [-1.057003, -0.7845141065173253], [-2.094905, -0.9701538187812753],
    [0.905607, 0.7190170662885348], [-2.565382, -0.9882454097351713], [0.215292, 0.21202622722681827],
    [-0.805866, -0.6673034260062587], [-2.652006, -0.9901059737153823], [0.044614, 0.044584423511850886],
    [-2.775026, -0.9922555942787334], [-0.398126, -0.37834435452872084], [-2.580867, -0.9886018270919882],
    [-2.455722, -0.9853839012469843], [-0.452885, -0.4242675892355113], [1.961113, 0.961174669030883],
  ];
  for (const [x, t] of ref) assert.ok(ulps(fastTanh(x), t) <= 1.5, `tanh(${x}) = ${fastTanh(x)}, exact ${t}`);
});

test("fast tanh keeps the sign of zero, returns tiny x unchanged, saturates to ±1 and propagates NaN", () => {
  assert.ok(Object.is(fastTanh(0), 0));
  assert.ok(Object.is(fastTanh(-0), -0));
  for (const x of [5e-324, -5e-324, 1e-300, -1e-20]) assert.equal(fastTanh(x), x);
  for (const x of [19.1, 40, 1e6, 1e308, Infinity]) {
    assert.equal(fastTanh(x), 1);
    assert.equal(fastTanh(-x), -1);
  }
  assert.ok(Number.isNaN(fastTanh(NaN)));
  assert.ok(Number.isNaN(fastEq4(NaN, 4, 5, 1, 2, 1)));
  assert.ok(Number.isNaN(fastEq4(1, NaN, 5, 1, 2, 1)));
});

test("fast eq. 4 agrees with the logistic form of the paper's curve to 1e-15 relative", () => {
  // Reference: P0·(I − Ic)/((1 + e^(−2z))·(I + Q·Ic)) with Math.exp (no cancellation, unlike 1 + tanh z ≪ 0).
  const rng = new Rng(3);
  const devs = [[4, 5, 1, 2, 1], [3.2, 4.1, 0.8, 1.5, 2.5], [4, 5, -1, 2, 1]];
  let worst = 0;
  for (const [a, b, Ic, Q, P0] of devs) {
    for (let i = 0; i < 20000; i++) {
      const I = Math.sign(Ic) * 4 * rng.uniform();
      const z = a * I - b;
      const ref = (P0 * (I - Ic)) / ((1 + Math.exp(-2 * z)) * (I + Q * Ic));
      const v = fastEq4(I, a, b, Ic, Q * Ic, P0);
      worst = Math.max(worst, Math.abs(v - ref) / Math.abs(ref));
    }
  }
  assert.ok(worst <= 1e-15, `worst relative error ${worst}`);
  assert.ok(Math.abs(fastEq4(2, 4, 5, 1, 2, 1) / eq4().power(2) - 1) < 1e-15);
});

test("the WebAssembly SIMD kernels give the same bits as the TypeScript ones", () => {
  const w = wasmMathKernels();
  // Node >= 20 (the supported runtime) always has WebAssembly SIMD; its absence is a failure here.
  assert.ok(w !== null, "WebAssembly SIMD kernels must load in Node >= 20");
  const edges = [0, -0, 5e-324, -5e-324, 1e-300, 0.17328679513998632, 19.1, -19.1, 350, 351, -400, 1e308, Infinity, -Infinity, NaN];
  const x = new Float64Array([...edges, ...points(200_001)]);
  const ts = fastTanhArray(x.length, new Float64Array(x.length), x);
  const wx = w.tanh(x);
  for (let i = 0; i < x.length; i++) assert.ok(Object.is(wx[i], ts[i]), `tanh(${x[i]}): wasm ${wx[i]}, ts ${ts[i]}`);
  const I = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) I[i] = x[i] / 5;
  for (const [a, b, Ic, QIc, P0] of [[4, 5, 1, 2, 1], [1e3, -7, 0.3, 0.9, 2], [4, 5, -1, -2, 1]]) {
    const te = fastEq4Array(I.length, new Float64Array(I.length), I, a, b, Ic, QIc, P0);
    const we = w.eq4(I, a, b, Ic, QIc, P0);
    for (let i = 0; i < I.length; i++) assert.ok(Object.is(we[i], te[i]), `eq4(${I[i]}): wasm ${we[i]}, ts ${te[i]}`);
  }
});
