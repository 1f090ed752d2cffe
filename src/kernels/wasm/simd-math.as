// AssemblyScript source of the SIMD (f64x2) float64 math shared by the WebAssembly modules:
// exp-based tanh, eq. 4 (value, and derivative with eq4Store), exp and log, each the TypeScript
// algorithm of src/kernels/fast-math.ts operation for operation (same constants, same order, no fused
// multiply-add), so every module and the TypeScript fallbacks give the same bits. Imported by
// src/kernels/wasm/eq4.as, src/sweep/wasm/trials.as and src/network/wasm/engine*.as; not a module by itself.

export const MAGIC: f64 = 6755399441055744.0; // 1.5·2^52: x + MAGIC − MAGIC rounds x to an integer (ties to even)
export const INV_LN2: f64 = 1.4426950408889634;
export const LN2_HI: f64 = 6.93147180369123816490e-1; // 32 trailing zero bits: k·LN2_HI is exact for |k| < 2^21
export const LN2_LO: f64 = 1.90821492927058770002e-10;
export const CLAMP: f64 = 350.0; // exp(−700) is still a normal double
export const SPLIT: f64 = 134217729.0; // 2^27 + 1 (Veltkamp splitting)
// 1/n! for n = 2..13: Taylor series of expm1(r) − r on |r| ≤ ln2/2 (truncation < 1.3e-17·|r|).
export const C2: f64 = 0.5;
export const C3: f64 = 0.16666666666666666;
export const C4: f64 = 0.041666666666666664;
export const C5: f64 = 0.008333333333333333;
export const C6: f64 = 0.001388888888888889;
export const C7: f64 = 0.0001984126984126984;
export const C8: f64 = 0.0000248015873015873;
export const C9: f64 = 0.0000027557319223985893;
export const C10: f64 = 2.755731922398589e-7;
export const C11: f64 = 2.505210838544172e-8;
export const C12: f64 = 2.08767569878681e-9;
export const C13: f64 = 1.6059043836821613e-10;

export const SIGN = i64x2.splat(0x8000000000000000);

// Constants as f64x2 vectors in static memory, read with kv(K_…): V8 materialises a v128.const
// with several instructions at every use, a load from L1 is one.
export const KV = memory.data<f64>([
  C2, C2, C3, C3, C4, C4, C5, C5, C6, C6, C7, C7, C8, C8, C9, C9, C10, C10, C11, C11, C12, C12, C13, C13,
  MAGIC, MAGIC, INV_LN2, INV_LN2, LN2_HI, LN2_HI, LN2_LO, LN2_LO, CLAMP, CLAMP, SPLIT, SPLIT,
  -2.0, -2.0, 1.0, 1.0, 0.0, 0.0, 2 * CLAMP, 2 * CLAMP, -2 * CLAMP, -2 * CLAMP,
]);
export const K_C2 = 0, K_C3 = 1, K_C4 = 2, K_C5 = 3, K_C6 = 4, K_C7 = 5, K_C8 = 6, K_C9 = 7, K_C10 = 8, K_C11 = 9, K_C12 = 10, K_C13 = 11;
export const K_MAGIC = 12, K_INV_LN2 = 13, K_LN2_HI = 14, K_LN2_LO = 15, K_CLAMP = 16, K_SPLIT = 17;
export const K_M2 = 18, K_ONE = 19, K_ZERO = 20, K_CLAMP2 = 21, K_MCLAMP2 = 22;
// exp/log constants (see expv, logv): ±700, √2, ½, 2, 2^52 + 1023 and 2^52, log tail 1/(2n+1).
const KL = memory.data<f64>([
  700.0, 700.0, -700.0, -700.0, 1.4142135623730951, 1.4142135623730951, 0.5, 0.5, 2.0, 2.0,
  4503599627371519.0, 4503599627371519.0, 4503599627370496.0, 4503599627370496.0,
  0.3333333333333333, 0.3333333333333333, 0.2, 0.2, 0.14285714285714285, 0.14285714285714285,
  0.1111111111111111, 0.1111111111111111, 0.09090909090909091, 0.09090909090909091,
  0.07692307692307693, 0.07692307692307693, 0.06666666666666667, 0.06666666666666667,
  0.058823529411764705, 0.058823529411764705, 0.05263157894736842, 0.05263157894736842,
  0.047619047619047616, 0.047619047619047616, 0.043478260869565216, 0.043478260869565216,
]);
export const L_LIM = 0, L_MLIM = 1, L_SQRT2 = 2, L_HALF = 3, L_TWO = 4, L_E1023 = 5, L_E0 = 6;
export const L_T1 = 7, L_T2 = 8, L_T3 = 9, L_T4 = 10, L_T5 = 11, L_T6 = 12, L_T7 = 13, L_T8 = 14, L_T9 = 15, L_T10 = 16, L_T11 = 17;
// @ts-ignore: decorator
@inline export function kl(i: i32): v128 {
  return v128.load(KL + <usize>i * 16);
}
// @ts-ignore: decorator
@inline export function kv(i: i32): v128 {
  return v128.load(KV + <usize>i * 16);
}


