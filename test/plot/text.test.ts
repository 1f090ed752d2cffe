import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { textWidth } from "../../src/plot/text.js";
import { formatTick, logScale, niceDomain, tickStep, linearScale } from "../../src/plot/scale.js";
import { advanceWidths } from "./ttf.js";
import { lineChart } from "../../src/index.js";

const font = (f: string) => fileURLToPath(new URL(`../../assets/fonts/${f}`, import.meta.url));

test("the text width table matches the advance widths of the shipped DejaVu Sans fonts", () => {
  const chars = [...Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)), "−", "×", "σ", "µ", "²", "₁", "⁻"];
  for (const [file, bold] of [["DejaVuSans.ttf", false], ["DejaVuSans-Bold.ttf", true]] as const) {
    const w = advanceWidths(font(file), chars.map((c) => c.codePointAt(0)!));
    for (const c of chars) {
      assert.ok(Math.abs(textWidth(c, 1000, bold) - w.get(c.codePointAt(0)!)! * 1000) <= 0.5, `${file} ${JSON.stringify(c)}`);
    }
  }
});

test("nice ticks step by 1, 2 or 5 times a power of ten", () => {
  assert.equal(tickStep(0, 1, 5), 0.2);
  assert.equal(tickStep(0, 100, 4), 20);
  assert.equal(tickStep(-3, 7, 10), 1);
  assert.deepEqual(niceDomain(-0.002, 0.5, 4), [-0.1, 0.5, 0.1]);
  assert.deepEqual(niceDomain(3, 3, 5), [2.7, 3.3, 0.1]);
  assert.deepEqual(linearScale(0, 1, 0, 100, 5).ticks, [0, 0.2, 0.4, 0.6, 0.8, 1]);
});

test("tick labels use a typographic minus, fixed decimals and powers of ten for extreme values", () => {
  assert.equal(formatTick(-2, 1), "−2");
  assert.equal(formatTick(0.3, 0.1), "0.3");
  assert.equal(formatTick(1.5, 0.5), "1.5");
  assert.equal(formatTick(2e-5, 1e-5), "2×10⁻⁵");
  assert.equal(formatTick(1e6, 5e5), "10⁶");
  assert.equal(formatTick(0, 0.1), "0");
});

test("a log scale labels decades and adds 2 and 5 when it spans at most two decades", () => {
  const wide = logScale(0.003, 40, 0, 100);
  assert.deepEqual(wide.labels, ["0.001", "0.01", "0.1", "1", "10", "100"]);
  const narrow = logScale(1, 60, 0, 100);
  assert.deepEqual(narrow.labels, ["1", "2", "5", "10", "20", "50", "100"]);
  assert.ok(Number.isNaN(wide.map(0)) && Number.isNaN(wide.map(-1)));
  assert.ok(Math.abs(wide.map(1) - 60) < 1e-9);
});

test("a linear axis with tiny values factors a common power of ten into its title", () => {
  const s = linearScale(-3e-5, -5e-6, 0, 100, 5);
  assert.equal(s.exponent, -5);
  assert.deepEqual(s.labels, ["−3.0", "−2.5", "−2.0", "−1.5", "−1.0", "−0.5"]);
  const svg = lineChart({ series: [{ x: [-3e-5, -5e-6], y: [6e-9, 0] }], x: { label: "Current I", unit: "A" }, y: { label: "Power P" } });
  assert.ok(svg.includes("Current I (10⁻⁵ A)") && svg.includes("Power P (×10⁻⁹)"));
  assert.equal(linearScale(0, 1, 0, 100).exponent, 0);
});
