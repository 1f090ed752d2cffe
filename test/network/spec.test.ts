// The network's specification (src/network/spec.ts: step, readout, loss and their adjoint) and
// every engine against it on the same randomly generated cases (test/helpers/conformance.ts: one
// generator, one list of engines and forward paths — adding an engine is one line there). The
// specification's adjoint is checked against central differences of its own loss and a closed
// form; the engines use their own exp, log, eq. 4 kernels and summation orders, so they agree with
// the specification to rounding (float64: 1e-12 of each gradient array's largest entry; float32:
// the tolerance the float32 engines document), and the float64 engines agree with each other bit
// for bit (test/network/engines.test.ts).
import { test } from "node:test";
import assert from "node:assert/strict";
import { forwardSpec, lossSpec, stepSpec, createStepScratch, readoutSpec, gradientSpec, backwardSpec, readoutAdjointSpec, stepAdjointSpec, createAdjointScratch } from "../../src/network/spec.js";
import { createModel, createGradients } from "../../src/network/model.js";
import { createWorkspace, forward, softmaxCrossEntropy, backward } from "../../src/network/dynamics.js";
import { forwardHardware, backwardHardware, createHardwareState, resolveHardware } from "../../src/network/hardware.js";
import { eq4 } from "../../src/device/analytic.js";
import { eq4Spec, eq4SpecDI } from "../../src/device/eq4.js";
import { Rng } from "../../src/util/rng.js";
import { conformanceCases, GRADIENT_ENGINES, FORWARD_PATHS, specMeanLoss, worstFdRatio } from "../helpers/conformance.js";

const CASES = conformanceCases();

/** Float64 engines: each gradient entry within this fraction of its array's largest |entry| (measured: 1e-14). */
const F64_GRAD = 1e-12;
/** Float64 losses: relative (measured: 6e-16). */
const F64_LOSS = 1e-13;
/**
 * Float32 engines, as documented (src/network/engine.ts createEngine32, docs/engines.md): the
 * whole gradient within 1e-5 relative in the 2-norm, the loss within 1e-6 relative, the correct
 * count within one sample (measured on these cases: 2e-6, 6e-8, 0).
 */
const F32_GRAD = 1e-5, F32_LOSS = 1e-6;

test("the loss specification: log 2 and ±½ for two equal logits, gradient against central differences, first class on ties, NaN propagates", () => {
  const r = lossSpec([0, 0], 1);
  assert.equal(r.loss, Math.log(2));
  assert.deepEqual(Array.from(r.grad), [0.5, -0.5]);
  assert.equal(r.predicted, 0);
  const rng = new Rng(3);
  for (let trial = 0; trial < 20; trial++) {
    const z = Array.from({ length: 5 }, () => 6 * rng.normal());
    const label = trial % 5;
    const g = lossSpec(z, label).grad;
    for (let c = 0; c < 5; c++) {
      const h = 1e-6;
      const up = z.slice(), dn = z.slice();
      up[c] += h;
      dn[c] -= h;
      const fd = (lossSpec(up, label).loss - lossSpec(dn, label).loss) / (2 * h);
      assert.ok(Math.abs(fd - g[c]) <= 1e-7, `∂loss/∂z_${c}: ${g[c]} vs central difference ${fd}`);
    }
  }
  // Huge logits do not overflow (the max is subtracted first).
  assert.ok(Math.abs(lossSpec([1000, 0], 1).loss - 1000) < 1e-12);
  assert.ok(Number.isNaN(lossSpec([NaN, 1], 0).loss));
});

test("the step specification: a one-oscillator network with A = 0.5, B = 1 gives p(1) = f((0.5·p + 1)²), polarity included", () => {
  for (const Ic of [1, -1]) {
    const dev = eq4({ a: 4, b: 5, Ic, Q: 2 });
    const m = createModel(1, 1, 2, dev);
    m.A[0] = 0.5;
    m.B[0] = 1;
    const p = Float64Array.of(0.2, 0.9, 0);
    const next = new Float64Array(3);
    stepSpec(m, 0, p, next, 3, createStepScratch(3));
    for (let s = 0; s < 3; s++) {
      const I = dev.polarity * (0.5 * p[s] + 1) ** 2;
      const want = eq4Spec(I, 4, 5, Ic, 2, 1);
      assert.ok(Math.abs(next[s] - want) <= 1e-14, `Ic = ${Ic}, p = ${p[s]}: ${next[s]} vs ${want}`);
    }
    const logits = new Float64Array(2);
    m.W.set([2, -1]);
    m.c.set([0.5, 0.25]);
    readoutSpec(m, next, logits, 1);
    assert.deepEqual(Array.from(logits), [2 * next[0] + 0.5, -next[0] + 0.25]);
  }
});

