/**
 * Builders for the paper's figures (Rodrigues et al., IEEE Trans. Nanotechnol. 2023) and a few
 * beyond it, from plain data. Each takes a small documented input object (no dependency on the
 * training, robustness or device modules' types) and returns a standalone SVG string.
 */
import { lineChart, type LineSeries } from "./line.js";
import { scatterChart, type ClassPoints, type RegionGrid } from "./scatter.js";
import { heatmapChart } from "./heatmap.js";
import { histogramChart } from "./histogram.js";
import { panelGrid } from "./panel.js";
import { color } from "./palette.js";
import { extent } from "./scale.js";
import { numbers, sameLength } from "./check.js";
import { minusSign, textWidth } from "./text.js";
import { InputError } from "../util/errors.js";
import { finite, greaterThan, integer } from "../util/check.js";

/** Shortest readable form of a parameter value (3 significant digits, typographic minus). */
function sig(v: number): string {
  return minusSign(String(Number(v.toPrecision(3))));
}

/** Samples `f` at `n` evenly spaced points over [lo, hi]. */
function sample(lo: number, hi: number, n: number, f: (x: number) => number): { x: Float64Array; y: Float64Array } {
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = lo + ((hi - lo) * i) / (n - 1);
    y[i] = f(x[i]!);
  }
  return { x, y };
}

/** True if every finite value is within [0, 1] (accuracies given as fractions). */
function isFraction(arrays: readonly ArrayLike<number>[]): boolean {
  const [lo, hi] = extent(arrays);
  return !(lo < 0) && !(hi > 1);
}

function scaled(a: ArrayLike<number>, k: number): Float64Array {
  return Float64Array.from(a, (v) => v * k);
}

// ---------------------------------------------------------------- Fig. 2

/**
 * Input of {@link figure2}: a device's power-vs-current curves — eq. 4 and eq. 3 — over data
 * points when there are data (measured, simulated or generated: say which in `dataLabel`), or
 * over a current range alone when there are none (the curves then stand for the model only).
 */
export interface Figure2Data {
  /** Injected currents I of the data points, in `currentUnit`. @default none (no data drawn: give `range`) */
  current?: ArrayLike<number>;
  /** Powers p at those currents, in `powerUnit`. Required with `current`. */
  power?: ArrayLike<number>;
  /** Current range [from, to] of the curves when there are no data points. @default the data's range */
  range?: readonly [number, number];
  /** eq. 4 parameters: p = ½(1 + tanh(a·I − b))·(I − Ic)/(I + Q·Ic); a in 1/currentUnit. */
  eq4: {
    /** Slope of the tanh tail, 1/currentUnit. */
    a: number;
    /** Offset of the tanh tail (dimensionless). */
    b: number;
    /** Threshold current, currentUnit. */
    Ic: number;
    /** Nonlinearity (dimensionless). */
    Q: number;
  };
  /** eq. 3 parameters: p = (I − Ic)/(I + Q·Ic) where (I − Ic)·sign(Ic) ≥ 0, else 0. @default eq4's Ic and Q */
  eq3?: {
    /** Threshold current, currentUnit. */
    Ic: number;
    /** Nonlinearity (dimensionless). */
    Q: number;
  };
  /** @default "" */
  currentUnit?: string;
  /** @default "" (normalised power) */
  powerUnit?: string;
  /** @default none */
  title?: string;
  /** Legend text of the data: what they are (generated, simulated, measured). @default "device data" */
  dataLabel?: string;
  /** Legend text of the eq. 4 curve. @default "eq. 4 fit (a = …, b = …)" */
  eq4Label?: string;
  /** Legend text of the eq. 3 curve. @default "eq. 3 (Ic = …, Q = …)" */
  eq3Label?: string;
  /** @default 480 */
  width?: number;
  /** @default 340 */
  height?: number;
}

/** eq. 4 of the paper, p(I) = ½(1 + tanh(aI − b))·(I − Ic)/(I + Q·Ic). */
function eq4Power(I: number, a: number, b: number, Ic: number, Q: number): number {
  return 0.5 * (1 + Math.tanh(a * I - b)) * ((I - Ic) / (I + Q * Ic));
}

