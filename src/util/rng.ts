/**
 * Seeded, splittable pseudo-random numbers. dynaspin never uses the global unseeded generator: every random draw
 * comes from an {@link Rng} that the caller creates from an explicit seed and passes in.
 *
 * Generator: xoshiro128** (Blackman & Vigna), 128-bit state of four uint32 words, seeded through
 * SplitMix32 so nearby seeds give unrelated streams. Doubles use 53 random bits.
 * {@link deriveSeed} hashes (seed, index, index, ...) into a new seed, so a Monte Carlo trial's
 * stream depends only on its coordinates, never on which worker ran it.
 */
import { sin, cos, log, sinCos } from "./trig.js";

function splitmix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0;
  let z = state.s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** Mixes 32-bit words into one 32-bit hash (murmur3-style finaliser after each word). */
function mix(h: number, w: number): number {
  let k = Math.imul(w >>> 0, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  return h;
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Splits a non-negative integer seed (up to 2^53) into two uint32 words. */
function words(seed: number): [number, number] {
  const lo = seed >>> 0;
  const hi = Math.floor(seed / 4294967296) >>> 0;
  return [lo, hi];
}

/**
 * Derives an independent seed from a parent seed and a path of non-negative integer indices,
 * e.g. `deriveSeed(sweepSeed, sigmaIndex, trialIndex)`. Pure: same inputs, same output.
 * @returns an integer in [0, 2^32).
 */
export function deriveSeed(seed: number, ...path: number[]): number {
  const [lo, hi] = words(seed);
  let h = mix(mix(0x2545f491, lo), hi);
  for (const p of path) {
    const [a, b] = words(p);
    h = mix(mix(h, a), b);
  }
  return fmix(h ^ (path.length * 4 + 8));
}

/** Scratch of {@link Rng.addNormals}: [sin, cos] of a Box–Muller angle. */
const SIN_COS = new Float64Array(2);

/** Serialisable generator state, for checkpoints. */
export interface RngState {
  /** Four uint32 words of xoshiro128** state. */
  s: [number, number, number, number];
  /** A cached second normal deviate from Box–Muller, or null. */
  spare: number | null;
}

/**
 * A seeded xoshiro128** generator.
 * @example
 * const rng = new Rng(42);
 * rng.uniform();   // a double in [0, 1)
 * rng.normal();    // a standard normal deviate
 */
export class Rng {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private spare: number | null = null;

  /** @param seed non-negative integer (up to 2^53); the same seed always gives the same stream. */
  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > Number.MAX_SAFE_INTEGER) {
      throw new RangeError(`seed must be a non-negative integer (got ${seed})`);
    }
    const [lo, hi] = words(seed);
    const st = { s: mix(lo, hi) ^ 0x5bd1e995 };
    this.s0 = splitmix32(st);
    this.s1 = splitmix32(st);
    this.s2 = splitmix32(st);
    this.s3 = splitmix32(st);
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** Restores a generator from {@link Rng.getState}. */
  static fromState(state: RngState): Rng {
    const r = new Rng(0);
    r.setState(state);
    return r;
  }

  /** @returns the full generator state (copy), for checkpoints. */
  getState(): RngState {
    return { s: [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0], spare: this.spare };
  }

  /** Sets the generator state (from {@link Rng.getState}). */
  setState(state: RngState): void {
    [this.s0, this.s1, this.s2, this.s3] = state.s.map((x) => x | 0) as [number, number, number, number];
    this.spare = state.spare;
  }

  /** @returns a uniform uint32. */
  nextUint32(): number {
    const result = Math.imul(((Math.imul(this.s1, 5) << 7) | (Math.imul(this.s1, 5) >>> 25)), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = (this.s3 << 11) | (this.s3 >>> 21);
    return result;
  }

  /** @returns a uniform double in [0, 1) with 53 random bits. */
  uniform(): number {
    const a = this.nextUint32() >>> 5; // 27 bits
    const b = this.nextUint32() >>> 6; // 26 bits
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** @returns a uniform integer in [0, n). Unbiased (rejection). */
  int(n: number): number {
    if (n <= 0) throw new RangeError(`int(n) needs n > 0 (got ${n})`);
    if (n <= 4294967296) {
      const limit = 4294967296 - (4294967296 % n);
      for (;;) {
        const x = this.nextUint32();
        if (x < limit) return x % n;
      }
    }
    return Math.floor(this.uniform() * n);
  }

  /** @returns a standard normal deviate (Box–Muller, polar form avoided for exact reproducibility). */
  normal(): number {
    if (this.spare !== null) {
      const s = this.spare;
      this.spare = null;
      return s;
    }
    let u = this.uniform();
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * log(u));
    this.spare = r * sin(2 * Math.PI * v);
    return r * cos(2 * Math.PI * v);
  }

  /**
   * Adds sd·z to a[start..end), z standard normal deviates: the same numbers, in the same order,
   * as `a[i] += sd * this.normal()` for each i (the same generator state after), at about half
   * the cost (one argument reduction for each Box–Muller pair's sine and cosine, no call per
   * deviate). What training's input noise draws, `rows × features` deviates per epoch.
   */
  addNormals(a: Float64Array, start: number, end: number, sd: number): void {
    let i = start;
    if (i < end && this.spare !== null) {
      a[i++] += sd * this.spare;
      this.spare = null;
    }
    const sc = SIN_COS;
    for (; i < end; i += 2) {
      let u = this.uniform();
      while (u === 0) u = this.uniform();
      const v = this.uniform();
      const r = Math.sqrt(-2 * log(u));
      sinCos(2 * Math.PI * v, sc);
      a[i] += sd * (r * sc[1]);
      if (i + 1 < end) a[i + 1] += sd * (r * sc[0]);
      else this.spare = r * sc[0];
    }
  }

  /** Fisher–Yates shuffle of `a` in place; returns `a`. */
  shuffle<
    T extends {
      /** Number of entries. */
      length: number;
      [i: number]: unknown;
    },
  >(a: T): T {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }
}
