/**
 * Learning-rate schedules as pure functions of progress.
 * - `constant`: lr(e) = lr0
 * - `cosine`:   lr(e) = lrMin + ½(lr0 − lrMin)(1 + cos(π·e/E)), e = 0..E−1, lrMin = lr0·minFactor
 */
import { cos } from "../util/trig.js";

/** Schedule names. */
export const SCHEDULES = ["constant", "cosine"] as const;
/** A schedule name. */
export type Schedule = (typeof SCHEDULES)[number];

/**
 * Learning rate at epoch `epoch` (0-based) of `epochs`.
 * @param minFactor floor of the cosine schedule as a fraction of lr0. @default 0.01
 */
export function learningRate(schedule: Schedule, lr0: number, epoch: number, epochs: number, minFactor = 0.01): number {
  if (schedule === "constant" || epochs <= 1) return lr0;
  const lrMin = lr0 * minFactor;
  return lrMin + 0.5 * (lr0 - lrMin) * (1 + cos((Math.PI * epoch) / epochs));
}
