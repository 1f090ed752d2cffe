/**
 * dynaspin's own fast math: exp, log, a vectorisable tanh, and the eq. 4 device curve built on
 * them (the TypeScript kernels; the specification of eq. 4 and its parameter packing live in
 * src/device/eq4.ts). The same algorithm, operation for operation, runs in the WebAssembly SIMD
 * kernels of `wasm/simd-math.as` and `wasm/eq4.as`; both give the same bits (tested).
 *
 * Algorithm (Cody–Waite reduction + Taylor polynomial, no branch on the value; the WebAssembly
 * kernel builds 2^k from its bits, the TypeScript one reads it from an exact table):
 *   m = min(|x|, 350),  y = −2m = k·ln2 + r  with k = round(y/ln2) (ties to even via 1.5·2^52),
 *   r = (y − k·ln2_hi) − k·ln2_lo,  |r| ≤ ln2/2,
 *   p = expm1(r) = r + r²·(1/2! + r/3! + … + r¹¹/13!)   (Estrin; truncation < 1.3e-17·|r|),
 *   s = 2^k (exact),  e^y = s·(1 + p),
 *   tanh|x| = (1 − e^y)/(1 + e^y) = ((1 − s) − s·p) / ((1 + s) + s·p),  then the sign of x.
 * p, numerator and denominator are carried as exact two-double sums (Fast2Sum; 1 ∓ s and the
 * scalings by s are exact) and the quotient is corrected once with its exact remainder (Dekker's
 * product), so mainly the reduction r, the polynomial tail and the last addition round: measured
 * ≤ 1.5 ulp from tanh in 256-bit arithmetic and ≤ 2 ulp from `Math.tanh` (itself up to ≈ 1.8 ulp
 * off) on 1e6 points (test/kernels/fast-math.test.ts). |x| ≥ 19.1 gives ±1, ±0 keeps its sign, NaN
 * gives NaN.
 *
 * Eq. 4 uses the logistic form ½(1 + tanh z) = 1/(1 + E) with E = e^(−2z) = s·(1 + p) (−2z clamped
 * to ±700, so E stays finite), which has no cancellation and shares the division with the rational
 * factor: p(I) = P0·(I − Ic) / ((1 + E)·(I + Q·Ic)).
 *
 * Pure: no imports, no allocation in the kernels.
 */

const MAGIC = 6755399441055744.0; // 1.5·2^52
const INV_LN2 = 1.4426950408889634;
const LN2_HI = 6.9314718036912381649e-1; // 32 trailing zero bits: k·LN2_HI exact
const LN2_LO = 1.90821492927058770002e-10;
const CLAMP = 350.0; // e^(−700) is still a normal double
const CLAMP2 = 2 * CLAMP;
const SPLIT = 134217729; // 2^27 + 1, Veltkamp splitting of a double into two 26-bit halves
const C2 = 0.5;
const C3 = 0.16666666666666666;
const C4 = 0.041666666666666664;
const C5 = 0.008333333333333333;
const C6 = 0.001388888888888889;
const C7 = 0.0001984126984126984;
const C8 = 0.0000248015873015873;
const C9 = 0.0000027557319223985893;
const C10 = 2.755731922398589e-7;
const C11 = 2.505210838544172e-8;
const C12 = 2.08767569878681e-9;
const C13 = 1.6059043836821613e-10;

/** POW2[k + 1010] = 2^k exactly, k = −1010..1010 (the range of k for |y| ≤ 700). */
const POW2 = /* @__PURE__ */ (() => {
  const t = new Float64Array(2021);
  t[1010] = 1;
  for (let j = 1; j <= 1010; j++) {
    t[1010 + j] = t[1009 + j] * 2;
    t[1010 - j] = t[1011 - j] * 0.5;
  }
  return t;
})();

/**
 * (expm1(r) − r)/r² = 1/2! + r/3! + … + r¹¹/13! in Estrin's scheme (pairs, quads, then r⁴): the
 * WebAssembly kernel's order, with a dependency chain of 5 multiply–adds instead of Horner's 11.
 */
