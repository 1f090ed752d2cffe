/**
 * Elementary functions with the same bits on every JavaScript engine (sin, cos, log, integer
 * powers). Sine and cosine: fdlibm's algorithms (Sun
 * Microsystems, 1993), the ones V8 used for Math.sin/Math.cos up to V8 11 (Node 20). Newer V8
 * (Chromium 120+) computes Math.sin/Math.cos with a different libm whose results differ in the
 * last bit for some arguments; every seeded draw that goes through a sine or cosine (normal
 * deviates, the spiral, the circles, the cosine learning-rate schedule) uses these instead, so a
 * seed gives the same numbers in Node and in every browser.
 *
 * Exact for |x| ≤ 2^19·π/2 ≈ 823 550 (fdlibm's medium-size argument reduction); beyond that the
 * engine's Math.sin/Math.cos is used. Checked bit for bit against Node 20's Math.sin/Math.cos
 * (test/util/trig.test.ts).
 */

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
/** Index of the high 32-bit word of a float64 in `u32` (1 on little-endian hosts). */
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

function highWord(x: number): number {
  f64[0] = x;
  return u32[HI] | 0;
}

/** A float64 with high word `hi` and low word 0. */
function fromHigh(hi: number): number {
  u32[HI] = hi >>> 0;
  u32[1 - HI] = 0;
  return f64[0];
}

const S1 = -1.66666666666666324348e-1;
const S2 = 8.33333333332248946124e-3;
const S3 = -1.98412698298579493134e-4;
const S4 = 2.75573137070700676789e-6;
const S5 = -2.50507602534068634195e-8;
const S6 = 1.58969099521155010221e-10;

/** sin(x + y) on [−π/4, π/4], y the tail of x (iy = 0: y is zero). */
function kernelSin(x: number, y: number, iy: number): number {
  const ix = highWord(x) & 0x7fffffff;
  if (ix < 0x3e400000) return x; // |x| < 2^−27
  const z = x * x;
  const v = z * x;
  const r = S2 + z * (S3 + z * (S4 + z * (S5 + z * S6)));
  if (iy === 0) return x + v * (S1 + z * r);
  return x - (z * (0.5 * y - v * r) - y - v * S1);
}

const C1 = 4.16666666666666019037e-2;
const C2 = -1.38888888888741095749e-3;
const C3 = 2.48015872894767294178e-5;
const C4 = -2.75573143513906633035e-7;
const C5 = 2.08757232129817482790e-9;
const C6 = -1.13596475577881948265e-11;

/** cos(x + y) on [−π/4, π/4]. */
function kernelCos(x: number, y: number): number {
  const ix = highWord(x) & 0x7fffffff;
  if (ix < 0x3e400000) return 1; // |x| < 2^−27
  const z = x * x;
  const r = z * (C1 + z * (C2 + z * (C3 + z * (C4 + z * (C5 + z * C6)))));
  if (ix < 0x3fd33333) return 1 - (0.5 * z - (z * r - x * y)); // |x| < 0.3
  const qx = ix > 0x3fe90000 ? 0.28125 : fromHigh(ix - 0x00200000);
  const hz = 0.5 * z - qx;
  const a = 1 - qx;
  return a - (hz - (z * r - x * y));
}

const INVPIO2 = 6.36619772367581382433e-1;
const PIO2_1 = 1.57079632673412561417;
const PIO2_1T = 6.07710050650619224932e-11;
const PIO2_2 = 6.07710050630396597660e-11;
const PIO2_2T = 2.02226624879595063154e-21;
const PIO2_3 = 2.02226624871116645580e-21;
const PIO2_3T = 8.47842766036889956997e-32;
const NPIO2_HW = [
  0x3ff921fb, 0x400921fb, 0x4012d97c, 0x401921fb, 0x401f6a7a, 0x4022d97c, 0x4025fdbb, 0x402921fb, 0x402c463a, 0x402f6a7a, 0x4031475c, 0x4032d97c,
  0x40346b9c, 0x4035fdbb, 0x40378fdb, 0x403921fb, 0x403ab41b, 0x403c463a, 0x403dd85a, 0x403f6a7a, 0x40407e4c, 0x4041475c, 0x4042106c, 0x4042d97c,
  0x4043a28c, 0x40446b9c, 0x404534ac, 0x4045fdbb, 0x4046c6cb, 0x40478fdb, 0x404858eb, 0x404921fb,
];

