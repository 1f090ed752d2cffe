// The CSV format description of docs/formats.md is generated from CSV_FORMAT_RULES; every rule's
// example is parsed here and must give exactly the outcome the docs state.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { parseCsvDataset } from "../../src/data/csv.js";
import { CSV_FORMAT_RULES } from "../../src/data/csv-format.js";
import { loadCsvDataset } from "../../src/node/csv-file.js";
import { InputError } from "../../src/util/errors.js";

for (const r of CSV_FORMAT_RULES) {
  test(`CSV format rule "${r.topic}": its example gives the documented outcome`, () => {
    const parse = () => parseCsvDataset(r.text, { file: "data.csv", ...r.options });
    if ("error" in r.outcome) {
      const fragment = r.outcome.error;
      assert.throws(parse, (e: unknown) => e instanceof InputError && e.message.startsWith("data.csv: ") && e.message.includes(fragment) && !e.message.includes("\n"));
      return;
    }
    const ds = parse();
    assert.equal(ds.n, r.outcome.rows);
    assert.equal(ds.d, r.outcome.features);
    if (r.outcome.featureNames) assert.deepEqual(ds.featureNames, r.outcome.featureNames);
    if (r.outcome.classNames) assert.deepEqual(ds.classNames, r.outcome.classNames);
  });
}

test("the compression rule holds for the Node loader: a .csv.gz file loads like its text", () => {
  const rule = CSV_FORMAT_RULES.find((r) => r.topic === "compression");
  assert.ok(rule && !("error" in rule.outcome));
  const dir = mkdtempSync(join(tmpdir(), "dynaspin-csv-format-"));
  try {
    const file = join(dir, "d.csv.gz");
    writeFileSync(file, gzipSync(rule.text));
    const ds = loadCsvDataset(file);
    assert.equal(ds.n, rule.outcome.rows);
    assert.deepEqual(ds.classNames, rule.outcome.classNames);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
