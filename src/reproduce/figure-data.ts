/**
 * Turns trained models and data into the plain arrays the figure functions take (src/plot/figures.ts).
 * Pure: seeded generators are passed in, nothing is read or written.
 */
import type { Model } from "../network/model.js";
import type { Dataset } from "../data/dataset.js";
import type { Rng } from "../util/rng.js";
import { runForward } from "../network/api.js";
import type { Figure3Epoch, TrajectoryData } from "../plot/figures.js";
import type { RegionGrid } from "../plot/scatter.js";
import type { DevicePlan } from "./plan.js";
import { InputError } from "../util/errors.js";
import { eq4 } from "../device/analytic.js";

/**
 * The synthetic "measured" device curve of Fig. 2: eq. 4 with `plan.params` at `plan.points`
 * evenly spaced currents over [from, to], each power plus independent N(0, noise²) noise drawn
 * from `rng` in current order.
 */
export function deviceData(plan: DevicePlan, rng: Rng): { current: Float64Array; power: Float64Array } {
  const curve = eq4(plan.params);
  const current = new Float64Array(plan.points);
  const power = new Float64Array(plan.points);
  for (let i = 0; i < plan.points; i++) {
    const I = plan.from + ((plan.to - plan.from) * i) / (plan.points - 1);
    current[i] = I;
    power[i] = curve.power(I) + plan.noise * rng.normal();
  }
  return { current, power };
}

/**
 * The readout's separating line between classes 0 and 1 in the plane of the final states
 * (p₁(n), p₂(n)): logit₁ − logit₀ = w0·p₁ + w1·p₂ + c with w = W[1] − W[0], c = c[1] − c[0].
 * @throws InputError unless the model has k = 2 oscillators and 2 classes.
 */
export function readoutLine(model: Model): { w0: number; w1: number; c: number } {
  if (model.k !== 2 || model.classes !== 2) throw new InputError(`readoutLine needs k = 2 and 2 classes (got k = ${model.k}, ${model.classes} classes)`);
  const W = model.W;
  return { w0: W[2] - W[0], w1: W[3] - W[1], c: model.c[1] - model.c[0] };
}

/** Fig. 3 (b)–(d): the final states p(n) of the points of `ds` and the readout line, for a k = 2 model. */
export function finalStates(model: Model, ds: Dataset, epoch: number): Figure3Epoch {
  const f = runForward(model, ds.x);
  const n = f.n, k = model.k, off = model.steps * n * k;
  const px = new Float64Array(n);
  const py = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    px[r] = f.p[off + r * k];
    py[r] = f.p[off + r * k + 1];
  }
  return { epoch, px, py, label: Int32Array.from(ds.y), readout: readoutLine(model) };
}

/** Bounding box of the points of `sets` (2 features) plus a `margin` fraction on each side. */
function planeBox(sets: readonly Dataset[], margin: number): { x0: number; x1: number; y0: number; y1: number } {
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (const ds of sets) {
    if (ds.d !== 2) throw new InputError(`the input plane needs 2 input features (got ${ds.d})`);
    for (let r = 0; r < ds.n; r++) {
      const x = ds.x[2 * r], y = ds.x[2 * r + 1];
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
  }
  const mx = margin * (x1 - x0 || 1), my = margin * (y1 - y0 || 1);
  return { x0: x0 - mx, x1: x1 + mx, y0: y0 - my, y1: y1 + my };
}

/** What a 2-input model does over its input plane: see {@link inputPlane}. */
export interface InputPlane extends RegionGrid {
  /** Class-1 softmax probability per cell (2 classes), else undefined. */
  prob?: Float64Array;
  /** Predicted class per cell (argmax of the logits, first on ties). */
  label: Int32Array;
  /** States of every cell at every step: p_i(t) of cell q at `(t·nx·ny + q)·k + i`. */
  p: Float64Array;
}

/**
 * Runs a 2-input model on the centres of an n × n grid over the bounding box of `sets` plus a
 * `margin` fraction (cell q = j·n + i as in {@link RegionGrid}) in one batch: the decision regions
 * (class-1 probability 1/(1 + e^(l0 − l1)) for 2 classes, predicted class for any number) and
 * each oscillator's state p_i(t) over the plane at every step (what an oscillator computes, as
 * TensorFlow Playground shows for a neuron).
 */
export function inputPlane(model: Model, sets: readonly Dataset[], n = 64, margin = 0.05): InputPlane {
  const { x0, x1, y0, y1 } = planeBox(sets, margin);
  const grid = new Float64Array(2 * n * n);
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      grid[2 * (j * n + i)] = x0 + ((i + 0.5) * (x1 - x0)) / n;
      grid[2 * (j * n + i) + 1] = y0 + ((j + 0.5) * (y1 - y0)) / n;
    }
  }
  const f = runForward(model, grid);
  const C = model.classes;
  const label = new Int32Array(n * n);
  for (let q = 0; q < n * n; q++) {
    let best = 0;
    for (let c = 1; c < C; c++) if (f.logits[q * C + c] > f.logits[q * C + best]) best = c;
    label[q] = best;
  }
  let prob: Float64Array | undefined;
  if (C === 2) {
    prob = new Float64Array(n * n);
    for (let q = 0; q < n * n; q++) prob[q] = 1 / (1 + Math.exp(f.logits[2 * q] - f.logits[2 * q + 1]));
  }
  return { nx: n, ny: n, x0, x1, y0, y1, prob, label, p: f.p };
}

