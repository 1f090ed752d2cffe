// The committed WebAssembly modules are exactly what their AssemblyScript sources compile to: each
// module is rebuilt from the .as sources with the pinned compiler (scripts/build-wasm.mjs) and its
// generated file compared byte for byte with the committed one.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
// @ts-expect-error a plain .mjs script without type declarations
import { MODULES, compileModule, generatedSource } from "../../scripts/build-wasm.mjs";

const modules = MODULES as Record<string, { out: string; sources: string[] }>;

for (const [key, m] of Object.entries(modules)) {
  test(`rebuilding the ${key} WebAssembly module from ${m.sources.join(", ")} reproduces ${m.out} byte for byte`, () => {
    const bytes = (compileModule as (k: string) => Buffer)(key);
    const fresh = (generatedSource as (k: string, b: Buffer) => string)(key, bytes);
    assert.ok(readFileSync(m.out, "utf8") === fresh, `${m.out} is not the build of its sources: run npm run build:wasm -- ${key} and commit the result`);
  });
}