/** eq. 3 of the paper, p(I) = (I − Ic)/(I + Q·Ic) above threshold ((I − Ic)·sign(Ic) ≥ 0), else 0. */
function eq3Power(I: number, Ic: number, Q: number): number {
  return (I - Ic) * Math.sign(Ic) >= 0 ? (I - Ic) / (I + Q * Ic) : 0;
}

/**
 * Fig. 2: power vs current — the data as points (a thin line when there are more than 150), the
 * eq. 4 curve (blue, solid) and eq. 3 with the same Ic and Q (vermillion, dashed), both sampled at
 * 400 currents over the data range (or `range` without data). With data, the power axis follows
 * the data and eq. 4, and eq. 3 is clipped to it (it has a pole at I = −Q·Ic); without data it
 * follows both curves.
 */
export function figure2(data: Figure2Data): string {
  const hasData = data.current !== undefined || data.power !== undefined;
  const I = numbers(hasData ? data.current : [], "figure2: current");
  const p = numbers(hasData ? data.power : [], "figure2: power");
  sameLength(I, p, "figure2: current", "figure2: power");
  const { a, b, Ic, Q } = data.eq4;
  for (const [k, v] of Object.entries({ a, b, Ic, Q })) finite(v, `figure2: eq4.${k}`);
  const e3 = data.eq3 ?? { Ic, Q };
  finite(e3.Ic, "figure2: eq3.Ic");
  finite(e3.Q, "figure2: eq3.Q");
  let lo: number, hi: number;
  if (hasData) {
    [lo, hi] = extent([I]);
    if (!(hi > lo)) throw new InputError("figure2: current must hold at least two different finite values");
  } else {
    if (!Array.isArray(data.range) || data.range.length !== 2) throw new InputError("figure2: give data (current and power) or range [from, to] of the curves");
    const [r0, r1] = [finite(data.range[0], "figure2: range[0]"), finite(data.range[1], "figure2: range[1]")];
    [lo, hi] = [Math.min(r0, r1), Math.max(r0, r1)];
    if (!(hi > lo)) throw new InputError(`figure2: range must span two different currents (got ${r0}, ${r1})`);
  }
  // Beyond the pole I = −Q·Ic (on the far side of zero from Ic) the formula is meaningless: leave a gap.
  const fit = sample(lo, hi, 400, (x) => ((x + Q * Ic) * Math.sign(Ic) > 0 ? eq4Power(x, a, b, Ic, Q) : NaN));
  const th = sample(lo, hi, 400, (x) => eq3Power(x, e3.Ic, e3.Q));
  const many = I.length > 150;
  const series: LineSeries[] = [
    ...(hasData ? [{ label: data.dataLabel ?? "device data", x: I, y: p, style: many ? "line" : "points", color: "#000000", marker: "circle", markerSize: I.length > 60 ? 2 : 2.6, lineWidth: 1.2 } satisfies LineSeries] : []),
    { label: data.eq4Label ?? `eq. 4 fit (a = ${sig(a)}, b = ${sig(b)})`, x: fit.x, y: fit.y, color: color(0), lineWidth: 2 },
    { label: data.eq3Label ?? `eq. 3 (Ic = ${sig(e3.Ic)}, Q = ${sig(e3.Q)})`, x: th.x, y: th.y, color: color(1), dash: "7 4", lineWidth: 2, fitDomain: !hasData },
  ];
  return lineChart({
    title: data.title,
    series,
    x: { label: "Current I", unit: data.currentUnit ?? "" },
    y: { label: "Power p", unit: data.powerUnit ?? "" },
    width: data.width ?? 480,
    height: data.height ?? 340,
  });
}

// ---------------------------------------------------------------- Fig. 3

/** One epoch of {@link figure3}: the final states p(n) of the test points and the readout line. */
export interface Figure3Epoch {
  /** Epoch number shown in the panel title. */
  epoch: number;
  /** Final power of oscillator 1, p₁(n), per test point. */
  px: ArrayLike<number>;
  /** Final power of oscillator 2, p₂(n), per test point. */
  py: ArrayLike<number>;
  /** True class per test point (0 or 1). */
  label: ArrayLike<number>;
  /** Readout decision line w0·p₁ + w1·p₂ + c = 0 (logit difference of the two classes). */
  readout: {
    /** Weight of p₁(n) in the logit difference. */
    w0: number;
    /** Weight of p₂(n) in the logit difference. */
    w1: number;
    /** Bias of the logit difference. */
    c: number;
  };
}

