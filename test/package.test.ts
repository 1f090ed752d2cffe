import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { VERSION } from "../src/index.js";

const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string; exports: Record<string, { import: string }>; bin: Record<string, string> };

test("the package version and the library's VERSION agree", () => {
  assert.equal(VERSION, pkg.version);
});

test("plain node imports the built library through the package entry, without tsx", () => {
  assert.equal(pkg.exports["."].import, "./dist/index.js");
  const script = `
    const m = await import("dynaspin");
    const ds = m.stratifiedSplit(m.makeSpiral({ count: 200, seed: 1 }), 0);
    const r = m.train(ds.train, { devices: m.eq4(), steps: 3, epochs: 3, seed: 0 });
    const e = m.evaluate(r.model, ds.test);
    const g = m.lossAndGradients(r.model, [[0.1, 0.2]], [1]);
    console.log(JSON.stringify({ acc: e.accuracy, gA: g.gradients.A.length, version: m.VERSION }));
  `;
  // Self-reference by package name resolves through package.json "exports" from inside the package.
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { cwd: new URL("..", import.meta.url), encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.gA, 3);
  assert.equal(out.version, pkg.version);
  assert.ok(out.acc >= 0 && out.acc <= 1);
});

test("the CLI binary runs from the build and lists its commands", () => {
  const r = spawnSync(process.execPath, [new URL(`../${pkg.bin.dynaspin}`, import.meta.url).pathname, "--help"], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  for (const c of ["train", "eval", "fit", "llg", "robustness", "merge", "reproduce"]) assert.match(r.stdout, new RegExp(`\\b${c}\\b`));
});
