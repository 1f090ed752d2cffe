// The hardware step effects' specification (src/network/spec.ts: read noise, ADC, current limit,
// DAC, relaxation — each rule beside its derivative — and the step, forward pass and adjoint with
// them) and every path that applies effects against it, on the shared cases of
// test/helpers/conformance.ts with each effect (EFFECTS: one line per effect), the exact ones
// together and all together. The specification is checked against closed forms and against
// Richardson-extrapolated central differences; the converters' straight-through derivative against
// differences of the same pass without rounding; and each check is shown to catch a small error in
// one effect's rule or derivative. The paths (hardware.ts on dynamics.ts' loop, evaluateHardware,
// the robustness trials) use blocked kernels and their own eq. 4 and exp, so they agree with the
// specification to rounding: float64, 1e-12 of each gradient array's largest entry, 1e-13 of the
// loss, 1e-12 of each oscillator's power scale (its largest |p(t)|) for p(n) and of 1 + |z| for a
// logit (as the ideal engines, test/network/spec.test.ts);
// what they promise bit for bit (the read-noise draws from a seed, correct counts) is compared
// exactly.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  forwardSpec, gradientSpec, readNoiseSpec, IDEAL_EFFECTS, EFFECT_RULES, readEffectSpec, readEffectSlopeSpec, currentEffectSpec,
  currentEffectSlopeSpec, settleEffectSpec, settleEffectSlopeFSpec, settleEffectSlopePSpec, squaredErrorSpec, backwardSpec, type EffectRules, type EffectSettings, type StepEffectsSpec,
} from "../../src/network/spec.js";
import { createModel, createGradients, type Model } from "../../src/network/model.js";
import { createWorkspace } from "../../src/network/dynamics.js";
import { eq4 } from "../../src/device/analytic.js";
import { resolveHardware, hardwareBatchGradients, createHardwareState, type Hardware } from "../../src/network/hardware.js";
import { robustnessSweep, createTrialContext, runTrials, trialEngineLabel } from "../../src/sweep/robustness.js";
import { drawDevicesResolved, resolveVariation, defaultVariationParams } from "../../src/device/variation.js";
import { nativeSweepEngine } from "../../src/node/native-sweep.js";
import type { Dataset } from "../../src/data/dataset.js";
import { Rng, deriveSeed } from "../../src/util/rng.js";
import {
  conformanceCases, largeConformanceCases, effectCases, specEffects, specMeanLoss, worstFdRatio, driveSquares, clearOfDrives, EFFECTS, EFFECT_PATHS, type ConformanceCase, type EffectCase,
} from "../helpers/conformance.js";

const CASES = conformanceCases();
const EFFECT_CASES = effectCases(CASES);

/** Float64 paths: each gradient entry within this fraction of its array's largest |entry|. */
const F64_GRAD = 1e-12;
/** Float64 losses: relative. */
const F64_LOSS = 1e-13;

const settings = (h: Hardware): EffectSettings => resolveHardware(h);

/** Central difference of a scalar function, Richardson-extrapolated. */
function derivative(f: (x: number) => number, x: number): number {
  const h = 1e-4 * Math.max(1, Math.abs(x));
  const d = (e: number): number => (f(x + e) - f(x - e)) / (2 * e);
  return (4 * d(h / 2) - d(h)) / 3;
}

