import { test } from "node:test";
import assert from "node:assert/strict";
import { figure2, figure3, figure4, figure5, confusionFigure, trajectoryFigure, currentHistogramFigure, powerFrequencyFigure, InputError } from "../../src/index.js";
import { piles } from "../../src/plot/scatter.js";
import { FIGURE3_DENSITY } from "../../src/plot/figures.js";
import { matchSnapshot } from "./snapshot.js";
import { eq4, figure3Data, wiggle } from "./fixtures.js";

test("figure2 draws the data, the eq. 4 fit and eq. 3 with the same Ic and Q", () => {
  const current = Array.from({ length: 13 }, (_, i) => 0.25 * i);
  const power = current.map((I, i) => eq4(I, 4, 5, 1, 2) + 0.01 * wiggle(i));
  const svg = figure2({ current, power, eq4: { a: 4, b: 5, Ic: 1, Q: 2 }, currentUnit: "mA", powerUnit: "nW", title: "Fig. 2" });
  matchSnapshot("figure2", svg);
  for (const s of ["eq. 4 fit (a = 4, b = 5)", "eq. 3 (Ic = 1, Q = 2)", "Current I (mA)", "Power p (nW)"]) assert.ok(svg.includes(s), s);
  assert.throws(() => figure2({ current: [1, 1], power: [0, 0], eq4: { a: 4, b: 5, Ic: 1, Q: 2 } }), (e: Error) => e instanceof InputError && /two different/.test(e.message));
});

test("figure2 leaves a gap in eq. 4 beyond its pole instead of a vertical jump", () => {
  // Pole at I = −Q·Ic = −2, inside the range [−3, 3].
  const current = Array.from({ length: 25 }, (_, i) => -3 + 0.25 * i);
  const svg = figure2({ current, power: current.map((I) => (I > 1 ? eq4(I, 4, 5, 1, 2) : 0)), eq4: { a: 4, b: 5, Ic: 1, Q: 2 } });
  const fit = /<path d="([^"]+)" fill="none" stroke="#0072B2"/.exec(svg)![1]!;
  assert.equal(fit.split("M").length - 1, 1, "one sub-path: the part left of the pole is not drawn");
});

test("figure3 composes the input plane and three epochs into four lettered panels", () => {
  const svg = figure3(figure3Data());
  matchSnapshot("figure3", svg);
  for (const s of ["(a)", "(b)", "(c)", "(d)", "epoch 1", "epoch 5", "epoch 10", "readout boundary"]) assert.ok(svg.includes(s), s);
});

test("figure4 draws fractions in percent with a percentile band per curve and a σ marker", () => {
  const sigma = [0, 0.25, 0.5, 1];
  const svg = figure4({
    sigma,
    curves: [
      { name: "plain", mean: [0.92, 0.9, 0.7, 0.55], p5: [0.9, 0.85, 0.55, 0.4], p95: [0.94, 0.93, 0.8, 0.7] },
      { name: "variation-aware", mean: [0.92, 0.91, 0.85, 0.7], p5: [0.9, 0.88, 0.78, 0.55], p95: [0.94, 0.93, 0.9, 0.8] },
    ],
    threshold: 0.25,
  });
  matchSnapshot("figure4", svg);
  assert.ok(svg.includes("Accuracy (%)") && svg.includes("σ = 0.25") && svg.includes(">100<"));
});

test("figure5 shows accuracy and loss vs epoch for train and test in two panels", () => {
  const epochs = [1, 2, 3, 4, 5, 6];
  const svg = figure5({ epochs, trainLoss: [2, 1, 0.5, 0.2, 0.1, 0.05], testLoss: [2.1, 1.2, 0.6, 0.3, 0.2, 0.15], trainAcc: [0.3, 0.6, 0.8, 0.9, 0.95, 0.99], testAcc: [0.28, 0.55, 0.75, 0.88, 0.93, 0.97] });
  matchSnapshot("figure5", svg);
  assert.ok(svg.includes(">Loss<") && svg.includes(">Accuracy<") && svg.includes("(b)"));
  assert.ok(svg.includes(">0.1<"), "loss spanning a factor 40 gets a log axis");
});