/** Input of {@link figure3}. */
export interface Figure3Data {
  /** The input plane: points (x, y) with class labels. */
  input: ClassPoints;
  /** Class-1 probability of the trained network over the input plane (see {@link RegionGrid}). */
  regions: RegionGrid;
  /** Usually three epochs (early, middle, last). */
  epochs: readonly Figure3Epoch[];
  /** @default ["class 0", "class 1"] */
  classNames?: readonly string[];
}

/**
 * How Fig. 3 shows density (quoted by captions): markers are `opacity` opaque with an outline in
 * their class colour, so piled-up points darken instead of merging into one disc; in the final-state
 * panels, `stackMinCount` or more points of one class within `stackRadius` px of each other get
 * their count printed beside them ("×N").
 */
export const FIGURE3_DENSITY = Object.freeze({ opacity: 0.35, stackRadius: 3, stackMinCount: 5 });

/**
 * Fig. 3: (a) the input data coloured by class over the trained network's decision regions
 * (class-1 probability shaded, p = 0.5 boundary drawn); (b), (c), ... the final states
 * (p₁(n), p₂(n)) of the test points at each given epoch with the readout's separating line, piles
 * of coincident final states counted (see `FIGURE3_DENSITY`: opacity 0.35, stacks of ≥ 5 points within 3 px); the final-state panels share
 * one square domain (both axes, all epochs, in steps of 0.2). Panels 400 × 360 px on a 2-column grid.
 */
export function figure3(data: Figure3Data): string {
  if (!Array.isArray(data.epochs)) throw new TypeError("figure3: epochs must be an array");
  const classNames = data.classNames ?? ["class 0", "class 1"];
  const panels = [
    scatterChart({
      title: "Input and decision regions",
      points: data.input,
      regions: data.regions,
      classNames,
      xAxis: { label: "Input x₁" },
      yAxis: { label: "Input x₂" },
      markerSize: 2.6,
      opacity: 0.6,
      outline: "class",
      // Legends in a row above each plot keep the four plot areas aligned.
      legend: "top",
    }),
  ];
  // One domain for every final-state panel (0.2 steps, covering all epochs), so epochs compare at a glance.
  const [xlo, xhi] = extent(data.epochs.map((e) => numbers(e.px, "figure3: epochs[].px")));
  const [ylo, yhi] = extent(data.epochs.map((e) => numbers(e.py, "figure3: epochs[].py")));
  const lo = Math.floor(Math.min(xlo, ylo) * 5) / 5;
  const hi = Math.max(lo + 0.2, Math.ceil(Math.max(xhi, yhi) * 5) / 5);
  const domain = Number.isFinite(lo) && Number.isFinite(hi) ? { min: lo, max: hi } : {};
  data.epochs.forEach((e, i) => {
    integer(e.epoch, 0, Number.MAX_SAFE_INTEGER, `figure3: epochs[${i}].epoch`);
    panels.push(
      scatterChart({
        title: `Final states, epoch ${e.epoch}`,
        points: { x: e.px, y: e.py, label: e.label },
        lines: [{ ...e.readout, label: "readout boundary" }],
        classNames,
        xAxis: { label: "p₁(n)", ...domain },
        yAxis: { label: "p₂(n)", ...domain },
        markerSize: 2.6,
        opacity: FIGURE3_DENSITY.opacity,
        outline: "class",
        stacks: { radius: FIGURE3_DENSITY.stackRadius, minCount: FIGURE3_DENSITY.stackMinCount },
        legend: "top",
      }),
    );
  });
  return panelGrid({ panels, columns: 2 });
}

// ---------------------------------------------------------------- Fig. 4

