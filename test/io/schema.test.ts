import { test } from "node:test";
import assert from "node:assert/strict";
import { z } from "zod";
import { InputError } from "../../src/index.js";
import { checkSchema, jsonPath } from "../../src/io/schema.js";

const schema = z.strictObject({
  name: z.string().min(1),
  mode: z.enum(["fast", "exact"]),
  flag: z.boolean().optional(),
  n: z.int().min(1).max(10),
  list: z.array(z.number()).min(2).max(3),
  nested: z.strictObject({ x: z.array(z.array(z.number())) }).optional(),
});
const good = { name: "a", mode: "fast", n: 3, list: [1, 2] };

function message(value: unknown): string {
  try {
    checkSchema(schema, value, "f.json", { allowed: { "": Object.keys(schema.shape), nested: ["x"] }, missing: { n: "an integer 1..10" } });
  } catch (e) {
    assert.ok(e instanceof InputError);
    return e.message;
  }
  return "accepted";
}

test("jsonPath writes indexes in brackets and keys with dots", () => {
  assert.equal(jsonPath(["A", 2, 0, 5]), "A[2][0][5]");
  assert.equal(jsonPath(["normalization", "min", 3]), "normalization.min[3]");
  assert.equal(jsonPath([0, "a"]), "[0].a");
  assert.equal(jsonPath([]), "");
});

test("checkSchema returns valid input and names the file and path of the first problem", () => {
  assert.deepEqual(checkSchema(schema, good, "f.json"), good);
  assert.equal(message({ ...good, nested: { x: [[1], [2, null]] } }), "f.json: nested.x[1][1]: expected a finite number (got null)");
  assert.equal(message({ ...good, list: [1, Infinity] }), "f.json: list[1]: expected a finite number (got Infinity)");
  assert.equal(message({ ...good, flag: "yes" }), 'f.json: flag: expected true or false (got "yes")');
});

test("checkSchema explains missing fields, bounds, enums and unknown keys", () => {
  const { n: _n, ...noN } = good;
  assert.equal(message(noN), "f.json: missing field n (expected an integer 1..10)");
  assert.equal(message({ ...good, n: 0 }), "f.json: n must be >= 1 (got 0)");
  assert.equal(message({ ...good, n: 11 }), "f.json: n must be <= 10 (got 11)");
  assert.equal(message({ ...good, list: [1] }), "f.json: list must have at least 2 entries (got 1)");
  assert.equal(message({ ...good, list: [1, 2, 3, 4] }), "f.json: list must have at most 3 entries");
  assert.equal(message({ ...good, name: "" }), "f.json: name must not be empty");
  assert.equal(message({ ...good, mode: "slow" }), 'f.json: mode: must be "fast" or "exact" (got "slow")');
  assert.equal(message({ ...good, extra: 1 }), 'f.json: unknown field "extra" (allowed: name, mode, flag, n, list, nested)');
  assert.equal(message({ ...good, nested: { x: [], y: 1, z: 2 } }), 'f.json: nested: unknown fields "y", "z" (allowed: x)');
  assert.equal(message({ ...good, name: "x".repeat(100), mode: 1 }).length < 100, true);
});
