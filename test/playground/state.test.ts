import { test } from "node:test";
import assert from "node:assert/strict";
import { parseState, serializeState, needsNewRun, DEFAULT_STATE, LIMITS } from "../../playground/src/state.js";

test("a serialized state parses back to the same state, seed included", () => {
  const s = { ...DEFAULT_STATE, data: "xor" as const, noise: 0.1, seed: 12345, device: "eq3" as const, Ic: -6, Q: 0.1, sigma: 0.25, relative: true, vparam: "Q" as const, steps: 5, t: 3 };
  const back = parseState("#" + serializeState(s));
  assert.deepEqual(back, s);
});

test("an empty or hand-edited hash falls back to defaults field by field", () => {
  assert.deepEqual(parseState(""), { ...DEFAULT_STATE });
  const s = parseState("#data=mnist&steps=abc&seed=7&lr=-3&device=zeng2013&unknown=1&count=1e9");
  assert.equal(s.data, DEFAULT_STATE.data);
  assert.equal(s.steps, DEFAULT_STATE.steps);
  assert.equal(s.seed, 7);
  assert.equal(s.lr, LIMITS.lr[0], "out-of-range values are clamped");
  assert.equal(s.count, LIMITS.count[1]);
  assert.equal(s.device, "zeng2013");
});

test("the shown step never exceeds the number of steps", () => {
  assert.equal(parseState("#steps=3&t=9").t, 3);
});

test("only run fields (data, device, training settings, seed) restart training", () => {
  const a = { ...DEFAULT_STATE };
  assert.equal(needsNewRun(a, { ...a, sigma: 0.5, t: 2, vparam: "b", relative: true }), false);
  assert.equal(needsNewRun(a, { ...a, seed: 2 }), true);
  assert.equal(needsNewRun(a, { ...a, Q: 3 }), true);
});
