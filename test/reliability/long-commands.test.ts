// The long commands besides train (llg, robustness, explore, reproduce): progress shows at once and
// moves inside a long unit of work (an LLG current, an explore point), and Ctrl-C / kill ends them
// with the terminal restored, one line saying what was kept and how to continue, exit 130 / 143.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { cli, tmp } from "./helpers.js";

const ENTRY = fileURLToPath(new URL("./cli-entry.ts", import.meta.url));

interface Run {
  code: number | null;
  stderr: string;
  /** Milliseconds from the signal to the exit. */
  ms: number;
  /** Arrival times (ms since spawn) of each stderr line. */
  lines: { at: number; text: string }[];
}

/** Runs the CLI in a child; once stderr matches `when`, waits `delayMs` and sends `signal` (null: none). */
function runChild(args: string[], signal: NodeJS.Signals | null, when: RegExp | ((stderr: string) => boolean), delayMs = 0): Promise<Run> {
  const due = typeof when === "function" ? when : (s: string) => when.test(s);
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, ["--import", "tsx", ENTRY, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "", sent = false, sentAt = 0, partial = "";
    const lines: { at: number; text: string }[] = [];
    const guard = setTimeout(() => child.kill("SIGKILL"), 150_000);
    const fire = (): void => {
      if (signal === null || sent || !due(stderr)) return;
      sent = true;
      clearInterval(poll);
      setTimeout(() => {
        sentAt = performance.now();
        child.kill(signal);
      }, delayMs);
    };
    // The condition may look at files too: checked on every stderr line and every 50 ms.
    const poll = setInterval(fire, 50);
    child.stdout.resume();
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
      partial += d.toString();
      const parts = partial.split("\n");
      partial = parts.pop() ?? "";
      for (const text of parts) lines.push({ at: performance.now() - t0, text });
      fire();
    });
    child.on("close", (code) => {
      clearTimeout(guard);
      clearInterval(poll);
      resolve({ code, stderr, ms: sentAt > 0 ? performance.now() - sentAt : 0, lines });
    });
  });
}

function noTrace(r: Run): void {
  assert.doesNotMatch(r.stderr, /internal error|\n\s+at /, r.stderr);
}