test("confusionFigure prints counts and the overall accuracy", () => {
  const svg = confusionFigure({ matrix: [8, 1, 1, 0, 9, 1, 0, 2, 8], labels: ["0", "1", "2"] });
  matchSnapshot("confusion", svg);
  assert.ok(svg.includes("accuracy 83.3 %"));
  assert.throws(() => confusionFigure({ matrix: [1, 2, 3], labels: ["a", "b"] }), InputError);
});

test("trajectoryFigure colours p(t) by class and lists classes once in the legend", () => {
  const steps = [0, 1, 2, 3, 4];
  const svg = trajectoryFigure({
    steps,
    series: [0, 1, 2, 3].map((k) => ({ label: `s${k}`, classLabel: k % 2, values: steps.map((t) => (k % 2 ? 0.2 + 0.1 * t : 0.6 - 0.1 * t) + 0.02 * k) })),
    classNames: ["zero", "one"],
  });
  matchSnapshot("trajectory", svg);
  assert.equal(svg.split(">zero<").length - 1, 1);
  assert.equal(svg.split(">one<").length - 1, 1);
});

test("currentHistogramFigure draws the currents under the device curve on a second axis", () => {
  const currents = Array.from({ length: 60 }, (_, i) => 1.5 + wiggle(i) + 0.4 * wiggle(5 * i));
  const current = Array.from({ length: 21 }, (_, i) => 0.15 * i);
  const svg = currentHistogramFigure({ currents, curve: { current, power: current.map((I) => eq4(I, 4, 5, 1, 2)) }, unit: "mA", bins: 12 });
  matchSnapshot("current-histogram", svg);
  assert.ok(svg.includes("injected currents") && svg.includes("device curve p(I)") && svg.includes("Current I (mA)"));
});

test("powerFrequencyFigure puts power on the left axis and frequency in GHz on the right", () => {
  const current = [1, 2, 3, 4, 5, 6];
  const svg = powerFrequencyFigure({ current, power: [0, 0, 0.2, 0.35, 0.45, 0.52], frequencyGHz: [NaN, NaN, 7.9, 7.7, 7.5, 7.3], currentUnit: "mA" });
  matchSnapshot("power-frequency", svg);
  assert.ok(svg.includes("Frequency f (GHz)") && svg.includes("Power p"));
});

test("figure4 can show the spread of a as an inset, and the σ label moves above it", () => {
  const svg = figure4({ sigma: [0, 0.5, 1], curves: [{ name: "plain", mean: [0.9, 0.7, 0.6], p5: [0.88, 0.6, 0.5], p95: [0.92, 0.8, 0.7] }], threshold: 0.25, inset: { a: 4, sigma: 0.25 } });
  matchSnapshot("figure4-inset", svg);
  assert.ok(svg.includes("a (σ = 0.25)"));
  assert.equal(svg.split("<svg ").length - 1, 2, "the inset is a nested SVG");
  assert.throws(() => figure4({ sigma: [0], curves: [{ name: "x", mean: [1], p5: [1], p95: [1] }], inset: { a: 4, sigma: 0 } }), (e: Error) => e instanceof InputError && /inset\.sigma must be > 0/.test(e.message));
});

test("figure2 without data draws eq. 4 and eq. 3 over a given range, with the legends it is given and no data series", () => {
  const svg = figure2({ range: [-18, 0], eq4: { a: -0.667, b: 5, Ic: -6, Q: 0.1 }, currentUnit: "mA", powerUnit: "normalised", eq4Label: "eq. 4 (chosen a, b)", eq3Label: "eq. 3 (preset)" });
  matchSnapshot("figure2-models", svg);
  for (const s of ["eq. 4 (chosen a, b)", "eq. 3 (preset)", "Current I (mA)", "Power p (normalised)", "−18"]) assert.ok(svg.includes(s), s);
  assert.ok(!svg.includes("device data"), "no data series when there are no data");
  assert.throws(() => figure2({ eq4: { a: 4, b: 5, Ic: 1, Q: 2 } }), (e: Error) => e instanceof InputError && /range/.test(e.message));
  assert.throws(() => figure2({ range: [1, 1], eq4: { a: 4, b: 5, Ic: 1, Q: 2 } }), (e: Error) => e instanceof InputError && /two different currents/.test(e.message));
});

