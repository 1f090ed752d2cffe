/**
 * The two-arm spiral of the paper's first task (after Furuhata et al. 2021, the paper's ref. [9]),
 * and its generalisation to more arms (one class per arm).
 *
 * Arm 0: θ = √u·2π·turns with u ~ U[0, 1), r = θ/(2π·turns), point = r·(cos θ, sin θ) + N(0, noise²)
 * per coordinate. With two arms (the paper's), arm 1 is arm 0 rotated by π (the point negated, with
 * its own noise); with `arms` = m > 2, arm c is arm 0 rotated by 2π·c/m:
 * point = r·(cos(θ + 2πc/m), sin(θ + 2πc/m)) + noise. Samples cycle through the arms (row r is
 * arm r mod m), and every random number comes from one `Rng(seed)` in row order (u, then the two
 * noise deviates).
 */
import type { Dataset } from "./dataset.js";
import { Rng } from "../util/rng.js";
import { integer, finite, inRange } from "../util/check.js";
import { sin, cos } from "../util/trig.js";

/** Options of {@link makeSpiral}. */
export interface SpiralOptions {
  /** Total number of points (rows cycle through the arms). @default 1000 */
  count?: number;
  /** Number of turns of each arm. @default 1 */
  turns?: number;
  /** Standard deviation of the Gaussian noise added to each coordinate. @default 0.04 */
  noise?: number;
  /** Seed of the generator. @default 0 */
  seed?: number;
  /** Number of arms (= classes), 2 to 64; arm c is arm 0 rotated by 2π·c/arms. @default 2 */
  arms?: number;
}

/**
 * Generates the spiral: two arms (the paper's task) unless `arms` says otherwise.
 * @example makeSpiral({ count: 1000, turns: 1, noise: 0.04, seed: 0 }).n // 1000
 * @example makeSpiral({ count: 900, arms: 3, turns: 1 }).classNames // ["0", "1", "2"]
 */
export function makeSpiral(options: SpiralOptions = {}): Dataset {
  const count = integer(options.count ?? 1000, 2, 10_000_000, "spiral count");
  const turns = inRange(options.turns ?? 1, 0.05, 100, "spiral turns");
  const noise = inRange(options.noise ?? 0.04, 0, 10, "spiral noise");
  const seed = finite(options.seed ?? 0, "spiral seed");
  const arms = integer(options.arms ?? 2, 2, 64, "spiral arms");
  const rng = new Rng(seed);
  const x = new Float64Array(count * 2);
  const y = new Int32Array(count);
  for (let r = 0; r < count; r++) {
    const arm = r % arms;
    const theta = Math.sqrt(rng.uniform()) * 2 * Math.PI * turns;
    const rad = theta / (2 * Math.PI * turns);
    if (arms === 2) {
      // The paper's spiral: arm 1 is arm 0 negated (kept bit for bit).
      const sign = arm === 0 ? 1 : -1;
      x[2 * r] = sign * rad * cos(theta) + noise * rng.normal();
      x[2 * r + 1] = sign * rad * sin(theta) + noise * rng.normal();
    } else {
      const phi = theta + (2 * Math.PI * arm) / arms;
      x[2 * r] = rad * cos(phi) + noise * rng.normal();
      x[2 * r + 1] = rad * sin(phi) + noise * rng.normal();
    }
    y[r] = arm;
  }
  const classNames = Array.from({ length: arms }, (_, c) => String(c));
  return { x, y, n: count, d: 2, featureNames: ["x", "y"], classNames };
}
