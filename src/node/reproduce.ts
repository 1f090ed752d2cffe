/**
 * The `dynaspin reproduce` pipeline: fit the device curve, train the spiral and digits networks,
 * run the robustness sweep, draw every figure (SVG + PNG) and write models, metrics, summary.json
 * and a self-contained report.html into one folder. The numeric parts live in src/reproduce/
 * (pure); this module sequences them, times them and writes files.
 */
import { join } from "node:path";
import { cpus, loadavg, platform, arch } from "node:os";
import type { Dataset } from "../data/dataset.js";
import type { Model } from "../network/model.js";
import { makeSpiral } from "../data/spiral.js";
import { stratifiedSplit } from "../data/split.js";
import { loadDigits } from "./tasks.js";
import { eq3, eq4 } from "../device/analytic.js";
import { fitCurve } from "../device/fit.js";
import { evaluate } from "../network/api.js";
import { stringifyModel } from "../network/io.js";
import { metricsCsv } from "../train/metrics.js";
import { Rng, deriveSeed } from "../util/rng.js";
import { figure2, figure3, figure4, figure5, confusionFigure, trajectoryFigure, currentHistogramFigure, powerFrequencyFigure } from "../plot/figures.js";
import { panelGrid } from "../plot/panel.js";
import { renderReport } from "../plot/report.js";
import { writeFigure } from "./png.js";
import { writeFileAtomic } from "./files.js";
import { deviceFileJson } from "./device-file.js";
import type { Progress } from "./progress.js";
import { robustnessParallel } from "./robustness-worker.js";
import { VERSION } from "../version.js";
import { InputError } from "../util/errors.js";
import { sweepParallel } from "./llg-worker.js";
import { resolveDevice, PY_CU_PY } from "../physics/params.js";
import { currentGrid, tidyCurrent } from "../physics/sweep.js";
import { thresholdCurrent } from "../physics/closedform.js";
import type { FitResult } from "../device/fit.js";
import type { PresetPanelPlan, ReproducePlan, TaskPlan } from "../reproduce/plan.js";
import { trainWithSnapshotsAsync } from "../reproduce/training.js";
import { deviceData, finalStates, decisionRegions, trajectories, injectedCurrents, meanStd } from "../reproduce/figure-data.js";
import { count, robustnessCsv, type PhysicsSummary, type ReproduceSummary, type RobustnessSummary, type SeedResult, type TaskSummary } from "../reproduce/summary.js";
import { reproduceReport, type ReproduceFigures, type ReproduceNotes } from "../reproduce/report.js";
import type { Figure3Epoch } from "../plot/figures.js";
import type { EpochMetrics } from "../train/train.js";

/** Options of {@link runReproduce}. */
export interface ReproduceOptions {
  /**
   * What to run: seeds, tasks, robustness σ and trials, the LLG panel (quick or full mode; see
   * docs/reproduce.md).
   */
  plan: ReproducePlan;
  /** Output folder (created; existing files with the same names are replaced). */
  out: string;
  /** The command line, as shown in the report. */
  command: string;
  /** Creates a progress sink for a stage (label, units of work). @default none */
  progress?: (label: string, total: number) => Progress;
  /**
   * Filled in as the run goes (for a caller that must say what an interrupted run kept): the files
   * written so far (relative to `out`) and the stage under way. @default none
   */
  track?: {
    /** Files written so far, relative to `out`, in order. */
    files: string[];
    /** Label of the stage under way (empty when none). */
    stage: string;
  };
}

/** What {@link runReproduce} returns. */
export interface ReproduceOutput {
  /** Every number of the report (what summary.json holds). */
  summary: ReproduceSummary;
  /** Path of report.html. */
  report: string;
}

const NO_PROGRESS: Progress = { update: () => undefined, stop: () => undefined };

/** Trained networks of one task, in seed order, with their histories. */
interface TaskRun {
  summary: TaskSummary;
  models: Model[];
  histories: EpochMetrics[][];
  snapshots: Figure3Epoch[];
}

