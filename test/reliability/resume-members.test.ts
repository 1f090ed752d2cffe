/**
 * `dynaspin train` with a cross-validation ensemble (--members, docs/training.md): the flag's bad
 * values are refused in one line (exit 2); the run says it is an ensemble of 3 in its output, its
 * --json and its model file, and `eval` reads the merged model as any other; checkpoints (version 4)
 * record the member they hold and the finished ones, so a run interrupted in any member (Ctrl-C:
 * exit 130) or resumed from any checkpoint ends with the bits of the uninterrupted run; a
 * checkpoint of one network (every older version) still resumes as one network.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cli, tmp, interruptChild } from "./helpers.js";
import { CHECKPOINT_VERSION } from "../../src/index.js";

// 320 training rows on the automatic budget: 3 members by default (a short budget keeps it quick).
const RUN = ["train", "--task", "circles", "--count", "400", "--noise", "0.1", "--updates", "600", "--seed", "3"];
const JSON_RUN = [...RUN, "--json"];

/** A model file's text without the command line (a resume's differs by its --resume). */
const model = (dir: string): string => readFileSync(join(dir, "model.json"), "utf8").replace(/"command": ".*"/, "");

test("--members: a bad value is one line and exit 2, before any work", async () => {
  for (const v of ["0", "21", "x", "2.5", "-1"]) {
    const r = await cli(["train", "--task", "circles", "--members", v, "--out", join(tmp(), "o")]);
    assert.equal(r.code, 2, `${v}: ${r.stderr}`);
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`--members ${v.replace(".", "\\.")}: expected auto or a whole number of networks 1\\.\\.20`));
  }
});

