// The cases and the engines of the conformance tests, in one place: every engine (and every
// forward path) is tested against the specification of src/network/spec.ts on the same randomly
// generated cases (test/network/spec.test.ts). Adding an engine means adding one line to
// GRADIENT_ENGINES (and, if it exposes its states, to FORWARD_PATHS). The same cases with hardware
// step effects (EFFECTS: one line per effect) run every path that applies effects (EFFECT_PATHS)
// against the specification with effects (test/network/effects-spec.test.ts).
import { createModel, createGradients, type Model, type Gradients } from "../../src/network/model.js";
import { eq3, eq4 } from "../../src/device/analytic.js";
import { tableCurve } from "../../src/device/table.js";
import type { DeviceCurve } from "../../src/device/curve.js";
import { createWorkspace, forward, softmaxCrossEntropy, writeEngineDevices, tableKernelSize } from "../../src/network/dynamics.js";
import { wasm64Factory, wasm32Factory, type EngineFactory, type Precision } from "../../src/network/engine.js";
import { forwardHardware, backwardHardware, createHardwareState, resolveHardware, hardwareBatchGradients } from "../../src/network/hardware.js";
import { batchGradients, engineBatchGradients, createChunkScratch } from "../../src/train/chunks.js";
import { createFastTrials } from "../../src/sweep/fast-trials.js";
import type { SweepEngine } from "../../src/sweep/fast-trials.js";
import { nativeFactory } from "../../src/node/native-engine.js";
import { native32Factory } from "../../src/node/native-engine32.js";
import { nativeSweepEngine } from "../../src/node/native-sweep.js";
import { eq4RowParams, EQ4_PACKED, EQ4_PACKED_DRIVE } from "../../src/device/eq4.js";
import type { Eq4Curve } from "../../src/device/analytic.js";
import { Rng } from "../../src/util/rng.js";
import { evaluateHardware, type Hardware, type ResolvedHardware } from "../../src/network/hardware.js";
import { forwardSpec, lossSpec, readNoiseSpec, readSpec, driveRowSpec, type StepEffectsSpec, type EffectRules } from "../../src/network/spec.js";

/** One network, one block of inputs and labels. */
export interface ConformanceCase {
  /** Shape and device kind, for messages. */
  name: string;
  k: number;
  steps: number;
  classes: number;
  /** Samples in the block. */
  n: number;
  model: Model;
  /** p(0), oscillator-major (k·n, sample s of oscillator j at j·n + s), in [0, 1]. */
  p0: Float64Array;
  y: Int32Array;
  /** Every device is eq. 4 (the batch engines and the robustness trial run only these). */
  eq4Only: boolean;
  /** Every device is eq. 4 or a table (the engines with a table kernel run these too). */
  tablesOnly?: boolean;
}

/** How a case's devices are drawn. */
type DeviceKind = "unit" | "physical" | "mixed";

/** Shapes every run covers: one oscillator, one sample, odd k, ten classes, several chunks of 128. */
const EDGE_SHAPES: [number, number, number, number, DeviceKind][] = [
  [1, 1, 2, 1, "unit"],
  [1, 3, 3, 17, "physical"],
  [2, 4, 2, 33, "unit"],
  [3, 2, 2, 1, "physical"],
  [4, 1, 10, 7, "unit"],
  [5, 3, 4, 13, "mixed"],
  [7, 2, 3, 130, "unit"],
  [13, 2, 5, 37, "physical"],
];

/**
 * The shared cases: the edge shapes above and `random` more with shapes drawn from `seed`
 * (k 1–9, 1–4 steps, 2–6 classes, 1–150 samples). Devices are eq. 4 with random a, b, Q, P0 and
 * polarity per oscillator — "unit": Ic = ±(0.8–1.2); "physical": currents and powers in SI-like
 * units (|Ic| from 1e-5 to 10, P0 from 1e-9 to 10) — or "mixed": eq. 3 and eq. 4 oscillators
 * (the reference paths only). Drives put the curves in their sensitive range (|I| near b/a; eq. 3
 * well above threshold), A(t) couples with a relative spread of about 25 %.
 */