test("each effect's rule: closed forms (noise, ADC and DAC levels, limit, relaxation), identity with every effect off, and its derivative against central differences where it is smooth", () => {
  // Every effect off: p̃ = p, I = s·u², p(t+1) = f, bit for bit.
  for (const p of [0, 0.3, 1e-9, 7.5]) assert.ok(Object.is(readEffectSpec(IDEAL_EFFECTS, p, 1.7), p));
  for (const [s, u] of [[1, 0.7], [-1, 0.7], [1, -2.5e-3], [-1, 3e4]]) assert.ok(Object.is(currentEffectSpec(IDEAL_EFFECTS, s, u), s * u * u));
  assert.ok(Object.is(settleEffectSpec(IDEAL_EFFECTS, 0.4, 0.9), 0.4));
  assert.equal(readEffectSlopeSpec(IDEAL_EFFECTS, 0.3, 2), 1);
  assert.equal(currentEffectSlopeSpec(IDEAL_EFFECTS, -1, 0.5), -1);
  assert.equal(settleEffectSlopeFSpec(IDEAL_EFFECTS, 0.4, 0.9), 1);
  assert.equal(settleEffectSlopePSpec(IDEAL_EFFECTS, 0.4, 0.9), 0);
  // Read noise: p + σ·ξ (absolute), p + σ·|p|·ξ (relative).
  const abs = settings({ readNoise: { sigma: 0.05 } }), rel = settings({ readNoise: { sigma: 0.1, relative: true } });
  assert.equal(readEffectSpec(abs, 0.5, -2), 0.5 - 0.1);
  assert.equal(readEffectSpec(rel, -0.5, 2), -0.5 + 0.1 * 0.5 * 2);
  // ADC, 2 bits, full scale 1: levels 0, 1/3, 2/3, 1; clipped outside [0, 1], straight through inside.
  const adc = settings({ adc: { bits: 2, fullScale: 1 } });
  assert.deepEqual([-0.2, 0.1, 0.2, 0.5, 0.9, 1.4].map((p) => readEffectSpec(adc, p, 0)), [0, 0, 1 / 3, 2 / 3, 1, 1]);
  assert.deepEqual([-0.2, 0.1, 0.9, 1.4].map((p) => readEffectSlopeSpec(adc, p, 0)), [0, 1, 1, 0]);
  // Current limit and DAC (3 bits, full scale 7: integer levels) on the magnitude, in the drive's polarity.
  const lim = settings({ currentLimit: 2 }), dac = settings({ dac: { bits: 3, fullScale: 7 } });
  assert.equal(currentEffectSpec(lim, -1, 3), -2);
  assert.equal(currentEffectSpec(lim, 1, 1), 1);
  assert.equal(currentEffectSlopeSpec(lim, -1, 3), 0);
  assert.deepEqual([0.5, 1.3, 2.2, 3].map((u) => currentEffectSpec(dac, -1, u)), [-0, -2, -5, -7]);
  assert.deepEqual([0.5, 2.2, 3].map((u) => currentEffectSlopeSpec(dac, 1, u)), [1, 4.4, 0]);
  // Relaxation: after a step of Δt/τ from p towards f, p(t+1) − f = (p − f)·exp(−Δt/τ).
  const relax = settings({ relaxation: { dtOverTau: 0.7 } });
  assert.ok(Math.abs(settleEffectSpec(relax, 0.2, 1) - (0.2 + 0.8 * Math.exp(-0.7))) <= 1e-16);
  // Smooth rules against central differences: the read in p (noise, inside the ADC range), the
  // current in u (below the limit), the relaxation in f and in p.
  const both = settings({ readNoise: { sigma: 0.2, relative: true }, adc: { bits: 30, fullScale: 4 }, currentLimit: 9, relaxation: { dtOverTau: 0.4 } });
  const smooth = { ...both, adcStep: 0 };
  for (const [p, xi] of [[0.7, 1.3], [0.4, -0.8], [2.1, 0.2]]) {
    const fd = derivative((x) => readEffectSpec(smooth, x, xi), p);
    assert.ok(Math.abs(readEffectSlopeSpec(both, p, xi) - fd) <= 1e-9 * (1 + Math.abs(fd)), `∂p̃/∂p at p = ${p}, ξ = ${xi}`);
  }
  for (const [p, xi] of [[-0.4, -0.8], [-2, 1.1]]) {
    const fd = derivative((x) => readEffectSpec(rel, x, xi), p);
    assert.ok(Math.abs(readEffectSlopeSpec(rel, p, xi) - fd) <= 1e-9 * (1 + Math.abs(fd)), `∂p̃/∂p at p = ${p}, ξ = ${xi} (relative)`);
  }
  for (const [s, u] of [[1, 0.7], [-1, -2.2], [-1, 1.4]]) {
    const fd = derivative((x) => currentEffectSpec(both, s, x), u);
    assert.ok(Math.abs(currentEffectSlopeSpec(both, s, u) - fd) <= 1e-9 * (1 + Math.abs(fd)), `∂I/∂u at u = ${u}`);
  }
  assert.ok(Math.abs(settleEffectSlopeFSpec(both, 0.3, 0.8) - derivative((f) => settleEffectSpec(both, f, 0.8), 0.3)) <= 1e-10);
  assert.ok(Math.abs(settleEffectSlopePSpec(both, 0.3, 0.8) - derivative((p) => settleEffectSpec(both, 0.3, p), 0.8)) <= 1e-10);
});

