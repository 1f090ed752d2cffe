/**
 * Small two-class 2-D data sets for the playground (and the CLI), after TensorFlow Playground's:
 * concentric circles, XOR quadrants and two Gaussian blobs, plus scikit-learn's two moons; and its
 * two regression sets, plane and multi-Gaussian (real targets, see {@link makePlane}). Pure and
 * seeded: the same options always give the same points, in the browser and in Node. (Spirals,
 * with two or more arms, are in spiral.ts.)
 *
 * Every generator alternates classes (even rows class 0, odd rows class 1), draws every random
 * number from one `Rng(seed)` in row order, and adds N(0, noise²) to each coordinate.
 *
 * - circles: class 0 on a disc of radius 0.5 (r = 0.5·√u, uniform in area), class 1 on the ring
 *   0.7 ≤ r ≤ 1 (r uniform in [0.7, 1]); angle uniform.
 * - xor: x, y ~ U(−1, 1) with a gap of 0.1 around each axis (|x|, |y| ≥ 0.1 before noise);
 *   class 1 when x·y < 0 (quadrants II and IV), class 0 when x·y > 0.
 * - gaussians: class 0 around (−0.5, −0.5), class 1 around (0.5, 0.5), each coordinate with
 *   standard deviation `spread` (default 0.3) plus the noise.
 * - moons: two interleaving half circles (scikit-learn's `make_moons`, with the angle drawn
 *   uniformly instead of on a grid): class 0 at (cos t, sin t), class 1 at (1 − cos t, 0.5 − sin t),
 *   t ~ U(0, π). `make_moons(noise=0.2)` corresponds to `noise: 0.2`.
 */
import type { Dataset } from "./dataset.js";
import { Rng } from "../util/rng.js";
import { integer, finite, inRange } from "../util/check.js";
import { sin, cos } from "../util/trig.js";

/** Names of the synthetic 2-D data sets. */
export const SYNTHETIC_SETS = ["circles", "xor", "gaussians", "moons"] as const;
/** A synthetic 2-D data set. */
export type SyntheticSet = (typeof SYNTHETIC_SETS)[number];

/** Options of the synthetic generators. */
export interface SyntheticOptions {
  /** Total number of points (classes alternate). @default 1000 */
  count?: number;
  /** Standard deviation of the Gaussian noise added to each coordinate. @default 0.04 */
  noise?: number;
  /** Seed of the generator. @default 0 */
  seed?: number;
  /** gaussians only: standard deviation of each blob per coordinate. @default 0.3 */
  spread?: number;
}

interface Resolved {
  count: number;
  noise: number;
  rng: Rng;
}

function resolve(o: SyntheticOptions, name: string): Resolved {
  const count = integer(o.count ?? 1000, 2, 10_000_000, `${name} count`);
  const noise = inRange(o.noise ?? 0.04, 0, 10, `${name} noise`);
  const seed = integer(finite(o.seed ?? 0, `${name} seed`), 0, Number.MAX_SAFE_INTEGER, `${name} seed`);
  return { count, noise, rng: new Rng(seed) };
}

function make(count: number, fill: (r: number, cls: number, out: Float64Array) => void): Dataset {
  const x = new Float64Array(count * 2);
  const y = new Int32Array(count);
  const pt = new Float64Array(2);
  for (let r = 0; r < count; r++) {
    const cls = r % 2;
    fill(r, cls, pt);
    x[2 * r] = pt[0];
    x[2 * r + 1] = pt[1];
    y[r] = cls;
  }
  return { x, y, n: count, d: 2, featureNames: ["x", "y"], classNames: ["0", "1"] };
}

/**
 * Two concentric classes: a disc (class 0) inside a ring (class 1).
 * @example makeCircles({ count: 4, seed: 1 }).y // Int32Array [0, 1, 0, 1]
 */
export function makeCircles(options: SyntheticOptions = {}): Dataset {
  const { count, noise, rng } = resolve(options, "circles");
  return make(count, (_r, cls, out) => {
    const theta = 2 * Math.PI * rng.uniform();
    const rad = cls === 0 ? 0.5 * Math.sqrt(rng.uniform()) : 0.7 + 0.3 * rng.uniform();
    out[0] = rad * cos(theta) + noise * rng.normal();
    out[1] = rad * sin(theta) + noise * rng.normal();
  });
}

/**
 * XOR quadrants: class 1 where x·y < 0, class 0 where x·y > 0.
 * @example makeXor({ count: 2, seed: 0 }).n // 2
 */
export function makeXor(options: SyntheticOptions = {}): Dataset {
  const { count, noise, rng } = resolve(options, "xor");
  const side = (): number => {
    const v = 0.1 + 0.9 * rng.uniform();
    return rng.uniform() < 0.5 ? -v : v;
  };
  return make(count, (_r, cls, out) => {
    const a = side();
    const b = Math.abs(side());
    // class 0: same signs; class 1: opposite signs.
    const bs = cls === 0 ? (a > 0 ? b : -b) : a > 0 ? -b : b;
    out[0] = a + noise * rng.normal();
    out[1] = bs + noise * rng.normal();
  });
}

/**
 * Two Gaussian blobs centred at (−0.5, −0.5) (class 0) and (0.5, 0.5) (class 1).
 * @example makeGaussians({ count: 10, spread: 0.1 }).d // 2
 */
