// `train --out` into a folder that holds an earlier run: refused before any work (exit 2, one line)
// unless --force (the earlier run's files are replaced, the ones this run does not write removed,
// other files kept) or --resume; and the wall-time line whose parts add up.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cli, tmp } from "./helpers.js";
import { wallTimeLine } from "../../src/cli/commands/train.js";

const RUN = ["train", "--task", "spiral", "--count", "200", "--epochs", "20", "--restarts", "1", "--quiet"];

test("train refuses an --out folder holding an earlier run without --force, before any work; --force replaces exactly its files", { timeout: 120_000 }, async () => {
  const dir = tmp();
  try {
    const out = join(dir, "run");
    const first = await cli([...RUN, "--out", out, "--checkpoint-every", "10"]);
    assert.equal(first.code, 0, first.stderr);
    writeFileSync(join(out, "notes.txt"), "mine\n");
    const before = readFileSync(join(out, "model.json"), "utf8");
    const t0 = performance.now();
    const again = await cli([...RUN, "--seed", "3", "--out", out]);
    assert.equal(again.code, 2);
    assert.ok(performance.now() - t0 < 5000, "refused after the work, not before");
    assert.equal(again.stderr, `dynaspin: --out ${out}: holds an earlier training run (model.json, metrics.csv, timing.csv, checkpoint); choose a new folder, add --force to replace it, or --resume ${join(out, "checkpoint")} to continue it\n`);
    assert.equal(readFileSync(join(out, "model.json"), "utf8"), before);
    // --force: the new run's files replace the old; its stale checkpoint goes; other files stay.
    const forced = await cli([...RUN, "--seed", "3", "--out", out, "--force"]);
    assert.equal(forced.code, 0, forced.stderr);
    assert.notEqual(readFileSync(join(out, "model.json"), "utf8"), before);
    assert.equal(existsSync(join(out, "checkpoint")), false);
    assert.equal(readFileSync(join(out, "notes.txt"), "utf8"), "mine\n");
    // A failed run left model.failed.json: a forced successful run removes it (no mixed status).
    writeFileSync(join(out, "model.failed.json"), "{}");
    const ok = await cli([...RUN, "--out", out, "--force"]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(existsSync(join(out, "model.failed.json")), false);
    // A --checkpoint-dir elsewhere holding another run's checkpoint: refused the same way; --resume from it continues.
    const ck = join(dir, "ck");
    const a = await cli([...RUN, "--out", join(dir, "a"), "--checkpoint-every", "10", "--checkpoint-dir", ck]);
    assert.equal(a.code, 0, a.stderr);
    const b = await cli([...RUN, "--seed", "4", "--out", join(dir, "b"), "--checkpoint-every", "10", "--checkpoint-dir", ck]);
    assert.equal(b.code, 2);
    assert.equal(b.stderr, `dynaspin: --checkpoint-dir ${ck}: holds the checkpoint of an earlier run; choose another folder, add --force to replace it, or --resume ${ck} to continue it\n`);
    assert.equal(existsSync(join(dir, "b")), false);
    const c = await cli([...RUN, "--out", join(dir, "c"), "--checkpoint-every", "10", "--checkpoint-dir", ck, "--resume", ck]);
    assert.equal(c.code, 0, c.stderr);
    // A folder with only other files is not an earlier run.
    const other = join(dir, "other");
    mkdirSync(other);
    writeFileSync(join(other, "data.csv"), "x\n");
    const fresh = await cli([...RUN, "--out", other]);
    assert.equal(fresh.code, 0, fresh.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("train's wall-time line adds up: setup and restart trials, then the epochs run here with their time each", () => {
  // 200 epochs of which 20 were restart trials: 0.5 s before, 180 epochs in 0.1 s.
  assert.equal(
    wallTimeLine(0.6, 0.1, 20, 180, 0.0004),
    "wall time 0.6 s total: restart trials and setup 0.5 s (the kept run's epochs 1–20 among them), epochs 21–200 0.1 s (0.556 ms each, of which 0.4 ms training steps)",
  );
  // The per-epoch time is never more than the total allows (the old line said 0.1 ms per epoch for 200 epochs in 0.08 s).
  const line = wallTimeLine(0.08, 0.07, 0, 200, 0.0001);
  assert.match(line, /^wall time 0\.08 s total: setup 0\.01 s, epochs 1–200 0\.07 s \(0\.35 ms each, of which 0\.1 ms training steps\)$/);
  assert.match(wallTimeLine(1, 0.5, 300, 100, 0.004, true), /setup 0\.5 s \(resumed after epoch 300\), epochs 301–400/);
  // With the automatic weight decay the other candidate trains before the timed run: its own time,
  // and which of the two is the model kept.
  assert.equal(
    wallTimeLine(2, 0.5, 300, 1000, 0.0004, false, "λ 0 run", [{ what: "λ 0.3 candidate", seconds: 0.8, note: "not kept" }]),
    "wall time 2 s total: λ 0.3 candidate 0.8 s (not kept), restart trials and setup 0.7 s (the λ 0 run's epochs 1–300 among them), epochs 301–1300 of the λ 0 run 0.5 s (0.5 ms each, of which 0.4 ms training steps)",
  );
});
