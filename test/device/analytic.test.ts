import { test } from "node:test";
import assert from "node:assert/strict";
import { eq3, eq4, PAPER_DEVICE, InputError } from "../../src/index.js";

function central(f: (x: number) => number, x: number, h = 1e-6): number {
  return (f(x + h) - f(x - h)) / (2 * h);
}

test("eq4 with the paper's test device matches a hand-computed value", () => {
  // p(2) = ½(1 + tanh(3))·(1/4); tanh(3) = 0.9950547536867305
  assert.ok(Math.abs(eq4().power(2) - 0.5 * (1 + 0.9950547536867305) * 0.25) < 1e-15);
  assert.deepEqual({ ...PAPER_DEVICE }, { a: 4, b: 5, Ic: 1, Q: 2 });
});

test("eq4 derivative matches central finite differences across the operating range", () => {
  for (const params of [PAPER_DEVICE, { a: -0.8, b: 6, Ic: -6, Q: 0.1 }, { a: 1.3, b: 0.2, Ic: 0.5, Q: 0.7 }]) {
    const c = eq4(params);
    for (let k = 0; k <= 40; k++) {
      const I = c.polarity * (0.05 + 0.1 * k) * c.currentScale;
      const fd = central((x) => c.power(x), I);
      assert.ok(Math.abs(c.derivative(I) - fd) <= 1e-7 * Math.max(1, Math.abs(fd)), `I=${I}`);
    }
  }
});

test("eq3 is zero below threshold and matches finite differences above it", () => {
  const c = eq3({ Ic: 1, Q: 2 });
  assert.equal(c.power(0), 0);
  assert.equal(c.power(0.99), 0);
  assert.equal(c.derivative(0.5), 0);
  assert.ok(Math.abs(c.power(3) - 2 / 5) < 1e-15);
  const neg = eq3({ Ic: -6, Q: 0.1 });
  assert.equal(neg.polarity, -1);
  assert.equal(neg.power(-3), 0);
  assert.ok(neg.power(-9) > 0);
  for (const I of [1.5, 2, 4, 9]) {
    const fd = central((x) => c.power(x), I);
    assert.ok(Math.abs(c.derivative(I) - fd) < 1e-8);
  }
});

test("vectorised evaluate agrees with the scalar methods bit for bit", () => {
  for (const c of [eq4(), eq3({ Ic: -6, Q: 0.1 })]) {
    const I = Float64Array.from({ length: 50 }, (_, k) => c.polarity * 0.1 * k * c.currentScale);
    const p = new Float64Array(50), dp = new Float64Array(50);
    c.evaluate(I, p, dp, 0, 50);
    for (let k = 0; k < 50; k++) {
      assert.ok(Math.abs(p[k] - c.power(I[k])) <= 1e-15 * Math.max(1, Math.abs(p[k])));
      assert.ok(Math.abs(dp[k] - c.derivative(I[k])) <= 1e-14 * Math.max(1, Math.abs(dp[k])));
    }
  }
});

test("NaN currents propagate to NaN power", () => {
  assert.ok(Number.isNaN(eq4().power(NaN)));
  assert.ok(Number.isNaN(eq4().derivative(NaN)));
});

test("invalid parameters are refused with a message naming the parameter", () => {
  assert.throws(() => eq4({ Q: -0.5 }), (e: unknown) => e instanceof InputError && /Q must be > 0/.test(e.message));
  assert.throws(() => eq4({ Ic: 0 }), /Ic must be non-zero/);
  assert.throws(() => eq4({ a: Number.NaN }), /a must be a finite number/);
  assert.throws(() => eq3({ Q: -1 }), /Q must be > -1/);
});

test("a pole in the reachable current range is refused with the parameter and the range", () => {
  assert.throws(
    () => eq4({ Ic: -6, Q: -0.5 }),
    (e: unknown) => e instanceof InputError && e.message === "Q must be > 0 for eq4 (got -0.5): otherwise the pole at I = -Q·Ic = -3 lies in the driven current range I <= 0",
  );
  assert.throws(
    () => eq3({ Ic: 2, Q: -1.5 }),
    (e: unknown) => e instanceof InputError && e.message === "Q must be > -1 for eq3 (got -1.5): otherwise the pole at I = -Q·Ic = 3 lies in the oscillating range I >= Ic = 2",
  );
  assert.throws(() => eq4({ Ic: 1e300, Q: 1e10 }), /Q·Ic must be finite/);
});

test("the power scale P0 multiplies value and derivative and survives the JSON round trip", () => {
  for (const [c, base] of [
    [eq4({ P0: 12.5 }), eq4()],
    [eq3({ Ic: -6, Q: 0.1, P0: 3 }), eq3({ Ic: -6, Q: 0.1 })],
  ] as const) {
    const P0 = (c as { P0: number }).P0;
    const I = Float64Array.from({ length: 30 }, (_, k) => c.polarity * 0.2 * k * c.currentScale);
    const p = new Float64Array(30), dp = new Float64Array(30);
    c.evaluate(I, p, dp, 0, 30);
    for (let k = 0; k < 30; k++) {
      assert.ok(Math.abs(p[k] - P0 * base.power(I[k])) <= 1e-14 * Math.max(1, Math.abs(p[k])));
      assert.ok(Math.abs(dp[k] - P0 * base.derivative(I[k])) <= 1e-13 * Math.max(1, Math.abs(dp[k])));
      assert.ok(Math.abs(c.derivative(I[k]) - dp[k]) <= 1e-13 * Math.max(1, Math.abs(dp[k])));
    }
    assert.equal(c.toSpec().P0, P0);
  }
  assert.equal("P0" in eq4().toSpec(), false, "P0 = 1 is not written");
  assert.throws(() => eq4({ P0: 0 }), (e: unknown) => e instanceof InputError && /^P0 must be > 0 \(got 0\)/.test(e.message));
  assert.throws(() => eq3({ P0: Number.NaN }), /P0 must be a finite number/);
});