/** One curve of {@link figure4}: accuracies per σ (fractions in [0, 1] or percentages). */
export interface Figure4Curve {
  /** Legend text, e.g. "plain training". */
  name: string;
  /** Mean accuracy per σ. */
  mean: ArrayLike<number>;
  /** 5th percentile per σ (lower edge of the band). */
  p5: ArrayLike<number>;
  /** 95th percentile per σ (upper edge of the band). */
  p95: ArrayLike<number>;
}

/** Input of {@link figure4}. */
export interface Figure4Data {
  /** Standard deviations σ of the device parameter (x axis). */
  sigma: ArrayLike<number>;
  /** One curve per model (e.g. plain and variation-aware training): mean accuracy and 5–95 % band per σ. */
  curves: readonly Figure4Curve[];
  /** @default "Standard deviation σ of a" */
  xLabel?: string;
  /** A vertical dashed marker at this σ (e.g. 0.25, up to which the paper reports high accuracy). @default none */
  threshold?: number;
  /** @default none */
  title?: string;
  /**
   * Inset (in the plot corner covering the fewest data points), as the paper's inset: the normal
   * density of the device parameter, mean `a`, standard deviation `sigma`, with a ± σ shaded.
   * @default none
   */
  inset?: {
    /** Mean of the parameter's normal density. */
    a: number;
    /** Standard deviation of the density (the shaded ± σ). */
    sigma: number;
    /** Text of the inset's x axis. @default "a" */
    label?: string;
  };
}

/** Small chart of the normal density N(a, σ²) over a ± 4σ with a ± σ shaded (the Fig. 4 inset). */
function densityInset(a: number, sigma: number, label: string): string {
  const n = 121;
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  const lo = new Float64Array(n);
  const hi = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = a - 4 * sigma + (8 * sigma * i) / (n - 1);
    const z = (x[i]! - a) / sigma;
    y[i] = Math.exp(-0.5 * z * z) / (sigma * Math.sqrt(2 * Math.PI));
    const inside = Math.abs(z) <= 1 + 1e-9;
    lo[i] = inside ? 0 : NaN;
    hi[i] = inside ? y[i]! : NaN;
  }
  return lineChart({
    series: [{ x, y, band: { lo, hi }, color: color(2), lineWidth: 1.5 }],
    x: { label, ticks: 4 },
    y: { label: "Density", min: 0, max: (1.1 / (sigma * Math.sqrt(2 * Math.PI))), ticks: 2 },
    hlines: [],
    width: 200,
    height: 130,
    legend: "none",
  });
}

/**
 * Fig. 4: mean accuracy vs σ, one line per curve with its 5–95 % percentile band. Accuracies all
 * within [0, 1] are drawn in percent (× 100); otherwise taken as percentages already.
 */
export function figure4(data: Figure4Data): string {
  const s = numbers(data.sigma, "figure4: sigma");
  if (!Array.isArray(data.curves) || data.curves.length === 0) throw new InputError("figure4: curves must be a non-empty array");
  const all: ArrayLike<number>[] = [];
  data.curves.forEach((c, i) => {
    for (const k of ["mean", "p5", "p95"] as const) {
      sameLength(s, numbers(c[k], `figure4: curves[${i}].${k}`), "figure4: sigma", `figure4: curves[${i}].${k}`);
      all.push(c[k]);
    }
  });
  const k = isFraction(all) ? 100 : 1;
  const series: LineSeries[] = data.curves.map((c, i) => ({
    label: c.name,
    x: s,
    y: scaled(c.mean, k),
    band: { lo: scaled(c.p5, k), hi: scaled(c.p95, k) },
    style: s.length <= 25 ? "linepoints" : "line",
    color: color(i),
  }));
  const [lo] = extent(all);
  return lineChart({
    title: data.title,
    series,
    x: { label: data.xLabel ?? "Standard deviation σ of a" },
    y: { label: "Accuracy", unit: "%", ...(lo * k >= 40 ? { max: 100 } : { min: 0, max: 100 }) },
    vlines: data.threshold !== undefined ? [{ value: finite(data.threshold, "figure4: threshold"), label: `σ = ${sig(data.threshold)}` }] : [],
    width: 480,
    height: 340,
    legend: "auto",
    inset: data.inset
      ? { svg: densityInset(finite(data.inset.a, "figure4: inset.a"), greaterThan(data.inset.sigma, 0, "figure4: inset.sigma"), data.inset.label ?? `a (σ = ${sig(data.inset.sigma)})`) }
      : undefined,
  });
}