export function conformanceCases(seed = 1, random = 4): ConformanceCase[] {
  const rng = new Rng(seed);
  const shapes = EDGE_SHAPES.slice();
  const kinds: DeviceKind[] = ["unit", "physical", "mixed"];
  for (let r = 0; r < random; r++) shapes.push([1 + rng.int(9), 1 + rng.int(4), 2 + rng.int(5), 1 + rng.int(150), kinds[r % 3]]);
  return shapes.map(([k, steps, classes, n, kind], q) => makeCase(k, steps, classes, n, kind, new Rng(seed * 1000 + q)));
}

/**
 * Larger networks, eq. 4 devices as in {@link conformanceCases}: 800 samples (several chunks of 128
 * and inference windows of 512); k = 9 with 301 samples (chunks of 75–76, whose boundaries fall
 * inside a vector, with transposes, k ≥ 8); k = 3 with 1001 samples (eight chunks of 125–126, which
 * the native engine keeps in vector lanes, one chunk shorter than the others); and two large enough for the native engine's threads
 * (k²·batch ≥ 2·10⁵ multiply–adds): k = 64 (4 steps, 10 classes, 300 samples) and k = 150 (2
 * steps, 10 classes, 70 samples). For the engine comparisons, not for finite differences.
 */
export function largeConformanceCases(seed = 1): ConformanceCase[] {
  return [
    makeCase(2, 4, 2, 800, "unit", new Rng(seed * 1000 + 900)),
    makeCase(9, 3, 5, 301, "physical", new Rng(seed * 1000 + 903)),
    makeCase(3, 2, 3, 1001, "unit", new Rng(seed * 1000 + 904)),
    makeCase(64, 4, 10, 300, "unit", new Rng(seed * 1000 + 901)),
    makeCase(150, 2, 10, 70, "physical", new Rng(seed * 1000 + 902)),
  ];
}

/**
 * The shared cases' table copies: each case of {@link conformanceCases} and {@link largeConformanceCases}
 * whose devices are all eq. 4, with every oscillator but each third one given a table device
 * (`"model": "table"`) tabulated from its eq. 4 curve at 6–40 nodes with jittered spacing over
 * 0.4–1.6 times its drive centre on its polarity side — so that currents fall between nodes, and
 * below and above the nodes — alternately clamped and linearly extended. The kept eq. 4 oscillators
 * make mixed networks (a table row beside an eq. 4 row in one step). `eq4Only` is false and
 * `tablesOnly` true: the engines with a table kernel run them.
 */
export function tableConformanceCases(seed = 1): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  for (const c of [...conformanceCases(seed), ...largeConformanceCases(seed)]) {
    if (!c.eq4Only) continue;
    const rng = new Rng(seed * 7919 + out.length);
    const devices = c.model.devices.map((d, i) => {
      if (i % 3 === 2) return d;
      const e = d as Eq4Curve;
      const centre = e.b / Math.abs(e.a);
      const n = 6 + ((i * 7 + out.length) % 35);
      const xs: number[] = [], ys: number[] = [];
      for (let q = 0; q < n; q++) {
        const f = (q + 0.35 * (rng.uniform() - 0.5) * (q > 0 && q < n - 1 ? 1 : 0)) / (n - 1);
        const I = e.polarity * centre * (0.4 + 1.2 * f);
        xs.push(I);
        ys.push(e.power(I));
      }
      return tableCurve(xs, ys, { extrapolation: i % 2 === 0 ? "clamp" : "linear" });
    });
    const model = { ...c.model, devices };
    out.push({ ...c, name: `${c.name} tables`, model, eq4Only: false, tablesOnly: true });
  }
  return out;
}

