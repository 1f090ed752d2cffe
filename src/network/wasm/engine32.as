// AssemblyScript source (compiled as engine32.ts with engine.as, gemm.as, simd-math.as and
// eq4.as by scripts/build-wasm.mjs) of the float32 training engine of src/network/engine.ts
// (`precision: "float32"`): the forward pass, softmax cross-entropy and discrete adjoint of one
// chunk of a batch for a network of eq. 4 devices, four samples per f32x4 vector.
//
// Mixed precision: the parameters, the batch input, the gradients and the loss live in float64
// regions (the same layout as the float64 engine, so training, chunking and the data-parallel
// threads treat both engines alike); `prepare` rounds the parameters to float32 once per batch,
// `chunk` rounds its samples of the batch input to float32, everything per sample then runs in
// float32, and each gradient entry's sum over the chunk's samples is formed in four float32 lanes
// (samples b ≡ 0, 1, 2, 3 mod 4, in order) whose totals are added in float64 as (l0 + l1) + (l2 + l3).
// The order of every operation is fixed, so results do not depend on the number of threads.
//
// Pointers are byte offsets; float32 rows have stride cap (a multiple of 4); a chunk of len
// samples runs on n4 = len rounded up to 4 columns, the extra columns holding p(0) = 0 and
// contributing exactly zero to every gradient (their softmax gradient is set to 0).
// Build: `npm run build:wasm -- engine32` -> src/network/wasm/engine32-wasm.ts (base64).

import { kf, pow2fRound, pow2fFrac, pow2fScale, F_ONE, F_CLAMP, F_MCLAMP } from "./simd-math";
import { sumChunks } from "./engine";

const LOG2E: f64 = 1.4426950408889634;
// Constants (f32x4): log2(e), ln 2, √2, ½, 1/3, 1/5, 1/7, 1/9, 2.
const KE = memory.data<f32>([
  1.442695, 1.442695, 1.442695, 1.442695,
  0.6931472, 0.6931472, 0.6931472, 0.6931472,
  1.4142135, 1.4142135, 1.4142135, 1.4142135,
  0.5, 0.5, 0.5, 0.5,
  0.33333334, 0.33333334, 0.33333334, 0.33333334,
  0.2, 0.2, 0.2, 0.2,
  0.14285715, 0.14285715, 0.14285715, 0.14285715,
  0.11111111, 0.11111111, 0.11111111, 0.11111111,
  2.0, 2.0, 2.0, 2.0,
]);
const E_LOG2E = 0, E_LN2 = 1, E_SQRT2 = 2, E_HALF = 3, E_T3 = 4, E_T5 = 5, E_T7 = 6, E_T9 = 7, E_TWO = 8;
@inline function ke(i: i32): v128 {
  return v128.load(KE + <usize>i * 16);
}

// e^x for x ≤ 0 (softmax terms): 2^(x·log2 e) with the exponent clamped at −115.
@inline function expNeg(x: v128): v128 {
  const y = f32x4.pmax(f32x4.mul(x, ke(E_LOG2E)), kf(F_MCLAMP));
  const t = pow2fRound(y);
  const s = pow2fScale(t);
  return f32x4.add(s, f32x4.mul(s, pow2fFrac(y, t)));
}

// log x for x ≥ 1 (normal, finite; the softmax sum): x = 2^e·m with m in [√½, √2),
// log m = 2s·(1 + s²/3 + s⁴/5 + s⁶/7 + s⁸/9), s = (m − 1)/(m + 1), |s| ≤ 0.172 (error < 2e-9·|log m|).
@inline function logPos(x: v128): v128 {
  let e = i32x4.sub(i32x4.shr_u(x, 23), i32x4.splat(127));
  let m = v128.or(v128.and(x, i32x4.splat(0x007fffff)), i32x4.splat(0x3f800000));
  const big = f32x4.gt(m, ke(E_SQRT2));
  m = v128.bitselect(f32x4.mul(m, ke(E_HALF)), m, big);
  e = i32x4.sub(e, big);
  const s = f32x4.div(f32x4.sub(m, kf(F_ONE)), f32x4.add(m, kf(F_ONE)));
  const s2 = f32x4.mul(s, s);
  const poly = f32x4.add(ke(E_T7), f32x4.mul(s2, ke(E_T9)));
  const q = f32x4.add(kf(F_ONE), f32x4.mul(s2, f32x4.add(ke(E_T3), f32x4.mul(s2, f32x4.add(ke(E_T5), f32x4.mul(s2, poly))))));
  return f32x4.add(f32x4.mul(f32x4.convert_i32x4_s(e), ke(E_LN2)), f32x4.mul(f32x4.mul(ke(E_TWO), s), q));
}

