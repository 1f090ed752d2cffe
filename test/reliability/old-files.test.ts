/**
 * Files written by an older dynaspin (test/reliability/fixtures/d67e620, made by that commit: see its
 * README): its model file still loads and scores the same, and its checkpoints either resume to the
 * older run's exact result or are refused with a clear message — never continued differently.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { cli } from "../helpers/cli.js";
import { OPTIONS_BEFORE, parseCheckpointJson } from "../../src/train/checkpoint.js";
import { planTraining } from "../../src/train/train.js";
import { loadCsvDataset } from "../../src/node/csv-file.js";
import { stratifiedSplit } from "../../src/data/split.js";

const FIXTURES = fileURLToPath(new URL("./fixtures/d67e620/", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "dynaspin-oldfiles-"));
test.after(() => rmSync(dir, { recursive: true, force: true }));
cpSync(FIXTURES, join(dir, "old"), { recursive: true });
const old = (p: string) => join(dir, "old", p);

/** The flags the older run was made with (its README), with a fresh --out. */
const runFlags = (out: string, device?: string) => ["train", "--data", old("blobs.csv"), ...(device ? ["--device", device] : []), "--updates", "130", "--checkpoint-every", "100", "--out", join(dir, out), "--quiet", "--json"];

type Params = Record<"A" | "B" | "W" | "c", unknown>;
const params = (path: string): Params => {
  const m = JSON.parse(readFileSync(path, "utf8")) as Params;
  return { A: m.A, B: m.B, W: m.W, c: m.c };
};

test("every training option the older checkpoint does not record has a row in OPTIONS_BEFORE (what a run did before it existed)", () => {
  const ckpt = parseCheckpointJson(JSON.parse(readFileSync(old("eq4/checkpoint/checkpoint.json"), "utf8")), "checkpoint.json");
  const ds = loadCsvDataset(old("blobs.csv"));
  const now = planTraining({}, stratifiedSplit(ds, 0, 0.2).train).options;
  const rows = new Set(OPTIONS_BEFORE.map((r) => r.key));
  const missing = Object.keys(now).filter((k) => !(k in ckpt.options) && !rows.has(k as keyof typeof now));
  assert.deepEqual(missing, [], `a new training option needs a row in OPTIONS_BEFORE (src/train/checkpoint.ts): ${missing.join(", ")}`);
});

test("a checkpoint from before the input-noise default resumes to the older run's exact final model, once told the noise it was made with", async () => {
  // The same command as the older run: the default input noise has changed since (0 -> 0.06), and the resume says how to continue as made.
  const refused = await cli(...runFlags("same-flags"), "--resume", old("eq4/checkpoint"));
  assert.equal(refused.code, 2, refused.err);
  assert.match(refused.err, /^dynaspin: .*checkpoint\.json: the checkpoint was made with inputNoise = 0, this run has inputNoise = 0\.06 \(--input-noise\); resume with the same training options: add --input-noise 0 to continue it as it was made\n$/);
  assert.equal(existsSync(join(dir, "same-flags", "model.json")), false);
  const r = await cli(...runFlags("resumed"), "--input-noise", "0", "--resume", old("eq4/checkpoint"));
  assert.equal(r.code, 0, r.err);
  const s = JSON.parse(r.out) as { resumedFrom: { epoch: number }; epochs: number };
  assert.equal(s.resumedFrom.epoch, 100);
  assert.equal(s.epochs, 130);
  // Options that did not exist then (fanInReference, minPatience) continue as they were (OPTIONS_BEFORE), so the bits are the older run's.
  assert.deepEqual(params(join(dir, "resumed", "model.json")), params(old("eq4/model.json")));
  const rec = JSON.parse(readFileSync(join(dir, "resumed", "model.json"), "utf8")) as { training: { options: Record<string, unknown> } };
  assert.equal(rec.training.options.fanInReference, 0, "the record says what the run did");
});

test("a checkpoint from before the per-run Adam ε on a device in mA/nW is refused (this version would continue it differently), nothing written", async () => {
  const r = await cli(...runFlags("mA"), "--input-noise", "0", "--resume", old("mA/checkpoint"), "--device", old("dev_mA_nW.json"));
  assert.equal(r.code, 2, r.err);
  assert.equal(r.err.split("\n").length, 2, r.err);
  assert.match(r.err, /^dynaspin: .*mA\/checkpoint\/checkpoint\.json: the checkpoint was written by an older dynaspin, whose Adam added its ε in the device's own units; .* continues the run differently; finish it with the dynaspin that wrote it, or train anew\n$/);
  assert.equal(existsSync(join(dir, "mA")), false);
  // The refusal comes before the options' check (no flag can make it resume).
  const r2 = await cli(...runFlags("mA2"), "--resume", old("mA/checkpoint"), "--device", old("dev_mA_nW.json"));
  assert.match(r2.err, /whose Adam added its ε in the device's own units/);
});

test("a model file written by the older version loads and scores exactly as that version scored it", async () => {
  const was = JSON.parse(readFileSync(old("eq4/eval.json"), "utf8")) as { split: string; samples: number; accuracy: number; loss: number };
  const e = await cli("eval", "--model", old("eq4/model.json"), "--data", old("blobs.csv"), "--json");
  assert.equal(e.code, 0, e.err);
  const now = JSON.parse(e.out) as typeof was;
  assert.deepEqual({ split: now.split, samples: now.samples, accuracy: now.accuracy, loss: now.loss }, { split: was.split, samples: was.samples, accuracy: was.accuracy, loss: was.loss });
  // And predicts rows (the label carried along as an id): the classes eval scored.
  const p = await cli("predict", "--model", old("eq4/model.json"), "--data", old("blobs.csv"), "--id-column", "label", "--out", join(dir, "pred.csv"));
  assert.equal(p.code, 0, p.err);
  assert.equal(readFileSync(join(dir, "pred.csv"), "utf8").trim().split("\n").length, 61);
});