test("the step specification with effects: every effect off is the ideal step bit for bit, and one oscillator with A = 0 relaxes geometrically to its stationary power f(B²)", () => {
  const ideal: StepEffectsSpec = { settings: IDEAL_EFFECTS, noise: null };
  for (const c of CASES) {
    const a = gradientSpec(c.model, c.p0, c.y, c.n, 1 / c.n), b = gradientSpec(c.model, c.p0, c.y, c.n, 1 / c.n, ideal);
    assert.deepEqual(b.P, a.P, c.name);
    assert.deepEqual(b.logits, a.logits, c.name);
    assert.deepEqual(b.grads, a.grads, c.name);
    assert.deepEqual(b.inputGrad, a.inputGrad, c.name);
  }
  // p(t) = f + (p(0) − f)·e^t with e = exp(−Δt/τ), f = f(s·B²): the closed form of a linear relaxation.
  for (const Ic of [1, -1]) {
    const dev = eq4({ a: 4 * Ic, b: 5, Ic, Q: 2 });
    const m = createModel(1, 6, 2, dev);
    m.B.fill(1.3);
    const p0 = Float64Array.of(0, 0.2, 1.5), e = Math.exp(-0.35);
    const fOut = new Float64Array(1);
    dev.evaluate(Float64Array.of(dev.polarity * 1.3 * 1.3), fOut, null, 0, 1);
    const f = fOut[0];
    const { P } = forwardSpec(m, p0, 3, { settings: settings({ relaxation: { dtOverTau: 0.35 } }), noise: null });
    for (let t = 0; t <= 6; t++) for (let s = 0; s < 3; s++) assert.ok(Math.abs(P[t][s] - (f + (p0[s] - f) * e ** t)) <= 1e-15, `Ic = ${Ic}, t = ${t}, p(0) = ${p0[s]}`);
  }
});

test("read-noise draws: one standard normal per read, oscillator and sample in that order, none when σ = 0", () => {
  const h = settings({ readNoise: { sigma: 0.1 } });
  const xi = readNoiseSpec(h, new Rng(5), 3, 2, 4) as Float64Array[];
  const rng = new Rng(5);
  assert.equal(xi.length, 3);
  for (let t = 0; t < 3; t++) for (let q = 0; q < 12; q++) assert.ok(Object.is(xi[t][q], rng.normal()));
  const none = new Rng(5);
  assert.equal(readNoiseSpec(settings({ adc: { bits: 4, fullScale: 1 } }), none, 3, 2, 4), null);
  assert.equal(none.normal(), new Rng(5).normal(), "nothing drawn");
});

/** Smallest |u² − L|/L over a case's drives with its effects (the current limit's and DAC full scale's kink). */
function kinkDistance(e: EffectCase, fx: StepEffectsSpec): number {
  const u2 = driveSquares(e.c, fx);
  let d = Infinity;
  for (const L of [e.settings.currentLimit, e.settings.dacFull]) if (Number.isFinite(L)) for (const v of u2) d = Math.min(d, Math.abs(v - L) / L);
  return d;
}

test("the effects' adjoint specification matches Richardson-extrapolated central differences of the specification's loss on every shared case with each exact effect and with them together (A, B, W, c and λ(0), read noise fixed)", () => {
  let checked = 0;
  for (const e of EFFECT_CASES) {
    if (!e.exact) continue;
    const fx = specEffects(e);
    // Differences across the current limit's kink would not be a derivative: no drive sits near it.
    assert.ok(kinkDistance(e, fx) > 1e-4, `${e.name}: a drive within ${kinkDistance(e, fx)} of the limit`);
    const r = gradientSpec(e.c.model, e.c.p0, e.c.y, e.c.n, 1 / e.c.n, fx);
    const { ratio, at } = worstFdRatio(e.c, r.grads, r.inputGrad, () => specMeanLoss(e.c, fx));
    assert.ok(ratio <= 1, `${e.name}: ${at} (ratio ${ratio})`);
    checked++;
  }
  assert.equal(checked, CASES.length * (EFFECTS.filter((x) => x.exact).length + 1));
});

