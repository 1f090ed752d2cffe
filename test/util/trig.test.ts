/**
 * The engine-independent sine and cosine equal fdlibm's, which Node 20's V8 uses for Math.sin and
 * Math.cos: bit for bit on a million arguments (random magnitudes over the whole reduced range,
 * multiples of π/2 where the argument reduction cancels, tiny and special values).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { sin, cos } from "../../src/util/trig.js";
import { Rng } from "../../src/util/rng.js";

const fdlibmEngine = Number(process.versions.v8.split(".")[0]) <= 11;

test("sin and cos equal fdlibm's bit for bit", { skip: fdlibmEngine ? false : "this engine's Math.sin is not fdlibm; the reference needs Node 20 (V8 11)" }, () => {
  const rng = new Rng(1);
  const xs: number[] = [0, -0, 1e-300, -1e-20, 2 ** -27, Math.PI / 4, Math.PI / 2, Math.PI, 3 * Math.PI / 4, 2 * Math.PI, 823_549, -823_549];
  for (let k = 1; k < 2000; k++) xs.push((k * Math.PI) / 2, -(k * Math.PI) / 2, (k * Math.PI) / 2 * (1 + 2 ** -52));
  for (let i = 0; i < 1_000_000; i++) xs.push((rng.uniform() - 0.5) * 2 * Math.pow(10, 6 * rng.uniform() - 3));
  let bad = 0;
  for (const x of xs) {
    if (!Object.is(sin(x), Math.sin(x)) || !Object.is(cos(x), Math.cos(x))) {
      if (bad++ < 5) console.log("differs at", x, sin(x), Math.sin(x), cos(x), Math.cos(x));
    }
  }
  assert.equal(bad, 0);
  assert.ok(Number.isNaN(sin(Infinity)) && Number.isNaN(cos(NaN)));
});

test("log equals fdlibm's bit for bit; powInt is square-and-multiply within ~t ulp of Math.pow", { skip: fdlibmEngine ? false : "needs Node 20 (V8 11) as the fdlibm reference" }, async () => {
  const { log, powInt } = await import("../../src/util/trig.js");
  const rng = new Rng(2);
  const xs: number[] = [1, 2, 0.5, Math.E, 1 + 2 ** -52, 1 - 2 ** -53, 5e-324, 2.2250738585072014e-308, 1e308, Number.MAX_VALUE];
  for (let i = 0; i < 1_000_000; i++) xs.push(Math.pow(10, 40 * rng.uniform() - 20) * (1 + rng.uniform()));
  for (let i = 0; i < 100_000; i++) xs.push(1 + (rng.uniform() - 0.5) * 1e-5, rng.uniform());
  let bad = 0;
  for (const x of xs) if (!Object.is(log(x), Math.log(x)) && bad++ < 5) console.log("log differs at", x, log(x), Math.log(x));
  assert.equal(bad, 0);
  assert.equal(log(0), -Infinity);
  assert.ok(Number.isNaN(log(-1)));
  for (const b of [0.9, 0.999]) {
    for (let t = 0; t < 20000; t++) {
      const p = powInt(b, t), q = Math.pow(b, t);
      // Square-and-multiply doubles the relative error per squaring: ≤ ~t ulp.
      assert.ok(Math.abs(p - q) <= (2 * t + 8) * Number.EPSILON * q + 1e-300, `powInt(${b}, ${t}) = ${p} vs ${q}`);
    }
  }
});

test("sinCos gives sin's and cos's bits from one argument reduction, on every branch", async () => {
  const { sinCos } = await import("../../src/util/trig.js");
  const rng = new Rng(3);
  const xs: number[] = [0, -0, 1e-300, 2 ** -27, Math.PI / 4, Math.PI / 2, Math.PI, 2 * Math.PI, 823_549, -823_549, 1e7, -1e300, Infinity, -Infinity, NaN];
  for (let k = 1; k < 200; k++) xs.push((k * Math.PI) / 2, -(k * Math.PI) / 2);
  // Box–Muller's angles 2πv, v in [0, 1), and arguments over the whole reduced range.
  for (let i = 0; i < 200_000; i++) xs.push(2 * Math.PI * rng.uniform(), (rng.uniform() - 0.5) * 2 * Math.pow(10, 6 * rng.uniform() - 3));
  const o = new Float64Array(2);
  let bad = 0;
  for (const x of xs) {
    sinCos(x, o);
    if (!Object.is(o[0], sin(x)) || !Object.is(o[1], cos(x))) if (bad++ < 5) console.log("differs at", x, o[0], sin(x), o[1], cos(x));
  }
  assert.equal(bad, 0);
});