// Eq. 4 value and derivative at currents x (four lanes) for one device (par32 of `prepare`):
// y = clamp(b2' − a2'·x, ±115) = −2(a·x − b)·log2 e, E = 2^y = s + s·p, w = 1 + E,
// p(x) = P0·(x − Ic)·inv and p'(x) = inv·(2a·P0·(E·inv)·(x + Q·Ic)·(x − Ic) + P0·Ic·(1 + Q)·w·inv),
// inv = 1/(w·(x + Q·Ic)) — the float64 kernel's formula (simd-math.as eq4Store) with one division.
@inline function eq4fd(x: v128, a2: v128, b2: v128, Ic: v128, QIc: v128, P0: v128, a2P0: v128, cP0: v128, P: usize, D: usize): void {
  const y = f32x4.pmax(f32x4.pmin(f32x4.sub(b2, f32x4.mul(a2, x)), kf(F_CLAMP)), kf(F_MCLAMP));
  const t = pow2fRound(y);
  const s = pow2fScale(t);
  const sp = f32x4.mul(s, pow2fFrac(y, t));
  const w = f32x4.add(f32x4.add(kf(F_ONE), s), sp);
  const E = f32x4.add(s, sp);
  const num = f32x4.sub(x, Ic), dI = f32x4.add(x, QIc);
  const inv = f32x4.div(kf(F_ONE), f32x4.mul(w, dI));
  v128.store(P, f32x4.mul(f32x4.mul(P0, num), inv));
  const g = f32x4.mul(f32x4.mul(a2P0, f32x4.mul(f32x4.mul(E, inv), dI)), num);
  v128.store(D, f32x4.mul(inv, f32x4.add(g, f32x4.mul(cP0, f32x4.mul(w, inv)))));
}

// out[r·ldo + b] = bias[r] + Σ_q M[r·rs + q·cs]·X[q·ldx + b] for r < m, q < kk (in order),
// b < n4 (bias 0: none). rs = kk, cs = 1 is M·X; rs = 1, cs = m is Mᵀ·X for M of kk rows.
function gemm32(m: i32, kk: i32, n4: i32, M: usize, rs: i32, cs: i32, bias: usize, X: usize, ldx: i32, out: usize, ldo: i32): void {
  const nbytes = <usize>n4 * 4, xstep = <usize>ldx * 4, mstep = <usize>cs * 4;
  for (let r = 0; r < m; r++) {
    const cv = f32x4.splat(bias ? load<f32>(bias + <usize>r * 4) : 0);
    const mr = M + <usize>(r * rs) * 4, orow = out + <usize>(r * ldo) * 4;
    let o: usize = 0;
    for (; o + 64 <= nbytes; o += 64) {
      let s0 = cv, s1 = cv, s2 = cv, s3 = cv;
      let xp = X + o, mp = mr;
      for (let q = 0; q < kk; q++, xp += xstep, mp += mstep) {
        const w = f32x4.splat(load<f32>(mp));
        s0 = f32x4.add(s0, f32x4.mul(w, v128.load(xp)));
        s1 = f32x4.add(s1, f32x4.mul(w, v128.load(xp, 16)));
        s2 = f32x4.add(s2, f32x4.mul(w, v128.load(xp, 32)));
        s3 = f32x4.add(s3, f32x4.mul(w, v128.load(xp, 48)));
      }
      v128.store(orow + o, s0);
      v128.store(orow + o, s1, 16);
      v128.store(orow + o, s2, 32);
      v128.store(orow + o, s3, 48);
    }
    for (; o < nbytes; o += 16) {
      let s0 = cv;
      let xp = X + o, mp = mr;
      for (let q = 0; q < kk; q++, xp += xstep, mp += mstep) s0 = f32x4.add(s0, f32x4.mul(f32x4.splat(load<f32>(mp)), v128.load(xp)));
      v128.store(orow + o, s0);
    }
  }
}

// (l0 + l1) + (l2 + l3) of a float32 vector, in float64.
@inline function hsum(v: v128): f64 {
  return (<f64>f32x4.extract_lane(v, 0) + <f64>f32x4.extract_lane(v, 1)) + (<f64>f32x4.extract_lane(v, 2) + <f64>f32x4.extract_lane(v, 3));
}

// Σ_b x[b] for b < n4: lane l sums samples b ≡ l (mod 4) in order; the lanes are added by hsum.
@inline function rowSum(x: usize, n4: i32): f64 {
  let s = f32x4.splat(0);
  const nbytes = <usize>n4 * 4;
  for (let o: usize = 0; o < nbytes; o += 16) s = f32x4.add(s, v128.load(x + o));
  return hsum(s);
}