function expm1Tail(r: number, r2: number): number {
  const e0 = C2 + r * C3, e1 = C4 + r * C5, e2 = C6 + r * C7;
  const e3 = C8 + r * C9, e4 = C10 + r * C11, e5 = C12 + r * C13;
  const f0 = e0 + r2 * e1, f1 = e2 + r2 * e3, f2 = e4 + r2 * e5;
  const r4 = r2 * r2;
  return f0 + r4 * (f1 + r4 * f2);
}

/** expm1(r) for |r| ≤ ln2/2: r + r²·tail(r). */
function expm1Poly(r: number): number {
  const r2 = r * r;
  return r + r2 * expm1Tail(r, r2);
}

/**
 * tanh(x) within 2 ulp of `Math.tanh` (see the module comment), bit-identical to the WebAssembly
 * SIMD kernel. @example fastTanh(0.5) // 0.46211715726000974
 */
export function fastTanh(x: number): number {
  if (x !== x) return x;
  const ax = Math.abs(x);
  const y = -2 * (CLAMP < ax ? CLAMP : ax);
  const t = y * INV_LN2 + MAGIC;
  const kf = t - MAGIC;
  const r = y - kf * LN2_HI - kf * LN2_LO;
  // p = expm1(r) as an exact sum ph + pl of r and the polynomial tail (Fast2Sum: |r| ≥ |tail|).
  const r2 = r * r;
  const tail = r2 * expm1Tail(r, r2);
  const ph = r + tail, pl = r - ph + tail;
  const s = POW2[kf + 1010];
  const sh = s * ph, sl = s * pl;
  // num = (1 − s) − s·p and den = (1 + s) + s·p as exact two-double sums (|1 ± s| ≥ |s·p|).
  const a1 = 1 - s, a2 = 1 + s;
  const nh = a1 - sh, nl = a1 - nh - sh - sl;
  const dh = a2 + sh, dl = a2 - dh + sh + sl;
  // q = nh/dh, its exact remainder nh − q·dh (Dekker's product, Veltkamp splitting), then one
  // correction step with the low parts.
  const q = nh / dh;
  const cq = SPLIT * q, qh = cq - (cq - q), ql = q - qh;
  const cd = SPLIT * dh, dhh = cd - (cd - dh), dhl = dh - dhh;
  const prh = q * dh, prl = qh * dhh - prh + qh * dhl + ql * dhh + ql * dhl;
  const v = q + (nh - prh - prl + nl - q * dl) / dh;
  // v ≥ 0; copy the sign of x (±0 included).
  return x < 0 || (x === 0 && 1 / x < 0) ? -v : v;
}

/** Kernel: out[i] = fastTanh(x[i]) for i < n. Returns out. */
export function fastTanhArray(n: number, out: Float64Array, x: Float64Array): Float64Array {
  for (let i = 0; i < n; i++) out[i] = fastTanh(x[i]);
  return out;
}

/**
 * Eq. 4, `p(I) = ½·P0·(1 + tanh(a·I − b))·(I − Ic)/(I + Q·Ic)`, through the logistic form of the
 * module comment; `QIc` = Q·Ic. Bit-identical to the WebAssembly kernel.
 * @example fastEq4(2, 4, 5, 1, 2, 1) // 0.24938 (= eq4().power(2) to 1e-15)
 */
export function fastEq4(I: number, a: number, b: number, Ic: number, QIc: number, P0: number): number {
  return fastEq4Doubled(I, 2 * a, 2 * b, Ic, QIc, P0);
}

/**
 * {@link fastEq4} with a2 = 2a and b2 = 2b (the fused kernel stores them doubled):
 * y = −2z = b2 − a2·I (exact doubling, so equal to −2·(a·I − b)) clamped to ±700, E = e^y = s·(1 + p),
 * ½(1 + tanh z) = 1/(1 + E), p(I) = P0·(I − Ic) / (((1 + s) + s·p)·(I + Q·Ic)).
 */
