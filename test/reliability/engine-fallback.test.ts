import { test } from "node:test";
import assert from "node:assert/strict";
import { lazyWasmModule, wasmUnavailable } from "../../src/kernels/wasm-module.js";

test("only the documented 'WebAssembly not available' failures fall back; any other error surfaces", () => {
  // A module that does not compile (what a runtime without SIMD reports): null, the TypeScript path runs.
  assert.equal(lazyWasmModule(Buffer.from([0, 0x61, 0x73, 0x6d, 9, 9, 9, 9]).toString("base64"))(), null);
  assert.equal(wasmUnavailable(new WebAssembly.CompileError("no simd")), true);
  assert.equal(wasmUnavailable(new WebAssembly.LinkError("import")), true);
  assert.equal(wasmUnavailable(new RangeError("WebAssembly.Memory.grow(): Maximum memory size exceeded")), true);
  // A bug (a wrong offset, an undefined export) is not "unavailable": it must not become a slow path.
  assert.equal(wasmUnavailable(new TypeError("ex.layout is not a function")), false);
  assert.equal(wasmUnavailable(new WebAssembly.RuntimeError("memory access out of bounds")), false);
});
