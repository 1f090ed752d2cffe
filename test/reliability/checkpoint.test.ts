import { test } from "node:test";
import assert from "node:assert/strict";
import { makeSpiral } from "../../src/data/spiral.js";
import { stratifiedSplit } from "../../src/data/split.js";
import { eq4 } from "../../src/device/analytic.js";
import { train, resolveTrainOptions, type TrainOptions, type TrainResult } from "../../src/train/train.js";
import {
  checkpointToJson,
  parseCheckpointJson,
  restoreTrainingRun,
  stringifyCheckpoint,
  fingerprintData,
  CHECKPOINT_VERSION,
  type CheckpointJson,
} from "../../src/train/checkpoint.js";
import { InputError } from "../../src/util/errors.js";

const split = stratifiedSplit(makeSpiral({ count: 160, seed: 3 }), 0, 0.25);
const base: Omit<TrainOptions, "devices"> = { steps: 4, epochs: 12, batchSize: 16, lr: 0.01, restarts: 2, restartEpochs: 2, seed: 5 };

function run(extra: Partial<TrainOptions> = {}): TrainResult {
  return train(split.train, { ...base, devices: eq4(), test: split.test, ...extra });
}

/** Trains, keeping the checkpoint text taken after `at` epochs. */
function checkpointAt(at: number, extra: Partial<TrainOptions> = {}): { text: string; full: TrainResult } {
  let text = "";
  const full = run({
    ...extra,
    onProgress: (r, selection) => {
      if (r.epochsDone === at) text = stringifyCheckpoint(checkpointToJson(r, selection, fingerprintData(split.train, split.test)));
    },
  });
  return { text, full };
}

function bits(a: ArrayLike<number>): string {
  return Buffer.from(Float64Array.from(a).buffer).toString("hex");
}

for (const precision of ["float64", "float32"] as const) {
  test(`a run restored from a checkpoint's JSON text finishes bit-identical to an uninterrupted run (${precision})`, () => {
    const { text, full } = checkpointAt(7, { precision });
    assert.ok(text.length > 0);
    const ckpt = parseCheckpointJson(JSON.parse(text), "ck.json");
    const restored = restoreTrainingRun(ckpt, "ck.json", split.train, split.test, resolveTrainOptions({ ...base, precision }), eq4());
    const resumed = run({ resume: restored, precision });
    for (const key of ["A", "B", "W", "c"] as const) assert.equal(bits(resumed.model[key]), bits(full.model[key]), key);
    const strip = (h: TrainResult["history"]) => h.map(({ seconds: _s, ...m }) => m);
    assert.deepEqual(strip(resumed.history), strip(full.history));
    assert.equal(resumed.chosenRestart, full.chosenRestart);
    assert.deepEqual(resumed.restartLosses, full.restartLosses);
  });
}

test("resume stays bit-identical with every random training option on (input noise, device variation, read noise, weight decay)", () => {
  // Three oscillators, so an epoch draws an odd number of normals and the generator's cached
  // Box–Muller deviate is part of the state at the checkpoint.
  const s2 = makeSpiral({ count: 161, seed: 4 });
  const x = new Float64Array(s2.n * 3);
  for (let r = 0; r < s2.n; r++) x.set([s2.x[2 * r], s2.x[2 * r + 1], s2.x[2 * r] * s2.x[2 * r + 1]], 3 * r);
  const sp = stratifiedSplit({ ...s2, x, d: 3, featureNames: ["x", "y", "xy"] }, 0, 0.25);
  const noisy: Partial<TrainOptions> = {
    inputNoise: 0.01,
    variation: { params: ["a"], sigma: 0.05, relative: true },
    hardware: { readNoise: { sigma: 0.01, relative: true } },
    weightDecay: 1e-3,
  };
  const go = (extra: Partial<TrainOptions>) => train(sp.train, { ...base, ...noisy, batchSize: 20, devices: eq4(), test: sp.test, ...extra });
  let text = "";
  let spare: number | null = null;
  const full = go({
    onProgress: (r, s) => {
      if (r.epochsDone !== 5) return;
      text = stringifyCheckpoint(checkpointToJson(r, s, fingerprintData(sp.train, sp.test)));
      spare = r.rng.getState().spare;
    },
  });
  assert.notEqual(spare, null);
  const ckpt = parseCheckpointJson(JSON.parse(text), "ck.json");
  const resumed = go({ resume: restoreTrainingRun(ckpt, "ck.json", sp.train, sp.test, resolveTrainOptions({ ...base, ...noisy, batchSize: 20 }), eq4()) });
  for (const key of ["A", "B", "W", "c"] as const) assert.equal(bits(resumed.model[key]), bits(full.model[key]), key);
  assert.deepEqual(resumed.history.map((m) => m.trainLoss), full.history.map((m) => m.trainLoss));
});

test("a checkpoint stores NaN test metrics as null and reads them back as NaN", () => {
  let json: CheckpointJson | undefined;
  train(split.train, { ...base, epochs: 3, restarts: 1, devices: eq4(), onProgress: (r, s) => (json = checkpointToJson(r, s, fingerprintData(split.train))) });
  const parsed = JSON.parse(stringifyCheckpoint(json!)) as CheckpointJson;
  assert.equal(parsed.history![0].testLoss, null);
  const { run: r } = restoreTrainingRun(parseCheckpointJson(parsed, "c"), "c", split.train, undefined, resolveTrainOptions({ ...base, epochs: 3, restarts: 1 }), eq4());
  assert.ok(Number.isNaN(r.history[2].testAccuracy));
});