test("figure3 draws final states translucent with class outlines and counts piles of coincident points", () => {
  const d = figure3Data();
  // 40 class-1 points on one spot and 3 class-0 points on another: only the 40 reach the count threshold.
  const n = 40 + 3 + d.epochs[0]!.label.length;
  const px = [...Array(40).fill(0.8), ...Array(3).fill(0.1), ...Array.from(d.epochs[0]!.px)];
  const py = [...Array(40).fill(0.85), ...Array(3).fill(0.2), ...Array.from(d.epochs[0]!.py)];
  const label = [...Array(40).fill(1), ...Array(3).fill(0), ...Array.from(d.epochs[0]!.label)];
  assert.equal(px.length, n);
  const svg = figure3({ ...d, epochs: [{ epoch: 7, px, py, label, readout: { w0: 1, w1: -1, c: 0 } }] });
  assert.ok(svg.includes(">×40<"), "the pile of 40 is counted");
  assert.ok(!svg.includes(">×3<"), `piles under ${FIGURE3_DENSITY.stackMinCount} points are not labelled`);
  assert.ok(svg.includes(`fill-opacity="${FIGURE3_DENSITY.opacity}"`), "final states are translucent");
  assert.ok(/fill="#D55E00" fill-opacity="0\.35" stroke="#D55E00"/.test(svg), "outlined in their class colour, not white");
});

test("piles joins points of one class closer than the radius into connected groups, largest first", () => {
  const pts = [
    { x: 0, y: 0, k: 0 },
    { x: 2, y: 0, k: 0 },
    { x: 4, y: 0, k: 0 }, // chained to the first through the second
    { x: 4, y: 0.5, k: 1 }, // other class: its own pile
    { x: 20, y: 20, k: 0 },
  ];
  assert.deepEqual(piles(pts, 3), [
    { n: 3, k: 0, x0: 0, x1: 4, y0: 0, y1: 0 },
    { n: 1, k: 1, x0: 4, x1: 4, y0: 0.5, y1: 0.5 },
    { n: 1, k: 0, x0: 20, x1: 20, y0: 20, y1: 20 },
  ]);
  assert.equal(piles(pts, 1.5).length, 5, "a smaller radius breaks the chain");
});

test("powerFrequencyFigure draws points that did not settle as hollow grey markers off the lines, with a legend entry", () => {
  const svg = powerFrequencyFigure({ current: [1, 2, 3, 4], power: [0, 0.3, 0.05, 0.5], frequencyGHz: [7, 7.8, 9, 7.4], settled: [true, true, false, true], currentUnit: "mA" });
  matchSnapshot("power-frequency-unsettled", svg);
  assert.ok(svg.includes("did not settle (not fitted)"));
  assert.equal(svg.split('fill="#FFFFFF" stroke="#777777"').length - 1, 3, "two hollow markers (power, frequency) and the legend sample");
  assert.throws(() => powerFrequencyFigure({ current: [1, 2], power: [0, 1], frequencyGHz: [1, 2], settled: [true] }), InputError);
});

test("trajectoryFigure lists class 0 before class 1 whatever the order of the series", () => {
  const steps = [0, 1, 2];
  const svg = trajectoryFigure({ steps, series: [1, 0, 1, 0].map((k, i) => ({ label: `s${i}`, classLabel: k, values: [k, 0.5, 0.2 * i] })), classNames: ["arm 0", "arm 1"] });
  assert.ok(svg.indexOf(">arm 0<") < svg.indexOf(">arm 1<"), "arm 0 first in the legend");
});

test("figure4's inset labels its y axis as a density", () => {
  const svg = figure4({ sigma: [0, 0.5, 1], curves: [{ name: "plain", mean: [0.9, 0.7, 0.6], p5: [0.88, 0.6, 0.5], p95: [0.92, 0.8, 0.7] }], inset: { a: 4, sigma: 0.25 } });
  const inset = svg.slice(svg.indexOf("<svg ", 10));
  assert.ok(inset.includes(">Density<"));
});
