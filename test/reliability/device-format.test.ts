import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadDeviceArg, deviceFileJson } from "../../src/node/device-file.js";
import { eq4, eq3, tableCurve, InputError, type DeviceCurve } from "../../src/index.js";

const dir = mkdtempSync(join(tmpdir(), "dynaspin-devfmt-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: unknown): string {
  const p = join(dir, name);
  writeFileSync(p, typeof content === "string" ? content : JSON.stringify(content));
  return p;
}

function refused(path: string, pattern: RegExp): void {
  assert.throws(() => loadDeviceArg(path, 2), (e: unknown) => e instanceof InputError && pattern.test(e.message) && !e.message.includes("\n"));
}

test("a misspelt field in a device spec is refused naming its path and the allowed fields", () => {
  refused(file("bare.json", { model: "eq4", a: 4, b: 5, Ic: 1, Q: 2, P_0: 3 }), /bare\.json: unknown field "P_0" \(allowed: model, a, b, Ic, Q, P0, currentUnit, powerUnit, measuredCurrent\)$/);
  refused(
    file("many.json", { format: "dynaspin.device", version: 1, devices: [{ model: "eq3", Ic: 1, Q: 2 }, { model: "table", current: [0, 1], power: [0, 1], extrapolaton: "linear" }] }),
    /many\.json: devices\[1\]: unknown field "extrapolaton" \(allowed: model, current, power, csv, extrapolation/,
  );
  refused(file("one.json", { format: "dynaspin.device", version: 1, device: { model: "eq3", Ic: 1, Q: 2, a: 4 } }), /one\.json: device: unknown field "a"/);
});

test("a newer device file version is refused asking for an upgrade", () => {
  refused(file("v2.json", { format: "dynaspin.device", version: 2, device: { model: "eq3", Ic: 1, Q: 2 } }), /v2\.json: device file version 2 is newer than this dynaspin supports \(1\); upgrade dynaspin$/);
});

test("every curve written by deviceFileJson, with metadata, loads back equal", () => {
  const curves: DeviceCurve[] = [eq4({ a: 3, P0: 2 }, { currentUnit: "mA", powerUnit: "nW" }), eq3({ Ic: -6, Q: 0.1 }), tableCurve([0, 1, 2], [0, 1, 1.5], { extrapolation: "linear", polarity: 1 })];
  for (const [i, c] of curves.entries()) {
    const back = loadDeviceArg(file(`w${i}.json`, deviceFileJson(c, { fit: { rms: 0.1 } }))) as DeviceCurve;
    assert.deepEqual(back.toSpec(), c.toSpec());
  }
  const many = loadDeviceArg(file("wm.json", deviceFileJson(curves.slice(0, 2))), 2) as DeviceCurve[];
  assert.deepEqual(many.map((c) => c.toSpec()), curves.slice(0, 2).map((c) => c.toSpec()));
});
