import { test } from "node:test";
import assert from "node:assert/strict";
import { tableCurve, curveFromSpec, eq4, InputError } from "../../src/index.js";

function central(f: (x: number) => number, x: number, h = 1e-6): number {
  return (f(x + h) - f(x - h)) / (2 * h);
}

const I = [-12, -10, -8, -7, -6, -5, -4];
const P = [0.52, 0.41, 0.27, 0.15, 0.03, 0.01, 0.005];

test("a table curve passes through every point it was given", () => {
  const c = tableCurve(I, P);
  for (let k = 0; k < I.length; k++) assert.ok(Math.abs(c.power(I[k]) - P[k]) < 1e-14, `I=${I[k]}`);
});

test("the interpolant is monotone between monotone data and does not overshoot", () => {
  // Data with a sharp knee, where an ordinary cubic spline overshoots.
  const x = [0, 1, 2, 3, 3.1, 4, 5];
  const y = [0, 0, 0, 0, 1, 1, 1];
  const c = tableCurve(x, y);
  let prev = -Infinity;
  for (let k = 0; k <= 5000; k++) {
    const v = c.power((5 * k) / 5000);
    assert.ok(v >= prev - 1e-15, `not monotone at ${(5 * k) / 5000}`);
    assert.ok(v >= -1e-15 && v <= 1 + 1e-15, `overshoot ${v}`);
    prev = v;
  }
});

test("the table derivative matches central finite differences inside the range", () => {
  const c = tableCurve(I, P);
  for (let k = 0; k <= 70; k++) {
    const x = -11.95 + k * 0.1;
    if (I.some((n) => Math.abs(n - x) < 1e-3)) continue;
    const fd = central((v) => c.power(v), x);
    assert.ok(Math.abs(c.derivative(x) - fd) < 1e-7, `I=${x}: ${c.derivative(x)} vs ${fd}`);
  }
});

test("a dense table of eq4 reproduces eq4 and its derivative closely", () => {
  const dev = eq4();
  const x = Array.from({ length: 201 }, (_, k) => (4 * k) / 200);
  const c = tableCurve(x, x.map((v) => dev.power(v)));
  for (let k = 0; k < 400; k++) {
    const v = 0.005 + k * 0.01;
    assert.ok(Math.abs(c.power(v) - dev.power(v)) < 2e-5, `p at ${v}`);
    assert.ok(Math.abs(c.derivative(v) - dev.derivative(v)) < 5e-3, `dp at ${v}`);
  }
});

test("clamp extrapolation holds the end power with zero derivative", () => {
  const c = tableCurve(I, P, { extrapolation: "clamp" });
  assert.equal(c.power(-20), 0.52);
  assert.equal(c.derivative(-20), 0);
  assert.equal(c.power(3), 0.005);
  assert.equal(c.derivative(3), 0);
});

test("linear extrapolation continues with the end slope", () => {
  const c = tableCurve(I, P, { extrapolation: "linear" });
  const m0 = c.derivative(-12);
  assert.ok(m0 < 0);
  assert.ok(Math.abs(c.power(-14) - (0.52 + m0 * -2)) < 1e-14);
  assert.equal(c.derivative(-14), m0);
  const m1 = c.derivative(-4);
  assert.ok(Math.abs(c.power(-3) - (0.005 + m1)) < 1e-14);
});

test("polarity is inferred from the side of zero where the power rises, and the scale from the onset", () => {
  const neg = tableCurve(I, P);
  assert.equal(neg.polarity, -1);
  // 10% of the range above the minimum: 0.005 + 0.0515 = 0.0565, reached between -6 and -7.
  assert.ok(neg.currentScale > 6 && neg.currentScale < 7, String(neg.currentScale));
  const pos = tableCurve([0, 1, 2, 3], [0, 0.2, 0.6, 0.8]);
  assert.equal(pos.polarity, 1);
  assert.ok(Math.abs(pos.currentScale - 0.4) < 1e-12);
  assert.equal(tableCurve(I, P, { polarity: 1 }).polarity, 1);
});

test("unsorted points are sorted before interpolating", () => {
  const c = tableCurve([...I].reverse(), [...P].reverse());
  assert.ok(Math.abs(c.power(-9) - tableCurve(I, P).power(-9)) < 1e-15);
});

test("vectorised evaluate agrees with the scalar methods and NaN propagates", () => {
  const c = tableCurve(I, P, { extrapolation: "linear" });
  const x = Float64Array.from({ length: 40 }, (_, k) => -14 + 0.3 * k);
  x[5] = NaN;
  const p = new Float64Array(40), dp = new Float64Array(40);
  c.evaluate(x, p, dp, 0, 40);
  for (let k = 0; k < 40; k++) {
    if (k === 5) {
      assert.ok(Number.isNaN(p[k]) && Number.isNaN(dp[k]));
      continue;
    }
    assert.equal(p[k], c.power(x[k]));
    assert.equal(dp[k], c.derivative(x[k]));
  }
});

test("a table round-trips through its JSON spec", () => {
  const c = tableCurve(I, P, { extrapolation: "linear", currentUnit: "mA", powerUnit: "nW" });
  const back = curveFromSpec(JSON.parse(JSON.stringify(c.toSpec())));
  assert.equal(back.model, "table");
  assert.equal(back.currentUnit, "mA");
  assert.equal(back.powerUnit, "nW");
  for (const x of [-13, -9.5, -4.5, -2]) assert.equal(back.power(x), c.power(x));
});

test("bad tables are refused with one-line messages naming the field", () => {
  const bad: Array<[() => unknown, RegExp]> = [
    [() => tableCurve([1], [2]), /at least 2 points/],
    [() => tableCurve([1, 2], [2]), /same length/],
    [() => tableCurve([1, NaN, 3], [1, 2, 3]), /current\[1\] must be a finite number/],
    [() => tableCurve([1, 2, 3], [1, Infinity, 3]), /power\[1\] must be a finite number/],
    [() => tableCurve([1, 2, 2], [1, 2, 3]), /current must not repeat \(2 appears/],
    [() => tableCurve([1, 2, 3], [4, 4, 4]), /power is constant/],
    [() => curveFromSpec({ model: "table", current: [1, 2], power: [1, 2], extrapolation: "wrap" }), /device\.extrapolation must be one of clamp, linear/],
    [() => curveFromSpec({ model: "table", current: "1,2", power: [1, 2] }), /device\.current must be an array/],
    [() => curveFromSpec({ model: "table", current: [1, 2], power: [1, 2], polarity: 0 }), /device\.polarity must be 1 or -1/],
  ];
  for (const [f, re] of bad) {
    assert.throws(f, (e: unknown) => e instanceof InputError && re.test(e.message) && !e.message.includes("\n"), String(re));
  }
});