// ---------------------------------------------------------------- Fig. 5

/** Input of {@link figure5}: per-epoch training history. */
export interface Figure5Data {
  /** Epoch numbers (x axis). */
  epochs: ArrayLike<number>;
  /** Training loss per epoch. */
  trainLoss: ArrayLike<number>;
  /** Test loss per epoch. */
  testLoss: ArrayLike<number>;
  /** Accuracies as fractions in [0, 1] (drawn in %) or percentages. */
  trainAcc: ArrayLike<number>;
  /** Test accuracy per epoch (fractions in [0, 1] or percentages, like `trainAcc`). */
  testAcc: ArrayLike<number>;
  /** Log-scale loss axis. @default true when all losses are > 0 and span more than a factor 20 */
  logLoss?: boolean;
}

/** Fig. 5: (a) accuracy and (b) loss vs epoch, train (blue, solid) and test (vermillion, dashed). */
export function figure5(data: Figure5Data): string {
  const e = numbers(data.epochs, "figure5: epochs");
  for (const k of ["trainLoss", "testLoss", "trainAcc", "testAcc"] as const) {
    sameLength(e, numbers(data[k], `figure5: ${k}`), "figure5: epochs", `figure5: ${k}`);
  }
  const k = isFraction([data.trainAcc, data.testAcc]) ? 100 : 1;
  const [llo, lhi] = extent([data.trainLoss, data.testLoss]);
  const logLoss = data.logLoss ?? (llo > 0 && lhi / llo > 20);
  const style = e.length <= 30 ? "linepoints" : "line";
  const acc = lineChart({
    series: [
      { label: "train", x: e, y: scaled(data.trainAcc, k), style, color: color(0) },
      { label: "test", x: e, y: scaled(data.testAcc, k), style, color: color(1), dash: "6 3" },
    ],
    x: { label: "Epoch" },
    y: { label: "Accuracy", unit: k === 100 ? "%" : "" },
    title: "Accuracy",
    width: 440,
    height: 320,
  });
  const loss = lineChart({
    series: [
      { label: "train", x: e, y: data.trainLoss, style, color: color(0) },
      { label: "test", x: e, y: data.testLoss, style, color: color(1), dash: "6 3" },
    ],
    x: { label: "Epoch" },
    y: { label: "Loss (cross-entropy)", log: logLoss },
    title: "Loss",
    width: 440,
    height: 320,
  });
  return panelGrid({ panels: [acc, loss], columns: 2 });
}

// ---------------------------------------------------------------- beyond the paper

/** Input of {@link confusionFigure}. */
export interface ConfusionData {
  /** Counts, row-major k × k: row = true class, column = predicted class. */
  matrix: ArrayLike<number>;
  /** Class names, k of them. */
  labels: readonly string[];
  /** @default "Confusion matrix (accuracy X %)" */
  title?: string;
}

/**
 * Confusion matrix: counts in the cells, colour = share of the true class's row (per-class
 * recall), overall accuracy (trace / total) in the title.
 */
export function confusionFigure(data: ConfusionData): string {
  const n = data.labels.length;
  const m = numbers(data.matrix, "confusionFigure: matrix");
  if (m.length !== n * n) throw new InputError(`confusionFigure: matrix must have labels.length² = ${n * n} values (got ${m.length})`);
  let tr = 0;
  let tot = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    tot += m[i * n + j]!;
    if (i === j) tr += m[i * n + j]!;
  }
  const acc = tot > 0 ? ((100 * tr) / tot).toFixed(1) : "–";
  const side = Math.max(260, Math.min(560, 120 + 34 * n));
  const title = data.title ?? `Confusion matrix (accuracy ${acc} %)`;
  // Wide enough for the whole title, which is centred over the cells (right of the row labels).
  const width = Math.max(side + 20, Math.ceil(textWidth(title, 13, true)) + 150);
  return heatmapChart({
    matrix: m,
    rows: n,
    cols: n,
    rowLabels: data.labels,
    colLabels: data.labels,
    xAxis: { label: "Predicted class" },
    yAxis: { label: "True class" },
    normalize: "row",
    title,
    width,
    height: side,
  });
}

