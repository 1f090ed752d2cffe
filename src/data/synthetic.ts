/**
 * Small two-class 2-D data sets for the playground (and the CLI), after TensorFlow Playground's:
 * concentric circles, XOR quadrants and two Gaussian blobs, plus scikit-learn's two moons. Pure and
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
