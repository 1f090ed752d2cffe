import { test } from "node:test";
import assert from "node:assert/strict";
import { PY_CU_PY, resolveDevice } from "../../src/physics/params.js";
import { currentGrid, resolveSweepOptions, simulateCurrent, sweepCurrents, initialMagnetisation } from "../../src/physics/sweep.js";
import { sweepParallel } from "../../src/node/llg-worker.js";
import { InputError } from "../../src/util/errors.js";

test("current grids include TO when it lies on the grid and refuse a zero or backward step, non-finite values and too many points", () => {
  assert.deepEqual([...currentGrid(0, 2, 0.5)], [0, 0.5, 1, 1.5, 2]);
  assert.deepEqual([...currentGrid(3, 1, -1)], [3, 2, 1]);
  assert.deepEqual([...currentGrid(0, 1, 0.3)].map((x) => Number(x.toFixed(12))), [0, 0.3, 0.6, 0.9]);
  for (const [f, t, h] of [[0, 1, 0], [0, 1, -1], [NaN, 1, 1], [0, Infinity, 1]]) assert.throws(() => currentGrid(f, t, h), InputError, `${f}:${t}:${h}`);
  assert.throws(() => currentGrid(0, 1e6, 1, "--currents"), /--currents gives 1000001 currents; at most 100000/);
});

test("sweep options pick the integrator from the temperature and reject bad steps", () => {
  const d = resolveDevice({ ...PY_CU_PY, temperature: 0 });
  assert.equal(resolveSweepOptions(d).integrator, "rk4");
  assert.equal(resolveSweepOptions(d, { temperature: 300 }).integrator, "heun");
  assert.throws(() => resolveSweepOptions(d, { dt: 0 }), /dt \(s\) must be > 0/);
  assert.throws(() => resolveSweepOptions(d, { dt: -1e-12 }), InputError);
  assert.throws(() => resolveSweepOptions(d, { duration: Number.NaN }), /finite/);
  assert.throws(() => resolveSweepOptions(d, { duration: 1e-9, transient: 2e-9 }), /transient must be shorter/);
  assert.throws(() => resolveSweepOptions(d, { integrator: "rk4", temperature: 10 }), /deterministic/);
  assert.throws(() => resolveSweepOptions(d, { duration: 1, dt: 1e-15 }), /at most 2e9 steps/);
});

test("a sweep records a status per current instead of failing: ok, not-settled, switched", () => {
  const d = resolveDevice({ ...PY_CU_PY, temperature: 0 });
  // 5.3 mA sits just above Ic = 5.19 mA: the cone grows far too slowly to settle in 40 ns.
  const pts = sweepCurrents(d, [2, 5.3, 9, 20], { duration: 40e-9 });
  assert.deepEqual(pts.map((p) => p.status), ["ok", "not-settled", "ok", "switched"]);
  assert.ok(pts[0].power < 1e-3 && pts[2].power > 0.1);
  assert.match(pts[1].message, /lengthen --duration/);
  assert.equal(pts[0].message, "");
});

test("at T > 0 a cone still growing from thermal fluctuations is not-settled while a point at rest is ok", () => {
  const d = resolveDevice({ ...PY_CU_PY, temperature: 300 });
  // 8 mA: the stationary cone has p = 0.131, but 10 ns from p ≈ 6e-4 is far too short to reach it.
  const pts = sweepCurrents(d, [3, 8], { duration: 10e-9, seed: 3 });
  assert.equal(pts[0].status, "ok");
  assert.equal(pts[1].status, "not-settled");
  assert.ok(pts[1].power < 0.05);
});

test("a diverging integration is reported as diverged, not thrown", () => {
  const d = resolveDevice({ ...PY_CU_PY, temperature: 0 });
  // ω·dt ≈ 15 rad per step: RK4 is unstable and m overflows to non-finite values.
  const o = resolveSweepOptions(d, { dt: 1e-10, duration: 1e-6 });
  assert.ok(o.warnings.some((w) => /coarse/.test(w)));
  const pt = simulateCurrent(d, o, 8, 0);
  assert.equal(pt.status, "diverged");
});

test("the initial state is p̂ tilted by the requested angle", () => {
  const m = initialMagnetisation([0, 0.6, 0.8], 0.1, new Float64Array(3));
  assert.ok(Math.abs(Math.hypot(m[0], m[1], m[2]) - 1) < 1e-15);
  assert.ok(Math.abs(m[1] * 0.6 + m[2] * 0.8 - Math.cos(0.1)) < 1e-15);
});

test("the parallel sweep on 2 workers gives the same curve as the sequential sweep, bit for bit", async () => {
  const d = resolveDevice({ ...PY_CU_PY, temperature: 300 });
  const currents = [3, 6, 8, 10, 12];
  const options = { duration: 4e-9, seed: 7 };
  const seq = sweepCurrents(d, currents, options);
  const seen: number[] = [];
  const par = await sweepParallel(d, currents, options, 2, (i, _p, done) => seen.push(done));
  assert.deepEqual(par, seq);
  assert.deepEqual(seen, [1, 2, 3, 4, 5]);
  const one = await sweepParallel(d, currents, options, 1);
  assert.deepEqual(one, seq);
});