function makeCase(k: number, steps: number, classes: number, n: number, kind: DeviceKind, rng: Rng): ConformanceCase {
  const devices: DeviceCurve[] = [];
  const center: number[] = [];
  for (let i = 0; i < k; i++) {
    const s = rng.uniform() < 0.5 ? -1 : 1;
    const S = kind === "physical" ? 10 ** (-5 + 6 * rng.uniform()) : 1;
    const P0 = kind === "physical" ? 10 ** (-9 + 10 * rng.uniform()) : rng.uniform() < 0.5 ? 1 : 0.5 + 2 * rng.uniform();
    const Ic = s * S * (0.8 + 0.4 * rng.uniform());
    const Q = 0.5 + 2 * rng.uniform();
    if (kind === "mixed" && i % 2 === 1) {
      devices.push(eq3({ Ic, Q, P0 }));
      center.push(2.5 * Math.abs(Ic));
    } else {
      const alpha = 3 + 2 * rng.uniform(), b = 4 + 2 * rng.uniform();
      devices.push(eq4({ a: (s * alpha) / S, b, Ic, Q, P0 }));
      center.push((b * S) / alpha);
    }
  }
  const m = createModel(k, steps, classes, devices);
  const pScale = Math.max(...devices.map((d) => (d as unknown as { P0: number }).P0));
  for (let t = 0; t < steps; t++) {
    for (let i = 0; i < k; i++) {
      const B = Math.sqrt(center[i] * (1 + 0.15 * rng.normal()));
      m.B[t * k + i] = rng.uniform() < 0.5 ? B : -B;
      // Eq. 3 rows couple weakly, so that their drive stays far above threshold.
      const spread = (devices[i].model === "eq3" ? 0.04 : 0.25) * B / Math.sqrt(k) / (t === 0 ? 1 : pScale);
      for (let j = 0; j < k; j++) m.A[t * k * k + i * k + j] = spread * rng.normal();
    }
  }
  for (let q = 0; q < m.W.length; q++) m.W[q] = (2 * rng.normal()) / pScale;
  for (let q = 0; q < m.c.length; q++) m.c[q] = rng.normal();
  const p0 = new Float64Array(k * n).map(() => rng.uniform());
  const y = new Int32Array(n).map(() => rng.int(classes));
  return { name: `k=${k} steps=${steps} classes=${classes} n=${n} ${kind}`, k, steps, classes, n, model: m, p0, y, eq4Only: kind !== "mixed" };
}

/** An engine's batch gradient of ∂(mean loss), summed loss and correct count. */
export interface GradientResult {
  loss: number;
  correct: number;
  grads: Gradients;
}

/** An engine under test: its gradient of a case, or null where it cannot run here (native not built, WebAssembly missing). */
export interface GradientEngine {
  name: string;
  /** float64: the specification's tolerance for float64; float32: the float32 engines' documented tolerance. */
  precision: Precision;
  /** Runs only cases whose devices are all eq. 4. */
  eq4Only: boolean;
  /** With eq4Only: runs the table cases too ({@link tableConformanceCases}). */
  tables?: boolean;
  gradient(c: ConformanceCase): GradientResult | null;
}

/**
 * dynamics.ts' chunked batch gradient (src/train/chunks.ts) on a workspace with or without the
 * in-place WebAssembly engine (with room for the case's table devices when `tables`).
 */
function workspacePath(name: string, engine: boolean, tables = false): GradientEngine {
  return {
    name, precision: "float64", eq4Only: false, tables,
    gradient(c) {
      const ws = createWorkspace(c.k, c.steps, c.classes, Math.min(c.n, 128), { engine, tables: tables ? tableKernelSize(c.model.devices) : 0 });
      const grads = createGradients(c.model);
      const out = { loss: 0, correct: 0 };
      batchGradients(c.model, ws, c.p0, c.n, c.y, c.n, grads, out, createChunkScratch(c.model, c.n));
      return { ...out, grads };
    },
  };
}

/** The hardware-aware pass (src/network/hardware.ts) with no effects, on one block. */
function hardwarePath(): GradientEngine {
  return {
    name: "hardware path without effects", precision: "float64", eq4Only: false,
    gradient(c) {
      const ws = createWorkspace(c.k, c.steps, c.classes, c.n);
      const st = createHardwareState(c.k, c.steps, c.n);
      const h = resolveHardware({});
      ws.P[0].set(c.p0);
      forwardHardware(c.model, ws, c.n, h, st, null, true);
      const out = { loss: 0, correct: 0 };
      softmaxCrossEntropy(ws, c.classes, c.n, c.y, 0, 1 / c.n, out);
      const grads = createGradients(c.model);
      backwardHardware(c.model, ws, c.n, h, st, grads);
      return { ...out, grads };
    },
  };
}

/** A batch engine ({@link EngineFactory}): the whole block as one batch in chunks of up to 128. */
function batchEngine(name: string, factory: () => EngineFactory | null, tables = false): GradientEngine {
  let f: EngineFactory | null | undefined;
  return {
    name, precision: name.endsWith("32") ? "float32" : "float64", eq4Only: true, tables,
    gradient(c) {
      if (f === undefined) f = factory();
      const en = f?.create(c.k, c.steps, c.classes, Math.min(c.n, 128), c.n) ?? null;
      if (en === null) return null;
      en.X.set(c.p0);
      en.y.set(c.y);
      const grads = createGradients(c.model);
      const out = { loss: 0, correct: 0 };
      if (!engineBatchGradients(c.model, en, c.n, grads, out)) throw new Error(`${name}: a device has no kernel in this engine`);
      return { ...out, grads };
    },
  };
}