function mutated(f: (c: Record<string, any>) => void): unknown {
  const c = JSON.parse(checkpointAt(4).text) as Record<string, any>;
  f(c);
  return c;
}

function refuses(value: unknown, pattern: RegExp): void {
  assert.throws(
    () => parseCheckpointJson(value, "ck.json"),
    (e: unknown) => e instanceof InputError && pattern.test(e.message) && !e.message.includes("\n"),
  );
}

test("invalid checkpoints are refused with one line naming the field path", () => {
  refuses(mutated((c) => (c.adam.m[2][0] = null)), /^ck\.json: adam\.m\[2\]\[0\]: expected a finite number \(got null\)$/);
  refuses(mutated((c) => (c.model.A[0][1][0] = "x")), /^ck\.json: model: A\[0\]\[1\]\[0\]: expected a finite number/);
  refuses(mutated((c) => (c.order[1] = c.order[0])), /ck\.json: order\[1\]: must be a permutation/);
  refuses(mutated((c) => c.history.pop()), /history has \d+ entries, expected epochsDone/);
  refuses(mutated((c) => (c.rng.s[0] = -1)), /ck\.json: rng\.s\[0\] must be >= 0/);
  refuses(mutated((c) => (c.extra = 1)), /unknown field "extra" \(allowed: format, version/);
  refuses(mutated((c) => c.adam.v[1].push(0)), /adam\.v\[1\] has \d+ entries, expected \d+ \(the size of B\)/);
});

test("a newer checkpoint version and a foreign file are refused clearly", () => {
  refuses(mutated((c) => (c.version = CHECKPOINT_VERSION + 1)), new RegExp(`checkpoint version ${CHECKPOINT_VERSION + 1} is newer than this dynaspin supports \\(${CHECKPOINT_VERSION}\\); upgrade dynaspin`));
  refuses({ format: "dynaspin.model", version: 1 }, /not a dynaspin checkpoint \(format is "dynaspin\.model"/);
  refuses([1, 2], /expected a JSON object, got an array/);
});

test("resuming with other options, data or devices is refused naming what differs", () => {
  const ckpt = parseCheckpointJson(JSON.parse(checkpointAt(4).text), "ck.json");
  const o = resolveTrainOptions(base);
  const refused = (f: () => unknown, pattern: RegExp) => assert.throws(f, (e: unknown) => e instanceof InputError && pattern.test(e.message));
  refused(() => restoreTrainingRun(ckpt, "ck.json", split.train, split.test, resolveTrainOptions({ ...base, steps: 5 }), eq4()), /made with steps = 4, this run has steps = 5/);
  refused(() => restoreTrainingRun(ckpt, "ck.json", split.train, split.test, resolveTrainOptions({ ...base, lr: 0.02 }), eq4()), /lr = 0\.01, this run has lr = 0\.02/);
  const other = stratifiedSplit(makeSpiral({ count: 160, seed: 3 }), 1, 0.25);
  refused(() => restoreTrainingRun(ckpt, "ck.json", other.train, other.test, o, eq4()), /made on other data/);
  refused(() => restoreTrainingRun(ckpt, "ck.json", split.train, split.test, o, eq4({ a: 3 })), /made with device .*"a":4.*this run has .*"a":3.*--device/);
  refused(() => restoreTrainingRun(ckpt, "ck.json", split.train, split.test, resolveTrainOptions({ ...base, precision: "float32" }), eq4()), /precision = "float64", this run has precision = "float32"/);
});

test("a checkpoint from before the precision option (no options.precision) resumes as float64, and not as float32", () => {
  const ckpt = parseCheckpointJson(JSON.parse(checkpointAt(4).text), "ck.json");
  delete ckpt.options.precision;
  assert.doesNotThrow(() => restoreTrainingRun(ckpt, "ck.json", split.train, split.test, resolveTrainOptions(base), eq4()));
  assert.throws(() => restoreTrainingRun(ckpt, "ck.json", split.train, split.test, resolveTrainOptions({ ...base, precision: "float32" }), eq4()), InputError);
});

test("a checkpoint made with another evaluation cadence (evalEvery, e.g. every epoch before the automatic budget evaluated every 10 updates) resumes with its own, bit-identical to its uninterrupted run", () => {
  const { text, full } = checkpointAt(7, { evalEvery: 1 });
  const ckpt = parseCheckpointJson(JSON.parse(text), "ck.json");
  // The resuming side resolves another cadence, as a newer dynaspin does for the automatic budget.
  const restored = restoreTrainingRun(ckpt, "ck.json", split.train, split.test, resolveTrainOptions({ ...base, evalEvery: 10 }), eq4());
  assert.equal(restored.run.options.evalEvery, 1);
  const resumed = run({ resume: restored });
  for (const key of ["A", "B", "W", "c"] as const) assert.equal(bits(resumed.model[key]), bits(full.model[key]), key);
  const strip = (h: TrainResult["history"]) => h.map(({ seconds: _s, ...m }) => m);
  assert.deepEqual(strip(resumed.history), strip(full.history));
});
