/**
 * The fused, allocation-free robustness trial for the common case: ideal hardware and every
 * device an eq. 4 curve, so a trial's variation only changes per-oscillator scalars
 * (a, b, Ic, Q·Ic, P0). One call runs the whole network on the whole test set:
 *
 *   p(1) = f(I(0))                    with I(0) = s·u(0)², u(0) = A[0]·p(0) + B[0] (computed once
 *                                     per sweep: it does not depend on the trial),
 *   u(t) = A[t]·p(t) + B[t],  I = s·u²,  p(t+1) = f(I)          for t = 1..n−1,
 *   logits = W·p(n) + c,  correct = #{b : first argmax of logits[·][b] = y[b]},
 *
 * with f the eq. 4 curve of src/kernels/fast-math.ts (the devices' own curve). Runs in the
 * WebAssembly SIMD kernel of `wasm/trials.as` when the runtime has WebAssembly SIMD, else on the
 * network's own forward pass (`forwardEq4`, src/network/dynamics.ts); both give the same bits
 * (tested), so results do not depend on the runtime.
 *
 * Memory layout (float64, each block starting at an even index so SIMD loads are aligned):
 * A[t][i][j] at t·k·k + i·k + j; B[t][i] at t·k + i; W[c][j] at c·k + j; c[c];
 * par[i] = the packed eq. 4 parameters (`eq4RowParams`, src/device/eq4.ts) at 8·i, the polarity at 8·i + 7; I0, P, Pn as k rows of n8 = n rounded up to a
 * multiple of 8 (oscillator-major, row i at i·n8); y[b] as float64 (−1 in the padding columns,
 * which are never counted correct).
 *
 * Pure: only the standard `WebAssembly` global; no I/O.
 */
import type { Model } from "../network/model.js";
import type { Eq4Curve } from "../device/analytic.js";
import { TRIALS_WASM_BASE64 } from "./wasm/trials-wasm.js";
import { createWorkspace, forwardEq4, countCorrect, type NetworkParams } from "../network/dynamics.js";
import { EQ4_PACKED, EQ4_PACKED_DRIVE } from "../device/eq4.js";
import { lazyWasmModule, instantiateWasm, ensureWasmMemory, WASM_BASE as BASE } from "../kernels/wasm-module.js";

interface TrialsExports {
  memory: WebAssembly.Memory;
  trial(k: number, steps: number, classes: number, n8: number, A: number, B: number, W: number, C: number, par: number, I0: number, P: number, Pn: number, y: number): number;
  trialScreen(k: number, steps: number, classes: number, n16: number, A: number, B: number, W: number, C: number, par: number, I0: number, P: number, Pn: number, y: number, tau: number, list: number): number;
}

/** The compiled sweep module, or null where WebAssembly SIMD is unavailable. Compiled on first use. */
const sweepModule = lazyWasmModule(TRIALS_WASM_BASE64);

/** A fresh instance with at least `bytes` of memory from BASE, or null without WebAssembly SIMD. */
function instantiate(bytes: number): TrialsExports | null {
  const mod = sweepModule();
  if (mod === null) return null;
  try {
    const ex = instantiateWasm<TrialsExports>(mod);
    ensureWasmMemory(ex.memory, BASE + bytes);
    return ex;
  } catch {
    return null;
  }
}

/** Which kernel runs: `"wasm"` (SIMD) or `"ts"` (the TypeScript fallback). */
export type FastBackend = "wasm" | "ts";

/** True when this runtime can run the WebAssembly SIMD sweep kernels. */
export function fastWasmAvailable(): boolean {
  return sweepModule() !== null;
}

/** The state of {@link createFastTrials}: fill `par`, call `run`. */
export interface FastTrials {
  backend: FastBackend;
  /** True when runs screen in float32 and recompute only undecided samples in float64. */
  screened: boolean;
  k: number;
  /** Test samples (columns); n8 = n rounded up to a multiple of 8. */
  n: number;
  n8: number;
  /**
   * Per-oscillator device parameters, packed by `eq4RowParams` (src/device/eq4.ts) at
   * EQ4_PACKED_DRIVE·i with the polarity at EQ4_PACKED_DRIVE·i + EQ4_PACKED; the caller writes them.
   */
  par: Float64Array;
  /** Runs one trial with the current `par`; returns the number of correct test samples. */
  run(): number;
  /** p(n) of the last run (k rows of n8; row i at i·n8). A view, overwritten by the next run. */
  state(): Float64Array;
}