// (expm1(r) − r)/r² = 1/2! + r/3! + … + r¹¹/13! for |r| ≤ ln2/2 (+ rounding), in Estrin's scheme
// (pairs, then quads, then r⁴): a dependency chain of 5 multiply–adds instead of Horner's 11.
// @ts-ignore: decorator
@inline export function expm1Tail(r: v128, r2: v128): v128 {
  const e0 = f64x2.add(kv(K_C2), f64x2.mul(r, kv(K_C3)));
  const e1 = f64x2.add(kv(K_C4), f64x2.mul(r, kv(K_C5)));
  const e2 = f64x2.add(kv(K_C6), f64x2.mul(r, kv(K_C7)));
  const e3 = f64x2.add(kv(K_C8), f64x2.mul(r, kv(K_C9)));
  const e4 = f64x2.add(kv(K_C10), f64x2.mul(r, kv(K_C11)));
  const e5 = f64x2.add(kv(K_C12), f64x2.mul(r, kv(K_C13)));
  const f0 = f64x2.add(e0, f64x2.mul(r2, e1));
  const f1 = f64x2.add(e2, f64x2.mul(r2, e3));
  const f2 = f64x2.add(e4, f64x2.mul(r2, e5));
  const r4 = f64x2.mul(r2, r2);
  return f64x2.add(f0, f64x2.mul(r4, f64x2.add(f1, f64x2.mul(r4, f2))));
}

// expm1(r) = r + r²·tail(r).
// @ts-ignore: decorator
@inline export function expm1Poly(r: v128): v128 {
  const r2 = f64x2.mul(r, r);
  return f64x2.add(r, f64x2.mul(r2, expm1Tail(r, r2)));
}

// tanh of two lanes: y = −2·min(|x|, CLAMP) = k·ln2 + r, s = 2^k, p = expm1(r);
// tanh|x| = (1 − e^y)/(1 + e^y) = ((1 − s) − s·p)/((1 + s) + s·p), then the sign of x.
// p, numerator and denominator are exact two-double sums (Fast2Sum); the quotient gets one
// correction with its exact remainder (Dekker's product with Veltkamp splitting; no FMA).
// @ts-ignore: decorator
@inline export function tanh2(x: v128): v128 {
  const y = f64x2.mul(kv(K_M2), f64x2.pmin(f64x2.abs(x), kv(K_CLAMP)));
  const t = f64x2.add(f64x2.mul(y, kv(K_INV_LN2)), kv(K_MAGIC));
  const kf = f64x2.sub(t, kv(K_MAGIC));
  const r = f64x2.sub(f64x2.sub(y, f64x2.mul(kf, kv(K_LN2_HI))), f64x2.mul(kf, kv(K_LN2_LO)));
  const r2 = f64x2.mul(r, r);
  const tail = f64x2.mul(r2, expm1Tail(r, r2));
  const ph = f64x2.add(r, tail), pl = f64x2.add(f64x2.sub(r, ph), tail);
  const s = i64x2.shl(i64x2.add(t, i64x2.splat(1023)), 52);
  const sh = f64x2.mul(s, ph), sl = f64x2.mul(s, pl);
  const a1 = f64x2.sub(kv(K_ONE), s), a2 = f64x2.add(kv(K_ONE), s);
  const nh = f64x2.sub(a1, sh), nl = f64x2.sub(f64x2.sub(f64x2.sub(a1, nh), sh), sl);
  const dh = f64x2.add(a2, sh), dl = f64x2.add(f64x2.add(f64x2.sub(a2, dh), sh), sl);
  const q = f64x2.div(nh, dh);
  const split = kv(K_SPLIT);
  const cq = f64x2.mul(split, q), qh = f64x2.sub(cq, f64x2.sub(cq, q)), ql = f64x2.sub(q, qh);
  const cd = f64x2.mul(split, dh), dhh = f64x2.sub(cd, f64x2.sub(cd, dh)), dhl = f64x2.sub(dh, dhh);
  const prh = f64x2.mul(q, dh);
  const prl = f64x2.add(f64x2.add(f64x2.add(f64x2.sub(f64x2.mul(qh, dhh), prh), f64x2.mul(qh, dhl)), f64x2.mul(ql, dhh)), f64x2.mul(ql, dhl));
  const rem = f64x2.sub(f64x2.add(f64x2.sub(f64x2.sub(nh, prh), prl), nl), f64x2.mul(q, dl));
  const v = f64x2.add(q, f64x2.div(rem, dh));
  return v128.or(v, v128.and(x, SIGN));
}

