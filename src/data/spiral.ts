/**
 * The two-arm spiral of the paper's first task (after Furuhata et al. 2021, the paper's ref. [9]).
 *
 * Arm 0: θ = √u·2π·turns with u ~ U[0, 1), r = θ/(2π·turns), point = r·(cos θ, sin θ) + N(0, noise²)
 * per coordinate; arm 1 is arm 0 rotated by π (the point negated, with its own noise).
 * Samples alternate arms (even rows arm 0, odd rows arm 1).
 */
import type { Dataset } from "./dataset.js";
import { Rng } from "../util/rng.js";
import { integer, finite, inRange } from "../util/check.js";

/** Options of {@link makeSpiral}. */
export interface SpiralOptions {
  /** Total number of points (split evenly between the two arms). @default 1000 */
  count?: number;
  /** Number of turns of each arm. @default 1 */
  turns?: number;
  /** Standard deviation of the Gaussian noise added to each coordinate. @default 0.04 */
  noise?: number;
  /** Seed of the generator. @default 0 */
  seed?: number;
}

/**
 * Generates the two-class spiral.
 * @example makeSpiral({ count: 1000, turns: 1, noise: 0.04, seed: 0 }).n // 1000
 */
export function makeSpiral(options: SpiralOptions = {}): Dataset {
  const count = integer(options.count ?? 1000, 2, 10_000_000, "spiral count");
  const turns = inRange(options.turns ?? 1, 0.05, 100, "spiral turns");
  const noise = inRange(options.noise ?? 0.04, 0, 10, "spiral noise");
  const seed = finite(options.seed ?? 0, "spiral seed");
  const rng = new Rng(seed);
  const x = new Float64Array(count * 2);
  const y = new Int32Array(count);
  for (let r = 0; r < count; r++) {
    const arm = r % 2;
    const theta = Math.sqrt(rng.uniform()) * 2 * Math.PI * turns;
    const rad = theta / (2 * Math.PI * turns);
    const sign = arm === 0 ? 1 : -1;
    x[2 * r] = sign * rad * Math.cos(theta) + noise * rng.normal();
    x[2 * r + 1] = sign * rad * Math.sin(theta) + noise * rng.normal();
    y[r] = arm;
  }
  return { x, y, n: count, d: 2, featureNames: ["x", "y"], classNames: ["0", "1"] };
}
