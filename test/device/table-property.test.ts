import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { tableCurve } from "../../src/index.js";

// Random monotone tables: strictly increasing currents (positive gaps) and non-decreasing powers.
const monotoneTable = fc
  .tuple(
    fc.double({ min: -50, max: 50, noNaN: true }),
    fc.array(fc.tuple(fc.double({ min: 1e-3, max: 5, noNaN: true }), fc.double({ min: 0, max: 3, noNaN: true })), { minLength: 2, maxLength: 25 }),
  )
  .map(([x0, steps]) => {
    const x = [x0], y = [0];
    for (const [dx, dy] of steps) {
      x.push(x[x.length - 1] + dx);
      y.push(y[y.length - 1] + dy);
    }
    return { x, y };
  })
  .filter(({ y }) => y[y.length - 1] > y[0]);

test("on any monotone table the interpolant is monotone, stays within the data and interpolates it", () => {
  fc.assert(
    fc.property(monotoneTable, ({ x, y }) => {
      const c = tableCurve(x, y);
      const lo = x[0], hi = x[x.length - 1], span = y[y.length - 1] - y[0];
      const tol = 1e-12 * Math.max(1, span);
      let prev = -Infinity;
      for (let k = 0; k <= 400; k++) {
        const I = lo + ((hi - lo) * k) / 400;
        const p = c.power(I);
        if (p < prev - tol || p < y[0] - tol || p > y[y.length - 1] + tol) return false;
        if (c.derivative(I) < -tol) return false;
        prev = p;
      }
      return x.every((v, i) => Math.abs(c.power(v) - y[i]) <= tol);
    }),
    { numRuns: 200, seed: 3 },
  );
});
