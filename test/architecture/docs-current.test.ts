// Generated documentation is current: docs/formats.md and docs/schemas/*.schema.json are what
// scripts/docs-formats.ts makes from the zod schemas today, and the relative links between the
// Markdown pages point at files that exist.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { z } from "zod";
import { generatedFormatDocs } from "../../scripts/docs-formats.js";
import { modelSchema } from "../../src/io/model-schema.js";

test("docs/formats.md and docs/schemas/ are generated from the current zod schemas (npm run docs:formats)", () => {
  for (const [path, text] of generatedFormatDocs()) {
    assert.ok(existsSync(path), `${path} is missing: run npm run docs:formats`);
    assert.ok(readFileSync(path, "utf8") === text, `${path} is not current: run npm run docs:formats and commit`);
  }
});

test("the generated model schema has the reader's fields, the same required ones, and refuses others", () => {
  const schema = generatedFormatDocs().get("docs/schemas/model.schema.json")!;
  const json = JSON.parse(schema) as { required: string[]; additionalProperties: boolean; properties: Record<string, unknown> };
  assert.deepEqual(new Set(json.required), new Set(Object.entries(modelSchema.shape).filter(([, v]) => !(v as z.ZodType).safeParse(undefined).success).map(([k]) => k)));
  assert.equal(json.additionalProperties, false);
  assert.deepEqual(Object.keys(json.properties).sort(), Object.keys(modelSchema.shape).sort());
});

test("relative links between README.md and docs/*.md point at files that exist", () => {
  const pages = ["README.md", ...readdirSync("docs").filter((f) => f.endsWith(".md")).map((f) => join("docs", f))];
  const broken: string[] = [];
  for (const page of pages) {
    const text = readFileSync(page, "utf8").replace(/```[\s\S]*?```/g, "");
    for (const m of text.matchAll(/\]\(([^)\s#]+)(#[^)\s]*)?\)/g)) {
      const target = m[1];
      if (/^[a-z]+:/.test(target)) continue;
      // Pages other work adds (docs/cli.md, generated API pages) are allowed to be missing only if listed here.
      const full = join(dirname(page), target);
      if (!existsSync(full) && !OPTIONAL.has(full)) broken.push(`${page}: ${target}`);
    }
  }
  assert.deepEqual(broken, []);
});

/**
 * Targets that are made by a command the suite does not run (the TypeDoc pages, `npm run
 * docs:api`) or that other work adds (the generated CLI reference).
 */
const OPTIONAL = new Set<string>(["docs/api/dynaspin.md", "docs/api/dynaspin/node.md", "docs/cli.md"]);

test("every source, test, bench or script path the docs name in backticks exists (a moved file is a stale doc)", () => {
  const pages = ["README.md", ...readdirSync("docs").filter((f) => f.endsWith(".md")).map((f) => join("docs", f))];
  const missing: string[] = [];
  for (const page of pages) {
    for (const m of readFileSync(page, "utf8").matchAll(/`((?:src|test|bench|scripts|playground)\/[A-Za-z0-9_./-]*)`/g)) {
      const path = m[1];
      // Build outputs are made by commands, not committed.
      if (/^playground\/dist\/?/.test(path)) continue;
      if (!existsSync(path)) missing.push(`${page}: ${path}`);
    }
  }
  assert.deepEqual(missing, []);
});

test("README.md stays a front page of at most 200 lines (guides go in docs/)", () => {
  const lines = readFileSync("README.md", "utf8").split("\n").length;
  assert.ok(lines <= 200, `README.md has ${lines} lines; move the detail into a docs/ guide`);
});