test("the adjoint specification, written out by hand for one eq. 4 oscillator and one step, with eq. 4's own derivative specification", () => {
  for (const Ic of [1, -1]) {
    const dev = eq4({ a: 4 * Ic, b: 5, Ic, Q: 2 });
    const m = createModel(1, 1, 2, dev);
    m.A[0] = 0.7;
    m.B[0] = 1.1;
    m.W.set([2, -1]);
    m.c.set([0.5, 0.25]);
    const p0 = Float64Array.of(0.3), y = Int32Array.of(1);
    const r = gradientSpec(m, p0, y, 1, 1);
    // u = A·p0 + B, I = s·u², p1 = f(I), z = W·p1 + c, G = softmax(z) − e_y.
    const u = 0.7 * 0.3 + 1.1, I = Ic * u * u, p1 = eq4Spec(I, 4 * Ic, 5, Ic, 2, 1), d = eq4SpecDI(I, 4 * Ic, 5, Ic, 2, 1);
    const z = [2 * p1 + 0.5, -p1 + 0.25], e = z.map(Math.exp), sum = e[0] + e[1];
    const G = [e[0] / sum, e[1] / sum - 1];
    const lam1 = 2 * G[0] - G[1];
    const g = lam1 * d * 2 * Ic * u;
    const want: [string, number, number][] = [
      ["∂W0", r.grads.W[0], G[0] * p1], ["∂W1", r.grads.W[1], G[1] * p1], ["∂c0", r.grads.c[0], G[0]], ["∂c1", r.grads.c[1], G[1]],
      ["∂B", r.grads.B[0], g], ["∂A", r.grads.A[0], g * 0.3], ["∂p0", r.inputGrad[0], g * 0.7],
    ];
    for (const [what, got, w] of want) assert.ok(Math.abs(got - w) <= 1e-12 * Math.abs(w), `Ic = ${Ic} ${what}: ${got} vs ${w}`);
    assert.ok(Math.abs(r.loss - (Math.log(sum) - z[1])) <= 1e-14);
  }
});

test("the adjoint specification matches Richardson-extrapolated central differences of the specification's loss on every shared case (A, B, W, c and λ(0)), and the check catches a gradient off by 1e-4", () => {
  for (const c of CASES) {
    const r = gradientSpec(c.model, c.p0, c.y, c.n, 1 / c.n);
    const { ratio, at } = worstFdRatio(c, r.grads, r.inputGrad, () => specMeanLoss(c));
    assert.ok(ratio <= 1, `${c.name}: ${at} (ratio ${ratio})`);
  }
  // The check can fail: the largest entry of ∂B, or of ∂A, 1e-4 relative too large.
  const c = CASES[2];
  for (const key of ["A", "B"] as const) {
    const r = gradientSpec(c.model, c.p0, c.y, c.n, 1 / c.n);
    const g = r.grads[key];
    let q = 0;
    for (let e = 0; e < g.length; e++) if (Math.abs(g[e]) > Math.abs(g[q])) q = e;
    g[q] *= 1 + 1e-4;
    const { ratio } = worstFdRatio(c, r.grads, r.inputGrad, () => specMeanLoss(c));
    assert.ok(ratio > 1, `∂${key}[${q}] off by 1e-4 went unnoticed (ratio ${ratio})`);
  }
});

test("the adjoint specification's pieces compose: backwardSpec is readoutAdjointSpec then stepAdjointSpec for t = n−1..0, gradients summed over samples", () => {
  const c = CASES[6];
  const { P } = forwardSpec(c.model, c.p0, c.n);
  const G = new Float64Array(c.classes * c.n).map((_, q) => Math.sin(q));
  const whole = createGradients(c.model);
  const lam0 = backwardSpec(c.model, P, G, c.n, whole);
  // Sample by sample: the block's gradient is the sum of the samples' (up to summation order).
  const sum = createGradients(c.model);
  const sc = createAdjointScratch(c.k, 1);
  for (let s = 0; s < c.n; s++) {
    const col = (x: Float64Array, rows: number): Float64Array => Float64Array.from({ length: rows }, (_, r) => x[r * c.n + s]);
    let next = new Float64Array(c.k), lam = new Float64Array(c.k);
    readoutAdjointSpec(c.model, col(P[c.steps], c.k), col(G, c.classes), 1, sum, next);
    for (let t = c.steps - 1; t >= 0; t--) {
      stepAdjointSpec(c.model, t, col(P[t], c.k), next, lam, 1, sum, sc);
      [lam, next] = [next, lam];
    }
    for (let j = 0; j < c.k; j++) assert.ok(Math.abs(next[j] - lam0[j * c.n + s]) <= 1e-14 * (1 + Math.abs(lam0[j * c.n + s])), `λ(0) of sample ${s}`);
  }
  for (const key of ["A", "B", "W", "c"] as const) {
    let norm = 0;
    for (const v of whole[key]) norm = Math.max(norm, Math.abs(v));
    for (let q = 0; q < whole[key].length; q++) assert.ok(Math.abs(sum[key][q] - whole[key][q]) <= 1e-13 * norm, `∂${key}[${q}]`);
  }
});