/** The converters' rules without their rounding (clip only): the functions whose derivative the straight-through estimator is. */
const UNROUNDED: EffectRules = {
  ...EFFECT_RULES,
  read: (h, p, xi) => {
    const x = EFFECT_RULES.read({ ...h, adcStep: 0 }, p, xi);
    return h.adcStep > 0 ? Math.min(Math.max(x, 0), h.adcFull) : x;
  },
  current: (h, s, u) => {
    const mag = s * EFFECT_RULES.current({ ...h, dacStep: 0 }, s, u);
    return s * (h.dacStep > 0 ? Math.min(mag, h.dacFull) : mag);
  },
};

test("the converters' straight-through derivative is the derivative of the same pass without rounding: 30-bit ADC and DAC with clipping, every effect on, against central differences", () => {
  for (const e of EFFECT_CASES.filter((x) => x.name.endsWith("every effect together")).slice(0, 8)) {
    const hw: Hardware = { ...e.hardware, adc: { bits: 30, fullScale: (e.hardware.adc as { fullScale: number }).fullScale }, dac: { bits: 30, fullScale: (e.hardware.dac as { fullScale: number }).fullScale } };
    const fine = clearOfDrives(clearOfDrives({ ...e, hardware: hw, settings: resolveHardware(hw) }, "currentLimit"), "dac");
    const fx = specEffects(fine);
    assert.ok(kinkDistance(fine, fx) > 1e-4, `${e.name}: a drive near the limit or the DAC's full scale`);
    const r = gradientSpec(e.c.model, e.c.p0, e.c.y, e.c.n, 1 / e.c.n, fx);
    const unrounded = specEffects(fine, UNROUNDED);
    // Rounding to 2^−30 of full scale moves the states by ≈ 1e-9 relative: 1e-5 allowance instead of 1e-6.
    const { ratio, at } = worstFdRatio(e.c, r.grads, r.inputGrad, () => specMeanLoss(e.c, unrounded), 1e-5);
    assert.ok(ratio <= 1, `${e.name}: ${at} (ratio ${ratio})`);
  }
});

/** A worst relative difference of two gradient results, per array (scale: the array's largest |entry|). */
function worstGradDiff(a: { A: Float64Array; B: Float64Array; W: Float64Array; c: Float64Array }, b: typeof a): { diff: number; at: string } {
  let diff = 0, at = "";
  for (const key of ["A", "B", "W", "c"] as const) {
    let norm = 0;
    for (const v of b[key]) norm = Math.max(norm, Math.abs(v));
    for (let q = 0; q < b[key].length; q++) {
      const d = Math.abs(a[key][q] - b[key][q]) / (norm || 1);
      if (d > diff) [diff, at] = [d, `∂${key}[${q}] ${a[key][q]} vs specification ${b[key][q]}`];
    }
  }
  return { diff, at };
}

