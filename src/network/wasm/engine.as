// AssemblyScript source (compiled as engine.ts with ../../kernels/wasm/gemm.as, simd-math.as and
// eq4.as by scripts/build-wasm.mjs) of the in-place network engine of
// src/network/engine.ts: the forward pass, softmax cross-entropy and discrete adjoint of
// src/network/dynamics.ts for networks of eq. 4 and table devices, on a workspace that lives in this module's
// memory, so nothing is copied between steps. Each routine performs the TypeScript path's
// operations in the same order (matrix kernels from gemm.as, eq. 4 from eq4.as, the same
// exp/log), so both give the same bits. Pointers are byte offsets; rows have stride cap (even).
// Build: `npm run build:wasm -- engine` -> src/network/wasm/engine-wasm.ts (base64).

import { gemmBias, gemmAccABt, gemmAtB } from "./gemm";
import { eq4Drive } from "./eq4";
import { expv, logv } from "./simd-math";

// u(t) = A[t]·p(t) + B[t], p(t+1) = f(s·u²) (and f' into D when withD), then the logits. p(0) is
// read at P0 with row stride ld0 (a column range of a batch input, or P itself); p(t), t ≥ 1, at
// P + t·k·cap. The devices: eq. 4 from par, or, once `tables` was given table devices, each
// table oscillator's row by tableRow and each other row by eq4Drive.
export function forward(k: i32, steps: i32, classes: i32, nb: i32, cap: i32, A: usize, B: usize, W: usize, C: usize, par: usize, P0: usize, ld0: i32, P: usize, U: usize, D: usize, L: usize, withD: i32): void {
  const kc = <usize>(k * cap) * 8;
  const cols = nb + (nb & 1);
  for (let t = 0; t < steps; t++) {
    const Pt = t == 0 ? P0 : P + <usize>t * kc, Ut = U + <usize>t * kc;
    gemmBias(k, k, nb, A + <usize>(t * k * k) * 8, B + <usize>(t * k) * 8, Pt, t == 0 ? ld0 : cap, Ut, cap);
    const Pn = P + <usize>(t + 1) * kc, Dt: usize = withD ? D + <usize>t * kc : 0;
    if (rTabDesc == 0) {
      eq4Drive(k, cols, cap, Ut, par, Pn, Dt);
      continue;
    }
    for (let i = 0; i < k; i++) {
      const ro = <usize>(i * cap) * 8, d = rTabDesc + <usize>(3 * i) * 8;
      const n = <i32>load<f64>(d, 8);
      if (n > 0) tableRow(n, rTabData + <usize>load<f64>(d) * 8, load<f64>(d, 16) != 0, cols, Ut + ro, load<f64>(par + <usize>(8 * i + 7) * 8), Pn + ro, Dt == 0 ? 0 : Dt + ro);
      else eq4Drive(1, cols, cap, Ut + ro, par + <usize>i * 64, Pn + ro, Dt == 0 ? 0 : Dt + ro);
    }
  }
  gemmBias(classes, k, nb, W, C, P + <usize>steps * kc, cap, L, cap);
}

// The table devices (src/device/table.ts `writeKernelTable`'s layout): desc holds 3 numbers per
// oscillator (offset into data, node count n, 1 = linear extrapolation / 0 = clamp; n = 0: not a
// table), data the tables (n node currents, their powers, their PCHIP tangents each). desc = 0:
// no table (every row eq. 4). The caller keeps both in this memory and checked them.
let rTabDesc: usize = 0, rTabData: usize = 0;

export function tables(desc: usize, data: usize): void {
  rTabDesc = desc;
  rTabData = data;
}

