import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { cli, tmp } from "./helpers.js";
import { nativeStatus } from "../../src/node/native-engine.js";

const ENTRY = fileURLToPath(new URL("./cli-entry.ts", import.meta.url));

/** Runs the CLI in a child process with a fault injected into its worker threads; a hang fails after 90 s. */
function withFault(args: string[], fault: string): Promise<{ code: number | null; stderr: string; hung: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", ENTRY, ...args], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, DYNASPIN_FAULT: fault } });
    let stderr = "", hung = false;
    const guard = setTimeout(() => {
      hung = true;
      child.kill("SIGKILL");
    }, 90_000);
    child.stdout.resume();
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("close", (code) => {
      clearTimeout(guard);
      resolve({ code, stderr, hung });
    });
  });
}

function oneLineFailure(r: { code: number | null; stderr: string; hung: boolean }, re: RegExp): void {
  assert.equal(r.hung, false, "the command hung");
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, re);
  assert.doesNotMatch(r.stderr, /internal error|\n\s+at /);
}

test("a data-parallel worker that exits holding a chunk ends training with exit 1 and one line, not a spin", { timeout: 120_000 }, async () => {
  const dir = tmp();
  try {
    const r = await withFault(["train", "--task", "spiral", "--count", "2000", "--batch", "0", "--epochs", "5000", "--restarts", "1", "--workers", "2", "--engine", "wasm", "--quiet", "--out", join(dir, "run")], "chunk-worker-exit");
    oneLineFailure(r, /dynaspin: data-parallel training: a worker thread exited while computing a chunk/);
    assert.equal(existsSync(join(dir, "run", "model.json")), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a robustness worker that exits mid-sweep ends the command with exit 1 and the worker's message", { timeout: 120_000 }, async () => {
  const dir = tmp();
  try {
    const t = await cli(["train", "--task", "spiral", "--count", "300", "--epochs", "30", "--restarts", "1", "--quiet", "--out", join(dir, "m")]);
    assert.equal(t.code, 0, t.stderr);
    const r = await withFault(["robustness", "--model", join(dir, "m", "model.json"), "--task", "spiral", "--count", "300", "--sigma", "0:1:0.05", "--trials", "100000", "--workers", "2", "--engine", "wasm", "--quiet", "--no-figure", "--out", join(dir, "rob")], "robustness-worker-exit");
    oneLineFailure(r, /dynaspin: robustness: a worker thread exited with code 7 during the sweep/);
    assert.equal(existsSync(join(dir, "rob", "robustness.json")), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("an LLG worker that exits mid-sweep ends the command with exit 1 and writes no CSV", { timeout: 120_000 }, async () => {
  const dir = tmp();
  try {
    const out = join(dir, "curve.csv");
    const r = await withFault(["llg", "--params", "py-cu-py", "--currents", "-14:-10:1", "--workers", "2", "--quiet", "--out", out], "llg-worker-exit");
    oneLineFailure(r, /dynaspin: llg: a worker thread exited with code 7 before the sweep finished/);
    assert.equal(existsSync(out), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("an explore worker that exits mid-sweep ends the command with exit 1 and one line, not a hang", { timeout: 120_000 }, async () => {
  const dir = tmp();
  try {
    const r = await withFault(["explore", "--task", "spiral", "--steps", "1,2", "--epochs", "2", "--seeds", "1", "--workers", "2", "--quiet", "--no-figure", "--out", join(dir, "ex")], "explore-worker-exit");
    oneLineFailure(r, /dynaspin: explore: a worker thread exited with code 7 during the sweep/);
    assert.equal(existsSync(join(dir, "ex", "explore.json")), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a worker whose task throws ends the command with exit 1 and the worker's message", { timeout: 120_000 }, async () => {
  const dir = tmp();
  try {
    const out = join(dir, "curve.csv");
    const r = await withFault(["llg", "--params", "py-cu-py", "--currents", "-14:-10:1", "--workers", "2", "--quiet", "--out", out], "llg-worker-throw");
    oneLineFailure(r, /^dynaspin: llg: a worker thread failed: injected fault \(DYNASPIN_FAULT=llg-worker-throw\)\n$/);
    assert.equal(existsSync(out), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a thread of the native engine that fails mid-training or mid-sweep ends the command with exit 1 and one line naming it, not a crash", { timeout: 180_000 }, async (t) => {
  if (!nativeStatus().available) {
    t.diagnostic(`the native engine is not built here (${(nativeStatus() as { reason: string }).reason}); the WebAssembly fault tests above cover the other path`);
    return;
  }
  // A build from before thread failures were reported (a worktree not rebuilt since): say so.
  const addon = createRequire(import.meta.url)(fileURLToPath(new URL("../../build/Release/dynaspin_native.node", import.meta.url))) as { info(): { threadFaults?: boolean } };
  if (addon.info().threadFaults !== true) {
    t.diagnostic("the native addon predates thread-failure reporting: run `npm run build:native` to test it");
    return;
  }
  const dir = tmp();
  try {
    // Digits (64 oscillators) with batches of 256 (two chunks): the engine runs a chunk on each of its 2 threads.
    const args = ["train", "--task", "digits", "--epochs", "3", "--batch", "256", "--restarts", "1", "--engine", "native", "--quiet"];
    const r = await withFault([...args, "--workers", "2", "--out", join(dir, "run")], "native-thread-fail");
    oneLineFailure(r, /^dynaspin: native engine: a thread of the native engine failed \(thread 1 of 2: injected fault \(DYNASPIN_FAULT=native-thread-fail\)\); rerun with --engine wasm to use the WebAssembly engine\n$/);
    assert.equal(existsSync(join(dir, "run", "model.json")), false);
    // The float32 native engine has the same kind of threads.
    const f = await withFault([...args, "--precision", "float32", "--workers", "2", "--out", join(dir, "run32")], "native-thread-fail");
    oneLineFailure(f, /^dynaspin: native engine: a thread of the native engine failed \(thread 1 of 2: injected fault/);
    // The robustness sweep's native kernel runs on the same kind of thread pool.
    const m = await cli([...args, "--out", join(dir, "m")]);
    assert.equal(m.code, 0, m.stderr);
    const s = await withFault(["robustness", "--model", join(dir, "m", "model.json"), "--task", "digits", "--sigma", "0,0.5", "--trials", "200", "--workers", "2", "--engine", "native", "--quiet", "--no-figure", "--out", join(dir, "rob")], "native-thread-fail");
    oneLineFailure(s, /^dynaspin: native engine: a thread of the native engine failed \(thread 1 of 2: injected fault/);
    assert.equal(existsSync(join(dir, "rob", "robustness.json")), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
