// A network with random parameters in its devices' working range, for the engine and specification
// tests: eq. 4 devices of both polarities with slightly different a, b, Q per oscillator.
import { createModel, type Model } from "../../src/network/model.js";
import { eq4 } from "../../src/device/analytic.js";
import type { Rng } from "../../src/util/rng.js";

/** k eq. 4 oscillators (Ic = ±1 alternating), A ~ N(0, 0.25/k), B ~ N(1.3, 0.04), W ~ N(0, 4), c ~ N(0, 1). */
export function randomEq4Model(k: number, steps: number, classes: number, rng: Rng): Model {
  const devices = Array.from({ length: k }, (_, i) => eq4({ a: 4 + 0.1 * i, b: 5 + 0.05 * i, Ic: i % 2 ? -1 : 1, Q: 2 - 0.1 * (i % 3) }));
  const m = createModel(k, steps, classes, devices);
  for (let q = 0; q < m.A.length; q++) m.A[q] = (0.5 * rng.normal()) / Math.sqrt(k);
  for (let q = 0; q < m.B.length; q++) m.B[q] = 1.3 + 0.2 * rng.normal();
  for (let q = 0; q < m.W.length; q++) m.W[q] = 2 * rng.normal();
  for (let q = 0; q < m.c.length; q++) m.c[q] = rng.normal();
  return m;
}
