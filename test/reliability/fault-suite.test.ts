// The fault-injection suite: SIGINT / SIGTERM at seeded random moments of a robustness sweep and of
// a design-space sweep, then the same command again. Every run ends (no hang) with exit 0 (it
// finished first) or 130 / 143 and one line; no temporary file is left, every kept file parses,
// and the continued sweep ends with the same numbers as one never interrupted.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { cli, tmp } from "./helpers.js";
import { Rng } from "../../src/util/rng.js";

const ENTRY = fileURLToPath(new URL("./cli-entry.ts", import.meta.url));

/** Runs the CLI in a child and sends `signal` `delayMs` after its first progress line; a hang fails after 90 s. */
function interruptAt(args: string[], signal: NodeJS.Signals, delayMs: number): Promise<{ code: number | null; stderr: string; hung: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", ENTRY, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "", armed = false, hung = false;
    const guard = setTimeout(() => {
      hung = true;
      child.kill("SIGKILL");
    }, 90_000);
    child.stdout.resume();
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
      if (!armed && /: 0\/\d+/.test(stderr)) {
        armed = true;
        setTimeout(() => child.kill(signal), delayMs);
      }
    });
    child.on("close", (code) => {
      clearTimeout(guard);
      resolve({ code, stderr, hung });
    });
  });
}

/** Every file under `dir`: no temporary file, and every JSON file parses. */
function whole(dir: string): number {
  let n = 0;
  if (!existsSync(dir)) return 0;
  for (const f of readdirSync(dir, { recursive: true, encoding: "utf8" })) {
    const p = join(dir, f);
    if (!statSync(p).isFile()) continue;
    assert.doesNotMatch(f, /\.tmp$/, `temporary file left: ${p}`);
    if (f.endsWith(".json")) JSON.parse(readFileSync(p, "utf8"));
    n++;
  }
  return n;
}

/** The results of a finished sweep's JSON without what depends on the run (time, resumed counts). */
function results(path: string, key: string): string {
  return JSON.stringify((JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>)[key]);
}

test("robustness and explore survive SIGINT/SIGTERM at random moments: no hang, no partial file, and the continued sweep equals an uninterrupted one", { timeout: 300_000 }, async () => {
  const dir = tmp();
  try {
    const t = await cli(["train", "--task", "spiral", "--count", "300", "--epochs", "30", "--restarts", "1", "--quiet", "--out", join(dir, "m")]);
    assert.equal(t.code, 0, t.stderr);
    const rob = (out: string) => ["robustness", "--model", join(dir, "m", "model.json"), "--task", "spiral", "--count", "300", "--sigma", "0:1:0.2", "--trials", "100000", "--workers", "2", "--engine", "wasm", "--no-figure", "--out", out];
    const exp = (out: string) => ["explore", "--task", "spiral", "--steps", "2,3,4", "--seeds", "2", "--epochs", "1000", "--workers", "2", "--no-figure", "--out", out];
    // The uninterrupted runs, timed: the random moments fall within the first half of a run (whatever this machine's speed).
    const timed = async (args: string[]) => {
      const t0 = performance.now();
      const r = await cli([...args, "--quiet"]);
      return { ...r, ms: performance.now() - t0 };
    };
    const ref = { rob: await timed(rob(join(dir, "rob-ref"))), exp: await timed(exp(join(dir, "exp-ref"))) };
    assert.equal(ref.rob.code, 0, ref.rob.stderr);
    assert.equal(ref.exp.code, 0, ref.exp.stderr);
    const rng = new Rng(20261205);
    for (const [name, args, file, key] of [["rob", rob, "robustness.json", "results"], ["exp", exp, "explore.json", "rows"]] as const) {
      const out = join(dir, name);
      // Two interruptions at random moments, then the same command to the end.
      let interrupted = 0;
      for (const signal of ["SIGINT", "SIGTERM"] as const) {
        const r = await interruptAt(args(out), signal, Math.floor(rng.uniform() * 0.5 * ref[name].ms));
        assert.equal(r.hung, false, `${name}: hung after ${signal}`);
        assert.ok(r.code === 0 || r.code === (signal === "SIGINT" ? 130 : 143), `${name} ${signal}: exit ${r.code}\n${r.stderr}`);
        assert.doesNotMatch(r.stderr, /internal error|\n\s+at /);
        if (r.code !== 0) interrupted++;
        if (r.code !== 0) assert.match(r.stderr, new RegExp(`dynaspin: interrupted \\(${signal}\\) .*(kept in \\S+partial; run the same command again|nothing was kept; rerun the command)`));
        whole(out);
      }
      assert.ok(interrupted > 0, `${name}: no run was interrupted (the sweep is too short for the random moments)`);
      const end = await cli([...args(out), "--quiet"]);
      assert.equal(end.code, 0, end.stderr);
      whole(out);
      assert.equal(results(join(out, file), key), results(join(dir, `${name}-ref`, file), key), `${name}: the continued sweep differs from an uninterrupted one`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
