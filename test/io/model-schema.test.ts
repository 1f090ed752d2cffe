import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { parseModelJson, InputError, type ModelJson } from "../../src/index.js";
import { MODEL_VERSION } from "../../src/io/model-schema.js";
import { readModelFile } from "../../src/node/model-file.js";

type Json = Record<string, unknown>;

/** A small valid model: k = 2 oscillators, 1 step, 3 classes. */
function model(): Json {
  return {
    format: "dynaspin.model",
    version: 1,
    device: { model: "eq4", a: 4, b: 5, Ic: 1, Q: 2 },
    k: 2,
    steps: 1,
    classes: 3,
    A: [[[0, 0.5], [-0.25, 0]]],
    B: [[0.1, -0.2]],
    W: [[1, 0], [0, 1], [0.5, 0.5]],
    c: [0, 0, 1e-3],
  };
}

/** Asserts that `m` is refused with an InputError whose one-line message matches `pattern`. */
function refuses(m: unknown, pattern: RegExp): void {
  assert.throws(
    () => parseModelJson(m, "model.json"),
    (e: unknown) => {
      assert.ok(e instanceof InputError, `expected InputError, got ${String(e)}`);
      assert.match(e.message, pattern);
      assert.ok(e.message.startsWith("model.json: "), e.message);
      assert.ok(!/[\r\n]/.test(e.message), "one line");
      return true;
    },
  );
}

function edit(f: (m: any) => void): Json {
  const m = model();
  f(m);
  return m;
}

test("a valid model with every optional field is returned unchanged", () => {
  const m = edit((m) => {
    m.device = [m.device, { model: "eq3", Ic: -6, Q: 0.1 }];
    m.normalization = { min: [0, -1], max: [1, -1] };
    m.classNames = ["a", "b", "c"];
    m.hardware = { bits: 8 };
    m.training = { seed: 1, epochs: 3 };
  });
  const parsed: ModelJson = parseModelJson(JSON.parse(JSON.stringify(m)), "model.json");
  assert.deepEqual(parsed, m);
});