/** Offsets (in float64) of the blocks of the memory layout. */
interface Layout {
  A: number;
  B: number;
  W: number;
  C: number;
  par: number;
  I0: number;
  P: number;
  Pn: number;
  y: number;
  end: number;
}

function layout(k: number, steps: number, classes: number, n8: number): Layout {
  const even = (x: number): number => x + (x & 1);
  const A = 0, B = A + even(steps * k * k), W = B + even(steps * k), C = W + even(classes * k), par = C + even(classes);
  const I0 = par + even(EQ4_PACKED_DRIVE * k), P = I0 + k * n8, Pn = P + k * n8, y = Pn + k * n8;
  return { A, B, W, C, par, I0, P, Pn, y, end: y + n8 };
}

/**
 * Sets up the fused trial for `model` on test inputs `p0` (already normalised, oscillator-major:
 * p0[j·ldp + b] for sample b < n) with labels `y`, polarities `polarity[i]` (sign of each device's
 * Ic, which variation never changes). Precomputes I(0). Allocates once; `run()` allocates nothing.
 * The caller guarantees every device is eq. 4 and the hardware is ideal.
 */
export function createFastTrials(
  model: Model,
  p0: Float64Array,
  ldp: number,
  n: number,
  y: Int32Array,
  polarity: ArrayLike<number>,
  backend: FastBackend | "auto" = "auto",
  screen: number = DEFAULT_SCREEN_MARGIN,
): FastTrials {
  const { k, steps, classes } = model;
  const n8 = (n + 7) & ~7;
  const L = layout(k, steps, classes, n8);
  const n16 = (n + 15) & ~15;
  const S = screenLayout(L.end * 8, k, steps, classes, n8, n16);
  const useScreen = backend !== "ts" && screen > 0;
  const ex = backend === "ts" ? null : instantiate(useScreen ? S.end : L.end * 8);
  if (backend === "wasm" && ex === null) throw new Error("fast trials: WebAssembly SIMD is not available in this runtime");
  if (ex === null) return referenceTrials(model, p0, ldp, n, y);
  const f64 = new Float64Array(ex.memory.buffer, BASE, L.end);
  const view = (at: number, len: number): Float64Array => f64.subarray(at, at + len);
  writeTrialNetwork(model, p0, ldp, n, y, polarity, n8, {
    A: view(L.A, steps * k * k), B: view(L.B, steps * k), W: view(L.W, classes * k), C: view(L.C, classes), I0: view(L.I0, k * n8), y: view(L.y, n8),
  });
  const par = f64.subarray(L.par, L.par + EQ4_PACKED_DRIVE * k);
  const cur = steps % 2 === 1 ? L.P : L.Pn;
  const out = f64.subarray(cur, cur + k * n8);
  const at = (x: number): number => BASE + x * 8;
  const full = (): number => ex.trial(k, steps, classes, n8, at(L.A), at(L.B), at(L.W), at(L.C), at(L.par), at(L.I0), at(L.P), at(L.Pn), at(L.y));
  if (!useScreen) return { backend: "wasm", screened: false, k, n, n8, par, run: full, state: () => out };
  // Float32 copies of the network, I(0) and the labels; float64 scratch for the undecided samples.
  const buf = ex.memory.buffer;
  const f32 = (off: number, len: number): Float32Array => new Float32Array(buf, off, len);
  const A32 = f32(S.A, steps * k * k), B32 = f32(S.B, steps * k), W32 = f32(S.W, classes * k), C32 = f32(S.C, classes);
  const par32 = f32(S.par, 6 * k), I032 = f32(S.I0, k * n16), y32 = f32(S.y, n16);
  A32.set(model.A.subarray(0, steps * k * k));
  B32.set(model.B.subarray(0, steps * k));
  W32.set(model.W.subarray(0, classes * k));
  C32.set(model.c.subarray(0, classes));
  for (let i = 0; i < k; i++) for (let b = 0; b < n16; b++) I032[i * n16 + b] = b < n8 ? f64[L.I0 + i * n8 + b] : 0;
  for (let b = 0; b < n16; b++) y32[b] = b < n ? y[b] : -1;
  const list = new Int32Array(buf, S.list, n16 + 1);
  const tau = screenMargin(model, screen);
  const sub = new Float64Array(buf, S.sub, 3 * k * n8 + n8);
  const sI0 = 0, sP = k * n8, sPn = 2 * k * n8, sY = 3 * k * n8;
  const run = (): number => {
    for (let i = 0; i < k; i++) {
      // The float32 kernel's own layout, six floats per oscillator: slope and offset times log2(e)
      // (it works in base 2), Ic, Q·Ic, P0 and the polarity.
      const o = 6 * i, q = EQ4_PACKED_DRIVE * i;
      par32[o] = par[q] * Math.LOG2E;
      par32[o + 1] = par[q + 1] * Math.LOG2E;
      for (let j = 2; j < 5; j++) par32[o + j] = par[q + j];
      par32[o + 5] = par[q + EQ4_PACKED];
    }
    let correct = ex.trialScreen(k, steps, classes, n16, S.A, S.B, S.W, S.C, S.par, S.I0, S.P, S.Pn, S.y, tau, S.list);
    const m = list[0];
    if (m === 0) return correct;
    // The undecided samples in float64: gather their I(0) columns and labels, pad to 8.
    const m8 = (m + 7) & ~7;
    for (let j = 0; j < m8; j++) {
      const b = j < m ? list[1 + j] : -1;
      for (let i = 0; i < k; i++) sub[sI0 + i * m8 + j] = b >= 0 ? f64[L.I0 + i * n8 + b] : 0;
      sub[sY + j] = b >= 0 ? f64[L.y + b] : -1;
    }
    const sb = S.sub;
    correct += ex.trial(k, steps, classes, m8, at(L.A), at(L.B), at(L.W), at(L.C), at(L.par), sb + sI0 * 8, sb + sP * 8, sb + sPn * 8, sb + sY * 8);
    return correct;
  };
  return {
    backend: "wasm", screened: true, k, n, n8, par, run,
    state: () => {
      throw new Error("fast trials: state() needs screen = 0 (the screened run keeps float64 states of undecided samples only)");
    },
  };
}

