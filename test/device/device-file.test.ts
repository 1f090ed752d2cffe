import { after, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadDeviceArg, deviceFileJson, readCurveCsv } from "../../src/node/device-file.js";
import { eq3, eq4, InputError, type DeviceCurve } from "../../src/index.js";

const dir = mkdtempSync(join(tmpdir(), "dynaspin-devfile-"));
after(() => rmSync(dir, { recursive: true, force: true }));
function file(name: string, content: unknown): string {
  const p = join(dir, name);
  writeFileSync(p, typeof content === "string" ? content : JSON.stringify(content));
  return p;
}
function fails(f: () => unknown, message: string | RegExp): void {
  assert.throws(f, (e: unknown) => {
    if (!(e instanceof InputError) || e.message.includes("\n")) return false;
    return typeof message === "string" ? e.message === message : message.test(e.message);
  }, String(message));
}

test("a preset name loads the preset curve", () => {
  const c = loadDeviceArg("zeng2013") as DeviceCurve;
  assert.equal(c.model, "eq3");
  assert.equal(c.currentUnit, "µA");
});

test("a bare spec, a wrapped spec and a device array all load", () => {
  const bare = loadDeviceArg(file("bare.json", { model: "eq4", a: 4, b: 5, Ic: 1, Q: 2, currentUnit: "mA", powerUnit: "nW" })) as DeviceCurve;
  assert.equal(bare.power(2), eq4().power(2));
  assert.equal(bare.currentUnit, "mA");
  const wrapped = loadDeviceArg(file("wrapped.json", { format: "dynaspin.device", version: 1, device: { model: "eq3", Ic: -6, Q: 0.1 } })) as DeviceCurve;
  assert.equal(wrapped.power(-12), eq3({ Ic: -6, Q: 0.1 }).power(-12));
  const arr = loadDeviceArg(
    file("array.json", { format: "dynaspin.device", version: 1, devices: [{ model: "eq4", a: 3.9, b: 5, Ic: 1, Q: 2 }, { model: "eq4", a: 4.1, b: 5, Ic: 1, Q: 2 }] }),
    2,
  );
  assert.ok(Array.isArray(arr));
  assert.equal(arr.length, 2);
  assert.equal(arr[1].power(1.5), eq4({ a: 4.1 }).power(1.5));
});

test("an inline table and a table read from a CSV file next to the JSON load", () => {
  const inline = loadDeviceArg(file("inline.json", { model: "table", current: [0, 1, 2, 3], power: [0, 0.1, 0.5, 0.7], extrapolation: "linear", currentUnit: "mA", powerUnit: "nW" })) as DeviceCurve;
  assert.equal(inline.model, "table");
  assert.equal(inline.power(2), 0.5);
  file("llg.csv", "# from dynaspin llg\ncurrent_mA,power,status\n0,0,ok\n1,0.1,ok\n1.5,99,diverged\n2,0.5,ok\n3,0.7,ok\n");
  const fromCsv = loadDeviceArg(file("fromcsv.json", { model: "table", csv: "llg.csv" })) as DeviceCurve;
  assert.equal(fromCsv.power(2), 0.5);
  assert.ok(fromCsv.power(1.5) < 0.5, "the diverged row was skipped");
  file("excel.csv", "\uFEFFCurrent (mA);Power (nW)\r\n1;0.5\r\n2;0.7\r\n");
  const excel = readCurveCsv(join(dir, "excel.csv"));
  assert.deepEqual([Array.from(excel.current), Array.from(excel.power), excel.currentUnit, excel.powerUnit], [[1, 2], [0.5, 0.7], "mA", "nW"]);
  const data = readCurveCsv(join(dir, "llg.csv"));
  assert.equal(data.skipped, 1);
  assert.deepEqual(Array.from(data.current), [0, 1, 2, 3]);
});

test("deviceFileJson writes what loadDeviceArg reads back", () => {
  const one = loadDeviceArg(file("one.json", deviceFileJson(eq4({ a: 3 }, { currentUnit: "mA" })))) as DeviceCurve;
  assert.deepEqual(one.toSpec(), { model: "eq4", a: 3, b: 5, Ic: 1, Q: 2, currentUnit: "mA" });
  const many = loadDeviceArg(file("many.json", deviceFileJson([eq4(), eq3({ Ic: -6, Q: 0.1 })])), 2) as DeviceCurve[];
  assert.deepEqual(many.map((c) => c.model), ["eq4", "eq3"]);
});

