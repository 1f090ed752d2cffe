// AssemblyScript source (compiled as trials.ts by scripts/build-wasm.mjs) of the WebAssembly
// SIMD robustness trial of src/sweep/fast-trials.ts (the float64 math, eq. 4 included, is in
// src/kernels/wasm/simd-math.as; the array kernels of eq. 4 in src/kernels/wasm/eq4.as).
// Build: `npm run build:wasm -- sweep` -> src/sweep/wasm/trials-wasm.ts (base64).
// Every operation mirrors the TypeScript fallback one for one (same constants, same order, no
// fused multiply-add), so both give the same bits; SIMD lanes run over independent samples.
// Pointers are byte offsets into linear memory.

import { kv, eq4v, K_ZERO, K_ONE, kf, pow2fRound, pow2fFrac, pow2fScale, F_ONE, F_CLAMP, F_MCLAMP } from "./simd-math";

// One trial of the network on n8 samples (n8 a multiple of 8; padded columns carry label −1).
// Layouts (float64): A[t][i][j] at t·k·k + i·k + j, B[t][i] at t·k + i, W[c][j] at c·k + j, C[c];
// par[i] = the packed eq. 4 parameters of src/device/eq4.ts at 8·i (2a, 2b, Ic, Q·Ic, P0 are read; the polarity at 8·i + 7); I0[i][b] (step-0 currents, trial-independent)
// and the state buffers P, Pn (k·n8, oscillator-major); y[b] the labels as float64.
// Returns the number of columns whose argmax logit (first maximum) equals the label.
// Loops take four vectors (eight samples) per iteration: four independent dependency chains through
// eq. 4 keep the CPU busy (one chain is latency-bound; 4 chains measured 1.7x faster than 1, 1.2x than 2).
export function trial(k: i32, steps: i32, classes: i32, n8: i32, A: usize, B: usize, W: usize, C: usize, par: usize, I0: usize, P: usize, Pn: usize, y: usize): i32 {
  const row = <usize>n8 * 8;
  for (let i = 0; i < k; i++) {
    const q = par + <usize>i * 64;
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
      const q = par + <usize>i * 64;
      const a = f64x2.splat(load<f64>(q)), b = f64x2.splat(load<f64>(q, 8)), Ic = f64x2.splat(load<f64>(q, 16));
      const QIc = f64x2.splat(load<f64>(q, 24)), P0 = f64x2.splat(load<f64>(q, 32)), pol = f64x2.splat(load<f64>(q, 56));
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

@inline function eq4f(I: v128, a2: v128, b2: v128, Ic: v128, QIc: v128, P0: v128): v128 {
  const y = f32x4.pmax(f32x4.pmin(f32x4.sub(b2, f32x4.mul(a2, I)), kf(F_CLAMP)), kf(F_MCLAMP));
  const t = pow2fRound(y);
  const p = pow2fFrac(y, t);
  const s = pow2fScale(t);
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
