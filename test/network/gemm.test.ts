/**
 * The native engine's packed matrix products (native/gemm_kernels.h: the products of networks
 * with ≥ 128 oscillators) against the TypeScript kernels of src/kernels/gemm.ts, bit for bit, for
 * every instruction set this CPU has, on odd shapes: 1, 7, 63, 65, 130, 784 and 2000 rows,
 * reduction lengths and columns, so every register-tile fringe, partial last vector, reduction
 * block (a sum stopped in the output and continued) and column block is exercised, on sub-ranges
 * of rows (what a thread computes) and with leading dimensions wider than the rows. Values include
 * exact zeros, −0 and magnitudes from 1e-3 to 1e3, so a changed summation order or a fused
 * multiply–add would show. Elements outside the written region must stay untouched.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { gemmBias, gemmAtB, gemmAccABt } from "../../src/kernels/gemm.js";
import { nativeStatus } from "../../src/node/native-engine.js";
import { Rng } from "../../src/util/rng.js";

type Gemm = (isa: string, op: number, dims: Float64Array, M: Float64Array, bias: Float64Array | null, X: Float64Array, out: Float64Array) => void;

const st = nativeStatus();
const skip = st.available ? false : `native engine not built: ${st.available ? "" : st.reason}`;

function addonGemm(): Gemm {
  const path = fileURLToPath(new URL("../../build/Release/dynaspin_native.node", import.meta.url));
  const addon = createRequire(import.meta.url)(path) as { gemm?: Gemm };
  assert.equal(typeof addon.gemm, "function", "the addon has gemm(); run `npm run build:native`");
  return addon.gemm as Gemm;
}

function isas(): string[] {
  if (!st.available) return [];
  return st.kernels === "avx512" ? ["avx512", "avx2", "sse2"] : st.kernels === "avx2" ? ["avx2", "sse2"] : ["sse2"];
}

// Normal values times 10^u (u uniform in [−3, 3]), with about 3 % exact zeros and 3 % −0.
function values(rng: Rng, n: number): Float64Array {
  const a = new Float64Array(n);
  for (let e = 0; e < n; e++) {
    const u = rng.uniform();
    if (u < 0.03) a[e] = 0;
    else if (u < 0.06) a[e] = -0;
    else a[e] = (rng.uniform() - 0.5) * 10 ** (6 * rng.uniform() - 3);
  }
  return a;
}

const SENTINEL = 12345.678;

function sameBits(got: Float64Array, want: Float64Array, what: string): void {
  for (let q = 0; q < want.length; q++) if (!Object.is(got[q], want[q])) assert.fail(`${what}: element ${q}: ${got[q]} vs ${want[q]}`);
}

// [r0, r1) rows out of `rows`, kk, nb (a multiple of 8), ldx − nb, ldo − nb.
const PRODUCTS: Array<[number, number, number, number, number, number]> = [
  [0, 1, 1, 8, 0, 0],
  [0, 7, 7, 8, 3, 5],
  [0, 63, 65, 16, 0, 8],
  [5, 65, 63, 72, 1, 0],
  [0, 130, 784, 64, 0, 0],
  [391, 784, 130, 64, 8, 8],
  [2, 13, 2000, 8, 0, 1],
  [0, 2000, 7, 24, 0, 0],
  [1, 5, 9, 2000, 4, 0],
];

test("packed u = A·p + B and λ = Aᵀ·g give the TypeScript kernels' bits on odd shapes, for every instruction set", { skip }, () => {
  const gemm = addonGemm();
  const rng = new Rng(16);
  for (const [r0, r1, kk, nb, padX, padO] of PRODUCTS) {
    const ldx = nb + padX, ldo = nb + padO;
    // u: M is r1 × kk, X is kk × ldx, out r1 × ldo.
    const M = values(rng, r1 * kk);
    const bias = values(rng, r1);
    const X = values(rng, kk * ldx);
    const want = new Float64Array(r1 * ldo).fill(SENTINEL);
    gemmBias(r1 - r0, kk, nb, M, r0 * kk, bias, r0, X, ldx, want, r0 * ldo, ldo);
    for (let i = 0; i < r1; i++) for (let b = nb; b < ldo; b++) want[i * ldo + b] = SENTINEL;
    const wantNoBias = new Float64Array(r1 * ldo).fill(SENTINEL);
    gemmBias(r1 - r0, kk, nb, M, r0 * kk, null, 0, X, ldx, wantNoBias, r0 * ldo, ldo);
    for (let i = 0; i < r1; i++) for (let b = nb; b < ldo; b++) wantNoBias[i * ldo + b] = SENTINEL;
    // λ: M is m × kk with m = r1 (reduction), output rows j in [r0', r1') of kk.
    const m = r1, j0 = Math.min(r0, kk - 1), j1 = Math.min(kk, Math.max(j0 + 1, r1 - r0));
    const Y = values(rng, m * ldx);
    const wantT = new Float64Array(kk * ldo).fill(SENTINEL);
    const full = new Float64Array(kk * ldo);
    gemmAtB(m, kk, nb, M, 0, Y, ldx, full, ldo);
    for (let j = j0; j < j1; j++) for (let b = 0; b < nb; b++) wantT[j * ldo + b] = full[j * ldo + b];
    for (const isa of isas()) {
      const what = `${isa} rows ${r0}..${r1} kk ${kk} nb ${nb} ldx ${ldx} ldo ${ldo}`;
      const out = new Float64Array(r1 * ldo).fill(SENTINEL);
      gemm(isa, 0, Float64Array.of(r0, r1, 0, kk, nb, 0, ldx, ldo), M, bias, X, out);
      sameBits(out, want, `u = A·p + B, ${what}`);
      out.fill(SENTINEL);
      gemm(isa, 0, Float64Array.of(r0, r1, 0, kk, nb, 0, ldx, ldo), M, null, X, out);
      sameBits(out, wantNoBias, `u = A·p, ${what}`);
      const outT = new Float64Array(kk * ldo).fill(SENTINEL);
      gemm(isa, 1, Float64Array.of(j0, j1, m, kk, nb, 0, ldx, ldo), M, null, Y, outT);
      sameBits(outT, wantT, `λ = Aᵀ·g, m ${m}, rows ${j0}..${j1}, ${what}`);
    }
  }
});

// [r0, r1) rows, kk (columns of G), nb (reduction), ldy − nb, ldx − nb.
const OUTERS: Array<[number, number, number, number, number, number]> = [
  [0, 1, 1, 1, 0, 0],
  [0, 7, 7, 7, 1, 2],
  [3, 63, 65, 63, 0, 0],
  [0, 65, 63, 65, 2, 0],
  [0, 130, 784, 64, 0, 0],
  [400, 784, 130, 33, 0, 7],
  [0, 9, 2000, 5, 0, 0],
  [0, 7, 13, 2000, 0, 3],
  [1, 6, 9, 130, 0, 0],
];

test("packed ∂A = g·pᵀ gives the TypeScript kernel's bits on odd shapes (partial vectors, several reduction blocks), for every instruction set", { skip }, () => {
  const gemm = addonGemm();
  const rng = new Rng(61);
  for (const [r0, r1, kk, nb, padY, padX] of OUTERS) {
    const ldy = nb + padY, ldx = nb + padX;
    const Y = values(rng, r1 * ldy);
    const X = values(rng, kk * ldx);
    const want = new Float64Array(r1 * kk).fill(SENTINEL);
    want.fill(0, r0 * kk);
    gemmAccABt(r1 - r0, kk, nb, Y.subarray(r0 * ldy), ldy, X, ldx, want, r0 * kk);
    for (const isa of isas()) {
      const out = new Float64Array(r1 * kk).fill(SENTINEL);
      gemm(isa, 2, Float64Array.of(r0, r1, 0, kk, nb, ldy, ldx, 0), Y, null, X, out);
      sameBits(out, want, `∂A = g·pᵀ, ${isa} rows ${r0}..${r1} kk ${kk} nb ${nb} ldy ${ldy} ldx ${ldx}`);
    }
  }
});

test("gemm() refuses arrays too short for the product and an unknown instruction set", { skip }, () => {
  const gemm = addonGemm();
  const a = new Float64Array(64);
  assert.throws(() => gemm("avx2", 0, Float64Array.of(0, 9, 0, 8, 8, 0, 8, 8), a, null, a, a), /native: gemm out of range/);
  assert.throws(() => gemm("avx2", 0, Float64Array.of(0, 4, 0, 4, 12, 0, 12, 12), a, null, a, a), /native: gemm out of range/);
  assert.throws(() => gemm("avx2", 3, Float64Array.of(0, 1, 0, 1, 8, 0, 8, 8), a, null, a, a), /native: gemm out of range/);
  assert.throws(() => gemm("neon", 0, Float64Array.of(0, 1, 0, 1, 8, 0, 8, 8), a, null, a, a), { code: "ERR_DYNASPIN_NATIVE_ISA" });
});
