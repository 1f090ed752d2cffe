/**
 * The paper's two tasks and their default training settings (what `dynaspin train --task` uses).
 * These defaults were chosen on training loss / held-out behaviour across seeds; see docs/results.md.
 */
import type { TrainOptions } from "./train.js";

/** Built-in task names. */
export const TASKS = ["spiral", "digits"] as const;
/** A built-in task. */
export type TaskName = (typeof TASKS)[number];

/** Default training options per task (devices excluded). */
export const TASK_DEFAULTS: Record<TaskName | "csv", Omit<TrainOptions, "devices">> = {
  spiral: { oscillators: 2, steps: 6, curriculum: 6, epochs: 2000, batchSize: 64, lr: 0.01, schedule: "cosine", restarts: 8, init: { spread: 0.5, mixing: 0.5 } },
  digits: { steps: 4, epochs: 100, batchSize: 64, lr: 0.0065, schedule: "cosine", restarts: 1, inputNoise: 0.2, init: { spread: 0.5, mixing: 0.5 } },
  // --data: the library's automatic budget (update count, validation split, early stopping, extra oscillators; docs/training.md).
  csv: {},
};

/** The generated 2-D two-class sets of src/data/synthetic.ts, trained with the library's automatic
 * defaults (those of `--data`: update budget, validation split, early stopping, max(2, 8)
 * oscillators). With the spiral's two oscillators and 400 epochs, circles reached 87.5–98.5 % over
 * seeds 0–4; see docs/playground.md. */
export const SYNTHETIC_TASKS = ["circles", "xor", "gaussians"] as const;
/** TensorFlow Playground's two regression sets (src/data/synthetic.ts, real targets), trained
 * with the library's automatic defaults like the {@link SYNTHETIC_TASKS}. */
export const REGRESSION_TASKS = ["plane", "multi-gaussian"] as const;
/** Tasks beyond the paper (no paper result to compare with): `mnist`, 28×28 MNIST digits, 784
 * oscillators, the {@link SYNTHETIC_TASKS} and the {@link REGRESSION_TASKS}. */
export const EXTRA_TASKS = ["mnist", ...SYNTHETIC_TASKS, ...REGRESSION_TASKS] as const;
/** Every task `dynaspin train --task` accepts. */
export const ALL_TASKS = [...TASKS, ...EXTRA_TASKS] as const;
/** Default training options of the extra tasks (devices excluded); see docs/results.md, "MNIST". */
export const EXTRA_TASK_DEFAULTS: Record<(typeof EXTRA_TASKS)[number], Omit<TrainOptions, "devices">> = {
  mnist: { steps: 2, epochs: 6, batchSize: 64, lr: 0.003, schedule: "cosine", restarts: 1, evalEvery: 3, fanInReference: 0, init: { spread: 0.65, mixing: 0.5 } },
  circles: TASK_DEFAULTS.csv,
  xor: TASK_DEFAULTS.csv,
  gaussians: TASK_DEFAULTS.csv,
  plane: TASK_DEFAULTS.csv,
  "multi-gaussian": TASK_DEFAULTS.csv,
};

/** The paper's reported accuracies (section II-D), in percent. */
export const PAPER_RESULTS: Record<TaskName, {
    /** Training accuracy the paper reports, %. */
    train: number;
    /** Test accuracy the paper reports, %. */
    test: number;
  }> = {
  spiral: { train: 93.88, test: 92 },
  digits: { train: 99.16, test: 97.5 },
};