/** Every engine that computes a training gradient: one line each. */
export const GRADIENT_ENGINES: GradientEngine[] = [
  workspacePath("reference (TypeScript)", false),
  workspacePath("reference on the in-place WebAssembly engine", true),
  workspacePath("in-place WebAssembly engine with table devices", true, true),
  hardwarePath(),
  batchEngine("wasm64", wasm64Factory),
  batchEngine("wasm32", wasm32Factory),
  batchEngine("native", () => nativeFactory(1), true),
  batchEngine("native32", () => native32Factory(1)),
];

/**
 * What a forward path shows of a case: the correct count, and where it keeps them p(n) (k rows of
 * stride `ld`), the logits (classes rows of stride `ld`), the summed loss and the predicted classes.
 */
export interface ForwardResult {
  correct: number;
  ld: number;
  pN: Float64Array | null;
  logits: Float64Array | null;
  loss: number | null;
  pred: Int32Array | null;
}

/** A forward path under test (inference, the robustness trial). */
export interface ForwardPath {
  name: string;
  eq4Only: boolean;
  /** With eq4Only: runs the table cases too ({@link tableConformanceCases}). */
  tables?: boolean;
  forward(c: ConformanceCase): ForwardResult | null;
}

function countOf(logits: Float64Array, ld: number, classes: number, n: number, y: Int32Array): number {
  let correct = 0;
  for (let s = 0; s < n; s++) {
    let best = -Infinity, arg = 0;
    for (let q = 0; q < classes; q++) if (logits[q * ld + s] > best) [best, arg] = [logits[q * ld + s], q];
    if (arg === y[s]) correct++;
  }
  return correct;
}

/** dynamics.ts' forward on a workspace (capacity n + 3, so rows have a stride) with or without the in-place engine (with room for table devices when `tables`). */
function forwardPath(name: string, engine: boolean, tables = false): ForwardPath {
  return {
    name, eq4Only: false, tables,
    forward(c) {
      const ws = createWorkspace(c.k, c.steps, c.classes, c.n + 3, { engine, tables: tables ? tableKernelSize(c.model.devices) : 0 });
      for (let j = 0; j < c.k; j++) ws.P[0].set(c.p0.subarray(j * c.n, (j + 1) * c.n), j * ws.capacity);
      forward(c.model, ws, c.n, false);
      return { pN: ws.P[c.steps], ld: ws.capacity, correct: countOf(ws.logits, ws.capacity, c.classes, c.n, c.y), logits: ws.logits, loss: null, pred: null };
    },
  };
}

function hardwareForward(): ForwardPath {
  return {
    name: "hardware path without effects", eq4Only: false,
    forward(c) {
      const ws = createWorkspace(c.k, c.steps, c.classes, c.n);
      ws.P[0].set(c.p0);
      forwardHardware(c.model, ws, c.n, resolveHardware({}), createHardwareState(c.k, c.steps, c.n), null, false);
      return { pN: ws.P[c.steps], ld: c.n, correct: countOf(ws.logits, c.n, c.classes, c.n, c.y), logits: ws.logits, loss: null, pred: null };
    },
  };
}

/** Packs a case's eq. 4 devices into a trial's parameter block at `at`. */
function packDevices(c: ConformanceCase, par: Float64Array, at: number): void {
  c.model.devices.forEach((d, i) => {
    const e = d as Eq4Curve;
    eq4RowParams(e.a, e.b, e.Ic, e.Q, e.P0, par, at + EQ4_PACKED_DRIVE * i);
    par[at + EQ4_PACKED_DRIVE * i + EQ4_PACKED] = e.polarity;
  });
}

/** The robustness trial of src/sweep/fast-trials.ts with the case's own devices (no screen: float64 states). */
function trialPath(backend: "ts" | "wasm"): ForwardPath {
  return {
    name: `robustness trial (${backend})`, eq4Only: true,
    forward(c) {
      const f = createFastTrials(c.model, c.p0, c.n, c.n, c.y, c.model.devices.map((d) => d.polarity), backend, 0);
      packDevices(c, f.par, 0);
      const correct = f.run();
      return { pN: f.state(), ld: f.n8, correct, logits: null, loss: null, pred: null };
    },
  };
}

