// AssemblyScript source (compiled as gemm.ts by scripts/build-wasm.mjs) of the WebAssembly SIMD (f64x2) versions of src/kernels/gemm.ts.
// Build: `npm run build:wasm -- gemm` (scripts/build-wasm.mjs) -> src/kernels/wasm/gemm-wasm.ts (base64).
// Pointers are byte offsets into linear memory; matrices are packed float64 with the leading
// dimensions given. Each output is reduced in the same order as the TypeScript kernels (SIMD lanes
// run over independent outputs, never inside one sum), so both give the same bits.

// out[i*ldo + b] = bias[i] + Σ_j M[i*kk + j]·X[j*ldx + b]   (bias may be 0 = none)
export function gemmBias(m: i32, kk: i32, nb: i32, M: usize, bias: usize, X: usize, ldx: i32, out: usize, ldo: i32): void {
  const nb4 = nb & ~3;
  let i = 0;
  for (; i + 4 <= m; i += 4) {
    const r0 = M + <usize>(i * kk) * 8, r1 = r0 + <usize>kk * 8, r2 = r1 + <usize>kk * 8, r3 = r2 + <usize>kk * 8;
    const c0 = bias ? load<f64>(bias + <usize>i * 8) : 0.0, c1 = bias ? load<f64>(bias + <usize>(i + 1) * 8) : 0.0;
    const c2 = bias ? load<f64>(bias + <usize>(i + 2) * 8) : 0.0, c3 = bias ? load<f64>(bias + <usize>(i + 3) * 8) : 0.0;
    const o0 = out + <usize>(i * ldo) * 8, o1 = o0 + <usize>ldo * 8, o2 = o1 + <usize>ldo * 8, o3 = o2 + <usize>ldo * 8;
    for (let b = 0; b < nb4; b += 4) {
      let s00 = f64x2.splat(c0), s01 = s00, s10 = f64x2.splat(c1), s11 = s10;
      let s20 = f64x2.splat(c2), s21 = s20, s30 = f64x2.splat(c3), s31 = s30;
      let xp = X + <usize>b * 8;
      const step = <usize>ldx * 8;
      for (let j = 0; j < kk; j++, xp += step) {
        const x0 = v128.load(xp), x1 = v128.load(xp, 16);
        const jo = <usize>j * 8;
        const a0 = f64x2.splat(load<f64>(r0 + jo)), a1 = f64x2.splat(load<f64>(r1 + jo));
        const a2 = f64x2.splat(load<f64>(r2 + jo)), a3 = f64x2.splat(load<f64>(r3 + jo));
        s00 = f64x2.add(s00, f64x2.mul(a0, x0)); s01 = f64x2.add(s01, f64x2.mul(a0, x1));
        s10 = f64x2.add(s10, f64x2.mul(a1, x0)); s11 = f64x2.add(s11, f64x2.mul(a1, x1));
        s20 = f64x2.add(s20, f64x2.mul(a2, x0)); s21 = f64x2.add(s21, f64x2.mul(a2, x1));
        s30 = f64x2.add(s30, f64x2.mul(a3, x0)); s31 = f64x2.add(s31, f64x2.mul(a3, x1));
      }
      const bo = <usize>b * 8;
      v128.store(o0 + bo, s00); v128.store(o0 + bo, s01, 16);
      v128.store(o1 + bo, s10); v128.store(o1 + bo, s11, 16);
      v128.store(o2 + bo, s20); v128.store(o2 + bo, s21, 16);
      v128.store(o3 + bo, s30); v128.store(o3 + bo, s31, 16);
    }
    for (let b = nb4; b < nb; b++) {
      let s0 = c0, s1 = c1, s2 = c2, s3 = c3;
      for (let j = 0; j < kk; j++) {
        const x = load<f64>(X + <usize>(j * ldx + b) * 8);
        const jo = <usize>j * 8;
        s0 += load<f64>(r0 + jo) * x; s1 += load<f64>(r1 + jo) * x; s2 += load<f64>(r2 + jo) * x; s3 += load<f64>(r3 + jo) * x;
      }
      const bo = <usize>b * 8;
      store<f64>(o0 + bo, s0); store<f64>(o1 + bo, s1); store<f64>(o2 + bo, s2); store<f64>(o3 + bo, s3);
    }
  }
  // Remaining rows: lanes over pairs of columns b, the same sum order per output.
  for (; i < m; i++) {
    const c = bias ? load<f64>(bias + <usize>i * 8) : 0.0;
    const cv = f64x2.splat(c);
    const r = M + <usize>(i * kk) * 8, o = out + <usize>(i * ldo) * 8;
    let b = 0;
    for (; b + 2 <= nb; b += 2) {
      let sv = cv;
      let xp = X + <usize>b * 8;
      for (let j = 0; j < kk; j++, xp += <usize>ldx * 8) sv = f64x2.add(sv, f64x2.mul(f64x2.splat(load<f64>(r + <usize>j * 8)), v128.load(xp)));
      v128.store(o + <usize>b * 8, sv);
    }
    for (; b < nb; b++) {
      let s = c;
      for (let j = 0; j < kk; j++) s += load<f64>(r + <usize>j * 8) * load<f64>(X + <usize>(j * ldx + b) * 8);
      store<f64>(o + <usize>b * 8, s);
    }
  }
}

