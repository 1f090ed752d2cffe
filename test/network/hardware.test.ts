import { test } from "node:test";
import assert from "node:assert/strict";
import { createModel, createGradients, type Model } from "../../src/network/model.js";
import { createWorkspace, loadBatch, forward, softmaxCrossEntropy, backward } from "../../src/network/dynamics.js";
import { resolveHardware, createHardwareState, forwardHardware, backwardHardware, type Hardware } from "../../src/network/hardware.js";
import { robustnessSweep } from "../../src/sweep/robustness.js";
import { eq4 } from "../../src/device/analytic.js";
import { Rng } from "../../src/util/rng.js";
import { smallSpiral } from "../sweep/fixture.js";

function randomModel(k: number, steps: number, classes: number, rng: Rng): Model {
  const m = createModel(k, steps, classes, eq4());
  for (let q = 0; q < m.A.length; q++) m.A[q] = (0.4 * rng.normal()) / Math.sqrt(k);
  for (let q = 0; q < m.B.length; q++) m.B[q] = 1.35 + 0.1 * rng.normal();
  for (let q = 0; q < m.W.length; q++) m.W[q] = rng.normal();
  for (let q = 0; q < m.c.length; q++) m.c[q] = 0.3 * rng.normal();
  return m;
}

/** A fixed batch and a loss function of the model with the read noise frozen after the first draw. */
function setup(m: Model, hw: Hardware, n: number, seed: number) {
  const rng = new Rng(seed);
  const x = Float64Array.from({ length: n * m.k }, () => rng.uniform());
  const y = Int32Array.from({ length: n }, (_, r) => r % m.classes);
  const ws = createWorkspace(m.k, m.steps, m.classes, n);
  const h = resolveHardware(hw);
  const st = createHardwareState(m.k, m.steps, n);
  const out = { loss: 0, correct: 0 };
  loadBatch(ws, x, null, 0, n, null);
  forwardHardware(m, ws, n, h, st, rng, true); // draws the noise once
  const loss = (): number => {
    forwardHardware(m, ws, n, h, st, null, true);
    softmaxCrossEntropy(ws, m.classes, n, y, 0, 1 / n, out);
    return out.loss / n;
  };
  const grads = () => {
    loss();
    const g = createGradients(m);
    backwardHardware(m, ws, n, h, st, g);
    return g;
  };
  return { loss, grads, ws, st, h, x, y };
}

function worstFdError(m: Model, hw: Hardware, seed: number): number {
  const { loss, grads } = setup(m, hw, 6, seed);
  const g = grads();
  const params = [m.A, m.B, m.W, m.c], an = [g.A, g.B, g.W, g.c];
  let worst = 0;
  for (let q = 0; q < 4; q++) {
    for (let e = 0; e < params[q].length; e++) {
      const o = params[q][e], h = 1e-5 * Math.max(1, Math.abs(o));
      params[q][e] = o + h;
      const lp = loss();
      params[q][e] = o - h;
      const lm = loss();
      params[q][e] = o;
      const fd = (lp - lm) / (2 * h);
      worst = Math.max(worst, Math.abs(an[q][e] - fd) / Math.max(1e-4, Math.abs(an[q][e]) + Math.abs(fd)));
    }
  }
  return worst;
}

test("the adjoint matches central finite differences for read noise, relaxation, the current limit and all three together", () => {
  const cases: [string, Hardware][] = [
    ["absolute read noise", { readNoise: { sigma: 0.03 } }],
    ["relative read noise", { readNoise: { sigma: 0.1, relative: true } }],
    ["relaxation", { relaxation: { dtOverTau: 0.7 } }],
    ["current limit", { currentLimit: 1.9 }],
    ["all together", { readNoise: { sigma: 0.02 }, relaxation: { dtOverTau: 1.5 }, currentLimit: 2.1 }],
  ];
  const rng = new Rng(11);
  for (const [name, hw] of cases) {
    for (const [k, steps, classes] of [[2, 3, 2], [3, 2, 3]] as const) {
      const m = randomModel(k, steps, classes, rng);
      const worst = worstFdError(m, hw, 5);
      assert.ok(worst <= 1e-6, `${name}, k=${k}: worst relative error ${worst}`);
    }
  }
});

test("the current limit really clamps some currents in the finite-difference case", () => {
  const m = randomModel(2, 3, 2, new Rng(11));
  const { st } = setup(m, { currentLimit: 1.9 }, 6, 5);
  const kappa = st.K.flatMap((a) => Array.from(a));
  assert.ok(kappa.includes(0) && kappa.includes(1));
});