test("every path that applies hardware effects gives the specification's gradient, λ(0), p(n), logits, loss and correct count on the shared cases with effects, and draws the specification's read noise bit for bit", () => {
  const ran = new Set<string>();
  for (const e of EFFECT_CASES) {
    const c = e.c, fx = specEffects(e);
    const spec = gradientSpec(c.model, c.p0, c.y, c.n, 1 / c.n, fx);
    for (const path of EFFECT_PATHS) {
      if (path.eq4Only && !c.eq4Only) continue;
      const r = path.run(e);
      if (r === null) continue;
      ran.add(path.name);
      const tag = `${path.name}, ${e.name}`;
      if (r.noise !== null) {
        assert.ok(fx.noise !== null, `${tag}: noise drawn without read noise`);
        for (let t = 0; t <= c.steps; t++) for (let j = 0; j < c.k; j++) for (let s = 0; s < c.n; s++) assert.ok(Object.is(r.noise[t][j * r.ld + s], fx.noise[t][j * c.n + s]), `${tag}: ξ(${t}) of oscillator ${j}, sample ${s}`);
      }
      if (r.grads !== null) {
        const { diff, at } = worstGradDiff(r.grads, spec.grads);
        assert.ok(diff <= F64_GRAD, `${tag}: ${at}`);
      }
      if (r.inputGrad !== null) {
        let norm = 0;
        for (const v of spec.inputGrad) norm = Math.max(norm, Math.abs(v));
        for (let j = 0; j < c.k; j++) for (let s = 0; s < c.n; s++) assert.ok(Math.abs(r.inputGrad[j * r.ld + s] - spec.inputGrad[j * c.n + s]) <= F64_GRAD * norm, `${tag}: λ(0) of oscillator ${j}, sample ${s}`);
      }
      if (r.pN !== null) {
        const pN = spec.P[c.steps];
        for (let j = 0; j < c.k; j++) {
          // The oscillator's power scale: its largest |p(t)|, t ≥ 1 (a row near threshold at t = n is still rounded on it).
          let scale = 0;
          for (let t = 1; t <= c.steps; t++) for (let s = 0; s < c.n; s++) scale = Math.max(scale, Math.abs(spec.P[t][j * c.n + s]));
          for (let s = 0; s < c.n; s++) assert.ok(Math.abs(r.pN[j * r.ld + s] - pN[j * c.n + s]) <= 1e-12 * scale, `${tag}: p_${j}(n) of sample ${s}: ${r.pN[j * r.ld + s]} vs ${pN[j * c.n + s]}`);
        }
      }
      if (r.logits !== null) {
        for (let q = 0; q < c.classes; q++) for (let s = 0; s < c.n; s++) assert.ok(Math.abs(r.logits[q * r.ld + s] - spec.logits[q * c.n + s]) <= 1e-12 * (1 + Math.abs(spec.logits[q * c.n + s])), `${tag}: logit ${q} of sample ${s}`);
      }
      if (r.loss !== null) assert.ok(Math.abs(r.loss - spec.loss) <= F64_LOSS * Math.abs(spec.loss), `${tag}: loss ${r.loss} vs specification ${spec.loss}`);
      assert.equal(r.correct, spec.correct, `${tag}: correct`);
    }
  }
  for (const p of EFFECT_PATHS) assert.ok(ran.has(p.name), `${p.name} ran`);
});

/** The case's p(0) as a test set of raw rows (the case's models have no normalisation). */
function dataset(c: ConformanceCase): Dataset {
  const x = new Float64Array(c.n * c.k);
  for (let s = 0; s < c.n; s++) for (let j = 0; j < c.k; j++) x[s * c.k + j] = c.p0[j * c.n + s];
  return { x, y: c.y, n: c.n, d: c.k, featureNames: Array.from({ length: c.k }, (_, j) => `x${j + 1}`), classNames: Array.from({ length: c.classes }, (_, q) => `${q}`) };
}

/** The specification's correct count of trial t: the devices drawn from the trial's generator, then its read noise. */
function specTrialCount(c: ConformanceCase, v: ReturnType<typeof resolveVariation>, seed: number, t: number, hw: EffectSettings | null): number {
  const rng = new Rng(deriveSeed(seed, 0, t));
  const model: Model = { ...c.model, devices: drawDevicesResolved(c.model.devices, v, rng).devices };
  const fx = hw === null ? undefined : { settings: hw, noise: readNoiseSpec(hw, rng, c.k, c.steps, c.n) };
  return gradientSpec(model, c.p0, c.y, c.n, 1, fx).correct;
}

