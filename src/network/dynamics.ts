/**
 * Forward dynamics and its hand-written discrete adjoint, side by side, over a caller-owned
 * {@link Workspace}. Nothing here allocates or validates; the checked wrappers live in `api.ts`.
 *
 * Batch layout inside the workspace is oscillator-major: the state of oscillator j for batch
 * column b at step t is `P[t][j*cap + b]` (cap = workspace capacity). Every inner loop then runs
 * over a contiguous batch row — `U_i += A_ij·P_j` is an axpy over b — and each oscillator's curve
 * is evaluated on one contiguous row by its own vectorised kernel.
 *
 * Forward, for t = 0..n−1 (paper eqs. 5–6 with the drive polarity s_i = sign(Ic_i)):
 *   u_i = Σ_j A[t]_ij·p_j(t) + B[t]_i,   I_i = s_i·u_i²,   p_i(t+1) = f_i(I_i)
 *   logits = W·p(n) + c,   loss = −log softmax(logits)[y]
 * Adjoint (λ(t) = ∂loss/∂p(t)), for t = n−1..0:
 *   g_i = λ_i(t+1)·f_i'(I_i)·2·s_i·u_i
 *   ∂A[t]_ij += g_i·p_j(t),   ∂B[t]_i += g_i,   λ_j(t) = Σ_i A[t]_ij·g_i
 *
 * The three products per step go through `src/kernels/backend.ts` (register-blocked TypeScript, or
 * WebAssembly SIMD where available, optionally split across threads by `src/node/train-worker.ts`).
 * Every kernel sums each output in the order of the plain loops (j, b or i ascending, starting from
 * the bias or 0), so results are bit-identical to them whatever the backend or thread count
 * (`test/kernels/dynamics-reference.test.ts`). The one behavioural difference from skipping zero
 * weights: a zero weight times an infinite or NaN state now gives NaN. The adjoint's sums over the
 * batch (∂B, ∂c) use {@link batchSum}'s fixed order; the softmax uses dynaspin's own exp and log.
 *
 * When every device is eq. 4, a step's I = s·u² and curves run as one WebAssembly call
 * (`eq4Drive`), and a workspace made with `{ engine: true }` runs forward, softmax and adjoint in
 * its own WebAssembly memory (`engine.ts`), with table devices too when it was made with room for
 * them (`{ tables }`); both give the same bits as the loops here (`test/network/engine.test.ts`,
 * `test/network/table-engines.test.ts`).
 */
import type { Model, Gradients, Normalization } from "./model.js";
import { inputCount, extraInput } from "./model.js";
import { gemm, singleThreadKernels } from "../kernels/backend.js";
import { Eq4Curve } from "../device/analytic.js";
import { TableCurve, TABLE_DESC } from "../device/table.js";
import type { DeviceCurve } from "../device/curve.js";
import { wasmEq4Drive, type Eq4DriveKernel } from "../kernels/eq4.js";
import { fastExp, fastLog, fastEq4Drive } from "../kernels/fast-math.js";
import { createEngine, engineSetParams, type Engine, type EngineBase, type KernelTables } from "./engine.js";
import { featureFunctions, type FeatureMap } from "../data/features.js";

let driveKernel: Eq4DriveKernel | null | undefined;

/** The fused WebAssembly step for eq. 4 devices (null without WebAssembly SIMD); made on first use. */
function drive(): Eq4DriveKernel | null {
  if (driveKernel === undefined) driveKernel = wasmEq4Drive();
  return driveKernel;
}

