// The engine choice of dynaspin/node's train (src/node/engines.ts), through the package entry as a
// user imports it: "auto" runs the native engine when it was built (the CLI's default), "wasm",
// "reference" and "native" run what they name, all with the same bits; result.engine says which
// ran; an impossible choice is a one-line InputError.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";

const root = new URL("../..", import.meta.url);

test("dynaspin/node's train: auto = native when built, wasm / reference / native as named, same bits, result.engine names it", () => {
  const script = `
    const node = await import("dynaspin/node");
    const core = await import("dynaspin");
    const ds = core.makeSpiral({ count: 200, turns: 1, noise: 0.04, seed: 1 });
    const opts = { devices: core.eq4(), steps: 3, epochs: 3, batchSize: 50, seed: 0 };
    const out = {};
    for (const engine of [undefined, "wasm", "reference", "native"]) {
      try {
        const r = node.train(ds, engine === undefined ? opts : { ...opts, engine });
        out[engine ?? "default"] = { engine: r.engine, A: Array.from(r.model.A), loss: r.history.at(-1).trainLoss };
      } catch (e) {
        out[engine ?? "default"] = { error: e.name + ": " + e.message };
      }
    }
    out.status = node.nativeStatus();
    out.root = core.train(ds, opts).engine;
    try { node.train(ds, { ...opts, engine: "gpu" }); } catch (e) { out.bad = e.name + ": " + e.message; }
    try { node.train(ds, { ...opts, engine: "reference", precision: "float32" }); } catch (e) { out.ref32 = e.name + ": " + e.message; }
    const table = core.tableCurve([0, 1, 2, 3, 4], [0, 0.1, 0.4, 0.7, 0.9]);
    try { out.tableNative = node.train(ds, { ...opts, devices: table, epochs: 1, engine: "native" }).engine; } catch (e) { out.tableNative = e.name + ": " + e.message; }
    out.tableAuto = node.train(ds, { ...opts, devices: table, epochs: 1 }).engine;
    try { node.train(ds, { ...opts, devices: table, epochs: 1, engine: "native", precision: "float32" }); } catch (e) { out.table32 = e.name + ": " + e.message; }
    const eq3 = core.eq3({ Ic: 1, Q: 1 });
    try { node.train(ds, { ...opts, devices: eq3, epochs: 1, engine: "native" }); } catch (e) { out.eq3Native = e.name + ": " + e.message; }
    console.log(JSON.stringify(out));
  `;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { cwd: root, encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  const o = JSON.parse(r.stdout);
  assert.match(o.wasm.engine, /^wasm64 /);
  assert.equal(o.reference.engine, "reference (TypeScript)");
  assert.match(o.root, /^wasm64 /, "the root entry (the browser's) keeps WebAssembly");
  if (o.status.available) {
    assert.match(o.default.engine, /^native \(/);
    assert.match(o.native.engine, /^native \(/);
  } else {
    // Without the addon: auto falls back to WebAssembly and "native" says why.
    assert.match(o.default.engine, /^wasm64 /);
    assert.match(o.native.error, /^InputError: engine "native": the native engine is not built/);
  }
  assert.ok(Number.isFinite(o.wasm.loss));
  for (const k of ["default", "reference", ...(o.status.available ? ["native"] : [])]) assert.deepEqual(o[k].A, o.wasm.A, `${k}: the same bits as wasm`);
  assert.match(o.bad, /^InputError: engine "gpu": allowed: auto, native, wasm, reference$/);
  assert.match(o.ref32, /^InputError: engine "reference" computes float64 only/);
  // Table devices run on the native engine in float64 (its table kernel), not in float32.
  if (o.status.available) {
    assert.match(o.tableNative, /^native \(/);
    assert.match(o.tableAuto, /^native \(/);
    assert.match(o.table32, /^InputError: engine "native" cannot run this model: a table device \(it computes eq\. 4 only in float32\)/);
  } else {
    assert.match(o.tableNative, /^InputError: engine "native": the native engine is not built/);
    assert.equal(o.tableAuto, "reference (TypeScript)");
  }
  assert.match(o.eq3Native, /^InputError: engine "native" cannot run this model: an eq3 device \(it computes eq\. 4 and tables only\)/);
});
