/**
 * Physical constants in SI units, CODATA 2018 values (exact where the 2019 SI redefinition made
 * them exact). Every quantity in `src/physics` is SI unless a name says otherwise.
 */

/** Vacuum permeability μ0, in T·m/A (N/A²). CODATA 2018: 1.25663706212e-6. */
export const MU0 = 1.25663706212e-6;
/** Reduced Planck constant ħ, in J·s (exact). */
export const HBAR = 1.054571817e-34;
/** Elementary charge e, in C (exact). */
export const ELEMENTARY_CHARGE = 1.602176634e-19;
/** Bohr magneton μB, in J/T. CODATA 2018: 9.2740100783e-24. */
export const BOHR_MAGNETON = 9.2740100783e-24;
/** Boltzmann constant kB, in J/K (exact). */
export const BOLTZMANN = 1.380649e-23;
/**
 * Electron gyromagnetic ratio |γe| = g·μB/ħ with g = 2.00231930436, in rad/(s·T).
 * CODATA 2018: 1.76085963023e11. Used as the default γ of the free layer.
 */
export const GAMMA_ELECTRON = 1.76085963023e11;
