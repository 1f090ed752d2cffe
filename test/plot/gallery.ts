/**
 * Renders every figure function on realistic synthetic data (seeded, no training needed) into a
 * folder as SVG + PNG, plus a report.html holding them all — for looking at the figures.
 * `galleryFigures()` is the same set for the figures benchmark (bench/figures.ts): the data are
 * made once, `build()` only draws.
 *
 *   npx tsx test/plot/gallery.ts [outDir=runs/figure-gallery]
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Rng } from "../../src/util/rng.js";
import { figure2, figure3, figure4, figure5, confusionFigure, trajectoryFigure, currentHistogramFigure, powerFrequencyFigure } from "../../src/plot/figures.js";
import { sampleRegions } from "../../src/plot/scatter.js";
import { renderReport, type ReportFigure } from "../../src/plot/report.js";
import { writeFigure } from "../../src/node/png.js";
import { writeFileAtomic } from "../../src/node/files.js";
import { eq4 } from "./fixtures.js";

/** One gallery figure: its data are made when the gallery is; `build` draws the SVG. */
export interface GalleryFigure {
  /** File stem, e.g. "figure3". */
  name: string;
  /** Caption in the report. */
  caption: string;
  /** What the figure holds, e.g. "4 panels, 80 × 80 regions, 1000 points". */
  what: string;
  /** Draws the SVG document. */
  build: () => string;
}