test("every engine's batch gradient, loss and correct count match the adjoint specification on the shared cases", () => {
  const ran = new Set<string>();
  for (const c of CASES) {
    const spec = gradientSpec(c.model, c.p0, c.y, c.n, 1 / c.n);
    for (const e of GRADIENT_ENGINES) {
      if (e.eq4Only && !c.eq4Only) continue;
      const r = e.gradient(c);
      if (r === null) continue;
      ran.add(e.name);
      const tag = `${e.name}, ${c.name}`;
      if (e.precision === "float64") {
        for (const key of ["A", "B", "W", "c"] as const) {
          const w = spec.grads[key], g = r.grads[key];
          let norm = 0;
          for (const v of w) norm = Math.max(norm, Math.abs(v));
          for (let q = 0; q < w.length; q++) assert.ok(Math.abs(g[q] - w[q]) <= F64_GRAD * norm, `${tag}: ∂${key}[${q}] ${g[q]} vs specification ${w[q]}`);
        }
        assert.ok(Math.abs(r.loss - spec.loss) <= F64_LOSS * Math.abs(spec.loss), `${tag}: loss ${r.loss} vs specification ${spec.loss}`);
        assert.equal(r.correct, spec.correct, `${tag}: correct`);
      } else {
        let num = 0, den = 0;
        for (const key of ["A", "B", "W", "c"] as const) {
          for (let q = 0; q < spec.grads[key].length; q++) {
            num += (r.grads[key][q] - spec.grads[key][q]) ** 2;
            den += spec.grads[key][q] ** 2;
          }
        }
        assert.ok(Math.sqrt(num / den) <= F32_GRAD, `${tag}: gradient relative error ${Math.sqrt(num / den)}`);
        assert.ok(Math.abs(r.loss - spec.loss) <= F32_LOSS * Math.abs(spec.loss), `${tag}: loss ${r.loss} vs specification ${spec.loss}`);
        assert.ok(Math.abs(r.correct - spec.correct) <= 1, `${tag}: correct ${r.correct} vs ${spec.correct}`);
      }
    }
  }
  // The engines this runtime always has ran (the native ones where the addon is built).
  for (const name of ["reference (TypeScript)", "reference on the in-place WebAssembly engine", "hardware path without effects", "wasm64", "wasm32"]) assert.ok(ran.has(name), `${name} ran`);
});

test("the TypeScript adjoint's input gradient λ(0) matches the specification's (dynamics.ts and the hardware path)", () => {
  for (const c of CASES) {
    const spec = gradientSpec(c.model, c.p0, c.y, c.n, 1 / c.n);
    let norm = 0;
    for (const v of spec.inputGrad) norm = Math.max(norm, Math.abs(v));
    for (const hw of [false, true]) {
      const ws = createWorkspace(c.k, c.steps, c.classes, c.n);
      ws.P[0].set(c.p0);
      const h = resolveHardware({}), st = createHardwareState(c.k, c.steps, c.n);
      if (hw) forwardHardware(c.model, ws, c.n, h, st, null, true);
      else forward(c.model, ws, c.n, true);
      softmaxCrossEntropy(ws, c.classes, c.n, c.y, 0, 1 / c.n, { loss: 0, correct: 0 });
      const lam0 = new Float64Array(c.k * c.n), g = createGradients(c.model);
      if (hw) backwardHardware(c.model, ws, c.n, h, st, g, lam0);
      else backward(c.model, ws, c.n, g, lam0);
      for (let q = 0; q < lam0.length; q++) assert.ok(Math.abs(lam0[q] - spec.inputGrad[q]) <= F64_GRAD * norm, `${c.name} (hardware ${hw}): λ(0)[${q}] ${lam0[q]} vs ${spec.inputGrad[q]}`);
    }
  }
});

