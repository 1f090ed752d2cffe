// Stranger-test defects of `dynaspin fit`: unit invariance on a unitless header (#14), garbage fits
// refused (#6), --bounds errors in the user's own words (#12).
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cli } from "../helpers/cli.js";
import { fitCurve } from "../../src/device/fit.js";
import { Rng } from "../../src/index.js";

const dir = mkdtempSync(join(tmpdir(), "dynaspin-fitfix-"));
after(() => rmSync(dir, { recursive: true, force: true }));

// A device in mA and nW with known eq. 4 parameters: a = -1 /mA, b = 10, Ic = -5.82 mA, Q = 0.3, P0 = 12 nW, 0.5 % noise.
function curve(): { I: number[]; P: number[] } {
  const rng = new Rng(5);
  const I: number[] = [], P: number[] = [];
  for (let i = 0; i < 57; i++) {
    const x = -14 + (12 * i) / 56;
    const r = x < -5.82 ? (x + 5.82) / (x + 0.3 * -5.82) : 0;
    I.push(x);
    P.push(12 * r * 0.5 * (1 + Math.tanh(-x - 10)) * (1 + 0.005 * rng.normal()));
  }
  return { I, P };
}

function writeCsv(name: string, header: string, I: number[], P: number[]): string {
  const p = join(dir, name);
  writeFileSync(p, [header, ...I.map((v, i) => `${v},${P[i]}`)].join("\n") + "\n");
  return p;
}

type Shape = { a: number; b: number; Ic: number; Q: number; P0: number };
const close = (x: number, y: number, what: string) => assert.ok(Math.abs(x - y) <= 1e-6 * Math.max(1, Math.abs(y)), `${what}: ${x} vs ${y}`);

test("#14 fit on a unitless current,power header in A and W gives the same shape as mA and nW (P0 fitted, not held at 1)", async () => {
  const { I, P } = curve();
  const ref = await cli("fit", "--data", writeCsv("mAnW.csv", "current,power", I, P), "--json", "--no-figure");
  assert.equal(ref.code, 0, ref.err);
  const r = JSON.parse(ref.out) as { params: Shape };
  for (const [name, iS, pS] of [["AW.csv", 1e-3, 1e-9], ["A_nW.csv", 1e-3, 1], ["mA_W.csv", 1, 1e-9], ["mA_uW.csv", 1, 1e-3]] as const) {
    const res = await cli("fit", "--data", writeCsv(name, "current,power", I.map((v) => v * iS), P.map((v) => v * pS)), "--json", "--no-figure");
    assert.equal(res.code, 0, `${name}: ${res.err}`);
    const g = JSON.parse(res.out) as { params: Shape; fixed: string[] };
    assert.deepEqual(g.fixed, [], name);
    close(g.params.a * iS, r.params.a, `${name} a·scale`);
    close(g.params.b, r.params.b, `${name} b`);
    close(g.params.Ic / iS, r.params.Ic, `${name} Ic/scale`);
    close(g.params.Q, r.params.Q, `${name} Q`);
    close(g.params.P0 / pS, r.params.P0, `${name} P0/scale`);
  }
  // Normalised unitless data (P0 = 1) are still read as normalised: P0 held at 1.
  const lib = fitCurve("eq4", I, P.map((v) => v / 12));
  assert.deepEqual(lib.fixed, ["P0"]);
  assert.ok(Math.abs(lib.params.Ic + 5.82) <= 4 * lib.standardErrors.Ic, `${lib.params.Ic} ± ${lib.standardErrors.Ic}`);
});

test("#6 a flat/noise curve is a failed fit: exit 1, one line why with a hint, no device file under the requested name", async () => {
  const rng = new Rng(3);
  const I = Array.from({ length: 60 }, (_, i) => -20 + i / 3);
  const P = I.map(() => 5 + 0.5 * rng.normal());
  const data = writeCsv("flat.csv", "current_mA,power_nW", I, P);
  const out = join(dir, "flat-device.json");
  const r = await cli("fit", "--data", data, "--out", out);
  assert.equal(r.code, 1, r.out + r.err);
  assert.equal(r.err.split("\n").length, 2, r.err);
  assert.match(r.err, /^dynaspin: fit failed: .*flat\.csv: (R² -?[0-9.]+ is below 0\.9|the standard error of ).*; check the current and power columns/);
  assert.equal(existsSync(out), false, "no device file under the requested name");
  assert.equal(existsSync(join(dir, "flat-device-fit.svg")), false);
  assert.ok(existsSync(join(dir, "flat-device.failed.json")), "kept as .failed.json like train's model.failed.json");
  const j = await cli("fit", "--data", data, "--json", "--no-figure");
  assert.equal(j.code, 1);
  assert.equal(JSON.parse(j.out).status, "failed");
  // A good curve still passes, exit 0, and writes the requested name.
  const { I: gi, P: gp } = curve();
  const good = await cli("fit", "--data", writeCsv("good.csv", "current_mA,power_nW", gi, gp), "--out", join(dir, "good.json"), "--no-figure");
  assert.equal(good.code, 0, good.err);
  assert.ok(existsSync(join(dir, "good.json")));
});

test("#12 fit --bounds with LO > HI names --bounds and echoes what was typed", async () => {
  const { I, P } = curve();
  const r = await cli("fit", "--data", writeCsv("b.csv", "current_mA,power_nW", I, P), "--bounds", "a=5:1");
  assert.equal(r.code, 2);
  assert.equal(r.err.split("\n").length, 2, r.err);
  assert.match(r.err, /^dynaspin: --bounds a: LO must be <= HI \(got "a=5:1"; e\.g\. --bounds a=1:5\)\n$/);
  assert.doesNotMatch(r.err, /b\.csv/);
});
