/**
 * Register-blocked matrix kernels for the network's three products, over flat float64 arrays with
 * explicit offsets and leading dimensions (caller-owned outputs, no allocation, no checks).
 *
 * Layouts: a "weight" matrix M (m×kk) is row-major, `M[off + i*kk + j]`; a "batch" matrix X has one
 * row per oscillator or class and one column per sample, `X[j*ldx + b]` (the workspace's
 * oscillator-major layout with ldx = capacity).
 *
 * Each kernel keeps a 4×2 block of results in local variables while it walks the reduction index,
 * so every value loaded is used 2–4 times and nothing is stored until the block is done (the plain
 * axpy form loads and stores the output on every multiply–add). Every output is still reduced in
 * the same order as the textbook loop (j, resp. b, resp. i ascending, starting from the bias or
 * from 0), so results are bit-identical to it; the only difference from skipping zero weights is
 * that a zero weight times an infinite or NaN input now gives NaN.
 *
 * FLOPs: each kernel does 2·m·kk·nb floating-point operations.
 */

/**
 * out[i*ldo + b] = bias[biasOff + i] + Σ_{j<kk} M[mOff + i*kk + j]·X[j*ldx + b]   (i < m, b < nb).
 * `bias` may be null (then 0). Forward step (u = A·p + B) and readout (logits = W·p + c).
 */
export function gemmBias(
  m: number, kk: number, nb: number,
  M: Float64Array, mOff: number,
  bias: Float64Array | null, biasOff: number,
  X: Float64Array, ldx: number,
  out: Float64Array, outOff: number, ldo: number,
): Float64Array {
  const nb2 = nb & ~1;
  let i = 0;
  for (; i + 4 <= m; i += 4) {
    const r0 = mOff + i * kk, r1 = r0 + kk, r2 = r1 + kk, r3 = r2 + kk;
    const c0 = bias === null ? 0 : bias[biasOff + i], c1 = bias === null ? 0 : bias[biasOff + i + 1];
    const c2 = bias === null ? 0 : bias[biasOff + i + 2], c3 = bias === null ? 0 : bias[biasOff + i + 3];
    const o0 = outOff + i * ldo, o1 = o0 + ldo, o2 = o1 + ldo, o3 = o2 + ldo;
    for (let b = 0; b < nb2; b += 2) {
      let s00 = c0, s01 = c0, s10 = c1, s11 = c1, s20 = c2, s21 = c2, s30 = c3, s31 = c3;
      let xo = b;
      for (let j = 0; j < kk; j++, xo += ldx) {
        const x0 = X[xo], x1 = X[xo + 1];
        const a0 = M[r0 + j], a1 = M[r1 + j], a2 = M[r2 + j], a3 = M[r3 + j];
        s00 += a0 * x0; s01 += a0 * x1;
        s10 += a1 * x0; s11 += a1 * x1;
        s20 += a2 * x0; s21 += a2 * x1;
        s30 += a3 * x0; s31 += a3 * x1;
      }
      out[o0 + b] = s00; out[o0 + b + 1] = s01;
      out[o1 + b] = s10; out[o1 + b + 1] = s11;
      out[o2 + b] = s20; out[o2 + b + 1] = s21;
      out[o3 + b] = s30; out[o3 + b + 1] = s31;
    }
    if (nb2 < nb) {
      const b = nb2;
      let s0 = c0, s1 = c1, s2 = c2, s3 = c3;
      for (let j = 0, xo = b; j < kk; j++, xo += ldx) {
        const x = X[xo];
        s0 += M[r0 + j] * x; s1 += M[r1 + j] * x; s2 += M[r2 + j] * x; s3 += M[r3 + j] * x;
      }
      out[o0 + b] = s0; out[o1 + b] = s1; out[o2 + b] = s2; out[o3 + b] = s3;
    }
  }
  for (; i < m; i++) {
    const r = mOff + i * kk, o = outOff + i * ldo;
    const c = bias === null ? 0 : bias[biasOff + i];
    for (let b = 0; b < nb; b++) {
      let s = c;
      for (let j = 0, xo = b; j < kk; j++, xo += ldx) s += M[r + j] * X[xo];
      out[o + b] = s;
    }
  }
  return out;
}

/**
 * G[gOff + i*kk + j] += Σ_{b<nb} Y[i*ldy + b]·X[j*ldx + b]   (i < m, j < kk): the weight gradient
 * (∂A = gU·pᵀ, ∂W = ∂logits·p(n)ᵀ). Each sum runs over b ascending from 0 and is then added to G.
 */
