import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { fitCurve } from "../../src/device/fit.js";
import { cli, tmp } from "./helpers.js";

// A device measured in mA and nW with known eq. 4 parameters (negative currents drive it, as in
// the paper's Fig. 2b): a = -1.0 /mA, b = 10, Ic = -5.82 mA, Q = 0.30, P0 = 12 nW, plus 0.5 % noise.
const TRUE = { a: -1.0, b: 10, Ic: -5.82, Q: 0.3, P0: 12 };
function curve(): { I: Float64Array; P: Float64Array } {
  const n = 57;
  const I = new Float64Array(n), P = new Float64Array(n);
  let s = 7;
  for (let i = 0; i < n; i++) {
    const x = -14 + (12 * i) / (n - 1);
    const r = x < TRUE.Ic ? (x - TRUE.Ic) / (x + TRUE.Q * TRUE.Ic) : 0;
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    const noise = 1 + 0.005 * ((s / 2 ** 32) * 2 - 1);
    I[i] = x;
    P[i] = TRUE.P0 * r * 0.5 * (1 + Math.tanh(TRUE.a * x - TRUE.b)) * noise;
  }
  return { I, P };
}

/** Shape parameters in mA: (a per mA, b, Ic in mA, Q). */
function shapeInMilliamps(params: Record<string, number>, ampsPerUnit: number): number[] {
  const mA = ampsPerUnit / 1e-3;
  return [params.a / mA, params.b, params.Ic * mA, params.Q];
}

test("fit gives the same shape parameters whatever the units of current and power (mA/nW, A/W, µW, power divided by 20)", () => {
  const { I, P } = curve();
  const cases: Array<{ name: string; iScale: number; pScale: number; ampsPerUnit: number; units: { currentUnit: string; powerUnit: string } }> = [
    { name: "mA, nW", iScale: 1, pScale: 1, ampsPerUnit: 1e-3, units: { currentUnit: "mA", powerUnit: "nW" } },
    { name: "mA, nW / 20", iScale: 1, pScale: 1 / 20, ampsPerUnit: 1e-3, units: { currentUnit: "mA", powerUnit: "nW" } },
    { name: "A, W", iScale: 1e-3, pScale: 1e-9, ampsPerUnit: 1, units: { currentUnit: "A", powerUnit: "W" } },
    { name: "µA, µW", iScale: 1e3, pScale: 1e-3, ampsPerUnit: 1e-6, units: { currentUnit: "uA", powerUnit: "uW" } },
  ];
  const ref = fitCurve("eq4", I, P, { units: cases[0].units });
  const want = [TRUE.a, TRUE.b, TRUE.Ic, TRUE.Q];
  // The known parameters are recovered within four standard errors.
  const se = shapeInMilliamps(ref.standardErrors, 1e-3).map(Math.abs);
  shapeInMilliamps(ref.params, 1e-3).forEach((v, j) => assert.ok(Math.abs(v - want[j]) <= 4 * se[j], `reference ${j}: ${v} vs ${want[j]} (SE ${se[j]})`));
  assert.ok(Math.abs(ref.params.P0 - TRUE.P0) <= 4 * ref.standardErrors.P0);
  for (const c of cases) {
    const r = fitCurve("eq4", I.map((v) => v * c.iScale), P.map((v) => v * c.pScale), { units: c.units });
    const got = shapeInMilliamps(r.params, c.ampsPerUnit);
    shapeInMilliamps(ref.params, 1e-3).forEach((v, j) => assert.ok(Math.abs(got[j] - v) <= 1e-6 * Math.max(1, Math.abs(v)), `${c.name}: parameter ${j} ${got[j]} vs ${v}`));
    assert.ok(Math.abs(r.params.P0 / c.pScale - ref.params.P0) <= 1e-6 * ref.params.P0, `${c.name}: P0`);
    assert.ok(Math.abs(r.r2 - ref.r2) < 1e-9, `${c.name}: R²`);
  }
});

test("fit --scale auto fits P0 for a power column with a unit even when it stays below 1, and says when it holds P0 at 1", async () => {
  const dir = tmp();
  try {
    const { I, P } = curve();
    const write = (name: string, header: string, pScale: number) =>
      writeFileSync(join(dir, name), [header, ...Array.from(I, (v, i) => `${v},${P[i] * pScale}`)].join("\n") + "\n");
    write("nw.csv", "current_mA,power_nW", 1);
    write("nw20.csv", "current_mA,power_nW", 1 / 20);
    write("unitless.csv", "current,power", 1 / TRUE.P0); // normalised: a free P0 fits within 3 SE of 1
    const a = JSON.parse((await cli(["fit", "--data", join(dir, "nw.csv"), "--json", "--no-figure"])).stdout) as { params: Record<string, number> };
    const b = JSON.parse((await cli(["fit", "--data", join(dir, "nw20.csv"), "--json", "--no-figure"])).stdout) as { params: Record<string, number> };
    for (const k of ["a", "b", "Ic", "Q"]) assert.ok(Math.abs(a.params[k] - b.params[k]) <= 1e-6 * Math.abs(a.params[k]), `${k}: ${a.params[k]} vs ${b.params[k]}`);
    const u = await cli(["fit", "--data", join(dir, "unitless.csv"), "--no-figure"]);
    assert.equal(u.code, 0, u.stderr);
    assert.match(u.stdout, /P0 held at 1: the power column has no unit/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("fit refuses a semicolon file with decimal commas, and a row with more fields than the header, writing nothing", async () => {
  const dir = tmp();
  try {
    writeFileSync(join(dir, "eu.csv"), "current_mA;power_nW\n-14,000;6,59262\n-13,500;6,1\n");
    const out = join(dir, "device.json");
    const r = await cli(["fit", "--data", join(dir, "eu.csv"), "--out", out]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /eu\.csv: line 2: fields separated by ';' with decimal commas \("-14,000"\)/);
    writeFileSync(join(dir, "eu2.csv"), "current_mA,power_nW\n-14,000,6,59262\n");
    const r2 = await cli(["fit", "--data", join(dir, "eu2.csv"), "--out", out]);
    assert.equal(r2.code, 2);
    assert.match(r2.stderr, /eu2\.csv: line 2 has 4 fields, the header has 2 \(decimal commas\?/);
    assert.equal(existsSync(out), false);
    assert.equal(existsSync(join(dir, "device-fit.svg")), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  void readFileSync;
});