// Eq. 4 at currents I (two lanes) for one device, given a2 = 2a and b2 = 2b:
// y = −2z = b2 − a2·I clamped to [−2·CLAMP, 2·CLAMP] (exactly −2·(a·I − b)), E = e^y = s + s·p,
// ½(1 + tanh z) = 1/(1 + E) with 1 + E = (1 + s) + s·p, so
// p(I) = P0·(I − Ic) / ((1 + E)·(I + Q·Ic))   (one division, no select).
// @ts-ignore: decorator
@inline export function eq4v(I: v128, a2: v128, b2: v128, Ic: v128, QIc: v128, P0: v128): v128 {
  // pmin(m, C) = C < m ? C : m and pmax(m, C) = m < C ? C : m: one instruction each; NaN passes.
  const y = f64x2.pmax(f64x2.pmin(f64x2.sub(b2, f64x2.mul(a2, I)), kv(K_CLAMP2)), kv(K_MCLAMP2));
  const t = f64x2.add(f64x2.mul(y, kv(K_INV_LN2)), kv(K_MAGIC));
  const kf = f64x2.sub(t, kv(K_MAGIC));
  const r = f64x2.sub(f64x2.sub(y, f64x2.mul(kf, kv(K_LN2_HI))), f64x2.mul(kf, kv(K_LN2_LO)));
  const p = expm1Poly(r);
  const s = i64x2.shl(i64x2.add(t, i64x2.splat(1023)), 52);
  const den = f64x2.add(f64x2.add(kv(K_ONE), s), f64x2.mul(s, p));
  return f64x2.div(f64x2.mul(P0, f64x2.sub(I, Ic)), f64x2.mul(den, f64x2.add(I, QIc)));
}

// e^x of two lanes (src/kernels/fast-math.ts fastExp, op for op): x clamped to [−700, 700],
// x = k·ln2 + r, e^x = s + s·expm1(r) with s = 2^k. NaN passes through.
// @ts-ignore: decorator
@inline export function expv(x: v128): v128 {
  const y = f64x2.pmin(f64x2.pmax(x, kl(L_MLIM)), kl(L_LIM));
  const t = f64x2.add(f64x2.mul(y, kv(K_INV_LN2)), kv(K_MAGIC));
  const kf = f64x2.sub(t, kv(K_MAGIC));
  const r = f64x2.sub(f64x2.sub(y, f64x2.mul(kf, kv(K_LN2_HI))), f64x2.mul(kf, kv(K_LN2_LO)));
  const p = expm1Poly(r);
  const s = i64x2.shl(i64x2.add(t, i64x2.splat(1023)), 52);
  return f64x2.add(s, f64x2.mul(s, p));
}