// One table oscillator's row on `cols` columns (src/device/table.ts TableCurve.evaluate, operation
// for operation and in its order, one sample at a time): I = (s·u)·u, then the monotone cubic
// Hermite piece of I's interval (binary search, as table.ts locate), or beyond the nodes the end
// value held (clamp: derivative 0 strictly outside, the end tangent on the end node) or continued
// with the end tangent (linear); NaN stays NaN. x: the n node currents, then powers, then tangents.
function tableRow(n: i32, x: usize, linear: bool, cols: i32, U: usize, pol: f64, P: usize, D: usize): void {
  const y = x + <usize>n * 8, m = y + <usize>n * 8, last = <usize>(n - 1) * 8;
  const x0 = load<f64>(x), xl = load<f64>(x + last);
  // (n − 1)/(x_last − x0) for the search below, or 0 when it is not finite (a span that overflows
  // or is too small): then (v − x0)·guess lies in [0, n − 1] (up to rounding) for v inside the nodes.
  let guess = <f64>(n - 1) / (xl - x0);
  if (!(guess < Infinity)) guess = 0.0;
  for (let b = 0; b < cols; b++) {
    const o = <usize>b * 8;
    const u = load<f64>(U + o);
    const v = pol * u * u;
    let pv: f64, dv: f64;
    if (!(v > x0)) {
      if (v != v) {
        pv = v;
        dv = v;
      } else {
        pv = linear ? load<f64>(y) + load<f64>(m) * (v - x0) : load<f64>(y);
        dv = !linear && v < x0 ? 0.0 : load<f64>(m);
      }
    } else if (v >= xl) {
      pv = linear ? load<f64>(y + last) + load<f64>(m + last) * (v - xl) : load<f64>(y + last);
      dv = !linear && v > xl ? 0.0 : load<f64>(m + last);
    } else {
      // The interval where an evenly spaced table would have v, when it is v's (one test, the
      // common case of a table tabulated on a grid), else binary search (as table.ts locate): the
      // interval is unique, so either way the same one.
      let lo = <i32>((v - x0) * guess);
      if (lo > n - 2) lo = n - 2;
      if (!(load<f64>(x + <usize>lo * 8) <= v && v < load<f64>(x + <usize>lo * 8, 8))) {
        lo = 0;
        let hi = n - 1;
        while (hi - lo > 1) {
          const mid = (lo + hi) >> 1;
          if (load<f64>(x + <usize>mid * 8) <= v) lo = mid;
          else hi = mid;
        }
      }
      const q = <usize>lo * 8;
      const xk = load<f64>(x + q), yk = load<f64>(y + q), yk1 = load<f64>(y + q, 8), mk = load<f64>(m + q), mk1 = load<f64>(m + q, 8);
      const h = load<f64>(x + q, 8) - xk, t = (v - xk) / h, t2 = t * t, t3 = t2 * t;
      pv = (2.0 * t3 - 3.0 * t2 + 1.0) * yk + (t3 - 2.0 * t2 + t) * h * mk + (3.0 * t2 - 2.0 * t3) * yk1 + (t3 - t2) * h * mk1;
      dv = ((6.0 * t2 - 6.0 * t) * (yk - yk1)) / h + (3.0 * t2 - 4.0 * t + 1.0) * mk + (3.0 * t2 - 2.0 * t) * mk1;
    }
    store<f64>(P + o, pv);
    if (D != 0) store<f64>(D + o, dv);
  }
}

// Softmax cross-entropy on the first nb columns of L (classes rows): loss and correct count into
// out[0], out[1]; L becomes scale·(softmax − onehot(y)). Per sample: arg = first maximum (its logit
// is the running maximum, as in argmaxColumn; NaN logits never win), e_c = exp(L_c − L_arg),
// sum = Σ_c e_c (c ascending), loss_b = (log(sum) + L_arg) − L_y; the losses are added in sample
// order. Two samples per vector; an odd last sample runs alone with a lane-0-only store.
export function softmax(classes: i32, nb: i32, cap: i32, L: usize, y: usize, scale: f64, out: usize): void {
  let loss = 0.0;
  let correct = 0;
  const pairs = nb & ~1;
  for (let b = 0; b < pairs; b += 2) {
    const r = softmaxPair(classes, cap, L, y, scale, b, true);
    loss += f64x2.extract_lane(r, 0);
    loss += f64x2.extract_lane(r, 1);
    correct += pairHits;
  }
  if (pairs < nb) {
    const r = softmaxPair(classes, cap, L, y, scale, pairs, false);
    loss += f64x2.extract_lane(r, 0);
    correct += pairHits & 1;
  }
  store<f64>(out, loss);
  store<f64>(out, <f64>correct, 8);
}

// Correct predictions among the last pair (lane 0 in bit 0, lane 1 in bit 1, summed).
let pairHits = 0;

