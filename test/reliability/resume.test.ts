import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseCheckpointJson } from "../../src/train/checkpoint.js";
import { Rng } from "../../src/util/rng.js";

const ENTRY = fileURLToPath(new URL("./cli-entry.ts", import.meta.url));
// A small but not trivial spiral run (a few seconds), every option spelled out.
const FLAGS = ["train", "--task", "spiral", "--count", "1000", "--epochs", "400", "--steps", "6", "--batch", "64", "--lr", "0.01", "--restarts", "2", "--seed", "7", "--init-spread", "0.3", "--checkpoint-every", "10", "--quiet"];
const SEED = 20261129;

interface Watch {
  /** Checkpoint reads that parsed and validated. */
  reads: number;
  /** Reads that failed (a partial or corrupt file), with the error. */
  failures: string[];
  /** Distinct epochsDone values seen. */
  epochs: Set<number>;
}

function watchCheckpoint(path: string, watch: Watch): void {
  if (!existsSync(path)) return;
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    watch.failures.push(String(e));
    return;
  }
  try {
    watch.epochs.add(parseCheckpointJson(JSON.parse(text), path).epochsDone);
    watch.reads++;
  } catch (e) {
    watch.failures.push(`${(e as Error).message} (${text.length} bytes)`);
  }
}

/**
 * Runs the CLI in a child process, polling the checkpoint every few milliseconds;
 * `killWhen(watch)` returning a delay in ms schedules a SIGKILL that long after.
 */
function runChild(args: string[], checkpoint: string, killWhen?: (w: Watch) => number | null): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string; watch: Watch }> {
  const watch: Watch = { reads: 0, failures: [], epochs: new Set() };
  const child = spawn(process.execPath, ["--import", "tsx", ENTRY, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  child.stdout.resume();
  let scheduled = false;
  const timer = setInterval(() => {
    watchCheckpoint(checkpoint, watch);
    if (killWhen && !scheduled) {
      const delay = killWhen(watch);
      if (delay !== null) {
        scheduled = true;
        setTimeout(() => child.kill("SIGKILL"), delay);
      }
    }
  }, 5);
  return new Promise((resolve) => {
    child.on("exit", (code, signal) => {
      clearInterval(timer);
      resolve({ code, signal, stderr, watch });
    });
  });
}

test("training killed with SIGKILL at a random moment resumes to a model and metrics byte-identical to an uninterrupted run; checkpoints are never seen partial", async () => {
  const dir = mkdtempSync(join(tmpdir(), "dynaspin-resume-"));
  try {
    const out = join(dir, "run");
    const checkpoint = join(out, "checkpoint", "checkpoint.json");
    const reference = await runChild([...FLAGS, "--out", out], checkpoint);
    assert.equal(reference.code, 0, reference.stderr);
    assert.deepEqual(reference.watch.failures, []);
    renameSync(out, join(dir, "reference"));

    // Seeded kill moment: after observing 1-4 distinct checkpoints, wait 0-40 ms more.
    const rng = new Rng(SEED);
    const after = 1 + rng.int(4), delay = rng.uniform() * 40;
    const killed = await runChild([...FLAGS, "--out", out], checkpoint, (w) => (w.epochs.size >= after ? delay : null));
    assert.equal(killed.signal, "SIGKILL", `the run finished before the kill (seed ${SEED}); stderr: ${killed.stderr}`);
    assert.deepEqual(killed.watch.failures, [], "a reader saw a partial checkpoint");
    assert.ok(killed.watch.reads > 0);
    assert.equal(existsSync(join(out, "model.json")), false);
    const at = parseCheckpointJson(JSON.parse(readFileSync(checkpoint, "utf8")), checkpoint).epochsDone;
    assert.ok(at < 400, `checkpoint at epoch ${at}`);

    const resumed = await runChild([...FLAGS, "--out", out, "--resume", join(out, "checkpoint")], checkpoint);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.deepEqual(resumed.watch.failures, []);
    assert.deepEqual(readdirSync(join(out, "checkpoint")), ["checkpoint.json", "history.jsonl"]);
    for (const file of ["model.json", "metrics.csv"]) {
      const a = readFileSync(join(dir, "reference", file)), b = readFileSync(join(out, file));
      assert.ok(a.equals(b), `${file} differs after resuming from epoch ${at} (kill after ${after} checkpoints + ${delay.toFixed(1)} ms)`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
