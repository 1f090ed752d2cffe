import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { cli, tmp } from "./helpers.js";
import { TrainingRun, resolveTrainOptions, trainingFailureForTest } from "./failed-training-helpers.js";
import { makeSpiral } from "../../src/data/spiral.js";
import { createModel } from "../../src/network/model.js";
import { eq4 } from "../../src/device/analytic.js";
import { ComputationError } from "../../src/util/errors.js";

test("a training that learned nothing (loss above ln C) exits 1 with a hint and keeps its files as model.failed.json", async () => {
  const dir = tmp();
  try {
    const out = join(dir, "run");
    const r = await cli(["train", "--task", "digits", "--lr", "100", "--schedule", "constant", "--epochs", "5", "--quiet", "--out", out, "--json"]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /^dynaspin: training failed: final training loss [\d.e+]+ is no better than chance \(ln 10 = 2\.3026\); try a smaller --lr \(now 100\) or --schedule cosine/);
    assert.equal(r.stderr.trim().split("\n").length, 1);
    assert.equal((JSON.parse(r.stdout) as { status: string }).status, "failed");
    assert.equal(existsSync(join(out, "model.json")), false, "a failed run must not leave model.json");
    assert.ok(existsSync(join(out, "model.failed.json")));
    assert.ok(readFileSync(join(out, "metrics.csv"), "utf8").startsWith("epoch,"));
    const ok = await cli(["train", "--task", "spiral", "--count", "200", "--epochs", "60", "--restarts", "1", "--quiet", "--out", join(dir, "ok")]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.ok(existsSync(join(dir, "ok", "model.json")));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the failure rule: no better than ln C, or than the first epoch", () => {
  const o = resolveTrainOptions({ lr: 0.01, epochs: 10, schedule: "cosine" });
  const h = (losses: number[]) => losses.map((trainLoss, i) => ({ epoch: i + 1, lr: 0.01, trainLoss, trainAccuracy: 0, testLoss: NaN, testAccuracy: NaN, seconds: 0 }));
  assert.equal(trainingFailureForTest(h([0.6, 0.3]), 0.3, 2, o), null);
  assert.match(trainingFailureForTest(h([0.6, 0.7]), 0.7, 2, o) ?? "", /no better than chance \(ln 2 = 0\.6931\)/);
  assert.match(trainingFailureForTest(h([0.4, 0.5]), 0.5, 2, o) ?? "", /no better than after the first epoch \(0\.4000\)/);
  assert.equal(trainingFailureForTest(h([0.4]), 0.4, 2, o), null);
  // A depth curriculum's deep network starts trained: it is judged against the shallow network's first epoch.
  assert.equal(trainingFailureForTest(h([0.10, 0.12]), 0.11, 2, o, 0.6), null);
  assert.match(trainingFailureForTest(h([0.10, 0.12]), 0.11, 2, o, 0.11) ?? "", /no better than after the first epoch \(0\.1100\)/);
  assert.equal(trainingFailureForTest(h([0.4]), 0.5, 2, o, 0.6), null);
});

test("an epoch that throws leaves the model's devices as they were (variation-aware training swaps them per batch)", () => {
  const ds = makeSpiral({ count: 64, seed: 1 });
  const base = eq4();
  const model = createModel(2, 3, 2, base);
  const o = resolveTrainOptions({ steps: 3, epochs: 5, batchSize: 64, lr: 0.01, variation: { params: ["a"], sigma: 0.3 } });
  const run = new TrainingRun(model, ds, o, 1, undefined);
  const before = model.devices.slice();
  // A non-finite input makes the batch loss NaN: the epoch throws after the devices were drawn.
  ds.x[10] = NaN;
  let threw = false;
  for (let e = 0; e < 5 && !threw; e++) {
    try {
      run.epoch();
    } catch (err) {
      assert.ok(err instanceof ComputationError, String(err));
      threw = true;
    }
  }
  assert.ok(threw, "expected the run to diverge");
  assert.deepEqual(model.devices, before);
  assert.ok(model.devices.every((d) => d === base));
});
