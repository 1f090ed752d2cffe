import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { cli, tmp, interruptChild } from "./helpers.js";
import { readCheckpoint } from "../../src/node/checkpoint-file.js";
import { Rng } from "../../src/util/rng.js";

const RUN = ["train", "--task", "spiral", "--count", "300", "--epochs", "20000", "--steps", "6", "--batch", "32", "--restarts", "1", "--seed", "5"];

test("SIGINT and SIGTERM during training save a final checkpoint, say how to resume and exit 130 / 143; the resumed run ends bit-identical to an uninterrupted one", { timeout: 180_000 }, async () => {
  const dir = tmp();
  try {
    const whole = await cli([...RUN, "--quiet", "--out", join(dir, "whole")]);
    assert.equal(whole.code, 0, whole.stderr);
    const rng = new Rng(20261204);
    for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
      const out = join(dir, signal);
      // At a random moment after the epochs began (progress lines appear within a second).
      const r = await interruptChild([...RUN, "--out", out, "--checkpoint-every", "400"], /train spiral: \d+\/20000/, { signal, delayMs: Math.floor(rng.uniform() * 400) });
      assert.equal(r.code, code, r.stderr);
      assert.ok(r.ms < 2000, `took ${r.ms.toFixed(0)} ms to stop`);
      const m = new RegExp(`dynaspin: interrupted \\(${signal}\\) after epoch (\\d+) of 20000; checkpoint kept: (\\S+) \\(epoch (\\d+)\\); resume with: (.+)`).exec(r.stderr);
      assert.ok(m, r.stderr);
      assert.equal(m[1], m[3]);
      assert.doesNotMatch(r.stderr, /\n\s+at /);
      const ck = readCheckpoint(m[2]).checkpoint;
      assert.equal(ck.epochsDone, Number(m[1]));
      assert.deepEqual(readdirSync(join(out, "checkpoint")).filter((f) => f.endsWith(".tmp")), []);
      assert.equal(existsSync(join(out, "model.json")), false);
      assert.match(m[4], /--resume \S+checkpoint$/);
      const resumed = await cli([...RUN, "--quiet", "--out", out, "--checkpoint-every", "400", "--resume", join(out, "checkpoint")]);
      assert.equal(resumed.code, 0, resumed.stderr);
      assert.ok(readFileSync(join(out, "model.json")).equals(readFileSync(join(dir, "whole", "model.json"))) || sameParameters(join(out, "model.json"), join(dir, "whole", "model.json")), `${signal}: resumed model differs`);
    }
    // Without checkpoints: nothing is written, and the message says so.
    const bare = await interruptChild([...RUN, "--out", join(dir, "bare")], /train spiral: \d+\/20000/, { signal: "SIGINT", delayMs: 50 });
    assert.equal(bare.code, 130);
    assert.match(bare.stderr, /interrupted \(SIGINT\) after epoch \d+ of 20000; nothing was written \(train with --checkpoint-every N/);
    assert.equal(existsSync(join(dir, "bare")), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** The model files agree in everything but the recorded command line. */
function sameParameters(a: string, b: string): boolean {
  const strip = (p: string) => {
    const j = JSON.parse(readFileSync(p, "utf8")) as { training?: Record<string, unknown> };
    if (j.training) delete j.training.command;
    return JSON.stringify(j);
  };
  return strip(a) === strip(b);
}

test("the restart trials show progress at once, and an interrupt there says that nothing was kept", { timeout: 60_000 }, async () => {
  const dir = tmp();
  try {
    const args = ["train", "--task", "spiral", "--count", "300", "--epochs", "30000", "--restarts", "4", "--out", join(dir, "run"), "--checkpoint-every", "100"];
    const t0 = performance.now();
    const r = await interruptChild(args, /train spiral restarts: 0\/12000 restart 1 of 4/, { signal: "SIGINT", delayMs: 200 });
    assert.ok(performance.now() - t0 < 30_000);
    assert.equal(r.code, 130, r.stderr);
    assert.match(r.stderr, /interrupted \(SIGINT\) during the restart trials \(restart \d of 4\); no checkpoint yet/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
