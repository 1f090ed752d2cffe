/** Shared shape of benchmark results; `bench/run.ts` collects rows from every suite. */

/** One measured workload, optionally next to a peer implementation run in the same process run. */
export interface BenchRow {
  /** Suite name, e.g. "llg", "train", "robustness". */
  suite: string;
  /** What was measured, e.g. "RK4, 1 oscillator". */
  workload: string;
  /** dynaspin's measurement (median). */
  value: number;
  /** Unit of `value` and `peerValue`, e.g. "s", "steps/s", "samples/s". */
  unit: string;
  /** Peer name, e.g. "NumPy 1.24 (python3-numpy)"; absent when no peer applies. */
  peer?: string;
  /** Peer's measurement in the same unit (median), or null when the peer is missing. */
  peerValue?: number | null;
  /** dynaspin time / peer time (lower is better), or peer rate / dynaspin rate for throughputs. */
  ratio?: number | null;
  /** The goal, e.g. "<= 1.0". */
  goal?: string;
  /** Free text: why a peer is missing, settings, checks done. */
  notes?: string;
  /** Further measurements of the row that the suite's own docs table shows (see {@link BenchDocBlock}). */
  detail?: Record<string, number | string>;
}

/**
 * A suite's own generated table in docs/benchmarks.md (block `bench-SUITE`): the body (a
 * Markdown table and lines) made from the rows the suite just measured. `npm run bench` writes
 * it, under the run line, whenever the suite ran.
 */
export type BenchDocBlock = (rows: BenchRow[], options: { quick: boolean }) => string;

/** A benchmark suite module exports `run` with this signature (and optionally `docBlock`, a {@link BenchDocBlock}). */
export type BenchSuite = (options: { quick: boolean }) => Promise<BenchRow[]>;
