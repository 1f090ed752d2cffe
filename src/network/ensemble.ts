/**
 * An ensemble of networks stored as one network: the mean of M members' logits is the logits of
 * a single, wider network of the same model format ({@link mergeNetworks}).
 *
 * Pure: no platform imports.
 */
import { cloneModel, createModel, inputCount, extraInput, isRegressionModel, type Model } from "./model.js";
import { InputError } from "../util/errors.js";

/**
 * Merges M networks that read the same inputs into one network whose logits are the mean of
 * theirs: (1/M)·Σ_m (W_m·p_m(n) + c_m) (a classifier then predicts the class of the mean logits).
 *
 * Member m (K_m oscillators, d inputs, n steps) becomes the block of oscillators
 * o_m = Σ_{l<m} K_l … o_m + K_m − 1 of a network of k = Σ_m K_m oscillators:
 * - A(t) is block-diagonal for t ≥ 1 (A(t)[o_m + i, o_m + j] = A_m(t)[i, j]), B(t) stacked;
 * - the merged network's d input oscillators are member 0's; every other member reads the inputs
 *   through A(0): its input columns move to the shared input oscillators 0..d−1, and its own first
 *   d oscillators start at `extraP0` like extra oscillators but have zero columns in A(0), so they
 *   only matter from step 1 on, where they hold what the member's inputs evolved to. With
 *   different normalisations (members fitted on different rows), member m's normalised input
 *   x̃_m = (x − min_m)/span_m = a·x̃ + b of the merged one x̃ = (x − min)/span (min and max over
 *   the members: a = span/span_m, b = (min − min_m)/span_m; 0 where span_m = 0), so its column j
 *   of A(0) is multiplied by a_j and Σ_j A_m(0)[i, j]·b_j is added to B(0)[i];
 * - the readout is [W_1 … W_M]/M with c = Σ_m c_m / M.
 * The members must share steps, classes (or regression outputs and target scale), inputs,
 * feature map, extra oscillators' p(0) and class names. Equal to the mean of the members' logits
 * up to floating-point rounding (the sums run in another order): test/network/ensemble.test.ts.
 * @throws InputError naming the first member that does not match member 0.
 */
export function mergeNetworks(members: readonly Model[]): Model {
  if (members.length === 0) throw new InputError(`an ensemble needs at least one network`);
  if (members.length === 1) return cloneModel(members[0]);
  const first = members[0];
  const d = inputCount(first);
  const M = members.length;
  const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
  members.forEach((m, i) => {
    const bad = (what: string): never => {
      throw new InputError(`ensemble member ${i + 1}: its ${what} differs from member 1's; only networks trained on the same columns and classes merge`);
    };
    if (m.steps !== first.steps) bad(`number of steps (${m.steps} vs ${first.steps})`);
    if (m.classes !== first.classes) bad(`number of outputs (${m.classes} vs ${first.classes})`);
    if (inputCount(m) !== d) bad(`number of inputs (${inputCount(m)} vs ${d})`);
    if (extraInput(m) !== extraInput(first)) bad(`extra oscillators' p(0) (${extraInput(m)} vs ${extraInput(first)})`);
    if (isRegressionModel(m) !== isRegressionModel(first)) bad(`problem type`);
    if (!same(m.featureMap ?? null, first.featureMap ?? null)) bad(`feature map`);
    if (!same(m.classNames ?? null, first.classNames ?? null)) bad(`class names`);
    if (!same(m.featureNames ?? null, first.featureNames ?? null)) bad(`feature names`);
    if ((m.normalization === null) !== (first.normalization === null)) bad(`normalisation`);
    if (isRegressionModel(m) && !same([...(m.targetScale?.mean ?? [])], [...(first.targetScale?.mean ?? [])])) bad(`target scale`);
    if (isRegressionModel(m) && !same([...(m.targetScale?.std ?? [])], [...(first.targetScale?.std ?? [])])) bad(`target scale`);
  });
  const { steps, classes } = first;
  const k = members.reduce((s, m) => s + m.k, 0);
  const devices = members.flatMap((m) => m.devices);
  const out = createModel(k, steps, classes, devices, { inputs: d, extraP0: extraInput(first) });
  // The merged normalisation: min and max over the members (for members fitted on the same rows,
  // theirs).
  let norm: { min: Float64Array; max: Float64Array } | null = null;
  if (first.normalization !== null) {
    const min = first.normalization.min.slice(), max = first.normalization.max.slice();
    for (const m of members) {
      const nm = m.normalization as { min: Float64Array; max: Float64Array };
      for (let j = 0; j < d; j++) {
        if (nm.min[j] < min[j]) min[j] = nm.min[j];
        if (nm.max[j] > max[j]) max[j] = nm.max[j];
      }
    }
    norm = { min, max };
  }
  let o = 0;
  for (let mi = 0; mi < M; mi++) {
    const m = members[mi];
    const K = m.k;
    // Member inputs as an affine function of the merged ones: x̃_m = a·x̃ + b.
    const a = new Float64Array(d).fill(1), b = new Float64Array(d);
    const nm = m.normalization;
    if (norm !== null && nm !== null) {
      for (let j = 0; j < d; j++) {
        const span = norm.max[j] - norm.min[j], spanM = nm.max[j] - nm.min[j];
        a[j] = spanM > 0 ? (span > 0 ? span / spanM : 0) : 0;
        b[j] = spanM > 0 ? (norm.min[j] - nm.min[j]) / spanM : 0;
      }
    }
    const identity = a.every((v) => v === 1) && b.every((v) => v === 0);
    for (let t = 0; t < steps; t++) {
      for (let i = 0; i < K; i++) {
        const row = (t * k + o + i) * k, src = (t * K + i) * K;
        let bias = m.B[t * K + i];
        for (let j = 0; j < K; j++) {
          const v = m.A[src + j];
          if (t === 0 && j < d && mi > 0) {
            // Member m's input j is the shared input oscillator j.
            out.A[row + j] = identity ? v : v * a[j];
            if (!identity) bias += v * b[j];
          } else if (t === 0 && j < d && !identity) {
            out.A[row + o + j] = v * a[j];
            bias += v * b[j];
          } else {
            out.A[row + o + j] = v;
          }
        }
        out.B[t * k + o + i] = bias;
      }
    }
    for (let c = 0; c < classes; c++) for (let j = 0; j < K; j++) out.W[c * k + o + j] = m.W[c * K + j] / M;
    for (let c = 0; c < classes; c++) out.c[c] += m.c[c] / M;
    o += K;
  }
  out.normalization = norm;
  if (first.featureMap) out.featureMap = { columns: first.featureMap.columns, expressions: first.featureMap.expressions.slice() };
  if (first.classNames) out.classNames = first.classNames.slice();
  if (first.featureNames) out.featureNames = first.featureNames.slice();
  if (first.problem !== undefined) out.problem = first.problem;
  if (first.targetScale) out.targetScale = { mean: first.targetScale.mean.slice(), std: first.targetScale.std.slice() };
  if (first.targetNames) out.targetNames = first.targetNames.slice();
  return out;
}