test("every forward path gives the step specification's p(n), logits, correct count, loss and predictions on the shared cases", () => {
  for (const c of CASES) {
    const spec = gradientSpec(c.model, c.p0, c.y, c.n, 1);
    const pN = spec.P[c.steps];
    for (const f of FORWARD_PATHS) {
      if (f.eq4Only && !c.eq4Only) continue;
      const r = f.forward(c);
      if (r === null) continue;
      const tag = `${f.name}, ${c.name}`;
      if (r.pN !== null) {
        for (let j = 0; j < c.k; j++) {
          let scale = 0;
          for (let s = 0; s < c.n; s++) scale = Math.max(scale, Math.abs(pN[j * c.n + s]));
          for (let s = 0; s < c.n; s++) assert.ok(Math.abs(r.pN[j * r.ld + s] - pN[j * c.n + s]) <= 1e-12 * scale, `${tag}: p_${j}(n) of sample ${s}: ${r.pN[j * r.ld + s]} vs ${pN[j * c.n + s]}`);
        }
      }
      if (r.logits !== null) {
        for (let q = 0; q < c.classes; q++) for (let s = 0; s < c.n; s++) assert.ok(Math.abs(r.logits[q * r.ld + s] - spec.logits[q * c.n + s]) <= 1e-12 * (1 + Math.abs(spec.logits[q * c.n + s])), `${tag}: logit ${q} of sample ${s}`);
      }
      assert.equal(r.correct, spec.correct, `${tag}: correct`);
      if (r.loss !== null) assert.ok(Math.abs(r.loss - spec.loss) <= F64_LOSS * Math.abs(spec.loss), `${tag}: loss ${r.loss} vs ${spec.loss}`);
      if (r.pred !== null) {
        for (let s = 0; s < c.n; s++) {
          const z = Array.from({ length: c.classes }, (_, q) => spec.logits[q * c.n + s]);
          assert.equal(r.pred[s], lossSpec(z, c.y[s]).predicted, `${tag}: prediction of sample ${s}`);
        }
      }
    }
  }
});

test("softmaxCrossEntropy (TypeScript and in-place engine) gives the loss specification's loss, correct count and scaled gradient on the shared cases' logits", () => {
  for (const c of CASES) {
    const spec = forwardSpec(c.model, c.p0, c.n);
    const scale = 1 / c.n;
    let loss = 0, correct = 0;
    const G = new Float64Array(c.classes * c.n);
    for (let s = 0; s < c.n; s++) {
      const r = lossSpec(Array.from({ length: c.classes }, (_, q) => spec.logits[q * c.n + s]), c.y[s]);
      loss += r.loss;
      if (r.predicted === c.y[s]) correct++;
      for (let q = 0; q < c.classes; q++) G[q * c.n + s] = scale * r.grad[q];
    }
    for (const engine of [false, true]) {
      const ws = createWorkspace(c.k, c.steps, c.classes, c.n, { engine });
      ws.logits.set(spec.logits);
      const out = { loss: 0, correct: 0 };
      softmaxCrossEntropy(ws, c.classes, c.n, c.y, 0, scale, out);
      assert.ok(Math.abs(out.loss - loss) <= 1e-14 * (1 + loss), `${c.name} (engine ${engine}): loss ${out.loss} vs ${loss}`);
      assert.equal(out.correct, correct);
      for (let q = 0; q < G.length; q++) assert.ok(Math.abs(ws.logits[q] - G[q]) <= 1e-15 * (1 + Math.abs(G[q])), `${c.name} (engine ${engine}): gradient ${q}`);
    }
  }
});

test("the shared cases cover the edge shapes (one oscillator, one sample, odd k, ten classes, several chunks) and every device kind", () => {
  assert.ok(CASES.some((c) => c.k === 1));
  assert.ok(CASES.some((c) => c.n === 1));
  assert.ok(CASES.some((c) => c.k % 2 === 1 && c.k > 1));
  assert.ok(CASES.some((c) => c.classes === 10));
  assert.ok(CASES.some((c) => c.n > 128));
  assert.ok(CASES.some((c) => !c.eq4Only));
  assert.ok(CASES.some((c) => c.model.devices.some((d) => d.polarity < 0)));
  // The same cases every run (seeded).
  assert.deepEqual(conformanceCases().map((c) => c.name), CASES.map((c) => c.name));
});
