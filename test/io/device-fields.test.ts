import { test } from "node:test";
import assert from "node:assert/strict";
import { curveFromSpec, parseModelJson, InputError } from "../../src/index.js";

test("a misspelt device field is refused with its name and the allowed fields", () => {
  assert.throws(
    () => curveFromSpec({ model: "eq4", a: 4, b: 5, Ic: 1, Q: 2, Qc: 3 }, "dev.json: "),
    (e: unknown) => e instanceof InputError && /^dev\.json: Qc is not a field of device model eq4 \(allowed: model, a, b, Ic, Q/.test(e.message),
  );
});

test("a model file whose device has an unknown field names the file and the field path", () => {
  const model = {
    format: "dynaspin.model", version: 1, device: { model: "eq3", Ic: 1, Q: 2, a: 4 },
    k: 1, steps: 1, classes: 2, A: [[[1]]], B: [[1]], W: [[0], [0]], c: [0, 0],
  };
  assert.throws(() => parseModelJson(model, "m.json"), /m\.json: device\.a is not a field of device model eq3/);
});