// G[i·kk + j] += Σ_b Y[i·ld + b]·X[j·ld + b] (G float64; sums as in rowSum), two rows of Y by two
// of X per pass (a lone last row is computed twice and stored once).
function accABt32(m: i32, kk: i32, n4: i32, Y: usize, X: usize, ld: i32, G: usize): void {
  const nbytes = <usize>n4 * 4, row = <usize>ld * 4;
  for (let i = 0; i < m; i += 2) {
    const two = i + 1 < m;
    const y0 = Y + <usize>i * row, y1 = two ? y0 + row : y0;
    const g0 = G + <usize>(i * kk) * 8, g1 = g0 + <usize>kk * 8;
    for (let j = 0; j < kk; j += 2) {
      const jt = j + 1 < kk;
      const x0 = X + <usize>j * row, x1 = jt ? x0 + row : x0;
      let a00 = f32x4.splat(0), a01 = a00, a10 = a00, a11 = a00;
      for (let o: usize = 0; o < nbytes; o += 16) {
        const u0 = v128.load(y0 + o), u1 = v128.load(y1 + o), v0 = v128.load(x0 + o), v1 = v128.load(x1 + o);
        a00 = f32x4.add(a00, f32x4.mul(u0, v0));
        a01 = f32x4.add(a01, f32x4.mul(u0, v1));
        a10 = f32x4.add(a10, f32x4.mul(u1, v0));
        a11 = f32x4.add(a11, f32x4.mul(u1, v1));
      }
      const jo = <usize>j * 8;
      store<f64>(g0 + jo, load<f64>(g0 + jo) + hsum(a00));
      if (jt) store<f64>(g0 + jo, load<f64>(g0 + jo, 8) + hsum(a01), 8);
      if (two) {
        store<f64>(g1 + jo, load<f64>(g1 + jo) + hsum(a10));
        if (jt) store<f64>(g1 + jo, load<f64>(g1 + jo, 8) + hsum(a11), 8);
      }
    }
  }
}

// Regions (set by `layout`). Float64: A, B, W, C, par (8 per oscillator, as the float64 engine),
// X (batch input, row stride ldx), Y (int32 labels), gA.. (one chunk's gradients), out, tA.., tOut.
// Float32: F (A, B, W, C, par rounded by `prepare`), P, U, D, L, lam, lam2, gU.
let rK = 0, rSteps = 0, rClasses = 0, rCap = 0, rLdx = 0;
let rA: usize = 0, rB: usize = 0, rW: usize = 0, rC: usize = 0, rPar: usize = 0, rX: usize = 0, rY: usize = 0;
let rGA: usize = 0, rGB: usize = 0, rGW: usize = 0, rGC: usize = 0, rOut: usize = 0, rTA: usize = 0, rTOut: usize = 0;
let fA: usize = 0, fB: usize = 0, fW: usize = 0, fC: usize = 0, fPar: usize = 0;
let fP: usize = 0, fU: usize = 0, fD: usize = 0, fL: usize = 0, fLam: usize = 0, fLam2: usize = 0, fGU: usize = 0;

export function layout(k: i32, steps: i32, classes: i32, cap: i32, ldx: i32, A: usize, B: usize, W: usize, C: usize, par: usize, X: usize, Y: usize, gA: usize, out: usize, tA: usize, tOut: usize, F: usize, P: usize, U: usize, D: usize, L: usize, lam: usize, lam2: usize, gU: usize): void {
  rK = k; rSteps = steps; rClasses = classes; rCap = cap; rLdx = ldx;
  rA = A; rB = B; rW = W; rC = C; rPar = par; rX = X; rY = Y; rOut = out; rTA = tA; rTOut = tOut;
  rGA = gA;
  rGB = gA + <usize>(steps * k * k) * 8;
  rGW = rGB + <usize>(steps * k) * 8;
  rGC = rGW + <usize>(classes * k) * 8;
  fA = F;
  fB = fA + <usize>(steps * k * k) * 4;
  fW = fB + <usize>(steps * k) * 4;
  fC = fW + <usize>(classes * k) * 4;
  fPar = fC + <usize>classes * 4;
  fP = P; fU = U; fD = D; fL = L; fLam = lam; fLam2 = lam2; fGU = gU;
}