/** Scratch memory for a batch of up to `capacity` samples; reuse it across batches and epochs. */
export interface Workspace {
  k: number;
  steps: number;
  classes: number;
  capacity: number;
  /** p(t) for t = 0..n, each a k·cap view. P[0] is the input the caller loads. */
  P: Float64Array[];
  /** u(t) for t = 0..n−1 (k·cap views). */
  U: Float64Array[];
  /** f'(I(t)) for t = 0..n−1 (k·cap views). */
  D: Float64Array[];
  /** Injected currents of the step being computed (k·cap); not written by the fused eq. 4 step. */
  I: Float64Array;
  /** Kernel parameters of k eq. 4 devices for the fused step (8 per oscillator; in the engine's memory when it has one). */
  drivePar: Float64Array;
  /** Logits (classes·cap), overwritten by softmax probabilities in the backward pass. */
  logits: Float64Array;
  /** Adjoint buffers (k·cap each). */
  lam: Float64Array;
  lam2: Float64Array;
  gU: Float64Array;
  /** The in-place WebAssembly engine holding these buffers, or null (see `engine.ts`). */
  engine: Engine | null;
}

/** Options of {@link createWorkspace}. */
export interface WorkspaceOptions {
  /**
   * Put the buffers in an in-place WebAssembly engine (`engine.ts`) when the runtime has
   * WebAssembly SIMD: same results, fewer copies. Each engine reserves its own WebAssembly memory,
   * so use it for long-lived workspaces (training, repeated inference), not one per call.
   * @default false
   */
  engine?: boolean;
  /**
   * With `engine`: also reserve a batch input of this many samples in the engine (`Engine.X`,
   * labels `Engine.y`), for training in chunks (`src/train/chunks.ts`). @default 0
   */
  batchCapacity?: number;
  /**
   * With `engine`: reserve room for table devices of this many packed numbers
   * ({@link tableKernelSize} of the model's devices), so that the engine computes them too.
   * @default 0 (eq. 4 devices only; a network with a table device runs the TypeScript loops)
   */
  tables?: number;
}

/** Allocates a workspace for `capacity` samples of a network with the given shapes. */
export function createWorkspace(k: number, steps: number, classes: number, capacity: number, options: WorkspaceOptions = {}): Workspace {
  const kc = k * capacity;
  const engine = options.engine ? createEngine(k, steps, classes, capacity, options.batchCapacity ?? 0, options.tables ?? 0) : null;
  const region = (name: "P" | "U" | "D" | "I" | "L" | "lam" | "lam2" | "gU", n: number): Float64Array => {
    if (engine === null) return new Float64Array(n);
    const o = (engine.at[name] - engine.at.A) / 8;
    return engine.f64.subarray(o, o + n);
  };
  const pAll = region("P", (steps + 1) * kc);
  const uAll = region("U", steps * kc);
  const dAll = region("D", steps * kc);
  const P: Float64Array[] = [];
  const U: Float64Array[] = [];
  const D: Float64Array[] = [];
  for (let t = 0; t <= steps; t++) P.push(pAll.subarray(t * kc, (t + 1) * kc));
  for (let t = 0; t < steps; t++) {
    U.push(uAll.subarray(t * kc, (t + 1) * kc));
    D.push(dAll.subarray(t * kc, (t + 1) * kc));
  }
  return {
    k,
    steps,
    classes,
    capacity,
    P,
    U,
    D,
    I: region("I", kc),
    drivePar: engine === null ? new Float64Array(8 * k) : engine.par,
    logits: region("L", classes * capacity),
    lam: region("lam", kc),
    lam2: region("lam2", kc),
    gU: region("gU", kc),
    engine,
  };
}

/**
 * Loads `nb` samples into p(0): column b ← row `rows[start + b]` (or `start + b` when rows is null)
 * of the row-major sample matrix `x` (d features per row, d ≤ k), normalised by `norm` when given:
 * `p_j(0) = (x_j − min_j)/(max_j − min_j)` (0 when max_j = min_j); oscillators j ≥ d get `fill`.
 */
export function loadBatch(ws: Workspace, x: Float64Array, rows: Int32Array | null, start: number, nb: number, norm: Normalization | null, d = ws.k, fill = 0): void {
  gatherColumns(ws.P[0], ws.capacity, ws.k, x, rows, start, nb, norm, d, fill);
}