async function trainTask(plan: TaskPlan, ds: Dataset, out: string, files: string[], progress: ReproduceOptions["progress"], snapshotAt: number[], track?: ReproduceOptions["track"]): Promise<TaskRun> {
  const split = stratifiedSplit(ds, plan.splitSeed, plan.testFraction);
  const seeds: SeedResult[] = [];
  const models: Model[] = [];
  const histories: EpochMetrics[][] = [];
  let snapshots: Figure3Epoch[] = [];
  for (const [i, seed] of plan.seeds.entries()) {
    if (track) track.stage = `${plan.task} training (seed ${seed}, ${i + 1} of ${plan.seeds.length})`;
    const epochs = plan.options.epochs ?? 200;
    const bar = progress?.(`${plan.task} seed ${seed}`, epochs) ?? NO_PROGRESS;
    const wantShots = i === 0 && snapshotAt.length > 0;
    const r = await trainWithSnapshotsAsync<Figure3Epoch>(split.train, {
      ...plan.options,
      seed,
      devices: eq4(),
      test: split.test,
      snapshotAt: wantShots ? snapshotAt : [],
      snapshot: (model, epoch) => finalStates(model, split.test, epoch),
      onRestart: (k, loss) => {
        if ((plan.options.restarts ?? 1) > 1) bar.update(0, `restart ${k + 1}/${plan.options.restarts} loss ${loss.toFixed(4)}`);
      },
      onEpoch: (m) => bar.update(m.epoch, `loss ${m.trainLoss.toFixed(4)} test acc ${(100 * m.testAccuracy).toFixed(1)}%`),
    });
    bar.stop();
    if (wantShots) snapshots = r.snapshots.map((s) => s.value);
    const tr = evaluate(r.model, split.train);
    const te = evaluate(r.model, split.test);
    const model = `models/${plan.task}-seed${seed}.json`;
    const metrics = `metrics/${plan.task}-seed${seed}.csv`;
    const training = { dynaspin: VERSION, command: "dynaspin reproduce", task: plan.task, options: { ...plan.options, seed }, splitSeed: plan.splitSeed, testFraction: plan.testFraction, chosenRestart: r.chosenRestart, trainAccuracy: tr.accuracy, testAccuracy: te.accuracy };
    writeFileAtomic(join(out, model), stringifyModel(r.model, { training }));
    writeFileAtomic(join(out, metrics), metricsCsv(r.history));
    files.push(model, metrics);
    seeds.push({ seed, trainAccuracy: tr.accuracy, testAccuracy: te.accuracy, trainLoss: tr.loss, testLoss: te.loss, epochs: r.history.length, seconds: r.seconds, model, metrics });
    models.push(r.model);
    histories.push(r.history);
  }
  return {
    summary: {
      task: plan.task,
      samples: { train: split.train.n, test: split.test.n },
      seeds,
      trainAccuracy: meanStd(seeds.map((s) => s.trainAccuracy)),
      testAccuracy: meanStd(seeds.map((s) => s.testAccuracy)),
    },
    models,
    histories,
    snapshots,
  };
}

/** Three significant digits with a typographic minus, for legends. */
function sig3(v: number): string {
  return String(Number(v.toPrecision(3))).replace("-", "−");
}

/**
 * The paper's Fig. 2 (b) and (c) from the presets: eq. 3 (preset Ic, Q) and eq. 4 (same Ic, Q; a, b
 * chosen as documented in {@link PresetPanelPlan}), normalised power, no data points.
 */
function presetFigure2(panels: readonly PresetPanelPlan[]): string {
  return panelGrid({
    panels: panels.map((p) =>
      figure2({
        range: p.range,
        eq4: { a: p.a, b: p.b, Ic: p.Ic, Q: p.Q },
        currentUnit: p.currentUnit,
        powerUnit: "normalised",
        title: p.preset === "hamadeh2012" ? "Py/Cu/Py, Hamadeh 2012 (preset hamadeh2012)" : "CoFeB/MgO MTJ, Zeng 2013 (preset zeng2013)",
        eq3Label: `eq. 3, preset: Ic = ${sig3(p.Ic)} ${p.currentUnit}, Q = ${sig3(p.Q)}`,
        eq4Label: `eq. 4, same Ic, Q; a = ${sig3(p.a)} /${p.currentUnit}, b = ${sig3(p.b)} (chosen)`,
        width: 500,
      }),
    ),
    columns: 2,
    firstLetter: panels[0]?.paperPanel ?? "b",
  });
}

