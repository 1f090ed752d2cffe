import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cli } from "../helpers/cli.js";
import { createModel, curveFromSpec, eq3, eq4, fitCurve, parseModel, runForward, stringifyModel, tableCurve, Rng } from "../../src/index.js";
import { driveRange, driveRangeWarning, DRIVE_RANGE_MARGIN } from "../../src/network/drive-range.js";

const dir = mkdtempSync(join(tmpdir(), "dynaspin-drive-"));
test.after(() => rmSync(dir, { recursive: true, force: true }));

test("driveRange counts the drives beyond the measured range (with its margin) as runForward's currents say", () => {
  const dev = eq4({}, { measuredCurrent: [0.5, 2] });
  const model = createModel(3, 2, 2, dev);
  const rng = new Rng(3);
  for (let e = 0; e < model.A.length; e++) model.A[e] = 1.5 * rng.normal();
  for (let e = 0; e < model.B.length; e++) model.B[e] = rng.normal();
  const n = 300;
  const x = Float64Array.from({ length: n * 3 }, () => rng.uniform());
  const r = driveRange(model, x, n);
  // Reference: every current from runForward, compared by hand.
  const { currents } = runForward(model, x);
  const m = DRIVE_RANGE_MARGIN * 1.5;
  let out = 0, min = Infinity, max = -Infinity, sq = 0;
  for (const I of currents) {
    if (I < 0.5 - m || I > 2 + m) out++;
    min = Math.min(min, I);
    max = Math.max(max, I);
    sq += I * I;
  }
  assert.equal(r.oscillators, 3);
  assert.deepEqual(r.measured, [0.5, 2]);
  assert.equal(r.drives, currents.length);
  assert.equal(r.outside, out / currents.length);
  assert.equal(r.min, min);
  assert.equal(r.max, max);
  assert.ok(Math.abs(r.rms - Math.sqrt(sq / currents.length)) < 1e-12 * r.rms);
  assert.ok(r.outside > 0.01 && r.warn, `fraction outside ${r.outside}`);
  const w = driveRangeWarning(r, "the 300 rows");
  assert.match(w ?? "", /outside their measured current range \[0\.5, 2\] on the 300 rows: \d+\.\d % of the drive currents/);
});