/** Reduced argument (head, tail) of the last {@link remPio2} call. */
const y = [0, 0];

/** x − n·π/2 into `y` (head, tail); returns n. Valid for |x| ≤ 2^19·π/2 (caller checks). */
function remPio2(x: number): number {
  const hx = highWord(x);
  const ix = hx & 0x7fffffff;
  if (ix < 0x4002d97c) {
    // |x| < 3π/4: n = ±1.
    if (hx > 0) {
      let z = x - PIO2_1;
      if (ix !== 0x3ff921fb) {
        y[0] = z - PIO2_1T;
        y[1] = z - y[0] - PIO2_1T;
      } else {
        z -= PIO2_2;
        y[0] = z - PIO2_2T;
        y[1] = z - y[0] - PIO2_2T;
      }
      return 1;
    }
    let z = x + PIO2_1;
    if (ix !== 0x3ff921fb) {
      y[0] = z + PIO2_1T;
      y[1] = z - y[0] + PIO2_1T;
    } else {
      z += PIO2_2;
      y[0] = z + PIO2_2T;
      y[1] = z - y[0] + PIO2_2T;
    }
    return -1;
  }
  const t0 = Math.abs(x);
  const n = (t0 * INVPIO2 + 0.5) | 0;
  const fn = n;
  let r = t0 - fn * PIO2_1;
  let w = fn * PIO2_1T;
  if (n < 32 && ix !== NPIO2_HW[n - 1]) {
    y[0] = r - w;
  } else {
    const j = ix >> 20;
    y[0] = r - w;
    let i = j - ((highWord(y[0]) >> 20) & 0x7ff);
    if (i > 16) {
      let t = r;
      w = fn * PIO2_2;
      r = t - w;
      w = fn * PIO2_2T - (t - r - w);
      y[0] = r - w;
      i = j - ((highWord(y[0]) >> 20) & 0x7ff);
      if (i > 49) {
        t = r;
        w = fn * PIO2_3;
        r = t - w;
        w = fn * PIO2_3T - (t - r - w);
        y[0] = r - w;
      }
    }
  }
  y[1] = r - y[0] - w;
  if (hx < 0) {
    y[0] = -y[0];
    y[1] = -y[1];
    return -n;
  }
  return n;
}

/** Largest |x| reduced here (high word 0x413921fb: 2^19·π/2). */
const MEDIUM = 0x413921fb;

/** sin(x), the same bits on every engine (see the module comment). */
export function sin(x: number): number {
  const ix = highWord(x) & 0x7fffffff;
  if (ix <= 0x3fe921fb) return kernelSin(x, 0, 0);
  if (ix >= 0x7ff00000) return x - x;
  if (ix > MEDIUM) return Math.sin(x);
  const n = remPio2(x);
  switch (n & 3) {
    case 0:
      return kernelSin(y[0], y[1], 1);
    case 1:
      return kernelCos(y[0], y[1]);
    case 2:
      return -kernelSin(y[0], y[1], 1);
    default:
      return -kernelCos(y[0], y[1]);
  }
}

/** cos(x), the same bits on every engine (see the module comment). */
export function cos(x: number): number {
  const ix = highWord(x) & 0x7fffffff;
  if (ix <= 0x3fe921fb) return kernelCos(x, 0);
  if (ix >= 0x7ff00000) return x - x;
  if (ix > MEDIUM) return Math.cos(x);
  const n = remPio2(x);
  switch (n & 3) {
    case 0:
      return kernelCos(y[0], y[1]);
    case 1:
      return -kernelSin(y[0], y[1], 1);
    case 2:
      return -kernelCos(y[0], y[1]);
    default:
      return kernelSin(y[0], y[1], 1);
  }
}

/**
 * sin(x) into o[0] and cos(x) into o[1]: the same bits as {@link sin} and {@link cos}, with one
 * argument reduction for both (what a Box–Muller pair needs).
 */