test("evaluateHardware over several chunks of 512 samples gives the specification of consecutive blocks, each drawing its read noise after the previous one's", () => {
  const large = largeConformanceCases();
  for (const e of effectCases([large[0], large[2]]).filter((x) => x.name.endsWith("every effect together") || x.name.endsWith("absolute read noise"))) {
    const c = e.c, rng = new Rng(e.noiseSeed);
    let loss = 0, correct = 0;
    for (let start = 0; start < c.n; start += 512) {
      const nb = Math.min(512, c.n - start);
      const p0 = new Float64Array(c.k * nb);
      for (let j = 0; j < c.k; j++) p0.set(c.p0.subarray(j * c.n + start, j * c.n + start + nb), j * nb);
      const r = gradientSpec(c.model, p0, c.y.subarray(start, start + nb), nb, 1, { settings: e.settings, noise: readNoiseSpec(e.settings, rng, c.k, c.steps, nb) });
      loss += r.loss;
      correct += r.correct;
    }
    const got = EFFECT_PATHS.find((p) => p.name.startsWith("evaluateHardware"))?.run(e);
    assert.ok(got && got.loss !== null);
    assert.ok(Math.abs(got.loss - loss) <= F64_LOSS * loss, `${e.name}: loss ${got.loss} vs ${loss}`);
    assert.equal(got.correct, correct, `${e.name}: correct`);
  }
});

test("robustness trials with hardware effects and device variation count what the specification counts with the trial's drawn devices and read noise, trial by trial", () => {
  for (const e of EFFECT_CASES) {
    if (!e.name.endsWith("every effect together") && !e.name.endsWith("relative read noise")) continue;
    const c = e.c, params = defaultVariationParams(c.model.devices);
    const r = robustnessSweep(c.model, dataset(c), { params, sigmas: [0.05], relative: true, trials: 4, seed: 11, hardware: e.hardware });
    const v = resolveVariation({ params, sigma: 0.05, relative: true }, c.model.devices);
    for (let t = 0; t < 4; t++) assert.equal(r.raw[0].correct[t], specTrialCount(c, v, 11, t, e.settings), `${e.name}: trial ${t}`);
  }
});

test("robustness trials with device variation alone, on every trial kernel (fused WebAssembly, native where built, the forward pass for other curves), count what the specification counts with the trial's drawn devices", () => {
  const ran = new Set<string>();
  for (const c of CASES) {
    const params = defaultVariationParams(c.model.devices), v = resolveVariation({ params, sigma: 0.1, relative: true }, c.model.devices);
    const want = Array.from({ length: 6 }, (_, t) => specTrialCount(c, v, 13, t, null));
    for (const sweep of [null, nativeSweepEngine(1)]) {
      const ctx = createTrialContext(c.model, dataset(c), null, sweep);
      const label = trialEngineLabel(ctx, c.model.devices);
      ran.add(label.split(" ")[0]);
      const out = new Int32Array(6);
      runTrials(ctx, c.model.devices, v, 13, 0, 0, 6, out);
      assert.deepEqual(Array.from(out), want, `${label}, ${c.name}`);
    }
  }
  assert.ok(ran.has("reference") && ran.has("wasm"), `kernels that ran: ${[...ran].join(", ")}`);
});

test("a regression block with hardware effects (hardwareBatchGradients with targets) gives the specification's gradient of the squared error", () => {
  for (const e of EFFECT_CASES.filter((x) => x.name.endsWith("every effect together") || x.name.endsWith("relaxation"))) {
    const c = e.c, rng = new Rng(31), fx = specEffects(e);
    const targets = Float64Array.from({ length: c.n * c.classes }, () => rng.normal());
    // Specification: forward with effects, G = (z − y)/n from squaredErrorSpec, adjoint with effects.
    const { P, logits } = forwardSpec(c.model, c.p0, c.n, fx);
    const G = new Float64Array(c.classes * c.n);
    let loss = 0;
    for (let s = 0; s < c.n; s++) {
      const r = squaredErrorSpec(Array.from({ length: c.classes }, (_, o) => logits[o * c.n + s]), targets.subarray(s * c.classes, (s + 1) * c.classes));
      loss += r.loss;
      for (let o = 0; o < c.classes; o++) G[o * c.n + s] = r.grad[o] / c.n;
    }
    const want = createGradients(c.model);
    backwardSpec(c.model, P, G, c.n, want, fx);
    const ws = createWorkspace(c.k, c.steps, c.classes, c.n, { engine: true });
    ws.P[0].set(c.p0);
    const got = createGradients(c.model), out = { loss: 0, correct: 0 };
    hardwareBatchGradients(c.model, ws, c.n, e.settings, createHardwareState(c.k, c.steps, c.n), new Rng(e.noiseSeed), c.y, targets, 1 / c.n, got, out);
    const { diff, at } = worstGradDiff(got, want);
    assert.ok(diff <= F64_GRAD, `${e.name}: ${at}`);
    assert.ok(Math.abs(out.loss - loss) <= F64_LOSS * loss, `${e.name}: loss ${out.loss} vs ${loss}`);
  }
});