test("with every option off the hardware kernels are bit-identical to the ideal kernels, gradients included", () => {
  const m = randomModel(3, 4, 2, new Rng(3));
  const { ws, grads, h, st } = setup(m, {}, 8, 9);
  forwardHardware(m, ws, 8, h, st, null, true);
  const logits = ws.logits.slice();
  const g = grads();
  const ideal = createWorkspace(3, 4, 2, 8);
  ideal.P[0].set(ws.P[0]);
  forward(m, ideal, 8, true);
  assert.deepEqual(ideal.logits, logits);
  const out = { loss: 0, correct: 0 };
  softmaxCrossEntropy(ideal, 2, 8, Int32Array.from({ length: 8 }, (_, r) => r % 2), 0, 1 / 8, out);
  const g2 = createGradients(m);
  backward(m, ideal, 8, g2);
  assert.deepEqual([g.A, g.B, g.W, g.c], [g2.A, g2.B, g2.W, g2.c]);
});

test("quantisation uses a straight-through gradient: with fine converters it equals the unquantised gradient", () => {
  const m = randomModel(2, 3, 2, new Rng(4));
  // Drives well above threshold keep every power positive, i.e. inside the ADC range [0, F].
  for (let q = 0; q < m.B.length; q++) m.B[q] += 0.6;
  const fine = setup(m, { dac: { bits: 24, fullScale: 8 }, adc: { bits: 24, fullScale: 2 } }, 6, 1).grads();
  const none = setup(m, {}, 6, 1).grads();
  for (const key of ["A", "B", "W", "c"] as const) {
    for (let e = 0; e < none[key].length; e++) assert.ok(Math.abs(fine[key][e] - none[key][e]) <= 1e-5 * (1 + Math.abs(none[key][e])), `${key}[${e}]: ${fine[key][e]} vs ${none[key][e]}`);
  }
  const coarse = setup(m, { dac: { bits: 3, fullScale: 8 } }, 6, 1).grads();
  assert.ok(coarse.A.some((v) => v !== 0), "the STE gradient does not vanish on the quantisation plateaus");
  const clipped = setup(m, { adc: { bits: 8, fullScale: 1e-3 } }, 6, 1).grads();
  assert.ok(clipped.A.every((v) => v === 0), "outside the ADC range the straight-through gradient is zero");
});

/** Mean |logit − ideal logit| of a random network over a batch. */
function deviation(hw: Hardware): number {
  const m = randomModel(3, 4, 2, new Rng(8));
  const a = setup(m, hw, 64, 2), b = setup(m, {}, 64, 2);
  a.loss();
  const la = a.ws.logits.slice();
  b.loss();
  let s = 0;
  for (let i = 0; i < la.length; i++) s += Math.abs(la[i] - b.ws.logits[i]);
  return s / la.length;
}

test("fewer DAC or ADC bits, a lower current limit and slower relaxation each move the outputs further from ideal", () => {
  assert.ok(deviation({ dac: { bits: 4, fullScale: 6 } }) > deviation({ dac: { bits: 10, fullScale: 6 } }));
  assert.ok(deviation({ adc: { bits: 3, fullScale: 1 } }) > deviation({ adc: { bits: 8, fullScale: 1 } }));
  assert.ok(deviation({ currentLimit: 1.2 }) > deviation({ currentLimit: 2.0 }));
  assert.ok(deviation({ relaxation: { dtOverTau: 0.3 } }) > deviation({ relaxation: { dtOverTau: 3 } }));
  assert.ok(deviation({ relaxation: { dtOverTau: 60 } }) < 1e-12);
  assert.ok(deviation({ dac: { bits: 10, fullScale: 6 } }) > 0);
});

test("more read noise lowers the mean test accuracy of a trained network", () => {
  const { model, test: ts } = smallSpiral();
  const acc = (sigma: number) => robustnessSweep(model, ts, { params: ["a"], sigmas: [0], trials: 20, seed: 3, hardware: { readNoise: { sigma } } }).stats[0].mean;
  const [a0, a1, a2] = [acc(0), acc(0.05), acc(0.3)];
  assert.ok(a0 >= a1 && a1 > a2, `${a0} ${a1} ${a2}`);
});

test("hardware options are validated with one-line messages naming the field", () => {
  assert.throws(() => resolveHardware({ dac: { bits: 0, fullScale: 1 } }), /hardware.dac.bits must be an integer in 1..32 \(got 0\)/);
  assert.throws(() => resolveHardware({ relaxation: { dtOverTau: -1 } }), /hardware.relaxation.dtOverTau must be > 0/);
  assert.throws(() => resolveHardware({ readnoise: 1 }), /unknown field "readnoise" \(allowed: readNoise, dac, adc, currentLimit, relaxation\)/);
});
