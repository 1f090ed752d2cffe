// Property-based tests (fast-check) of the device curves: across random valid parameters the
// derivative matches central finite differences (away from kinks), the vectorised kernel agrees
// with the scalar methods, and invalid parameters are refused with an InputError naming them.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { eq3, eq4, tableCurve, curveFromSpec, InputError, type DeviceCurve } from "../../src/index.js";

const RUNS = { numRuns: 300, seed: 20261129 };

/** A magnitude 10^u for u in [lo, hi]. */
const magnitude = (lo: number, hi: number) => fc.double({ min: lo, max: hi, noNaN: true }).map((u) => 10 ** u);
const sign = fc.constantFrom(1, -1);

/** Valid eq. 4 parameters in the ranges devices come in (Q >= 0.2 keeps the pole's curvature moderate). */
const eq4Params = fc.record({
  Ic: fc.tuple(sign, magnitude(-2, 2)).map(([s, m]) => s * m),
  aIc: fc.tuple(sign, fc.double({ min: 0.2, max: 10, noNaN: true })).map(([s, m]) => s * m),
  b: fc.double({ min: -10, max: 10, noNaN: true }),
  Q: fc.double({ min: 0.2, max: 10, noNaN: true }),
  P0: magnitude(-3, 3),
}).map(({ Ic, aIc, b, Q, P0 }) => ({ a: aIc / Math.abs(Ic), b, Ic, Q, P0 }));

/** Valid eq. 3 parameters (Q >= -0.8 keeps the pole away from the threshold). */
const eq3Params = fc.record({
  Ic: fc.tuple(sign, magnitude(-2, 2)).map(([s, m]) => s * m),
  Q: fc.double({ min: -0.8, max: 10, noNaN: true }),
  P0: magnitude(-3, 3),
});

/** Drive magnitude as a multiple of |Ic| (the network injects currents of the sign of Ic). */
const drive = fc.double({ min: 0, max: 6, noNaN: true });

function central(f: (x: number) => number, x: number, h: number): number {
  return (f(x + h) - f(x - h)) / (2 * h);
}

test("eq4 derivative matches central finite differences across random valid parameters and currents", () => {
  fc.assert(
    fc.property(eq4Params, drive, (p, t) => {
      const c = eq4(p);
      const scale = Math.abs(p.Ic);
      const I = c.polarity * t * scale;
      const fd = central((x) => c.power(x), I, 1e-5 * scale);
      // Truncation (h²·p'''/6) and rounding (ε·p/h) are both below 1e-6 of the natural slope P0/|Ic|.
      return Math.abs(c.derivative(I) - fd) <= 1e-6 * (p.P0 / scale) * (1 + Math.abs(p.a) * scale);
    }),
    RUNS,
  );
});

test("eq3 derivative matches central finite differences away from the threshold and is 0 below it", () => {
  fc.assert(
    fc.property(eq3Params, drive, (p, t) => {
      fc.pre(Math.abs(t - 1) > 1e-3);
      const c = eq3(p);
      const scale = Math.abs(p.Ic);
      const I = c.polarity * t * scale;
      if (t < 1) return c.power(I) === 0 && c.derivative(I) === 0;
      const fd = central((x) => c.power(x), I, 1e-6 * scale);
      return Math.abs(c.derivative(I) - fd) <= 1e-6 * (p.P0 / scale);
    }),
    RUNS,
  );
});

/** Random valid tables: 2-10 points with gaps in [0.1, 2], powers in [-10, 10], not constant. */
const table = fc
  .record({
    start: fc.double({ min: -5, max: 5, noNaN: true }),
    gaps: fc.array(fc.double({ min: 0.1, max: 2, noNaN: true }), { minLength: 1, maxLength: 9 }),
    extrapolation: fc.constantFrom("clamp" as const, "linear" as const),
  })
  .chain(({ start, gaps, extrapolation }) =>
    fc.record({
      current: fc.constant(gaps.reduce((xs, g) => [...xs, xs[xs.length - 1] + g], [start])),
      power: fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: gaps.length + 1, maxLength: gaps.length + 1 }),
      extrapolation: fc.constant(extrapolation),
      shuffle: fc.integer({ min: 0, max: 1000 }),
    }),
  )
  .filter(({ power }) => power.some((v) => v !== power[0]));