/** {@link loadBatch} for `model`: its normalisation, its number of input features and its extra oscillators' p(0). */
export function loadInputs(model: Model, ws: Workspace, x: Float64Array, rows: Int32Array | null, start: number, nb: number): void {
  gatherModelInputs(model, ws.P[0], ws.capacity, x, rows, start, nb);
}

/**
 * {@link gatherColumns} for `model`: rows of raw data (`columnCount(model)` values each) through
 * its feature map (when it has one) and normalisation into `dst` (k rows of stride ld); the extra
 * oscillators get their p(0).
 */
export function gatherModelInputs(model: Model, dst: Float64Array, ld: number, x: Float64Array, rows: Int32Array | null, start: number, nb: number): void {
  gatherColumns(dst, ld, model.k, x, rows, start, nb, model.normalization, inputCount(model), extraInput(model), model.featureMap ?? null);
}

/**
 * {@link loadBatch} into any oscillator-major buffer: dst[j·ld + b] ← feature j of row
 * `rows[start + b]` (or `start + b`) of `x`, normalised by `norm` when given
 * (`(v − min_j)/(max_j − min_j)`, 0 when max_j = min_j); rows j = d..k−1 of dst get `fill` (the
 * extra oscillators' p(0)). Without `map` a row of `x` is its d features (default k); with a
 * feature map it is `map.columns` raw values and feature j is the map's expression j (d is then the
 * number of expressions).
 * @throws InputError when `map` is not a valid feature map.
 */
export function gatherColumns(
  dst: Float64Array,
  ld: number,
  k: number,
  x: Float64Array,
  rows: Int32Array | null,
  start: number,
  nb: number,
  norm: Normalization | null,
  d = k,
  fill = 0,
  map: FeatureMap | null = null,
): void {
  const fns = map === null ? null : featureFunctions(map);
  const n = fns === null ? d : fns.length, c = map === null ? d : map.columns;
  for (let j = n; j < k; j++) dst.fill(fill, j * ld, j * ld + nb);
  let b = 0;
  if (fns === null && norm === null) {
    // Plain columns four samples at a time: four neighbouring values per row of dst instead of one
    // (the MNIST-size minibatch, 784 × 64 values, gathered in about half the time).
    for (; b + 4 <= nb; b += 4) {
      const o0 = (rows === null ? start + b : rows[start + b]) * c, o1 = (rows === null ? start + b + 1 : rows[start + b + 1]) * c;
      const o2 = (rows === null ? start + b + 2 : rows[start + b + 2]) * c, o3 = (rows === null ? start + b + 3 : rows[start + b + 3]) * c;
      for (let j = 0, q = b; j < n; j++, q += ld) {
        dst[q] = x[o0 + j];
        dst[q + 1] = x[o1 + j];
        dst[q + 2] = x[o2 + j];
        dst[q + 3] = x[o3 + j];
      }
    }
  }
  for (; b < nb; b++) {
    const o = (rows === null ? start + b : rows[start + b]) * c;
    if (fns === null) {
      // Columns as they are (the common case): loops of their own, no call per value.
      if (norm === null) {
        for (let j = 0; j < n; j++) dst[j * ld + b] = x[o + j];
      } else {
        for (let j = 0; j < n; j++) {
          const span = norm.max[j] - norm.min[j];
          dst[j * ld + b] = span > 0 ? (x[o + j] - norm.min[j]) / span : 0;
        }
      }
      continue;
    }
    for (let j = 0; j < n; j++) {
      const v = fns[j](x, o);
      if (norm === null) dst[j * ld + b] = v;
      else {
        const span = norm.max[j] - norm.min[j];
        dst[j * ld + b] = span > 0 ? (v - norm.min[j]) / span : 0;
      }
    }
  }
}

