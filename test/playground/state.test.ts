import { test } from "node:test";
import assert from "node:assert/strict";
import { parseState, serializeState, needsNewRun, resetReason, checkField, defaultsFor, stepsOf, DEFAULT_STATE, LIMITS, featuresField } from "../../playground/src/state.js";
import { cliArgs, commandLine } from "../../playground/src/cli.js";
import { TASK_DEFAULTS } from "../../src/index.js";
import { EXTRA_TASK_DEFAULTS } from "../../src/train/tasks.js";
import { AUTO_DEFAULTS } from "../../src/train/train.js";

test("a serialized state parses back to the same state, seed included", () => {
  const s = { ...DEFAULT_STATE, data: "xor" as const, noise: 0.1, seed: 12345, device: "eq3" as const, Ic: -6, Q: 0.1, sigma: 0.25, relative: true, vparam: "Q" as const, steps: 5, t: 3, test: 0.3, speed: 10, osc: 12, epochs: 50, lr: 0.003, wd: 0.001, showTest: false, discrete: true };
  const back = parseState("#" + serializeState(s));
  assert.deepEqual(back, s);
  // Fields at their default are left out of the link (and of the command line).
  assert.doesNotMatch(serializeState(DEFAULT_STATE), /osc=|steps=|epochs=|lr=|batch=|restarts=|wd=|&t=/);
});

test("an empty or hand-edited hash falls back to defaults field by field", () => {
  assert.deepEqual(parseState(""), { ...DEFAULT_STATE });
  const s = parseState("#data=mnist&steps=abc&seed=7&lr=-3&device=zeng2013&unknown=1&count=1e9");
  assert.equal(s.data, DEFAULT_STATE.data);
  assert.equal(s.steps, null, "a malformed value is the default");
  assert.equal(s.seed, 7);
  assert.equal(s.lr, DEFAULT_STATE.lr, "out-of-range values reset to the default (not clamped)");
  assert.equal(s.count, DEFAULT_STATE.count);
  assert.equal(parseState(`#steps=${LIMITS.steps[1]}`).steps, LIMITS.steps[1], "the limits themselves are allowed");
  assert.equal(s.device, "zeng2013");
});

test("a preset's parameters come from the preset, not from the link", () => {
  const s = parseState("#device=hamadeh2012&Ic=1&Q=2");
  assert.equal(s.Ic, -6);
  assert.equal(s.Q, 0.1);
  assert.equal(parseState("#device=eq3&Ic=-3&Q=0.5").Ic, -3, "custom curves keep the link's values");
});

test("the shown step never exceeds the number of steps", () => {
  assert.equal(parseState("#steps=3&t=9").t, null, "beyond n: the last step");
  assert.equal(parseState("#steps=3&t=2").t, 2);
  assert.equal(stepsOf(parseState("#data=circles")), defaultsFor("circles").steps);
});

test("data, device, architecture, restarts and seed restart training (and say why); learning rate, batch, epochs and speed do not", () => {
  const a = { ...DEFAULT_STATE };
  assert.equal(needsNewRun(a, { ...a, sigma: 0.5, t: 2, vparam: "b", relative: true }), false);
  assert.equal(needsNewRun(a, { ...a, lr: 0.5, batch: 0, epochs: 9, speed: 5 }), false);
  assert.equal(resetReason(a, { ...a, osc: 8 }), "the architecture (oscillators K) changed");
  assert.equal(needsNewRun(a, { ...a, wd: 0.01, showTest: false, discrete: true }), false, "weight decay applies live; the plane's toggles only redraw");
  assert.equal(needsNewRun(a, { ...a, seed: 2 }), true);
  assert.equal(resetReason(a, { ...a, Q: 3 }), "the device changed");
  assert.equal(resetReason(a, { ...a, steps: 3 }), "the architecture (steps n) changed");
  assert.equal(resetReason(a, { ...a, test: 0.3 }), "the train/test split changed");
});

test("field checks name the field and its range", () => {
  assert.deepEqual(checkField("steps", "4"), { value: 4 });
  assert.deepEqual(checkField("steps", "4.5"), { error: "Steps n must be an integer in 1..32, or empty for the default (got 4.5)" });
  assert.deepEqual(checkField("lr", "abc"), { error: 'Learning rate must be a number in 0.00001..1, or empty for the default (got "abc")' });
  assert.deepEqual(checkField("osc", ""), { value: null }, "empty: the library's default");
  assert.deepEqual(checkField("turns", ""), { error: 'Turns must be a number in 0.05..5 (got "")' });
});

