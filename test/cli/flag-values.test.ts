// The parsers of compact flag values (src/cli/flag-values.ts): each turns text into the typed
// option the library takes, and a mistake is one line naming the flag and the allowed forms.
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseSigmas, parseCurrentRange, parseVariationArg, parseHardwareArgs } from "../../src/cli/flag-values.js";
import { InputError } from "../../src/util/errors.js";

test("current ranges include TO when it lies on the grid and reject malformed input", () => {
  assert.deepEqual([...parseCurrentRange("0:2:0.5")], [0, 0.5, 1, 1.5, 2]);
  assert.deepEqual([...parseCurrentRange("3:1:-1")], [3, 2, 1]);
  assert.deepEqual([...parseCurrentRange("0:1:0.3")].map((x) => Number(x.toFixed(12))), [0, 0.3, 0.6, 0.9]);
  assert.deepEqual([...parseCurrentRange("0.1:0.3:0.1")].map((x) => Number(x.toFixed(12))), [0.1, 0.2, 0.3]);
  for (const bad of ["0:1", "a:1:1", "0:1:0", "0:1:-1", "0::1"]) assert.throws(() => parseCurrentRange(bad), InputError, bad);
  assert.throws(() => parseCurrentRange("0:1"), /--currents must be FROM:TO:STEP with three numbers/);
  assert.throws(() => parseCurrentRange("0:1:-1"), /--currents STEP must be non-zero and point from FROM towards TO/);
  assert.throws(() => parseCurrentRange("0:1e6:1"), /at most 100000/);
});

test("sigma lists parse from ranges and comma lists and bad ones are refused naming the flag", () => {
  assert.equal(parseSigmas("0:1:0.05").length, 21);
  assert.equal(parseSigmas("0:1:0.05")[3], 0.15);
  assert.deepEqual(parseSigmas("0,0.25,0.5"), [0, 0.25, 0.5]);
  assert.throws(() => parseSigmas("1:0:0.1"), /--sigma must be START:STOP:STEP/);
  assert.throws(() => parseSigmas("-1"), /--sigma/);
});

test("variation arguments name one or more parameters and a σ >= 0", () => {
  assert.deepEqual(parseVariationArg("a,Q:0.25", "--x"), { params: ["a", "Q"], sigma: 0.25 });
  assert.throws(() => parseVariationArg("z:0.1", "--train-variation"), /--train-variation parameter must be one of a, b, Ic, Q/);
  assert.throws(() => parseVariationArg("a:-1", "--train-variation"), /--train-variation must be PARAM:SIGMA with PARAM in a, b, Ic, Q and SIGMA >= 0/);
});

test("hardware lists parse into the library's Hardware, checked by resolveHardware with the flag's name", () => {
  assert.deepEqual(parseHardwareArgs(["noise=0.01:rel", "dac=8:4", "ilimit=3", "relax=2"]), {
    readNoise: { sigma: 0.01, relative: true }, dac: { bits: 8, fullScale: 4 }, currentLimit: 3, relaxation: { dtOverTau: 2 },
  });
  assert.throws(() => parseHardwareArgs(["bogus=1"]), /--hw must be one of noise=SIGMA/);
  assert.throws(() => parseHardwareArgs(["dac=0:4"], "--train-hw"), /--train-hw/);
});