// G[i*kk + j] += Σ_b Y[i*ldy + b]·X[j*ldx + b]; lanes run over j (pairs of X rows), sums over b in order.
// X is first transposed into the scratch XT (nb×kk), so each pair of lanes is one aligned load.
export function gemmAccABt(m: i32, kk: i32, nb: i32, Y: usize, ldy: i32, X: usize, ldx: i32, G: usize, XT: usize): void {
  for (let j = 0; j < kk; j++) {
    const src = X + <usize>(j * ldx) * 8;
    for (let b = 0; b < nb; b++) store<f64>(XT + <usize>(b * kk + j) * 8, load<f64>(src + <usize>b * 8));
  }
  const rowT = <usize>kk * 8;
  let i = 0;
  // 4 rows of Y × 4 rows of X per block: 8 scalar loads feed 8 f64x2 multiply-adds per b.
  for (; i + 4 <= m; i += 4) {
    const y0 = Y + <usize>(i * ldy) * 8, y1 = y0 + <usize>ldy * 8, y2 = y1 + <usize>ldy * 8, y3 = y2 + <usize>ldy * 8;
    const g0 = G + <usize>(i * kk) * 8, g1 = g0 + <usize>kk * 8, g2 = g1 + <usize>kk * 8, g3 = g2 + <usize>kk * 8;
    let j = 0;
    for (; j + 4 <= kk; j += 4) {
      let s00 = f64x2.splat(0), s01 = s00, s10 = s00, s11 = s00, s20 = s00, s21 = s00, s30 = s00, s31 = s00;
      let xt = XT + <usize>j * 8;
      for (let b = 0; b < nb; b++, xt += rowT) {
        const bo = <usize>b * 8;
        const p01 = v128.load(xt), p23 = v128.load(xt, 16);
        const q0 = f64x2.splat(load<f64>(y0 + bo)), q1 = f64x2.splat(load<f64>(y1 + bo));
        const q2 = f64x2.splat(load<f64>(y2 + bo)), q3 = f64x2.splat(load<f64>(y3 + bo));
        s00 = f64x2.add(s00, f64x2.mul(q0, p01)); s01 = f64x2.add(s01, f64x2.mul(q0, p23));
        s10 = f64x2.add(s10, f64x2.mul(q1, p01)); s11 = f64x2.add(s11, f64x2.mul(q1, p23));
        s20 = f64x2.add(s20, f64x2.mul(q2, p01)); s21 = f64x2.add(s21, f64x2.mul(q2, p23));
        s30 = f64x2.add(s30, f64x2.mul(q3, p01)); s31 = f64x2.add(s31, f64x2.mul(q3, p23));
      }
      const jo = <usize>j * 8;
      v128.store(g0 + jo, f64x2.add(v128.load(g0 + jo), s00)); v128.store(g0 + jo, f64x2.add(v128.load(g0 + jo, 16), s01), 16);
      v128.store(g1 + jo, f64x2.add(v128.load(g1 + jo), s10)); v128.store(g1 + jo, f64x2.add(v128.load(g1 + jo, 16), s11), 16);
      v128.store(g2 + jo, f64x2.add(v128.load(g2 + jo), s20)); v128.store(g2 + jo, f64x2.add(v128.load(g2 + jo, 16), s21), 16);
      v128.store(g3 + jo, f64x2.add(v128.load(g3 + jo), s30)); v128.store(g3 + jo, f64x2.add(v128.load(g3 + jo, 16), s31), 16);
    }
    for (; j < kk; j++) {
      const xa = X + <usize>(j * ldx) * 8;
      let s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
      for (let b = 0; b < nb; b++) {
        const bo = <usize>b * 8;
        const p = load<f64>(xa + bo);
        s0 += load<f64>(y0 + bo) * p; s1 += load<f64>(y1 + bo) * p; s2 += load<f64>(y2 + bo) * p; s3 += load<f64>(y3 + bo) * p;
      }
      const jo = <usize>j * 8;
      store<f64>(g0 + jo, load<f64>(g0 + jo) + s0); store<f64>(g1 + jo, load<f64>(g1 + jo) + s1);
      store<f64>(g2 + jo, load<f64>(g2 + jo) + s2); store<f64>(g3 + jo, load<f64>(g3 + jo) + s3);
    }
  }
  // Remaining rows, two at a time where possible: lanes over pairs of X rows (from XT), sums over b
  // in order — independent chains for the CPU to overlap.
  for (; i + 2 <= m; i += 2) {
    const y0 = Y + <usize>(i * ldy) * 8, y1 = y0 + <usize>ldy * 8;
    const g0 = G + <usize>(i * kk) * 8, g1 = g0 + <usize>kk * 8;
    let j = 0;
    for (; j + 2 <= kk; j += 2) {
      let s0 = f64x2.splat(0), s1 = s0;
      let xt = XT + <usize>j * 8;
      for (let b = 0; b < nb; b++, xt += rowT) {
        const bo = <usize>b * 8;
        const p = v128.load(xt);
        s0 = f64x2.add(s0, f64x2.mul(f64x2.splat(load<f64>(y0 + bo)), p));
        s1 = f64x2.add(s1, f64x2.mul(f64x2.splat(load<f64>(y1 + bo)), p));
      }
      const jo = <usize>j * 8;
      v128.store(g0 + jo, f64x2.add(v128.load(g0 + jo), s0));
      v128.store(g1 + jo, f64x2.add(v128.load(g1 + jo), s1));
    }
    for (; j < kk; j++) {
      const xa = X + <usize>(j * ldx) * 8;
      let s0 = 0.0, s1 = 0.0;
      for (let b = 0; b < nb; b++) {
        const bo = <usize>b * 8;
        const p = load<f64>(xa + bo);
        s0 += load<f64>(y0 + bo) * p;
        s1 += load<f64>(y1 + bo) * p;
      }
      const jo = <usize>j * 8;
      store<f64>(g0 + jo, load<f64>(g0 + jo) + s0);
      store<f64>(g1 + jo, load<f64>(g1 + jo) + s1);
    }
  }
  for (; i < m; i++) {
    const y0 = Y + <usize>(i * ldy) * 8, g0 = G + <usize>(i * kk) * 8;
    let j = 0;
    for (; j + 2 <= kk; j += 2) {
      let s0 = f64x2.splat(0);
      let xt = XT + <usize>j * 8;
      for (let b = 0; b < nb; b++, xt += rowT) s0 = f64x2.add(s0, f64x2.mul(f64x2.splat(load<f64>(y0 + <usize>b * 8)), v128.load(xt)));
      const jo = <usize>j * 8;
      v128.store(g0 + jo, f64x2.add(v128.load(g0 + jo), s0));
    }
    for (; j < kk; j++) {
      const xa = X + <usize>(j * ldx) * 8;
      let s = 0.0;
      for (let b = 0; b < nb; b++) s += load<f64>(y0 + <usize>b * 8) * load<f64>(xa + <usize>b * 8);
      store<f64>(g0 + <usize>j * 8, load<f64>(g0 + <usize>j * 8) + s);
    }
  }
}

