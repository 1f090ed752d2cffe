// AssemblyScript source (compiled as trials.ts by scripts/build-sweep-wasm.mjs) of the WebAssembly
// SIMD (f64x2) kernels of src/sweep/fast-tanh.ts and src/sweep/fast-trials.ts.
// Build: `npm run build:sweep-wasm` -> src/sweep/wasm/trials-wasm.ts (base64).
// Every operation mirrors the TypeScript fallback one for one (same constants, same order, no
// fused multiply-add), so both give the same bits; SIMD lanes run over independent samples.
// Pointers are byte offsets into linear memory.

const MAGIC: f64 = 6755399441055744.0; // 1.5·2^52: x + MAGIC − MAGIC rounds x to an integer (ties to even)
const INV_LN2: f64 = 1.4426950408889634;
const LN2_HI: f64 = 6.93147180369123816490e-1; // 32 trailing zero bits: k·LN2_HI is exact for |k| < 2^21
const LN2_LO: f64 = 1.90821492927058770002e-10;
const CLAMP: f64 = 350.0; // exp(−700) is still a normal double
const SPLIT: f64 = 134217729.0; // 2^27 + 1 (Veltkamp splitting)
// 1/n! for n = 2..13: Taylor series of expm1(r) − r on |r| ≤ ln2/2 (truncation < 1.3e-17·|r|).
const C2: f64 = 0.5;
const C3: f64 = 0.16666666666666666;
const C4: f64 = 0.041666666666666664;
const C5: f64 = 0.008333333333333333;
const C6: f64 = 0.001388888888888889;
const C7: f64 = 0.0001984126984126984;
const C8: f64 = 0.0000248015873015873;
const C9: f64 = 0.0000027557319223985893;
const C10: f64 = 2.755731922398589e-7;
const C11: f64 = 2.505210838544172e-8;
const C12: f64 = 2.08767569878681e-9;
const C13: f64 = 1.6059043836821613e-10;

const SIGN = i64x2.splat(0x8000000000000000);

// Constants as f64x2 vectors in static memory, read with kv(K_…): V8 materialises a v128.const
// with several instructions at every use, a load from L1 is one.
const KV = memory.data<f64>([
  C2, C2, C3, C3, C4, C4, C5, C5, C6, C6, C7, C7, C8, C8, C9, C9, C10, C10, C11, C11, C12, C12, C13, C13,
  MAGIC, MAGIC, INV_LN2, INV_LN2, LN2_HI, LN2_HI, LN2_LO, LN2_LO, CLAMP, CLAMP, SPLIT, SPLIT,
  -2.0, -2.0, 1.0, 1.0, 0.0, 0.0, 2 * CLAMP, 2 * CLAMP, -2 * CLAMP, -2 * CLAMP,
]);
const K_C2 = 0, K_C3 = 1, K_C4 = 2, K_C5 = 3, K_C6 = 4, K_C7 = 5, K_C8 = 6, K_C9 = 7, K_C10 = 8, K_C11 = 9, K_C12 = 10, K_C13 = 11;
const K_MAGIC = 12, K_INV_LN2 = 13, K_LN2_HI = 14, K_LN2_LO = 15, K_CLAMP = 16, K_SPLIT = 17;
const K_M2 = 18, K_ONE = 19, K_ZERO = 20, K_CLAMP2 = 21, K_MCLAMP2 = 22;
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
const L_LIM = 0, L_MLIM = 1, L_SQRT2 = 2, L_HALF = 3, L_TWO = 4, L_E1023 = 5, L_E0 = 6;
const L_T1 = 7, L_T2 = 8, L_T3 = 9, L_T4 = 10, L_T5 = 11, L_T6 = 12, L_T7 = 13, L_T8 = 14, L_T9 = 15, L_T10 = 16, L_T11 = 17;
@inline function kl(i: i32): v128 {
  return v128.load(KL + <usize>i * 16);
}
@inline function kv(i: i32): v128 {
  return v128.load(KV + <usize>i * 16);
}


