/**
 * Second stranger pass (docs/…, findings of a new user): each test failed before its fix.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { train, evaluate, stratifiedSplit, makeSynthetic, eq4, createModel } from "../../src/index.js";
import { updateScales, decayScales } from "../../src/train/train.js";

// The paper's test device, the same curve in mA and nW (P0 = 28 nW), and in SI units: currents in A (1 unit = 1 mA), powers in
// W with P0 = 28 nW, as `dynaspin fit` writes for a curve measured in A and W.
const normal = () => eq4({ a: 4, b: 5, Ic: 1, Q: 2 });
const mA = () => eq4({ a: 4, b: 5, Ic: 1, Q: 2, P0: 28 }, { currentUnit: "mA", powerUnit: "nW" });
const si = () => eq4({ a: 4000, b: 5, Ic: 1e-3, Q: 2, P0: 2.8e-8 }, { currentUnit: "A", powerUnit: "W" });

test("weight decay shrinks a parameter by the same fraction whatever the device's units (scales)", () => {
  const mn = createModel(8, 4, 2, normal(), { inputs: 2 });
  const ms = createModel(8, 4, 2, si(), { inputs: 2 });
  // Dimensionless: equal for a device and its copy in other units...
  assert.deepEqual(decayScales(ms), decayScales(mn));
  // ...and equal to the step scales for the paper's test device (its training keeps its bits).
  assert.deepEqual(decayScales(mn), updateScales(mn));
});

test("weight decay acts alike on a device in A/W, in mA/nW and normalised (A/W diverged; nW decayed 28× weaker on W)", { timeout: 120_000 }, () => {
  const split = stratifiedSplit(makeSynthetic("moons", { count: 300, seed: 1 }), 0, 0.2);
  const o = { weightDecay: 0.3, epochs: 150, steps: 4, oscillators: 4, seed: 0 };
  const run = (devices: ReturnType<typeof eq4>) => train(split.train, { ...o, devices });
  // Before: "training diverged at epoch 38": W's factor 1 − lr·λ/p_max was about −2·10⁵.
  const s = run(si());
  assert.ok(evaluate(s.model, split.test).accuracy >= 0.85);
  // The mA/nW copy (P0 = 28 nW) ends where the normalised device does (before: 0.0366 against 0.0564).
  const n = run(normal()).history.at(-1)!.trainLoss;
  const m = run(mA()).history.at(-1)!.trainLoss;
  assert.ok(Math.abs(m / n - 1) < 0.02, `mA/nW ${m}, normalised ${n}`);
});
