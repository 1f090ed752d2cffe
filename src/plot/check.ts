/**
 * Plot-specific input checks, built on the shared validation module (src/util/check.ts) so every
 * message has the shape `<where>: <what> must be <allowed> (got <value>)`.
 */
import { InputError } from "../util/errors.js";
import { integer, show } from "../util/check.js";

/** Checks a chart size in px (integers in 40..10000); returns [width, height]. */
export function checkSize(width: unknown, height: unknown, where: string): [number, number] {
  return [integer(width, 40, 10000, `${where}: width`), integer(height, 40, 10000, `${where}: height`)];
}

/** Checks that `v` is an array or typed array of numbers (non-finite values allowed: they are gaps). */
export function numbers(v: unknown, name: string): ArrayLike<number> {
  const ok =
    (Array.isArray(v) && v.every((x) => typeof x === "number")) ||
    v instanceof Float64Array ||
    v instanceof Float32Array ||
    v instanceof Int32Array ||
    v instanceof Uint8Array ||
    v instanceof Uint16Array ||
    v instanceof Int16Array ||
    v instanceof Uint32Array ||
    v instanceof Int8Array;
  if (!ok) throw new TypeError(`${name} must be an array of numbers (got ${show(v)})`);
  return v as ArrayLike<number>;
}

/** Checks that two arrays have the same length. */
export function sameLength(a: ArrayLike<number>, b: ArrayLike<number>, nameA: string, nameB: string): void {
  if (a.length !== b.length) {
    throw new InputError(`${nameB} must have as many values as ${nameA} (${a.length}, got ${b.length})`);
  }
}

/** Checks an optional string option. */
export function optString(v: unknown, name: string): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== "string") throw new TypeError(`${name} must be a string (got ${show(v)})`);
  return v;
}

/** Checks an `#RRGGBB` colour. */
export function hexColor(v: unknown, name: string): string {
  if (typeof v !== "string" || !/^#[0-9A-Fa-f]{6}$/.test(v)) {
    throw new InputError(`${name} must be a colour like "#0072B2" (got ${show(v)})`);
  }
  return v;
}