test("table (PCHIP) derivative matches central finite differences inside intervals and beyond the ends", () => {
  fc.assert(
    fc.property(table, fc.double({ min: -0.2, max: 1.2, noNaN: true }), ({ current, power, extrapolation, shuffle }, u) => {
      // Points in any order give the same curve.
      const k = shuffle % current.length;
      const c = tableCurve([...current.slice(k), ...current.slice(0, k)], [...power.slice(k), ...power.slice(0, k)], { extrapolation });
      const lo = current[0], hi = current[current.length - 1];
      const I = lo + u * (hi - lo);
      const h = 1e-6;
      fc.pre(current.every((x) => Math.abs(I - x) > 1e-4));
      const fd = central((x) => c.power(x), I, h);
      const d = c.derivative(I);
      if (extrapolation === "clamp" && (I < lo || I > hi)) return d === 0 && fd === 0;
      return Math.abs(d - fd) <= 1e-6 * (1 + Math.abs(d));
    }),
    RUNS,
  );
});

test("a table passes through every point and is monotone on every interval where the data are", () => {
  fc.assert(
    fc.property(table, ({ current, power, extrapolation }) => {
      const c = tableCurve(current, power, { extrapolation });
      for (let k = 0; k < current.length; k++) if (c.power(current[k]) !== power[k]) return false;
      for (let k = 0; k + 1 < current.length; k++) {
        const up = power[k + 1] >= power[k];
        let prev = power[k];
        for (let j = 1; j <= 8; j++) {
          const v = c.power(current[k] + (j / 8) * (current[k + 1] - current[k]));
          if (up ? v < prev - 1e-12 : v > prev + 1e-12) return false;
          prev = v;
        }
      }
      return true;
    }),
    { ...RUNS, numRuns: 200 },
  );
});

/** Checks that `evaluate` agrees with `power`/`derivative` at the given currents. */
function evaluateAgrees(c: DeviceCurve, currents: number[], pScale: number, dScale: (I: number) => number): boolean {
  const n = currents.length;
  const I = Float64Array.from(currents), p = new Float64Array(n + 2).fill(NaN), dp = new Float64Array(n + 2).fill(NaN), p2 = new Float64Array(n + 2).fill(NaN);
  // Write into [1, n+1) so the start/end arguments are exercised too.
  const shifted = new Float64Array(n + 2);
  shifted.set(I, 1);
  c.evaluate(shifted, p, dp, 1, n + 1);
  c.evaluate(shifted, p2, null, 1, n + 1);
  if (!Number.isNaN(p[0]) || !Number.isNaN(p[n + 1]) || !Number.isNaN(dp[0]) || !Number.isNaN(dp[n + 1])) return false;
  for (let j = 0; j < n; j++) {
    const x = I[j];
    if (!(Math.abs(p[j + 1] - p2[j + 1]) <= 1e-14 * pScale)) return false;
    if (!(Math.abs(p[j + 1] - c.power(x)) <= 1e-14 * pScale)) return false;
    if (!(Math.abs(dp[j + 1] - c.derivative(x)) <= 1e-13 * dScale(x))) return false;
  }
  return true;
}

test("vectorised evaluate agrees with the scalar power and derivative for random devices and currents", () => {
  const currents = fc.array(drive, { minLength: 1, maxLength: 16 });
  fc.assert(
    fc.property(eq4Params, currents, (p, ts) => {
      const c = eq4(p);
      const s = Math.abs(p.Ic);
      // Bound of each term of p' (they may cancel), in units of the slope.
      const dScale = (I: number) => p.P0 * (Math.abs(p.a) * Math.abs((I - p.Ic) / (I + p.Q * p.Ic)) + Math.abs((p.Ic * (1 + p.Q)) / (I + p.Q * p.Ic) ** 2));
      return evaluateAgrees(c, ts.map((t) => c.polarity * t * s), p.P0 * (1 + 1 / p.Q), dScale);
    }),
    RUNS,
  );
  fc.assert(
    fc.property(eq3Params, currents, (p, ts) => {
      const c = eq3(p);
      const s = Math.abs(p.Ic);
      const dScale = (I: number) => Math.abs((p.P0 * p.Ic * (1 + p.Q)) / (I + p.Q * p.Ic) ** 2);
      return evaluateAgrees(c, ts.map((t) => c.polarity * t * s), p.P0 * (1 + 1 / (1 + p.Q)), dScale);
    }),
    RUNS,
  );
  fc.assert(
    fc.property(table, currents, ({ current, power, extrapolation }, ts) => {
      const c = tableCurve(current, power, { extrapolation });
      const lo = current[0], span = current[current.length - 1] - lo;
      return evaluateAgrees(c, ts.map((t) => lo + (t / 5 - 0.1) * span), 0, () => 0);
    }),
    RUNS,
  );
});

