// The device file schema (docs/schemas/device.schema.json) against the reader: the same fields per
// model, every file the library writes validates, and each file the reader refuses for a rule the
// schema states is refused by the schema too.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEVICE_FILE_SCHEMA, EQ3_SPEC_SCHEMA, EQ4_SPEC_SCHEMA, TABLE_SPEC_SCHEMA } from "../../src/io/device-schema.js";
import { DEVICE_SPEC_FIELDS, deviceFileJson } from "../../src/device/spec.js";
import { PRESET_NAMES, presetCurve } from "../../src/device/presets.js";
import { eq3, eq4 } from "../../src/device/analytic.js";
import { tableCurve } from "../../src/device/table.js";
import { parseDeviceJson } from "../../src/node/device-file.js";
import { InputError } from "../../src/util/errors.js";

test("the schema has exactly the fields the reader accepts for each device model", () => {
  const shapes = { eq4: EQ4_SPEC_SCHEMA, eq3: EQ3_SPEC_SCHEMA, table: TABLE_SPEC_SCHEMA };
  assert.deepEqual(Object.keys(shapes).sort(), Object.keys(DEVICE_SPEC_FIELDS).sort());
  for (const [model, schema] of Object.entries(shapes)) {
    assert.deepEqual(Object.keys(schema.shape).sort(), [...DEVICE_SPEC_FIELDS[model]!].sort(), model);
  }
});

test("every device file the library writes validates against the schema (presets, eq3/eq4 with units, tables, one or one per oscillator)", () => {
  const curves = [
    ...PRESET_NAMES.map((n) => presetCurve(n)),
    eq4({ a: 0.3, b: 2, Ic: -6, Q: 1.5, P0: 40 }, { currentUnit: "mA", powerUnit: "nW" }),
    eq3({ Ic: 2, Q: -0.5 }),
    tableCurve([0, 1, 2, 3], [0, 0.2, 0.5, 0.6], { extrapolation: "linear", currentUnit: "mA" }),
  ];
  for (const c of curves) {
    const text = deviceFileJson(c);
    const r = DEVICE_FILE_SCHEMA.safeParse(JSON.parse(text));
    assert.ok(r.success, `${text}\n${r.success ? "" : r.error.message}`);
    assert.ok(DEVICE_FILE_SCHEMA.safeParse(c.toSpec()).success, "the bare spec");
  }
  const many = JSON.parse(deviceFileJson(curves, { fit: { rmse: 0.01 } }));
  assert.ok(DEVICE_FILE_SCHEMA.safeParse(many).success, "devices, with an extra field");
});

const BAD: Array<[string, unknown]> = [
  ["Ic = 0", { model: "eq4", a: 4, b: 5, Ic: 0, Q: 2 }],
  ["eq4 Q ≤ 0", { model: "eq4", a: 4, b: 5, Ic: 1, Q: 0 }],
  ["eq3 Q ≤ -1", { model: "eq3", Ic: 1, Q: -1 }],
  ["P0 ≤ 0", { model: "eq3", Ic: 1, Q: 2, P0: -3 }],
  ["missing a", { model: "eq4", b: 5, Ic: 1, Q: 2 }],
  ["a string parameter", { model: "eq4", a: "4", b: 5, Ic: 1, Q: 2 }],
  ["a misspelt field", { model: "eq4", a: 4, b: 5, Ic: 1, Q: 2, P_0: 1 }],
  ["an unknown model", { model: "eq5", Ic: 1 }],
  ["a one-point table", { model: "table", current: [1], power: [1] }],
  ["an unknown extrapolation", { model: "table", current: [0, 1], power: [0, 1], extrapolation: "cubic" }],
  ["polarity 2", { model: "table", current: [0, 1], power: [0, 1], polarity: 2 }],
  ["both device and devices", { format: "dynaspin.device", version: 1, device: { model: "eq3", Ic: 1, Q: 2 }, devices: [{ model: "eq3", Ic: 1, Q: 2 }] }],
  ["neither device nor devices", { format: "dynaspin.device", version: 1 }],
  ["an empty devices list", { format: "dynaspin.device", version: 1, devices: [] }],
  ["a newer version", { format: "dynaspin.device", version: 2, device: { model: "eq3", Ic: 1, Q: 2 } }],
  ["another format", { format: "dynaspin.model", version: 1, device: { model: "eq3", Ic: 1, Q: 2 } }],
];

test("a device file the reader refuses for a rule the schema states is refused by the schema too", () => {
  const dir = mkdtempSync(join(tmpdir(), "dynaspin-device-schema-"));
  try {
    for (const [what, json] of BAD) {
      const file = join(dir, "device.json");
      writeFileSync(file, JSON.stringify(json));
      assert.throws(() => parseDeviceJson(json, file), InputError, `the reader refuses ${what}`);
      assert.equal(DEVICE_FILE_SCHEMA.safeParse(json).success, false, `the schema refuses ${what}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