export function gemmAccABt(
  m: number, kk: number, nb: number,
  Y: Float64Array, ldy: number,
  X: Float64Array, ldx: number,
  G: Float64Array, gOff: number,
): Float64Array {
  let i = 0;
  for (; i + 4 <= m; i += 4) {
    const y0 = i * ldy, y1 = y0 + ldy, y2 = y1 + ldy, y3 = y2 + ldy;
    const g0 = gOff + i * kk, g1 = g0 + kk, g2 = g1 + kk, g3 = g2 + kk;
    let j = 0;
    for (; j + 2 <= kk; j += 2) {
      const xa = j * ldx, xb = xa + ldx;
      let s00 = 0, s01 = 0, s10 = 0, s11 = 0, s20 = 0, s21 = 0, s30 = 0, s31 = 0;
      for (let b = 0; b < nb; b++) {
        const p0 = X[xa + b], p1 = X[xb + b];
        const q0 = Y[y0 + b], q1 = Y[y1 + b], q2 = Y[y2 + b], q3 = Y[y3 + b];
        s00 += q0 * p0; s01 += q0 * p1;
        s10 += q1 * p0; s11 += q1 * p1;
        s20 += q2 * p0; s21 += q2 * p1;
        s30 += q3 * p0; s31 += q3 * p1;
      }
      G[g0 + j] += s00; G[g0 + j + 1] += s01;
      G[g1 + j] += s10; G[g1 + j + 1] += s11;
      G[g2 + j] += s20; G[g2 + j + 1] += s21;
      G[g3 + j] += s30; G[g3 + j + 1] += s31;
    }
    for (; j < kk; j++) {
      const xa = j * ldx;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let b = 0; b < nb; b++) {
        const p = X[xa + b];
        s0 += Y[y0 + b] * p; s1 += Y[y1 + b] * p; s2 += Y[y2 + b] * p; s3 += Y[y3 + b] * p;
      }
      G[g0 + j] += s0; G[g1 + j] += s1; G[g2 + j] += s2; G[g3 + j] += s3;
    }
  }
  for (; i < m; i++) {
    const yo = i * ldy, go = gOff + i * kk;
    for (let j = 0; j < kk; j++) {
      const xa = j * ldx;
      let s = 0;
      for (let b = 0; b < nb; b++) s += Y[yo + b] * X[xa + b];
      G[go + j] += s;
    }
  }
  return G;
}

/**
 * out[j*ldo + b] = Σ_{i<m} M[mOff + i*kk + j]·Y[i*ldy + b]   (j < kk, b < nb): the adjoint
 * λ(t) = A[t]ᵀ·g and λ(n) = Wᵀ·∂logits. Sums run over i ascending from 0 (out is overwritten).
 */
export function gemmAtB(
  m: number, kk: number, nb: number,
  M: Float64Array, mOff: number,
  Y: Float64Array, ldy: number,
  out: Float64Array, ldo: number,
): Float64Array {
  const nb2 = nb & ~1;
  let j = 0;
  for (; j + 4 <= kk; j += 4) {
    const o0 = j * ldo, o1 = o0 + ldo, o2 = o1 + ldo, o3 = o2 + ldo;
    const c = mOff + j;
    for (let b = 0; b < nb2; b += 2) {
      let s00 = 0, s01 = 0, s10 = 0, s11 = 0, s20 = 0, s21 = 0, s30 = 0, s31 = 0;
      for (let i = 0, yo = b, mo = c; i < m; i++, yo += ldy, mo += kk) {
        const q0 = Y[yo], q1 = Y[yo + 1];
        const a0 = M[mo], a1 = M[mo + 1], a2 = M[mo + 2], a3 = M[mo + 3];
        s00 += a0 * q0; s01 += a0 * q1;
        s10 += a1 * q0; s11 += a1 * q1;
        s20 += a2 * q0; s21 += a2 * q1;
        s30 += a3 * q0; s31 += a3 * q1;
      }
      out[o0 + b] = s00; out[o0 + b + 1] = s01;
      out[o1 + b] = s10; out[o1 + b + 1] = s11;
      out[o2 + b] = s20; out[o2 + b + 1] = s21;
      out[o3 + b] = s30; out[o3 + b + 1] = s31;
    }
    if (nb2 < nb) {
      const b = nb2;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let i = 0, yo = b, mo = c; i < m; i++, yo += ldy, mo += kk) {
        const q = Y[yo];
        s0 += M[mo] * q; s1 += M[mo + 1] * q; s2 += M[mo + 2] * q; s3 += M[mo + 3] * q;
      }
      out[o0 + b] = s0; out[o1 + b] = s1; out[o2 + b] = s2; out[o3 + b] = s3;
    }
  }
  for (; j < kk; j++) {
    const o = j * ldo;
    for (let b = 0; b < nb; b++) {
      let s = 0;
      for (let i = 0, yo = b, mo = mOff + j; i < m; i++, yo += ldy, mo += kk) s += M[mo] * Y[yo];
      out[o + b] = s;
    }
  }
  return out;
}