/** The Fig. 2 preset curves as CSV: preset, current, eq. 3 and eq. 4 power at 121 currents per preset. */
function presetCurvesCsv(panels: readonly PresetPanelPlan[]): string {
  const rows = ["preset,current,current_unit,eq3_power,eq4_power"];
  for (const p of panels) {
    const e3 = eq3({ Ic: p.Ic, Q: p.Q });
    const e4 = eq4({ a: p.a, b: p.b, Ic: p.Ic, Q: p.Q });
    for (let i = 0; i <= 120; i++) {
      const I = p.range[0] + ((p.range[1] - p.range[0]) * i) / 120;
      rows.push(`${p.preset},${I},${p.currentUnit},${e3.power(I)},${(I + p.Q * p.Ic) * Math.sign(p.Ic) > 0 ? e4.power(I) : ""}`);
    }
  }
  return rows.join("\n") + "\n";
}

/** The Fig. 3 final states as CSV: epoch, p1, p2, class of each test point per snapshot. */
function finalStatesCsv(shots: readonly Figure3Epoch[]): string {
  const rows = ["epoch,p1,p2,class"];
  for (const e of shots) for (let i = 0; i < e.label.length; i++) rows.push(`${e.epoch},${e.px[i]},${e.py[i]},${e.label[i]}`);
  return rows.join("\n") + "\n";
}

/** Test points of a Fig. 3 snapshot whose final state lies on their class's side of the readout line (class 1 where w0·p₁ + w1·p₂ + c > 0). */
function separation(e: Figure3Epoch): { epoch: number; separated: number; total: number } {
  const { w0, w1, c } = e.readout;
  let ok = 0;
  for (let i = 0; i < e.label.length; i++) if ((w0 * e.px[i] + w1 * e.py[i] + c > 0 ? 1 : 0) === e.label[i]) ok++;
  return { epoch: e.epoch, separated: ok, total: e.label.length };
}

/** Samples a device curve at n points over [lo, hi] (for the histogram overlay). */
function curvePoints(lo: number, hi: number, n: number): { current: Float64Array; power: Float64Array } {
  const d = eq4();
  const current = Float64Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));
  return { current, power: current.map((I) => d.power(I)) };
}

function range(a: Float64Array): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (const v of a) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

/**
 * Runs the whole `dynaspin reproduce` pipeline of a plan ({@link makePlan}) into `options.out`:
 * training, robustness sweep, device fits, figures (SVG + PNG), report.html and summary.json.
 * Everything is seeded from the plan, so two runs with the same plan give the same numbers
 * (timings aside). @example const { report } = await runReproduce({ plan: makePlan({ mode: "quick" }), out: "runs/r", command: "script" });
 */
