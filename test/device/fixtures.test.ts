// Fixtures: eq4-noise.csv (generator: fixtures/make-eq4-noise.ts) and llg-py-cu-py.csv, the
// macrospin p(I) of the py-cu-py preset at T = 0 made by
//   node bin/dynaspin.js llg --params py-cu-py --currents 2:12.4:0.2 --temperature 0 --duration 150 --out llg-py-cu-py.csv
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { fitCurve, type DeviceCurve } from "../../src/index.js";
import { parseDeviceJson, readCurveCsv } from "../../src/node/device-file.js";
import { EQ4_NOISE, eq4NoiseCsv } from "./fixtures/make-eq4-noise.js";

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

test("the checked-in eq4-noise fixture is exactly what its generator makes", () => {
  assert.equal(readFileSync(fixture("eq4-noise.csv"), "utf8"), eq4NoiseCsv());
});

test("fitting the eq4-noise fixture recovers its parameters within 3 standard errors", () => {
  const d = readCurveCsv(fixture("eq4-noise.csv"));
  assert.equal(d.currentUnit, "mA");
  const r = fitCurve("eq4", d.current, d.power);
  for (const k of ["a", "b", "Ic", "Q"] as const) {
    assert.ok(Math.abs(r.params[k] - EQ4_NOISE[k]) <= 3 * r.standardErrors[k], `${k}: ${r.params[k]} ± ${r.standardErrors[k]}`);
  }
  assert.ok(Math.abs(r.rms - EQ4_NOISE.sigma) < 0.001);
});

test("the macrospin p(I) curve skips its non-ok rows and becomes a usable table device", () => {
  const d = readCurveCsv(fixture("llg-py-cu-py.csv"));
  assert.ok(d.skipped >= 1);
  assert.ok(d.current.length >= 40);
  const dev = parseDeviceJson({ model: "table", csv: "llg-py-cu-py.csv", currentUnit: "mA" }, fixture("device.json")) as DeviceCurve;
  assert.equal(dev.polarity, 1);
  assert.equal(dev.currentUnit, "mA");
  // The closed-form threshold of the preset is 5.19 mA; 10% of the maximum is reached a bit above it.
  assert.ok(dev.currentScale > 5 && dev.currentScale < 8, String(dev.currentScale));
  const r = fitCurve("eq4", d.current, d.power);
  assert.ok(r.converged && r.r2 > 0.99, `R² ${r.r2}`);
});
