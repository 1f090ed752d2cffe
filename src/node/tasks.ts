/**
 * Node adapter: loads a task's data set (built-in spiral or digits, or a user CSV).
 */
import { fileURLToPath } from "node:url";
import type { Dataset } from "../data/dataset.js";
import { makeSpiral, type SpiralOptions } from "../data/spiral.js";
import { parseDigits } from "../data/digits.js";
import { makeSynthetic, makeRegressionSet, type SyntheticOptions, type SyntheticSet, type RegressionSet } from "../data/synthetic.js";
import { readTextFile } from "./files.js";
import { loadCsvDataset } from "./csv-file.js";
import { loadMnist } from "./mnist.js";

/** Path of the shipped digits file (data/digits/digits.csv.gz in the package). */
export function digitsPath(): string {
  return fileURLToPath(new URL("../../data/digits/digits.csv.gz", import.meta.url));
}

/**
 * The 1797 8×8 handwritten digits of the paper's second task (the UCI set that scikit-learn ships),
 * from the file in the package: 64 features, pixel intensity / 16 in [0, 1], labels 0–9.
 */
export function loadDigits(): Dataset {
  const path = digitsPath();
  return parseDigits(readTextFile(path, "digits data file"), path);
}

/** Where a data set comes from, as the CLI's `--task` / `--data` flags name it. */
export interface DataSource {
  /** Built-in task, or undefined when `data` is given. */
  task?: "spiral" | "digits" | "mnist" | SyntheticSet | RegressionSet;
  /** Path of a CSV file. */
  data?: string;
  /** Label column of the CSV (header name or index; default last). */
  labelColumn?: string | number;
  /** Lines at the top of the CSV to ignore before its header (default 0). */
  skipRows?: number;
  /** Whether the CSV's first line (after `skipRows`) is a header; undefined: detected (the CSV option `header: "auto"`). */
  header?: boolean;
  /** "regression": the CSV's label column holds real targets (default: class labels). */
  problem?: "regression";
  /** Spiral options (task spiral). */
  spiral?: SpiralOptions;
  /** Options of a generated 2-D set (task circles, xor or gaussians). */
  synthetic?: SyntheticOptions;
}

/**
 * Loads the data set a source names, as `dynaspin train` does: the CSV file `data` when given
 * (label column, skipped rows), else the built-in task (default the spiral).
 * @throws InputError naming the file, row and column for a bad CSV; for MNIST when its package is missing.
 */
export function loadSource(src: DataSource): Dataset {
  if (src.data !== undefined) {
    return loadCsvDataset(src.data, {
      ...(src.labelColumn === undefined ? {} : { labelColumn: src.labelColumn }),
      ...(src.skipRows ? { skipRows: src.skipRows } : {}),
      ...(src.header !== undefined ? { header: src.header } : {}),
      ...(src.problem === "regression" ? { problem: "regression" as const } : {}),
    });
  }
  if (src.task === "plane" || src.task === "multi-gaussian") return makeRegressionSet(src.task, src.synthetic ?? {});
  if (src.task === "digits") return loadDigits();
  if (src.task === "mnist") return loadMnist();
  if (src.task === "circles" || src.task === "xor" || src.task === "gaussians") return makeSynthetic(src.task, src.synthetic ?? {});
  return makeSpiral(src.spiral ?? {});
}
