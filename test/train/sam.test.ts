/**
 * Sharpness-aware minimisation (src/train/sam.ts): the gradient a SAM update hands to Adam is the
 * gradient of the loss at θ + ε (central finite differences of that perturbed loss), ε has the
 * documented length and direction, the same seed gives the same bits, and the SAM path with no
 * SAM step taken is the plain (resident-engine) training bit for bit.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { train, TrainingRun, resolveTrainOptions, planTraining, makeRegressionSet, makeSpiral, stratifiedSplit, eq4, createModel, fitNormalization, lossAndGradients, type Model, type TrainOptions } from "../../src/index.js";
import { samPerturb, resolveSharpness, ASAM_ETA, type SharpnessOptions } from "../../src/train/sam.js";
import { updateScales, DEPTH_REFERENCE, AUTO_DEFAULTS } from "../../src/train/train.js";
import { nativeFactory } from "../../src/node/native-engine.js";
import type { EngineFactory } from "../../src/network/engine.js";
import { InputError } from "../../src/util/errors.js";

const data = stratifiedSplit(makeSpiral({ count: 80, seed: 5 }), 1, 0.2).train;
const rows = Array.from({ length: data.n }, (_, r) => Array.from(data.x.subarray(r * data.d, (r + 1) * data.d)));
const labels = Array.from(data.y);

function copyModel(m: Model): Model {
  return { ...m, A: m.A.slice(), B: m.B.slice(), W: m.W.slice(), c: m.c.slice() };
}

function loss(m: Model): number {
  return lossAndGradients(m, rows, labels).loss;
}

function flatGradients(m: Model): Float64Array[] {
  const g = lossAndGradients(m, rows, labels).gradients;
  return [Float64Array.from(g.A.flat(2)), Float64Array.from(g.B.flat()), Float64Array.from(g.W.flat()), Float64Array.from(g.c)];
}

/**
 * Trains `epochs` full-batch epochs with SAM settings `sam` on `engine` and checks, at each
 * update, that the gradient Adam receives is the central-difference gradient of the loss at
 * θ + ε, with ε = samPerturb of the gradient at θ. Returns the largest relative error.
 */
function checkSamGradient(sam: SharpnessOptions, engine: EngineFactory | null, oscillators: number): { worst: number; moved: number } {
  const model = createModel(oscillators, 3, 2, eq4(), { inputs: data.d });
  model.normalization = fitNormalization(data);
  const o = resolveTrainOptions({ steps: 3, epochs: 3, lr: 0.05, seed: 4, evalEvery: 100, oscillators, sam }, data.n, oscillators);
  const run = new TrainingRun(model, data, o, 4, undefined, true, engine);
  const s = resolveSharpness(sam)!;
  const scales = updateScales(model, DEPTH_REFERENCE, o.fanInReference);
  let worst = 0, checked = 0, moved = 0, perturbed = 0;
  const step = run.adam.step.bind(run.adam);
  run.adam.step = (params, grads, ...rest) => {
    // The parameters are θ again here (restored after the second pass).
    const at = copyModel(run.model);
    const p = [at.A, at.B, at.W, at.c];
    const g0 = flatGradients(at);
    // No direction to move in (e.g. the dynamics' gradient while the readout W is still 0): a plain step at θ.
    if (samPerturb(p, g0, scales, s, p.map((a) => new Float64Array(a.length)))) perturbed++;
    // How far the gradient at θ + ε is from the one at θ (the check must tell them apart).
    for (let q = 0; q < 4; q++) for (let e = 0; e < p[q].length; e++) moved = Math.max(moved, Math.abs(grads[q][e] - g0[q][e]) / (1e-3 + Math.abs(g0[q][e])));
    for (let q = 0; q < 4; q++) {
      for (let e = 0; e < p[q].length; e++) {
        const keep = p[q][e];
        const h = 1e-5 * Math.max(1, Math.abs(keep));
        p[q][e] = keep + h;
        const up = loss(at);
        p[q][e] = keep - h;
        const down = loss(at);
        p[q][e] = keep;
        const fd = (up - down) / (2 * h);
        worst = Math.max(worst, Math.abs(grads[q][e] - fd) / (1e-3 + Math.abs(fd)));
        checked++;
      }
    }
    return step(params, grads, ...rest);
  };
  for (let e = 0; e < 3; e++) run.epoch();
  assert.ok(checked > 0 && perturbed > 0, `${checked} gradients checked, ${perturbed} updates perturbed`);
  return { worst, moved };
}

