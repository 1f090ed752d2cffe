// The two entry points of the package: the platform-free root (`dynaspin`) and the Node entry
// (`dynaspin/node`), loaded by plain Node through package.json "exports" from the build, and every
// name the README and the docs import from them exists.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

const root = new URL("../..", import.meta.url);
const run = (script: string): { status: number | null; stdout: string; stderr: string } =>
  spawnSync(process.execPath, ["--input-type=module", "-e", script], { cwd: root, encoding: "utf8" });

test("the Node entry dynaspin/node loads from the build: a CSV file trains, the model is written atomically and read back", () => {
  const script = `
    import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
    import { tmpdir } from "node:os";
    import { join } from "node:path";
    const node = await import("dynaspin/node");
    const core = await import("dynaspin");
    const dir = mkdtempSync(join(tmpdir(), "dynaspin-node-entry-"));
    try {
      const rows = ["x,y,label"];
      for (let i = 0; i < 60; i++) rows.push(\`\${(i % 7) / 7},\${(i % 5) / 5},\${i % 2 ? "odd" : "even"}\`);
      writeFileSync(join(dir, "d.csv"), rows.join("\\n") + "\\n");
      const ds = node.loadCsvDataset(join(dir, "d.csv"), { labelColumn: "label" });
      const split = core.stratifiedSplit(ds, 0, 0.2);
      const { model } = core.train(split.train, { devices: node.loadDeviceArg("paper-test"), steps: 2, epochs: 2, seed: 0 });
      node.writeFileAtomic(join(dir, "model.json"), core.stringifyModel(model));
      const back = node.readModelFile(join(dir, "model.json"));
      console.log(JSON.stringify({ n: ds.n, classes: ds.classNames, k: back.k, format: back.format }));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  `;
  const r = run(script);
  assert.equal(r.status, 0, r.stderr);
  // k = 8: the library gives a 2-feature problem max(d, 8) oscillators (issue 15).
  assert.deepEqual(JSON.parse(r.stdout), { n: 60, classes: ["even", "odd"], k: 8, format: "dynaspin.model" });
});

test("the root entry has no node: import (the layer check covers its whole import graph) and loads in plain Node", () => {
  const src = readFileSync(new URL("../../dist/index.js", import.meta.url), "utf8");
  assert.doesNotMatch(src, /from "node:/);
  const r = run(`const m = await import("dynaspin"); console.log(Object.keys(m).length);`);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(Number(r.stdout) > 50);
});

test("every name the README and docs/*.md import from dynaspin or dynaspin/node is exported there", () => {
  const docs = [join(root.pathname, "README.md"), ...readdirSync(join(root.pathname, "docs")).filter((f) => f.endsWith(".md")).map((f) => join(root.pathname, "docs", f))];
  const wanted = new Map<string, Set<string>>([["dynaspin", new Set()], ["dynaspin/node", new Set()]]);
  for (const file of docs) {
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/import\s*\{([^}]*)\}\s*from\s*"(dynaspin(?:\/node)?)"/g)) {
      for (const n of m[1].split(",")) {
        const name = n.trim().replace(/^type\s+/, "").split(/\s+as\s+/)[0];
        if (name) wanted.get(m[2])!.add(name);
      }
    }
  }
  assert.ok(wanted.get("dynaspin")!.size > 0 && wanted.get("dynaspin/node")!.size > 0, "the docs show imports from both entries");
  const r = run(`
    const a = await import("dynaspin"), b = await import("dynaspin/node");
    console.log(JSON.stringify({ root: Object.keys(a), node: Object.keys(b) }));
  `);
  assert.equal(r.status, 0, r.stderr);
  const have = JSON.parse(r.stdout) as { root: string[]; node: string[] };
  // Type-only names have no runtime value; check those against the declaration files.
  const dts = readFileSync(new URL("../../dist/index.d.ts", import.meta.url), "utf8") + readFileSync(new URL("../../dist/node/index.d.ts", import.meta.url), "utf8");
  for (const [entry, names] of wanted) {
    const exported = new Set(entry === "dynaspin" ? have.root : have.node);
    for (const n of names) assert.ok(exported.has(n) || new RegExp(`\\b${n}\\b`).test(dts), `${entry} does not export ${n}, which the docs import`);
  }
});