// log of two positive normal lanes (fastLog, op for op): x = 2^e·m, m in [√½, √2),
// log x = e·ln2_hi + (e·ln2_lo + 2s·tail(s²)), s = (m − 1)/(2 + (m − 1)). NaN and +∞ pass through.
// @ts-ignore: decorator
@inline export function logv(x: v128): v128 {
  // e + 1023 in the low bits of 2^52 + (e + 1023), then exactly e.
  let e = f64x2.sub(v128.or(i64x2.shr_u(x, 52), kl(L_E0)), kl(L_E1023));
  let m = v128.or(v128.and(x, i64x2.splat(0x000fffffffffffff)), i64x2.splat(0x3ff0000000000000));
  const big = f64x2.gt(m, kl(L_SQRT2));
  m = v128.bitselect(f64x2.mul(m, kl(L_HALF)), m, big);
  e = v128.bitselect(f64x2.add(e, kv(K_ONE)), e, big);
  const f = f64x2.sub(m, kv(K_ONE));
  const s = f64x2.div(f, f64x2.add(kl(L_TWO), f));
  const z = f64x2.mul(s, s);
  const a0 = f64x2.add(kv(K_ONE), f64x2.mul(z, kl(L_T1))), a1 = f64x2.add(kl(L_T2), f64x2.mul(z, kl(L_T3)));
  const a2 = f64x2.add(kl(L_T4), f64x2.mul(z, kl(L_T5))), a3 = f64x2.add(kl(L_T6), f64x2.mul(z, kl(L_T7)));
  const a4 = f64x2.add(kl(L_T8), f64x2.mul(z, kl(L_T9))), a5 = f64x2.add(kl(L_T10), f64x2.mul(z, kl(L_T11)));
  const z2 = f64x2.mul(z, z);
  const b0 = f64x2.add(a0, f64x2.mul(z2, a1)), b1 = f64x2.add(a2, f64x2.mul(z2, a3)), b2 = f64x2.add(a4, f64x2.mul(z2, a5));
  const z4 = f64x2.mul(z2, z2);
  const tail = f64x2.add(b0, f64x2.mul(z4, f64x2.add(b1, f64x2.mul(z4, b2))));
  const w = f64x2.mul(f64x2.mul(kl(L_TWO), s), tail);
  const res = f64x2.add(f64x2.mul(e, kv(K_LN2_HI)), f64x2.add(f64x2.mul(e, kv(K_LN2_LO)), w));
  // !(x < ∞): NaN or +∞ returns x.
  return v128.bitselect(res, x, f64x2.lt(x, f64x2.splat(Infinity)));
}

// Eq. 4 value and derivative at currents x (two lanes) for one device, stored at P and D (D = 0:
// value only). par = (2a, 2b, Ic, Q·Ic, P0, 2a·P0, P0·Ic·(1 + Q)) splatted. The value is eq4v's, bit
// for bit; with E = e^y, w = 1 + E and dI = I + Q·Ic, inv = 1/(w·dI):
//   p'(I) = inv·(2a·P0·((E·inv)·dI)·(I − Ic) + P0·Ic·(1 + Q)·(w·inv))
// (= P0·(2a·E/w²·(I − Ic)/dI + Ic·(1 + Q)/(w·dI²)); every factor stays finite when E is huge).
// @ts-ignore: decorator
@inline export function eq4Store(x: v128, a2: v128, b2: v128, Ic: v128, QIc: v128, P0: v128, a2P0: v128, cP0: v128, P: usize, D: usize): void {
  if (D == 0) {
    v128.store(P, eq4v(x, a2, b2, Ic, QIc, P0));
    return;
  }
  const y = f64x2.pmax(f64x2.pmin(f64x2.sub(b2, f64x2.mul(a2, x)), kv(K_CLAMP2)), kv(K_MCLAMP2));
  const t = f64x2.add(f64x2.mul(y, kv(K_INV_LN2)), kv(K_MAGIC));
  const kf = f64x2.sub(t, kv(K_MAGIC));
  const r = f64x2.sub(f64x2.sub(y, f64x2.mul(kf, kv(K_LN2_HI))), f64x2.mul(kf, kv(K_LN2_LO)));
  const p = expm1Poly(r);
  const s = i64x2.shl(i64x2.add(t, i64x2.splat(1023)), 52);
  const sp = f64x2.mul(s, p);
  const w = f64x2.add(f64x2.add(kv(K_ONE), s), sp);
  const E = f64x2.add(s, sp);
  const num = f64x2.sub(x, Ic), dI = f64x2.add(x, QIc);
  const wd = f64x2.mul(w, dI);
  v128.store(P, f64x2.div(f64x2.mul(P0, num), wd));
  const inv = f64x2.div(kv(K_ONE), wd);
  const g = f64x2.mul(f64x2.mul(a2P0, f64x2.mul(f64x2.mul(E, inv), dI)), num);
  v128.store(D, f64x2.mul(inv, f64x2.add(g, f64x2.mul(cP0, f64x2.mul(w, inv)))));
}

