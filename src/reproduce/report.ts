/**
 * The reproduce report's content: sections, captions, the "Differences from the paper" table and
 * the run details, built from the summary and the figure SVGs, for {@link renderReport}. Pure:
 * data in, report data out; every number comes from the run (summary and plan), never from here.
 *
 * Figures that stand for one of the paper's carry its number ("Figure 2" to "Figure 5"); the others
 * are a separate series, "Figure S1", "Figure S2", ... in order of appearance. Every caption ends
 * with the figure's data source and the command that made it, and every figure is named in the
 * text (the renderer turns "Figure X" into a link).
 */
import type { ReportData, ReportFigure, ReportSection } from "../plot/report.js";
import { FIGURE3_DENSITY } from "../plot/figures.js";
import { PAPER_DEVICE } from "../device/analytic.js";
import { PRESETS } from "../device/presets.js";
import { PAPER_RESULTS } from "../train/tasks.js";
import { comparisonTable, count, pct, type ReproduceSummary, type TaskSummary } from "./summary.js";
import type { ReproducePlan } from "./plan.js";

/** Figure SVGs of a run, by file stem. Missing entries are left out of the report. */
export interface ReproduceFigures {
  /** Paper Fig. 2 (b), (c): eq. 3 and eq. 4 of the two measured devices, from the presets. */
  fig2?: string;
  /** Generated test-device data with the eq. 4 fit. */
  testDeviceFit?: string;
  /** The eq. 4 fit of the macrospin LLG sweep. */
  fig2Physics?: string;
  physicsPowerFrequency?: string;
  fig3?: string;
  fig4?: string;
  fig5?: string;
  confusion?: string;
  trajectories?: string;
  spiralCurrents?: string;
  digitsCurrents?: string;
}

/** Caption additions, e.g. what a histogram leaves out. */
export interface ReproduceNotes {
  spiralCurrents?: string;
  digitsCurrents?: string;
}

function seconds(s: number): string {
  return s >= 100 ? `${s.toFixed(0)} s` : `${s.toFixed(1)} s`;
}

function options(o: object): string {
  return Object.entries(o)
    .map(([k, v]) => `${k} ${typeof v === "object" ? JSON.stringify(v) : String(v)}`)
    .join(", ");
}

/** Shortest readable number (4 significant digits, typographic minus). */
function num(v: number): string {
  return String(Number(v.toPrecision(4))).replace("-", "−");
}

/** "mean ± std % over N seeds (s1, s2, ...)" or "x % (seed s)". */
function accuracy(t: TaskSummary, which: "trainAccuracy" | "testAccuracy"): string {
  const v = t[which];
  if (t.seeds.length === 1) return `${pct(v.mean)} % (seed ${t.seeds[0]!.seed})`;
  return `${pct(v.mean)} ± ${pct(v.std)} % over ${seedList(t.seeds.map((r) => r.seed))} (${t.seeds.map((r) => pct(r[which])).join(", ")})`;
}

/** "seed 7" or "seeds 0, 1, 2". */
function seedList(seeds: readonly number[]): string {
  return `${seeds.length === 1 ? "seed" : "seeds"} ${seeds.join(", ")}`;
}

/** One sentence comparing our accuracy with the paper's, in points. */
function versus(ours: number, paper: number): string {
  const d = 100 * ours - paper;
  if (!Number.isFinite(d)) return "No value from this run.";
  return Math.abs(d) < 0.005 ? "Equal to the paper's value." : `${Math.abs(d).toFixed(2)} points ${d > 0 ? "above" : "below"} the paper's value.`;
}