/**
 * What a forward pass may do around the ideal step (the hardware non-idealities of `hardware.ts`
 * implement it), so that the ideal and the hardware-aware pass run the one loop of {@link forward}
 * and the one loop of {@link backward}: for t = 0..n−1
 *   p̃ = read(t, p(t)),   u = A[t]·p̃ + B[t],   I_i = current(u_i),   p_i(t+1) = settle(f_i(I_i), p_i(t)),
 * then logits = W·read(n, p(n)) + c; the adjoint reads p̃ (`measured`) where the ideal one reads p,
 * and its `driveGradient` and `costate` are the derivatives of `current`, `settle` and `read`. The
 * ideal step is read = identity, I = s·u², settle = f(I). The effects' specification (each rule
 * beside its derivative, and the step and adjoint with them) is in spec.ts.
 */
export interface StepEffects {
  /** The powers step t (or the readout, t = n) reads from p(t) (k rows of stride ws.capacity, first nb columns): a k·cap buffer, or `P` itself. */
  read(t: number, P: Float64Array, nb: number): Float64Array;
  /** The currents I[ro..ro + nb) of oscillator i at step t from its drives U[ro..ro + nb) (polarity s = ±1). */
  current(t: number, i: number, s: number, U: Float64Array, I: Float64Array, ro: number, nb: number): void;
  /** Oscillator i's p(t+1) in Pn[ro..ro + nb) from its curve's value there and p(t) in `P` (relaxation). */
  settle(i: number, P: Float64Array, Pn: Float64Array, ro: number, nb: number): void;
  /** For the adjoint: the powers step t (or the readout) read in the forward pass it follows, as `read` returned them. */
  measured(t: number): Float64Array;
  /** For the adjoint: g of oscillator i at step t into gU[ro..ro + nb) from λ(t+1) (`lam`), f'(I) (`D`) and u (`U`); ideal: g = λ·f'·2s·u. */
  driveGradient(t: number, i: number, s: number, lam: Float64Array, D: Float64Array, U: Float64Array, gU: Float64Array, ro: number, nb: number): void;
  /**
   * For the adjoint: λ(t) in `lam` (k rows, first nb columns) from what it holds, A(t)ᵀ·g (or Wᵀ·G
   * at t = n, where `next` is null), and λ(t+1) in `next`; ideal: λ(t) = A(t)ᵀ·g.
   */
  costate(t: number, next: Float64Array | null, lam: Float64Array, nb: number): void;
}

/**
 * Runs the dynamics for the first `nb` columns of the workspace from p(0) (already loaded) to the
 * logits. Stores u(t) and, when `withDerivative`, f'(I(t)) for the adjoint. `paramsLoaded`: the
 * caller guarantees that A, B, W and c are unchanged since the last forward pass of this model on
 * this workspace, so the in-place engine need not copy them again (no effect otherwise).
 * `effects` (e.g. `hardware.ts`'s non-idealities) change the step as {@link StepEffects} says;
 * the in-place engine and the fused eq. 4 step run only without them.
 */
export function forward(model: Model, ws: Workspace, nb: number, withDerivative = true, paramsLoaded = false, effects: StepEffects | null = null): void {
  const en = ws.engine;
  if (effects === null && en !== null && drive() !== null && singleThreadKernels() && writeEngineDevices(model, en)) {
    // The in-place engine: the same operations in one WebAssembly call.
    if (!paramsLoaded) engineSetParams(en, model.A, model.B, model.W, model.c);
    const at = en.at;
    en.ex.forward(model.k, model.steps, model.classes, nb, ws.capacity, at.A, at.B, at.W, at.c, at.par, at.P, ws.capacity, at.P, at.U, at.D, at.L, withDerivative ? 1 : 0);
    return;
  }
  const fused = effects === null && drive() !== null && eq4DriveParams(model, ws.drivePar);
  runSteps(model, fused ? null : model.devices, ws.drivePar, ws, nb, withDerivative, effects);
}

