import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../src/cli/main.js";
import { readCheckpoint } from "../../src/node/checkpoint-file.js";

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "", stderr = "";
  const code = await runCli(args, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), isTTY: false, env: {} });
  return { code, stdout, stderr };
}

function tmp(): string {
  return mkdtempSync(join(tmpdir(), "dynaspin-rel-"));
}

const BASE: Record<string, string> = { task: "spiral", count: "300", epochs: "40", steps: "6", batch: "32", restarts: "2", seed: "3" };

/** `train` arguments: the small spiral run above with some flags changed or added. */
function small(over: Record<string, string> = {}): string[] {
  return ["train", ...Object.entries({ ...BASE, ...over }).flatMap(([k, v]) => [`--${k}`, v]), "--quiet"];
}
const SMALL = small();

test("the same train command twice writes byte-identical model.json and metrics.csv (wall times go to timing.csv)", async () => {
  const dir = tmp();
  try {
    const out = join(dir, "run");
    const bytes: Buffer[][] = [];
    for (let i = 0; i < 2; i++) {
      const r = await cli([...SMALL, "--out", out, "--checkpoint-every", "7"]);
      assert.equal(r.code, 0, r.stderr);
      bytes.push(["model.json", "metrics.csv", "checkpoint/checkpoint.json"].map((f) => readFileSync(join(out, f))));
      rmSync(out, { recursive: true });
    }
    assert.ok(bytes[0][0].equals(bytes[1][0]), "model.json differs");
    assert.ok(bytes[0][1].equals(bytes[1][1]), "metrics.csv differs");
    assert.match(bytes[0][1].toString(), /^epoch,lr,train_loss,train_accuracy,test_loss,test_accuracy\n1,/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a checkpoint is written after the restart selection and every N epochs, stale temporary files are removed, and timing.csv holds the wall times", async () => {
  const dir = tmp();
  try {
    const out = join(dir, "run");
    // What a process killed in the middle of a checkpoint write leaves behind.
    mkdirSync(join(dir, "ck"));
    writeFileSync(join(dir, "ck", ".checkpoint.json.999999999.3.tmp"), '{"format": "dynaspin.checkp');
    const r = await cli([...SMALL, "--out", out, "--checkpoint-every", "15", "--checkpoint-dir", join(dir, "ck")]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readCheckpoint(join(dir, "ck")).checkpoint.epochsDone, 30);
    assert.deepEqual(readdirSync(join(dir, "ck")), ["checkpoint.json", "history.jsonl"]);
    // Resuming that checkpoint (epoch 30 of 40) into another folder reproduces the model bytes.
    const resumed = await cli([...SMALL, "--out", join(dir, "again"), "--checkpoint-every", "15", "--checkpoint-dir", join(dir, "ck"), "--resume", join(dir, "ck"), "--json"]);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal((JSON.parse(resumed.stdout) as { resumedFrom: { epoch: number } }).resumedFrom.epoch, 30);
    assert.ok(readFileSync(join(out, "model.json")).equals(readFileSync(join(dir, "again", "model.json"))));
    assert.equal(existsSync(join(out, "checkpoint")), false);
    // With N beyond the run, the only checkpoint is the one after the restart trials (epochs/10 = 1).
    const once = await cli([...small({ epochs: "10" }), "--out", join(dir, "once"), "--checkpoint-every", "50"]);
    assert.equal(once.code, 0, once.stderr);
    const ck = readCheckpoint(join(dir, "once", "checkpoint")).checkpoint;
    assert.equal(ck.epochsDone, 1);
    assert.equal(ck.restarts.losses.length, 2);
    const timing = readFileSync(join(out, "timing.csv"), "utf8").trim().split("\n");
    assert.equal(timing[0], "epoch,seconds");
    assert.equal(timing.length, 41);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("resume refuses a checkpoint made with other options or data, and a folder without a checkpoint, with exit 2", async () => {
  const dir = tmp();
  try {
    const out = join(dir, "run");
    assert.equal((await cli([...small({ epochs: "10" }), "--out", out, "--checkpoint-every", "5"])).code, 0);
    const ck = join(out, "checkpoint");
    const steps = await cli([...small({ epochs: "10", steps: "4" }), "--out", out, "--resume", ck]);
    assert.equal(steps.code, 2);
    assert.match(steps.stderr, /^dynaspin: .*checkpoint\.json: the checkpoint was made with steps = 6, this run has steps = 4 \(--steps\); resume with the same training options: add --steps 6 to continue it as it was made\n$/);
    const data = await cli([...small({ epochs: "10", "data-seed": "1" }), "--out", out, "--resume", ck]);
    assert.equal(data.code, 2);
    assert.match(data.stderr, /made on other data/);
    // The run's output folder works as well as its checkpoint folder.
    const viaOut = await cli([...small({ epochs: "10" }), "--out", join(dir, "copy"), "--resume", out, "--json"]);
    assert.equal(viaOut.code, 0, viaOut.stderr);
    assert.equal((JSON.parse(viaOut.stdout) as { resumedFrom: { checkpoint: string } }).resumedFrom.checkpoint, join(ck, "checkpoint.json"));
    const none = await cli([...SMALL, "--out", out, "--resume", join(dir, "nothing-here")]);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /^dynaspin: --resume: no such checkpoint folder .*nothing-here/);
    // A truncated file (as a non-atomic writer would leave it) is one clear line, not a crash.
    const text = readFileSync(join(ck, "checkpoint.json"), "utf8");
    writeFileSync(join(dir, "cut.json"), text.slice(0, text.length >> 1));
    const cut = await cli([...SMALL, "--out", out, "--resume", join(dir, "cut.json")]);
    assert.equal(cut.code, 2);
    assert.match(cut.stderr, /^dynaspin: .*cut\.json: not valid JSON \(.*\)\n$/);
    writeFileSync(join(dir, "bad.json"), '{"format": "dynaspin.checkpoint", "version": 9}');
    const newer = await cli([...SMALL, "--out", out, "--resume", join(dir, "bad.json")]);
    assert.equal(newer.code, 2);
    assert.match(newer.stderr, /checkpoint version 9 is newer than this dynaspin supports \(\d+\); upgrade dynaspin/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("divergence stops training with exit 1 naming the epoch and optimiser step, keeps the last good checkpoint and writes no model", async () => {
  const dir = tmp();
  try {
    // A table curve continued linearly grows without bound, so a large learning rate blows the
    // dynamics up to Infinity within a few full-batch steps.
    const device = join(dir, "linear.json");
    writeFileSync(device, JSON.stringify({ model: "table", current: [0, 0.5, 1, 2, 3], power: [0, 0.01, 0.3, 1.5, 3], extrapolation: "linear" }));
    const out = join(dir, "run");
    const args = ["train", "--task", "spiral", "--count", "300", "--epochs", "30", "--restarts", "1", "--lr", "10", "--schedule", "constant", "--steps", "8", "--batch", "0", "--init-spread", "0.3", "--device", device, "--checkpoint-every", "1", "--quiet", "--out", out];
    const r = await cli(args);
    assert.equal(r.code, 1, r.stderr);
    const m = /^dynaspin: training diverged at epoch (\d+),.* optimiser step (\d+)\b.*; last good checkpoint kept: (.*checkpoint\.json) \(epoch (\d+)\)\n$/.exec(r.stderr);
    assert.ok(m, r.stderr);
    const [epoch, , path, kept] = [Number(m[1]), Number(m[2]), m[3], Number(m[4])];
    assert.equal(kept, epoch - 1);
    assert.equal(readCheckpoint(path).checkpoint.epochsDone, kept);
    assert.equal(existsSync(join(out, "model.json")), false);
    assert.equal(existsSync(join(out, "metrics.csv")), false);
    // Resuming from the kept checkpoint reproduces the same divergence, deterministically.
    const again = await cli([...args, "--resume", join(out, "checkpoint")]);
    assert.equal(again.code, 1);
    assert.equal(again.stderr, r.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
