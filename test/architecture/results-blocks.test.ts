// docs/results.md's generated blocks (written by `npm run results`, scripts/results-core.ts) are
// exactly what the generator renders from their rows: same columns, derived numbers (mean, min,
// the comparison with the paper, the goal verdicts) consistent with the per-seed cells, every row
// naming a listed run. The slow measurement itself is not rerun here.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { PAPER_RESULTS } from "../../src/train/tasks.js";
import { begin, end, mergeRows, parseBlock, renderBlock, type ResultRow } from "../../scripts/results-blocks.js";

const page = readFileSync(new URL("../../docs/results.md", import.meta.url), "utf8");

for (const name of ["core", "float32", "devices"]) {
  test(`docs/results.md block results-${name} is as npm run results writes it`, () => {
    const block = parseBlock(page, name);
    assert.ok(block, `docs/results.md has the ${begin(name)} … ${end(name)} markers`);
    assert.ok(block.rows.length > 0, "the block has rows");
    const text = page.slice(page.indexOf(begin(name)), page.indexOf(end(name)) + end(name).length);
    assert.equal(renderBlock(block, PAPER_RESULTS), text, "re-rendering the parsed rows gives the committed text (hand edits or a stale format fail)");
    for (const r of block.rows) {
      assert.equal(r.tests.length, 5, `${r.label}: five seeds`);
      const t = r.tests.map(Number);
      assert.ok(t.every((x) => x >= 0 && x <= 100), `${r.label}: accuracies in %`);
      // The mean of the printed (rounded) cells is within rounding of the printed mean.
      assert.ok(Math.abs(t.reduce((s, x) => s + x, 0) / 5 - Number(r.mean)) <= 0.006, `${r.label}: mean ${r.mean} matches its seeds`);
      assert.equal(r.min, Math.min(...t).toFixed(2), `${r.label}: min matches its seeds`);
      assert.match(r.time, /^\d+(\.\d)? s$/);
      assert.ok(block.runs.has(r.run), `${r.label}: its run ${r.run} is listed`);
      assert.match(block.runs.get(r.run)!, /`npm run results[^`]*`.*dynaspin code at [0-9a-f]{7}/, `${r.label}: the run names its command and commit`);
    }
  });
}

test("a partial run replaces its own rows and carries the others over with the run that measured them", () => {
  const row = (label: string, mean: string, run: string): ResultRow => ({ label, tests: [mean, mean, mean, mean, mean], mean, min: mean, train: "99.00", time: "1.0 s", run });
  const runs = new Map([["2026-01-01T00:00Z", "`npm run results`, old"]]);
  const previous = { name: "core", rows: [row("`a`", "90.00", "2026-01-01T00:00Z"), row("`b`", "91.00", "2026-01-01T00:00Z")], runs };
  const merged = mergeRows(previous, "core", [row("`b`", "95.00", "2026-02-01T00:00Z")], "2026-02-01T00:00Z", "`npm run results -- b`, new", ["`a`", "`b`"]);
  assert.deepEqual(merged.rows.map((r) => [r.label, r.mean, r.run]), [["`a`", "90.00", "2026-01-01T00:00Z"], ["`b`", "95.00", "2026-02-01T00:00Z"]]);
  const text = renderBlock(merged);
  assert.match(text, /- 2026-01-01T00:00Z: `npm run results`, old\n- 2026-02-01T00:00Z: `npm run results -- b`, new\n/);
  // Once every row is remeasured, the old run drops out of the list.
  const again = mergeRows(merged, "core", [row("`a`", "92.00", "2026-03-01T00:00Z")], "2026-03-01T00:00Z", "third", ["`a`", "`b`"]);
  const later = mergeRows(again, "core", [row("`b`", "93.00", "2026-03-01T00:00Z")], "2026-03-01T00:00Z", "third", ["`a`", "`b`"]);
  assert.doesNotMatch(renderBlock(later), /2026-01-01|2026-02-01/);
  assert.deepEqual(parseBlock(renderBlock(later), "core")!.rows, later.rows, "render and parse are inverse");
});
