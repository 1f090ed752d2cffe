import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { cliReference } from "../../src/cli/reference.js";
import { COMMANDS } from "../../src/cli/commands/index.js";

test("docs/cli.md is generated from the current flag declarations (npm run docs:cli)", () => {
  const committed = readFileSync(fileURLToPath(new URL("../../docs/cli.md", import.meta.url)), "utf8");
  assert.equal(committed, cliReference(), "docs/cli.md is stale: run npm run docs:cli");
});

test("the reference lists every command and every flag, with the defaults the task tables hold", () => {
  const text = cliReference();
  for (const c of COMMANDS) {
    assert.match(text, new RegExp(`^## ${c.name}$`, "m"));
    for (const f of c.flags) assert.ok(text.includes(`--${f.name}`), `${c.name} --${f.name}`);
  }
  // --init-spread: 0.5 for the paper's tasks, 0.65 for MNIST (src/train/tasks.ts) and CSV data and
  // the generated 2-D sets, which train with --data's defaults (the library's default).
  assert.match(text, /--init-spread X` .*default: spiral 0\.5, digits 0\.5, --data and circles\/xor\/gaussians\/plane\/multi-gaussian 0\.65, mnist 0\.65/);
});