/**
 * {@link forward}'s fused pass for a network of eq. 4 oscillators given by their packed parameters
 * instead of device objects: `par` holds 8 numbers per oscillator (`eq4RowParams`' seven and the
 * polarity, as {@link eq4DriveParams} writes them). The same loop and kernels as {@link forward},
 * so the same bits as it gives with the corresponding `Eq4Curve`s (the robustness trial's
 * TypeScript path runs on it).
 */
export function forwardEq4(net: NetworkParams, ws: Workspace, nb: number, par: Float64Array, withDerivative = false): void {
  runSteps(net, null, par, ws, nb, withDerivative, null);
}

/** The parts of a {@link Model} the step and the readout read. */
export type NetworkParams = Pick<Model, "k" | "steps" | "classes" | "A" | "B" | "W" | "c">;

/**
 * The one loop of the forward pass, for t = 0..n−1: u = A[t]·p̃(t) + B[t] for all rows at once
 * (blocked kernel), then each row's current and curve — the fused eq. 4 drive (I = s·u² and the
 * curve for all rows in one call; the WebAssembly kernel, or its TypeScript twin without
 * WebAssembly SIMD) when `devices` is null, the devices' own curves otherwise, with the step's
 * `effects` — and the readout.
 */
function runSteps(net: NetworkParams, devices: Model["devices"] | null, par: Float64Array, ws: Workspace, nb: number, withDerivative: boolean, effects: StepEffects | null): void {
  const { k, A, B } = net;
  const cap = ws.capacity, I = ws.I;
  const dk = devices === null ? (drive() ?? fastEq4Drive) : null;
  for (let t = 0; t < net.steps; t++) {
    const Pt = ws.P[t], Ut = ws.U[t], Pn = ws.P[t + 1];
    const Dt = withDerivative ? ws.D[t] : null;
    gemm.gemmBias(k, k, nb, A, t * k * k, B, t * k, effects === null ? Pt : effects.read(t, Pt, nb), cap, Ut, 0, cap);
    if (dk !== null) {
      dk(k, nb, cap, Ut, par, Pn, Dt);
      continue;
    }
    for (let i = 0; i < k; i++) {
      const ro = i * cap;
      const dev = (devices as Model["devices"])[i];
      const s = dev.polarity;
      if (effects === null) {
        for (let b = ro, end = ro + nb; b < end; b++) {
          const u = Ut[b];
          I[b] = s * u * u;
        }
      } else effects.current(t, i, s, Ut, I, ro, nb);
      dev.evaluate(I, Pn, Dt, ro, ro + nb);
      if (effects !== null) effects.settle(i, Pt, Pn, ro, nb);
    }
  }
  readout(net, ws, nb, effects === null ? ws.P[net.steps] : effects.read(net.steps, ws.P[net.steps], nb));
}

/**
 * True when the in-place engine of `ws` can run this model: the workspace has an engine, the
 * runtime has the fused eq. 4 step, the matrix kernels are the single-threaded ones, and every
 * device is eq. 4 (whose parameters are then written into the engine).
 */
export function engineReady(model: Model, ws: Workspace): boolean {
  const en = ws.engine;
  return en !== null && drive() !== null && singleThreadKernels() && writeEngineDevices(model, en);
}

/** Writes the fused step's parameters of every device into par (8 per oscillator); false unless all are eq. 4. */
export function eq4DriveParams(model: Model, par: Float64Array): boolean {
  const devices = model.devices;
  for (let i = 0; i < devices.length; i++) {
    const d = devices[i];
    if (!(d instanceof Eq4Curve)) return false;
    d.writeKernelParams(par, 8 * i);
  }
  return true;
}

// The packed tables of a devices list (writeEngineDevices), made once per list and kept while it
// holds the same curves (curves are immutable; a list may be changed in place).
const packedTables = new WeakMap<readonly DeviceCurve[], { curves: DeviceCurve[]; tables: KernelTables | null }>();

