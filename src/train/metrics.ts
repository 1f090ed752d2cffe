/**
 * The text of a training run's metrics.csv and timing.csv (written by `dynaspin train` and by
 * `dynaspin reproduce`). Pure: strings from the run's history, no I/O.
 */
import type { EpochMetrics } from "./train.js";

/** metrics.csv text: one row per epoch. Deterministic (wall times go to {@link timingCsv}). */
export function metricsCsv(history: EpochMetrics[]): string {
  const rows = history.map((m) =>
    [m.epoch, m.lr, m.trainLoss, m.trainAccuracy, m.testLoss, m.testAccuracy].map((v) => (Number.isNaN(v) ? "" : String(v))).join(","),
  );
  return ["epoch,lr,train_loss,train_accuracy,test_loss,test_accuracy", ...rows].join("\n") + "\n";
}

/** timing.csv text: wall time of each epoch's training part, in seconds. */
export function timingCsv(history: EpochMetrics[]): string {
  return ["epoch,seconds", ...history.map((m) => `${m.epoch},${m.seconds}`)].join("\n") + "\n";
}
