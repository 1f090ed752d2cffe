import { test } from "node:test";
import assert from "node:assert/strict";
import { PRESETS, PRESET_NAMES, presetCurve, InputError } from "../../src/index.js";

test("the paper-test preset is eq4 with a=4, b=5, Ic=1, Q=2", () => {
  const c = presetCurve("paper-test");
  assert.equal(c.model, "eq4");
  assert.deepEqual(c.toSpec(), { model: "eq4", a: 4, b: 5, Ic: 1, Q: 2 });
  assert.equal(c.polarity, 1);
});

test("the measured presets are eq3 with negative thresholds, driven with negative current", () => {
  const h = presetCurve("hamadeh2012");
  assert.deepEqual(h.toSpec(), { model: "eq3", Ic: -6, Q: 0.1, currentUnit: "mA", powerUnit: "normalised" });
  assert.equal(h.polarity, -1);
  assert.equal(h.currentScale, 6);
  assert.equal(h.power(-5), 0);
  assert.ok(Math.abs(h.power(-12) - 6 / 12.6) < 1e-15);
  const z = presetCurve("zeng2013");
  assert.deepEqual(z.toSpec(), { model: "eq3", Ic: -10, Q: 0.3, currentUnit: "µA", powerUnit: "normalised" });
  assert.equal(z.polarity, -1);
  assert.ok(Math.abs(z.power(-20) - 10 / 23) < 1e-15);
});

test("every preset names its source and stays finite over the currents the network can reach", () => {
  for (const name of PRESET_NAMES) {
    assert.match(PRESETS[name].source, /\(20\d\d\)|2023/);
    const c = presetCurve(name);
    for (let k = 0; k <= 1000; k++) {
      const I = c.polarity * 0.02 * k * c.currentScale;
      assert.ok(Number.isFinite(c.power(I)) && Number.isFinite(c.derivative(I)), `${name} at ${I}`);
    }
  }
  assert.match(PRESETS.hamadeh2012.source, /Phys\. Rev\. B 85, 140408 \(2012\)/);
  assert.match(PRESETS.zeng2013.source, /Sci\. Rep\. 3, 1426 \(2013\)/);
});

test("an unknown preset name is refused with the list of allowed names", () => {
  assert.throws(
    () => presetCurve("hamadeh"),
    (e: unknown) => e instanceof InputError && e.message === 'device preset must be one of paper-test, hamadeh2012, zeng2013 (got "hamadeh")',
  );
});
