/**
 * Magnetometric demagnetising factors of a uniformly magnetised circular cylinder (a nanopillar
 * free layer), SI geometry in metres. Nx = Ny = (1 − Nz)/2 and Nx + Ny + Nz = 1.
 *
 * Derivation (Fourier-space shape amplitude, as in Beleggia & De Graef, JMMM 263 (2003) L1):
 * with radius R, thickness d and τ = d/R,
 *
 *   Nz(τ) = (2/τ) ∫₀^∞ J1(x)² (1 − e^{−τx}) / x² dx
 *         = (2/τ) [ 4/(3π) − ∫₀^∞ J1(x)² e^{−τx} / x² dx ],
 *
 * which tends to 1 for a thin film (τ → 0) and to 0 for a long rod (τ → ∞).
 */

/**
 * Bessel function of the first kind of order one, J1(x), for real x.
 * Power series for |x| < 12 and the Hankel asymptotic expansion (Abramowitz & Stegun 9.2.5–9.2.10)
 * beyond (truncated at its smallest term); absolute error below 1e-10 everywhere, ample for the
 * demagnetising integral whose integrand carries a further 1/x² factor.
 * @example besselJ1(1) // 0.44005058574493355
 */
export function besselJ1(x: number): number {
  const ax = Math.abs(x);
  let r: number;
  if (ax < 12) {
    // Σ (−1)^k (x/2)^{2k+1} / (k! (k+1)!)
    const h = ax / 2;
    const h2 = h * h;
    let term = h;
    let sum = h;
    for (let k = 1; k < 60; k++) {
      term *= -h2 / (k * (k + 1));
      sum += term;
      if (Math.abs(term) < 1e-17 * Math.abs(sum)) break;
    }
    r = sum;
  } else {
    // μ = 4ν² = 4; P and Q asymptotic series in 1/(8x).
    const mu = 4;
    const z = 8 * ax;
    let P = 1;
    let Q = 0;
    let t = 1;
    for (let k = 1; k < 30; k++) {
      const odd = 2 * k - 1;
      const next = (t * (mu - odd * odd)) / (k * z);
      if (Math.abs(next) < 1e-17 || Math.abs(next) > Math.abs(t)) break;
      t = next;
      // k odd contributes to Q with sign (+,−,+...) by (k−1)/2; k even to P with sign (−,+,...) by k/2.
      if (k % 2 === 1) Q += ((k - 1) / 2) % 2 === 0 ? t : -t;
      else P += (k / 2) % 2 === 1 ? -t : t;
    }
    const chi = ax - 0.75 * Math.PI;
    r = Math.sqrt(2 / (Math.PI * ax)) * (P * Math.cos(chi) - Q * Math.sin(chi));
  }
  return x < 0 ? -r : r;
}

/** Demagnetising factors (dimensionless), Nx + Ny + Nz = 1. */
export interface DemagFactors {
  /** Demagnetising factor along x (in the film plane), dimensionless. */
  Nx: number;
  /** Demagnetising factor along y (in the film plane), dimensionless. */
  Ny: number;
  /** Demagnetising factor along z (the film normal), dimensionless; Nx + Ny + Nz = 1. */
  Nz: number;
}

/**
 * Demagnetising factors of a cylinder with its axis along z (the film normal).
 * @param diameter cylinder diameter, in m (> 0).
 * @param thickness cylinder height, in m (> 0).
 * @returns Nx = Ny = (1 − Nz)/2 and Nz from the Bessel integral above (relative error ≲ 1e-9).
 * @example cylinderDemag(200e-9, 200e-9).Nz // ≈ 0.3116 (height = diameter)
 */
export function cylinderDemag(diameter: number, thickness: number): DemagFactors {
  const tau = thickness / (diameter / 2);
  // ∫ J1² e^{−τx}/x² dx by composite Simpson on [0, X]; the integrand is smooth, ≤ 1/4 and decays
  // at least like e^{−τx}/x³, so the tail beyond X is below 1e-12.
  const X = Math.min(Math.max(60, 40 / tau), 4000);
  const n = 2 * Math.ceil(X / 0.02 / 2);
  const h = X / n;
  const f = (x: number): number => {
    if (x === 0) return 0.25;
    const j = besselJ1(x);
    return (j * j * Math.exp(-tau * x)) / (x * x);
  };
  let s = f(0) + f(X);
  for (let i = 1; i < n; i++) s += (i % 2 === 1 ? 4 : 2) * f(i * h);
  const integral = (s * h) / 3;
  const tail = X >= 4000 ? 1 / (2 * Math.PI * X * X) : 0;
  const Nz = (2 / tau) * (4 / (3 * Math.PI) - integral - tail);
  const Nx = (1 - Nz) / 2;
  return { Nx, Ny: Nx, Nz };
}
