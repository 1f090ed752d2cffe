/**
 * Classical fourth-order Runge–Kutta step for the 3-vector LLG equation, renormalising m after the
 * step (the projection keeps |m| = 1 without lowering the order). Deterministic; global error
 * O(Δt⁴), measured in `test/physics/integrators.test.ts`. Units: Δt in s, rhs in 1/s.
 */

/** A right-hand side dm/dt = f(m) on 3-vectors (e.g. `LlgModel`). */
export interface VectorField {
  /** Writes f(m) into out; allocates nothing. */
  rhs(m: Float64Array, out: Float64Array): void;
}

/** Convergence order of {@link rk4Step} (global error ∝ Δt^order). */
export const RK4_ORDER = 4;

/** Scratch for {@link rk4Step}, allocated once per trajectory. */
export interface Rk4Workspace {
  k1: Float64Array;
  k2: Float64Array;
  k3: Float64Array;
  k4: Float64Array;
  tmp: Float64Array;
}

/** Allocates a workspace for {@link rk4Step}. */
export function rk4Workspace(): Rk4Workspace {
  return { k1: new Float64Array(3), k2: new Float64Array(3), k3: new Float64Array(3), k4: new Float64Array(3), tmp: new Float64Array(3) };
}

/**
 * Kernel: advances m (in place, length 3) by one RK4 step of size dt and renormalises it:
 * m ← normalise(m + dt/6 (k1 + 2k2 + 2k3 + k4)). Returns m.
 */
export function rk4Step(f: VectorField, m: Float64Array, dt: number, w: Rk4Workspace): Float64Array {
  const { k1, k2, k3, k4, tmp } = w;
  const h2 = 0.5 * dt;
  f.rhs(m, k1);
  tmp[0] = m[0] + h2 * k1[0];
  tmp[1] = m[1] + h2 * k1[1];
  tmp[2] = m[2] + h2 * k1[2];
  f.rhs(tmp, k2);
  tmp[0] = m[0] + h2 * k2[0];
  tmp[1] = m[1] + h2 * k2[1];
  tmp[2] = m[2] + h2 * k2[2];
  f.rhs(tmp, k3);
  tmp[0] = m[0] + dt * k3[0];
  tmp[1] = m[1] + dt * k3[1];
  tmp[2] = m[2] + dt * k3[2];
  f.rhs(tmp, k4);
  const h6 = dt / 6;
  const x = m[0] + h6 * (k1[0] + 2 * k2[0] + 2 * k3[0] + k4[0]);
  const y = m[1] + h6 * (k1[1] + 2 * k2[1] + 2 * k3[1] + k4[1]);
  const z = m[2] + h6 * (k1[2] + 2 * k2[2] + 2 * k3[2] + k4[2]);
  const inv = 1 / Math.sqrt(x * x + y * y + z * z);
  m[0] = x * inv;
  m[1] = y * inv;
  m[2] = z * inv;
  return m;
}
