import { test } from "node:test";
import assert from "node:assert/strict";
import * as ts from "../../src/kernels/gemm.js";
import { wasmKernels, type GemmKernels } from "../../src/kernels/wasm.js";
import { Rng } from "../../src/util/rng.js";

function randomArray(n: number, rng: Rng): Float64Array {
  const a = new Float64Array(n);
  for (let q = 0; q < n; q++) a[q] = rng.normal();
  return a;
}

function sameBits(a: Float64Array, b: Float64Array, what: string): void {
  assert.equal(a.length, b.length);
  for (let q = 0; q < a.length; q++) if (!Object.is(a[q], b[q])) assert.fail(`${what}: element ${q} is ${a[q]}, textbook loop gives ${b[q]}`);
}

const wasm = wasmKernels();
const BACKENDS: Array<[string, GemmKernels]> = [["TypeScript", ts], ...(wasm ? [["WebAssembly", wasm] as [string, GemmKernels]] : [])];

test("the WebAssembly SIMD kernels load in Node 20", () => {
  assert.ok(wasm !== null);
});

// Shapes that exercise the 4×2 blocks and every remainder (m, kk, nb not multiples of 4 or 2).
const SHAPES: Array<[number, number, number]> = [[1, 1, 1], [4, 4, 2], [5, 3, 7], [7, 9, 5], [8, 8, 8], [10, 6, 13], [3, 11, 4]];

for (const [backend, { gemmBias, gemmAccABt, gemmAtB }] of BACKENDS) {
test(`gemmBias gives the textbook loop's bits (bias then j ascending), with offsets and padded rows (${backend})`, () => {
  const rng = new Rng(11);
  for (const [m, kk, nb] of SHAPES) {
    const ld = nb + 3, mOff = 5, bOff = 2, oOff = 4;
    const M = randomArray(mOff + m * kk, rng), bias = randomArray(bOff + m, rng), X = randomArray(kk * ld, rng);
    const out = new Float64Array(oOff + m * ld).fill(7);
    const want = out.slice();
    for (let i = 0; i < m; i++) {
      for (let b = 0; b < nb; b++) {
        let s = bias[bOff + i];
        for (let j = 0; j < kk; j++) s += M[mOff + i * kk + j] * X[j * ld + b];
        want[oOff + i * ld + b] = s;
      }
    }
    gemmBias(m, kk, nb, M, mOff, bias, bOff, X, ld, out, oOff, ld);
    sameBits(out, want, `gemmBias ${m}×${kk}×${nb}`);
    gemmBias(m, kk, nb, M, mOff, null, 0, X, ld, out, oOff, ld);
    assert.ok(Math.abs(out[oOff] - (want[oOff] - bias[bOff])) < 1e-12, "a null bias means 0");
  }
});
}

for (const [backend, { gemmBias, gemmAccABt, gemmAtB }] of BACKENDS) {
test(`gemmAccABt adds each b-ascending sum to the existing gradient exactly as the textbook loop (${backend})`, () => {
  const rng = new Rng(12);
  for (const [m, kk, nb] of SHAPES) {
    const ld = nb + 1, gOff = 3;
    const Y = randomArray(m * ld, rng), X = randomArray(kk * ld, rng), G = randomArray(gOff + m * kk, rng);
    const want = G.slice();
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < kk; j++) {
        let s = 0;
        for (let b = 0; b < nb; b++) s += Y[i * ld + b] * X[j * ld + b];
        want[gOff + i * kk + j] += s;
      }
    }
    gemmAccABt(m, kk, nb, Y, ld, X, ld, G, gOff);
    sameBits(G, want, `gemmAccABt ${m}×${kk}×${nb}`);
  }
});
}

for (const [backend, { gemmBias, gemmAccABt, gemmAtB }] of BACKENDS) {
test(`gemmAtB overwrites the output with i-ascending sums of the transposed product (${backend})`, () => {
  const rng = new Rng(13);
  for (const [m, kk, nb] of SHAPES) {
    const ld = nb + 2, mOff = 6;
    const M = randomArray(mOff + m * kk, rng), Y = randomArray(m * ld, rng);
    const out = randomArray(kk * ld, rng);
    const want = out.slice();
    for (let j = 0; j < kk; j++) {
      for (let b = 0; b < nb; b++) {
        let s = 0;
        for (let i = 0; i < m; i++) s += M[mOff + i * kk + j] * Y[i * ld + b];
        want[j * ld + b] = s;
      }
    }
    gemmAtB(m, kk, nb, M, mOff, Y, ld, out, ld);
    sameBits(out, want, `gemmAtB ${m}×${kk}×${nb}`);
  }
});
}

for (const [backend, { gemmBias, gemmAccABt, gemmAtB }] of BACKENDS) {
test(`a NaN input propagates to every output it touches (${backend})`, () => {
  const M = new Float64Array([1, 2, 3, 4]);
  const X = new Float64Array([NaN, 1, 1, 1]);
  const out = new Float64Array(4);
  gemmBias(2, 2, 2, M, 0, null, 0, X, 2, out, 0, 2);
  assert.ok(Number.isNaN(out[0]) && Number.isNaN(out[2]));
  assert.equal(out[1], 3);
});
}