const nonFinite = fc.constantFrom(NaN, Infinity, -Infinity);

function refused(f: () => unknown, name: string | RegExp): boolean {
  try {
    f();
  } catch (e) {
    const named = typeof name === "string" ? e instanceof Error && e.message.includes(name) : e instanceof Error && name.test(e.message);
    return e instanceof InputError && named && !e.message.includes("\n");
  }
  return false;
}

test("invalid analytic parameters are refused with an InputError naming the parameter", () => {
  fc.assert(
    fc.property(eq4Params, fc.constantFrom("a", "b", "Ic", "Q", "P0"), nonFinite, (p, key, bad) => refused(() => eq4({ ...p, [key]: bad }), key)),
    RUNS,
  );
  fc.assert(
    fc.property(eq4Params, fc.double({ max: 0, noNaN: true, noDefaultInfinity: true }), (p, Q) => refused(() => eq4({ ...p, Q }), /Q must be > 0|Q·Ic must be finite/)),
    RUNS,
  );
  fc.assert(
    fc.property(eq3Params, fc.double({ max: -1, noNaN: true, noDefaultInfinity: true }), (p, Q) => refused(() => eq3({ ...p, Q }), /Q must be > -1|Q·Ic must be finite/)),
    RUNS,
  );
  fc.assert(
    fc.property(eq3Params, fc.double({ max: 0, noNaN: true, noDefaultInfinity: true }), (p, P0) => refused(() => eq3({ ...p, P0 }), "P0 must be > 0")),
    RUNS,
  );
  assert.ok(refused(() => eq4({ Ic: 0 }), "Ic must be non-zero"));
  assert.ok(refused(() => eq3({ Ic: 0 }), "Ic must be non-zero"));
});

test("invalid tables are refused with an InputError naming the problem", () => {
  fc.assert(
    fc.property(table, fc.nat(), nonFinite, fc.boolean(), ({ current, power }, i, bad, inCurrent) => {
      const k = i % current.length;
      const cur = current.slice(), pow = power.slice();
      (inCurrent ? cur : pow)[k] = bad;
      return refused(() => tableCurve(cur, pow), `${inCurrent ? "current" : "power"}[${k}] must be a finite number`);
    }),
    RUNS,
  );
  fc.assert(
    fc.property(table, fc.nat(), ({ current, power }, i) => {
      const cur = [...current, current[i % current.length]];
      return refused(() => tableCurve(cur, [...power, 0]), "current must not repeat");
    }),
    RUNS,
  );
  fc.assert(
    fc.property(table, ({ current, power }) => refused(() => tableCurve(current, power.slice(1)), "same length") && refused(() => tableCurve(current, current.map(() => power[0])), "power is constant")),
    RUNS,
  );
  assert.ok(refused(() => tableCurve([1], [1]), "at least 2 points"));
});

test("any JSON value given as a device spec either builds a curve or is refused with an InputError", () => {
  const value = fc.oneof(fc.double(), fc.integer({ min: -3, max: 3 }), fc.string(), fc.constant(null), fc.boolean(), fc.array(fc.double(), { maxLength: 5 }));
  const spec = fc.record(
    {
      model: fc.oneof(fc.constantFrom("eq4", "eq3", "table"), value),
      a: value,
      b: value,
      Ic: value,
      Q: value,
      P0: value,
      current: value,
      power: value,
      extrapolation: fc.oneof(fc.constantFrom("clamp", "linear"), value),
      polarity: value,
      currentUnit: value,
    },
    { requiredKeys: ["model"] },
  );
  fc.assert(
    fc.property(fc.oneof(spec, fc.jsonValue()), (s) => {
      try {
        const c = curveFromSpec(s, "dev.json: ");
        return typeof c.power(c.polarity * c.currentScale) === "number";
      } catch (e) {
        return e instanceof InputError && e.message.startsWith("dev.json: ") && !e.message.includes("\n");
      }
    }),
    { ...RUNS, numRuns: 1000 },
  );
});
