import { test } from "node:test";
import assert from "node:assert/strict";
import { createEngine32 } from "../../src/network/engine.js";
import { createModel, createGradients, type Model } from "../../src/network/model.js";
import { createWorkspace, gatherColumns, forward, softmaxCrossEntropy, backward, eq4DriveParams } from "../../src/network/dynamics.js";
import { chunkPlan, chunkStart, writeSlot, reduceSlots, slotWidth, engineBatchGradients } from "../../src/train/chunks.js";
import { TrainingRun, resolveTrainOptions, train } from "../../src/train/train.js";
import { eq3, eq4 } from "../../src/device/analytic.js";
import { makeSpiral } from "../../src/data/spiral.js";
import { stratifiedSplit, fitNormalization } from "../../src/data/split.js";
import { InputError } from "../../src/util/errors.js";
import { runCli } from "../../src/cli/main.js";
import { Rng } from "../../src/util/rng.js";
import { randomEq4Model } from "../helpers/random-model.js";
import { conformanceCases, largeConformanceCases } from "../helpers/conformance.js";
import { mkdtempSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const randomModel = randomEq4Model;

/** Float64 reference: ∂(mean loss), summed loss and correct count of nb samples by the plain adjoint. */
function reference(m: Model, X: Float64Array, y: Int32Array, nb: number) {
  const ws = createWorkspace(m.k, m.steps, m.classes, nb);
  ws.P[0].set(X.subarray(0, m.k * nb));
  forward(m, ws, nb, true);
  const out = { loss: 0, correct: 0 };
  softmaxCrossEntropy(ws, m.classes, nb, y, 0, 1 / nb, out);
  const g = createGradients(m);
  backward(m, ws, nb, g);
  return { g: [...g.A, ...g.B, ...g.W, ...g.c], ...out };
}

test("the float32 engine's batch gradient, loss and accuracy agree with the float64 adjoint to float32 rounding on the shared cases (odd sizes, several chunks, physical units, up to 150 oscillators)", () => {
  for (const c of [...conformanceCases().filter((x) => x.eq4Only), ...largeConformanceCases()]) {
    const { k, steps, classes, n: nb, model: m, p0: X, y } = c;
    const ref = reference(m, X, y, nb);
    const en = createEngine32(k, steps, classes, Math.min(nb, 128), nb);
    assert.ok(en !== null, "WebAssembly SIMD is available in Node 20");
    en.X.set(X);
    en.y.set(y);
    const g = createGradients(m);
    const out = { loss: 0, correct: 0 };
    assert.ok(engineBatchGradients(m, en, nb, g, out));
    const got = [...g.A, ...g.B, ...g.W, ...g.c];
    let num = 0, den = 0;
    for (let e = 0; e < got.length; e++) {
      num += (got[e] - ref.g[e]) ** 2;
      den += ref.g[e] ** 2;
    }
    const shape = `k ${k}, n ${steps}, ${classes} classes, ${nb} samples`;
    assert.ok(den > 0 && Math.sqrt(num / den) < 1e-5, `${shape}: gradient relative error ${Math.sqrt(num / den)}`);
    assert.ok(Math.abs(out.loss - ref.loss) <= 1e-6 * Math.abs(ref.loss), `${shape}: loss ${out.loss} vs ${ref.loss}`);
    assert.ok(Math.abs(out.correct - ref.correct) <= 1, `${shape}: correct ${out.correct} vs ${ref.correct}`);
  }
});

test("float32 chunks computed one at a time and added in chunk order give the batch call's bits", () => {
  const rng = new Rng(3);
  const k = 3, steps = 3, classes = 3, nb = 517;
  const m = randomModel(k, steps, classes, rng);
  const en = createEngine32(k, steps, classes, 128, nb);
  assert.ok(en !== null);
  en.X.set(new Float64Array(k * nb).map(() => rng.uniform()));
  en.y.set(new Int32Array(nb).map(() => rng.int(classes)));
  eq4DriveParams(m, en.par);
  en.setParams(m.A, m.B, m.W, m.c);
  const plan = chunkPlan(nb);
  const width = slotWidth(k, steps, classes);
  const slots = new Float64Array(plan.count * width);
  // In reverse order: a chunk's result must not depend on what ran before it.
  for (let q = plan.count - 1; q >= 0; q--) {
    const lo = chunkStart(plan, q);
    en.chunk(lo, chunkStart(plan, q + 1) - lo, 1 / nb);
    writeSlot(slots, q, [en.g], en.out[0], en.out[1]);
  }
  const g = createGradients(m);
  const out = { loss: 0, correct: 0 };
  reduceSlots(slots, plan.count, g, out);
  en.batch(nb, plan.count, 1 / nb);
  const flat = [...g.A, ...g.B, ...g.W, ...g.c, out.loss, out.correct];
  for (let e = 0; e < flat.length; e++) assert.ok(Object.is(flat[e], en.total[e]), `entry ${e}: ${flat[e]} vs ${en.total[e]}`);
});

test("training in float32 keeps the spiral task's accuracy: five seeds of the defaults, mean ≥ 95 %, none below 90 %", () => {
  const sp = stratifiedSplit(makeSpiral({ count: 1000 }), 0);
  const accs: number[] = [];
  for (let seed = 0; seed < 5; seed++) {
    const r = train(sp.train, { devices: eq4(), steps: 6, epochs: 400, batchSize: 64, lr: 0.01, restarts: 8, seed, test: sp.test, evalEvery: 1000, precision: "float32" });
    accs.push(r.history[r.history.length - 1].testAccuracy);
  }
  const mean = accs.reduce((a, b) => a + b, 0) / accs.length;
  assert.ok(mean >= 0.95 && Math.min(...accs) >= 0.9, `test accuracies ${accs.join(", ")}`);
});

test("float32 training refuses what it cannot run: other device curves, hardware effects, unknown precisions", () => {
  const tr = stratifiedSplit(makeSpiral({ count: 200 }), 0).train;
  const model = createModel(2, 3, 2, [eq4(), eq3({ Ic: 1, Q: 0.5 })]);
  model.normalization = fitNormalization(tr);
  assert.throws(() => new TrainingRun(model, tr, resolveTrainOptions({ precision: "float32" }), 0, undefined), (e: Error) => e instanceof InputError && /the curve of oscillator 1 is eq3/.test(e.message));
  assert.throws(() => resolveTrainOptions({ precision: "float32", hardware: { readNoise: { sigma: 0.01 } } }), (e: Error) => e instanceof InputError && /hardware/.test(e.message));
  assert.throws(() => resolveTrainOptions({ precision: "float16" as "float32" }), (e: Error) => e instanceof InputError && /precision must be one of float64, float32/.test(e.message));
});

test("dynaspin train --precision float32 trains and writes a float64 model; a bad value is one line and exit 2", async () => {
  const dir = mkdtempSync(join(tmpdir(), "dynaspin-f32-"));
  const cli = async (args: string[]): Promise<{ code: number; out: string; err: string }> => {
    const out: string[] = [], err: string[] = [];
    const io = { stdout: (s: string) => void out.push(s), stderr: (s: string) => void err.push(s), isTTY: false, env: {} };
    const code = await runCli(args, io);
    return { code, out: out.join(""), err: err.join("") };
  };
  const bad = await cli(["train", "--task", "spiral", "--precision", "float16", "--quiet", "--out", join(dir, "bad")]);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--precision must be one of float64, float32/);
  assert.equal(bad.err.trim().split("\n").length, 1);
  assert.ok(!existsSync(join(dir, "bad")));
  const eq3dev = await cli(["train", "--task", "spiral", "--precision", "float32", "--device", "hamadeh2012", "--quiet", "--out", join(dir, "eq3")]);
  assert.equal(eq3dev.code, 2);
  assert.match(eq3dev.err, /precision float32 needs eq\. 4 devices; the curve of oscillator 0 is eq3/);
  assert.ok(!existsSync(join(dir, "eq3")));
  const to = join(dir, "f32");
  const ok = await cli(["train", "--task", "spiral", "--batch", "0", "--epochs", "300", "--restarts", "2", "--precision", "float32", "--workers", "2", "--json", "--out", to]);
  assert.equal(ok.code, 0, ok.err);
  const summary = JSON.parse(ok.out) as { testAccuracy: number; precision: string };
  assert.equal(summary.precision, "float32");
  assert.ok(summary.testAccuracy >= 0.9, `test accuracy ${summary.testAccuracy}`);
  assert.ok(existsSync(join(to, "model.json")));
});