export function makeGaussians(options: SyntheticOptions = {}): Dataset {
  const { count, noise, rng } = resolve(options, "gaussians");
  const spread = inRange(options.spread ?? 0.3, 0, 10, "gaussians spread");
  return make(count, (_r, cls, out) => {
    const c = cls === 0 ? -0.5 : 0.5;
    out[0] = c + spread * rng.normal() + noise * rng.normal();
    out[1] = c + spread * rng.normal() + noise * rng.normal();
  });
}

/**
 * Two interleaving half circles: class 0 on the upper arc (cos t, sin t), class 1 on the lower
 * arc (1 − cos t, 0.5 − sin t), t ~ U(0, π), each coordinate plus N(0, noise²).
 * @example makeMoons({ count: 1000, noise: 0.2, seed: 0 }).n // 1000
 */
export function makeMoons(options: SyntheticOptions = {}): Dataset {
  const { count, noise, rng } = resolve(options, "moons");
  return make(count, (_r, cls, out) => {
    const t = Math.PI * rng.uniform();
    const cx = cls === 0 ? cos(t) : 1 - cos(t);
    const cy = cls === 0 ? sin(t) : 0.5 - sin(t);
    out[0] = cx + noise * rng.normal();
    out[1] = cy + noise * rng.normal();
  });
}

/** Names of the synthetic 2-D regression sets (TensorFlow Playground's "plane" and "multi-Gaussian"). */
export const REGRESSION_SETS = ["plane", "multi-gaussian"] as const;
/** A synthetic 2-D regression set. */
export type RegressionSet = (typeof REGRESSION_SETS)[number];

/** Options of the regression generators. */
export interface RegressionSetOptions {
  /** Number of points. @default 1000 */
  count?: number;
  /**
   * TensorFlow Playground's noise as a fraction (its slider 0–50 is 0–0.5): each point's target is
   * that of the point moved by noise·U(−1, 1) along each coordinate. @default 0
   */
  noise?: number;
  /** Seed of the generator. @default 0 */
  seed?: number;
}

/**
 * The six centres (x, y, sign) of {@link makeMultiGaussian}: TensorFlow Playground's
 * (±4 or 0, ±2.5) on its [−6, 6] square, scaled to [−1, 1].
 */
const MULTI_GAUSSIAN_CENTRES: readonly (readonly [number, number, number])[] = [
  [-4 / 6, 2.5 / 6, 1], [0, 2.5 / 6, -1], [4 / 6, 2.5 / 6, 1],
  [-4 / 6, -2.5 / 6, -1], [0, -2.5 / 6, 1], [4 / 6, -2.5 / 6, -1],
];

function makeRegression(options: RegressionSetOptions, name: string, target: (x: number, y: number) => number): Dataset {
  const count = integer(options.count ?? 1000, 2, 10_000_000, `${name} count`);
  const noise = inRange(options.noise ?? 0, 0, 10, `${name} noise`);
  const seed = integer(finite(options.seed ?? 0, `${name} seed`), 0, Number.MAX_SAFE_INTEGER, `${name} seed`);
  const rng = new Rng(seed);
  const x = new Float64Array(count * 2);
  const t = new Float64Array(count);
  for (let r = 0; r < count; r++) {
    const px = 2 * rng.uniform() - 1, py = 2 * rng.uniform() - 1;
    const nx = noise * (2 * rng.uniform() - 1), ny = noise * (2 * rng.uniform() - 1);
    x[2 * r] = px;
    x[2 * r + 1] = py;
    t[r] = target(px + nx, py + ny);
  }
  return { x, y: new Int32Array(count), n: count, d: 2, featureNames: ["x", "y"], classNames: [], targets: t, targetNames: ["value"] };
}

/**
 * TensorFlow Playground's "plane" regression set: points uniform on [−1, 1]², target
 * 0.6·(x + y) (its (x + y)/10 on [−6, 6]², so in [−1.2, 1.2]).
 * @example makePlane({ count: 3, seed: 1 }).targets // three values 0.6·(x + y)
 */
export function makePlane(options: RegressionSetOptions = {}): Dataset {
  return makeRegression(options, "plane", (x, y) => 0.6 * (x + y));
}

/**
 * TensorFlow Playground's "multi-Gaussian" regression set: points uniform on [−1, 1]², target the
 * largest in absolute value of sign_g·max(0, 1 − 3·|p − centre_g|) over six centres in two rows of
 * alternating sign (its bumps of radius 2 on [−6, 6]², scaled); values in [−1, 1], 0 between bumps.
 * @example makeMultiGaussian({ count: 1000 }).n // 1000
 */
export function makeMultiGaussian(options: RegressionSetOptions = {}): Dataset {
  return makeRegression(options, "multi-gaussian", (x, y) => {
    let best = 0;
    for (const [cx, cy, sign] of MULTI_GAUSSIAN_CENTRES) {
      const v = sign * Math.max(0, 1 - 3 * Math.sqrt((x - cx) * (x - cx) + (y - cy) * (y - cy)));
      if (Math.abs(v) > Math.abs(best)) best = v;
    }
    return best;
  });
}

/** The generator of a regression set by name. */
export function makeRegressionSet(name: RegressionSet, options: RegressionSetOptions = {}): Dataset {
  return name === "plane" ? makePlane(options) : makeMultiGaussian(options);
}

/** The generator of a synthetic set by name. */
export function makeSynthetic(name: SyntheticSet, options: SyntheticOptions = {}): Dataset {
  switch (name) {
    case "circles":
      return makeCircles(options);
    case "xor":
      return makeXor(options);
    case "gaussians":
      return makeGaussians(options);
    case "moons":
      return makeMoons(options);
  }
}