test("a file that is not a dynaspin model is refused as such", () => {
  refuses([1, 2], /^model\.json: not a dynaspin model file \(expected a JSON object, got an array\)$/);
  refuses(null, /not a dynaspin model file/);
  refuses({ k: 1 }, /not a dynaspin model file \(no "format" field, expected "format": "dynaspin.model"\)/);
  refuses(edit((m) => (m.format = "dynaspin.device")), /not a dynaspin model file \(format is "dynaspin.device"/);
});

test("a newer model version is refused asking for an upgrade, a bad one is refused plainly", () => {
  refuses(edit((m) => (m.version = MODEL_VERSION + 1)), new RegExp(`^model\\.json: model version ${MODEL_VERSION + 1} is newer than this dynaspin supports \\(${MODEL_VERSION}\\); upgrade dynaspin$`));
  refuses(edit((m) => delete m.version), /missing field version/);
  refuses(edit((m) => (m.version = "1")), new RegExp(`version must be an integer 1\\.\\.${MODEL_VERSION} \\(got "1"\\)`));
  refuses(edit((m) => (m.version = 0)), new RegExp(`version must be an integer 1\\.\\.${MODEL_VERSION} \\(got 0\\)`));
});

test("a non-finite or non-numeric entry is refused naming its path", () => {
  refuses(edit((m) => (m.A[0][1][0] = null)), /^model\.json: A\[0\]\[1\]\[0\]: expected a finite number \(got null\)$/);
  refuses(edit((m) => (m.B[0][1] = "0.2")), /B\[0\]\[1\]: expected a finite number \(got "0.2"\)/);
  refuses(edit((m) => (m.c[2] = Infinity)), /c\[2\]: expected a finite number \(got Infinity\)/);
  refuses(edit((m) => (m.W[1] = 3)), /W\[1\]: expected an array \(got 3\)/);
});

test("arrays of the wrong length are refused naming the path and the expected length", () => {
  refuses(edit((m) => m.A.push(m.A[0])), /^model\.json: A has 2 entries, expected steps = 1$/);
  refuses(edit((m) => m.A[0].pop()), /^model\.json: A\[0\] has 1 row, expected k = 2$/);
  refuses(edit((m) => m.A[0][1].push(1)), /A\[0\]\[1\] has 3 entries, expected k = 2/);
  refuses(edit((m) => m.B[0].pop()), /B\[0\] has 1 entry, expected k = 2/);
  refuses(edit((m) => m.W.pop()), /W has 2 rows, expected classes = 3/);
  refuses(edit((m) => m.W[2].push(0)), /W\[2\] has 3 entries, expected k = 2/);
  refuses(edit((m) => m.c.pop()), /c has 2 entries, expected classes = 3/);
  refuses(edit((m) => (m.classNames = ["a", "b"])), /classNames has 2 entries, expected classes = 3/);
  refuses(edit((m) => (m.device = [m.device])), /device has 1 entry, expected k = 2/);
});

test("counts must be integers in range and required fields present", () => {
  refuses(edit((m) => (m.k = 0)), /^model\.json: k must be >= 1 \(got 0\)$/);
  refuses(edit((m) => (m.classes = 1)), /classes must be >= 2 \(got 1\)/);
  refuses(edit((m) => (m.steps = 1.5)), /steps: expected an integer \(got 1.5\)/);
  refuses(edit((m) => delete m.W), /missing field W \(expected classes × k finite numbers\)/);
  refuses(edit((m) => delete m.device), /missing field device/);
});

test("unknown keys are refused by name, at the top level and inside normalization", () => {
  refuses(edit((m) => (m.weights = [])), /^model\.json: unknown field "weights" \(allowed: format, version, device, k, steps/);
  refuses(edit((m) => (m.normalization = { min: [0, 0], max: [1, 1], mean: [0, 0] })), /normalization: unknown field "mean" \(allowed: min, max\)/);
});

test("normalization needs max >= min and class names must be distinct strings", () => {
  refuses(edit((m) => (m.normalization = { min: [0, 2], max: [1, 1] })), /normalization\.max\[1\] must be >= normalization\.min\[1\] \(got 1 < 2\)/);
  refuses(edit((m) => (m.classNames = ["a", "b", "a"])), /classNames\[2\]: duplicate class name "a" \(also classNames\[0\]\)/);
  refuses(edit((m) => (m.classNames = ["a", 2, "c"])), /classNames\[1\]: expected a string \(got 2\)/);
});

test("device specs are checked by the device module with the file and path in the message", () => {
  refuses(edit((m) => (m.device = "eq4")), /^model\.json: device: expected a device object with a string "model"/);
  refuses(edit((m) => (m.device = { model: "eq4", a: 4, b: 5, Ic: 1, Q: -1 })), /^model\.json: device\.Q must be > 0/);
  refuses(edit((m) => (m.device = [m.device, { model: "eq9" }])), /^model\.json: device\[1\]\.model must be one of eq4, eq3/);
  refuses(edit((m) => (m.device = { model: "table", csv: "curve.csv" })), /^model\.json: device\.csv: a model file must be self-contained/);
  const table = { model: "table", current: [0, 1, 2, 3], power: [0, 0.5, 1, 1.2] };
  assert.deepEqual(parseModelJson(edit((m) => (m.device = table)), "model.json").device, table);
});

test("hardware and training must be objects when present", () => {
  refuses(edit((m) => (m.hardware = [])), /hardware: expected an object \(got \[\]\)/);
  refuses(edit((m) => (m.training = "fast")), /training: expected an object/);
});

test("readModelFile reads a valid file and names the path for missing and malformed files", () => {
  const dir = mkdtempSync(join(tmpdir(), "dynaspin-model-"));
  try {
    const good = join(dir, "m.json");
    writeFileSync(good, JSON.stringify(model()));
    assert.deepEqual(readModelFile(good), model());
    const broken = join(dir, "broken.json");
    writeFileSync(broken, "{ \"format\": ");
    assert.throws(() => readModelFile(broken), (e: unknown) => e instanceof InputError && e.message.startsWith(`${broken}: not valid JSON`));
    assert.throws(() => readModelFile(join(dir, "none.json")), (e: unknown) => e instanceof InputError && /none\.json: no such model file/.test(e.message));
    const shaped = join(dir, "shaped.json");
    writeFileSync(shaped, JSON.stringify(edit((m) => m.A[0].pop())));
    assert.throws(() => readModelFile(shaped), (e: unknown) => e instanceof InputError && e.message === `${shaped}: A[0] has 1 row, expected k = 2`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// ---- property-based tests ----

const finiteDouble = fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }).map((v) => (Object.is(v, -0) ? 0 : v));

/** Random valid models of small size, as they come out of JSON.parse. */
const validModel = fc
  .record({ k: fc.integer({ min: 1, max: 4 }), steps: fc.integer({ min: 1, max: 3 }), classes: fc.integer({ min: 2, max: 4 }) })
  .chain(({ k, steps, classes }) =>
    fc.record(
      {
        format: fc.constant("dynaspin.model"),
        version: fc.constant(1),
        device: fc.oneof(
          fc.constant({ model: "eq4", a: 4, b: 5, Ic: 1, Q: 2 }),
          fc.constant(Array.from({ length: k }, () => ({ model: "eq3", Ic: -6, Q: 0.1 }))),
        ),
        k: fc.constant(k),
        steps: fc.constant(steps),
        classes: fc.constant(classes),
        A: fc.array(fc.array(fc.array(finiteDouble, { minLength: k, maxLength: k }), { minLength: k, maxLength: k }), { minLength: steps, maxLength: steps }),
        B: fc.array(fc.array(finiteDouble, { minLength: k, maxLength: k }), { minLength: steps, maxLength: steps }),
        W: fc.array(fc.array(finiteDouble, { minLength: k, maxLength: k }), { minLength: classes, maxLength: classes }),
        c: fc.array(finiteDouble, { minLength: classes, maxLength: classes }),
        normalization: fc.array(fc.tuple(finiteDouble, finiteDouble), { minLength: k, maxLength: k }).map((pairs) => ({
          min: pairs.map(([a, b]) => Math.min(a, b)),
          max: pairs.map(([a, b]) => Math.max(a, b)),
        })),
        classNames: fc.uniqueArray(fc.string({ maxLength: 6 }), { minLength: classes, maxLength: classes }),
        training: fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 2 })),
      },
      { requiredKeys: ["format", "version", "device", "k", "steps", "classes", "A", "B", "W", "c"] },
    ),
  )
  .map((m) => JSON.parse(JSON.stringify(m)) as Json);

test("random valid models round-trip through JSON unchanged", () => {
  fc.assert(
    fc.property(validModel, (m) => {
      assert.deepEqual(parseModelJson(JSON.parse(JSON.stringify(m)), "model.json"), m);
    }),
    { numRuns: 200, seed: 20260601 },
  );
});

/** Picks a random numeric leaf of A, B, W or c: returns its parent array, index and path. */
function leaf(m: Json, which: number, pick: number): { parent: unknown[]; index: number; path: string } {
  const field = (["A", "B", "W", "c"] as const)[which % 4]!;
  let node: unknown = m[field];
  let path = field;
  for (;;) {
    const arr = node as unknown[];
    const i = pick % arr.length;
    pick = Math.floor(pick / arr.length) + 7;
    if (!Array.isArray(arr[i])) return { parent: arr, index: i, path: `${path}[${i}]` };
    node = arr[i];
    path += `[${i}]`;
  }
}

test("random mutations of a valid model are refused with an InputError naming the path", () => {
  const mutation = fc.record({
    kind: fc.constantFrom("null", "string", "nan", "drop", "extra", "extraKey", "deleteKey", "wrongType"),
    which: fc.nat(),
    pick: fc.nat(),
    key: fc.constantFrom("k", "steps", "classes", "A", "B", "W", "c", "device"),
  });
  fc.assert(
    fc.property(validModel, mutation, (original, mu) => {
      const m = structuredClone(original); // fast-check may replay a value while shrinking
      const { parent, index, path } = leaf(m, mu.which, mu.pick);
      let expected: string;
      switch (mu.kind) {
        case "null":
        case "nan": // JSON has no NaN: JSON.stringify writes it as null
          parent[index] = mu.kind === "null" ? null : JSON.parse(JSON.stringify(NaN));
          expected = `${path}: expected a finite number (got null)`;
          break;
        case "string":
          parent[index] = String(parent[index]);
          expected = `${path}: expected a finite number (got "`;
          break;
        case "drop":
          parent.splice(index, 1);
          expected = `${path.replace(/\[\d+\]$/, "")} has ${parent.length} `;
          break;
        case "extra":
          parent.push(0);
          expected = `${path.replace(/\[\d+\]$/, "")} has ${parent.length} `;
          break;
        case "extraKey":
          m["x" + mu.key] = 1;
          expected = `unknown field "x${mu.key}"`;
          break;
        case "deleteKey":
          delete m[mu.key];
          expected = `missing field ${mu.key}`;
          break;
        default:
          m[mu.key] = mu.key === "device" ? 3 : { value: 1 };
          expected = `${mu.key}: expected`;
      }
      assert.throws(
        () => parseModelJson(m, "model.json"),
        (e: unknown) => {
          assert.ok(e instanceof InputError, `expected InputError, got ${String(e)}`);
          assert.ok(e.message.startsWith("model.json: "), e.message);
          assert.ok(e.message.includes(expected), `${e.message} should include ${expected}`);
          return true;
        },
      );
    }),
    { numRuns: 200, seed: 20260602 },
  );
});

/** Parses `v`; passes when it is accepted or refused with a one-line InputError naming the file. */
function cleanOutcome(v: unknown): void {
  try {
    parseModelJson(v, "model.json");
  } catch (e) {
    assert.ok(e instanceof InputError, `expected InputError, got ${e instanceof Error ? e.stack : String(e)}`);
    assert.ok(e.message.startsWith("model.json: "), e.message);
    assert.ok(!/[\r\n]/.test(e.message), "one line");
  }
}

test("arbitrary JSON in any field never crashes the validator", () => {
  const keys = Object.keys(model());
  fc.assert(
    fc.property(
      fc.oneof(
        fc.jsonValue(),
        fc.tuple(validModel, fc.constantFrom(...keys, "normalization", "classNames", "hardware"), fc.jsonValue({ maxDepth: 4 })).map(([m, key, v]) => ({ ...m, [key]: v })),
      ),
      cleanOutcome,
    ),
    { numRuns: 300, seed: 20260603 },
  );
});

test("random device specs are refused cleanly or accepted", () => {
  const anyValue = fc.oneof(finiteDouble, fc.constantFrom(0, -1, 1, null, "1", 1e308), fc.jsonValue({ maxDepth: 1 }));
  const spec = fc.record(
    {
      model: fc.constantFrom("eq4", "eq3", "table", "tabel", ""),
      a: anyValue,
      b: anyValue,
      Ic: anyValue,
      Q: anyValue,
      current: fc.oneof(fc.array(anyValue, { maxLength: 5 }), anyValue),
      power: fc.oneof(fc.array(anyValue, { maxLength: 5 }), anyValue),
      extrapolation: fc.constantFrom("clamp", "linear", "cubic", 3),
      polarity: fc.constantFrom(1, -1, 0, "1"),
      currentUnit: fc.constantFrom("mA", 1),
    },
    { requiredKeys: ["model"] },
  );
  fc.assert(
    fc.property(validModel, fc.oneof(spec, fc.array(spec, { minLength: 1, maxLength: 4 })), (m, device) => {
      if (Array.isArray(device)) device.length = m.k as number;
      cleanOutcome({ ...m, device: Array.isArray(device) ? Array.from(device, (d) => d ?? { model: "eq3", Ic: 1, Q: 1 }) : device });
    }),
    { numRuns: 300, seed: 20260604 },
  );
});

test("the model schema module imports nothing platform-specific", async () => {
  const { readFileSync } = await import("node:fs");
  const source = readFileSync(new URL("../../src/io/model-schema.ts", import.meta.url), "utf8");
  const imports = [...source.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1]!);
  assert.ok(imports.length > 0);
  for (const spec of imports) assert.ok(spec === "zod" || /^\.\.?\//.test(spec), spec);
});
