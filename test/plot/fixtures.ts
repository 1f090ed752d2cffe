/** Small fixed inputs shared by the plot tests (deterministic, no randomness). */
import type { Figure3Data } from "../../src/plot/figures.js";

/** A deterministic pseudo-noise in [-0.5, 0.5) (golden-ratio sequence). */
export function wiggle(i: number): number {
  return ((i * 0.6180339887498949) % 1) - 0.5;
}

/** eq. 4 of the paper. */
export function eq4(I: number, a: number, b: number, Ic: number, Q: number): number {
  return 0.5 * (1 + Math.tanh(a * I - b)) * ((I - Ic) / (I + Q * Ic));
}

/** Figure 3 input: a 2-turn two-class spiral (24 points) on a 6×6 probability grid and 3 epochs. */
export function figure3Data(): Figure3Data {
  const x: number[] = [];
  const y: number[] = [];
  const label: number[] = [];
  for (let i = 0; i < 24; i++) {
    const k = i % 2;
    const t = 0.5 + (i / 24) * 2 * Math.PI;
    const r = t / (2 * Math.PI);
    x.push(r * Math.cos(t + k * Math.PI));
    y.push(r * Math.sin(t + k * Math.PI));
    label.push(k);
  }
  const nx = 6;
  const ny = 6;
  const prob = new Float64Array(nx * ny);
  for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) prob[j * nx + i] = (i + 0.5) / nx;
  const epochs = [1, 5, 10].map((epoch, e) => ({
    epoch,
    px: label.map((k, i) => 0.5 + (k ? 1 : -1) * 0.1 * (e + 1) + 0.1 * wiggle(i)),
    py: label.map((k, i) => 0.5 - (k ? 1 : -1) * 0.05 * (e + 1) + 0.1 * wiggle(i + 7)),
    label,
    readout: { w0: 1, w1: -1, c: 0.01 * e },
  }));
  return { input: { x, y, label }, regions: { nx, ny, x0: -1, x1: 1, y0: -1, y1: 1, prob }, epochs };
}
