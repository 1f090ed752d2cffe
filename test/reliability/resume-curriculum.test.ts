/**
 * A depth curriculum interrupted and resumed decides as the uninterrupted run: the checkpoint
 * (version 3) keeps the starter network's record (its first-epoch training loss is the deep run's
 * "learned nothing" baseline), so the resumed run ends with the same bits, the same verdict and the
 * same exit code, whichever phase the interruption came in. Older checkpoints (no record) still
 * resume, judged by the chance test only, as the version that wrote them judged them.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cli, tmp, interruptChild } from "./helpers.js";
import { CHECKPOINT_VERSION } from "../../src/index.js";

// 48 steps on the automatic budget: a 4-step starter network (with its own λ 0.3 candidate) first.
const RUN = ["train", "--task", "circles", "--count", "400", "--noise", "0.1", "--steps", "48", "--seed", "2"];
/** The same run, its summary as JSON on stdout (no progress lines). */
const JSON_RUN = [...RUN, "--json"];

/** A model file's text without the command line (a resume's differs by its --resume). */
const model = (dir: string, name = "model.json"): string => readFileSync(join(dir, name), "utf8").replace(/"command": ".*"/, "");
const status = (stdout: string): unknown => JSON.parse(stdout.trim().split("\n").at(-1)!).status;

test("a depth curriculum resumed from any phase ends as the uninterrupted run: same bits, same verdict, same exit code", { timeout: 300_000 }, async () => {
  const dir = tmp();
  const whole = await cli([...JSON_RUN, "--out", join(dir, "whole")]);
  assert.equal(whole.code, 0, whole.stderr);
  const reference = model(join(dir, "whole"));
  // Checkpoints of the deep run at several epochs: right after it starts (only the first is kept
  // when N exceeds its epochs) and later ones; each resumed in a folder of its own.
  for (const every of ["100000", "37", "150"]) {
    const out = join(dir, `every-${every}`);
    const first = await cli([...JSON_RUN, "--checkpoint-every", every, "--out", out]);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(model(out), reference, `--checkpoint-every ${every}: the checkpointed run`);
    const ck = JSON.parse(readFileSync(join(out, "checkpoint", "checkpoint.json"), "utf8"));
    assert.equal(ck.version, CHECKPOINT_VERSION);
    assert.equal(ck.curriculum.steps, 4, "the checkpoint keeps the starter network's record");
    assert.ok(ck.curriculum.firstTrainLoss > ck.curriculum.trainLoss, JSON.stringify(ck.curriculum));
    const resumedDir = join(dir, `resumed-${every}`);
    const again = await cli([...JSON_RUN, "--out", resumedDir, "--resume", join(out, "checkpoint")]);
    assert.equal(again.code, whole.code, again.stderr);
    assert.equal(status(again.stdout), status(whole.stdout));
    assert.equal(model(resumedDir), reference, `resumed from the checkpoint at epoch ${ck.epochsDone}`);
  }
  // Ctrl-C in each phase: the starter's λ candidate and the starter itself (nothing written: the
  // same command trains anew), and the deep run (a final checkpoint; --resume continues it).
  for (const [phase, when] of [
    ["the starter's λ 0.3 candidate", /train circles 4-step λ 0\.3 candidate: \d+/],
    ["the starter network", /train circles 4-step network: \d+/],
    ["the deep run", /train circles: \d+\/\d+/],
  ] as const) {
    const out = join(dir, `sigint-${phase.split(" ").at(-1)}`);
    const args = [...RUN, "--checkpoint-every", "25", "--out", out];
    const r = await interruptChild(args, when, { guardMs: 120_000 });
    assert.equal(r.code, 130, `${phase}: ${r.stderr}`);
    // A signal sent on a short phase's progress line can arrive after that phase ended (a quiet
    // machine trains the starter in under a second): the run is then interrupted in a later phase
    // and must behave as that phase does.
    const deep = phase === "the deep run" || /interrupted \(SIGINT\) after epoch \d+ of \d+; checkpoint kept/.test(r.stderr);
    assert.match(r.stderr, deep ? /interrupted \(SIGINT\) after epoch \d+ of \d+; checkpoint kept/ : /interrupted \(SIGINT\) while training the 4-step network.* \(before the run itself\); nothing was written/, phase);
    const again = await cli([...(deep ? [...args, "--resume", join(out, "checkpoint")] : args), "--json"]);
    assert.equal(again.code, whole.code, `${phase}: ${again.stderr}`);
    assert.equal(status(again.stdout), status(whole.stdout), phase);
    assert.equal(model(out), reference, `${phase}: interrupted and continued`);
  }
});

test("the resumed deep run's verdict uses the checkpoint's starter record; a checkpoint without one (older versions) is judged by the chance test", { timeout: 120_000 }, async () => {
  const dir = tmp();
  const out = join(dir, "run");
  const first = await cli([...JSON_RUN, "--checkpoint-every", "100000", "--out", out]);
  assert.equal(first.code, 0, first.stderr);
  const reference = model(out);
  const file = join(out, "checkpoint", "checkpoint.json");
  const ck = JSON.parse(readFileSync(file, "utf8"));
  // A baseline no run can beat: the resumed run must fail by it (exit 1, model.failed.json).
  const strict = join(dir, "strict");
  cpSync(join(out, "checkpoint"), join(strict, "checkpoint"), { recursive: true });
  writeFileSync(join(strict, "checkpoint", "checkpoint.json"), JSON.stringify({ ...ck, curriculum: { ...ck.curriculum, firstTrainLoss: 1e-6 } }));
  const failed = await cli([...JSON_RUN, "--out", strict, "--resume", join(strict, "checkpoint")]);
  assert.equal(failed.code, 1, failed.stderr);
  assert.match(failed.stderr, /training failed: final training loss \S+ is no better than after the first epoch \(0\.000001000\)/);
  assert.ok(existsSync(join(strict, "model.failed.json")) && !existsSync(join(strict, "model.json")));
  // A version-2 checkpoint (before the record existed) resumes to the same bits; chance test only.
  const old = join(dir, "old");
  cpSync(join(out, "checkpoint"), join(old, "checkpoint"), { recursive: true });
  const { curriculum: _c, ...v2 } = ck;
  writeFileSync(join(old, "checkpoint", "checkpoint.json"), JSON.stringify({ ...v2, version: 2 }));
  const resumed = await cli([...JSON_RUN, "--out", old, "--resume", join(old, "checkpoint")]);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.equal(model(old), reference);
  // A checkpoint that claims a record in a malformed shape is refused naming the field.
  const bad = join(dir, "bad");
  cpSync(join(out, "checkpoint"), join(bad, "checkpoint"), { recursive: true });
  writeFileSync(join(bad, "checkpoint", "checkpoint.json"), JSON.stringify({ ...ck, curriculum: { steps: 4, firstTrainLoss: "0.6" } }));
  const refused = await cli([...JSON_RUN, "--out", join(dir, "bad-out"), "--resume", join(bad, "checkpoint")]);
  assert.equal(refused.code, 2, refused.stderr);
  assert.match(refused.stderr, /checkpoint\.json: curriculum/);
});