test("driveRangeWarning names what lies beyond the range: the fit's extrapolation, or a table's own rule (nothing was fitted)", () => {
  const rng = new Rng(5);
  const warnFor = (dev: ReturnType<typeof eq4> | ReturnType<typeof tableCurve>): string => {
    const model = createModel(3, 2, 2, dev);
    model.A.fill(1.5);
    const x = Float64Array.from({ length: 600 }, () => 2 * rng.uniform());
    const r = driveRange(model, x, 200);
    assert.ok(r.warn, `fraction outside ${r.outside}`);
    return driveRangeWarning(r, "the rows") ?? "";
  };
  assert.match(warnFor(eq4({}, { measuredCurrent: [0.5, 0.6] })), /where the curve is the fit's extrapolation, not the measured device/);
  const table = warnFor(tableCurve([0.5, 0.55, 0.6], [0.1, 0.2, 0.3], { extrapolation: "linear" }));
  assert.match(table, /where the curve is the table's linear extrapolation past its last measured points, not the measured device/);
  assert.doesNotMatch(table, /fit/);
});

test("driveRange: nothing to check without a measured range; no warning when the drives stay inside", () => {
  const none = driveRange(createModel(2, 2, 2, eq4()), new Float64Array([0.1, 0.2, 0.3, 0.4]), 2);
  assert.equal(none.oscillators, 0);
  assert.equal(none.warn, false);
  const wide = createModel(2, 2, 2, eq4({}, { measuredCurrent: [0, 1000] }));
  wide.A.fill(0.5);
  const r = driveRange(wide, new Float64Array([0.1, 0.2, 0.3, 0.4]), 2);
  assert.equal(r.outside, 0);
  assert.equal(driveRangeWarning(r, "x"), null);
});

test("measuredCurrent: kept by eq3/eq4 specs, refused when malformed, a table's node span, and written by fitCurve", () => {
  const c = curveFromSpec({ model: "eq3", Ic: -6, Q: 0.1, currentUnit: "mA", measuredCurrent: [-16, 0] });
  assert.deepEqual(c.measuredCurrent, [-16, 0]);
  assert.deepEqual(c.toSpec().measuredCurrent, [-16, 0]);
  assert.deepEqual(curveFromSpec(c.toSpec()).measuredCurrent, [-16, 0]);
  assert.throws(() => curveFromSpec({ model: "eq4", a: 4, b: 5, Ic: 1, Q: 2, measuredCurrent: [2, 1] }, "dev.json: "), /^InputError: dev\.json: measuredCurrent must be \[lo, hi\], two finite currents with lo < hi \(got \[2,1\]\)/);
  assert.throws(() => curveFromSpec({ model: "eq4", a: 4, b: 5, Ic: 1, Q: 2, measuredCurrent: "0:3" }), /measuredCurrent must be \[lo, hi\]/);
  assert.equal(eq4().measuredCurrent, undefined);
  assert.deepEqual(tableCurve([3, -1, 1], [0.3, 0, 0.1]).measuredCurrent, [-1, 3]);
  const truth = eq3({ Ic: -4, Q: 0.2, P0: 12 });
  const I = Array.from({ length: 40 }, (_, i) => -16 + (16 * i) / 39);
  const fit = fitCurve("eq3", I, I.map((v) => truth.power(v)), { units: { currentUnit: "mA", powerUnit: "nW" } });
  assert.deepEqual(fit.curve.measuredCurrent, [-16, 0]);
});

test("train warns on stderr and in --json when the network drives a fitted device outside its measured range; the model keeps the range", async () => {
  // The paper's device, "measured" only up to 0.6: initialisation alone drives it beyond.
  const narrow = join(dir, "narrow.json");
  writeFileSync(narrow, JSON.stringify({ model: "eq4", a: 4, b: 5, Ic: 1, Q: 2, measuredCurrent: [0, 0.6] }));
  const out = join(dir, "run-narrow");
  const r = await cli("train", "--task", "spiral", "--device", narrow, "--epochs", "2", "--restarts", "1", "--json", "--quiet", "--out", out);
  assert.equal(r.code, 0, r.err);
  const s = JSON.parse(r.out) as { warnings: string[]; driveRange: { warn: boolean; measured: number[]; outside: number } };
  assert.equal(s.driveRange.warn, true);
  assert.deepEqual(s.driveRange.measured, [0, 0.6]);
  assert.equal(s.warnings.length, 1);
  assert.match(r.err, /^dynaspin train: warning: the trained network drives its devices outside their measured current range \[0, 0\.6\] on the 800 training rows: /m);
  const model = parseModel(readFileSync(join(out, "model.json"), "utf8"), "model.json");
  assert.deepEqual(model.devices[0].measuredCurrent, [0, 0.6]);
  // Without a measured range there is nothing to check and nothing to say.
  const plain = await cli("train", "--task", "spiral", "--epochs", "2", "--restarts", "1", "--json", "--quiet", "--out", join(dir, "run-plain"));
  assert.equal(plain.code, 0, plain.err);
  const p = JSON.parse(plain.out) as { warnings: string[]; driveRange: unknown };
  assert.deepEqual(p.warnings, []);
  assert.equal(p.driveRange, null);
  assert.doesNotMatch(plain.err, /warning/);
});

test("eval warns on stderr and in --json when the evaluated rows drive the device outside its measured range, and not for rows inside it", async () => {
  // Two inputs in [0, 1] (normalisation min 0, max 1) give I = (0.5·(p1 + p2) + 0.5)² ∈ [0.25, 2.25]
  // at the first step, inside the measured [0, 3]; inputs of 10 give I ≈ 110, far beyond it.
  const model = createModel(2, 2, 2, eq4({}, { measuredCurrent: [0, 3] }));
  model.A.fill(0.5);
  model.B.fill(0.5);
  model.W.set([1, -1, -1, 1]);
  model.normalization = { min: new Float64Array([0, 0]), max: new Float64Array([1, 1]) };
  model.featureNames = ["x", "y"];
  model.classNames = ["a", "b"];
  const modelPath = join(dir, "ranged.json");
  writeFileSync(modelPath, stringifyModel(model));
  const inside = join(dir, "inside.csv");
  writeFileSync(inside, "x,y,label\n0,0,a\n1,0,b\n0.5,0.5,a\n0,1,b\n");
  const ok = await cli("eval", "--model", modelPath, "--data", inside, "--json");
  assert.equal(ok.code, 0, ok.err);
  const o = JSON.parse(ok.out) as { warnings: string[]; driveRange: { warn: boolean; outside: number; measured: number[] } };
  assert.deepEqual(o.warnings, []);
  assert.equal(o.driveRange.warn, false);
  assert.equal(o.driveRange.outside, 0);
  assert.deepEqual(o.driveRange.measured, [0, 3]);
  assert.doesNotMatch(ok.err, /warning/);
  const outside = join(dir, "outside.csv");
  writeFileSync(outside, "x,y,label\n10,10,a\n10,0,b\n0,0,a\n0,10,b\n");
  const bad = await cli("eval", "--model", modelPath, "--data", outside, "--json");
  assert.equal(bad.code, 0, bad.err);
  const b = JSON.parse(bad.out) as { warnings: string[]; driveRange: { warn: boolean; outside: number; max: number } };
  assert.equal(b.driveRange.warn, true);
  assert.ok(b.driveRange.outside > 0.01 && b.driveRange.max > 100, JSON.stringify(b.driveRange));
  // Inputs of 10 lie outside the training range [0, 1] too: that warning comes first (src/network/input-range.ts).
  assert.equal(b.warnings.length, 2);
  assert.match(b.warnings[0], /lie far outside the model's training data/);
  assert.match(b.warnings[1], /^the trained network drives its devices outside/);
  assert.match(bad.err, /^dynaspin eval: warning: the trained network drives its devices outside their measured current range \[0, 3\] on the 4 rows of .*outside\.csv: \d+\.\d % of the drive currents/m);
  assert.deepEqual(b.warnings, bad.err.trim().split("\n").map((l) => l.replace(/^dynaspin eval: warning: /, "")));
  // Without --json the same line goes to stderr.
  const text = await cli("eval", "--model", modelPath, "--data", outside);
  assert.equal(text.code, 0, text.err);
  assert.match(text.err, /^dynaspin eval: warning: the trained network drives/m);
  assert.match(text.out, /accuracy/);
});