test("the page's defaults are dynaspin train's, and its command line is the CLI's", () => {
  // Left at their defaults, the training fields are the library's for the task.
  const spiral = defaultsFor("spiral");
  assert.equal(spiral.steps, TASK_DEFAULTS.spiral.steps);
  assert.equal(spiral.epochs, TASK_DEFAULTS.spiral.epochs);
  assert.equal(spiral.restarts, TASK_DEFAULTS.spiral.restarts);
  assert.equal(spiral.osc, TASK_DEFAULTS.spiral.oscillators);
  // The generated 2-D sets: the automatic budget (no epochs), max(2, 8) oscillators, as --data.
  assert.equal(EXTRA_TASK_DEFAULTS.circles, TASK_DEFAULTS.csv);
  const circles = defaultsFor("circles");
  assert.equal(circles.epochs, null);
  assert.equal(circles.osc, AUTO_DEFAULTS.oscillators);
  assert.equal(circles.updates, AUTO_DEFAULTS.updates);
  assert.equal(defaultsFor("csv").osc, null, "a CSV's K depends on its features");
  assert.equal(defaultsFor("csv", 30).osc, 30);
  assert.equal(defaultsFor("digits").osc, 64);
  assert.deepEqual(cliArgs({ ...DEFAULT_STATE, data: "xor", noise: 0.1 }).slice(0, 8), ["--task", "xor", "--noise", "0.1", "--count", "1000", "--data-seed", "0"]);
  assert.doesNotMatch(cliArgs(DEFAULT_STATE).join(" "), /--epochs|--oscillators|--steps|--lr|--batch|--restarts/, "defaults are left to the library");
  assert.deepEqual(cliArgs({ ...DEFAULT_STATE, osc: 6, epochs: 50, wd: 0.01 }).slice(-8), ["--oscillators", "6", "--epochs", "50", "--weight-decay", "0.01", "--seed", "0"]);
  // The page trains one network: on the automatic budget its command says so (dynaspin train's
  // default there is a cross-validation ensemble when the data have a validation split).
  assert.deepEqual(cliArgs({ ...DEFAULT_STATE, data: "circles", epochs: null }).slice(-4), ["--members", "1", "--seed", "0"]);
  assert.ok(!cliArgs({ ...DEFAULT_STATE, data: "circles", epochs: 300 }).includes("--members"), "explicit epochs: one network anyway");
  assert.ok(!cliArgs({ ...DEFAULT_STATE, data: "spiral", epochs: null }).includes("--members"), "the spiral task has its own epochs");
  assert.equal(commandLine(["--data", "my data.csv"]), "dynaspin train --data 'my data.csv'");
});

test("problem type: the regression sets are regression whatever the link says, a CSV takes the link's; the command carries --problem for a CSV; classification links stay as they were", () => {
  const plane = parseState("#problem=classification&data=plane");
  assert.equal(plane.problem, "regression", "plane is a regression set");
  assert.equal(parseState("#problem=regression&data=spiral").problem, "classification", "spiral is a classification set");
  const csv = parseState("#problem=regression&data=csv");
  assert.equal(csv.problem, "regression");
  assert.deepEqual(parseState("#" + serializeState(csv)), csv);
  assert.doesNotMatch(serializeState(DEFAULT_STATE), /problem=/, "a classification link has no problem key");
  assert.match(serializeState(plane), /^problem=regression&data=plane&/);
  assert.deepEqual(cliArgs(csv, "houses.csv").slice(0, 4), ["--data", "houses.csv", "--problem", "regression"]);
  assert.deepEqual(cliArgs(plane).slice(0, 8), ["--task", "plane", "--noise", "0.04", "--count", "1000", "--data-seed", "0"]);
  assert.equal(resetReason(parseState("#data=csv"), csv), "the problem type changed");
  assert.equal(defaultsFor("multi-gaussian").osc, AUTO_DEFAULTS.oscillators, "the regression sets train with --data's automatic defaults");
});

test("a link to an eq. 3 device varies Ic, not the a or b it does not have", () => {
  assert.equal(parseState("#device=hamadeh2012").vparam, "Ic");
  assert.equal(parseState("#device=eq3&vparam=b").vparam, "Ic");
  assert.equal(parseState("#device=zeng2013&vparam=Q").vparam, "Q");
  assert.equal(parseState("#device=paper-test").vparam, "a");
});

test("input features (TF Playground's checkboxes) and the L1 rate: URL round trip, command line, reset and live rules", () => {
  const s = { ...DEFAULT_STATE, data: "circles" as const, feat: featuresField(["x1^2", "x2^2", "x1", "x1*x2", "x2"]), l1: 0.03 };
  assert.equal(s.feat, "x1,x2,x1^2,x2^2,x1*x2", "the playground's order, whatever the order checked");
  assert.deepEqual(parseState(serializeState(s)), s);
  const args = cliArgs(s);
  assert.deepEqual(args.slice(args.indexOf("--features"), args.indexOf("--features") + 2), ["--features", "x1,x2,x1^2,x2^2,x1*x2"]);
  assert.deepEqual(args.slice(args.indexOf("--l1"), args.indexOf("--l1") + 2), ["--l1", "0.03"]);
  // x1, x2 alone is the default: no flag. Nothing checked, or something else, falls back to it.
  assert.equal(featuresField(["x1", "x2"]), null);
  assert.equal(featuresField([]), null);
  assert.equal(parseState("data=xor&feat=x1,tan(x2)").feat, null);
  assert.equal(parseState("data=xor&feat=x1%2Cx1%5E2").feat, "x1,x1^2");
  assert.ok(!cliArgs({ ...DEFAULT_STATE }).includes("--features"));
  assert.ok(!cliArgs({ ...s, data: "digits" }).includes("--features"), "digits have no 2-D inputs to transform");
  assert.equal(resetReason(s, { ...s, feat: null }), "the input features changed");
  assert.equal(needsNewRun(s, { ...s, l1: 0.1 }), false, "L1 applies live, as the weight decay");
  assert.match(JSON.stringify(checkField("l1", "-1")), /L1 rate must be a number in 0\.\.10/);
});