/** The native sweep's float64 trial (trial 1 of a block of 2), where the addon is built. */
function nativeTrialPath(engine: () => SweepEngine | null): ForwardPath {
  return {
    name: "robustness trial (native)", eq4Only: true,
    forward(c) {
      const b = engine()?.create(c.model, c.p0, c.n, c.n, c.y, c.model.devices.map((d) => d.polarity), 2, 0) ?? null;
      if (b === null) return null;
      packDevices(c, b.par, EQ4_PACKED_DRIVE * c.k);
      const r = b.state(1);
      return { pN: r.state, ld: r.n8, correct: r.correct, logits: null, loss: null, pred: null };
    },
  };
}

/** The native engine's inference (loss, correct count, predictions), where the addon is built. */
function nativeInferencePath(): ForwardPath {
  return {
    name: "native inference", eq4Only: true, tables: true,
    forward(c) {
      const ne = nativeFactory(1)?.createInference?.(c.k, c.steps, c.classes, c.n, c.n) ?? null;
      if (ne === null) return null;
      if (!writeEngineDevices(c.model, ne)) throw new Error("native inference: a device has no kernel in it");
      ne.setParams(c.model.A, c.model.B, c.model.W, c.model.c);
      ne.X.set(c.p0);
      ne.y.set(c.y);
      ne.evaluate(0, c.n);
      return { pN: null, ld: c.n, correct: ne.out[1], logits: null, loss: ne.out[0], pred: ne.pred.slice(0, c.n) };
    },
  };
}

/** Every forward path: one line each. */
export const FORWARD_PATHS: ForwardPath[] = [
  forwardPath("forward (TypeScript)", false),
  forwardPath("forward on the in-place WebAssembly engine", true),
  forwardPath("forward on the in-place WebAssembly engine with table devices", true, true),
  hardwareForward(),
  trialPath("ts"),
  trialPath("wasm"),
  nativeTrialPath(() => nativeSweepEngine(1)),
  nativeInferencePath(),
];


/** The mean loss of a case by the specification alone (forwardSpec and lossSpec), with hardware effects when given. */
export function specMeanLoss(c: ConformanceCase, effects?: StepEffectsSpec): number {
  const m = c.model;
  const { logits } = forwardSpec(m, c.p0, c.n, effects);
  const z = new Float64Array(m.classes);
  let loss = 0;
  for (let s = 0; s < c.n; s++) {
    for (let q = 0; q < m.classes; q++) z[q] = logits[q * c.n + s];
    loss += lossSpec(z, c.y[s]).loss;
  }
  return loss / c.n;
}

/**
 * The worst ratio, over every parameter and the p(0) entries of the first three samples of a case, of |analytic − numeric| to
 * its allowance rel·(|analytic| + |numeric|) + 1e-14·(1 + |ℓ|)/h (rel = 1e-6 unless given), the numeric derivative being
 * Richardson's extrapolation of central differences of `loss` (the case's mean loss, which reads the case's parameters and
 * p(0) in place), (4·D(h/2) − D(h))/3 (error O(h⁴)), with h 1e-5 of the entry (at least a tenth of its block's rms: each
 * A(t), B(t), W, c, p(0)). ≤ 1 passes.
 */
