/**
 * The 8×8 handwritten digits (the paper's "DIGIT" set): 1797 images, 64 pixels 0..16 each, label 0..9.
 * Source: UCI "Optical Recognition of Handwritten Digits" (E. Alpaydin, C. Kaynak, 1998), CC BY 4.0,
 * in the copy scikit-learn distributes (`data/digits/SOURCE.md`). Features are pixel/16.
 */
import type { Dataset } from "./dataset.js";
import { InputError } from "../util/errors.js";

/**
 * Parses the digits CSV text (65 integers per row: 64 pixels then the label) into a data set with
 * features pixel/16 ∈ [0, 1].
 */
export function parseDigits(text: string, file = "digits.csv"): Dataset {
  const lines = text.split(/\r?\n/).filter((l) => l.trim().length > 0);
  const n = lines.length;
  const x = new Float64Array(n * 64);
  const y = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    const cells = lines[r].split(",");
    if (cells.length !== 65) throw new InputError(`${file}: row ${r + 1} has ${cells.length} fields, expected 65`);
    for (let j = 0; j < 64; j++) x[r * 64 + j] = Number(cells[j]) / 16;
    y[r] = Number(cells[64]);
  }
  const featureNames = Array.from({ length: 64 }, (_, j) => `px${Math.floor(j / 8)}_${j % 8}`);
  return { x, y, n, d: 64, featureNames, classNames: ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"] };
}