/** The "Differences from the paper" rows: what the paper gives, its value, ours (with seeds and settings), one sentence on the difference. */
export function differencesTable(s: ReproduceSummary, plan: ReproducePlan): { columns: string[]; rows: string[][] } {
  const rows: string[][] = [];
  const sp = s.spiral, dg = s.digits;
  const split = `stratified 80/20 (split seed ${plan.spiral.splitSeed})`;
  const opt = (o: { steps?: number; epochs?: number; restarts?: number; lr?: number; batchSize?: number }) =>
    `n = ${o.steps} steps, ${o.epochs} epochs, ${o.restarts ?? 1} initialisation${(o.restarts ?? 1) > 1 ? "s (lowest training loss kept)" : ""}, batch ${o.batchSize}, Adam lr ${o.lr}`;

  rows.push([
    "Spiral data (§II-D)",
    "1000 points on a spiral, 2 classes, 80 % train / 20 % test, coordinates mapped to 2 STNOs",
    `1000 points, two interleaved one-turn arms with Gaussian noise 0.04 (data seed 0), ${split}: ${sp.samples.train} train, ${sp.samples.test} test`,
    "The paper does not give the spiral's turns, noise or split, so ours is one plausible choice; accuracies depend on it.",
  ]);
  rows.push([
    "Training method (§II-B)",
    "Optimal control of A(t), B(t) and the readout [9]; number of steps, epochs and optimiser not given",
    `Exact discrete adjoint of eqs. 5–6 with Adam; spiral ${opt(plan.spiral.options)}; digits ${opt(plan.digits.options)}`,
    `The paper leaves n, the epochs and the optimiser unstated; ours are dynaspin's task defaults, read at run time${s.reductions.length > 0 ? `, reduced in this ${s.mode} run as stated above` : ""}.`,
  ]);
  for (const [task, t] of [["spiral", sp], ["digits", dg]] as const) {
    const paper = PAPER_RESULTS[task];
    rows.push([
      `${task === "spiral" ? "Spiral" : "Digits"} train accuracy (§II-D)`,
      `${paper.train} %`,
      accuracy(t, "trainAccuracy"),
      `${versus(t.trainAccuracy.mean, paper.train)} The paper reports one run without a seed or spread; ours is ${t.seeds.length > 1 ? `the mean over ${t.seeds.length} training seeds` : "one training seed"}.`,
    ]);
    rows.push([
      `${task === "spiral" ? "Spiral" : "Digits"} test accuracy (§II-D)`,
      `${paper.test} %`,
      accuracy(t, "testAccuracy"),
      `${versus(t.testAccuracy.mean, paper.test)} ${task === "spiral" ? "Our spiral and split are not the paper's (see above)." : "Same 1797 images; our 80/20 split is stratified by class and seeded, the paper's split is not described."}`,
    ]);
  }
  rows.push([
    "Abstract and §III",
    "\"99 % accuracy\" (the digits network)",
    `Digits train ${pct(dg.trainAccuracy.mean)} %, test ${pct(dg.testAccuracy.mean)} %${dg.seeds.length > 1 ? ` (means over ${dg.seeds.length} seeds)` : ""}`,
    `The rounded 99 % matches the paper's own digits training accuracy (${PAPER_RESULTS.digits.train} %); its test accuracy is ${PAPER_RESULTS.digits.test} %, so we compare both.`,
  ]);
  rows.push([
    "Digits data (§II-D)",
    "1797 8 × 8 handwritten digits, 64 STNOs, 80 % train / 20 % test",
    `The same 1797 images (UCI optical digits, as in scikit-learn), one STNO per pixel, ${split}: ${dg.samples.train} train, ${dg.samples.test} test`,
    "p(0) = pixel/16 is our scaling; the paper says only \"a normalized value\".",
  ]);
  const last = s.figure3[s.figure3.length - 1];
  rows.push([
    "Fig. 3 statement",
    "At the end of training the spiral is disentangled and the final states become linearly separable (Fig. 3(d))",
    last
      ? `At epoch ${last.epoch}, ${last.separated} of ${last.total} test final states (${pct(last.separated / last.total)} %) lie on their arm's side of the readout line (Figure 3 (${String.fromCharCode(97 + s.figure3.length)}))`
      : "No snapshot in this run",
    "The paper shows it by eye; we count it (for a two-class linear readout this count is the test accuracy at that epoch). Our panels show the test points; the paper does not say which points it drew.",
  ]);
  const r = s.robustness;
  if (r !== null) {
    const drop = 100 * ((r.mean[0] ?? NaN) - r.at025);
    rows.push([
      "Fig. 4 statement",
      "Average accuracy of 10 000 runs per σ; the network keeps high accuracy for σ up to 0.25",
      `Mean test accuracy ${pct(r.mean[0] ?? NaN)} % at σ = 0, ${pct(r.at025)} % at σ = 0.25 (${Number.isFinite(drop) ? `${drop.toFixed(2)} points lower` : "σ = 0.25 not on the grid"}), ${pct(r.at05)} % at σ = 0.5; ${count(r.trials)} trials per σ, sweep seed ${plan.robustness.seed}, spiral network of seed ${sp.seeds[0]?.seed} on its ${r.testSamples} test points (Figure 4)`,
      `${r.trials === 10_000 ? "Same number of trials as the paper." : `${count(r.trials)} trials per σ instead of 10 000, so each mean carries a Monte Carlo standard error of up to ${(100 * Math.max(...r.std) / Math.sqrt(r.trials)).toFixed(2)} points.`} The paper does not say whether its accuracy is on the training or the test set, nor how a is drawn below 0; we draw a ~ N(4, σ²) per oscillator, absolute σ, on the test split.`,
    ]);
    rows.push([
      "Fig. 4 inset",
      "\"σ = 1 means that a can take values between 0 and 8\"",
      "σ is the absolute standard deviation of a around 4; the inset draws N(4, 0.25²) with ±σ shaded",
      "With a = 4, \"between 0 and 8\" at σ = 1 is ±4σ of an absolute σ (or ±1σ of a relative one); the paper does not say which, and we read it as absolute.",
    ]);
  }
  rows.push([
    "Fig. 5",
    "Accuracy and loss vs epoch, training and test, digits",
    `Seed ${dg.seeds[0]?.seed}: ${dg.seeds[0]?.epochs} epochs, final train ${pct(dg.seeds[0]?.trainAccuracy ?? NaN)} % / test ${pct(dg.seeds[0]?.testAccuracy ?? NaN)} % (Figure 5)`,
    "The paper's number of epochs is not given, so the x axes cannot be compared, only the shape of the curves.",
  ]);
  const d = PAPER_DEVICE;
  rows.push([
    "Test device of Figs. 3–5 (§II-D)",
    `eq. 4 with a = ${d.a}, b = ${d.b}, Ic = ${d.Ic}, Q = ${d.Q}`,
    `The same values in every trained network (the \`paper-test\` preset); a fit of eq. 4 to ${s.device.points} generated noisy points returns a = ${num(s.device.fitted.a)}, b = ${num(s.device.fitted.b)}, Ic = ${num(s.device.fitted.Ic)}, Q = ${num(s.device.fitted.Q)} (Figure S1)`,
    "No difference in the device; the fit only checks that eq. 4 is recoverable from data, and its data are generated, not measured.",
  ]);
  for (const p of plan.figure2) {
    const measured = p.preset === "hamadeh2012" ? "measured Py/Cu/Py curve at 10 kOe [18] (black line)" : "measured CoFeB/MgO MTJ curve at zero field, peak ≈ 10 nW [36] (black line)";
    rows.push([
      `Fig. 2(${p.paperPanel}) device`,
      `Ic = ${num(p.Ic)} ${p.currentUnit}, Q = ${num(p.Q)}; ${measured}; a, b of eq. 4 not given`,
      `Preset \`${p.preset}\`: the same Ic and Q; eq. 4 with a = ${num(p.a)} /${p.currentUnit}, b = ${num(p.b)} chosen by us (the test device's tail in units of Ic); normalised power (Figure 2)`,
      "dynaspin ships no measured curve, so Figure 2 draws the two models without the data, in normalised power rather than nW; its eq. 4 tail is a stated choice, not a fit.",
    ]);
  }
  rows.push([
    "Fig. 2(a) and Fig. 1",
    "Sketches of the STNO stack and of the network",
    "Not drawn",
    "They are schematics, not results.",
  ]);
  return { columns: ["what the paper gives", "paper", "dynaspin (this run)", "difference"], rows };
}

