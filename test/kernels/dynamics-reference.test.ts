import { test } from "node:test";
import assert from "node:assert/strict";
import { createModel, createGradients, type Model, type Gradients } from "../../src/network/model.js";
import { createWorkspace, loadBatch, forward, softmaxCrossEntropy, backward, type Workspace } from "../../src/network/dynamics.js";
import { eq3, eq4 } from "../../src/device/analytic.js";
import { Rng } from "../../src/util/rng.js";
import { setKernelBackend, type KernelBackend } from "../../src/kernels/backend.js";

/** The network's forward pass written as plain per-sample loops (no blocking): the reference. */
function referenceForward(model: Model, ws: Workspace, nb: number): void {
  const { k, steps, classes } = model;
  const cap = ws.capacity;
  for (let t = 0; t < steps; t++) {
    for (let i = 0; i < k; i++) {
      for (let b = 0; b < nb; b++) {
        let u = model.B[t * k + i];
        for (let j = 0; j < k; j++) u += model.A[t * k * k + i * k + j] * ws.P[t][j * cap + b];
        ws.U[t][i * cap + b] = u;
        ws.I[i * cap + b] = model.devices[i].polarity * u * u;
      }
      model.devices[i].evaluate(ws.I, ws.P[t + 1], ws.D[t], i * cap, i * cap + nb);
    }
  }
  for (let c = 0; c < classes; c++) {
    for (let b = 0; b < nb; b++) {
      let l = model.c[c];
      for (let j = 0; j < k; j++) l += model.W[c * k + j] * ws.P[steps][j * cap + b];
      ws.logits[c * cap + b] = l;
    }
  }
}

/** Σ over a batch row in the documented order: partial sums s_(b mod 4), then (s0 + s2) + (s1 + s3). */
function sum4(x: (b: number) => number, nb: number): number {
  const s = [0, 0, 0, 0];
  for (let b = 0; b < nb; b++) s[b % 4] += x(b);
  return s[0] + s[2] + (s[1] + s[3]);
}

/** The discrete adjoint as plain loops: the reference for the blocked backward pass. */
function referenceBackward(model: Model, ws: Workspace, nb: number, g: Gradients): Float64Array {
  const { k, steps, classes } = model;
  const cap = ws.capacity, G = ws.logits;
  let lam = new Float64Array(k * cap);
  for (let c = 0; c < classes; c++) {
    g.c[c] += sum4((b) => G[c * cap + b], nb);
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let b = 0; b < nb; b++) s += G[c * cap + b] * ws.P[steps][j * cap + b];
      g.W[c * k + j] += s;
    }
  }
  for (let j = 0; j < k; j++) {
    for (let b = 0; b < nb; b++) {
      let s = 0;
      for (let c = 0; c < classes; c++) s += model.W[c * k + j] * G[c * cap + b];
      lam[j * cap + b] = s;
    }
  }
  for (let t = steps - 1; t >= 0; t--) {
    const gU = new Float64Array(k * cap);
    for (let i = 0; i < k; i++) {
      for (let b = 0; b < nb; b++) {
        const q = i * cap + b;
        gU[q] = lam[q] * ws.D[t][q] * 2 * model.devices[i].polarity * ws.U[t][q];
      }
      g.B[t * k + i] += sum4((b) => gU[i * cap + b], nb);
      for (let j = 0; j < k; j++) {
        let s = 0;
        for (let b = 0; b < nb; b++) s += gU[i * cap + b] * ws.P[t][j * cap + b];
        g.A[t * k * k + i * k + j] += s;
      }
    }
    const next = new Float64Array(k * cap);
    for (let j = 0; j < k; j++) {
      for (let b = 0; b < nb; b++) {
        let s = 0;
        for (let i = 0; i < k; i++) s += model.A[t * k * k + i * k + j] * gU[i * cap + b];
        next[j * cap + b] = s;
      }
    }
    lam = next;
  }
  return lam;
}

function sameBits(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  assert.equal(a.length, b.length, what);
  for (let q = 0; q < a.length; q++) if (!Object.is(a[q], b[q]) && !(a[q] === 0 && b[q] === 0)) assert.fail(`${what}[${q}]: ${a[q]} vs reference ${b[q]}`);
}

for (const backend of ["js", "wasm"] as KernelBackend[]) {
test(`the blocked forward and backward passes reproduce the plain loops bit for bit (odd sizes, mixed devices, ${backend} kernels)`, () => {
  assert.equal(setKernelBackend(backend), backend);
  const rng = new Rng(99);
  for (const [k, steps, classes, nb, cap] of [[7, 3, 3, 13, 16], [5, 2, 2, 1, 4], [9, 1, 4, 8, 8]]) {
    const devices = Array.from({ length: k }, (_, i) => (i % 3 === 2 ? eq3({ Ic: -1, Q: 0.1 }) : eq4()));
    const m = createModel(k, steps, classes, devices);
    for (let q = 0; q < m.A.length; q++) m.A[q] = (0.4 * rng.normal()) / Math.sqrt(k);
    for (let t = 0; t < steps; t++) for (let i = 0; i < k; i++) m.B[t * k + i] = i % 3 === 2 ? 2.8 : 1.35 + 0.1 * rng.normal();
    for (let q = 0; q < m.W.length; q++) m.W[q] = rng.normal();
    for (let q = 0; q < m.c.length; q++) m.c[q] = rng.normal();
    const x = new Float64Array(nb * k).map(() => rng.uniform());
    const y = new Int32Array(nb).map((_, b) => b % classes);
    const run = (fwd: (ws: Workspace) => void, bwd: (ws: Workspace, g: Gradients) => Float64Array) => {
      const ws = createWorkspace(k, steps, classes, cap);
      loadBatch(ws, x, null, 0, nb, null);
      fwd(ws);
      const logits = ws.logits.slice();
      softmaxCrossEntropy(ws, classes, nb, y, 0, 1 / nb, { loss: 0, correct: 0 });
      const g = createGradients(m);
      const lam0 = bwd(ws, g);
      return { ws, logits, g, lam0 };
    };
    const mine = run((ws) => forward(m, ws, nb, true), (ws, g) => {
      const out = new Float64Array(k * cap);
      backward(m, ws, nb, g, out);
      return out;
    });
    const ref = run((ws) => referenceForward(m, ws, nb), (ws, g) => referenceBackward(m, ws, nb, g));
    const cols = (a: Float64Array) => Array.from({ length: (a.length / cap) * nb }, (_, q) => a[Math.floor(q / nb) * cap + (q % nb)]);
    for (let t = 0; t <= steps; t++) sameBits(cols(mine.ws.P[t]), cols(ref.ws.P[t]), `P[${t}]`);
    sameBits(cols(mine.logits), cols(ref.logits), "logits");
    for (const key of ["A", "B", "W", "c"] as const) sameBits(mine.g[key], ref.g[key], `grad ${key}`);
    sameBits(cols(mine.lam0), cols(ref.lam0), "input gradient");
  }
  setKernelBackend("auto");
});
}