export function worstFdRatio(c: ConformanceCase, grads: Gradients, inputGrad: Float64Array, loss: () => number, rel = 1e-6): { ratio: number; at: string } {
  const { k, model: m } = c;
  const blocks: [string, Float64Array, Float64Array][] = [];
  for (let t = 0; t < c.steps; t++) {
    blocks.push([`A(${t})`, m.A.subarray(t * k * k, (t + 1) * k * k), grads.A.subarray(t * k * k, (t + 1) * k * k)]);
    blocks.push([`B(${t})`, m.B.subarray(t * k, (t + 1) * k), grads.B.subarray(t * k, (t + 1) * k)]);
  }
  blocks.push(["W", m.W, grads.W], ["c", m.c, grads.c], ["p(0)", c.p0, inputGrad]);
  // λ(0): every oscillator of the first three samples (each sample's is the same recursion).
  const checked = (name: string, q: number): boolean => name !== "p(0)" || q % c.n < 3;
  const L = Math.abs(loss());
  let ratio = 0, at = "";
  for (const [name, theta, g] of blocks) {
    let rms = 0;
    for (const v of theta) rms += v * v;
    rms = Math.sqrt(rms / theta.length);
    for (let q = 0; q < theta.length; q++) {
      if (!checked(name, q)) continue;
      const keep = theta[q];
      const h = 1e-5 * Math.max(Math.abs(keep), 0.1 * rms);
      const central = (d: number): number => {
        theta[q] = keep + d;
        const up = loss();
        theta[q] = keep - d;
        const dn = loss();
        theta[q] = keep;
        return (up - dn) / (2 * d);
      };
      const fd = (4 * central(h / 2) - central(h)) / 3;
      const r = Math.abs(g[q] - fd) / (rel * (Math.abs(g[q]) + Math.abs(fd)) + (1e-14 * (1 + L)) / h);
      if (r > ratio) [ratio, at] = [r, `${name}[${q}]: ${g[q]} vs numeric ${fd}`];
    }
  }
  return { ratio, at };
}

// ————————————————————————————————————————————————————————————————————————————————————————————
// Hardware step effects on the shared cases.

/** A case's own scales, for effect settings that act on it: from its states and drives with or without effects. */
export interface CaseScales {
  /** Median |power| over the states p(1..n), power units. */
  p: number;
  /** A |power| between the 85th and 95th percentile of |p(1..n)|, in the widest gap between two of them (an ADC full scale that clips some, with no power near it). */
  pHigh: number;
  /** A squared drive u² between the 30th and 70th percentile, in the widest gap between two of them (a current limit that clamps some, with no drive near it), current units. */
  iMid: number;
  /** The same between the 75th and 90th percentile (a DAC full scale). */
  iHigh: number;
}

/**
 * Every hardware step effect, one line each: its name, whether its derivative is exact (else the
 * straight-through estimator, not comparable with differences of the rounded pass), and its
 * setting on a case from the case's scales. Adding an effect is one line here (plus the
 * specification's rule and the kernel).
 */
export const EFFECTS: { name: string; exact: boolean; hardware(s: CaseScales): Hardware }[] = [
  { name: "absolute read noise", exact: true, hardware: (s) => ({ readNoise: { sigma: 0.05 * s.p } }) },
  { name: "relative read noise", exact: true, hardware: () => ({ readNoise: { sigma: 0.1, relative: true } }) },
  { name: "ADC", exact: false, hardware: (s) => ({ adc: { bits: 6, fullScale: s.pHigh } }) },
  { name: "current limit", exact: true, hardware: (s) => ({ currentLimit: s.iMid }) },
  { name: "DAC", exact: false, hardware: (s) => ({ dac: { bits: 5, fullScale: s.iHigh } }) },
  { name: "relaxation", exact: true, hardware: () => ({ relaxation: { dtOverTau: 0.7 } }) },
];

/** A shared case with hardware effects. */
export interface EffectCase {
  /** The case's and the effects' names, for messages. */
  name: string;
  /** The case (network, p(0), labels). */
  c: ConformanceCase;
  /** The effects as a user gives them. */
  hardware: Hardware;
  /** The same resolved (the specification's `EffectSettings`). */
  settings: ResolvedHardware;
  /** The read noise is drawn from `new Rng(noiseSeed)`. */
  noiseSeed: number;
  /** Every effect has an exact derivative (no converter). */
  exact: boolean;
}

/** The squared drives u² of every step of a case's forward pass (measured powers when `effects`), sorted. */
export function driveSquares(c: ConformanceCase, effects?: StepEffectsSpec): Float64Array {
  const { P } = forwardSpec(c.model, c.p0, c.n, effects);
  const u = new Float64Array(c.n), out: number[] = [];
  for (let t = 0; t < c.steps; t++) {
    const pm = effects === undefined ? P[t] : readSpec(effects, t, P[t], c.k, c.n).value;
    for (let i = 0; i < c.k; i++) {
      driveRowSpec(c.model, t, i, pm, u, c.n);
      for (let s = 0; s < c.n; s++) out.push(u[s] * u[s]);
    }
  }
  return Float64Array.from(out).sort();
}

