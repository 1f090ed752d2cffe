/**
 * The reproduce report's content: sections, captions and run details built from the summary and
 * the figure SVGs, for {@link renderReport}. Pure: data in, report data out.
 */
import type { ReportData, ReportSection } from "../plot/report.js";
import { comparisonTable, count, pct, type ReproduceSummary } from "./summary.js";
import type { ReproducePlan } from "./plan.js";

/** Figure SVGs of a run, by file stem. Missing entries are left out of the report. */
export interface ReproduceFigures {
  fig2?: string;
  /** Fig. 2 from the macrospin LLG sweep (full mode). */
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

/** Builds the report for a finished run. */
export function reproduceReport(s: ReproduceSummary, plan: ReproducePlan, fig: ReproduceFigures, notes: ReproduceNotes = {}): ReportData {
  const sections: ReportSection[] = [];
  const table = comparisonTable(s);
  const mode = s.mode === "full" ? "full mode" : s.mode === "quick" ? "quick mode (`--quick`)" : "tiny test mode";
  sections.push({
    heading: "Paper vs dynaspin",
    paragraphs: [
      `Rodrigues et al., "Dynamical Neural Network Based on Spin Transfer Nano-Oscillators", IEEE Trans. Nanotechnol. 22 (2023), reproduced by \`${s.command}\` in ${mode}. ` +
        `Networks of identical eq. 4 devices (a = 4, b = 5, Ic = 1, Q = 2) trained by optimal control (discrete adjoint + Adam); 80/20 stratified split (split seed ${plan.spiral.splitSeed}).`,
      ...(s.reductions.length > 0 ? [`Reduced relative to the full run: ${s.reductions.join("; ")}. Numbers from this mode are indicative; run \`dynaspin reproduce\` (full mode) for the paper's protocol.`] : []),
    ],
    table: { ...table, caption: "Accuracies in percent; mean ± sample standard deviation over training seeds." },
  });
  const dv = s.device;
  sections.push({
    heading: "Device curve (Fig. 2)",
    paragraphs: [
      `No measured curve ships with dynaspin, so the "device data" are generated: eq. 4 with the paper's test device at ${dv.points} evenly spaced currents in [${plan.device.from}, ${plan.device.to}], ` +
        `plus independent Gaussian noise of standard deviation ${dv.noise} on each power (seed ${plan.device.seed}). eq. 4 is fitted to them by Levenberg–Marquardt (\`fitCurve\`): ` +
        `a = ${dv.fitted.a.toFixed(3)} ± ${dv.standardErrors.a.toFixed(3)}, b = ${dv.fitted.b.toFixed(3)} ± ${dv.standardErrors.b.toFixed(3)}, Ic = ${dv.fitted.Ic.toFixed(3)} ± ${dv.standardErrors.Ic.toFixed(3)}, Q = ${dv.fitted.Q.toFixed(3)} ± ${dv.standardErrors.Q.toFixed(3)} ` +
        `(RMS residual ${dv.rms.toExponential(2)}, R² ${dv.r2.toFixed(4)}). eq. 3 is drawn with the same Ic and Q: it misses the tail below the threshold that the tanh prefactor of eq. 4 models.`,
    ],
    figures: fig.fig2 ? [{ caption: "Paper Fig. 2(b). Power vs current: generated device data (points), eq. 4 fit (solid) and eq. 3 with the fitted Ic and Q (dashed).", svg: fig.fig2 }] : [],
  });
  const ph = s.physics;
  if (ph !== null) {
    const f = ph.fit;
    sections.push({
      heading: "Device curve from physics (Fig. 2, LLG)",
      paragraphs: [
        `The same comparison on a simulated device: the \`py-cu-py\` preset (Py/Cu/Py nanopillar, 4 nm × 200 nm free layer, 1 T perpendicular field, like the device of the paper's Fig. 2(b)) ` +
          `swept by the thermal macrospin LLG solver (\`dynaspin llg\`) at ${ph.temperature} K, ${ph.currents} currents, ${(ph.duration * 1e9).toFixed(0)} ns each (the second half averaged); ${ph.ok} settled (\`ok\`) points are fitted and drawn. ` +
          (f
            ? `eq. 4 fit: a = ${f.a.toFixed(3)} /mA, b = ${f.b.toFixed(3)}, Ic = ${f.Ic.toFixed(3)} mA, Q = ${f.Q.toFixed(3)} (RMS ${f.rms.toExponential(2)}, R² ${f.r2.toFixed(4)}${f.converged ? "" : ", not converged"}). With the tanh prefactor, eq. 4's Ic is a shape parameter, not the physical threshold (closed form ${ph.thresholdCurrent.toFixed(2)} mA at T = 0), so eq. 3 drawn with it misses the simulated curve more than it misses the generated one.`
            : `The eq. 4 fit failed: ${ph.failure}`),
      ],
      figures: [
        ...(fig.fig2Physics ? [{ caption: "Paper Fig. 2(b) from physics: macrospin LLG power vs current at 300 K (points), eq. 4 fit (solid), eq. 3 with the fitted Ic and Q (dashed).", svg: fig.fig2Physics }] : []),
        ...(fig.physicsPowerFrequency ? [{ caption: "Beyond the paper: the LLG sweep's power (left axis) and precession frequency (right axis) vs current.", svg: fig.physicsPowerFrequency }] : []),
      ],
    });
  }
  const sp = s.spiral;
  const first = sp.seeds[0];
  sections.push({
    heading: "Spiral (Fig. 3)",
    paragraphs: [
      `${sp.samples.train + sp.samples.test} points on two interleaved spiral arms (${sp.samples.train} train, ${sp.samples.test} test) mapped to the powers of two STNOs. ` +
        `Training: ${options(plan.spiral.options)}. Seed ${first?.seed}: train ${pct(first?.trainAccuracy ?? NaN)} %, test ${pct(first?.testAccuracy ?? NaN)} % (paper 93.88 % / 92 %).`,
      `Panels (b)–(d) show the test points' final states p(n) at epochs ${plan.snapshotEpochs.join(", ")} with the readout's separating line (logit difference zero, w = W[1] − W[0], c = c[1] − c[0]).`,
    ],
    figures: fig.fig3 ? [{ caption: `Paper Fig. 3. (a) The spiral data coloured by class over the trained network's decision regions (class-1 probability shaded, 0.5 contour drawn). (b)–(d) Final states of the test points at epochs ${plan.snapshotEpochs.join(", ")}, with the readout line.`, svg: fig.fig3 }] : [],
  });
  const r = s.robustness;
  sections.push({
    heading: "Robustness to device variation (Fig. 4)",
    paragraphs:
      r === null
        ? ["Robustness sweep not available in this build."]
        : [
            `The spiral network of seed ${first?.seed}, evaluated on its ${r.testSamples} test points with every oscillator's a drawn independently from N(4, σ²) (absolute σ; b, Ic, Q unchanged), ` +
              `${count(r.trials)} trials per σ (paper: 10 000), ${r.sigma.length} values of σ from ${r.sigma[0]} to ${r.sigma[r.sigma.length - 1]}, ${r.workers} worker thread(s). ` +
              `Mean accuracy ${pct(r.at025)} % at σ = 0.25 and ${pct(r.at05)} % at σ = 0.5 (σ = 0: ${pct(r.mean[0] ?? NaN)} %).`,
          ],
    figures: fig.fig4 && r ? [{ caption: "Paper Fig. 4. Mean test accuracy vs the standard deviation σ of a, with the 5–95 % band over trials; inset: the density of a at σ = 0.25.", svg: fig.fig4 }] : [],
  });
  const dg = s.digits;
  const d0 = dg.seeds[0];
  sections.push({
    heading: "Digits (Fig. 5)",
    paragraphs: [
      `The 1797 8 × 8 handwritten digits (${dg.samples.train} train, ${dg.samples.test} test), one STNO per pixel (64). Training: ${options(plan.digits.options)}. ` +
        `Seed ${d0?.seed}: train ${pct(d0?.trainAccuracy ?? NaN)} %, test ${pct(d0?.testAccuracy ?? NaN)} % (paper 99.16 % / 97.5 %).`,
    ],
    figures: [
      ...(fig.fig5 ? [{ caption: `Paper Fig. 5. Accuracy and loss vs epoch for the digits network (seed ${d0?.seed}), train and test.`, svg: fig.fig5 }] : []),
      ...(fig.confusion ? [{ caption: `Beyond the paper: confusion matrix of the digits test set (seed ${d0?.seed}); colour = share of the true class.`, svg: fig.confusion }] : []),
    ],
  });
  sections.push({
    heading: "Beyond the paper",
    paragraphs: ["How the trained networks use their devices: the state trajectories over the time steps and the currents injected into the oscillators, over the device curve."],
    figures: [
      ...(fig.trajectories ? [{ caption: "Spiral network: p₁(t) and p₂(t) over the steps for a few test points of each class.", svg: fig.trajectories }] : []),
      ...(fig.spiralCurrents ? [{ caption: `Spiral network: histogram of the injected currents (all steps, all test points) over the device curve p(I)${notes.spiralCurrents ?? ""}.`, svg: fig.spiralCurrents }] : []),
      ...(fig.digitsCurrents ? [{ caption: `Digits network: histogram of the injected currents (all steps, oscillators and test images) over the device curve p(I)${notes.digitsCurrents ?? ""}.`, svg: fig.digitsCurrents }] : []),
    ],
  });
  const e = s.environment;
  const meta = [
    { key: "Command", value: `\`${s.command}\`` },
    { key: "Mode", value: s.mode },
    { key: "Seeds", value: `training: spiral ${plan.spiral.seeds.join(", ")}; digits ${plan.digits.seeds.join(", ")}; split seed ${plan.spiral.splitSeed}; spiral data seed 0; device noise seed ${plan.device.seed}; robustness sweep seed ${plan.robustness.seed}` },
    { key: "Versions", value: `dynaspin ${e.dynaspin}, Node ${e.node} (${e.platform})` },
    { key: "Machine", value: `${e.cpu}, ${e.cores} cores, load average ${e.loadAverage.map((x) => x.toFixed(2)).join(" ")} at start (shared machine: timings are noisy)` },
    { key: "Timings", value: Object.entries(s.timings).map(([k, v]) => `${k} ${seconds(v)}`).join(", ") },
    { key: "Date", value: e.date },
  ];
  return { title: "dynaspin reproduce: STNO dynamical neural network", subtitle: `${mode}, seed ${s.seed}, ${e.date}`, sections, meta };
}
