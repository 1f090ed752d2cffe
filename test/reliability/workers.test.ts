import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { cli, tmp } from "./helpers.js";

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