/**
 * The trial without WebAssembly SIMD: the network's own forward pass (`forwardEq4` of
 * src/network/dynamics.ts, the step every engine is tested against) on all n8 columns (the padding
 * columns start from p(0) = 0, as in the kernels' layout), from a copy of the network and the test
 * set taken here, and the first-argmax count of the first n columns. The same bits as the
 * WebAssembly `trial` (tested).
 */
function referenceTrials(model: Model, p0: Float64Array, ldp: number, n: number, y: Int32Array): FastTrials {
  const { k, steps, classes } = model;
  const n8 = (n + 7) & ~7;
  const net: NetworkParams = {
    k, steps, classes,
    A: model.A.slice(0, steps * k * k), B: model.B.slice(0, steps * k), W: model.W.slice(0, classes * k), c: model.c.slice(0, classes),
  };
  const ws = createWorkspace(k, steps, classes, n8);
  for (let j = 0; j < k; j++) ws.P[0].set(p0.subarray(j * ldp, j * ldp + n), j * n8);
  const labels = y.slice(0, n);
  const par = new Float64Array(EQ4_PACKED_DRIVE * k);
  const run = (): number => {
    forwardEq4(net, ws, n8, par, false);
    return countCorrect(ws, classes, n, labels, 0);
  };
  return { backend: "ts", screened: false, k, n, n8, par, run, state: () => ws.P[steps] };
}

/**
 * Writes what every trial shares into `out` (the layout of {@link createFastTrials} and of the
 * native sweep): the network's A, B, W, c; I(0) = s·u(0)², u(0) = B[0] + Σ_j A[0]_ij·p_j(0) (j
 * ascending, the order of the later steps) as k rows of n8 columns (0 in the padding); the labels
 * as float64 (−1 in the padding columns, which are never counted correct).
 */
export function writeTrialNetwork(
  model: Model,
  p0: Float64Array,
  ldp: number,
  n: number,
  y: Int32Array,
  polarity: ArrayLike<number>,
  n8: number,
  out: { A: Float64Array; B: Float64Array; W: Float64Array; C: Float64Array; I0: Float64Array; y: Float64Array },
): void {
  const { k, steps, classes } = model;
  out.A.set(model.A.subarray(0, steps * k * k));
  out.B.set(model.B.subarray(0, steps * k));
  out.W.set(model.W.subarray(0, classes * k));
  out.C.set(model.c.subarray(0, classes));
  for (let i = 0; i < k; i++) {
    const row = i * n8;
    for (let b = 0; b < n8; b++) {
      let u = model.B[i];
      for (let j = 0; j < k; j++) u += model.A[i * k + j] * (b < n ? p0[j * ldp + b] : 0);
      out.I0[row + b] = polarity[i] * u * u;
    }
  }
  for (let b = 0; b < n8; b++) out.y[b] = b < n ? y[b] : -1;
}

