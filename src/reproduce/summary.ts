/**
 * The numbers of a reproduce run (what `summary.json` holds) and the comparison table
 * "quantity | paper | dynaspin" shared by the report, stdout and the tests. Pure.
 */
import { PAPER_RESULTS, type TaskName } from "../train/tasks.js";
import { PAPER_DEVICE } from "../device/analytic.js";
import type { ReproduceMode, ReproducePlan } from "./plan.js";

/** One trained network. Accuracies as fractions in [0, 1]. */
export interface SeedResult {
  seed: number;
  trainAccuracy: number;
  testAccuracy: number;
  trainLoss: number;
  testLoss: number;
  epochs: number;
  /** Wall time of the training, seconds. */
  seconds: number;
  /** Model file, relative to the output folder. */
  model: string;
  /** Per-epoch metrics file, relative to the output folder. */
  metrics: string;
}

/** A task's results over its seeds (mean ± sample std of the accuracies, fractions). */
export interface TaskSummary {
  task: TaskName;
  samples: { train: number; test: number };
  seeds: SeedResult[];
  trainAccuracy: { mean: number; std: number };
  testAccuracy: { mean: number; std: number };
}

/** The robustness sweep as the report needs it (accuracies as fractions). */
export interface RobustnessSummary {
  /** Parameter varied, e.g. "a". */
  param: string;
  trials: number;
  testSamples: number;
  sigma: number[];
  mean: number[];
  std: number[];
  p5: number[];
  p50: number[];
  p95: number[];
  /** Mean accuracy at σ = 0.25 and 0.5 (NaN if not on the grid). */
  at025: number;
  at05: number;
  workers: number;
}

/** The LLG panel of Fig. 2 (full mode). */
export interface PhysicsSummary {
  /** Physics preset simulated. */
  device: string;
  /** Currents simulated and how many settled (`ok`; only those are fitted and drawn). */
  currents: number;
  ok: number;
  /** Simulated time per current, s. */
  duration: number;
  /** K. */
  temperature: number;
  /** Closed-form (T = 0) threshold current of the preset, mA. */
  thresholdCurrent: number;
  /** eq. 4 fit to the ok points (current in mA), or null when it failed (see `failure`). */
  fit: { a: number; b: number; Ic: number; Q: number; rms: number; r2: number; converged: boolean } | null;
  /** Why the fit failed ("" when it did not). */
  failure: string;
}

/** Everything `summary.json` holds. */
export interface ReproduceSummary {
  format: "dynaspin.reproduce";
  mode: ReproduceMode;
  command: string;
  seed: number;
  /** What the mode reduced relative to the full run. */
  reductions: string[];
  /** Everything the run did: training options per task, seeds, sweep grid, device noise, LLG sweep. */
  plan: ReproducePlan;
  device: {
    true: { a: number; b: number; Ic: number; Q: number };
    fitted: { a: number; b: number; Ic: number; Q: number };
    standardErrors: { a: number; b: number; Ic: number; Q: number };
    rms: number;
    r2: number;
    points: number;
    noise: number;
  };
  spiral: TaskSummary;
  /**
   * Fig. 3 (b)–(d): per snapshot epoch, how many test points' final states lie on their class's
   * side of the readout line (for a two-class readout this is the test accuracy at that epoch).
   */
  figure3: { epoch: number; separated: number; total: number }[];
  digits: TaskSummary;
  /** The LLG panel of Fig. 2, null when the mode skips it. */
  physics: PhysicsSummary | null;
  /** null when the sweep was not available in this build. */
  robustness: RobustnessSummary | null;
  /** Wall time per stage and in total, seconds. */
  timings: Record<string, number>;
  environment: { dynaspin: string; node: string; cpu: string; cores: number; loadAverage: number[]; platform: string; date: string };
  /** Output files relative to the output folder. */
  files: string[];
}

/** An integer with thin-space thousands separators ("10 000"). */
export function count(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, "\u2009");
}

/** Percent with `digits` decimals ("93.88"). */
export function pct(x: number, digits = 2): string {
  return Number.isFinite(x) ? (100 * x).toFixed(digits) : "n/a";
}

function taskCell(t: TaskSummary, which: "trainAccuracy" | "testAccuracy"): string {
  const s = t[which];
  return t.seeds.length > 1 ? `${pct(s.mean)} ± ${pct(s.std)} % (${t.seeds.length} seeds)` : `${pct(s.mean)} % (seed ${t.seeds[0]?.seed})`;
}

/**
 * The comparison table: spiral and digits train/test accuracy (mean ± std over seeds; per seed
 * too when there are several), robustness accuracy at σ = 0.25 and 0.5, and the Fig. 2 fit.
 */
export function comparisonTable(s: ReproduceSummary): { columns: string[]; rows: string[][] } {
  const rows: string[][] = [];
  for (const task of ["spiral", "digits"] as const) {
    const t = s[task];
    const paper = PAPER_RESULTS[task];
    rows.push([`${task} train accuracy`, `${paper.train} % (§II-D)`, taskCell(t, "trainAccuracy")]);
    rows.push([`${task} test accuracy`, `${paper.test} % (§II-D)`, taskCell(t, "testAccuracy")]);
    if (t.seeds.length > 1) {
      for (const r of t.seeds) rows.push([`${task} seed ${r.seed}: train / test`, "", `${pct(r.trainAccuracy)} / ${pct(r.testAccuracy)} %`]);
    }
  }
  const r = s.robustness;
  const rob = (v: number | undefined) => (r === null || v === undefined ? "not available in this build" : Number.isFinite(v) ? `${pct(v)} % (${count(r.trials)} trials)` : "not on the σ grid");
  rows.push(["spiral mean test accuracy, σ(a) = 0.25", "high, ≈ as at σ = 0 (Fig. 4; no value given)", rob(r?.at025)]);
  rows.push(["spiral mean test accuracy, σ(a) = 0.5", "lower (Fig. 4; no value given)", rob(r?.at05)]);
  const f = s.device.fitted;
  const d = PAPER_DEVICE;
  rows.push(["eq. 4 test device a, b, Ic, Q", `${d.a}, ${d.b}, ${d.Ic}, ${d.Q} (§II-D)`, `${f.a.toFixed(3)}, ${f.b.toFixed(3)}, ${f.Ic.toFixed(3)}, ${f.Q.toFixed(3)} (fit to noisy data)`]);
  return { columns: ["quantity", "paper", "dynaspin"], rows };
}

/** The table as aligned plain text for a terminal. */
export function formatTextTable(t: { columns: readonly string[]; rows: readonly (readonly string[])[] }): string {
  const all = [t.columns, ...t.rows];
  const widths = t.columns.map((_, j) => Math.max(...all.map((r) => [...(r[j] ?? "")].length)));
  const line = (r: readonly string[]) => r.map((c, j) => c + " ".repeat(widths[j] - [...c].length)).join("  ").trimEnd();
  return [line(t.columns), widths.map((w) => "-".repeat(w)).join("  "), ...t.rows.map(line)].join("\n") + "\n";
}

/** Robustness table CSV: sigma,mean,std,p5,p50,p95 (accuracies as fractions). */
export function robustnessCsv(r: RobustnessSummary): string {
  const rows = r.sigma.map((s, i) => [s, r.mean[i], r.std[i], r.p5[i], r.p50[i], r.p95[i]].join(","));
  return ["sigma,mean_accuracy,std,p5,p50,p95", ...rows].join("\n") + "\n";
}
