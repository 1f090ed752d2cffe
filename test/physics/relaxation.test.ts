import { test } from "node:test";
import assert from "node:assert/strict";
import { resolveDevice, PY_CU_PY } from "../../src/physics/params.js";
import { thresholdCurrent } from "../../src/physics/closedform.js";
import { measureRelaxation, relaxationRateClosedForm, deviceRelaxationTime } from "../../src/physics/relaxation.js";
import { InputError } from "../../src/util/errors.js";

const d = resolveDevice(PY_CU_PY);
const ic = thresholdCurrent(d);

test("a small current step relaxes with the closed-form linearised rate of the symmetric macrospin (within 3 %)", () => {
  for (const [a, b] of [[1.5, 1.51], [1.81, 1.8], [2, 2.01]]) {
    const r = measureRelaxation(d, a * ic, b * ic);
    const tau = 1 / relaxationRateClosedForm(d, ((a + b) / 2) * ic);
    assert.ok(Math.abs(r.tau / tau - 1) < 0.03, `${a}→${b}: simulated ${r.tau}, closed form ${tau}`);
  }
});

test("the device relaxation time is the slower direction of a large jump, of order ns for the Py/Cu/Py preset", () => {
  const r = deviceRelaxationTime(d, 1.5, 2);
  assert.equal(r.tau, Math.max(r.up.tau, r.down.tau));
  assert.ok(r.tau > 0.5e-9 && r.tau < 10e-9, String(r.tau));
  assert.ok(r.up.powerTo > r.up.powerFrom);
});

test("a non-symmetric device (tilted field) is measured by simulating the warm-up", () => {
  const tilted = resolveDevice({ ...PY_CU_PY, field: [0.05, 0, 1] });
  const r = measureRelaxation(tilted, 1.5 * ic, 2 * ic);
  const sym = measureRelaxation(d, 1.5 * ic, 2 * ic);
  assert.ok(Math.abs(r.tau / sym.tau - 1) < 0.2, `${r.tau} vs ${sym.tau}`);
});

test("a current that switches the device or leaves it at rest is refused with a clear message", () => {
  assert.throws(() => measureRelaxation(d, 1.5 * ic, 3 * ic), (e: unknown) => e instanceof InputError && /switches/.test(e.message));
  assert.throws(() => measureRelaxation(d, 1.5 * ic, 0.5 * ic), (e: unknown) => e instanceof InputError && /rest/.test(e.message));
});