/** The gallery: every figure function on seeded synthetic data at realistic sizes. */
export function galleryFigures(): GalleryFigure[] {
  const rng = new Rng(2023);
  const figures: GalleryFigure[] = [];
  {
    // Paper Fig. 2(b)-like device: Ic = −6 mA, Q = 0.1, negative currents.
    const current: number[] = [];
    const power: number[] = [];
    for (let i = 0; i <= 40; i++) {
      const I = -2 - 0.25 * i;
      current.push(I);
      power.push(eq4(I, -0.8, 6, -6, 0.1) + 0.01 * rng.normal());
    }
    figures.push({ name: "figure2", caption: "Fig. 2: power vs current, device data, eq. 4 fit and eq. 3 with the same Ic and Q.", what: "41 points + 2 curves", build: () => figure2({ current, power, eq4: { a: -0.8, b: 6, Ic: -6, Q: 0.1 }, currentUnit: "mA" }) });
  }
  {
    const x: number[] = [];
    const y: number[] = [];
    const label: number[] = [];
    for (let i = 0; i < 400; i++) {
      const k = i % 2;
      const t = 0.5 + (i / 400) * 3 * Math.PI;
      const r = t / (3 * Math.PI);
      x.push(r * Math.cos(t + k * Math.PI) + 0.03 * rng.normal());
      y.push(r * Math.sin(t + k * Math.PI) + 0.03 * rng.normal());
      label.push(k);
    }
    const regions = sampleRegions({ nx: 80, ny: 80, x0: -1.1, x1: 1.1, y0: -1.1, y1: 1.1 }, (X, Y) => 1 / (1 + Math.exp(-6 * Math.sin(Math.atan2(Y, X) - Math.hypot(X, Y) * 3 * Math.PI - 0.5))));
    const epochs = [1, 20, 100].map((epoch, e) => {
      const px: number[] = [];
      const py: number[] = [];
      for (let i = 0; i < 200; i++) {
        const s = (label[i]! ? 1 : -1) * (0.05 + 0.15 * e);
        px.push(0.4 + s + 0.12 * rng.normal());
        py.push(0.5 - 0.5 * s + 0.1 * rng.normal());
      }
      return { epoch, px, py, label: label.slice(0, 200), readout: { w0: 1, w1: -1, c: 0.02 * e } };
    });
    figures.push({ name: "figure3", caption: "Fig. 3: (a) spiral data over the decision regions; (b)–(d) final states p(n) at three epochs with the readout line.", what: "4 panels, 80 × 80 regions, 1000 points", build: () => figure3({ input: { x, y, label }, regions, epochs }) });
  }
  {
    const sigma = [0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.75, 1];
    const curve = (name: string, w: number) => {
      const mean = sigma.map((s) => 0.93 - 0.4 * (1 - Math.exp(-((s / w) ** 2))));
      return { name, mean, p5: mean.map((m, i) => m - 0.02 - 0.25 * sigma[i]!), p95: mean.map((m, i) => Math.min(1, m + 0.01 + 0.05 * sigma[i]!)) };
    };
    const curves = [curve("plain training", 0.4), curve("variation-aware training", 0.8)];
    figures.push({ name: "figure4", caption: "Fig. 4: mean accuracy vs σ with 5–95 % bands.", what: "2 curves with bands, inset", build: () => figure4({ sigma, curves, threshold: 0.25, inset: { a: 4, sigma: 0.25 } }) });
  }
  {
    const epochs = Array.from({ length: 60 }, (_, i) => i + 1);
    const input = {
      epochs,
      trainLoss: epochs.map((e) => 2.3 * Math.exp(-e / 8) + 0.03),
      testLoss: epochs.map((e) => 2.3 * Math.exp(-e / 8) + 0.09 + 0.01 * rng.normal()),
      trainAcc: epochs.map((e) => 0.99 - 0.85 * Math.exp(-e / 6)),
      testAcc: epochs.map((e) => 0.975 - 0.85 * Math.exp(-e / 6) + 0.004 * rng.normal()),
    };
    figures.push({ name: "figure5", caption: "Fig. 5: accuracy and loss vs epoch (digits).", what: "2 panels, 60 epochs", build: () => figure5(input) });
  }
  {
    const m: number[] = [];
    for (let i = 0; i < 10; i++) for (let j = 0; j < 10; j++) m.push(i === j ? 33 + rng.int(5) : rng.uniform() < 0.1 ? 1 + rng.int(2) : 0);
    figures.push({ name: "confusion", caption: "Digits confusion matrix.", what: "10 × 10", build: () => confusionFigure({ matrix: m, labels: [..."0123456789"] }) });
  }
  {
    const steps = Array.from({ length: 11 }, (_, i) => i);
    const series = [0, 1, 2, 3, 4, 5].map((k) => {
      let p = 0.2 + 0.1 * k;
      const c = k % 2;
      return { label: `sample ${k}`, classLabel: c, values: steps.map(() => ((p = c ? 0.7 * p + 0.25 : 0.6 * p + 0.02), p)) };
    });
    figures.push({ name: "trajectory", caption: "Trajectories p(t) of a few samples.", what: "6 samples, 11 steps", build: () => trajectoryFigure({ steps, series }) });
  }
  {
    const currents = Array.from({ length: 5000 }, () => 1.6 + 0.5 * rng.normal());
    const current = Array.from({ length: 200 }, (_, i) => 0.02 * i);
    const power = current.map((I) => eq4(I, 4, 5, 1, 2));
    figures.push({ name: "currentHistogram", caption: "Injected currents over the device curve.", what: "5000 currents", build: () => currentHistogramFigure({ currents, curve: { current, power } }) });
  }
  {
    const current = Array.from({ length: 30 }, (_, i) => 1 + 0.5 * i);
    const input = { current, power: current.map((I) => (I < 3 ? 0 : (I - 3) / (I + 0.3))), frequencyGHz: current.map((I) => (I < 3 ? NaN : 8 - 0.15 * (I - 3))), currentUnit: "mA" };
    figures.push({ name: "powerFrequency", caption: "Macrospin power and frequency vs current.", what: "30 currents, 2 axes", build: () => powerFrequencyFigure(input) });
  }
  return figures;
}

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const out = process.argv[2] ?? "runs/figure-gallery";
  const figures: ReportFigure[] = [];
  for (const f of galleryFigures()) {
    const svg = f.build();
    writeFigure(join(out, f.name), svg);
    figures.push({ caption: f.caption, svg });
  }
  writeFileAtomic(join(out, "report.html"), renderReport({ title: "dynaspin figure gallery", subtitle: "Synthetic data (seed 2023), not a training run", sections: [{ heading: "Figures", figures }], meta: [{ key: "Command", value: "`npx tsx test/plot/gallery.ts`" }] }));
  console.log(`wrote ${figures.length} figures (SVG + PNG) and report.html to ${out}`);
}
