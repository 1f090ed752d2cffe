// The layering rule (scripts/check-layers.mjs) holds for the repository, and the checker catches
// each kind of violation on a small tree made for the purpose.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
// @ts-expect-error a plain .mjs script without type declarations
import { checkLayers, importsOf } from "../../scripts/check-layers.mjs";

const check = checkLayers as (root?: string) => string[];

test("dynaspin's sources import only downward, form no cycle, and keep Node built-ins in src/node and src/cli", () => {
  assert.deepEqual(check("."), []);
});

test("the layer check reports an upward import, a same-layer import, a cycle, a Node built-in in the core, a thread outside the worker layer and a playground import of src/node", () => {
  const root = mkdtempSync(join(tmpdir(), "dynaspin-layers-"));
  const put = (path: string, text: string): void => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  try {
    put("src/util/a.ts", 'export const a = 1;\n// import { x } from "../cli/x.js"; (a comment is not an import)\n');
    put("src/device/curve.ts", 'import { step } from "../network/step.js";\nexport const c = step;\n');
    put("src/network/step.ts", 'import { c } from "../device/curve.js";\nexport const step = c;\n');
    put("src/train/t.ts", 'import type { S } from "../sweep/s.js";\nexport type T = S;\n');
    put("src/sweep/s.ts", 'import { readFileSync } from "node:fs";\nexport type S = typeof readFileSync;\n');
    put("src/node/n.ts", 'import { readFileSync } from "node:fs";\nexport const n = readFileSync;\n');
    put("src/extra/e.ts", "export const e = 1;\n");
    put("src/node/w.ts", 'import { Worker } from "node:worker_threads";\nexport const w = Worker;\n');
    put("src/node/workers/pool.ts", 'import { Worker } from "node:worker_threads";\nexport const w = Worker;\n');
    put("playground/src/main.ts", 'import { n } from "../../src/node/n.js";\nimport { p } from "../../src/cli/pure.js";\nimport { q } from "../../src/cli/fs.js";\nexport const m = [n, p, q];\n');
    // A browser-safe src/cli/ module (type-only imports of src/node/ are erased) and one that reaches node:fs.
    put("src/cli/pure.ts", 'import type { N } from "../node/n.js";\nimport { a } from "../util/a.js";\nexport const p: N | number = a;\n');
    put("src/cli/fs.ts", 'import { n } from "../node/n.js";\nexport const q = n;\n');
    const problems = check(root);
    const has = (re: RegExp): boolean => problems.some((p) => re.test(p));
    assert.ok(has(/^src\/device\/curve\.ts: imports src\/network\/step\.ts from a higher layer/), problems.join("\n"));
    assert.ok(has(/^src\/train\/t\.ts: imports src\/sweep\/s\.ts from src\/sweep, a folder of the same layer/), problems.join("\n"));
    assert.ok(has(/^import cycle: src\/device\/curve\.ts -> src\/network\/step\.ts$/), problems.join("\n"));
    assert.ok(has(/^src\/sweep\/s\.ts: imports the Node built-in "node:fs"/), problems.join("\n"));
    assert.ok(has(/^src\/extra\/e\.ts: folder src\/extra has no layer/), problems.join("\n"));
    assert.ok(has(/^playground\/src\/main\.ts: the playground imports src\/node\/n\.ts/), problems.join("\n"));
    assert.ok(has(/^playground\/src\/main\.ts: the playground imports src\/cli\/fs\.ts, which reaches src\/node\/n\.ts at run time/), problems.join("\n"));
    assert.ok(has(/^src\/node\/w\.ts: imports "node:worker_threads"; threads go through the one worker layer in src\/node\/workers\//), problems.join("\n"));
    assert.ok(!has(/src\/cli\/pure\.ts/), problems.join("\n"));
    assert.ok(!problems.some((p) => p.startsWith("src/util/") || (p.startsWith("src/node/") && !p.startsWith("src/node/w.ts"))), problems.join("\n"));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("imports are read from import, export-from, type-only and dynamic forms, not from comments", () => {
  const text = [
    'import { a } from "./a.js";',
    'import type { B } from "../b.js";',
    'export { c } from "./c.js";',
    "export * from './d.js';",
    'const e = await import("./e.js");',
    'import "./side.js";',
    '// import { f } from "./f.js";',
    '/* import { g } from "./g.js"; */',
  ].join("\n");
  const specs = (importsOf as (t: string) => { spec: string }[])(text).map((i) => i.spec);
  assert.deepEqual(specs, ["./a.js", "../b.js", "./c.js", "./d.js", "./e.js", "./side.js"]);
});