test("bad device files are refused with one line naming the file and the field", () => {
  const p = (n: string) => join(dir, n);
  fails(() => loadDeviceArg(file("q.json", { model: "eq4", a: 4, b: 5, Ic: 1, Q: -2 })), new RegExp(`^${p("q.json")}: Q must be > 0 for eq4 \\(got -2\\)`));
  fails(() => loadDeviceArg(file("ic.json", { model: "eq3", Ic: 0, Q: 0.1 })), `${p("ic.json")}: Ic must be non-zero (got 0): the threshold current sets the drive polarity`);
  fails(() => loadDeviceArg(file("nan.json", { model: "eq4", a: "4", b: 5, Ic: 1, Q: 2 })), `${p("nan.json")}: a must be a finite number (got "4")`);
  fails(() => loadDeviceArg(file("model.json", { model: "eq5" })), `${p("model.json")}: model must be one of eq4, eq3, table (got "eq5")`);
  fails(() => loadDeviceArg(file("nomodel.json", { a: 4 })), new RegExp(`^${p("nomodel.json")}: model is missing`));
  fails(() => loadDeviceArg(file("fmt.json", { format: "other", version: 1, device: {} })), `${p("fmt.json")}: format must be "dynaspin.device" (got "other")`);
  fails(() => loadDeviceArg(file("ver.json", { format: "dynaspin.device", version: 2, device: {} })), `${p("ver.json")}: device file version 2 is newer than this dynaspin supports (1); upgrade dynaspin`);
  fails(() => loadDeviceArg(file("both.json", { format: "dynaspin.device", version: 1 })), new RegExp(`^${p("both.json")}: give exactly one of device`));
  fails(
    () => loadDeviceArg(file("arr.json", { format: "dynaspin.device", version: 1, devices: [{ model: "eq4", a: 4, b: 5, Ic: 1, Q: 2 }, { model: "eq3", Ic: 1, Q: -3 }] })),
    new RegExp(`^${p("arr.json")}: devices\\[1\\]\\.Q must be > -1 for eq3 \\(got -3\\)`),
  );
  fails(
    () => loadDeviceArg(file("k.json", { format: "dynaspin.device", version: 1, devices: [{ model: "eq4", a: 4, b: 5, Ic: 1, Q: 2 }] }), 3),
    `${p("k.json")}: devices must have one entry per oscillator, 3 (got 1)`,
  );
  fails(() => loadDeviceArg(file("tab.json", { model: "table", current: [1, 2, 3], power: [1, null, 3] })), `${p("tab.json")}: power[1] must be a finite number (got null)`);
  fails(() => loadDeviceArg(file("nocsv.json", { model: "table", csv: "missing.csv" })), `${p("missing.csv")}: no such CSV file`);
  file("badrow.csv", "current,power\n1,0.1\n2,abc\n");
  fails(() => loadDeviceArg(file("badcsv.json", { model: "table", csv: "badrow.csv" })), `${p("badrow.csv")}: line 3: power must be a finite number (got "abc")`);
  file("nohead.csv", "Ib,Pb\n1,2\n");
  fails(() => readCurveCsv(p("nohead.csv")), `${p("nohead.csv")}: line 1: header must name a current column (current, i) and a power column (power, p), each optionally with a unit such as current_mA or P_nW (got "Ib", "Pb")`);
  fails(() => loadDeviceArg(file("broken.json", "{ model: eq4 ")), new RegExp(`^${p("broken.json")}: not valid JSON`));
  fails(() => loadDeviceArg(p("absent.json")), `${p("absent.json")}: no such device file`);
  fails(() => loadDeviceArg("hamadeh"), '--device must be a preset (paper-test, hamadeh2012, zeng2013) or a path to a device JSON file (got "hamadeh")');
});

test("a curve's columns are found by symbol too (I_mA, P (nW)), with their units", () => {
  const c = readCurveCsv(file("symbols.csv", "index,P (nW),I_mA\n0,0,-1\n1,2.5,-6\n2,4,-8\n"));
  assert.deepEqual([...c.current], [-1, -6, -8]);
  assert.deepEqual([...c.power], [0, 2.5, 4]);
  assert.equal(c.currentUnit, "mA");
  assert.equal(c.powerUnit, "nW");
});