/** Input of {@link trajectoryFigure}. */
export interface TrajectoryData {
  /** Step indices (or times) shared by all series. */
  steps: ArrayLike<number>;
  /** One curve per sample or oscillator: its values p(t) over the steps and its class. */
  series: readonly {
    /** Legend text of the curve. */
    label: string;
    /** Class of the sample (sets the colour). */
    classLabel: number;
    /** p(t) at each step. */
    values: ArrayLike<number>;
  }[];
  /** @default "Step t" */
  xLabel?: string;
  /** @default "Power p(t)" */
  yLabel?: string;
  /** Legend text per class (when several series share a class, the legend lists classes). @default "class k" */
  classNames?: readonly string[];
  /** @default none */
  title?: string;
}

/**
 * The trajectories p(t) over the steps: colour = class (Okabe–Ito), points at each step when there
 * are at most 30 steps. With one series per class the legend shows the series labels, otherwise
 * one entry per class. Series are drawn and listed in class order (class 0 first).
 */
export function trajectoryFigure(data: TrajectoryData): string {
  const t = numbers(data.steps, "trajectoryFigure: steps");
  if (!Array.isArray(data.series) || data.series.length === 0) throw new InputError("trajectoryFigure: series must be a non-empty array");
  const classes = data.series.map((s, i) => integer(s.classLabel, 0, 255, `trajectoryFigure: series[${i}].classLabel`));
  const perClass = new Set(classes).size < classes.length;
  const seen = new Set<number>();
  // Class order (stable within a class), so the legend lists class 0 first whatever the row order.
  const order = classes.map((k, i) => [k, i] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]).map(([, i]) => i);
  const series: LineSeries[] = order.map((i) => {
    const s = data.series[i]!;
    sameLength(t, numbers(s.values, `trajectoryFigure: series[${i}].values`), "trajectoryFigure: steps", `trajectoryFigure: series[${i}].values`);
    const k = classes[i]!;
    const first = !seen.has(k);
    seen.add(k);
    return {
      label: perClass ? (data.classNames?.[k] ?? `class ${k}`) : s.label,
      noLegend: perClass && !first,
      x: t,
      y: s.values,
      color: color(k),
      // Classes 8+ reuse the palette colours: dashed.
      dash: k >= 8 ? "6 3" : undefined,
      style: t.length <= 30 ? "linepoints" : "line",
      marker: (["circle", "square", "triangle", "diamond"] as const)[k % 4],
      markerSize: 2.4,
      lineWidth: 1.5,
    };
  });
  return lineChart({
    title: data.title,
    series,
    x: { label: data.xLabel ?? "Step t" },
    y: { label: data.yLabel ?? "Power p(t)" },
    width: 480,
    height: 320,
  });
}

/** Input of {@link currentHistogramFigure}. */
export interface CurrentHistogramData {
  /** Currents injected into the oscillators during inference (all steps, all samples). */
  currents: ArrayLike<number>;
  /** The device curve p(I) drawn over the histogram on the right axis. */
  curve: {
    /** Currents of the curve, in `unit`. */
    current: ArrayLike<number>;
    /** Power at each current, in `powerUnit`. */
    power: ArrayLike<number>;
  };
  /** Current unit. @default "" */
  unit?: string;
  /** Power unit. @default "" */
  powerUnit?: string;
  /** @default 40 */
  bins?: number;
  /** @default none */
  title?: string;
}

/** Where the network operates: a histogram of the injected currents (left axis, counts) under the device curve p(I) (right axis). */
export function currentHistogramFigure(data: CurrentHistogramData): string {
  const c = numbers(data.currents, "currentHistogramFigure: currents");
  const ci = numbers(data.curve.current, "currentHistogramFigure: curve.current");
  const cp = numbers(data.curve.power, "currentHistogramFigure: curve.power");
  sameLength(ci, cp, "currentHistogramFigure: curve.current", "currentHistogramFigure: curve.power");
  const [lo, hi] = extent([c, ci]);
  return histogramChart({
    title: data.title,
    values: c,
    bins: data.bins ?? 40,
    range: hi > lo ? [lo, hi] : undefined,
    barLabel: "injected currents",
    overlay: { x: ci, y: cp, label: "device curve p(I)" },
    x: { label: "Current I", unit: data.unit ?? "" },
    y: { label: "Count" },
    y2: { label: "Power p", unit: data.powerUnit ?? "" },
    width: 480,
    height: 320,
  });
}

