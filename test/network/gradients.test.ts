import { test } from "node:test";
import assert from "node:assert/strict";
import { createModel, lossAndGradients, Rng, eq4, eq3, type Model, type DeviceCurve } from "../../src/index.js";

/** A random model whose drives sit in the device's sensitive range (away from eq3's kink). */
function randomModel(k: number, steps: number, classes: number, devices: DeviceCurve | DeviceCurve[], rng: Rng): Model {
  const m = createModel(k, steps, classes, devices);
  for (let q = 0; q < m.A.length; q++) m.A[q] = 0.4 * rng.normal() / Math.sqrt(k);
  for (let q = 0; q < m.B.length; q++) m.B[q] = 1.35 + 0.1 * rng.normal();
  for (let q = 0; q < m.W.length; q++) m.W[q] = rng.normal();
  for (let q = 0; q < m.c.length; q++) m.c[q] = 0.3 * rng.normal();
  return m;
}

function lossOf(m: Model, x: number[][], y: number[]): number {
  return lossAndGradients(m, x, y).loss;
}

function checkAll(m: Model, x: number[][], y: number[]): number {
  const { gradients } = lossAndGradients(m, x, y);
  const flat = (g: typeof gradients) => [g.A.flat(2), g.B.flat(), g.W.flat(), g.c];
  const analytic = flat(gradients);
  const params = [m.A, m.B, m.W, m.c];
  let worst = 0;
  for (let q = 0; q < params.length; q++) {
    const p = params[q];
    for (let e = 0; e < p.length; e++) {
      const orig = p[e];
      const h = 1e-5 * Math.max(1, Math.abs(orig));
      p[e] = orig + h;
      const lp = lossOf(m, x, y);
      p[e] = orig - h;
      const lm = lossOf(m, x, y);
      p[e] = orig;
      const fd = (lp - lm) / (2 * h);
      const an = analytic[q][e];
      const err = Math.abs(an - fd) / Math.max(1e-4, Math.abs(an) + Math.abs(fd));
      worst = Math.max(worst, err);
    }
  }
  return worst;
}

test("lossAndGradients matches central finite differences (max relative error <= 1e-6) on random small networks", () => {
  const rng = new Rng(2024);
  const cases: Array<[number, number, number]> = [[1, 1, 2], [2, 3, 2], [3, 2, 3], [4, 4, 2], [5, 3, 4]];
  for (const [k, steps, classes] of cases) {
    const m = randomModel(k, steps, classes, eq4(), rng);
    const n = 6;
    const x = Array.from({ length: n }, () => Array.from({ length: k }, () => rng.uniform()));
    const y = Array.from({ length: n }, (_, r) => r % classes);
    const worst = checkAll(m, x, y);
    assert.ok(worst <= 1e-6, `k=${k} n=${steps} classes=${classes}: worst relative error ${worst}`);
  }
});

test("gradients stay exact with one device curve per oscillator and negative-polarity devices", () => {
  const rng = new Rng(7);
  const k = 3;
  // eq3 with negative Ic: drive I = -u², threshold at |I| = 6; keep u² well above 6.
  const devices = [eq4(), eq4({ a: 3, b: 4, Ic: 0.8, Q: 1.5 }), eq3({ Ic: -1, Q: 0.1 })];
  const m = randomModel(k, 2, 2, devices, rng);
  for (let t = 0; t < 2; t++) m.B[t * k + 2] = 1.6;
  const x = Array.from({ length: 5 }, () => Array.from({ length: k }, () => rng.uniform()));
  const y = [0, 1, 0, 1, 1];
  const worst = checkAll(m, x, y);
  assert.ok(worst <= 1e-6, `worst relative error ${worst}`);
});

test("the loss is the mean natural-log softmax cross-entropy of the readout", () => {
  const m = createModel(1, 1, 2, eq4());
  // A = 0, B = 0 -> I = 0 -> p(1) = eq4(0); W = 0, c = (0, ln 3): softmax = (1/4, 3/4).
  m.c[1] = Math.log(3);
  const { loss } = lossAndGradients(m, [[0.5], [0.1]], [0, 1]);
  assert.ok(Math.abs(loss - 0.5 * (Math.log(4) + Math.log(4 / 3))) < 1e-14);
});