/**
 * Decision regions of a 2-input, 2-class model over the raw input plane: the class-1 softmax
 * probability 1/(1 + e^(l0 − l1)) at the centres of an n × n grid covering the data's bounding
 * box plus a 5 % margin (cell layout of {@link RegionGrid}: index j·nx + i), computed in one batch.
 */
export function decisionRegions(model: Model, ds: Dataset, n = 120): RegionGrid & {
  /** Class-1 probability per cell, in [0, 1], at index j·nx + i. */
  prob: Float64Array;
} {
  if (ds.d !== 2) throw new InputError(`decisionRegions needs 2 input features (got ${ds.d})`);
  if (model.classes !== 2) throw new InputError(`decisionRegions needs 2 classes (got ${model.classes}); inputPlane gives the predicted class for any number`);
  const r = inputPlane(model, [ds], n, 0.05);
  return { nx: r.nx, ny: r.ny, x0: r.x0, x1: r.x1, y0: r.y0, y1: r.y1, prob: r.prob as Float64Array };
}

/**
 * Trajectories p_j(t), t = 0..n, of oscillator `j` for the first `perClass` points of each class
 * of `ds` (in row order), for {@link trajectoryFigure}.
 */
export function trajectories(model: Model, ds: Dataset, j: number, perClass: number, classNames?: readonly string[]): TrajectoryData {
  const classes = model.classes;
  const rows: number[] = [];
  const count = new Array<number>(classes).fill(0);
  for (let r = 0; r < ds.n && rows.length < perClass * classes; r++) {
    if (count[ds.y[r]] < perClass) {
      count[ds.y[r]]++;
      rows.push(r);
    }
  }
  const k = model.k;
  const x = new Float64Array(rows.length * k);
  rows.forEach((r, q) => x.set(ds.x.subarray(r * k, (r + 1) * k), q * k));
  const f = runForward(model, x);
  const steps = Array.from({ length: model.steps + 1 }, (_, t) => t);
  const series = rows.map((r, q) => ({
    label: `sample ${r}`,
    classLabel: ds.y[r],
    values: steps.map((t) => f.p[(t * f.n + q) * k + j]),
  }));
  return { steps, series, classNames, yLabel: `Power p${subscript(j + 1)}(t)` };
}

function subscript(n: number): string {
  return String(n).replace(/\d/g, (d) => "₀₁₂₃₄₅₆₇₈₉"[Number(d)]);
}

/** Every current injected into any oscillator at any step while the model classifies `ds`. */
export function injectedCurrents(model: Model, ds: Dataset): Float64Array {
  return runForward(model, ds.x).currents;
}

/** Mean and sample standard deviation (n − 1; 0 for a single value). */
export function meanStd(values: readonly number[]): { mean: number; std: number } {
  const n = values.length;
  if (n === 0) return { mean: NaN, std: NaN };
  const mean = values.reduce((s, v) => s + v, 0) / n;
  const std = n > 1 ? Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, std };
}