/** Input of {@link powerFrequencyFigure}. */
export interface PowerFrequencyData {
  /** Currents of the sweep, in `currentUnit`. */
  current: ArrayLike<number>;
  /** Oscillation power per current (normalised or in powerUnit). */
  power: ArrayLike<number>;
  /** Oscillation frequency per current, GHz. */
  frequencyGHz: ArrayLike<number>;
  /**
   * Whether each current's simulation settled (status `ok`). Points that did not are drawn as
   * hollow grey markers, off the lines, with their own legend entry. @default all settled
   */
  settled?: ArrayLike<boolean>;
  /** Legend text of the points that did not settle. @default "did not settle (not fitted)" */
  unsettledLabel?: string;
  /** @default "" */
  currentUnit?: string;
  /** @default "" */
  powerUnit?: string;
  /** @default none */
  title?: string;
}

/**
 * Macrospin sweep result: power p(I) (left axis, blue) and frequency f(I) (right axis, vermillion,
 * GHz) through the settled points, broken where a current did not settle; points that did not
 * settle as hollow grey markers (circles for power, squares for frequency), so they are visible but
 * not mistaken for results.
 */
export function powerFrequencyFigure(data: PowerFrequencyData): string {
  const I = numbers(data.current, "powerFrequencyFigure: current");
  const P = numbers(data.power, "powerFrequencyFigure: power");
  const F = numbers(data.frequencyGHz, "powerFrequencyFigure: frequencyGHz");
  sameLength(I, P, "powerFrequencyFigure: current", "powerFrequencyFigure: power");
  sameLength(I, F, "powerFrequencyFigure: current", "powerFrequencyFigure: frequencyGHz");
  const ok = Array.from({ length: I.length }, (_, i) => (data.settled === undefined ? true : data.settled[i]));
  if (data.settled !== undefined && data.settled.length !== I.length) {
    throw new InputError(`powerFrequencyFigure: settled must have one value per current (${I.length}, got ${data.settled.length})`);
  }
  ok.forEach((v, i) => {
    if (typeof v !== "boolean") throw new TypeError(`powerFrequencyFigure: settled[${i}] must be true or false`);
  });
  const pick = (a: ArrayLike<number>, keep: boolean) => Float64Array.from(a).filter((_, i) => ok[i] === keep);
  // Settled values with gaps where a current did not settle, so no line bridges an unsettled point.
  const gapped = (a: ArrayLike<number>) => Float64Array.from(a, (v, i) => (ok[i] ? v : NaN));
  // With gaps, markers keep an isolated settled point visible.
  const style = I.length <= 40 || ok.some((v) => !v) ? "linepoints" : "line";
  const series: LineSeries[] = [
    { label: "power p", x: I, y: gapped(P), style, color: color(0) },
    { label: "frequency f", x: I, y: gapped(F), style, color: color(1), dash: "6 3", axis: "right", marker: "square" },
  ];
  if (ok.some((v) => !v)) {
    const Ibad = pick(I, false);
    series.push(
      { label: data.unsettledLabel ?? "did not settle (not fitted)", x: Ibad, y: pick(P, false), style: "points", color: "#777777", marker: "circle", markerSize: 3.5, hollow: true },
      { x: Ibad, y: pick(F, false), style: "points", color: "#777777", marker: "square", markerSize: 3.5, hollow: true, axis: "right" },
    );
  }
  return lineChart({
    title: data.title,
    series,
    x: { label: "Current I", unit: data.currentUnit ?? "" },
    y: { label: "Power p", unit: data.powerUnit ?? "" },
    y2: { label: "Frequency f", unit: "GHz" },
    width: 480,
    height: 320,
  });
}