// ---- float32 (f32x4) -----------------------------------------------------------------------------
// 2^y in float32 for the float32 screen (src/sweep/wasm/trials.as) and the float32 training engine
// (src/network/wasm/engine32.as): k = round(y) by the 1.5·2^23 trick, r = y − k (exact), 2^r − 1 as
// Σ (r·ln2)^n/n! to degree 7 (truncation < 1e-8 relative), 2^k built from the exponent bits.
export const KF = memory.data<f32>([
  0.6931472, 0.6931472, 0.6931472, 0.6931472, // ln2
  0.2402265, 0.2402265, 0.2402265, 0.2402265, // ln2²/2
  0.05550411, 0.05550411, 0.05550411, 0.05550411, // ln2³/6
  0.009618129, 0.009618129, 0.009618129, 0.009618129, // ln2⁴/24
  0.0013333558, 0.0013333558, 0.0013333558, 0.0013333558, // ln2⁵/120
  0.00015403530, 0.00015403530, 0.00015403530, 0.00015403530, // ln2⁶/720
  0.000015252734, 0.000015252734, 0.000015252734, 0.000015252734, // ln2⁷/5040
  12582912.0, 12582912.0, 12582912.0, 12582912.0, // 1.5·2^23
  115.0, 115.0, 115.0, 115.0,
  -115.0, -115.0, -115.0, -115.0,
  1.0, 1.0, 1.0, 1.0,
]);
export const F_C1 = 0, F_C2 = 1, F_C3 = 2, F_C4 = 3, F_C5 = 4, F_C6 = 5, F_C7 = 6, F_MAGIC = 7, F_CLAMP = 8, F_MCLAMP = 9, F_ONE = 10;
// @ts-ignore: decorator
@inline export function kf(i: i32): v128 {
  return v128.load(KF + <usize>i * 16);
}

// 2^y = s·(1 + p) for y in [−115, 115] (float32, four lanes): t = pow2fRound(y) holds k = round(y)
// in its low bits, p = pow2fFrac(y, t) = 2^r − 1 with r = y − k, s = pow2fScale(t) = 2^k.
// @ts-ignore: decorator
@inline export function pow2fRound(y: v128): v128 {
  return f32x4.add(y, kf(F_MAGIC));
}
// @ts-ignore: decorator
@inline export function pow2fFrac(y: v128, t: v128): v128 {
  const r = f32x4.sub(y, f32x4.sub(t, kf(F_MAGIC)));
  const r2 = f32x4.mul(r, r);
  const e0 = f32x4.add(kf(F_C2), f32x4.mul(r, kf(F_C3)));
  const e1 = f32x4.add(kf(F_C4), f32x4.mul(r, kf(F_C5)));
  const e2 = f32x4.add(kf(F_C6), f32x4.mul(r, kf(F_C7)));
  const tail = f32x4.add(e0, f32x4.mul(r2, f32x4.add(e1, f32x4.mul(r2, e2))));
  return f32x4.add(f32x4.mul(r, kf(F_C1)), f32x4.mul(r2, tail));
}
// @ts-ignore: decorator
@inline export function pow2fScale(t: v128): v128 {
  return i32x4.shl(i32x4.add(t, i32x4.splat(127)), 23);
}

