// AssemblyScript source (compiled as eq4.ts by scripts/build-wasm.mjs) of the WebAssembly SIMD
// kernels of eq. 4 and tanh on arrays: the twins of the TypeScript kernels of
// src/kernels/fast-math.ts, wrapped by src/kernels/eq4.ts (the float64 math is in simd-math.as).
// Build: `npm run build:wasm -- eq4` -> src/kernels/wasm/eq4-wasm.ts (base64). The network engine's
// module compiles this file too (its forward step calls eq4Drive).
// Every operation mirrors the TypeScript kernel one for one (same constants, same order, no fused
// multiply-add), so both give the same bits; SIMD lanes run over independent samples.
// Pointers are byte offsets into linear memory. Parameter packing: src/device/eq4.ts.

import { tanh2, eq4v, eq4Store } from "./simd-math";

// out[i] = tanh(x[i]) for i < n (n even; pointers 16-byte aligned).
export function tanhArray(n: i32, x: usize, out: usize): void {
  for (let i = 0; i < n; i += 2) {
    const o = <usize>i * 8;
    v128.store(out + o, tanh2(v128.load(x + o)));
  }
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
    const end = row + <usize>n * 8;
    let o = row;
    // Four vectors per iteration: four independent dependency chains through eq. 4.
    for (; o + 64 <= end; o += 64) {
      const u0 = v128.load(U + o), u1 = v128.load(U + o, 16), u2 = v128.load(U + o, 32), u3 = v128.load(U + o, 48);
      const dd: usize = D == 0 ? 0 : D + o;
      eq4Store(f64x2.mul(f64x2.mul(pol, u0), u0), a2, b2, Ic, QIc, P0, a2P0, cP0, P + o, dd);
      eq4Store(f64x2.mul(f64x2.mul(pol, u1), u1), a2, b2, Ic, QIc, P0, a2P0, cP0, P + o + 16, dd == 0 ? 0 : dd + 16);
      eq4Store(f64x2.mul(f64x2.mul(pol, u2), u2), a2, b2, Ic, QIc, P0, a2P0, cP0, P + o + 32, dd == 0 ? 0 : dd + 32);
      eq4Store(f64x2.mul(f64x2.mul(pol, u3), u3), a2, b2, Ic, QIc, P0, a2P0, cP0, P + o + 48, dd == 0 ? 0 : dd + 48);
    }
    for (; o < end; o += 16) {
      const u = v128.load(U + o);
      eq4Store(f64x2.mul(f64x2.mul(pol, u), u), a2, b2, Ic, QIc, P0, a2P0, cP0, P + o, D == 0 ? 0 : D + o);
    }
  }
}
