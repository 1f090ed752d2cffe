/**
 * A small, strict argv parser: every command declares its flags, unknown flags and bad values are
 * one-line errors (exit 2) that name the flag and what is allowed.
 */
import { InputError } from "../util/errors.js";
import { nearestName } from "../util/nearest.js";

/** Kind of value a flag takes. */
export type FlagType = "string" | "number" | "integer" | "boolean";

/** Declaration of one flag. */
export interface FlagSpec {
  /** Long name without dashes, e.g. "steps" for --steps. */
  name: string;
  type: FlagType;
  /**
   * One-line description for --help, with the unit. A fixed default goes in `default`, not here:
   * the help and docs/cli.md print it from there. Only a default that depends on other flags or
   * on the task is written in words ("default: the task's").
   */
  help: string;
  /**
   * The value the command uses when the flag is absent, declared once: `--help` and docs/cli.md
   * print it as "(default X)", and the command reads it through {@link Flags.numberOrDefault} /
   * {@link Flags.stringOrDefault}. Must satisfy the flag's own type, range and choices (tested).
   */
  default?: number | string;
  /** Value placeholder in help, e.g. "N" or "FILE". */
  value?: string;
  /** May be given more than once; values collect into an array. @default false */
  repeatable?: boolean;
  /** Smallest allowed number (number/integer flags). */
  min?: number;
  /** Largest allowed number (number/integer flags). */
  max?: number;
  /** Allowed string values. */
  choices?: readonly string[];
  /** Single-letter alias, e.g. "o". */
  short?: string;
}

/** Parsed flags: name → value (arrays for repeatable flags), plus positional arguments. */
export interface ParsedArgs {
  flags: Record<string, string | number | boolean | Array<string | number>>;
  positional: string[];
}

function convert(spec: FlagSpec, raw: string): string | number {
  const flag = `--${spec.name}`;
  if (spec.type === "string") {
    if (spec.choices && !spec.choices.includes(raw)) {
      throw new InputError(`${flag} must be one of ${spec.choices.join(", ")} (got ${JSON.stringify(raw)})`);
    }
    return raw;
  }
  const x = raw.trim() === "" ? NaN : Number(raw);
  const kind = spec.type === "integer" ? "an integer" : "a number";
  if (!Number.isFinite(x) || (spec.type === "integer" && !Number.isInteger(x))) {
    throw new InputError(`${flag} must be ${kind}${rangeText(spec)} (got ${JSON.stringify(raw)})`);
  }
  if ((spec.min !== undefined && x < spec.min) || (spec.max !== undefined && x > spec.max)) {
    throw new InputError(`${flag} must be ${kind}${rangeText(spec)} (got ${raw})`);
  }
  return x;
}

function rangeText(spec: FlagSpec): string {
  if (spec.min !== undefined && spec.max !== undefined) return ` in ${spec.min}..${spec.max}`;
  if (spec.min !== undefined) return ` >= ${spec.min}`;
  if (spec.max !== undefined) return ` <= ${spec.max}`;
  return "";
}

/**
 * Parses argv against the declared flags. Accepts `--flag value`, `--flag=value`, `-x value`,
 * boolean `--flag` / `--no-flag`, and `--` to end flags.
 * @throws InputError for an unknown flag, a missing value, or a value outside the allowed set.
 */
export function parseArgs(argv: readonly string[], specs: readonly FlagSpec[], command: string): ParsedArgs {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const byShort = new Map(specs.filter((s) => s.short).map((s) => [s.short as string, s]));
  const flags: ParsedArgs["flags"] = {};
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--") {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith("-") || arg === "-" || /^-\d/.test(arg)) {
      positional.push(arg);
      continue;
    }
    let name: string;
    let inline: string | undefined;
    let spec: FlagSpec | undefined;
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
      inline = eq >= 0 ? arg.slice(eq + 1) : undefined;
      spec = byName.get(name);
      if (!spec && name.startsWith("no-") && byName.get(name.slice(3))?.type === "boolean" && inline === undefined) {
        flags[name.slice(3)] = false;
        continue;
      }
    } else {
      name = arg.slice(1);
      spec = byShort.get(name);
    }
    if (!spec) {
      const known = specs.map((s) => `--${s.name}`).join(", ");
      const near = arg.startsWith("--") ? nearestFlag(name, specs.map((s) => s.name)) : null;
      throw new InputError(`${command}: unknown flag ${arg.split("=")[0]}${near ? ` (did you mean --${near}?)` : ""} (allowed: ${known}; see dynaspin ${command} --help)`);
    }
    if (spec.type === "boolean") {
      if (inline !== undefined && inline !== "true" && inline !== "false") {
        throw new InputError(`--${spec.name} takes no value or true/false (got ${JSON.stringify(inline)})`);
      }
      flags[spec.name] = inline !== "false";
      continue;
    }
    let raw = inline;
    if (raw === undefined) {
      if (i + 1 >= argv.length || (argv[i + 1].startsWith("--") && argv[i + 1].length > 2)) {
        throw new InputError(`--${spec.name} needs a value (${spec.value ?? spec.type})`);
      }
      raw = argv[++i];
    }
    const value = convert(spec, raw);
    if (spec.repeatable) {
      const prev = flags[spec.name];
      flags[spec.name] = Array.isArray(prev) ? [...prev, value] : [value];
    } else {
      if (spec.name in flags) throw new InputError(`--${spec.name} given twice`);
      flags[spec.name] = value;
    }
  }
  return { flags, positional };
}