// Columns b and b + 1 (only b when !two; the spare lane's label is −1): returns the two losses.
@inline function softmaxPair(classes: i32, cap: i32, L: usize, y: usize, scale: f64, b: i32, two: bool): v128 {
  const row = <usize>cap * 8, o = <usize>b * 8;
  if (classes == 2 && two) {
    const r = softmax2Pair(row, L + o, y + (<usize>b << 2), scale);
    if (pairHits >= 0) return r;
  }
  const y0 = load<i32>(y + (<usize>b << 2)), y1 = two ? load<i32>(y + (<usize>(b + 1) << 2)) : -1;
  const yv = f64x2.replace_lane(f64x2.splat(<f64>y0), 1, <f64>y1);
  let best = f64x2.splat(-Infinity), arg = f64x2.splat(0.0);
  for (let c = 0; c < classes; c++) {
    const l = v128.load(L + <usize>c * row + o);
    const gt = f64x2.gt(l, best);
    best = v128.bitselect(l, best, gt);
    arg = v128.bitselect(f64x2.splat(<f64>c), arg, gt);
  }
  let lab = f64x2.splat(load<f64>(L + <usize>y0 * row + o));
  if (two) lab = f64x2.replace_lane(lab, 1, load<f64>(L + <usize>y1 * row + o, 8));
  let sum = f64x2.splat(0.0);
  for (let c = 0; c < classes; c++) {
    const at = L + <usize>c * row + o;
    const e = expv(f64x2.sub(v128.load(at), best));
    if (two) v128.store(at, e);
    else store<f64>(at, f64x2.extract_lane(e, 0));
    sum = f64x2.add(sum, e);
  }
  const hit = f64x2.eq(arg, yv);
  pairHits = (i64x2.extract_lane(hit, 0) != 0 ? 1 : 0) + (i64x2.extract_lane(hit, 1) != 0 ? 1 : 0);
  const inv = f64x2.div(f64x2.splat(1.0), sum);
  const sc = f64x2.splat(scale), one = f64x2.splat(1.0);
  for (let c = 0; c < classes; c++) {
    const at = L + <usize>c * row + o;
    const hot = v128.and(f64x2.eq(f64x2.splat(<f64>c), yv), one);
    const g = f64x2.mul(sc, f64x2.sub(f64x2.mul(v128.load(at), inv), hot));
    if (two) v128.store(at, g);
    else store<f64>(at, f64x2.extract_lane(g, 0));
  }
  return f64x2.sub(f64x2.add(logv(sum), best), lab);
}

// Two classes, two samples: the same operations and bits as the general path, with one exp per
// sample instead of two: the larger logit's exp(L_arg − max) is exp(0) = 1 exactly (expv(0) = 1)
// whenever the maximum is finite. When it is not (a lane's L_arg − max ≠ 0), returns with
// pairHits = −1 and writes nothing, and the caller takes the general path.
@inline function softmax2Pair(row: usize, at: usize, y: usize, scale: f64): v128 {
  const l0 = v128.load(at), l1 = v128.load(at + row);
  // First maximum as in the general loop: best starts at −∞, a class wins only when strictly greater.
  const ninf = f64x2.splat(-Infinity);
  const g0 = f64x2.gt(l0, ninf);
  let best = v128.bitselect(l0, ninf, g0);
  const g1 = f64x2.gt(l1, best);
  best = v128.bitselect(l1, best, g1);
  // g1: lanes whose argmax is class 1 (else 0).
  const dArg = f64x2.sub(v128.bitselect(l1, l0, g1), best);
  if (v128.any_true(f64x2.ne(dArg, f64x2.splat(0.0)))) {
    pairHits = -1;
    return dArg;
  }
  const eo = expv(f64x2.sub(v128.bitselect(l0, l1, g1), best));
  const one = f64x2.splat(1.0);
  const e0 = v128.bitselect(eo, one, g1), e1 = v128.bitselect(one, eo, g1);
  const sum = f64x2.add(f64x2.add(f64x2.splat(0.0), e0), e1);
  const y0 = load<i32>(y), y1 = load<i32>(y, 4);
  const yv = f64x2.replace_lane(f64x2.splat(<f64>y0), 1, <f64>y1);
  const arg = v128.and(g1, one);
  const hit = f64x2.eq(arg, yv);
  pairHits = (i64x2.extract_lane(hit, 0) != 0 ? 1 : 0) + (i64x2.extract_lane(hit, 1) != 0 ? 1 : 0);
  // Logit of the label: lanes with y = 1 take l1.
  const lab = v128.bitselect(l1, l0, f64x2.eq(yv, one));
  const inv = f64x2.div(one, sum);
  const sc = f64x2.splat(scale);
  const hot0 = v128.and(f64x2.eq(f64x2.splat(0.0), yv), one), hot1 = v128.and(f64x2.eq(one, yv), one);
  v128.store(at, f64x2.mul(sc, f64x2.sub(f64x2.mul(e0, inv), hot0)));
  v128.store(at + row, f64x2.mul(sc, f64x2.sub(f64x2.mul(e1, inv), hot1)));
  return f64x2.sub(f64x2.add(logv(sum), best), lab);
}

