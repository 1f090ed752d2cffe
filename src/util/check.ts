/**
 * The one validation module: every public entry point checks its inputs through these helpers,
 * so messages have one shape: `<where>: <what> must be <allowed> (got <value>)`.
 * Kernels never validate.
 */
import { InputError } from "./errors.js";

/** Formats a value for an error message, compactly. */
export function show(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "number") return Number.isNaN(v) ? "NaN" : String(v);
  if (v === undefined) return "nothing";
  try {
    const s = JSON.stringify(v);
    return s.length > 60 ? s.slice(0, 57) + "..." : s;
  } catch {
    return String(v);
  }
}

function where(name: string): string {
  return name;
}

/** Throws unless `v` is a finite number; returns it. */
export function finite(v: unknown, name: string): number {
  if (typeof v !== "number" || !Number.isFinite(v)) {
    throw new InputError(`${where(name)} must be a finite number (got ${show(v)})`);
  }
  return v;
}

/** Throws unless `v` is a finite number strictly greater than `min`. */
export function greaterThan(v: unknown, min: number, name: string): number {
  const x = finite(v, name);
  if (!(x > min)) throw new InputError(`${name} must be > ${min} (got ${show(x)})`);
  return x;
}

/** Throws unless `v` is a finite number with `min <= v <= max`. */
export function inRange(v: unknown, min: number, max: number, name: string): number {
  const x = finite(v, name);
  if (!(x >= min && x <= max)) throw new InputError(`${name} must be in [${min}, ${max}] (got ${show(x)})`);
  return x;
}

/** Throws unless `v` is an integer with `min <= v <= max`. */
export function integer(v: unknown, min: number, max: number, name: string): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in ${min}..${max}`;
    throw new InputError(`${name} must be an integer ${range} (got ${show(v)})`);
  }
  return v;
}

/** Throws unless `v` is one of `allowed`. */
export function oneOf<T extends string>(v: unknown, allowed: readonly T[], name: string): T {
  if (typeof v !== "string" || !(allowed as readonly string[]).includes(v)) {
    throw new InputError(`${name} must be one of ${allowed.join(", ")} (got ${show(v)})`);
  }
  return v as T;
}

/** Throws unless every element of an array-like is a finite number. */
export function finiteArray(v: ArrayLike<number>, name: string): void {
  for (let i = 0; i < v.length; i++) {
    if (!Number.isFinite(v[i])) throw new InputError(`${name}[${i}] must be a finite number (got ${show(v[i])})`);
  }
}

/** Throws unless `v` is a plain object (not null, not an array). */
export function object(v: unknown, name: string): Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    throw new InputError(`${name} must be an object (got ${show(v)})`);
  }
  return v as Record<string, unknown>;
}