// Rounds the float64 parameters to float32: A, B, W, C as they are; per oscillator the eight
// kernel values (2a, 2b, Ic, Q·Ic, P0, 2a·P0, P0·Ic·(1 + Q), polarity) with 2a and 2b times log2 e.
export function prepare(): void {
  const k = rK, steps = rSteps, classes = rClasses;
  convert(rA, fA, <usize>(steps * k * k));
  convert(rB, fB, <usize>(steps * k));
  convert(rW, fW, <usize>(classes * k));
  convert(rC, fC, <usize>classes);
  for (let i = 0; i < k; i++) {
    const src = rPar + <usize>i * 64, dst = fPar + <usize>i * 32;
    store<f32>(dst, <f32>(load<f64>(src) * LOG2E));
    store<f32>(dst, <f32>(load<f64>(src, 8) * LOG2E), 4);
    for (let q: usize = 2; q < 8; q++) store<f32>(dst + q * 4, <f32>load<f64>(src + q * 8));
  }
}

@inline function convert(src: usize, dst: usize, n: usize): void {
  for (let e: usize = 0; e < n; e++) store<f32>(dst + e * 4, <f32>load<f64>(src + e * 8));
}

// Forward pass on n4 columns: u(t) = A[t]·p(t) + B[t], p(t+1) = f(s·u²), f' into D; logits L.
function forward32(n4: i32): void {
  const k = rK, cap = rCap, kc = <usize>(k * cap) * 4, nbytes = <usize>n4 * 4, row = <usize>cap * 4;
  for (let t = 0; t < rSteps; t++) {
    const Pt = fP + <usize>t * kc, Ut = fU + <usize>t * kc, Dt = fD + <usize>t * kc, Pn = Pt + kc;
    gemm32(k, k, n4, fA + <usize>(t * k * k) * 4, k, 1, fB + <usize>(t * k) * 4, Pt, cap, Ut, cap);
    for (let i = 0; i < k; i++) {
      const q = fPar + <usize>i * 32;
      const a2 = f32x4.splat(load<f32>(q)), b2 = f32x4.splat(load<f32>(q, 4)), Ic = f32x4.splat(load<f32>(q, 8));
      const QIc = f32x4.splat(load<f32>(q, 12)), P0 = f32x4.splat(load<f32>(q, 16)), a2P0 = f32x4.splat(load<f32>(q, 20));
      const cP0 = f32x4.splat(load<f32>(q, 24)), pol = f32x4.splat(load<f32>(q, 28));
      const ro = <usize>i * row;
      for (let o: usize = ro; o < ro + nbytes; o += 16) {
        const u = v128.load(Ut + o);
        eq4fd(f32x4.mul(f32x4.mul(pol, u), u), a2, b2, Ic, QIc, P0, a2P0, cP0, Pn + o, Dt + o);
      }
    }
  }
  gemm32(rClasses, k, n4, fW, k, 1, fC, fP + <usize>rSteps * kc, cap, fL, cap);
}

// Softmax cross-entropy of columns [0, len) of L (labels at y): L becomes scale·(softmax − onehot)
// (0 in the padding columns), out[0] = Σ loss (float64, samples in order), out[1] = correct count.
// Per sample: arg = first maximum (NaN never wins), loss = (log Σ_c e^(L_c − max) + max) − L_y.
function softmax32(len: i32, n4: i32, y: usize, scale: f64): void {
  const classes = rClasses, row = <usize>rCap * 4, nbytes = <usize>n4 * 4;
  const lanes = i32x4(0, 1, 2, 3), sc = f32x4.splat(<f32>scale), one = kf(F_ONE);
  let loss = 0.0;
  let correct = 0;
  for (let o: usize = 0; o < nbytes; o += 16) {
    const b = <i32>(o >> 2);
    const valid = i32x4.lt_s(i32x4.add(i32x4.splat(b), lanes), i32x4.splat(len));
    const lab = v128.bitselect(v128.load(y + <usize>b * 4), i32x4.splat(-1), valid);
    let best = f32x4.splat(-Infinity), arg = i32x4.splat(0), ly = f32x4.splat(0);
    for (let c = 0; c < classes; c++) {
      const l = v128.load(fL + <usize>c * row + o);
      const gt = f32x4.gt(l, best);
      best = v128.bitselect(l, best, gt);
      arg = v128.bitselect(i32x4.splat(c), arg, gt);
      ly = v128.bitselect(l, ly, i32x4.eq(lab, i32x4.splat(c)));
    }
    let sum = f32x4.splat(0);
    for (let c = 0; c < classes; c++) {
      const at = fL + <usize>c * row + o;
      const e = expNeg(f32x4.sub(v128.load(at), best));
      v128.store(at, e);
      sum = f32x4.add(sum, e);
    }
    const inv = f32x4.div(one, sum);
    for (let c = 0; c < classes; c++) {
      const at = fL + <usize>c * row + o;
      const hot = v128.and(i32x4.eq(lab, i32x4.splat(c)), one);
      v128.store(at, v128.and(f32x4.mul(sc, f32x4.sub(f32x4.mul(v128.load(at), inv), hot)), valid));
    }
    const l = f32x4.sub(f32x4.add(logPos(sum), best), ly);
    const lv = i32x4.bitmask(valid);
    if (lv & 1) loss += <f64>f32x4.extract_lane(l, 0);
    if (lv & 2) loss += <f64>f32x4.extract_lane(l, 1);
    if (lv & 4) loss += <f64>f32x4.extract_lane(l, 2);
    if (lv & 8) loss += <f64>f32x4.extract_lane(l, 3);
    correct += <i32>popcnt(i32x4.bitmask(v128.and(valid, i32x4.eq(arg, lab))));
  }
  store<f64>(rOut, loss);
  store<f64>(rOut, <f64>correct, 8);
}