export function fastEq4Doubled(I: number, a2: number, b2: number, Ic: number, QIc: number, P0: number): number {
  const w = b2 - a2 * I;
  // The WebAssembly kernel's pmin/pmax: a NaN passes through.
  const m = CLAMP2 < w ? CLAMP2 : w;
  const y = m < -CLAMP2 ? -CLAMP2 : m;
  const p = expSplit(y);
  const s = expScale;
  const den = 1 + s + s * p;
  return (P0 * (I - Ic)) / (den * (I + QIc));
}

/** 2^k of the last {@link expSplit} (module scratch, so the split returns two numbers without allocating). */
let expScale = 0;

/**
 * e^y = s + s·p for |y| ≤ 700 (or NaN): y = k·ln2 + r (Cody–Waite, ties to even), returns
 * p = expm1(r) and leaves s = 2^k (exact, from the table) in `expScale`. The reduction every
 * exp-based function of this module shares; the WebAssembly kernels do the same operations.
 */
function expSplit(y: number): number {
  const t = y * INV_LN2 + MAGIC;
  const kf = t - MAGIC;
  const r = y - kf * LN2_HI - kf * LN2_LO;
  expScale = kf === kf ? POW2[kf + 1010] : NaN;
  return expm1Poly(r);
}

/** Kernel: out[i] = fastEq4(I[i], ...) for i < n. Returns out. */
export function fastEq4Array(n: number, out: Float64Array, I: Float64Array, a: number, b: number, Ic: number, QIc: number, P0: number): Float64Array {
  for (let i = 0; i < n; i++) out[i] = fastEq4(I[i], a, b, Ic, QIc, P0);
  return out;
}

/**
 * Kernel: eq. 4 on `I[start..end)`: `p[j]` (bit-identical to {@link fastEq4Doubled}) and, when `dp`
 * is not null, the derivative `dp[j]`, with `par` packed by `eq4RowParams` (src/device/eq4.ts). With E = e^(−2z),
 * w = 1 + E, dI = I + Q·Ic and inv = 1/(w·dI):
 *   p  = P0·(I − Ic)/(w·dI),
 *   p' = inv·(2a·P0·((E·inv)·dI)·(I − Ic) + P0·Ic·(1 + Q)·(w·inv))
 *      = P0·(2a·E/w²·(I − Ic)/dI + Ic·(1 + Q)/(w·dI²))   (every factor finite even when E ≈ e^700).
 * Operation for operation the WebAssembly `eq4Deriv` of `wasm/eq4.as` (same bits). The parameters
 * are read from par[po..po + 7). `p` may be `I` (each current is read before its power is written).
 */
export function fastEq4Rows(I: Float64Array, p: Float64Array, dp: Float64Array | null, start: number, end: number, par: Float64Array, po = 0): void {
  const a2 = par[po], b2 = par[po + 1], Ic = par[po + 2], QIc = par[po + 3], P0 = par[po + 4];
  if (dp === null) {
    for (let j = start; j < end; j++) p[j] = fastEq4Doubled(I[j], a2, b2, Ic, QIc, P0);
    return;
  }
  const a2P0 = par[po + 5], cP0 = par[po + 6];
  for (let j = start; j < end; j++) {
    const x = I[j];
    const w0 = b2 - a2 * x;
    const m = CLAMP2 < w0 ? CLAMP2 : w0;
    const y = m < -CLAMP2 ? -CLAMP2 : m;
    const q = expSplit(y);
    const s = expScale;
    const sp = s * q;
    const w = 1 + s + sp;
    const E = s + sp;
    const num = x - Ic, dI = x + QIc;
    const wd = w * dI;
    p[j] = (P0 * num) / wd;
    const inv = 1 / wd;
    dp[j] = inv * (a2P0 * (E * inv * dI) * num + cP0 * (w * inv));
  }
}