const native = nativeFactory(1);
const engines: [string, EngineFactory | null][] = [["WebAssembly", null], ...(native !== null ? [["native", native] as [string, EngineFactory]] : [])];

for (const [label, engine] of engines) {
  test(`SAM's update takes the gradient at θ + ε: central finite differences of the perturbed loss (${label} engine; plain, adaptive, dynamics-only; extra oscillators)`, () => {
    for (const [sam, k] of [[{ rho: 0.3 }, 2], [{ rho: 0.5, adaptive: true }, 2], [{ rho: 0.3, params: "dynamics" }, 3], [{ rho: 0.3, params: "readout" }, 3]] as [SharpnessOptions, number][]) {
      const { worst, moved } = checkSamGradient(sam, engine, k);
      assert.ok(worst <= 1e-6, `${JSON.stringify(sam)}, K = ${k}: worst relative error ${worst}`);
      assert.ok(moved >= 1e-3, `${JSON.stringify(sam)}, K = ${k}: the gradient at θ + ε is within ${moved} of the one at θ (the check could not tell them apart)`);
    }
  });
}

test("ε has length ρ in the coordinates θ/s (adaptive: θ/(s·T)) and points along s²·g (T²·s²·g); only the chosen arrays move", () => {
  const model = createModel(3, 2, 2, eq4(), { inputs: data.d });
  model.normalization = fitNormalization(data);
  for (let i = 0; i < model.A.length; i++) model.A[i] = 0.3 * Math.sin(i + 1);
  for (let i = 0; i < model.B.length; i++) model.B[i] = 1.2 + 0.1 * Math.cos(i);
  for (let i = 0; i < model.W.length; i++) model.W[i] = Math.sin(3 * i);
  const g = flatGradients(model);
  const scales = updateScales(model, DEPTH_REFERENCE, 64);
  const sAt = (q: number, e: number) => (typeof scales[q] === "number" ? (scales[q] as number) : (scales[q] as Float64Array)[e]);
  for (const sam of [{ rho: 0.2 }, { rho: 0.2, adaptive: true }, { rho: 0.2, params: "readout" }] as SharpnessOptions[]) {
    const s = resolveSharpness(sam)!;
    const m = copyModel(model);
    const before = [model.A, model.B, model.W, model.c];
    const p = [m.A, m.B, m.W, m.c];
    const saved = p.map((a) => new Float64Array(a.length));
    assert.ok(samPerturb(p, g, scales, s, saved));
    let len2 = 0, dot = 0, n1 = 0, n2 = 0;
    for (let q = 0; q < 4; q++) {
      const moves = s.params === "all" || q >= 2;
      for (let e = 0; e < p[q].length; e++) {
        const eps = p[q][e] - before[q][e];
        if (!moves) { assert.equal(eps, 0); continue; }
        const se = sAt(q, e), t = s.adaptive ? Math.abs(before[q][e]) / se + ASAM_ETA : 1;
        const u = eps / (se * t);
        len2 += u * u;
        const dir = t * t * se * se * g[q][e];
        dot += eps * dir, n1 += eps * eps, n2 += dir * dir;
        assert.ok(Object.is(saved[q][e], before[q][e]));
      }
    }
    assert.ok(Math.abs(Math.sqrt(len2) - 0.2) < 1e-9, `${JSON.stringify(sam)}: length ${Math.sqrt(len2)}`);
    assert.ok(Math.abs(dot / Math.sqrt(n1 * n2) - 1) < 1e-9, `${JSON.stringify(sam)}: not along the scaled gradient`);
  }
  // A zero gradient has no direction: nothing moves.
  const z = copyModel(model);
  const zeros = [z.A, z.B, z.W, z.c].map((a) => new Float64Array(a.length));
  assert.equal(samPerturb([z.A, z.B, z.W, z.c], zeros, scales, resolveSharpness({ rho: 1 })!, zeros.map((a) => a.slice())), false);
  assert.deepEqual(z.A, model.A);
});