// Σ_b x[b] for b < n in four interleaved partial sums s_(b mod 4), combined as
// (s0 + s2) + (s1 + s3) — the order of dynamics.ts `batchSum`.
@inline function batchSum(x: usize, n: i32): f64 {
  let v0 = f64x2.splat(0.0), v1 = f64x2.splat(0.0);
  const n4 = n & ~3;
  for (let b = 0; b < n4; b += 4) {
    const o = <usize>b * 8;
    v0 = f64x2.add(v0, v128.load(x + o));
    v1 = f64x2.add(v1, v128.load(x + o, 16));
  }
  // Tail (b = n4..n − 1 go to s0, s1, s2 in turn).
  if (n4 < n) v0 = f64x2.replace_lane(v0, 0, f64x2.extract_lane(v0, 0) + load<f64>(x + <usize>n4 * 8));
  if (n4 + 1 < n) v0 = f64x2.replace_lane(v0, 1, f64x2.extract_lane(v0, 1) + load<f64>(x + <usize>(n4 + 1) * 8));
  if (n4 + 2 < n) v1 = f64x2.replace_lane(v1, 0, f64x2.extract_lane(v1, 0) + load<f64>(x + <usize>(n4 + 2) * 8));
  const t = f64x2.add(v0, v1);
  return f64x2.extract_lane(t, 0) + f64x2.extract_lane(t, 1);
}

// The discrete adjoint for the first nb columns, accumulating into gA, gB, gW, gC; G = ∂loss/∂logits
// (from softmax); pol[i] = the polarity at par + (8i + 7)·8; XT: scratch of cap·max(k, classes).
// p(0) at P0 with row stride ld0, as in forward.
export function backward(k: i32, steps: i32, classes: i32, nb: i32, cap: i32, A: usize, W: usize, par: usize, P0: usize, ld0: i32, P: usize, U: usize, D: usize, G: usize, lam: usize, lam2: usize, gU: usize, gA: usize, gB: usize, gW: usize, gC: usize, XT: usize): void {
  const row = <usize>cap * 8, kc = <usize>(k * cap) * 8;
  for (let c = 0; c < classes; c++) {
    const at = gC + <usize>c * 8;
    store<f64>(at, load<f64>(at) + batchSum(G + <usize>c * row, nb));
  }
  const Pn = P + <usize>steps * kc;
  gemmAccABt(classes, k, nb, G, cap, Pn, cap, gW, XT);
  gemmAtB(classes, k, nb, W, G, cap, lam, cap);
  let la = lam, lb = lam2;
  for (let t = steps - 1; t >= 0; t--) {
    const Ut = U + <usize>t * kc, Dt = D + <usize>t * kc;
    for (let i = 0; i < k; i++) {
      const ro = <usize>i * row;
      const s2 = f64x2.splat(2.0 * load<f64>(par + <usize>(8 * i + 7) * 8));
      // g = λ·f'·2s·u (two columns per vector; the spare lane of an odd nb is never summed).
      for (let b = 0; b < nb; b += 2) {
        const o = ro + <usize>b * 8;
        v128.store(gU + o, f64x2.mul(f64x2.mul(f64x2.mul(v128.load(la + o), v128.load(Dt + o)), s2), v128.load(Ut + o)));
      }
      const at = gB + <usize>(t * k + i) * 8;
      store<f64>(at, load<f64>(at) + batchSum(gU + ro, nb));
    }
    if (t == 0) gemmAccABt(k, k, nb, gU, cap, P0, ld0, gA, XT);
    else gemmAccABt(k, k, nb, gU, cap, P + <usize>t * kc, cap, gA + <usize>(t * k * k) * 8, XT);
    if (t == 0) break;
    gemmAtB(k, k, nb, A + <usize>(t * k * k) * 8, gU, cap, lb, cap);
    const tmp = la;
    la = lb;
    lb = tmp;
  }
}

