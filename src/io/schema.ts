/**
 * Shared zod glue for dynaspin's JSON file formats: turns the first zod issue into the house
 * one-line message naming the file and the JSON field path, e.g.
 * `model.json: A[2][0][5]: expected a finite number (got null)` or
 * `model.json: unknown field "weights" (allowed: format, version, ...)`.
 * Pure (no platform imports), so the browser playground validates files the same way.
 */
import type { z } from "zod";
import { InputError } from "../util/errors.js";
import { show as showFull } from "../util/check.js";

/** Per-format wording for {@link checkSchema}'s messages, keyed by field path ("" = top level). */
export interface SchemaHints {
  /** What a missing required field should hold, e.g. `{ k: "an integer >= 1" }`. */
  missing?: Record<string, string>;
  /** Allowed keys of strict objects, listed when an unknown key is refused. */
  allowed?: Record<string, readonly string[]>;
  /** What a union field expects, e.g. `{ device: 'a device object or an array of them' }`. */
  unions?: Record<string, string>;
}

/** Formats a value for a message, compactly (long strings are cut so the message stays short). */
export function brief(v: unknown): string {
  if (typeof v === "string" && v.length > 40) return JSON.stringify(v.slice(0, 37) + "...");
  return showFull(v);
}

/**
 * A JSON field path as users write it.
 * @example jsonPath(["A", 2, 0, 5]) // → "A[2][0][5]"; jsonPath(["normalization", "min"]) // → "normalization.min"
 */
export function jsonPath(path: readonly PropertyKey[]): string {
  let s = "";
  for (const p of path) {
    if (typeof p === "number") s += `[${p}]`;
    else s += (s.length > 0 ? "." : "") + String(p);
  }
  return s;
}

const EXPECTED: Record<string, string> = {
  number: "a finite number",
  int: "an integer",
  array: "an array",
  string: "a string",
  boolean: "true or false",
  object: "an object",
  record: "an object",
};

/** Turns one zod issue into a one-line message (without the file prefix). */
export function issueMessage(issue: z.core.$ZodIssue, hints: SchemaHints = {}): string {
  const path = jsonPath(issue.path);
  const at = path.length > 0 ? `${path}: ` : "";
  const input = (issue as { input?: unknown }).input;
  const missing = input === undefined && typeof issue.path[issue.path.length - 1] === "string";
  switch (issue.code) {
    case "invalid_type": {
      const expected = EXPECTED[issue.expected] ?? issue.expected;
      if (missing) return `missing field ${path} (expected ${hints.missing?.[path] ?? expected})`;
      // zod reports a non-finite number with input null and received "Infinity"/"NaN".
      const received = (issue as { received?: unknown }).received;
      const got = typeof received === "string" && input === null ? received : brief(input);
      return `${at}expected ${expected} (got ${got})`;
    }
    case "too_small": {
      const min = String(issue.minimum);
      if (issue.origin === "array") return `${path} must have at least ${min} entr${min === "1" ? "y" : "ies"} (got ${Array.isArray(input) ? input.length : brief(input)})`;
      if (issue.origin === "string") return `${path} must not be empty`;
      return `${path} must be ${issue.origin === "int" ? "an integer " : ""}>${issue.inclusive === false ? "" : "="} ${min} (got ${brief(input)})`;
    }
    case "too_big": {
      const max = String(issue.maximum);
      if (issue.origin === "array") return `${path} must have at most ${max} entries`;
      return `${path} must be <${issue.inclusive === false ? "" : "="} ${max} (got ${brief(input)})`;
    }
    case "unrecognized_keys": {
      const allowed = hints.allowed?.[path] ?? [];
      const keys = issue.keys.slice(0, 5).map(brief).join(", ") + (issue.keys.length > 5 ? `, ... (${issue.keys.length})` : "");
      return `${at}unknown field${issue.keys.length > 1 ? "s" : ""} ${keys}` + (allowed.length > 0 ? ` (allowed: ${allowed.join(", ")})` : "");
    }
    case "invalid_union": {
      const expected = hints.unions?.[path] ?? hints.missing?.[path] ?? "another kind of value";
      if (missing) return `missing field ${path} (expected ${hints.missing?.[path] ?? expected})`;
      return `${at}expected ${expected} (got ${brief(input)})`;
    }
    case "invalid_value":
      return `${at}must be ${issue.values.map((v) => brief(v)).join(" or ")} (got ${brief(input)})`;
    default:
      return `${at}${issue.message}`;
  }
}

/**
 * Validates `value` against `schema`; on failure throws an {@link InputError}
 * `<file>: <message for the first issue>`.
 * @example checkSchema(z.strictObject({ k: z.int() }), { k: 1.5 }, "m.json") // throws "m.json: k: expected an integer (got 1.5)"
 */
export function checkSchema<S extends z.ZodType>(schema: S, value: unknown, file: string, hints: SchemaHints = {}): z.output<S> {
  const r = schema.safeParse(value, { reportInput: true });
  if (!r.success) throw new InputError(`${file}: ${issueMessage(r.error.issues[0]!, hints)}`);
  return r.data;
}