/** The help text of one flag: its description, then "(default X)" from its declared default. */
export function flagHelp(spec: FlagSpec): string {
  return spec.default === undefined ? spec.help : `${spec.help} (default ${spec.default})`;
}

/**
 * Checks a declared default against the flag's own rules (type, range, choices), as if a user had
 * typed it. Returns the converted value.
 * @throws InputError when the declaration is inconsistent.
 */
export function checkDefault(spec: FlagSpec): string | number | undefined {
  if (spec.default === undefined) return undefined;
  if (spec.type === "boolean") throw new InputError(`--${spec.name}: a boolean flag has no declared default (it is false unless given)`);
  return convert(spec, String(spec.default));
}

/** Formats the help text of a command. */
export function formatHelp(command: string, summary: string, usage: string, specs: readonly FlagSpec[]): string {
  const rows = specs.map((s) => {
    const left = `  ${s.short ? `-${s.short}, ` : ""}--${s.name}${s.type === "boolean" ? "" : ` ${s.value ?? s.type.toUpperCase()}`}`;
    return `${left.padEnd(30)} ${flagHelp(s)}`;
  });
  return `dynaspin ${command} — ${summary}\n\nUsage: ${usage}\n\nOptions:\n${rows.join("\n")}\n`;
}

/** Typed accessors over {@link ParsedArgs.flags}, with the declared defaults of the flags. */
export class Flags {
  private readonly defaults: Map<string, string | number>;
  /**
   * @param parsed what {@link parseArgs} returned.
   * @param specs the declarations it parsed against (for their defaults).
   */
  constructor(
    private readonly parsed: ParsedArgs,
    specs: readonly FlagSpec[] = [],
  ) {
    this.defaults = new Map(specs.flatMap((s) => (s.default === undefined ? [] : [[s.name, s.default] as const])));
  }
  /** The declared default of a flag. @throws Error when the flag declares none (a programming error). */
  defaultOf(name: string): string | number {
    const d = this.defaults.get(name);
    if (d === undefined) throw new Error(`flag --${name} has no declared default`);
    return d;
  }
  /** The number given, else the flag's declared default. */
  numberOrDefault(name: string): number {
    const v = this.number(name);
    if (v !== undefined) return v;
    const d = this.defaultOf(name);
    if (typeof d !== "number") throw new Error(`flag --${name} declares a non-numeric default`);
    return d;
  }
  /** The string given, else the flag's declared default. */
  stringOrDefault(name: string): string {
    return this.string(name) ?? String(this.defaultOf(name));
  }
  has(name: string): boolean {
    return name in this.parsed.flags;
  }
  string(name: string): string | undefined {
    const v = this.parsed.flags[name];
    return typeof v === "string" ? v : undefined;
  }
  number(name: string): number | undefined {
    const v = this.parsed.flags[name];
    return typeof v === "number" ? v : undefined;
  }
  boolean(name: string): boolean {
    return this.parsed.flags[name] === true;
  }
  list(name: string): Array<string | number> {
    const v = this.parsed.flags[name];
    return Array.isArray(v) ? v : v === undefined ? [] : [v as string | number];
  }
  get positional(): string[] {
    return this.parsed.positional;
  }
}

/**
 * The declared flag a mistyped one most likely meant ({@link nearestName}: edit distance at most 2
 * and under half the name's length, no guess between two equally close names).
 * @example nearestFlag("epoch", ["epochs", "steps"]) // "epochs"; nearestFlag("stpes", ["steps"]) // "steps"
 */
export function nearestFlag(name: string, names: readonly string[]): string | null {
  return nearestName(name, names);
}
