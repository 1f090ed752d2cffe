/**
 * What every WebAssembly module of dynaspin needs: compile the embedded base64 once on first use
 * (null where the runtime lacks WebAssembly SIMD), instantiate with the AssemblyScript `abort`
 * import, and grow an instance's memory to a size. Only the standard `WebAssembly` global, so it
 * runs in Node, workers and browsers.
 */
import { decodeBase64 } from "../util/base64.js";

/** First byte the kernels' operands may use in every module (below: the module's static data). */
export const WASM_BASE = 65536;

/**
 * A getter for the module compiled from `base64`: compiled on its first call (importing has no
 * side effect), then cached; null when it cannot be compiled (no WebAssembly SIMD).
 */
export function lazyWasmModule(base64: string): () => WebAssembly.Module | null {
  let compiled: WebAssembly.Module | null | undefined;
  return () => {
    if (compiled === undefined) {
      try {
        compiled = new WebAssembly.Module(decodeBase64(base64));
      } catch (e) {
        if (!wasmUnavailable(e)) throw e;
        compiled = null;
      }
    }
    return compiled;
  };
}

/**
 * True for the documented "WebAssembly engine not available here" failures, after which callers
 * fall back to the TypeScript path: the module does not compile or link (no WebAssembly or no
 * SIMD: `CompileError`, `LinkError`), or its memory cannot grow to the size asked (`RangeError`
 * from `Memory.grow`, out of address space). Anything else is a bug and must surface, not turn
 * into a silently slower path.
 */
export function wasmUnavailable(e: unknown): boolean {
  return e instanceof WebAssembly.CompileError || e instanceof WebAssembly.LinkError || e instanceof RangeError;
}

/** A new instance of `mod` (AssemblyScript's `env.abort` stubbed); its exports as `T`. */
export function instantiateWasm<T>(mod: WebAssembly.Module): T {
  return new WebAssembly.Instance(mod, { env: { abort: () => undefined } }).exports as unknown as T;
}

/** Grows `memory` (in 64 KiB pages) until it holds at least `bytes` bytes. Detaches old views. */
export function ensureWasmMemory(memory: WebAssembly.Memory, bytes: number): void {
  const have = memory.buffer.byteLength;
  if (have < bytes) memory.grow(Math.ceil((bytes - have) / 65536));
}