test("llg: progress moves inside a long current, and Ctrl-C says that nothing was written and exits 130", { timeout: 180_000 }, async () => {
  const dir = tmp();
  try {
    const out = join(dir, "curve.csv");
    // One current of 6 µs takes well over 2 s (the interval of plain progress lines): progress must show fractions of it.
    const r = await runChild(["llg", "--params", "py-cu-py", "--currents", "-14:-13:1", "--duration", "6000", "--workers", "1", "--out", out], "SIGINT", /llg py-cu-py: 0(\.\d)?\/2 currents/);
    assert.match(r.lines[0]?.text ?? "", /^llg py-cu-py: 0\/2$/, "the first progress line comes at once");
    assert.equal(r.code, 130, r.stderr);
    assert.ok(r.ms < 5000, `took ${r.ms.toFixed(0)} ms to stop`);
    assert.match(r.stderr, /dynaspin: interrupted \(SIGINT\) during the sweep \(0 of 2 currents finished\); nothing was written \(\S+curve\.csv is written when the sweep ends\); rerun the command/);
    noTrace(r);
    assert.deepEqual(readdirSync(dir), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("robustness: SIGTERM mid-sweep keeps the finished σ values, says so, exits 143; the same command then computes only the rest", { timeout: 180_000 }, async () => {
  const dir = tmp();
  try {
    const t = await cli(["train", "--task", "spiral", "--count", "300", "--epochs", "30", "--restarts", "1", "--quiet", "--out", join(dir, "m")]);
    assert.equal(t.code, 0, t.stderr);
    const args = ["robustness", "--model", join(dir, "m", "model.json"), "--task", "spiral", "--count", "300", "--sigma", "0:1:0.05", "--trials", "40000", "--workers", "1", "--engine", "wasm", "--no-figure", "--out", join(dir, "rob")];
    // Once 2 σ values (of 40000 trials each) are kept.
    const pdir = join(dir, "rob", "partial");
    const r = await runChild(args, "SIGTERM", () => existsSync(pdir) && readdirSync(pdir).filter((f) => f.endsWith(".json")).length >= 2);
    assert.equal(r.lines[0]?.text, "robustness a: 0/840000", "the first progress line comes at once");
    assert.equal(r.code, 143, r.stderr);
    const m = /dynaspin: interrupted \(SIGTERM\) during the sweep \((\d+) of 21 σ values finished this run\); the finished ones are kept in (\S+partial); run the same command again to compute only the rest/.exec(r.stderr);
    assert.ok(m, r.stderr);
    noTrace(r);
    const kept = readdirSync(m[2]).filter((f) => /^sigma-\d+\.json$/.test(f)).length;
    assert.ok(kept >= 2 && kept >= Number(m[1]) - 1, `${kept} partial files for ${m[1]} finished`);
    assert.deepEqual(readdirSync(m[2]).filter((f) => f.endsWith(".tmp")), []);
    assert.equal(existsSync(join(dir, "rob", "robustness.json")), false);
    const again = await cli([...args, "--quiet"]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, new RegExp(`, ${kept} σ resumed`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("explore: progress moves inside a point's training; SIGINT keeps the finished points, says how to continue, exits 130", { timeout: 180_000 }, async () => {
  const dir = tmp();
  try {
    // Points of 30000 epochs: each takes well over the 2 s between plain progress lines.
    const args = ["explore", "--task", "spiral", "--steps", "3,4", "--seeds", "1", "--epochs", "30000", "--workers", "1", "--no-figure", "--out", join(dir, "ex")];
    const r = await runChild(args, "SIGINT", /explore: 0(\.\d)?\/2 training/);
    assert.equal(r.lines[0]?.text, "explore: 0/2", "the first progress line comes at once");
    assert.ok(r.lines.some((l) => /^explore: 0(\.\d)?\/2 training$/.test(l.text)), `no progress inside the first point:\n${r.stderr}`);
    assert.equal(r.code, 130, r.stderr);
    assert.ok(r.ms < 5000, `took ${r.ms.toFixed(0)} ms to stop`);
    const m = /dynaspin: interrupted \(SIGINT\) while training points \((\d) of 2 finished this run\); (the finished ones are kept in (\S+); run the same command again to train only the rest|none had finished, nothing was kept; rerun the command)/.exec(r.stderr);
    assert.ok(m, r.stderr);
    noTrace(r);
    const kept = existsSync(join(dir, "ex", "partial")) ? readdirSync(join(dir, "ex", "partial")).filter((f) => f.endsWith(".json")).length : 0;
    assert.ok(kept >= Number(m[1]), `${kept} partial files for ${m[1]} finished`);
    assert.equal(existsSync(join(dir, "ex", "explore.json")), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("reproduce: SIGINT lists the finished files in incomplete.json and says how to start again; --force then replaces them", { timeout: 240_000 }, async () => {
  const dir = tmp();
  try {
    const out = join(dir, "rq");
    const r = await runChild(["reproduce", "--quick", "--out", out], "SIGINT", /reproduce digits seed 0: \d+\/50/);
    assert.equal(r.code, 130, r.stderr);
    assert.ok(r.ms < 5000, `took ${r.ms.toFixed(0)} ms to stop`);
    const m = /dynaspin: interrupted \(SIGINT\) during digits training \(seed 0, 1 of 1\); kept the (\d+) files finished so far in \S+ \(listed in (\S+incomplete\.json); no report\): reproduce does not resume; start again with: dynaspin reproduce --quick --out \S+ --force/.exec(r.stderr);
    assert.ok(m, r.stderr);
    noTrace(r);
    const list = JSON.parse(readFileSync(m[2], "utf8")) as { files: string[] };
    assert.equal(list.files.length, Number(m[1]));
    assert.ok(list.files.includes("models/spiral-seed0.json"));
    for (const f of list.files) assert.ok(existsSync(join(out, f)), f);
    assert.equal(existsSync(join(out, "summary.json")), false);
    const refused = await cli(["reproduce", "--quick", "--quiet", "--out", out]);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /folder is not empty .* add --force/);
    const again = await cli(["reproduce", "--quick", "--quiet", "--force", "--out", out]);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(existsSync(join(out, "incomplete.json")), false);
    assert.ok(existsSync(join(out, "summary.json")));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