function sameCurves(a: readonly DeviceCurve[], b: readonly DeviceCurve[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function tablesOf(devices: readonly DeviceCurve[]): KernelTables | null {
  const kept = packedTables.get(devices);
  if (kept !== undefined && sameCurves(kept.curves, devices)) return kept.tables;
  let t: KernelTables | null;
  let size = 0;
  for (const d of devices) if (d instanceof TableCurve) size += 3 * d.current.length;
  if (size === 0) t = null;
  else {
    // One copy of each distinct curve: the oscillators that share a device share its table.
    t = { desc: new Float64Array(TABLE_DESC * devices.length), data: new Float64Array(size) };
    const at = new Map<TableCurve, number>();
    let off = 0;
    for (let i = 0; i < devices.length; i++) {
      const d = devices[i];
      if (!(d instanceof TableCurve)) continue;
      const seen = at.get(d);
      if (seen !== undefined) {
        t.desc.set(t.desc.subarray(TABLE_DESC * seen, TABLE_DESC * seen + TABLE_DESC), TABLE_DESC * i);
        continue;
      }
      at.set(d, i);
      off += d.writeKernelTable(t.desc, TABLE_DESC * i, t.data, off);
    }
    t = { desc: t.desc, data: t.data.subarray(0, off) };
  }
  packedTables.set(devices, { curves: devices.slice(), tables: t });
  return t;
}

/**
 * Writes the devices of `model` into an engine: every eq. 4 device's kernel parameters into
 * `en.par` (8 per oscillator, as {@link eq4DriveParams}), and, on an engine with the table kernel
 * (`en.setTables`), every table device's polarity into its row's eighth value and the tables
 * (`TableCurve.writeKernelTable`) into the engine.
 * @returns false when a device has no kernel in this engine (an eq. 3 curve; a table on an
 *   engine without `setTables`): then nothing usable was written.
 */
export function writeEngineDevices(model: Model, en: EngineBase): boolean {
  const devices = model.devices, par = en.par;
  for (let i = 0; i < devices.length; i++) {
    const d = devices[i];
    if (d instanceof Eq4Curve) d.writeKernelParams(par, 8 * i);
    else if (d instanceof TableCurve && en.setTables !== undefined) {
      par.fill(0, 8 * i, 8 * i + 7);
      par[8 * i + 7] = d.polarity;
    } else return false;
  }
  return en.setTables === undefined || en.setTables(tablesOf(devices));
}

/**
 * Numbers the packed table devices of a devices list take (`TableCurve.writeKernelTable`; each
 * distinct curve once): the room an in-place WebAssembly engine reserves for them
 * ({@link WorkspaceOptions.tables}). 0 when no device is a table.
 */
export function tableKernelSize(devices: readonly DeviceCurve[]): number {
  return tablesOf(devices)?.data.length ?? 0;
}

/** logits[c][b] = Σ_j W_cj·p_j(n) + c_c for the first nb columns (p(n) = `Pn`, by default the workspace's). */
export function readout(model: NetworkParams, ws: Workspace, nb: number, Pn: Float64Array = ws.P[model.steps]): void {
  gemm.gemmBias(model.classes, model.k, nb, model.W, 0, model.c, 0, Pn, ws.capacity, ws.logits, 0, ws.capacity);
}

/** Index of the largest logit in batch column b (the first one on ties; 0 if all are NaN). */
export function argmaxColumn(L: Float64Array, cap: number, classes: number, b: number): number {
  let max = -Infinity, arg = 0;
  for (let c = 0; c < classes; c++) {
    const v = L[c * cap + b];
    if (v > max) {
      max = v;
      arg = c;
    }
  }
  return arg;
}

/** Number of correct argmax predictions among the first nb columns of the logits, labels `y[yStart + b]`. */
export function countCorrect(ws: Workspace, classes: number, nb: number, y: Int32Array, yStart: number): number {
  let correct = 0;
  for (let b = 0; b < nb; b++) if (argmaxColumn(ws.logits, ws.capacity, classes, b) === y[yStart + b]) correct++;
  return correct;
}

/**
 * Softmax cross-entropy over the first nb columns (natural log). Replaces the logits by
 * `scale·(softmax − onehot(y))` — the gradient of `scale·Σ loss` w.r.t. the logits — and returns
 * the summed loss and the number of correct argmax predictions.
 */
export function softmaxCrossEntropy(ws: Workspace, classes: number, nb: number, y: Int32Array, yStart: number, scale: number, out: { loss: number; correct: number }): void {
  const cap = ws.capacity, L = ws.logits;
  const en = ws.engine;
  if (en !== null) {
    // Labels already in the engine (a batch input's) are read in place, others copied in.
    let at = en.at.y + yStart * 4;
    if (y !== en.y) {
      for (let b = 0; b < nb; b++) en.y[b] = y[yStart + b];
      at = en.at.y;
    }
    en.ex.softmax(classes, nb, cap, en.at.L, at, scale, en.at.out);
    out.loss = en.out[0];
    out.correct = en.out[1];
    return;
  }
  let loss = 0, correct = 0;
  for (let b = 0; b < nb; b++) {
    const arg = argmaxColumn(L, cap, classes, b);
    const max = L[arg * cap + b];
    const label = y[yStart + b];
    const lab = L[label * cap + b];
    let sum = 0;
    for (let c = 0; c < classes; c++) {
      const e = fastExp(L[c * cap + b] - max);
      L[c * cap + b] = e;
      sum += e;
    }
    loss += fastLog(sum) + max - lab;
    if (arg === label) correct++;
    const inv = 1 / sum;
    for (let c = 0; c < classes; c++) L[c * cap + b] = scale * (L[c * cap + b] * inv - (c === label ? 1 : 0));
  }
  out.loss = loss;
  out.correct = correct;
}

/**
 * The regression loss over the first nb columns (see `squaredErrorSpec` in spec.ts): the outputs
 * z (the first `outputs` rows of `ws.logits`) against the standardised targets
 * `t[(tStart + b)·outputs + o]`. Replaces the outputs by `scale·(z − t)` — the gradient of
 * `scale·Σ loss` w.r.t. the outputs, which {@link backward} starts from, on every engine's
 * adjoint — and returns the summed loss ½·Σ_b Σ_o (z − t)² in `out.loss` (`out.correct` = 0).
 * Plain TypeScript: no engine fuses it (an engine's `chunk`/`batch` call is softmax only), so
 * regression batches run forward, this, and the adjoint as three calls.
 */
export function squaredError(ws: Workspace, outputs: number, nb: number, t: Float64Array, tStart: number, scale: number, out: { loss: number; correct: number }): void {
  const cap = ws.capacity, L = ws.logits;
  let loss = 0;
  for (let b = 0; b < nb; b++) {
    const row = (tStart + b) * outputs;
    for (let o = 0; o < outputs; o++) {
      const e = L[o * cap + b] - t[row + o];
      loss += 0.5 * e * e;
      L[o * cap + b] = scale * e;
    }
  }
  out.loss = loss;
  out.correct = 0;
}

/**
 * Σ_b x[off + b] for b < n in four interleaved partial sums s_(b mod 4), combined as
 * (s0 + s2) + (s1 + s3): the batch reductions of the adjoint use this order (the WebAssembly
 * engine's SIMD lanes add the same pairs).
 */
export function batchSum(x: Float64Array, off: number, n: number): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  const n4 = n & ~3;
  for (let b = off, end = off + n4; b < end; b += 4) {
    s0 += x[b];
    s1 += x[b + 1];
    s2 += x[b + 2];
    s3 += x[b + 3];
  }
  if (n4 < n) s0 += x[off + n4];
  if (n4 + 1 < n) s1 += x[off + n4 + 1];
  if (n4 + 2 < n) s2 += x[off + n4 + 2];
  return s0 + s2 + (s1 + s3);
}

/**
 * The discrete adjoint: given `ws.logits` holding ∂loss/∂logits (from {@link softmaxCrossEntropy}),
 * accumulates ∂loss/∂(A, B, W, c) into `grads` for the first nb columns. It follows
 * {@link forward} on the same model and workspace (it reads that pass's states and, in the engine,
 * its copy of the parameters). If `inputGrad` is given (k·cap), it receives λ(0) = ∂loss/∂p(0).
 */
export function backward(model: Model, ws: Workspace, nb: number, grads: Gradients, inputGrad: Float64Array | null = null, effects: StepEffects | null = null): void {
  const { k, steps, classes } = model;
  const cap = ws.capacity, G = ws.logits, Pn = effects === null ? ws.P[steps] : effects.measured(steps);
  const en = ws.engine;
  if (effects === null && en !== null && inputGrad === null && drive() !== null && singleThreadKernels() && writeEngineDevices(model, en)) {
    // A, W and the device parameters are in the engine from the forward pass this adjoint follows.
    en.gA.set(grads.A.subarray(0, steps * k * k));
    en.gB.set(grads.B.subarray(0, steps * k));
    en.gW.set(grads.W.subarray(0, classes * k));
    en.gc.set(grads.c.subarray(0, classes));
    const at = en.at;
    const gB = at.g + en.gA.length * 8, gW = gB + en.gB.length * 8, gc = gW + en.gW.length * 8;
    en.ex.backward(k, steps, classes, nb, cap, at.A, at.W, at.par, at.P, cap, at.P, at.U, at.D, at.L, at.lam, at.lam2, at.gU, at.g, gB, gW, gc, at.XT);
    grads.A.set(en.gA);
    grads.B.set(en.gB);
    grads.W.set(en.gW);
    grads.c.set(en.gc);
    return;
  }
  let lam = ws.lam, lam2 = ws.lam2;
  const gU = ws.gU;
  // Readout: ∂c_c = Σ_b G_cb, ∂W = G·p(n)ᵀ, λ(n) = Wᵀ·G.
  for (let c = 0; c < classes; c++) grads.c[c] += batchSum(G, c * cap, nb);
  gemm.gemmAccABt(classes, k, nb, G, cap, Pn, cap, grads.W, 0);
  gemm.gemmAtB(classes, k, nb, model.W, 0, G, cap, lam, cap);
  if (effects !== null) effects.costate(steps, null, lam, nb);
  for (let t = steps - 1; t >= 0; t--) {
    const Pt = effects === null ? ws.P[t] : effects.measured(t), Ut = ws.U[t], Dt = ws.D[t];
    const aOff = t * k * k;
    for (let i = 0; i < k; i++) {
      const ro = i * cap;
      if (effects === null) {
        const s2 = 2 * model.devices[i].polarity;
        for (let b = ro, end = ro + nb; b < end; b++) gU[b] = lam[b] * Dt[b] * s2 * Ut[b];
      } else effects.driveGradient(t, i, model.devices[i].polarity, lam, Dt, Ut, gU, ro, nb);
      grads.B[t * k + i] += batchSum(gU, ro, nb);
    }
    // ∂A[t] += g·p(t)ᵀ
    gemm.gemmAccABt(k, k, nb, gU, cap, Pt, cap, grads.A, aOff);
    if (t === 0 && inputGrad === null) break;
    // λ(t) = A[t]ᵀ·g
    gemm.gemmAtB(k, k, nb, model.A, aOff, gU, cap, lam2, cap);
    if (effects !== null) effects.costate(t, lam, lam2, nb);
    const tmp = lam;
    lam = lam2;
    lam2 = tmp;
  }
  if (inputGrad !== null) inputGrad.set(lam.subarray(0, k * cap));
}