/** The middle of the widest gap between consecutive sorted values whose ranks lie in [lo, hi] (fractions). */
function widestGap(v: Float64Array, lo: number, hi: number): number {
  const a = Math.max(0, Math.floor(lo * (v.length - 1))), b = Math.max(a + 1, Math.ceil(hi * (v.length - 1)));
  if (v.length < 2) return 0.5 * v[0];
  let best = a;
  for (let q = a; q < Math.min(b, v.length - 1); q++) if (v[q + 1] - v[q] > v[best + 1] - v[best]) best = q;
  return best + 1 < v.length ? 0.5 * (v[best] + v[best + 1]) : 1.5 * v[best];
}

/** The scales of a case from its ideal forward pass (the specification's). */
export function caseScales(c: ConformanceCase): CaseScales {
  const { P } = forwardSpec(c.model, c.p0, c.n);
  const pAbs = Float64Array.from(P.slice(1).flatMap((x) => Array.from(x, Math.abs))).sort();
  const u2 = driveSquares(c);
  return { p: pAbs[pAbs.length >> 1], pHigh: widestGap(pAbs, 0.85, 0.95), iMid: widestGap(u2, 0.3, 0.7), iHigh: widestGap(u2, 0.75, 0.9) };
}

/** The specification's effects of an effect case: its settings and its noise, drawn by `readNoiseSpec` from its seed. */
export function specEffects(e: EffectCase, rules?: EffectRules): StepEffectsSpec {
  const { k, steps, n } = e.c;
  return { settings: e.settings, noise: readNoiseSpec(e.settings, new Rng(e.noiseSeed), k, steps, n), rules };
}

/**
 * Moves a current limit or DAC full scale L (u² units) off the drives of the pass it changes: while
 * a drive u² of the case with these effects lies within 1e-4·L of L, L goes to the middle of the
 * widest gap between the drives ranked within 5 % of it (differences across the kink would not be a
 * derivative).
 */
export function clearOfDrives(e: EffectCase, key: "currentLimit" | "dac"): EffectCase {
  for (let round = 0; round < 6; round++) {
    const L = key === "currentLimit" ? e.settings.currentLimit : e.settings.dacFull;
    const u2 = driveSquares(e.c, specEffects(e));
    let at = 0;
    while (at < u2.length && u2[at] < L) at++;
    const near = (at < u2.length && u2[at] - L < 1e-4 * L) || (at > 0 && L - u2[at - 1] < 1e-4 * L);
    if (!near || u2.length < 2) return e;
    const spread = Math.max(2, Math.round(0.05 * u2.length)) / u2.length, rank = at / u2.length;
    const moved = widestGap(u2, Math.max(0, rank - spread), Math.min(1, rank + spread));
    const hardware: Hardware = key === "currentLimit" ? { ...e.hardware, currentLimit: moved } : { ...e.hardware, dac: { bits: (e.hardware.dac as { bits: number }).bits, fullScale: moved } };
    e = { ...e, hardware, settings: resolveHardware(hardware) };
  }
  return e;
}

/** Each shared case with each effect alone, the exact ones together and all together. */
export function effectCases(cases: readonly ConformanceCase[]): EffectCase[] {
  const out: EffectCase[] = [];
  cases.forEach((c, q) => {
    const sc = caseScales(c);
    const sets: [string, Hardware, boolean][] = EFFECTS.map((e) => [e.name, e.hardware(sc), e.exact]);
    const merge = (list: typeof sets): Hardware => Object.assign({}, ...list.map((x) => x[1])) as Hardware;
    sets.push(["the exact effects together", merge(sets.filter((x) => x[2])), true]);
    sets.push(["every effect together", merge(sets.slice(0, EFFECTS.length)), false]);
    sets.forEach(([name, hardware, exact], r) => {
      let e: EffectCase = { name: `${c.name}, ${name}`, c, hardware, settings: resolveHardware(hardware), noiseSeed: 7000 + 100 * q + r, exact };
      if (hardware.currentLimit !== undefined) e = clearOfDrives(e, "currentLimit");
      if (hardware.dac !== undefined) e = clearOfDrives(e, "dac");
      out.push(e);
    });
  });
  return out;
}

