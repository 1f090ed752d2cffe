/**
 * The native addon's entry points that take arrays (logitsAll, load, adam, step, tables) read their
 * arguments through one helper (native/addon.cc `handleCall`): too few arguments throw a TypeError
 * naming the call and its count — also when the handle itself is missing — a wrong handle or a
 * number that is not one throws before anything is touched. The TypeScript side never makes these
 * calls wrongly; the checks keep a wrong call from reading outside the engine's buffers.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { nativeStatus } from "../../src/node/native-engine.js";

type Call = (...args: unknown[]) => unknown;

test("every array-taking entry point of the native addon names itself when called with too few arguments, and refuses a wrong handle", (t) => {
  if (!nativeStatus().available) {
    t.diagnostic("the native engine is not built here");
    return;
  }
  const addon = createRequire(import.meta.url)(fileURLToPath(new URL("../../build/Release/dynaspin_native.node", import.meta.url))) as Record<string, Call>;
  const [h] = addon.create(3, 2, 2, 8, 20, 1, "auto") as [object];
  const f = (n: number) => new Float64Array(n);
  // Each call with its full argument list (a valid handle first).
  const calls: [string, unknown[]][] = [
    ["logitsAll", [h, 0, 4, f(8)]],
    ["load", [h, f(6), 3, 3, null, 0, 2, null, null, 0]],
    ["adam", [h, f(4), f(4), f(4), f(4), f(8)]],
    ["step", [h, 4, 1, 1, f(4)]],
    ["tables", [h, f(9), f(0)]],
  ];
  const typeError = (fn: () => unknown, message: string) => assert.throws(fn, (e: Error) => e instanceof TypeError && e.message === message, message);
  for (const [name, args] of calls) {
    const call = addon[name];
    const want = args.length;
    for (const given of [0, 1, want - 1]) typeError(() => call(...args.slice(0, given)), `native: ${name} needs ${want} arguments`);
    typeError(() => call({}, ...args.slice(1)), "native: not an engine handle");
  }
  // The numbers of logitsAll and step are read as numbers.
  typeError(() => addon.logitsAll(h, "0", 4, f(8)), "native: expected a number");
  typeError(() => addon.step(h, 4, 1, "1", f(4)), "native: expected a number");
  typeError(() => addon.adam(h, f(4), [0, 0, 0, 0], f(4), f(4), f(8)), "native: adam takes Float64Arrays");
});
