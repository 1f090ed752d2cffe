/**
 * Eq. 4, the paper's phenomenological STNO curve, in one place: the specification (value,
 * derivative in the current, derivatives in the parameters), the one packed parameter layout
 * every fast kernel reads, and the choice of kernel.
 *
 *   p(I) = P0 · ½(1 + tanh(a·I − b)) · (I − Ic)/(I + Q·Ic)
 *
 * The functions named `eq4Spec*` are the specification: written as the formula reads, with
 * `Math.tanh`, no clamping. Every implementation is tested against them on the same inputs
 * (test/device/eq4-spec.test.ts): the TypeScript kernels of src/kernels/fast-math.ts, their
 * WebAssembly twins (src/kernels/wasm/eq4.as, compiled into the eq. 4 module and into the network
 * engines), the float32 engine, the robustness trial, and the curve fit (which uses
 * {@link eq4SpecGradient} as its Jacobian). The fast kernels evaluate the logistic form
 * ½(1 + tanh z) = 1/(1 + e^(−2z)) with dynaspin's own exp, within a few ulp of the specification.
 *
 * Changing eq. 4 means changing this file, src/kernels/fast-math.ts and
 * src/kernels/wasm/simd-math.as (and the float32 engine's copy in src/network/wasm/engine32.as).
 */
import { fastEq4Rows } from "../kernels/fast-math.js";
import { wasmEq4Rows, type Eq4RowKernel } from "../kernels/eq4.js";

export type { Eq4RowKernel };

/** Order of eq. 4's parameters θ wherever they travel as a vector (the curve fit's θ). */
export const EQ4_PARAMS = ["a", "b", "Ic", "Q", "P0"] as const;

/**
 * Specification of eq. 4: p(I) = P0·½(1 + tanh(aI − b))·(I − Ic)/(I + Q·Ic), with `Math.tanh`.
 * Currents in the device's unit, a in 1/unit, b and Q dimensionless, P0 in the power unit.
 * @example eq4Spec(2, 4, 5, 1, 2, 1) // 0.2493807...
 */
export function eq4Spec(I: number, a: number, b: number, Ic: number, Q: number, P0: number): number {
  const g = 0.5 * (1 + Math.tanh(a * I - b));
  const r = (I - Ic) * (1 / (I + Q * Ic));
  return P0 * (g * r);
}

/**
 * Specification of dp/dI: P0·(½·a·sech²(aI − b)·r + ½(1 + tanh(aI − b))·r'), with
 * r = (I − Ic)/(I + Q·Ic) and r' = Ic·(1 + Q)/(I + Q·Ic)².
 */
export function eq4SpecDI(I: number, a: number, b: number, Ic: number, Q: number, P0: number): number {
  const th = Math.tanh(a * I - b);
  const den = I + Q * Ic;
  const r = (I - Ic) / den;
  const dr = (Ic * (1 + Q)) / (den * den);
  return P0 * (0.5 * a * (1 - th * th) * r + 0.5 * (1 + th) * dr);
}

/**
 * Specification of the parameter derivatives, for θ = [a, b, Ic, Q, P0] ({@link EQ4_PARAMS}):
 * with r = (I − Ic)/(I + Q·Ic), g = ½(1 + tanh(aI − b)), s = 1 − tanh²(aI − b),
 *   ∂p/∂a = ½·P0·s·I·r,  ∂p/∂b = −½·P0·s·r,  ∂p/∂Ic = −P0·g·I·(1 + Q)/(I + Q·Ic)²,
 *   ∂p/∂Q = −P0·g·Ic·(I − Ic)/(I + Q·Ic)²,  ∂p/∂P0 = g·r.
 * Writes them to out[off..off + 5) and returns p(I) (= P0·g·r, the same bits as {@link eq4Spec}).
 */
export function eq4SpecGradient(I: number, a: number, b: number, Ic: number, Q: number, P0: number, out: Float64Array, off: number): number {
  const inv = 1 / (I + Q * Ic);
  const r = (I - Ic) * inv;
  const th = Math.tanh(a * I - b);
  const g = 0.5 * (1 + th);
  const sech2 = 1 - th * th;
  const p = g * r;
  out[off] = 0.5 * P0 * sech2 * I * r;
  out[off + 1] = -0.5 * P0 * sech2 * r;
  out[off + 2] = P0 * g * (-I * (1 + Q) * inv * inv);
  out[off + 3] = P0 * g * (-Ic * (I - Ic) * inv * inv);
  out[off + 4] = p;
  return P0 * p;
}

/** Length of the packed parameters of one device ({@link eq4RowParams}). */
export const EQ4_PACKED = 7;
/** Length of one oscillator's packed parameters in the network's drive step: the seven and the polarity. */
export const EQ4_PACKED_DRIVE = 8;

/**
 * The one packed layout of eq. 4's parameters that the fast kernels read (TypeScript and
 * WebAssembly, the engines' drive step and the robustness trial too):
 * (2a, 2b, Ic, Q·Ic, P0, 2a·P0, P0·Ic·(1 + Q)), written into out[off..off + 7). Returns out.
 * Where oscillators are packed one after another ({@link EQ4_PACKED_DRIVE} values each), the
 * polarity (sign of Ic) follows as the eighth value.
 */
export function eq4RowParams(a: number, b: number, Ic: number, Q: number, P0: number, out: Float64Array, off = 0): Float64Array {
  out[off] = 2 * a;
  out[off + 1] = 2 * b;
  out[off + 2] = Ic;
  out[off + 3] = Q * Ic;
  out[off + 4] = P0;
  out[off + 5] = 2 * a * P0;
  out[off + 6] = P0 * Ic * (1 + Q);
  return out;
}

/**
 * The eq. 4 row kernel this thread runs: the WebAssembly SIMD one where the runtime has it, the
 * TypeScript one otherwise (same bits either way, tested), chosen once per thread.
 */
export function eq4RowKernel(): Eq4RowKernel {
  return wasmEq4Rows() ?? fastEq4Rows;
}

const kernelPar = new Float64Array(EQ4_PACKED), kernelIn = new Float64Array(1), kernelP = new Float64Array(1), kernelD = new Float64Array(1);

/**
 * Kernel: eq. 4 value and derivative at one current (P0 = 1), computed as `Eq4Curve` does.
 * Writes [p, dp] into out; returns out.
 */
export function eq4Kernel(I: number, a: number, b: number, Ic: number, Q: number, out: Float64Array): Float64Array {
  kernelIn[0] = I;
  fastEq4Rows(kernelIn, kernelP, kernelD, 0, 1, eq4RowParams(a, b, Ic, Q, 1, kernelPar));
  out[0] = kernelP[0];
  out[1] = kernelD[0];
  return out;
}