// The discrete adjoint on n4 columns, accumulating into the float64 gradients gA.. (G = L from
// softmax32): ∂c, ∂W, λ(n) = Wᵀ·G, then per step back g = λ·f'·2s·u, ∂B, ∂A[t], λ ← A[t]ᵀ·g.
function backward32(n4: i32): void {
  const k = rK, classes = rClasses, cap = rCap, row = <usize>cap * 4, kc = <usize>(k * cap) * 4, nbytes = <usize>n4 * 4;
  for (let c = 0; c < classes; c++) {
    const at = rGC + <usize>c * 8;
    store<f64>(at, load<f64>(at) + rowSum(fL + <usize>c * row, n4));
  }
  accABt32(classes, k, n4, fL, fP + <usize>rSteps * kc, cap, rGW);
  gemm32(k, classes, n4, fW, 1, k, 0, fL, cap, fLam, cap);
  let la = fLam, lb = fLam2;
  for (let t = rSteps - 1; t >= 0; t--) {
    const Ut = fU + <usize>t * kc, Dt = fD + <usize>t * kc;
    for (let i = 0; i < k; i++) {
      const ro = <usize>i * row;
      const s2 = f32x4.splat(2 * load<f32>(fPar + <usize>i * 32, 28));
      for (let o: usize = ro; o < ro + nbytes; o += 16) {
        v128.store(fGU + o, f32x4.mul(f32x4.mul(f32x4.mul(v128.load(la + o), v128.load(Dt + o)), s2), v128.load(Ut + o)));
      }
      const at = rGB + <usize>(t * k + i) * 8;
      store<f64>(at, load<f64>(at) + rowSum(fGU + ro, n4));
    }
    accABt32(k, k, n4, fGU, fP + <usize>t * kc, cap, rGA + <usize>(t * k * k) * 8);
    if (t == 0) break;
    gemm32(k, k, n4, fA + <usize>(t * k * k) * 4, 1, k, 0, fGU, cap, lb, cap);
    const tmp = la;
    la = lb;
    lb = tmp;
  }
}

// One chunk: samples [lo, lo + len) of the batch input X (labels Y), after `prepare`: p(0) rounded
// to float32, forward, softmax cross-entropy scaled by `scale`, and the adjoint into the chunk
// gradients (zeroed first); loss and correct count into out[0], out[1].
export function chunk(lo: i32, len: i32, scale: f64): void {
  const k = rK, cap = rCap, n4 = (len + 3) & ~3;
  for (let j = 0; j < k; j++) {
    const src = rX + <usize>(j * rLdx + lo) * 8, dst = fP + <usize>(j * cap) * 4;
    let b = 0;
    for (; b < len; b++) store<f32>(dst + <usize>b * 4, <f32>load<f64>(src + <usize>b * 8));
    for (; b < n4; b++) store<f32>(dst + <usize>b * 4, 0);
  }
  forward32(n4);
  softmax32(len, n4, rY + (<usize>lo << 2), scale);
  memory.fill(rGA, 0, (rGC - rGA) + <usize>rClasses * 8);
  backward32(n4);
}

// A batch of nb samples in `count` chunks (chunks.ts' order), as the float64 engine's `batch`
// (after `prepare`).
export function batch(nb: i32, count: i32, scale: f64): void {
  sumChunks(nb, count, scale, chunk, <usize>(rSteps * rK * rK + rSteps * rK + rClasses * rK + rClasses), rGA, rOut, rTA, rTOut);
}
