/**
 * The one default thread count of the commands that sweep independent units of work (robustness
 * trials, explore points, LLG currents, reproduce's sweeps): the cores Node reports available
 * (`os.availableParallelism()`), at most 256 (the largest --workers). `train` defaults to 1 thread
 * instead: splitting one batch pays only for large networks or batches (see docs/engines.md), so
 * it is asked for with --workers. Results never depend on the thread count.
 */
import { availableParallelism } from "node:os";

/** Threads a sweep uses without --workers: the available cores, 1..256. */
export function defaultThreads(): number {
  return Math.max(1, Math.min(256, availableParallelism()));
}
