// The cases and the engines of the conformance tests, in one place: every engine (and every
// forward path) is tested against the specification of src/network/spec.ts on the same randomly
// generated cases (test/network/spec.test.ts). Adding an engine means adding one line to
// GRADIENT_ENGINES (and, if it exposes its states, to FORWARD_PATHS).
import { createModel, createGradients, type Model, type Gradients } from "../../src/network/model.js";
import { eq3, eq4 } from "../../src/device/analytic.js";
import type { DeviceCurve } from "../../src/device/curve.js";
import { createWorkspace, forward, softmaxCrossEntropy, eq4DriveParams } from "../../src/network/dynamics.js";
import { wasm64Factory, wasm32Factory, type EngineFactory, type Precision } from "../../src/network/engine.js";
import { forwardHardware, backwardHardware, createHardwareState, resolveHardware } from "../../src/network/hardware.js";
import { batchGradients, engineBatchGradients, createChunkScratch } from "../../src/train/chunks.js";
import { createFastTrials } from "../../src/sweep/fast-trials.js";
import type { SweepEngine } from "../../src/sweep/fast-trials.js";
import { nativeFactory } from "../../src/node/native-engine.js";
import { native32Factory } from "../../src/node/native-engine32.js";
import { nativeSweepEngine } from "../../src/node/native-sweep.js";
import { eq4RowParams, EQ4_PACKED, EQ4_PACKED_DRIVE } from "../../src/device/eq4.js";
import type { Eq4Curve } from "../../src/device/analytic.js";
import { Rng } from "../../src/util/rng.js";

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
  gradient(c: ConformanceCase): GradientResult | null;
}

/** dynamics.ts' chunked batch gradient (src/train/chunks.ts) on a workspace with or without the in-place WebAssembly engine. */
function workspacePath(name: string, engine: boolean): GradientEngine {
  return {
    name, precision: "float64", eq4Only: false,
    gradient(c) {
      const ws = createWorkspace(c.k, c.steps, c.classes, Math.min(c.n, 128), { engine });
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
function batchEngine(name: string, factory: () => EngineFactory | null): GradientEngine {
  let f: EngineFactory | null | undefined;
  return {
    name, precision: name.endsWith("32") ? "float32" : "float64", eq4Only: true,
    gradient(c) {
      if (f === undefined) f = factory();
      const en = f?.create(c.k, c.steps, c.classes, Math.min(c.n, 128), c.n) ?? null;
      if (en === null) return null;
      en.X.set(c.p0);
      en.y.set(c.y);
      const grads = createGradients(c.model);
      const out = { loss: 0, correct: 0 };
      if (!engineBatchGradients(c.model, en, c.n, grads, out)) throw new Error(`${name}: not an eq. 4 network`);
      return { ...out, grads };
    },
  };
}

/** Every engine that computes a training gradient: one line each. */
export const GRADIENT_ENGINES: GradientEngine[] = [
  workspacePath("reference (TypeScript)", false),
  workspacePath("reference on the in-place WebAssembly engine", true),
  hardwarePath(),
  batchEngine("wasm64", wasm64Factory),
  batchEngine("wasm32", wasm32Factory),
  batchEngine("native", () => nativeFactory(1)),
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

/** dynamics.ts' forward on a workspace (capacity n + 3, so rows have a stride) with or without the in-place engine. */
function forwardPath(name: string, engine: boolean): ForwardPath {
  return {
    name, eq4Only: false,
    forward(c) {
      const ws = createWorkspace(c.k, c.steps, c.classes, c.n + 3, { engine });
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
    name: "native inference", eq4Only: true,
    forward(c) {
      const ne = nativeFactory(1)?.createInference?.(c.k, c.steps, c.classes, c.n, c.n) ?? null;
      if (ne === null) return null;
      if (!eq4DriveParams(c.model, ne.par)) throw new Error("native inference: not an eq. 4 network");
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
  hardwareForward(),
  trialPath("ts"),
  trialPath("wasm"),
  nativeTrialPath(() => nativeSweepEngine(1)),
  nativeInferencePath(),
];

