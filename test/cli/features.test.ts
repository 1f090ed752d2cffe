import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync, readFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../src/cli/main.js";
import { makeCircles } from "../../src/data/synthetic.js";

const dir = mkdtempSync(join(tmpdir(), "dynaspin-features-"));

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "", err = "";
  const code = await runCli(args, { stdout: (s) => (out += s), stderr: (s) => (err += s), isTTY: false, env: {} });
  return { code, out, err };
}

test("train --features refuses a bad entry with exit 2, one line naming it, and no output", async () => {
  for (const [list, pattern] of [
    ["x1,x2,x3^2", /^dynaspin: --features: entry 3 "x3\^2": column x3 does not exist \(the data have 2 feature columns, x1\.\.x2\)$/],
    ["x1,tanh(x2)", /^dynaspin: --features: entry 2 "tanh\(x2\)": unknown function "tanh" \(sin and cos are offered\); allowed: xI/],
  ] as const) {
    const out = join(dir, `bad-${list.length}`);
    const r = await cli(["train", "--task", "circles", "--features", list, "--epochs", "1", "--out", out]);
    assert.equal(r.code, 2, r.err);
    assert.equal(r.err.trimEnd().split("\n").length, 1, r.err);
    assert.match(r.err.trimEnd(), pattern);
    assert.equal(existsSync(out), false);
  }
});

test("a model trained with --features evaluates on the raw CSV, columns matched by name in any order", async () => {
  const ds = makeCircles({ count: 200, seed: 7 });
  let a = "u,v,label\n", b = "label,v,u\n";
  for (let r = 0; r < ds.n; r++) {
    const u = ds.x[2 * r] * 3 + 1, v = ds.x[2 * r + 1] * 3 - 2, c = ds.classNames[ds.y[r]];
    a += `${u},${v},${c}\n`;
    b += `${c},${v},${u}\n`;
  }
  writeFileSync(join(dir, "c.csv"), a);
  writeFileSync(join(dir, "c2.csv"), b);
  const out = join(dir, "run");
  const t = await cli(["train", "--data", join(dir, "c.csv"), "--features", "x1, x2, x1^2, x2^2, x1*x2", "--epochs", "20", "--out", out, "--json"]);
  assert.equal(t.code, 0, t.err);
  const summary = JSON.parse(t.out);
  assert.equal(summary.features, 5);
  assert.deepEqual(summary.featureMap, ["x1", "x2", "x1^2", "x2^2", "x1*x2"]);
  const model = JSON.parse(readFileSync(join(out, "model.json"), "utf8"));
  assert.deepEqual(model.featureMap, { columns: 2, expressions: ["x1", "x2", "x1^2", "x2^2", "x1*x2"] });
  assert.deepEqual(model.features, ["u", "v"]);
  assert.deepEqual(model.training.options.features, ["x1", "x2", "x1^2", "x2^2", "x1*x2"]);
  const e1 = await cli(["eval", "--model", join(out, "model.json"), "--data", join(dir, "c.csv"), "--all", "--json"]);
  const e2 = await cli(["eval", "--model", join(out, "model.json"), "--data", join(dir, "c2.csv"), "--label-column", "label", "--all", "--json"]);
  assert.equal(e1.code, 0, e1.err);
  assert.equal(e2.code, 0, e2.err);
  assert.equal(JSON.parse(e1.out).loss, JSON.parse(e2.out).loss);
  assert.equal(JSON.parse(e1.out).n ?? JSON.parse(e1.out).samples, JSON.parse(e2.out).n ?? JSON.parse(e2.out).samples);
  writeFileSync(join(dir, "c3.csv"), "u,label\n1,0\n2,1\n");
  const e3 = await cli(["eval", "--model", join(out, "model.json"), "--data", join(dir, "c3.csv")]);
  assert.equal(e3.code, 2);
  assert.match(e3.err, /missing column "v"/);
});