export async function runReproduce(options: ReproduceOptions): Promise<ReproduceOutput> {
  const { plan, out } = options;
  const t00 = performance.now();
  const load = loadavg();
  const timings: Record<string, number> = {};
  const files: string[] = options.track?.files ?? [];
  const stage = (what: string): void => {
    if (options.track) options.track.stage = what;
  };
  stage("the device fit");
  const figures: ReproduceFigures = {};
  let t0 = performance.now();
  const lap = (name: string) => {
    const now = performance.now();
    timings[name] = (now - t0) / 1000;
    t0 = now;
  };

  // Fig. 2 (b), (c): eq. 3 and eq. 4 of the two measured devices, from the presets (no data).
  figures.fig2 = presetFigure2(plan.figure2);
  writeFileAtomic(join(out, "metrics/fig2-preset-curves.csv"), presetCurvesCsv(plan.figure2));
  files.push("metrics/fig2-preset-curves.csv");
  // Figure S1: generated test-device data, eq. 4 fit, eq. 3 with the same Ic and Q.
  const data = deviceData(plan.device, new Rng(deriveSeed(plan.device.seed, 2)));
  const fit = fitCurve("eq4", data.current, data.power, { scale: "fixed" });
  const { a, b, Ic, Q } = fit.params;
  figures.testDeviceFit = figure2({
    current: data.current,
    power: data.power,
    eq4: { a, b, Ic, Q },
    dataLabel: `generated, not measured: eq. 4 (test device) + noise σ = ${plan.device.noise}`,
    eq4Label: `eq. 4 fit (a = ${sig3(a)}, b = ${sig3(b)}, Ic = ${sig3(Ic)}, Q = ${sig3(Q)})`,
    eq3Label: `eq. 3 with the fitted Ic and Q`,
    width: 520,
  });
  writeFileAtomic(join(out, "metrics/device-data.csv"), ["current,power", ...Array.from(data.current, (I, i) => `${I},${data.power[i]}`)].join("\n") + "\n");
  writeFileAtomic(
    join(out, "models/device-fit.json"),
    deviceFileJson(fit.curve, { fit: { data: "metrics/device-data.csv", model: "eq4", n: fit.n, rms: fit.rms, r2: fit.r2, standardErrors: fit.standardErrors } }),
  );
  files.push("metrics/device-data.csv", "models/device-fit.json");
  lap("device fit");

  // Fig. 2 from physics (full mode): thermal macrospin LLG of the py-cu-py preset, eq. 4 fit.
  let physics: PhysicsSummary | null = null;
  if (plan.physics) {
    const ph = plan.physics;
    const currents = currentGrid(ph.currents.from, ph.currents.to, ph.currents.step);
    stage("the LLG sweep");
    const bar = options.progress?.("LLG sweep", currents.length) ?? NO_PROGRESS;
    const device = resolveDevice(PY_CU_PY);
    const pts = await sweepParallel(
      device,
      currents,
      { duration: ph.duration, temperature: ph.temperature, seed: ph.seed },
      ph.workers,
      (_i, _p, done) => bar.update(done, "currents"),
      (done) => bar.update(done, "currents"),
    );
    bar.stop();
    writeFileAtomic(
      join(out, "metrics/llg-curve.csv"),
      ["current_mA,power,transverse_power,frequency_GHz,status", ...pts.map((p) => `${tidyCurrent(p.current)},${p.power},${p.transversePower},${p.frequencyGHz},${p.status}`)].join("\n") + "\n",
    );
    files.push("metrics/llg-curve.csv");
    const ok = pts.filter((p) => p.status === "ok");
    const I = Float64Array.from(ok, (p) => p.current);
    const P = Float64Array.from(ok, (p) => p.power);
    let pfit: FitResult | null = null;
    let failure = "";
    try {
      pfit = fitCurve("eq4", I, P, { scale: "fixed", units: { currentUnit: "mA" }, requireConvergence: false });
    } catch (e) {
      // Too few settled points or a fit outside the valid region: report it, keep the data figure.
      if (!(e instanceof InputError)) throw e;
      failure = e.message;
    }
    figures.physicsPowerFrequency = powerFrequencyFigure({
      current: pts.map((p) => p.current),
      power: pts.map((p) => p.power),
      frequencyGHz: pts.map((p) => p.frequencyGHz),
      settled: pts.map((p) => p.status === "ok"),
      unsettledLabel: "did not settle (status ≠ ok; not fitted)",
      currentUnit: "mA",
    });
    if (pfit) {
      const q = pfit.params;
      figures.fig2Physics = figure2({
        current: I,
        power: P,
        eq4: { a: q.a, b: q.b, Ic: q.Ic, Q: q.Q },
        currentUnit: "mA",
        dataLabel: `simulated: macrospin LLG of py-cu-py, ${ph.temperature} K`,
        eq4Label: `eq. 4 fit to the simulation (a = ${sig3(q.a)} /mA, b = ${sig3(q.b)}; R² ${pfit.r2.toFixed(3)}${pfit.converged ? "" : ", not converged"})`,
        eq3Label: `eq. 3 with the fitted Ic = ${sig3(q.Ic)} mA, Q = ${sig3(q.Q)}`,
        width: 520,
      });
      writeFileAtomic(join(out, "models/llg-fit.json"), deviceFileJson(pfit.curve, { fit: { data: "metrics/llg-curve.csv", model: "eq4", n: pfit.n, rms: pfit.rms, r2: pfit.r2, converged: pfit.converged } }));
      files.push("models/llg-fit.json");
    }
    physics = {
      device: "py-cu-py",
      currents: pts.length,
      ok: ok.length,
      duration: ph.duration,
      temperature: ph.temperature,
      thresholdCurrent: thresholdCurrent(device) / device.currentScale,
      fit: pfit ? { a: pfit.params.a, b: pfit.params.b, Ic: pfit.params.Ic, Q: pfit.params.Q, rms: pfit.rms, r2: pfit.r2, converged: pfit.converged } : null,
      failure,
    };
    lap("LLG sweep");
  }

  // Spiral (Fig. 3) and digits (Fig. 5).
  const spiralData = makeSpiral({});
  const spiral = await trainTask(plan.spiral, spiralData, out, files, options.progress, plan.snapshotEpochs, options.track);
  lap("spiral training");
  const digitsData = loadDigits();
  const digits = await trainTask(plan.digits, digitsData, out, files, options.progress, [], options.track);
  lap("digits training");

  // Fig. 4 on the first spiral network and its test split.
  const spiralSplit = stratifiedSplit(spiralData, plan.spiral.splitSeed, plan.spiral.testFraction);
  const rp = plan.robustness;
  stage("the robustness sweep");
  const bar = options.progress?.("robustness", rp.sigmas.length * rp.trials) ?? NO_PROGRESS;
  const rr = await robustnessParallel(
    spiral.models[0],
    spiralSplit.test,
    { params: ["a"], sigmas: rp.sigmas, trials: rp.trials, seed: rp.seed, relative: false, distribution: "normal" },
    { workers: rp.workers, onProgress: (done) => bar.update(done) },
  );
  bar.stop();
  const at = (s: number) => {
    const i = rr.stats.findIndex((x) => Math.abs(x.sigma - s) < 1e-9);
    return i < 0 ? NaN : rr.stats[i].mean;
  };
  const robustness: RobustnessSummary = {
    param: "a",
    trials: rp.trials,
    testSamples: rr.testSamples,
    sigma: rr.stats.map((x) => x.sigma),
    mean: rr.stats.map((x) => x.mean),
    std: rr.stats.map((x) => x.std),
    p5: rr.stats.map((x) => x.p5),
    p50: rr.stats.map((x) => x.p50),
    p95: rr.stats.map((x) => x.p95),
    at025: at(0.25),
    at05: at(0.5),
    workers: rp.workers,
  };
  writeFileAtomic(join(out, "metrics/robustness.csv"), robustnessCsv(robustness));
  files.push("metrics/robustness.csv");
  lap("robustness sweep");

  // Figures.
  const sm = spiral.models[0];
  figures.fig3 = figure3({
    input: { x: spiralData.x.filter((_, i) => i % 2 === 0), y: spiralData.x.filter((_, i) => i % 2 === 1), label: spiralData.y },
    regions: decisionRegions(sm, spiralData),
    epochs: spiral.snapshots,
    classNames: ["arm 0", "arm 1"],
  });
  figures.fig4 = figure4({
    sigma: robustness.sigma,
    curves: [{ name: `mean of ${count(rp.trials)} trials (5–95 % band)`, mean: robustness.mean, p5: robustness.p5, p95: robustness.p95 }],
    threshold: 0.25,
    inset: { a: 4, sigma: 0.25 },
  });
  const h = digits.histories[0];
  figures.fig5 = figure5({
    epochs: h.map((m) => m.epoch),
    trainLoss: h.map((m) => m.trainLoss),
    testLoss: h.map((m) => m.testLoss),
    trainAcc: h.map((m) => m.trainAccuracy),
    testAcc: h.map((m) => m.testAccuracy),
  });
  const digitsSplit = stratifiedSplit(digitsData, plan.digits.splitSeed, plan.digits.testFraction);
  const dm = digits.models[0];
  figures.confusion = confusionFigure({ matrix: evaluate(dm, digitsSplit.test).confusion, labels: digitsData.classNames });
  figures.trajectories = panelGrid({
    panels: [0, 1].map((j) => trajectoryFigure({ ...trajectories(sm, spiralSplit.test, j, 4, ["arm 0", "arm 1"]), title: `Oscillator ${j + 1}` })),
    columns: 2,
  });
  const notes: ReproduceNotes = {};
  for (const [key, model, ds] of [["spiralCurrents", sm, spiralSplit.test], ["digitsCurrents", dm, digitsSplit.test]] as const) {
    // A few very large currents would squeeze the histogram into one bin: show up to the 99th percentile.
    const all = injectedCurrents(model, ds);
    const sorted = Float64Array.from(all).sort();
    const cut = sorted[Math.min(sorted.length - 1, Math.floor(0.99 * sorted.length))];
    const c = all.filter((v) => v <= cut);
    const [lo, hi] = range(c);
    const left = all.length - c.length;
    if (left > 0) notes[key] = `; the largest ${left} of ${all.length} currents (${(100 * left / all.length).toFixed(1)} %, up to I = ${sorted[sorted.length - 1].toPrecision(3)}) are beyond the right edge`;
    figures[key] = currentHistogramFigure({ currents: c, curve: curvePoints(Math.min(0, lo), Math.max(hi, 2.5), 300), bins: 50 });
  }
  const stems: Record<keyof ReproduceFigures, string> = {
    fig2: "fig2-device-curve",
    testDeviceFit: "test-device-fit",
    fig2Physics: "llg-device-curve",
    physicsPowerFrequency: "llg-power-frequency",
    fig3: "fig3-spiral",
    fig4: "fig4-robustness",
    fig5: "fig5-digits-training",
    confusion: "digits-confusion",
    trajectories: "spiral-trajectories",
    spiralCurrents: "spiral-currents",
    digitsCurrents: "digits-currents",
  };
  const drawn = (Object.entries(stems) as [keyof ReproduceFigures, string][]).filter(([key]) => figures[key] !== undefined);
  stage("drawing the figures");
  const figBar = options.progress?.("figures (SVG + PNG)", drawn.length) ?? NO_PROGRESS;
  for (const [i, [key, stem]] of drawn.entries()) {
    figBar.update(i, stem);
    writeFigure(join(out, "figures", stem), figures[key] as string);
    files.push(`figures/${stem}.svg`, `figures/${stem}.png`);
    figBar.update(i + 1, stem);
    // Let a signal through between figures (each takes a fraction of a second).
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  figBar.stop();
  lap("figures");

  const separations = spiral.snapshots.map((e) => separation(e));
  writeFileAtomic(join(out, "metrics/spiral-final-states.csv"), finalStatesCsv(spiral.snapshots));
  files.push("metrics/spiral-final-states.csv");

  timings.total = (performance.now() - t00) / 1000;
  const cpuList = cpus();
  const summary: ReproduceSummary = {
    format: "dynaspin.reproduce",
    mode: plan.mode,
    command: options.command,
    seed: plan.seed,
    reductions: plan.reductions,
    plan,
    device: {
      true: { ...plan.device.params },
      fitted: { a, b, Ic, Q },
      standardErrors: { a: fit.standardErrors.a, b: fit.standardErrors.b, Ic: fit.standardErrors.Ic, Q: fit.standardErrors.Q },
      rms: fit.rms,
      r2: fit.r2,
      points: plan.device.points,
      noise: plan.device.noise,
    },
    spiral: spiral.summary,
    figure3: separations,
    digits: digits.summary,
    physics,
    robustness,
    timings,
    environment: {
      dynaspin: VERSION,
      node: process.version,
      cpu: cpuList[0]?.model.trim() ?? "unknown",
      cores: cpuList.length,
      loadAverage: load,
      platform: `${platform()} ${arch()}`,
      date: new Date().toISOString(),
    },
    files: [...files, "summary.json", "report.html"],
  };
  stage("writing the report");
  const report = join(out, "report.html");
  writeFileAtomic(report, renderReport(reproduceReport(summary, plan, figures, notes)));
  writeFileAtomic(join(out, "summary.json"), JSON.stringify(summary, null, 1) + "\n");
  return { summary, report };
}
