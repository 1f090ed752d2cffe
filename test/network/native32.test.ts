// The native float32 engine (native/engine32.cc, src/node/native-engine32.ts): gradients, loss and
// accuracy against the float64 adjoint within the float32 engine's documented tolerance (the one
// test/network/engine32.test.ts applies to the WebAssembly float32 engine), the same bits for every
// instruction set and thread count, chunk by chunk equal to the batch call, and training with it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createGradients, type Model } from "../../src/network/model.js";
import { createWorkspace, gatherColumns, forward, softmaxCrossEntropy, backward, eq4DriveParams } from "../../src/network/dynamics.js";
import { chunkPlan, chunkStart, writeSlot, reduceSlots, slotWidth, engineBatchGradients } from "../../src/train/chunks.js";
import { train } from "../../src/train/train.js";
import { eq4 } from "../../src/device/analytic.js";
import { makeSpiral } from "../../src/data/spiral.js";
import { stratifiedSplit } from "../../src/data/split.js";
import { Rng } from "../../src/util/rng.js";
import { nativeStatus, type NativeIsa } from "../../src/node/native-engine.js";
import { native32Factory, engine32ForChoice } from "../../src/node/native-engine32.js";
import type { BatchEngine } from "../../src/network/engine.js";
import { conformanceCases, largeConformanceCases } from "../helpers/conformance.js";
import { randomEq4Model } from "../helpers/random-model.js";

const st = nativeStatus();
const ISAS: NativeIsa[] = !st.available ? [] : st.kernels === "avx512" ? ["avx512", "avx2", "sse2"] : st.kernels === "avx2" ? ["avx2", "sse2"] : ["sse2"];

function reference(m: Model, X: Float64Array, y: Int32Array, nb: number) {
  const ws = createWorkspace(m.k, m.steps, m.classes, nb);
  ws.P[0].set(X.subarray(0, m.k * nb));
  forward(m, ws, nb, true);
  const out = { loss: 0, correct: 0 };
  softmaxCrossEntropy(ws, m.classes, nb, y, 0, 1 / nb, out);
  const g = createGradients(m);
  backward(m, ws, nb, g);
  return { g: [...g.A, ...g.B, ...g.W, ...g.c], ...out };
}


test("the native float32 engine is available where the native engine was built", () => {
  if (ISAS.length === 0) {
    assert.equal(native32Factory(2), null);
    assert.throws(() => engine32ForChoice("native", 2), /--engine native: the native float32 engine is/);
    return;
  }
  const f = native32Factory(2);
  assert.equal(f?.precision, "float32");
  assert.match(f?.label ?? "", /^native \((avx512|avx2|sse2), \d+ float32 lanes, 2 threads\)$/);
  assert.equal(engine32ForChoice("wasm", 2), null);
});

test("native float32 batch gradients, loss and accuracy agree with the float64 adjoint to float32 rounding on the shared cases, with the same bits for every instruction set and 1–3 threads", () => {
  if (ISAS.length === 0) return;
  for (const c of [...conformanceCases().filter((x) => x.eq4Only), ...largeConformanceCases()]) {
    const { k, steps, classes, n: nb, model: m, p0: X, y } = c;
    const ref = reference(m, X, y, nb);
    const shape = c.name;
    let first: number[] | null = null;
    for (const isa of ISAS) {
      for (const threads of [1, 2, 3]) {
        const en = native32Factory(threads, isa)?.create(k, steps, classes, Math.min(nb, 128), nb) as BatchEngine;
        assert.ok(en, `${isa} engine`);
        en.X.set(X);
        en.y.set(y);
        const g = createGradients(m);
        const out = { loss: 0, correct: 0 };
        assert.ok(engineBatchGradients(m, en, nb, g, out));
        const got = [...g.A, ...g.B, ...g.W, ...g.c, out.loss, out.correct];
        if (first === null) {
          first = got;
          let num = 0, den = 0;
          for (let e = 0; e < ref.g.length; e++) {
            num += (got[e] - ref.g[e]) ** 2;
            den += ref.g[e] ** 2;
          }
          assert.ok(den > 0 && Math.sqrt(num / den) < 1e-5, `${shape}: gradient relative error ${Math.sqrt(num / den)}`);
          assert.ok(Math.abs(out.loss - ref.loss) <= 1e-6 * Math.abs(ref.loss), `${shape}: loss ${out.loss} vs ${ref.loss}`);
          assert.ok(Math.abs(out.correct - ref.correct) <= 1, `${shape}: correct ${out.correct} vs ${ref.correct}`);
        } else {
          for (let e = 0; e < got.length; e++) if (!Object.is(got[e], first[e])) assert.fail(`${shape}, ${isa}, ${threads} threads, entry ${e}: ${got[e]} vs ${first[e]}`);
        }
      }
    }
  }
});