/** What a path that applies effects shows of an effect case (null: it does not expose it). */
export interface EffectResult {
  /** Summed loss (softmax cross-entropy). */
  loss: number | null;
  correct: number;
  /** ∂(mean loss). */
  grads: Gradients | null;
  /** λ(0) of the mean loss (k rows of stride `ld`). */
  inputGrad: Float64Array | null;
  /** Row stride of pN, logits, inputGrad and noise. */
  ld: number;
  /** The true powers p(n) (k rows). */
  pN: Float64Array | null;
  logits: Float64Array | null;
  /** The read-noise draws ξ(t) it used (k rows each). */
  noise: readonly Float64Array[] | null;
}

/** A path that applies hardware effects, under test. */
export interface EffectPath {
  name: string;
  eq4Only: boolean;
  run(e: EffectCase): EffectResult | null;
}

/** hardware.ts' forward and adjoint (dynamics.ts' loop with the effects) on one workspace: plain, or in the in-place WebAssembly engine's memory with a row stride (as training uses it). */
function hardwareEffectPath(name: string, engine: boolean): EffectPath {
  return {
    name, eq4Only: false,
    run(e) {
      const c = e.c, ld = engine ? c.n + 3 : c.n;
      const ws = createWorkspace(c.k, c.steps, c.classes, ld, { engine });
      for (let j = 0; j < c.k; j++) ws.P[0].set(c.p0.subarray(j * c.n, (j + 1) * c.n), j * ld);
      const st = createHardwareState(c.k, c.steps, ld);
      forwardHardware(c.model, ws, c.n, e.settings, st, new Rng(e.noiseSeed), true);
      const pN = ws.P[c.steps].slice(), logits = ws.logits.slice();
      const out = { loss: 0, correct: 0 };
      softmaxCrossEntropy(ws, c.classes, c.n, c.y, 0, 1 / c.n, out);
      const grads = createGradients(c.model), inputGrad = new Float64Array(c.k * ld);
      backwardHardware(c.model, ws, c.n, e.settings, st, grads, inputGrad);
      return { ...out, grads, inputGrad, ld, pN, logits, noise: e.settings.noiseSigma > 0 ? st.Z : null };
    },
  };
}

/** Noise-aware training's block (`hardwareBatchGradients`, which train.ts runs per batch with `hardware`) on a workspace made as training makes it: in the in-place WebAssembly engine's memory, here with a row stride. */
function trainingEffectPath(): EffectPath {
  return {
    name: "noise-aware training block (hardwareBatchGradients)", eq4Only: false,
    run(e) {
      const c = e.c, ld = c.n + 5;
      const ws = createWorkspace(c.k, c.steps, c.classes, ld, { engine: true });
      for (let j = 0; j < c.k; j++) ws.P[0].set(c.p0.subarray(j * c.n, (j + 1) * c.n), j * ld);
      const st = createHardwareState(c.k, c.steps, ld);
      const grads = createGradients(c.model), out = { loss: 0, correct: 0 };
      grads.A.fill(1); // zeroed by the call
      hardwareBatchGradients(c.model, ws, c.n, e.settings, st, new Rng(e.noiseSeed), c.y, null, 1 / c.n, grads, out);
      return { ...out, grads, inputGrad: null, ld, pN: ws.P[c.steps].slice(), logits: null, noise: e.settings.noiseSigma > 0 ? st.Z : null };
    },
  };
}

/** evaluateHardware (eval --hw, explore): the case's p(0) as raw rows of a model without normalisation. */
function evaluateHardwarePath(): EffectPath {
  return {
    name: "evaluateHardware (eval --hw, explore)", eq4Only: false,
    run(e) {
      const c = e.c;
      const x = new Float64Array(c.n * c.k);
      for (let s = 0; s < c.n; s++) for (let j = 0; j < c.k; j++) x[s * c.k + j] = c.p0[j * c.n + s];
      const r = evaluateHardware(c.model, x, c.y, c.n, e.hardware, new Rng(e.noiseSeed));
      return { loss: r.loss * c.n, correct: Math.round(r.accuracy * c.n), grads: null, inputGrad: null, ld: c.n, pN: null, logits: null, noise: null };
    },
  };
}

/** Every path that applies hardware step effects to a block: one line each. (The robustness sweep's are tested trial by trial.) */
export const EFFECT_PATHS: EffectPath[] = [
  hardwareEffectPath("hardware path (forwardHardware/backwardHardware)", false),
  hardwareEffectPath("hardware path on the in-place WebAssembly engine's memory, strided", true),
  trainingEffectPath(),
  evaluateHardwarePath(),
];