export function sinCos(x: number, o: Float64Array): void {
  const ix = highWord(x) & 0x7fffffff;
  if (ix <= 0x3fe921fb) {
    o[0] = kernelSin(x, 0, 0);
    o[1] = kernelCos(x, 0);
    return;
  }
  if (ix >= 0x7ff00000 || ix > MEDIUM) {
    o[0] = sin(x);
    o[1] = cos(x);
    return;
  }
  const n = remPio2(x);
  const s = kernelSin(y[0], y[1], 1);
  const c = kernelCos(y[0], y[1]);
  switch (n & 3) {
    case 0:
      o[0] = s;
      o[1] = c;
      return;
    case 1:
      o[0] = c;
      o[1] = -s;
      return;
    case 2:
      o[0] = -s;
      o[1] = -c;
      return;
    default:
      o[0] = -c;
      o[1] = s;
  }
}

const LN2_HI = 6.93147180369123816490e-1;
const LN2_LO = 1.90821492927058770002e-10;
const TWO54 = 1.80143985094819840000e16;
const LG1 = 6.666666666666735130e-1;
const LG2 = 3.999999999940941908e-1;
const LG3 = 2.857142874366239149e-1;
const LG4 = 2.222219843214978396e-1;
const LG5 = 1.818357216161805012e-1;
const LG6 = 1.531383769920937332e-1;
const LG7 = 1.479819860511658591e-1;

/**
 * Natural logarithm with the same bits on every engine: fdlibm's `__ieee754_log`, which V8 used
 * for Math.log up to V8 11 (Node 20); newer engines differ in the last bit for some arguments.
 */
export function log(x: number): number {
  f64[0] = x;
  let hx = u32[HI] | 0;
  const lx = u32[1 - HI];
  let k = 0;
  if (hx < 0x00100000) {
    // x < 2^−1022: zero, negative or subnormal.
    if (((hx & 0x7fffffff) | lx) === 0) return -Infinity;
    if (hx < 0) return NaN;
    k -= 54;
    x *= TWO54;
    hx = highWord(x);
  }
  if (hx >= 0x7ff00000) return x + x;
  k += (hx >> 20) - 1023;
  hx &= 0x000fffff;
  const i0 = (hx + 0x95f64) & 0x100000;
  // x or x/2 normalised into [√2/2, √2).
  f64[0] = x;
  u32[HI] = (hx | (i0 ^ 0x3ff00000)) >>> 0;
  x = f64[0];
  k += i0 >> 20;
  const f = x - 1;
  if ((0x000fffff & (2 + hx)) < 3) {
    // −2^−20 ≤ f < 2^−20.
    if (f === 0) {
      if (k === 0) return 0;
      return k * LN2_HI + k * LN2_LO;
    }
    const R = f * f * (0.5 - 0.33333333333333333 * f);
    if (k === 0) return f - R;
    return k * LN2_HI - (R - k * LN2_LO - f);
  }
  const s = f / (2 + f);
  const dk = k;
  const z = s * s;
  let i = hx - 0x6147a;
  const w = z * z;
  const j = 0x6b851 - hx;
  const t1 = w * (LG2 + w * (LG4 + w * LG6));
  const t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
  i |= j;
  const R = t2 + t1;
  if (i > 0) {
    const hfsq = 0.5 * f * f;
    if (k === 0) return f - (hfsq - s * (hfsq + R));
    return dk * LN2_HI - (hfsq - (s * (hfsq + R) + dk * LN2_LO) - f);
  }
  if (k === 0) return f - s * (f - R);
  return dk * LN2_HI - (s * (f - R) - dk * LN2_LO - f);
}

/**
 * x^n for an integer n ≥ 0 by binary exponentiation (square-and-multiply, low bits first): only
 * multiplications, so the same bits on every engine (Math.pow is not: engines use different
 * libms). Within a few ulp of the exact power for moderate n.
 */
export function powInt(x: number, n: number): number {
  let result = 1;
  let base = x;
  let e = n;
  while (e > 0) {
    if (e & 1) result *= base;
    e = Math.floor(e / 2);
    if (e > 0) base *= base;
  }
  return result;
}