test("an ensemble run: reported in the output, --json and model file; eval reads its merged model; checkpoints resume in every member with the same bits", { timeout: 600_000 }, async () => {
  const dir = tmp();
  const whole = await cli([...JSON_RUN, "--out", join(dir, "whole")]);
  assert.equal(whole.code, 0, whole.stderr);
  const summary = JSON.parse(whole.stdout.trim().split("\n").at(-1)!);
  assert.equal(summary.ensemble.members.length, 3);
  assert.equal(summary.k, 24, "three members of 8 oscillators side by side");
  const file = JSON.parse(readFileSync(join(dir, "whole", "model.json"), "utf8"));
  assert.equal(file.training.ensemble.members, 3);
  assert.equal(file.training.ensemble.folds.length, 3);
  assert.equal(file.training.testAccuracy, summary.testAccuracy, "the record's test accuracy is the merged model's");
  const ev = await cli(["eval", "--model", join(dir, "whole", "model.json"), "--task", "circles", "--count", "400", "--noise", "0.1", "--json"]);
  assert.equal(ev.code, 0, ev.stderr);
  assert.equal(JSON.parse(ev.stdout.trim().split("\n").at(-1)!).accuracy, summary.testAccuracy, "eval scores the merged model as train printed it");
  const reference = model(join(dir, "whole"));
  // The text output names the ensemble and each member's fold score.
  const text = await cli([...RUN, "--quiet", "--out", join(dir, "text")]);
  assert.match(text.stdout, /k=24 \(3 members of 8: 2 features \+ 6 extra\)/);
  assert.match(text.stdout, /ensemble of 3 networks \(cross-validation bagging; the model averages their logits\): validation accuracy on each member's own fold [\d.]+ %, [\d.]+ %, [\d.]+ % \(\d+, \d+, \d+ rows/);
  assert.ok(model(join(dir, "text")) === reference, "the same model");

  // Checkpoints every 100 epochs: the last one is the last member's, with the two finished members.
  const out = join(dir, "ck");
  const first = await cli([...JSON_RUN, "--checkpoint-every", "100", "--out", out]);
  assert.equal(first.code, 0, first.stderr);
  assert.ok(model(out) === reference, "checkpointing changes nothing");
  const ck = JSON.parse(readFileSync(join(out, "checkpoint", "checkpoint.json"), "utf8"));
  assert.equal(ck.version, CHECKPOINT_VERSION);
  assert.equal(ck.ensemble.count, 3);
  assert.equal(ck.ensemble.member, 2);
  assert.equal(ck.ensemble.finished.length, 2);
  const again = await cli([...JSON_RUN, "--out", join(dir, "resumed"), "--resume", join(out, "checkpoint")]);
  assert.equal(again.code, 0, again.stderr);
  assert.ok(model(join(dir, "resumed")) === reference, "resumed in the last member");
  // --members that contradicts the checkpoint is refused.
  const other = await cli([...JSON_RUN, "--members", "1", "--out", join(dir, "other"), "--resume", join(out, "checkpoint")]);
  assert.equal(other.code, 2, other.stderr);
  assert.match(other.stderr, /--members 1: the checkpoint .* was made by a run of 3 members; resume with --members 3/);

  // Ctrl-C in member 2 (a checkpoint of its run) and in member 1 without checkpoints (nothing written).
  const sig = join(dir, "sigint");
  const args = [...RUN, "--checkpoint-every", "20", "--out", sig];
  const r = await interruptChild(args, /train circles member 2\/3: [1-9]\d*\//, { guardMs: 120_000 });
  assert.equal(r.code, 130, r.stderr);
  const inMember2 = /interrupted \(SIGINT\) after epoch \d+ of \d+ of ensemble member 2 of 3; checkpoint kept: .* \(member 2 of 3, epoch \d+\); resume with: .*--resume/.test(r.stderr);
  // (The signal can arrive in member 2's restart trials, which are not checkpointed: the last
  // checkpoint is then member 1's; or, on a quiet machine, after member 2 ended. Either way a
  // checkpoint is kept, named with its member, and resuming it ends with the same bits.)
  assert.ok(inMember2 || /interrupted \(SIGINT\) .*; checkpoint kept: .* \(member [123] of 3, epoch \d+\); resume with: .*--resume/.test(r.stderr), r.stderr);
  const mid = JSON.parse(readFileSync(join(sig, "checkpoint", "checkpoint.json"), "utf8"));
  if (inMember2) assert.equal(mid.ensemble.member, 1);
  const cont = await cli([...args, "--json", "--resume", join(sig, "checkpoint")]);
  assert.equal(cont.code, 0, cont.stderr);
  assert.ok(model(sig) === reference, "interrupted in member 2 and continued");
  const plain = join(dir, "plain");
  const p = await interruptChild([...RUN, "--out", plain], /train circles member 1\/3: [1-9]\d*\//, { guardMs: 120_000 });
  assert.equal(p.code, 130, p.stderr);
  // (Whichever phase the signal reaches: one line, and no model written without checkpoints. On a
  // quiet machine the whole run can end before the signal arrives; after training the process-wide
  // handler says the bare line, and model.json is still not there.)
  assert.match(p.stderr, /dynaspin: interrupted \(SIGINT\)( [^\n]*(nothing was written|no checkpoint)[^\n]*)?\n$/);
  assert.ok(!existsSync(join(plain, "model.json")));
});

test("a checkpoint of one network (version 3, no ensemble record) resumes as one network", { timeout: 300_000 }, async () => {
  const dir = tmp();
  const single = join(dir, "single");
  const one = await cli([...JSON_RUN, "--members", "1", "--checkpoint-every", "100", "--out", single]);
  assert.equal(one.code, 0, one.stderr);
  const reference = model(single);
  const old = join(dir, "old");
  cpSync(join(single, "checkpoint"), join(old, "checkpoint"), { recursive: true });
  const ck = JSON.parse(readFileSync(join(old, "checkpoint", "checkpoint.json"), "utf8"));
  assert.equal(ck.ensemble, undefined);
  writeFileSync(join(old, "checkpoint", "checkpoint.json"), JSON.stringify({ ...ck, version: 3 }));
  // Without --members: the checkpoint's single network, not today's default ensemble.
  const resumed = await cli([...JSON_RUN, "--out", old, "--resume", join(old, "checkpoint")]);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.equal(JSON.parse(resumed.stdout.trim().split("\n").at(-1)!).ensemble, null);
  assert.ok(model(old) === reference, "the same model");
});