test("native float32 chunks computed one at a time and added in chunk order give the batch call's bits", () => {
  if (ISAS.length === 0) return;
  const rng = new Rng(3);
  const k = 3, steps = 3, classes = 3, nb = 517;
  const m = randomEq4Model(k, steps, classes, rng);
  const en = native32Factory(2)?.create(k, steps, classes, 128, nb) as BatchEngine;
  en.X.set(new Float64Array(k * nb).map(() => rng.uniform()));
  en.y.set(new Int32Array(nb).map(() => rng.int(classes)));
  eq4DriveParams(m, en.par);
  en.setParams(m.A, m.B, m.W, m.c);
  const plan = chunkPlan(nb);
  const slots = new Float64Array(plan.count * slotWidth(k, steps, classes));
  for (let q = plan.count - 1; q >= 0; q--) {
    const lo = chunkStart(plan, q);
    en.chunk(lo, chunkStart(plan, q + 1) - lo, 1 / nb);
    writeSlot(slots, q, [en.g], en.out[0], en.out[1]);
  }
  const g = createGradients(m);
  const out = { loss: 0, correct: 0 };
  reduceSlots(slots, plan.count, g, out);
  en.batch(nb, plan.count, 1 / nb);
  const flat = [...g.A, ...g.B, ...g.W, ...g.c, out.loss, out.correct];
  for (let e = 0; e < flat.length; e++) assert.ok(Object.is(flat[e], en.total[e]), `entry ${e}: ${flat[e]} vs ${en.total[e]}`);
});

test("training in float32 on the native engine keeps the spiral task's accuracy and gives the same model for 1 and 2 threads", () => {
  if (ISAS.length === 0) return;
  const sp = stratifiedSplit(makeSpiral({ count: 1000 }), 0);
  const opts = { devices: eq4(), steps: 6, epochs: 300, batchSize: 64, lr: 0.01, restarts: 4, seed: 1, test: sp.test, evalEvery: 1000, precision: "float32" as const };
  const one = train(sp.train, { ...opts, engine: native32Factory(1) });
  const two = train(sp.train, { ...opts, engine: native32Factory(2) });
  assert.match(one.engine, /^native \(.*float32 lanes, 1 thread\)$/);
  assert.ok(one.history[one.history.length - 1].testAccuracy >= 0.9, `test accuracy ${one.history[one.history.length - 1].testAccuracy}`);
  assert.deepEqual([...two.model.A, ...two.model.W], [...one.model.A, ...one.model.W]);
});

test("dynaspin train --precision float32 runs on the native float32 engine with --engine auto/native and on WebAssembly with --engine wasm, and says which", async () => {
  const { runCli } = await import("../../src/cli/main.js");
  const { mkdtempSync, rmSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const dir = mkdtempSync(join(tmpdir(), "dynaspin-n32-"));
  try {
    const cli = async (args: string[]) => {
      let out = "", err = "";
      const code = await runCli(args, { stdout: (s) => (out += s), stderr: (s) => (err += s), isTTY: false, env: {} });
      return { code, out, err };
    };
    for (const engine of ISAS.length > 0 ? ["native", "auto", "wasm"] : ["auto", "wasm"]) {
      const r = await cli(["train", "--task", "spiral", "--batch", "0", "--epochs", "200", "--restarts", "1", "--precision", "float32", "--workers", "2", "--engine", engine, "--json", "--out", join(dir, engine)]);
      assert.equal(r.code, 0, r.err);
      const s = JSON.parse(r.out) as { engine: string; precision: string; testAccuracy: number };
      assert.equal(s.precision, "float32");
      assert.match(s.engine, engine === "wasm" || ISAS.length === 0 ? /^wasm32/ : /^native \(.*float32 lanes, 2 threads\)$/);
      assert.ok(s.testAccuracy >= 0.85, `${engine}: test accuracy ${s.testAccuracy}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
