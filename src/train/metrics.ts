/**
 * The text of a training run's metrics.csv and timing.csv (written by `dynaspin train` and by
 * `dynaspin reproduce`). Pure: strings from the run's history, no I/O.
 */
import type { EpochMetrics } from "./train.js";

/**
 * metrics.csv text: one row per epoch. Deterministic (wall times go to {@link timingCsv}). A
 * regression run's columns are epoch, lr, train_loss, train_mse, train_r2, test_loss, test_mse,
 * test_r2 (MSE in the targets' units²).
 */
export function metricsCsv(history: EpochMetrics[]): string {
  const cell = (v: number | undefined): string => (v === undefined || Number.isNaN(v) ? "" : String(v));
  if (history.length > 0 && history[0].trainMse !== undefined) {
    const rows = history.map((m) => [m.epoch, m.lr, m.trainLoss, m.trainMse, m.trainAccuracy, m.testLoss, m.testMse, m.testAccuracy].map(cell).join(","));
    return ["epoch,lr,train_loss,train_mse,train_r2,test_loss,test_mse,test_r2", ...rows].join("\n") + "\n";
  }
  const rows = history.map((m) =>
    [m.epoch, m.lr, m.trainLoss, m.trainAccuracy, m.testLoss, m.testAccuracy].map((v) => (Number.isNaN(v) ? "" : String(v))).join(","),
  );
  return ["epoch,lr,train_loss,train_accuracy,test_loss,test_accuracy", ...rows].join("\n") + "\n";
}

/** timing.csv text: wall time of each epoch's training part, in seconds. */
export function timingCsv(history: EpochMetrics[]): string {
  return ["epoch,seconds", ...history.map((m) => `${m.epoch},${m.seconds}`)].join("\n") + "\n";
}
