// Every field of the public API's interfaces, object types and classes, and of the object types
// its functions take and return (what TypeDoc shows a reader of `npm run docs:api`), has a doc
// comment saying what it is, with formula, unit and default where they apply. A new field
// without one fails here, with the file to fix. TypeDoc checks the same (typedoc.json requires a
// comment on every property, so `npm run docs:api` fails too); its run is the last test.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { publicFields } from "./field-docs.js";

const root = fileURLToPath(new URL("../..", import.meta.url));

test("every field of a public interface, object type or class has a doc comment", () => {
  const fields = publicFields();
  assert.ok(fields.length > 500, `the walk sees the public fields (${fields.length})`);
  const bare = fields.filter((f) => !f.documented).map((f) => `${f.path} (${f.file})`);
  assert.deepEqual(bare, [], "add a doc comment to each of these public fields: what it is, its formula, unit and default");
});

test("the field walk finds documented and undocumented fields, inline object types and inherited comments", () => {
  const byPath = new Map(publicFields().map((f) => [f.path, f]));
  assert.equal(byPath.get("TrainOptions.lr")?.documented, true);
  assert.equal(byPath.get("Hardware.readNoise.sigma")?.documented, true, "inline object type members are fields too");
  assert.equal(byPath.get("Eq4Curve.polarity")?.documented, true, "a class field inherits its interface member's comment");
  assert.ok(byPath.has("RobustnessFile.shard.trialRange"), "the Node entry's types are walked");
});

test("npm run docs:api (TypeDoc) passes with no warnings: every export and property documented, no link to an internal", () => {
  const r = spawnSync(process.execPath, [root + "node_modules/typedoc/bin/typedoc", "--emit", "none"], { cwd: root, encoding: "utf8" });
  assert.equal(r.status, 0, `typedoc failed:\n${r.stdout}${r.stderr}`);
  assert.doesNotMatch(r.stdout + r.stderr, /warning|error/i);
});