/** Builds the report for a finished run. */
export function reproduceReport(s: ReproduceSummary, plan: ReproducePlan, fig: ReproduceFigures, notes: ReproduceNotes = {}): ReportData {
  const cmd = `\`${s.command}\``;
  const made = (source: string) => ` Data: ${source}. Made by ${cmd}.`;
  let extra = 0;
  // Supplementary numbers in order of appearance, so they stay consecutive whichever figures exist.
  const supplementary = new Map<keyof ReproduceFigures, string>();
  for (const key of ["testDeviceFit", "fig2Physics", "physicsPowerFrequency", "confusion", "trajectories", "spiralCurrents", "digitsCurrents"] as const) {
    if (fig[key] !== undefined) supplementary.set(key, `Figure S${++extra}`);
  }
  const S = (key: keyof ReproduceFigures) => supplementary.get(key) ?? "";
  const figure = (key: keyof ReproduceFigures, label: string, caption: string): ReportFigure[] => (fig[key] !== undefined ? [{ label, caption, svg: fig[key]! }] : []);

  const sections: ReportSection[] = [];
  const table = comparisonTable(s);
  const mode = s.mode === "full" ? "full mode" : s.mode === "quick" ? "quick mode (`--quick`)" : "tiny test mode";
  const sp = s.spiral, dg = s.digits;
  const first = sp.seeds[0];
  const d0 = dg.seeds[0];
  sections.push({
    heading: "Paper vs dynaspin",
    paragraphs: [
      `Rodrigues et al., "Dynamical Neural Network Based on Spin Transfer Nano-Oscillators", IEEE Trans. Nanotechnol. 22 (2023), reproduced by ${cmd} in ${mode}. ` +
        `Networks of identical eq. 4 devices (the paper's test device, a = ${PAPER_DEVICE.a}, b = ${PAPER_DEVICE.b}, Ic = ${PAPER_DEVICE.Ic}, Q = ${PAPER_DEVICE.Q}) trained by optimal control (discrete adjoint + Adam); 80/20 stratified split (split seed ${plan.spiral.splitSeed}). ` +
        `Figures 2 to 5 carry the paper's figure numbers; figures beyond the paper are numbered S1, S2, .... "Differences from the paper" below sets every number the paper gives beside ours.`,
      ...(s.reductions.length > 0 ? [`Reduced relative to the full run: ${s.reductions.join("; ")}. Numbers from this mode are indicative; run \`dynaspin reproduce\` (full mode) for the paper's protocol.`] : []),
    ],
    table: { ...table, caption: "Accuracies in percent; mean ± sample standard deviation over training seeds." },
  });

  const dv = s.device;
  const [pb, pc] = plan.figure2;
  const panelText = (p: NonNullable<typeof pb>) =>
    `(${p.paperPanel}) preset \`${p.preset}\` (${PRESETS[p.preset].description.split(":")[0]}): eq. 3 with Ic = ${num(p.Ic)} ${p.currentUnit}, Q = ${num(p.Q)}, the values of the paper's Fig. 2 caption, and eq. 4 with the same Ic and Q`;
  sections.push({
    heading: "Device curves (Figure 2)",
    paragraphs: [
      `Figure 2 redraws the model curves of the paper's Fig. 2(b) and 2(c) from dynaspin's device presets: ${[pb, pc].filter((p) => p !== undefined).map(panelText).join("; ")}. ` +
        `The paper gives no a and b for these two devices, so eq. 4 carries over the test device's tail in units of Ic (a·Ic = ${PAPER_DEVICE.a * PAPER_DEVICE.Ic} and b = ${PAPER_DEVICE.b}, as for the test device, so the tanh is centred at 1.25·Ic): a stated choice, not a fit. ` +
        `The paper's black lines are measured data [18], [36]; dynaspin ships no measured curve, so none is drawn, and power is normalised to the saturated power (p = |c|², 0 ≤ p < 1) instead of nW. Panel (a), the sketch of the stack, is not redrawn.`,
      `${S("testDeviceFit")} checks that eq. 4 can be recovered from data: ${dv.points} points generated from the test device (eq. 4, a = ${PAPER_DEVICE.a}, b = ${PAPER_DEVICE.b}, Ic = ${PAPER_DEVICE.Ic}, Q = ${PAPER_DEVICE.Q}) over [${plan.device.from}, ${plan.device.to}] ` +
        `plus independent Gaussian noise of standard deviation ${dv.noise} (seed ${plan.device.seed}), fitted by Levenberg–Marquardt (\`fitCurve\`): ` +
        `a = ${dv.fitted.a.toFixed(3)} ± ${dv.standardErrors.a.toFixed(3)}, b = ${dv.fitted.b.toFixed(3)} ± ${dv.standardErrors.b.toFixed(3)}, Ic = ${dv.fitted.Ic.toFixed(3)} ± ${dv.standardErrors.Ic.toFixed(3)}, Q = ${dv.fitted.Q.toFixed(3)} ± ${dv.standardErrors.Q.toFixed(3)} ` +
        `(RMS residual ${dv.rms.toExponential(2)}, R² ${dv.r2.toFixed(4)}). eq. 3 drawn with the fitted Ic and Q misses the slow onset that the tanh prefactor of eq. 4 models.`,
    ],
    figures: [
      ...figure(
        "fig2",
        "Figure 2",
        `The paper's Fig. 2(b) and (c) without the measured data: power vs current from the device presets. (b) \`hamadeh2012\` (Py/Cu/Py, Hamadeh et al. 2012 [18]); (c) \`zeng2013\` (CoFeB/MgO MTJ, Zeng et al. 2013 [36]). ` +
          `Dashed: eq. 3 with the preset's Ic and Q (from the paper's Fig. 2 caption). Solid: eq. 4 with the same Ic and Q and a, b chosen by dynaspin (test-device tail scaled to Ic; the paper gives none). Normalised power; no measured points are shown because none ship with dynaspin.` +
          made("the parameters of the `hamadeh2012` and `zeng2013` presets (`PRESETS`, as `dynaspin train --device NAME` uses them), curves in `metrics/fig2-preset-curves.csv`"),
      ),
      ...figure(
        "testDeviceFit",
        S("testDeviceFit"),
        `Fit check on the test device: generated data (points: eq. 4 with a = ${PAPER_DEVICE.a}, b = ${PAPER_DEVICE.b}, Ic = ${PAPER_DEVICE.Ic}, Q = ${PAPER_DEVICE.Q} plus noise σ = ${dv.noise}; not measured), the eq. 4 fit (solid) and eq. 3 with the fitted Ic and Q (dashed).` +
          made(`\`metrics/device-data.csv\` (noise seed ${plan.device.seed}), fit in \`models/device-fit.json\``),
      ),
    ],
  });

  const ph = s.physics;
  if (ph !== null) {
    const f = ph.fit;
    sections.push({
      heading: "Device curve from physics (LLG)",
      paragraphs: [
        `A simulated device beside the presets: the \`py-cu-py\` physics preset (Py/Cu/Py nanopillar, 4 nm × 200 nm free layer, 1 T perpendicular field, close to the device of the paper's Fig. 2(b)) ` +
          `swept by the thermal macrospin LLG solver (\`dynaspin llg\`) at ${ph.temperature} K, ${ph.currents} currents, ${(ph.duration * 1e9).toFixed(0)} ns each (the second half averaged). ` +
          (ph.ok === ph.currents
            ? `All ${ph.currents} currents settled (status \`ok\`); ${[S("fig2Physics"), S("physicsPowerFrequency")].filter(Boolean).join(" and ")} draw${S("fig2Physics") && S("physicsPowerFrequency") ? "" : "s"} them. `
            : `${ph.ok} of ${ph.currents} currents settled (status \`ok\`); only those are fitted${S("fig2Physics") ? ` and drawn in ${S("fig2Physics")}` : ""}, and ${S("physicsPowerFrequency")} marks the ${ph.currents - ph.ok} that did not. `) +
          (f
            ? `eq. 4 fit: a = ${f.a.toFixed(3)} /mA, b = ${f.b.toFixed(3)}, Ic = ${f.Ic.toFixed(3)} mA, Q = ${f.Q.toFixed(3)} (RMS ${f.rms.toExponential(2)}, R² ${f.r2.toFixed(4)}${f.converged ? "" : ", not converged"}). With the tanh prefactor, eq. 4's Ic is a shape parameter, not the physical threshold (closed form ${ph.thresholdCurrent.toFixed(2)} mA at T = 0), so eq. 3 drawn with it misses the simulated curve. The simulation runs at positive currents; the paper's device is driven at negative ones (a sign convention).`
            : `The eq. 4 fit failed: ${ph.failure}`),
      ],
      figures: [
        ...figure(
          "fig2Physics",
          S("fig2Physics"),
          `Simulated, not measured: macrospin LLG power vs current of the \`py-cu-py\` preset at ${ph.temperature} K (points, settled currents only), the eq. 4 fit (solid) and eq. 3 with the fitted Ic and Q (dashed).` +
            made("`metrics/llg-curve.csv` (rows with status ok), fit in `models/llg-fit.json`"),
        ),
        ...figure(
          "physicsPowerFrequency",
          S("physicsPowerFrequency"),
          `The LLG sweep's power (left axis) and precession frequency (right axis) vs current; ${ph.ok === ph.currents ? "every current settled (a current that does not is drawn as a hollow grey marker and not fitted)" : `hollow grey markers are the ${ph.currents - ph.ok} currents that did not settle (status not \`ok\`: not settled, switched or diverged), drawn but not fitted, and the lines break there`}.` +
            made("`metrics/llg-curve.csv` (all rows, with status)"),
        ),
      ],
    });
  }

  const shots = s.figure3;
  const lastShot = shots[shots.length - 1];
  const dens = FIGURE3_DENSITY;
  sections.push({
    heading: "Spiral (Figure 3)",
    paragraphs: [
      `${sp.samples.train + sp.samples.test} points on two interleaved spiral arms (${sp.samples.train} train, ${sp.samples.test} test) mapped to the powers of two STNOs. ` +
        `Training: ${options(plan.spiral.options)}. Seed ${first?.seed}: train ${pct(first?.trainAccuracy ?? NaN)} %, test ${pct(first?.testAccuracy ?? NaN)} % (paper ${PAPER_RESULTS.spiral.train} % / ${PAPER_RESULTS.spiral.test} %).`,
      `Figure 3 (b)–(${String.fromCharCode(97 + shots.length)}) shows the test points' final states p(n) at epochs ${plan.snapshotEpochs.join(", ")} with the readout's separating line (logit difference zero, w = W[1] − W[0], c = c[1] − c[0]). ` +
        `Many final states coincide (the oscillators saturate), so markers are ${Math.round(100 * dens.opacity)} % opaque and darken where they pile up, and a pile of ${dens.stackMinCount} or more points of one arm within ${dens.stackRadius} px is labelled with its count (×N). ` +
        (lastShot ? `At the last epoch ${lastShot.separated} of ${lastShot.total} final states lie on their arm's side of the line.` : ""),
    ],
    figures: figure(
      "fig3",
      "Figure 3",
      `The paper's Fig. 3. (a) The spiral data coloured by arm over the trained network's decision regions (class-1 probability shaded, 0.5 contour drawn). (b)–(${String.fromCharCode(97 + shots.length)}) Final states of the ${sp.samples.test} test points at epochs ${plan.snapshotEpochs.join(", ")}, with the readout line; markers ${Math.round(100 * dens.opacity)} % opaque, ×N = N points of one arm within ${dens.stackRadius} px (no jitter).` +
        made(`spiral data seed 0, network \`models/spiral-seed${first?.seed}.json\`, final states in \`metrics/spiral-final-states.csv\``),
    ),
  });

  const r = s.robustness;
  sections.push({
    heading: "Robustness to device variation (Figure 4)",
    paragraphs:
      r === null
        ? ["Robustness sweep not available in this build."]
        : [
            `Figure 4: the spiral network of seed ${first?.seed}, evaluated on its ${r.testSamples} test points with every oscillator's a drawn independently from N(4, σ²) (absolute σ; b, Ic, Q unchanged), ` +
              `${count(r.trials)} trials per σ (paper: 10 000), ${r.sigma.length} values of σ from ${r.sigma[0]} to ${r.sigma[r.sigma.length - 1]}, sweep seed ${plan.robustness.seed}, ${r.workers} worker thread(s). ` +
              `Mean accuracy ${pct(r.at025)} % at σ = 0.25 and ${pct(r.at05)} % at σ = 0.5 (σ = 0: ${pct(r.mean[0] ?? NaN)} %).`,
          ],
    figures:
      r === null
        ? []
        : figure(
            "fig4",
            "Figure 4",
            `The paper's Fig. 4. Mean test accuracy vs the standard deviation σ of a, with the 5–95 % band over ${count(r.trials)} trials per σ; dashed line at σ = 0.25, up to which the paper reports high accuracy; inset: the density of a at σ = 0.25.` +
              made(`\`metrics/robustness.csv\` (sweep seed ${plan.robustness.seed}), network \`models/spiral-seed${first?.seed}.json\``),
          ),
  });

  sections.push({
    heading: "Digits (Figure 5)",
    paragraphs: [
      `The 1797 8 × 8 handwritten digits (${dg.samples.train} train, ${dg.samples.test} test), one STNO per pixel (64). Training: ${options(plan.digits.options)}. ` +
        `Seed ${d0?.seed}: train ${pct(d0?.trainAccuracy ?? NaN)} %, test ${pct(d0?.testAccuracy ?? NaN)} % (paper ${PAPER_RESULTS.digits.train} % / ${PAPER_RESULTS.digits.test} %). ` +
        `Figure 5 shows accuracy and loss per epoch${supplementary.has("confusion") ? `; ${S("confusion")}, beyond the paper, which digits the test errors fall on` : ""}.`,
    ],
    figures: [
      ...figure("fig5", "Figure 5", `The paper's Fig. 5. Accuracy and loss vs epoch for the digits network (seed ${d0?.seed}), train and test.` + made(`\`metrics/digits-seed${d0?.seed}.csv\``)),
      ...figure(
        "confusion",
        S("confusion"),
        `Beyond the paper: confusion matrix of the digits test set (seed ${d0?.seed}); colour = share of the true class.` + made(`network \`models/digits-seed${d0?.seed}.json\` on the ${dg.samples.test} test images`),
      ),
    ],
  });

  const beyond = (["trajectories", "spiralCurrents", "digitsCurrents"] as const).filter((k) => supplementary.has(k));
  if (beyond.length > 0) {
    sections.push({
      heading: "Beyond the paper",
      paragraphs: [
        `How the trained networks use their devices: ${[
          supplementary.has("trajectories") ? `${S("trajectories")} follows the states over the time steps` : "",
          supplementary.has("spiralCurrents") || supplementary.has("digitsCurrents")
            ? `${[S("spiralCurrents"), S("digitsCurrents")].filter(Boolean).join(" and ")} show${supplementary.has("spiralCurrents") && supplementary.has("digitsCurrents") ? "" : "s"} the currents injected into the oscillators over the device curve`
            : "",
        ]
          .filter(Boolean)
          .join("; ")}.`,
      ],
      figures: [
        ...figure(
          "trajectories",
          S("trajectories"),
          `Spiral network: p₁(t) and p₂(t) over the steps for four test points of each arm (arm 0 listed first).` + made(`network \`models/spiral-seed${first?.seed}.json\` on the first test points of each arm`),
        ),
        ...figure(
          "spiralCurrents",
          S("spiralCurrents"),
          `Spiral network: histogram of the injected currents (all steps, all test points) over the device curve p(I)${notes.spiralCurrents ?? ""}.` + made(`network \`models/spiral-seed${first?.seed}.json\` on its ${sp.samples.test} test points`),
        ),
        ...figure(
          "digitsCurrents",
          S("digitsCurrents"),
          `Digits network: histogram of the injected currents (all steps, oscillators and test images) over the device curve p(I)${notes.digitsCurrents ?? ""}.` + made(`network \`models/digits-seed${d0?.seed}.json\` on its ${dg.samples.test} test images`),
        ),
      ],
    });
  }

  const diff = differencesTable(s, plan);
  sections.push({
    heading: "Differences from the paper",
    paragraphs: [
      `Every number and figure statement the paper gives, beside this run's (${mode}, ${seedList([...new Set([...plan.spiral.seeds, ...plan.digits.seeds])])}), with one sentence on each known difference. Generated from \`summary.json\`; nothing here is typed by hand.`,
      ...(s.reductions.length > 0 ? [`This ${s.mode} run is reduced relative to the full run: ${s.reductions.join("; ")}.`] : []),
    ],
    table: { ...diff, caption: "The paper vs this run" },
  });

  const e = s.environment;
  const meta = [
    { key: "Command", value: cmd },
    { key: "Mode", value: s.mode },
    { key: "Seeds", value: `training: spiral ${plan.spiral.seeds.join(", ")}; digits ${plan.digits.seeds.join(", ")}; split seed ${plan.spiral.splitSeed}; spiral data seed 0; device noise seed ${plan.device.seed}; robustness sweep seed ${plan.robustness.seed}` },
    { key: "Versions", value: `dynaspin ${e.dynaspin}, Node ${e.node} (${e.platform})` },
    { key: "Machine", value: `${e.cpu}, ${e.cores} cores, load average ${e.loadAverage.map((x) => x.toFixed(2)).join(" ")} at start (shared machine: timings are noisy)` },
    { key: "Timings", value: Object.entries(s.timings).map(([k, v]) => `${k} ${seconds(v)}`).join(", ") },
    { key: "Date", value: e.date },
  ];
  return { title: "dynaspin reproduce: STNO dynamical neural network", subtitle: `${mode}, seed ${s.seed}, ${e.date}`, sections, meta };
}