/**
 * Kernel: one forward step of k eq. 4 oscillators, the TypeScript twin of the WebAssembly
 * `eq4Drive` (src/kernels/eq4.ts, same bits): for row i of the drives `U` (k rows of stride ld,
 * first nb columns) the current I = s·u² and then p (and p' when `D` is not null) into the rows of
 * `P` and `D`, with `par` holding 8 numbers per oscillator (`eq4RowParams`' seven and the polarity s).
 */
export function fastEq4Drive(k: number, nb: number, ld: number, U: Float64Array, par: Float64Array, P: Float64Array, D: Float64Array | null): void {
  for (let i = 0; i < k; i++) {
    const ro = i * ld, s = par[8 * i + 7];
    for (let b = ro, end = ro + nb; b < end; b++) {
      const u = U[b];
      P[b] = s * u * u;
    }
    fastEq4Rows(P, P, D, ro, ro + nb, par, 8 * i);
  }
}

const EXP_LIM = 700.0; // the POW2 table's range: |k| ≤ 1010
const LOG_SQRT2 = 1.4142135623730951;
const bitsF = new Float64Array(1);
const bitsU = new Uint32Array(bitsF.buffer);

/**
 * e^x (for the softmax's x = logit − max ≤ 0): x clamped to [−700, 700], x = k·ln2 + r,
 * e^x = 2^k·(1 + expm1(r)) with the module's reduction and polynomial (≤ 1 ulp from `Math.exp`
 * measured; below −700 it returns e^−700 ≈ 9.9e−305 instead of a smaller number or 0). NaN gives
 * NaN. Bit-identical to the WebAssembly `expv`.
 * @example fastExp(0) // 1
 */
export function fastExp(x: number): number {
  const c = x < -EXP_LIM ? -EXP_LIM : x;
  const y = EXP_LIM < c ? EXP_LIM : c;
  const p = expSplit(y);
  return expScale + expScale * p;
}

/**
 * (log(m) with m = 1 + f) = 2·atanh(s), s = f/(2 + f), |s| ≤ 0.1716: 2s·(1 + z/3 + z²/5 + … + z¹¹/23)
 * with z = s² (truncation < 2e-18 relative), in Estrin's scheme.
 */
function log1pTail(z: number): number {
  const a0 = 1 + z * 0.3333333333333333, a1 = 0.2 + z * 0.14285714285714285, a2 = 0.1111111111111111 + z * 0.09090909090909091;
  const a3 = 0.07692307692307693 + z * 0.06666666666666667, a4 = 0.058823529411764705 + z * 0.05263157894736842, a5 = 0.047619047619047616 + z * 0.043478260869565216;
  const z2 = z * z;
  const b0 = a0 + z2 * a1, b1 = a2 + z2 * a3, b2 = a4 + z2 * a5;
  const z4 = z2 * z2;
  return b0 + z4 * (b1 + z4 * b2);
}

/**
 * Natural log of a positive normal double (the softmax's sum ≥ 1): x = 2^e·m with m in
 * [√½, √2), log x = e·ln2_hi + (e·ln2_lo + 2s·tail(s²)), s = (m − 1)/(m + 1). Within 3 ulp of
 * `Math.log` on [1e−300, 1e300] (3 ulp measured near 1.1, where log is small); NaN gives NaN, +∞ gives +∞. Bit-identical to the
 * WebAssembly `logv`. Not for zero, negative or subnormal x.
 * @example fastLog(1) // 0
 */
export function fastLog(x: number): number {
  if (!(x < Infinity)) return x;
  bitsF[0] = x;
  const hi = bitsU[1];
  let e = (hi >>> 20) - 1023;
  bitsU[1] = (hi & 0x000fffff) | 0x3ff00000;
  let m = bitsF[0];
  if (m > LOG_SQRT2) {
    m = m * 0.5;
    e = e + 1;
  }
  const f = m - 1;
  const s = f / (2 + f);
  const w = 2 * s * log1pTail(s * s);
  return e * LN2_HI + (e * LN2_LO + w);
}