// (expm1(r) − r)/r² = 1/2! + r/3! + … + r¹¹/13! for |r| ≤ ln2/2 (+ rounding), in Estrin's scheme
// (pairs, then quads, then r⁴): a dependency chain of 5 multiply–adds instead of Horner's 11.
@inline function expm1Tail(r: v128, r2: v128): v128 {
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
@inline function expm1Poly(r: v128): v128 {
  const r2 = f64x2.mul(r, r);
  return f64x2.add(r, f64x2.mul(r2, expm1Tail(r, r2)));
}

// tanh of two lanes: y = −2·min(|x|, CLAMP) = k·ln2 + r, s = 2^k, p = expm1(r);
// tanh|x| = (1 − e^y)/(1 + e^y) = ((1 − s) − s·p)/((1 + s) + s·p), then the sign of x.
// p, numerator and denominator are exact two-double sums (Fast2Sum); the quotient gets one
// correction with its exact remainder (Dekker's product with Veltkamp splitting; no FMA).
@inline function tanh2(x: v128): v128 {
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

// out[i] = tanh(x[i]) for i < n (n even; pointers 16-byte aligned).
export function tanhArray(n: i32, x: usize, out: usize): void {
  for (let i = 0; i < n; i += 2) {
    const o = <usize>i * 8;
    v128.store(out + o, tanh2(v128.load(x + o)));
  }
}

// Eq. 4 at currents I (two lanes) for one device, given a2 = 2a and b2 = 2b:
// y = −2z = b2 − a2·I clamped to [−2·CLAMP, 2·CLAMP] (exactly −2·(a·I − b)), E = e^y = s + s·p,
// ½(1 + tanh z) = 1/(1 + E) with 1 + E = (1 + s) + s·p, so
// p(I) = P0·(I − Ic) / ((1 + E)·(I + Q·Ic))   (one division, no select).
@inline function eq4v(I: v128, a2: v128, b2: v128, Ic: v128, QIc: v128, P0: v128): v128 {
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

// out[i] = eq4(I[i]) for i < n (n even) with the device params at par (2a, 2b, Ic, Q·Ic, P0).
export function eq4Array(n: i32, I: usize, par: usize, out: usize): void {
  const a = f64x2.splat(load<f64>(par)), b = f64x2.splat(load<f64>(par, 8)), Ic = f64x2.splat(load<f64>(par, 16));
  const QIc = f64x2.splat(load<f64>(par, 24)), P0 = f64x2.splat(load<f64>(par, 32));
  for (let i = 0; i < n; i += 2) {
    const o = <usize>i * 8;
    v128.store(out + o, eq4v(v128.load(I + o), a, b, Ic, QIc, P0));
  }
}

// e^x of two lanes (src/sweep/fast-tanh.ts fastExp, op for op): x clamped to [−700, 700],
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
@inline function eq4Store(x: v128, a2: v128, b2: v128, Ic: v128, QIc: v128, P0: v128, a2P0: v128, cP0: v128, P: usize, D: usize): void {
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

// Eq. 4 value (and derivative when D ≠ 0) at n currents I (n even) for one device with the seven
// parameters at par (see eq4Store), for the device curve's evaluate (src/device/analytic.ts).
export function eq4Deriv(n: i32, I: usize, par: usize, P: usize, D: usize): void {
  const a2 = f64x2.splat(load<f64>(par)), b2 = f64x2.splat(load<f64>(par, 8)), Ic = f64x2.splat(load<f64>(par, 16));
  const QIc = f64x2.splat(load<f64>(par, 24)), P0 = f64x2.splat(load<f64>(par, 32));
  const a2P0 = f64x2.splat(load<f64>(par, 40)), cP0 = f64x2.splat(load<f64>(par, 48));
  for (let i = 0; i < n; i += 2) {
    const o = <usize>i * 8;
    eq4Store(v128.load(I + o), a2, b2, Ic, QIc, P0, a2P0, cP0, P + o, D == 0 ? 0 : D + o);
  }
}

// One step of the network's forward pass for k eq. 4 oscillators on the first n columns (n even) of
// rows of stride ld (row i at i·ld; unaligned when ld is odd, and column n − 1 may spill into the
// next row's first column, which that row then overwrites): I = s·u·u from the drives U, then
// eq4Store into the rows of P and D (D = 0: value only). par holds 8 doubles per oscillator: the
// seven of eq4Store and the polarity s.
export function eq4Drive(k: i32, n: i32, ld: i32, U: usize, par: usize, P: usize, D: usize): void {
  for (let i = 0; i < k; i++) {
    const q = par + <usize>i * 64;
    const a2 = f64x2.splat(load<f64>(q)), b2 = f64x2.splat(load<f64>(q, 8)), Ic = f64x2.splat(load<f64>(q, 16));
    const QIc = f64x2.splat(load<f64>(q, 24)), P0 = f64x2.splat(load<f64>(q, 32));
    const a2P0 = f64x2.splat(load<f64>(q, 40)), cP0 = f64x2.splat(load<f64>(q, 48)), pol = f64x2.splat(load<f64>(q, 56));
    const row = <usize>i * <usize>ld * 8;
    for (let o: usize = row, end = row + <usize>n * 8; o < end; o += 16) {
      const u = v128.load(U + o);
      eq4Store(f64x2.mul(f64x2.mul(pol, u), u), a2, b2, Ic, QIc, P0, a2P0, cP0, P + o, D == 0 ? 0 : D + o);
    }
  }
}

// One trial of the network on n8 samples (n8 a multiple of 8; padded columns carry label −1).
// Layouts (float64): A[t][i][j] at t·k·k + i·k + j, B[t][i] at t·k + i, W[c][j] at c·k + j, C[c];
// par[i] = (2a, 2b, Ic, Q·Ic, P0, polarity) at 6·i; I0[i][b] (step-0 currents, trial-independent)
// and the state buffers P, Pn (k·n8, oscillator-major); y[b] the labels as float64.
// Returns the number of columns whose argmax logit (first maximum) equals the label.
// Loops take four vectors (eight samples) per iteration: four independent dependency chains through
// eq. 4 keep the CPU busy (one chain is latency-bound; 4 chains measured 1.7x faster than 1, 1.2x than 2).
export function trial(k: i32, steps: i32, classes: i32, n8: i32, A: usize, B: usize, W: usize, C: usize, par: usize, I0: usize, P: usize, Pn: usize, y: usize): i32 {
  const row = <usize>n8 * 8;
  for (let i = 0; i < k; i++) {
    const q = par + <usize>i * 48;
    const a = f64x2.splat(load<f64>(q)), b = f64x2.splat(load<f64>(q, 8)), Ic = f64x2.splat(load<f64>(q, 16));
    const QIc = f64x2.splat(load<f64>(q, 24)), P0 = f64x2.splat(load<f64>(q, 32));
    const src = I0 + <usize>i * row, dst = P + <usize>i * row;
    for (let o: usize = 0; o < row; o += 64) {
      const p0 = eq4v(v128.load(src + o), a, b, Ic, QIc, P0);
      const p1 = eq4v(v128.load(src + o, 16), a, b, Ic, QIc, P0);
      const p2 = eq4v(v128.load(src + o, 32), a, b, Ic, QIc, P0);
      const p3 = eq4v(v128.load(src + o, 48), a, b, Ic, QIc, P0);
      v128.store(dst + o, p0);
      v128.store(dst + o, p1, 16);
      v128.store(dst + o, p2, 32);
      v128.store(dst + o, p3, 48);
    }
  }
  let cur = P, nxt = Pn;
  for (let t = 1; t < steps; t++) {
    for (let i = 0; i < k; i++) {
      const q = par + <usize>i * 48;
      const a = f64x2.splat(load<f64>(q)), b = f64x2.splat(load<f64>(q, 8)), Ic = f64x2.splat(load<f64>(q, 16));
      const QIc = f64x2.splat(load<f64>(q, 24)), P0 = f64x2.splat(load<f64>(q, 32)), pol = f64x2.splat(load<f64>(q, 40));
      const bias = f64x2.splat(load<f64>(B + <usize>(t * k + i) * 8));
      const arow = A + <usize>((t * k + i) * k) * 8;
      const dst = nxt + <usize>i * row;
      for (let o: usize = 0; o < row; o += 64) {
        let u0 = bias, u1 = bias, u2 = bias, u3 = bias;
        let src = cur + o;
        for (let j = 0; j < k; j++, src += row) {
          const w = f64x2.splat(load<f64>(arow + <usize>j * 8));
          u0 = f64x2.add(u0, f64x2.mul(w, v128.load(src)));
          u1 = f64x2.add(u1, f64x2.mul(w, v128.load(src, 16)));
          u2 = f64x2.add(u2, f64x2.mul(w, v128.load(src, 32)));
          u3 = f64x2.add(u3, f64x2.mul(w, v128.load(src, 48)));
        }
        const p0 = eq4v(f64x2.mul(f64x2.mul(pol, u0), u0), a, b, Ic, QIc, P0);
        const p1 = eq4v(f64x2.mul(f64x2.mul(pol, u1), u1), a, b, Ic, QIc, P0);
        const p2 = eq4v(f64x2.mul(f64x2.mul(pol, u2), u2), a, b, Ic, QIc, P0);
        const p3 = eq4v(f64x2.mul(f64x2.mul(pol, u3), u3), a, b, Ic, QIc, P0);
        v128.store(dst + o, p0);
        v128.store(dst + o, p1, 16);
        v128.store(dst + o, p2, 32);
        v128.store(dst + o, p3, 48);
      }
    }
    const tmp = cur;
    cur = nxt;
    nxt = tmp;
  }
  let hits = kv(K_ZERO);
  for (let o: usize = 0; o < row; o += 16) {
    let best = f64x2.splat(-Infinity), arg = kv(K_ZERO);
    for (let c = 0; c < classes; c++) {
      let l = f64x2.splat(load<f64>(C + <usize>c * 8));
      let src = cur + o;
      const wrow = W + <usize>(c * k) * 8;
      for (let j = 0; j < k; j++, src += row) l = f64x2.add(l, f64x2.mul(f64x2.splat(load<f64>(wrow + <usize>j * 8)), v128.load(src)));
      const gt = f64x2.gt(l, best);
      best = v128.bitselect(l, best, gt);
      arg = v128.bitselect(f64x2.splat(<f64>c), arg, gt);
    }
    hits = f64x2.add(hits, v128.and(f64x2.eq(arg, v128.load(y + o)), kv(K_ONE)));
  }
  return <i32>(f64x2.extract_lane(hits, 0) + f64x2.extract_lane(hits, 1));
}

// ---- float32 screening (see src/sweep/fast-trials.ts) -------------------------------------------
// The same trial in f32x4 (four samples per vector), only to decide which test samples are
// classified beyond doubt: a sample counts as decided when its two largest float32 logits differ by
// at least tau; every other sample is recomputed in float64 by `trial` (the caller gathers them).
// Eq. 4 in float32 with the slope and offset pre-scaled by log2(e) (par holds 2a·log2e, 2b·log2e):
// y2 = b2' − a2'·I = −2z·log2(e) clamped to ±115, 2^y2 = 2^k·(1 + p) with k = round(y2),
// r = y2 − k (exact) and p = 2^r − 1 = Σ (r·ln2)^n/n! to degree 7 (truncation < 1e-8 relative),
// then P0·(I − Ic)/((1 + 2^y2)·(I + Q·Ic)).

const KF = memory.data<f32>([
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
const F_C1 = 0, F_C2 = 1, F_C3 = 2, F_C4 = 3, F_C5 = 4, F_C6 = 5, F_C7 = 6, F_MAGIC = 7, F_CLAMP = 8, F_MCLAMP = 9, F_ONE = 10;
@inline function kf(i: i32): v128 {
  return v128.load(KF + <usize>i * 16);
}

@inline function eq4f(I: v128, a2: v128, b2: v128, Ic: v128, QIc: v128, P0: v128): v128 {
  const y = f32x4.pmax(f32x4.pmin(f32x4.sub(b2, f32x4.mul(a2, I)), kf(F_CLAMP)), kf(F_MCLAMP));
  const t = f32x4.add(y, kf(F_MAGIC));
  const r = f32x4.sub(y, f32x4.sub(t, kf(F_MAGIC)));
  const r2 = f32x4.mul(r, r);
  const e0 = f32x4.add(kf(F_C2), f32x4.mul(r, kf(F_C3)));
  const e1 = f32x4.add(kf(F_C4), f32x4.mul(r, kf(F_C5)));
  const e2 = f32x4.add(kf(F_C6), f32x4.mul(r, kf(F_C7)));
  const tail = f32x4.add(e0, f32x4.mul(r2, f32x4.add(e1, f32x4.mul(r2, e2))));
  const p = f32x4.add(f32x4.mul(r, kf(F_C1)), f32x4.mul(r2, tail));
  const s = i32x4.shl(i32x4.add(t, i32x4.splat(127)), 23);
  const den = f32x4.add(f32x4.add(kf(F_ONE), s), f32x4.mul(s, p));
  return f32x4.div(f32x4.mul(P0, f32x4.sub(I, Ic)), f32x4.mul(den, f32x4.add(I, QIc)));
}

// One trial in float32 on n16 samples (a multiple of 16; padding labels −1). Layout as `trial` but
// float32 throughout and par with 6 floats per oscillator (2a·log2e, 2b·log2e, Ic, Q·Ic, P0, s). Returns the number of decided samples
// whose argmax equals the label; writes the count m of undecided real samples (label ≥ 0) at
// list and their indices (i32) from list + 4.
export function trialScreen(k: i32, steps: i32, classes: i32, n16: i32, A: usize, B: usize, W: usize, C: usize, par: usize, I0: usize, P: usize, Pn: usize, y: usize, tau: f32, list: usize): i32 {
  const row = <usize>n16 * 4;
  for (let i = 0; i < k; i++) {
    const q = par + <usize>i * 24;
    const a = f32x4.splat(load<f32>(q)), b = f32x4.splat(load<f32>(q, 4)), Ic = f32x4.splat(load<f32>(q, 8));
    const QIc = f32x4.splat(load<f32>(q, 12)), P0 = f32x4.splat(load<f32>(q, 16));
    const src = I0 + <usize>i * row, dst = P + <usize>i * row;
    for (let o: usize = 0; o < row; o += 64) {
      const p0 = eq4f(v128.load(src + o), a, b, Ic, QIc, P0);
      const p1 = eq4f(v128.load(src + o, 16), a, b, Ic, QIc, P0);
      const p2 = eq4f(v128.load(src + o, 32), a, b, Ic, QIc, P0);
      const p3 = eq4f(v128.load(src + o, 48), a, b, Ic, QIc, P0);
      v128.store(dst + o, p0);
      v128.store(dst + o, p1, 16);
      v128.store(dst + o, p2, 32);
      v128.store(dst + o, p3, 48);
    }
  }
  let cur = P, nxt = Pn;
  for (let t = 1; t < steps; t++) {
    for (let i = 0; i < k; i++) {
      const q = par + <usize>i * 24;
      const a = f32x4.splat(load<f32>(q)), b = f32x4.splat(load<f32>(q, 4)), Ic = f32x4.splat(load<f32>(q, 8));
      const QIc = f32x4.splat(load<f32>(q, 12)), P0 = f32x4.splat(load<f32>(q, 16)), pol = f32x4.splat(load<f32>(q, 20));
      const bias = f32x4.splat(load<f32>(B + <usize>(t * k + i) * 4));
      const arow = A + <usize>((t * k + i) * k) * 4;
      const dst = nxt + <usize>i * row;
      for (let o: usize = 0; o < row; o += 64) {
        let u0 = bias, u1 = bias, u2 = bias, u3 = bias;
        let src = cur + o;
        for (let j = 0; j < k; j++, src += row) {
          const w = f32x4.splat(load<f32>(arow + <usize>j * 4));
          u0 = f32x4.add(u0, f32x4.mul(w, v128.load(src)));
          u1 = f32x4.add(u1, f32x4.mul(w, v128.load(src, 16)));
          u2 = f32x4.add(u2, f32x4.mul(w, v128.load(src, 32)));
          u3 = f32x4.add(u3, f32x4.mul(w, v128.load(src, 48)));
        }
        const p0 = eq4f(f32x4.mul(f32x4.mul(pol, u0), u0), a, b, Ic, QIc, P0);
        const p1 = eq4f(f32x4.mul(f32x4.mul(pol, u1), u1), a, b, Ic, QIc, P0);
        const p2 = eq4f(f32x4.mul(f32x4.mul(pol, u2), u2), a, b, Ic, QIc, P0);
        const p3 = eq4f(f32x4.mul(f32x4.mul(pol, u3), u3), a, b, Ic, QIc, P0);
        v128.store(dst + o, p0);
        v128.store(dst + o, p1, 16);
        v128.store(dst + o, p2, 32);
        v128.store(dst + o, p3, 48);
      }
    }
    const tmp = cur;
    cur = nxt;
    nxt = tmp;
  }
  const tauv = f32x4.splat(tau);
  const zero = i32x4.splat(0), one = i32x4.splat(1);
  let hits = zero;
  let m: i32 = 0;
  for (let o: usize = 0; o < row; o += 16) {
    let best = f32x4.splat(-Infinity), second = f32x4.splat(-Infinity), arg = zero, nan = zero;
    for (let c = 0; c < classes; c++) {
      let l = f32x4.splat(load<f32>(C + <usize>c * 4));
      let src = cur + o;
      const wrow = W + <usize>(c * k) * 4;
      for (let j = 0; j < k; j++, src += row) l = f32x4.add(l, f32x4.mul(f32x4.splat(load<f32>(wrow + <usize>j * 4)), v128.load(src)));
      nan = v128.or(nan, f32x4.ne(l, l));
      const gt = f32x4.gt(l, best);
      second = v128.bitselect(best, f32x4.pmax(second, l), gt);
      best = v128.bitselect(l, best, gt);
      arg = v128.bitselect(i32x4.splat(c), arg, gt);
    }
    // Decided: margin ≥ tau, finite best logit and no NaN logit (float32 overflow never decides).
    // Labels are float32; padding has −1.
    const lab = i32x4.trunc_sat_f32x4_s(v128.load(y + o));
    const fin = f32x4.lt(f32x4.abs(best), f32x4.splat(Infinity));
    const decided = v128.andnot(v128.and(f32x4.ge(f32x4.sub(best, second), tauv), fin), nan);
    hits = i32x4.add(hits, v128.and(v128.and(decided, i32x4.eq(arg, lab)), one));
    const open = i32x4.bitmask(v128.andnot(i32x4.ge_s(lab, zero), decided));
    if (open != 0) {
      const b0 = <i32>(o >> 2);
      for (let lane = 0; lane < 4; lane++) {
        if (open & (1 << lane)) {
          store<i32>(list + 4 + (<usize>m << 2), b0 + lane);
          m++;
        }
      }
    }
  }
  store<i32>(list, m);
  return i32x4.extract_lane(hits, 0) + i32x4.extract_lane(hits, 1) + i32x4.extract_lane(hits, 2) + i32x4.extract_lane(hits, 3);
}