/**
 * The float32 screen's margin in logit units: `screen` × the largest |logit| that powers
 * 0 ≤ p_j ≤ P0_j allow, S = max_c (|c_c| + Σ_j |W_cj|·P0_j) (eq. 4 devices).
 */
export function screenMargin(model: Model, screen: number): number {
  const { k, classes } = model;
  let scale = 0;
  for (let c = 0; c < classes; c++) {
    let sc = Math.abs(model.c[c]);
    for (let j = 0; j < k; j++) sc += Math.abs(model.W[c * k + j]) * (model.devices[j] as Eq4Curve).P0;
    scale = Math.max(scale, sc);
  }
  return screen * scale;
}

/**
 * Trials many at a time on a kernel's own threads (the native sweep, `src/node/native-sweep.ts`):
 * the caller writes each trial's device parameters into `par` and calls `run`. A trial's count is
 * the one {@link createFastTrials} gives in WebAssembly for the same parameters (float32 screen,
 * undecided samples in float64: the same operations), whatever the number of threads.
 */
export interface TrialBatch {
  /** Most trials per `run`. */
  readonly capacity: number;
  /**
   * Device parameters of trial q (q < capacity) at q·EQ4_PACKED_DRIVE·k: oscillator i packed by
   * `eq4RowParams` at q·EQ4_PACKED_DRIVE·k + EQ4_PACKED_DRIVE·i, its polarity at + EQ4_PACKED.
   */
  readonly par: Float64Array;
  /** Runs trials [0, count) and returns their correct counts (a view, overwritten by the next run). */
  run(count: number): Int32Array;
  /** Trial q in float64 without the screen, on this thread: its count, and p(n) (k rows of n8) into the returned view (tests). */
  state(q: number): { correct: number; state: Float64Array; n8: number };
}

/**
 * A kernel for robustness trials chosen once by the caller (the CLI's `--engine`): `create` makes
 * a {@link TrialBatch} for a network (eq. 4 devices, ideal hardware) and its test set — arguments as
 * {@link createFastTrials} — or returns null when it cannot run here.
 */
export interface SweepEngine {
  readonly kind: "native";
  /** What runs, for reports: e.g. "native (avx512, 16 float32 / 8 float64 lanes, 2 threads)". */
  readonly label: string;
  create(model: Model, p0: Float64Array, ldp: number, n: number, y: Int32Array, polarity: ArrayLike<number>, capacity: number, screen?: number): TrialBatch | null;
}

/**
 * Default float32 screening margin, relative to the model's logit scale
 * S = max_c (|c_c| + Σ_j |W_cj|·P0_j) (the largest |logit| that powers 0 ≤ p_j ≤ P0_j allow): a test
 * sample whose two largest float32 logits differ by at least 0.01·S is counted from the float32 run;
 * every other sample is recomputed in float64. On the paper's spiral sweep (S ≈ 9.8) the float32
 * logits were off by at most ≈ 1e-5 (decisions first changed at margins of 3e-6 to 1e-5 over 42 000
 * trials up to σ = 1), so the margin is ≈ 10⁴ times the largest error seen. 0 disables screening.
 */
export const DEFAULT_SCREEN_MARGIN = 1e-2;

/** Byte offsets of the screening blocks, after the float64 layout (16-byte aligned). */
function screenLayout(start: number, k: number, steps: number, classes: number, n8: number, n16: number): { A: number; B: number; W: number; C: number; par: number; I0: number; P: number; Pn: number; y: number; list: number; sub: number; end: number } {
  let at = BASE + start;
  const take = (bytes: number): number => {
    const o = at;
    at += (bytes + 15) & ~15;
    return o;
  };
  const A = take(4 * steps * k * k), B = take(4 * steps * k), W = take(4 * classes * k), C = take(4 * classes), par = take(4 * 6 * k);
  const I0 = take(4 * k * n16), P = take(4 * k * n16), Pn = take(4 * k * n16), y = take(4 * n16), list = take(4 * (n16 + 1));
  const sub = take(8 * (3 * k * n8 + n8));
  return { A, B, W, C, par, I0, P, Pn, y, list, sub, end: at - BASE };
}
