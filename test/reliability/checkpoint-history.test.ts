import { test } from "node:test";
import assert from "node:assert/strict";
import { appendFileSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cli, tmp } from "./helpers.js";
import { readCheckpoint, HISTORY_FILE } from "../../src/node/checkpoint-file.js";
import { CHECKPOINT_VERSION } from "../../src/train/checkpoint.js";

const RUN = ["train", "--task", "spiral", "--count", "200", "--steps", "4", "--batch", "0", "--restarts", "1", "--seed", "2", "--quiet"];

test("checkpoints keep their size as the history grows: the per-epoch history is appended beside them, and a torn last line is ignored", { timeout: 120_000 }, async () => {
  const dir = tmp();
  try {
    const ck = join(dir, "ck");
    const short = await cli([...RUN, "--epochs", "100", "--checkpoint-every", "50", "--checkpoint-dir", join(dir, "ck-short"), "--out", join(dir, "short")]);
    assert.equal(short.code, 0, short.stderr);
    const long = await cli([...RUN, "--epochs", "3000", "--checkpoint-every", "50", "--checkpoint-dir", ck, "--out", join(dir, "long")]);
    assert.equal(long.code, 0, long.stderr);
    const small = statSync(join(dir, "ck-short", "checkpoint.json")).size, big = statSync(join(ck, "checkpoint.json")).size;
    // The same state either way (a few digits of difference), not 30 times the history.
    assert.ok(Math.abs(big - small) < 0.05 * small, `checkpoint ${small} B after 100 epochs, ${big} B after 3000`);
    const lines = readFileSync(join(ck, HISTORY_FILE), "utf8").trim().split("\n");
    assert.equal(lines.length, 3000);
    assert.equal((JSON.parse(lines[2999]) as { epoch: number }).epoch, 3000);
    const c = readCheckpoint(ck).checkpoint;
    assert.equal(c.history?.length, 3000);
    // A process killed between appending and renaming the checkpoint leaves extra (even torn) lines: ignored.
    appendFileSync(join(ck, HISTORY_FILE), '{"epoch":3001,"lr":0.01,"trainLoss":0.1,"trainAcc');
    assert.equal(readCheckpoint(ck).checkpoint.history?.length, 3000);
    // A history file shorter than the checkpoint is refused by name.
    writeFileSync(join(ck, HISTORY_FILE), lines.slice(0, 10).join("\n") + "\n");
    assert.throws(() => readCheckpoint(ck), /history\.jsonl: has 10 complete lines, the checkpoint needs 3000/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a version 1 checkpoint (history inline) still resumes, and the resumed run writes the current layout (version 2 on: history beside it)", { timeout: 120_000 }, async () => {
  const dir = tmp();
  try {
    const ck = join(dir, "ck");
    const first = await cli([...RUN, "--epochs", "50", "--checkpoint-every", "20", "--checkpoint-dir", ck, "--out", join(dir, "a")]);
    assert.equal(first.code, 0, first.stderr);
    const { checkpoint } = readCheckpoint(ck);
    const v1 = { ...checkpoint, version: 1 };
    writeFileSync(join(dir, "v1.json"), JSON.stringify(v1));
    assert.equal(checkpoint.epochsDone, 40);
    const resumed = await cli([...RUN, "--epochs", "50", "--checkpoint-every", "5", "--checkpoint-dir", join(dir, "ck2"), "--resume", join(dir, "v1.json"), "--out", join(dir, "b")]);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal(readCheckpoint(join(dir, "ck2")).checkpoint.history?.length, 50);
    assert.equal(readCheckpoint(join(dir, "ck2")).checkpoint.version, CHECKPOINT_VERSION);
    // The resumed run continues bit for bit: the same metrics as the run that was never stopped.
    assert.ok(readFileSync(join(dir, "a", "metrics.csv")).equals(readFileSync(join(dir, "b", "metrics.csv"))));
    const noHistory = { ...checkpoint, version: 1 } as Record<string, unknown>;
    delete noHistory.history;
    writeFileSync(join(dir, "bad.json"), JSON.stringify(noHistory));
    const bad = await cli([...RUN, "--epochs", "50", "--resume", join(dir, "bad.json"), "--out", join(dir, "c")]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /bad\.json: missing field history/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