for (const [label, engine] of engines) {
  test(`SAM training: the same seed gives the same bits, and the SAM path taking no SAM step equals plain training bit for bit (${label} engine)`, () => {
    const opts: TrainOptions = { devices: eq4(), seed: 3, updates: 120, engine };
    const run = (extra: Partial<TrainOptions>) => train(data, { ...opts, ...extra }).model;
    const a = run({ sam: { rho: 0.1, start: 0.5 } }), b = run({ sam: { rho: 0.1, start: 0.5 } });
    const plain = run({ sam: null }), idle = run({ sam: { rho: 0.1, every: 1e9 } }), sam = run({ sam: { rho: 0.1 } });
    for (const key of ["A", "B", "W", "c"] as const) {
      for (let e = 0; e < a[key].length; e++) {
        assert.ok(Object.is(a[key][e], b[key][e]), `${key}[${e}]: ${a[key][e]} vs ${b[key][e]}`);
        assert.ok(Object.is(plain[key][e], idle[key][e]), `${key}[${e}]: plain ${plain[key][e]} vs SAM path without a SAM step ${idle[key][e]}`);
      }
    }
    assert.ok(["A", "B", "W", "c"].some((key) => sam[key as "A"].some((v, e) => v !== plain[key as "A"][e])), "SAM changed nothing");
  });
}

test("bad SAM settings are refused naming the setting", () => {
  const bad: [unknown, RegExp][] = [
    [{ rho: 0 }, /sam rho must be > 0/],
    [{ rho: -1 }, /sam rho/],
    [{ rho: 0.1, start: 1 }, /sam start must be a fraction below 1/],
    [{ rho: 0.1, every: 0 }, /sam every must be an integer/],
    [{ rho: 0.1, params: "W" }, /sam params must be one of all, dynamics, readout/],
    [{ rho: 0.1, adaptive: "yes" }, /sam adaptive must be true or false/],
    [0.1, /sam must be an object/],
  ];
  for (const [sam, re] of bad) assert.throws(() => resolveTrainOptions({ epochs: 1, sam: sam as SharpnessOptions }), (e: unknown) => e instanceof InputError && re.test(e.message), JSON.stringify(sam));
  assert.throws(() => resolveTrainOptions({ epochs: 1, sam: { rho: 0.1 }, hardware: { readNoise: { sigma: 0.01 } } }), /sam cannot be combined with hardware effects/);
});

test("the automatic budget trains small classification sets without a validation split with AUTO_DEFAULTS.smallSam, and nothing else", () => {
  const small = stratifiedSplit(makeSpiral({ count: 150, seed: 2 }), 0, 0.2).train;
  const large = stratifiedSplit(makeSpiral({ count: 400, seed: 2 }), 0, 0.2).train;
  const plan = (ds: typeof small, o: Partial<TrainOptions> = {}) => planTraining({ ...o }, ds).options.sam;
  assert.deepEqual(plan(small), resolveSharpness(AUTO_DEFAULTS.smallSam));
  assert.equal(plan(small, { sam: null }), null);
  assert.deepEqual(plan(small, { sam: { rho: 0.05 } }), resolveSharpness({ rho: 0.05 }));
  assert.equal(plan(large), null, "a run with a validation split");
  assert.equal(plan(small, { epochs: 10 }), null, "explicit epochs");
  assert.equal(plan(small, { hardware: { readNoise: { sigma: 0.01 } } }), null, "hardware effects");
  const reg = makeRegressionSet("plane", { count: 120, seed: 1 });
  assert.equal(plan(reg), null, "regression");
});