// out[j*ldo + b] = Σ_i M[i*kk + j]·Y[i*ldy + b]; lanes run over b, sums over i in order.
export function gemmAtB(m: i32, kk: i32, nb: i32, M: usize, Y: usize, ldy: i32, out: usize, ldo: i32): void {
  const nb4 = nb & ~3;
  let j = 0;
  for (; j + 4 <= kk; j += 4) {
    const o0 = out + <usize>(j * ldo) * 8, o1 = o0 + <usize>ldo * 8, o2 = o1 + <usize>ldo * 8, o3 = o2 + <usize>ldo * 8;
    for (let b = 0; b < nb4; b += 4) {
      let s00 = f64x2.splat(0), s01 = s00, s10 = s00, s11 = s00, s20 = s00, s21 = s00, s30 = s00, s31 = s00;
      let yp = Y + <usize>b * 8, mp = M + <usize>j * 8;
      const ystep = <usize>ldy * 8, mstep = <usize>kk * 8;
      for (let i = 0; i < m; i++, yp += ystep, mp += mstep) {
        const q0 = v128.load(yp), q1 = v128.load(yp, 16);
        const a0 = f64x2.splat(load<f64>(mp)), a1 = f64x2.splat(load<f64>(mp, 8));
        const a2 = f64x2.splat(load<f64>(mp, 16)), a3 = f64x2.splat(load<f64>(mp, 24));
        s00 = f64x2.add(s00, f64x2.mul(a0, q0)); s01 = f64x2.add(s01, f64x2.mul(a0, q1));
        s10 = f64x2.add(s10, f64x2.mul(a1, q0)); s11 = f64x2.add(s11, f64x2.mul(a1, q1));
        s20 = f64x2.add(s20, f64x2.mul(a2, q0)); s21 = f64x2.add(s21, f64x2.mul(a2, q1));
        s30 = f64x2.add(s30, f64x2.mul(a3, q0)); s31 = f64x2.add(s31, f64x2.mul(a3, q1));
      }
      const bo = <usize>b * 8;
      v128.store(o0 + bo, s00); v128.store(o0 + bo, s01, 16);
      v128.store(o1 + bo, s10); v128.store(o1 + bo, s11, 16);
      v128.store(o2 + bo, s20); v128.store(o2 + bo, s21, 16);
      v128.store(o3 + bo, s30); v128.store(o3 + bo, s31, 16);
    }
    for (let b = nb4; b < nb; b++) {
      let s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
      for (let i = 0; i < m; i++) {
        const q = load<f64>(Y + <usize>(i * ldy + b) * 8);
        const mp = M + <usize>(i * kk + j) * 8;
        s0 += load<f64>(mp) * q; s1 += load<f64>(mp, 8) * q; s2 += load<f64>(mp, 16) * q; s3 += load<f64>(mp, 24) * q;
      }
      const bo = <usize>b * 8;
      store<f64>(o0 + bo, s0); store<f64>(o1 + bo, s1); store<f64>(o2 + bo, s2); store<f64>(o3 + bo, s3);
    }
  }
  // Remaining rows of out: lanes over pairs of columns b, the same sum order per output.
  for (; j < kk; j++) {
    const o = out + <usize>(j * ldo) * 8;
    let b = 0;
    for (; b + 2 <= nb; b += 2) {
      let sv = f64x2.splat(0);
      let yp = Y + <usize>b * 8;
      for (let i = 0; i < m; i++, yp += <usize>ldy * 8) sv = f64x2.add(sv, f64x2.mul(f64x2.splat(load<f64>(M + <usize>(i * kk + j) * 8)), v128.load(yp)));
      v128.store(o + <usize>b * 8, sv);
    }
    for (; b < nb; b++) {
      let s = 0.0;
      for (let i = 0; i < m; i++) s += load<f64>(M + <usize>(i * kk + j) * 8) * load<f64>(Y + <usize>(i * ldy + b) * 8);
      store<f64>(o + <usize>b * 8, s);
    }
  }
}
