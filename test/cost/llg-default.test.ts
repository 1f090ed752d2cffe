/**
 * The default cost profile's LLG relaxation time is kept as a constant (src/cost/inference.ts,
 * DEFAULT_LLG_RELAXATION) so that `train --json` does not simulate it in every process: the
 * simulation must still give exactly those bits, and the profile must report them.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { DEFAULT_LLG_RELAXATION, resolveProfile } from "../../src/cost/inference.js";
import { deviceRelaxationTime } from "../../src/physics/relaxation.js";
import { resolveDevice, PY_CU_PY } from "../../src/physics/params.js";
import { createModel, eq4 } from "../../src/index.js";

test("the default profile's relaxation time is the macrospin simulation's, bit for bit", () => {
  assert.equal(DEFAULT_LLG_RELAXATION.device, PY_CU_PY);
  const m = deviceRelaxationTime(resolveDevice(PY_CU_PY), DEFAULT_LLG_RELAXATION.fromIc, DEFAULT_LLG_RELAXATION.toIc);
  assert.ok(Object.is(m.tau, DEFAULT_LLG_RELAXATION.tau), `simulated τ ${m.tau} ≠ kept ${DEFAULT_LLG_RELAXATION.tau}`);
  assert.ok(Object.is(m.thresholdAmps, DEFAULT_LLG_RELAXATION.thresholdAmps), `simulated Ic ${m.thresholdAmps} ≠ kept ${DEFAULT_LLG_RELAXATION.thresholdAmps}`);
  const r = resolveProfile(createModel(4, 3, 2, eq4()));
  assert.equal(r.relaxationTime, DEFAULT_LLG_RELAXATION.tau);
  // Another jump is simulated, not taken from the kept one.
  const other = resolveProfile(createModel(4, 3, 2, eq4()), { oscillator: { llg: { fromIc: 1.6, toIc: 2 } } });
  assert.notEqual(other.relaxationTime, DEFAULT_LLG_RELAXATION.tau);
});