// Region pointers of a chunked batch (set once per engine by `layout`), so that `chunk` and `batch`
// take only the batch's numbers.
let rK = 0, rSteps = 0, rClasses = 0, rCap = 0, rLdx = 0;
let rA: usize = 0, rB: usize = 0, rW: usize = 0, rC: usize = 0, rPar: usize = 0;
let rX: usize = 0, rY: usize = 0, rP: usize = 0, rU: usize = 0, rD: usize = 0, rL: usize = 0;
let rLam: usize = 0, rLam2: usize = 0, rGU: usize = 0, rXT: usize = 0;
let rGA: usize = 0, rGB: usize = 0, rGW: usize = 0, rGC: usize = 0, rOut: usize = 0;
let rTA: usize = 0, rTOut: usize = 0;

// Records the engine's shape and regions. gA, gB, gW, gC (one chunk's gradients) are contiguous,
// as are tA.. (the batch's), each of total length steps·k·k + steps·k + classes·k + classes.
export function layout(k: i32, steps: i32, classes: i32, cap: i32, ldx: i32, A: usize, B: usize, W: usize, C: usize, par: usize, X: usize, Y: usize, P: usize, U: usize, D: usize, L: usize, lam: usize, lam2: usize, gU: usize, XT: usize, gA: usize, out: usize, tA: usize, tOut: usize): void {
  rK = k; rSteps = steps; rClasses = classes; rCap = cap; rLdx = ldx;
  rA = A; rB = B; rW = W; rC = C; rPar = par; rX = X; rY = Y; rP = P; rU = U; rD = D; rL = L;
  rLam = lam; rLam2 = lam2; rGU = gU; rXT = XT; rOut = out; rTA = tA; rTOut = tOut;
  rGA = gA;
  rGB = gA + <usize>(steps * k * k) * 8;
  rGW = rGB + <usize>(steps * k) * 8;
  rGC = rGW + <usize>(classes * k) * 8;
}

// One chunk: samples [lo, lo + len) of the batch input X (labels Y): forward, softmax cross-entropy
// scaled by `scale`, and the adjoint into the chunk gradients (zeroed first); loss and correct
// count into out[0], out[1].
export function chunk(lo: i32, len: i32, scale: f64): void {
  const k = rK, steps = rSteps, classes = rClasses, cap = rCap;
  const P0 = rX + <usize>lo * 8;
  forward(k, steps, classes, len, cap, rA, rB, rW, rC, rPar, P0, rLdx, rP, rU, rD, rL, 1);
  softmax(classes, len, cap, rL, rY + (<usize>lo << 2), scale, rOut);
  memory.fill(rGA, 0, (rGC - rGA) + <usize>classes * 8);
  backward(k, steps, classes, len, cap, rA, rW, rPar, P0, rLdx, rP, rU, rD, rL, rLam, rLam2, rGU, rGA, rGB, rGW, rGC, rXT);
}

// A batch of nb samples in `count` chunks, chunk q = [⌊q·nb/count⌋, ⌊(q+1)·nb/count⌋): the batch
// gradient ((g_0 + g_1) + …) into tA.. and the loss ((ℓ_0 + ℓ_1) + …) and correct count into
// tOut — src/train/chunks.ts' order.
export function batch(nb: i32, count: i32, scale: f64): void {
  sumChunks(nb, count, scale, chunk, <usize>(rSteps * rK * rK + rSteps * rK + rClasses * rK + rClasses), rGA, rOut, rTA, rTOut);
}

// The chunk loop of `batch` (shared with engine32.as): runs chunkFn on each chunk in order and adds
// its n gradients at g (and loss, correct count at out) into t (tOut).
export function sumChunks(nb: i32, count: i32, scale: f64, chunkFn: (lo: i32, len: i32, scale: f64) => void, n: usize, g: usize, out: usize, t: usize, tOut: usize): void {
  for (let q = 0; q < count; q++) {
    const lo = <i32>((<i64>q * <i64>nb) / <i64>count), hi = <i32>((<i64>(q + 1) * <i64>nb) / <i64>count);
    chunkFn(lo, hi - lo, scale);
    if (q == 0) {
      memory.copy(t, g, n * 8);
      store<f64>(tOut, load<f64>(out));
      store<f64>(tOut, load<f64>(out, 8), 8);
    } else {
      for (let e: usize = 0; e < n; e++) store<f64>(t + e * 8, load<f64>(t + e * 8) + load<f64>(g + e * 8));
      store<f64>(tOut, load<f64>(tOut) + load<f64>(out));
      store<f64>(tOut, load<f64>(tOut, 8) + load<f64>(out, 8), 8);
    }
  }
}
