import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runCli } from "../../src/cli/main.js";
import { Rng } from "../../src/util/rng.js";

const ENTRY = fileURLToPath(new URL("./cli-entry.ts", import.meta.url));
const SEED = 918273;

function partials(out: string): string[] {
  const dir = join(out, "partial");
  return existsSync(dir) ? readdirSync(dir).filter((n) => /^sigma-\d+\.json$/.test(n)) : [];
}

/** Runs the CLI in a child; `killAfter(partials)` returning a delay (ms) schedules a SIGKILL. */
function runChild(args: string[], out: string, killAfter?: (n: number) => number | null): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; torn: string[] }> {
  const child = spawn(process.execPath, ["--import", "tsx", ENTRY, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "", stderr = "";
  const torn: string[] = [];
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  let scheduled = false;
  const timer = setInterval(() => {
    const names = partials(out);
    // A reader never sees a partial file: each one parses.
    for (const n of names) {
      try {
        JSON.parse(readFileSync(join(out, "partial", n), "utf8"));
      } catch (e) {
        torn.push(`${n}: ${(e as Error).message}`);
      }
    }
    if (killAfter && !scheduled) {
      const delay = killAfter(names.length);
      if (delay !== null) {
        scheduled = true;
        setTimeout(() => child.kill("SIGKILL"), delay);
      }
    }
  }, 5);
  return new Promise((resolve) => {
    child.on("exit", (code, signal) => {
      clearInterval(timer);
      resolve({ code, signal, stdout, stderr, torn });
    });
  });
}

test("a robustness sweep killed with SIGKILL keeps its finished σ values and the rerun computes only the missing ones, with byte-identical results", async () => {
  const dir = mkdtempSync(join(tmpdir(), "dynaspin-rob-"));
  try {
    const model = join(dir, "model");
    const trained = await runCli(["train", "--task", "spiral", "--count", "300", "--epochs", "30", "--restarts", "1", "--out", model, "--quiet"], {
      stdout: () => {},
      stderr: () => {},
      isTTY: false,
      env: {},
    });
    assert.equal(trained, 0);
    const sweep = (out: string) => ["robustness", "--model", join(model, "model.json"), "--task", "spiral", "--count", "300", "--sigma", "0:0.5:0.05", "--trials", "3000", "--workers", "1", "--seed", "1", "--no-figure", "--quiet", "--json", "--out", out];
    const ref = join(dir, "reference"), out = join(dir, "run");
    const reference = await runChild(sweep(ref), ref);
    assert.equal(reference.code, 0, reference.stderr);

    const rng = new Rng(SEED);
    const after = 1 + rng.int(4), delay = rng.uniform() * 30;
    const killed = await runChild(sweep(out), out, (n) => (n >= after ? delay : null));
    assert.equal(killed.signal, "SIGKILL", `the sweep finished before the kill; stderr: ${killed.stderr}`);
    assert.deepEqual(killed.torn, []);
    assert.equal(existsSync(join(out, "robustness.json")), false);
    const kept = partials(out).length;
    assert.ok(kept >= after && kept < 11, `kept ${kept} σ`);

    const resumed = await runChild(sweep(out), out);
    assert.equal(resumed.code, 0, resumed.stderr);
    const summary = JSON.parse(resumed.stdout) as { resumed: number; computed: number };
    assert.deepEqual([summary.resumed, summary.computed], [kept, 11 - kept]);
    for (const file of ["robustness.json", "robustness.csv"]) {
      assert.ok(readFileSync(join(ref, file)).equals(readFileSync(join(out, file))), `${file} differs after resuming ${kept} σ`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
