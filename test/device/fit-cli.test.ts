import { after, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cli } from "../helpers/cli.js";
import { loadDeviceArg } from "../../src/node/device-file.js";
import { eq4, Rng, type DeviceCurve } from "../../src/index.js";

const dir = mkdtempSync(join(tmpdir(), "dynaspin-fitcli-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function curveCsv(name: string, n = 81, sigma = 0.005, header = "current_mA,power_nW"): string {
  const c = eq4({ a: -0.8, b: 6, Ic: -6, Q: 0.1 });
  const rng = new Rng(11);
  let s = `${header}\n`;
  for (let i = 0; i < n; i++) {
    const I = -20 + (20 * i) / Math.max(1, n - 1);
    s += `${I},${c.power(I) + sigma * rng.normal()}\n`;
  }
  const p = join(dir, name);
  writeFileSync(p, s);
  return p;
}

test("fit writes a device file that --device loads, with the units from the CSV header", async () => {
  const data = curveCsv("good.csv");
  const out = join(dir, "good.json");
  const r = await cli("fit", "--data", data, "--model", "eq4", "--out", out);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^fit eq4 to .*good\.csv: 81 points\n/);
  assert.match(r.out, /\n {2}Ic {2}= +-6\.\d+ ± 0\.\d+ {2}mA\n/);
  assert.match(r.out, /RMS residual 0\.00\d+ nW, R² 0\.999\d+, \d+ iterations/);
  assert.match(r.out, /wrote .*good-fit\.svg, .*good-fit\.png\n$/);
  const svg = readFileSync(join(dir, "good-fit.svg"), "utf8");
  assert.match(svg, /^<svg[^>]*>/);
  assert.match(svg, /eq\. 4 fit \(a = /);
  assert.match(svg, /eq\. 3 \(Ic = /);
  assert.deepEqual([...readFileSync(join(dir, "good-fit.png")).subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
  const dev = loadDeviceArg(out) as DeviceCurve;
  assert.equal(dev.model, "eq4");
  assert.equal(dev.currentUnit, "mA");
  assert.equal(dev.powerUnit, "nW");
  assert.ok(Math.abs(dev.power(-12) - eq4({ a: -0.8, b: 6, Ic: -6, Q: 0.1 }).power(-12)) < 0.01);
});

test("fit --json prints exactly one JSON object with parameters, errors, RMS and R²", async () => {
  const data = curveCsv("json.csv");
  const r = await cli("fit", "--data", data, "--model", "eq3", "--fix", "Q=0.1", "--json");
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out);
  assert.equal(r.out.trim().split("\n").length, 1);
  assert.equal(j.model, "eq3");
  assert.equal(j.params.Q, 0.1);
  // The power column has a unit (nW), so --scale auto fits P0 even though the values stay below 1.
  assert.deepEqual(j.fixed, ["Q"]);
  assert.ok(j.standardErrors.Ic > 0 && j.r2 > 0.99 && j.rms > 0);
});

test("fit failures exit 2 with one line naming the file and write nothing", async () => {
  const badValue = join(dir, "nan.csv");
  writeFileSync(badValue, "current,power\n1,0\n2,NaN\n3,0.5\n");
  const constant = join(dir, "const.csv");
  writeFileSync(constant, "current,power\n" + Array.from({ length: 20 }, (_, i) => `${i},0.25`).join("\n") + "\n");
  const allBad = join(dir, "allbad.csv");
  writeFileSync(allBad, "current,power,status\n1,0.1,diverged\n2,0.2,switched\n");
  const cases: Array<[string[], RegExp]> = [
    [["--data", allBad], /allbad\.csv: no rows with status ok \(2 skipped\); nothing to fit$/],
    [["--data", curveCsv("few.csv", 4)], /few\.csv: too few points to fit eq4: need at least 6 \(got 4\)$/],
    [["--data", badValue], /nan\.csv: line 3: power must be a finite number \(got "NaN"\)$/],
    [["--data", constant], /const\.csv: power is constant \(0\.25 at all 20 points\); nothing to fit$/],
    [["--data", join(dir, "absent.csv")], /absent\.csv: no such CSV file$/],
    [["--data", curveCsv("m.csv"), "--model", "eq5"], /--model must be one of eq4, eq3 \(got "eq5"\)$/],
    [["--data", curveCsv("b.csv"), "--bounds", "a=1"], /--bounds must be NAME=LO:HI with NAME one of a, b, Ic, Q, P0 for eq4 \(got "a=1"\)$/],
    [["--data", curveCsv("f.csv"), "--fix", "a=x"], /--fix a must be a finite number \(got "x"\)$/],
    [["--out", join(dir, "x.json")], /--data FILE is required/],
  ];
  for (const [args, re] of cases) {
    const out = join(dir, "never.json");
    const r = await cli("fit", ...args, ...(args.includes("--out") ? [] : ["--out", out]));
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.err}`);
    assert.equal(r.out, "");
    assert.equal(r.err.split("\n").length, 2, r.err);
    assert.match(r.err.trim(), new RegExp(`^dynaspin: .*${re.source}`), args.join(" "));
    assert.equal(existsSync(out), false, "no device file on error");
    assert.equal(existsSync(join(dir, "never-fit.svg")) || existsSync(join(dir, "never-fit.png")), false, "no figure on error");
    assert.equal(existsSync(join(dir, "x.json")), false);
  }
});

test("a fit that does not converge is a failed computation: exit 1, the device kept as .failed.json, a hint naming --max-iterations", async () => {
  const out = join(dir, "slow.json");
  const args = ["--data", curveCsv("slow.csv"), "--max-iterations", "1", "--initial", "a=-0.1", "--initial", "b=1", "--initial", "Ic=-15", "--initial", "Q=5", "--out", out];
  const r = await cli("fit", ...args);
  assert.equal(r.code, 1, r.err);
  assert.equal(r.err.split("\n").length, 2, r.err);
  assert.match(r.err, /^dynaspin: fit failed: .*slow\.csv: the fit of eq4 did not converge within 1 iterations .*try --max-iterations \(now 1\), --model eq3, --initial, --fix or --bounds; kept for inspection: .*slow\.failed\.json/);
  assert.equal(existsSync(out), false, "never under the requested name");
  assert.ok(existsSync(join(dir, "slow.failed.json")));
  const j = await cli("fit", ...args.slice(0, -2), "--no-figure", "--json");
  assert.equal(j.code, 1);
  const s = JSON.parse(j.out);
  assert.equal(s.status, "failed");
  assert.equal(s.converged, false);
  assert.match(s.failure, /did not converge/);
});

test("a curve that rises and falls fails the fit with a hint to use it as a table device, which then loads", async () => {
  const c = eq4({ a: -0.8, b: 6, Ic: -6, Q: 0.1 });
  const rng = new Rng(5);
  let s = "current_mA,power_nW\n";
  for (let i = 0; i < 60; i++) {
    const I = -20 + (20 * i) / 59;
    // Rolls off below -14 mA (the power falls back towards 0 at high drive).
    s += `${I},${(c.power(I) * (I < -14 ? Math.exp(-((I + 14) ** 2) / 6) : 1) + 0.005 * rng.normal()) * 40}\n`;
  }
  const data = join(dir, "rolloff.csv");
  writeFileSync(data, s);
  const r = await cli("fit", "--data", data, "--out", join(dir, "rolloff-dev.json"), "--no-figure");
  assert.equal(r.code, 1, r.err);
  assert.match(r.err, /^dynaspin: fit failed: .*rolloff\.csv: .*the measured power rises and falls \(its binned means peak near I = -1[0-9.]+ mA .*use it as a table device, --device with a file holding \{"model": "table", "csv": "rolloff\.csv"\} next to rolloff\.csv/);
  assert.doesNotMatch(r.err, /try --model eq3/);
  // The suggested device loads and follows the roll-off.
  const dev = join(dir, "rolloff-table.json");
  writeFileSync(dev, JSON.stringify({ model: "table", csv: "rolloff.csv" }));
  const t = loadDeviceArg(dev, 1) as DeviceCurve;
  assert.ok(t.power(-19) < 0.5 * t.power(-13), `table rolls off: ${t.power(-19)} vs ${t.power(-13)}`);
  // A monotone curve that fails for another reason keeps the other hint.
  const flat = join(dir, "noisy.csv");
  writeFileSync(flat, "current,power\n" + Array.from({ length: 40 }, (_, i) => `${i},${(0.5 + 0.05 * rng.normal()).toFixed(4)}`).join("\n") + "\n");
  const f = await cli("fit", "--data", flat, "--no-figure");
  if (f.code === 1) assert.doesNotMatch(f.err, /table device/);
});

test("an eq3 fit draws data and the eq3 fit; --no-figure writes only the device file; --figure takes a path", async () => {
  const data = curveCsv("eq3.csv", 61, 0.004, "current,power");
  const fig = join(dir, "figs", "eq3fit.png");
  const r = await cli("fit", "--data", data, "--model", "eq3", "--figure", fig);
  assert.equal(r.code, 0, r.err);
  assert.match(readFileSync(join(dir, "figs", "eq3fit.svg"), "utf8"), /eq\. 3 fit \(Ic = /);
  assert.ok(existsSync(fig));
  const out = join(dir, "nofig.json");
  const r2 = await cli("fit", "--data", data, "--out", out, "--no-figure");
  assert.equal(r2.code, 0, r2.err);
  assert.ok(existsSync(out));
  assert.equal(existsSync(join(dir, "nofig-fit.svg")), false);
});

test("a curve in nW is fitted with a power scale and drawn normalised by it", async () => {
  const c = eq4({ a: -0.8, b: 6, Ic: -6, Q: 0.1 });
  const p = join(dir, "nw.csv");
  writeFileSync(p, "current_mA,power_nW\n" + Array.from({ length: 41 }, (_, i) => `${-20 + i / 2},${8 * c.power(-20 + i / 2)}`).join("\n") + "\n");
  const r = await cli("fit", "--data", p, "--figure", join(dir, "nw"), "--json");
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out);
  assert.ok(Math.abs(j.params.P0 - 8) < 1e-4, String(j.params.P0));
  assert.equal(j.powerUnit, "nW");
  assert.match(readFileSync(join(dir, "nw.svg"), "utf8"), /÷ P0 = 8/);
});
