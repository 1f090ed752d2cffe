import { test } from "node:test";
import assert from "node:assert/strict";
import { createModel, createGradients, type Gradients } from "../../src/network/model.js";
import { createWorkspace, loadBatch, forward, softmaxCrossEntropy, backward, batchSum, type Workspace } from "../../src/network/dynamics.js";
import { eq3, eq4 } from "../../src/device/analytic.js";
import { fastExp, fastLog } from "../../src/kernels/fast-math.js";
import { Rng } from "../../src/util/rng.js";
import { sameBits } from "../helpers/native.js";

test("the in-place WebAssembly engine gives the TypeScript path's bits: forward, softmax, adjoint (odd and even sizes)", () => {
  const rng = new Rng(5);
  let engines = 0;
  for (const [k, steps, classes, nb, cap, mixed] of [
    [2, 4, 2, 800, 800, false], [3, 2, 3, 7, 7, false], [5, 3, 4, 6, 9, false], [4, 1, 10, 1, 1, false], [6, 2, 3, 13, 16, true], [64, 4, 10, 64, 64, false],
  ] as const) {
    const devices = Array.from({ length: k }, (_, i) => (mixed && i % 3 === 2 ? eq3({ Ic: -1, Q: 0.1 }) : eq4({ a: 4 + 0.1 * i, Ic: i % 2 ? -1 : 1 })));
    const m = createModel(k, steps, classes, devices);
    for (let q = 0; q < m.A.length; q++) m.A[q] = (0.5 * rng.normal()) / Math.sqrt(k);
    for (let q = 0; q < m.B.length; q++) m.B[q] = 1.3 + 0.2 * rng.normal();
    for (let q = 0; q < m.W.length; q++) m.W[q] = 2 * rng.normal();
    for (let q = 0; q < m.c.length; q++) m.c[q] = rng.normal();
    const x = new Float64Array(nb * k).map(() => rng.uniform());
    const y = new Int32Array(nb + 3).map(() => rng.int(classes));
    const run = (ws: Workspace) => {
      loadBatch(ws, x, null, 0, nb, null);
      forward(m, ws, nb, true);
      const logits = ws.logits.slice();
      const out = { loss: 0, correct: 0 };
      softmaxCrossEntropy(ws, classes, nb, y, 3, 1 / nb, out);
      const g: Gradients = createGradients(m);
      g.A.fill(0.25);
      backward(m, ws, nb, g);
      return { ws, logits, out, g };
    };
    const ew = createWorkspace(k, steps, classes, cap, { engine: true });
    if (ew.engine !== null) engines++;
    const a = run(ew), b = run(createWorkspace(k, steps, classes, cap));
    const cols = (v: Float64Array) => Array.from({ length: (v.length / cap) * nb }, (_, q) => v[Math.floor(q / nb) * cap + (q % nb)]);
    const tag = `k=${k} nb=${nb} cap=${cap}`;
    for (let t = 0; t <= steps; t++) sameBits(cols(a.ws.P[t]), cols(b.ws.P[t]), `${tag} P[${t}]`);
    for (let t = 0; t < steps; t++) sameBits(cols(a.ws.D[t]), cols(b.ws.D[t]), `${tag} D[${t}]`);
    sameBits(cols(a.logits), cols(b.logits), `${tag} logits`);
    sameBits(cols(a.ws.logits), cols(b.ws.logits), `${tag} dloss/dlogits`);
    assert.ok(Object.is(a.out.loss, b.out.loss) && a.out.correct === b.out.correct, `${tag} loss ${a.out.loss} vs ${b.out.loss}`);
    for (const key of ["A", "B", "W", "c"] as const) sameBits(a.g[key], b.g[key], `${tag} grad ${key}`);
  }
  assert.equal(engines, 6, "Node >= 20 has WebAssembly SIMD: every engine workspace must get its engine");
});

test("softmax cross-entropy: loss is log-sum-exp minus the label's logit, gradient is softmax − onehot", () => {
  const ws = createWorkspace(1, 1, 3, 2);
  ws.logits.set([1, -2, 0.5, 3, 2, 2]); // class-major: columns (1, 0.5, 2) and (−2, 3, 2)
  const out = { loss: 0, correct: 0 };
  softmaxCrossEntropy(ws, 3, 2, new Int32Array([2, 1]), 0, 1, out);
  const ref = (l: number[], y: number) => Math.log(l.reduce((s, v) => s + Math.exp(v), 0)) - l[y];
  assert.ok(Math.abs(out.loss - (ref([1, 0.5, 2], 2) + ref([-2, 3, 2], 1))) < 1e-15);
  assert.equal(out.correct, 2);
  const z = Math.exp(1) + Math.exp(0.5) + Math.exp(2);
  assert.ok(Math.abs(ws.logits[4] - (Math.exp(2) / z - 1)) < 1e-15);
  assert.ok(Math.abs(ws.logits[0] - Math.exp(1) / z) < 1e-15);
  assert.equal(batchSum(new Float64Array([1, 2, 3, 4, 5, 6, 7]), 0, 7), 28);
  assert.equal(fastExp(0), 1);
  assert.equal(fastLog(1), 0);
});
