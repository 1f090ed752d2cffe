/** A report built from every figure function on small fixed inputs (shared by the report tests). */
import { renderReport, figure2, figure3, figure4, figure5, confusionFigure, trajectoryFigure, currentHistogramFigure, powerFrequencyFigure } from "../../src/index.js";
import { eq4, figure3Data, wiggle } from "./fixtures.js";

export function sampleReport(): string {
  const current = Array.from({ length: 25 }, (_, i) => 0.125 * i);
  const epochs = Array.from({ length: 20 }, (_, i) => i + 1);
  const steps = Array.from({ length: 11 }, (_, i) => i);
  return renderReport({
    title: "dynaspin reproduce <quick>",
    subtitle: "Rodrigues et al. 2023 & this run",
    sections: [
      {
        heading: "Summary",
        paragraphs: ["Numbers from the paper next to ours; run with `dynaspin reproduce --quick`.", "Escaping: <script>alert(1)</script> & \"quotes\""],
        table: { columns: ["Quantity", "Paper", "Ours"], rows: [["Spiral test accuracy", "92 %", "91.5 %"], ["Digits test accuracy", "97.5 %", 96.9]], caption: "Paper vs this run" },
      },
      {
        heading: "Device",
        figures: [
          { caption: "Power vs current: data, eq. 4 fit, eq. 3.", svg: figure2({ current, power: current.map((I, i) => eq4(I, 4, 5, 1, 2) + 0.005 * wiggle(i)), eq4: { a: 4, b: 5, Ic: 1, Q: 2 } }) },
          { caption: "Power and frequency of the macrospin model.", svg: powerFrequencyFigure({ current: [1, 2, 3, 4, 5], power: [0, 0.1, 0.3, 0.4, 0.45], frequencyGHz: [NaN, 8, 7.8, 7.6, 7.4], currentUnit: "mA" }) },
        ],
      },
      {
        heading: "Spiral",
        figures: [
          { caption: "Decision regions and final states.", svg: figure3(figure3Data()) },
          { caption: "Trajectories p(t).", svg: trajectoryFigure({ steps, series: [0, 1, 2, 3].map((k) => ({ label: `s${k}`, classLabel: k % 2, values: steps.map((t) => (k % 2 ? 0.8 : 0.1) + (0.3 - 0.1 * k) * Math.exp(-t / 3)) })) }) },
          { caption: "Injected currents over the device curve.", svg: currentHistogramFigure({ currents: Array.from({ length: 200 }, (_, i) => 1.5 + 0.8 * wiggle(i) + 0.4 * wiggle(7 * i)), curve: { current, power: current.map((I) => eq4(I, 4, 5, 1, 2)) } }) },
        ],
      },
      {
        heading: "Robustness",
        figures: [{ caption: "Accuracy vs σ.", svg: figure4({ sigma: [0, 0.25, 0.5, 1], curves: [{ name: "plain", mean: [0.92, 0.9, 0.7, 0.55], p5: [0.9, 0.85, 0.55, 0.4], p95: [0.94, 0.93, 0.8, 0.7] }], threshold: 0.25 }) }],
      },
      {
        heading: "Digits",
        figures: [
          { caption: "Accuracy and loss.", svg: figure5({ epochs, trainLoss: epochs.map((e) => 2 * Math.exp(-e / 4) + 0.02), testLoss: epochs.map((e) => 2 * Math.exp(-e / 4) + 0.08), trainAcc: epochs.map((e) => 0.99 - 0.8 * Math.exp(-e / 4)), testAcc: epochs.map((e) => 0.975 - 0.8 * Math.exp(-e / 4)) }) },
          { caption: "Confusion matrix.", svg: confusionFigure({ matrix: Array.from({ length: 100 }, (_, k) => (Math.floor(k / 10) === k % 10 ? 34 : k % 7 === 0 ? 1 : 0)), labels: [..."0123456789"] }) },
        ],
      },
    ],
    meta: [
      { key: "Command", value: "`dynaspin reproduce --quick --out runs/x`" },
      { key: "Seed", value: "42" },
      { key: "Node", value: "v20" },
    ],
  });
}