test("the checks catch a small error in any one effect: its derivative off by 1e-4 fails the differences, its rule off by 1e-9 fails the paths' comparison", () => {
  const scale = (f: (h: EffectSettings, a: number, b: number) => number, by: number) => (h: EffectSettings, a: number, b: number) => f(h, a, b) * by;
  // Derivatives: each on a case where its effect acts (and its error is not multiplied by 0).
  const pick = (effect: string): EffectCase => EFFECT_CASES.find((e) => e.c === CASES[2] && e.name.endsWith(effect)) as EffectCase;
  const derivatives: [keyof EffectRules, string][] = [["readSlope", "relative read noise"], ["readSlope", "absolute read noise"], ["currentSlope", "current limit"], ["settleSlopeF", "relaxation"], ["settleSlopeP", "relaxation"]];
  for (const [rule, effect] of derivatives) {
    const e = pick(effect), bad: EffectRules = { ...EFFECT_RULES, [rule]: scale(EFFECT_RULES[rule], 1 + 1e-4) };
    const r = gradientSpec(e.c.model, e.c.p0, e.c.y, e.c.n, 1 / e.c.n, specEffects(e, bad));
    const { ratio } = worstFdRatio(e.c, r.grads, r.inputGrad, () => specMeanLoss(e.c, specEffects(e)));
    assert.ok(ratio > 1, `${rule} off by 1e-4 (${effect}) went unnoticed (ratio ${ratio})`);
  }
  // Rules: the hardware path's gradient no longer matches the specification with one rule 1e-9 off.
  const path = EFFECT_PATHS[0];
  for (const [rule, effect] of [["read", "absolute read noise"], ["read", "ADC"], ["current", "current limit"], ["current", "DAC"], ["settle", "relaxation"]] as [keyof EffectRules, string][]) {
    const e = pick(effect), bad: EffectRules = { ...EFFECT_RULES, [rule]: scale(EFFECT_RULES[rule], 1 + 1e-9) };
    const spec = gradientSpec(e.c.model, e.c.p0, e.c.y, e.c.n, 1 / e.c.n, specEffects(e, bad));
    const got = path.run(e);
    assert.ok(got !== null && got.grads !== null);
    const { diff } = worstGradDiff(got.grads, spec.grads);
    const lossOff = Math.abs((got.loss as number) - spec.loss) / Math.abs(spec.loss);
    assert.ok(diff > F64_GRAD || lossOff > F64_LOSS || got.correct !== spec.correct, `${rule} off by 1e-9 (${effect}) went unnoticed (gradient ${diff}, loss ${lossOff})`);
  }
});

test("each effect acts on every shared case: it changes the logits, and the limit and the DAC full scale clamp some drives and not others", () => {
  for (const e of EFFECT_CASES) {
    const base = forwardSpec(e.c.model, e.c.p0, e.c.n).logits, withFx = forwardSpec(e.c.model, e.c.p0, e.c.n, specEffects(e)).logits;
    assert.ok(withFx.some((z, q) => z !== base[q]), `${e.name}: no logit changed`);
    if (e.name.endsWith(", current limit") || e.name.endsWith(", DAC")) {
      const L = Math.min(e.settings.currentLimit, e.settings.dacFull), u2 = driveSquares(e.c, specEffects(e));
      if (u2.length > 1) assert.ok(u2[0] < L && u2[u2.length - 1] > L, `${e.name}: the limit does not split the drives`);
      else assert.ok(u2[0] > L, `${e.name}: the only drive is not clamped`);
    }
  }
});
