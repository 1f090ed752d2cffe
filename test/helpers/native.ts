// What the engine tests share: a bit-for-bit comparison of two arrays, and the native engine on
// every instruction set this CPU has (each engine is checked against one specification).
import assert from "node:assert/strict";
import type { EngineFactory } from "../../src/network/engine.js";
import { nativeFactory, nativeStatus, type NativeIsa } from "../../src/node/native-engine.js";

/** Asserts that a and b hold the same numbers bit for bit (Object.is: −0 ≠ 0, NaN = NaN), naming the first that differs. */
export function sameBits(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  assert.equal(a.length, b.length, what);
  for (let q = 0; q < a.length; q++) if (!Object.is(a[q], b[q])) assert.fail(`${what}[${q}]: ${a[q]} vs ${b[q]}`);
}

/** The native engine's instruction sets this CPU has, the best first; empty without the addon. */
export function nativeIsas(): NativeIsa[] {
  const st = nativeStatus();
  if (!st.available) return [];
  return st.kernels === "avx512" ? ["avx512", "avx2", "sse2"] : st.kernels === "avx2" ? ["avx2", "sse2"] : ["sse2"];
}

/** The native engine on every instruction set this CPU has, with 1, 2 and 3 threads each; empty without the addon. */
export function nativeFactories(): EngineFactory[] {
  return nativeIsas().flatMap((isa) => [1, 2, 3].map((t) => nativeFactory(t, isa) as EngineFactory));
}
