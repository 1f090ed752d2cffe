/**
 * Input feature transforms (TensorFlow Playground's X₁, X₂, X₁², X₂², X₁X₂, sin X₁, sin X₂, for any
 * number of data columns): a list of expressions over the raw columns x1..xd of a data set, each
 * of which drives one oscillator. The map is applied before the min–max normalisation to p(0), and
 * a model keeps it (`Model.featureMap`), so a saved model reads the raw columns.
 *
 * Grammar (whitespace ignored, case-insensitive; `·` `×` mean `*`, `²` `³` mean `^2` `^3`):
 *
 *     list    := entry ("," entry)*
 *     entry   := feature | preset
 *     feature := factor ("*" factor)*
 *     factor  := primary ("^" P)?                P an integer 1..9
 *     primary := "x" I                           column I, 1-based: x1 is the first feature column
 *              | NUMBER                          a constant, e.g. the 3 of sin(3*x1)
 *              | ("sin" | "cos") "(" feature ")"
 *     preset  := "linear"                        x1, …, xd
 *              | "quadratic"                     linear, then x1^2, …, xd^2, then xi*xj (i < j)
 *              | "playground"                    quadratic, then sin(x1), …, sin(xd)
 *
 * For two columns "playground" is TensorFlow Playground's seven inputs. Entries are written back
 * in a canonical form (`x1^2`, `x1*x2`, `sin(3*x1)`), which the model file stores; the same
 * feature twice is refused. sin and cos are fdlibm's (src/util/trig.ts) and powers are repeated
 * multiplications, so every JavaScript engine computes the same bits.
 *
 * Pure: no platform imports.
 */
import { sin, cos } from "../util/trig.js";
import { InputError } from "../util/errors.js";
import type { Dataset } from "./dataset.js";

/** A model's input feature map: `expressions[j]` (canonical form) drives oscillator j from a row of `columns` raw values. */
export interface FeatureMap {
  /** Number of raw data columns the map reads (the highest column used may be lower). */
  columns: number;
  /** One canonical expression per input oscillator (see the module comment for the grammar). */
  expressions: string[];
}

/** Names of the presets a feature list may contain. */
export const FEATURE_PRESETS = ["linear", "quadratic", "playground"] as const;

/** Highest power of a factor. */
const MAX_POWER = 9;

/** What an entry may be, for error messages. */
export const FEATURE_GRAMMAR_HINT =
  `allowed: xI (column I, 1-based), xI^P (P = 1..${MAX_POWER}), products such as x1*x2, sin(…), cos(…), numbers such as the 3 of sin(3*x1), or the presets ${FEATURE_PRESETS.join(", ")}`;

/** A parsed expression. */
type Node =
  | { kind: "col"; index: number }
  | { kind: "num"; value: number }
  | { kind: "pow"; base: Node; power: number }
  | { kind: "mul"; factors: Node[] }
  | { kind: "fn"; name: "sin" | "cos"; arg: Node };

/** Evaluates one feature of the row starting at `o` of a row-major matrix. */
export type FeatureFn = (x: Float64Array, o: number) => number;

class Parser {
  private i = 0;
  /**
   * @param fail throws the message of a malformed entry (with the grammar).
   * @param column throws the message of a column outside 1..columns.
   */
  constructor(private readonly s: string, private readonly fail: (why: string) => never, private readonly column: (index: number) => void) {}

  parse(): Node {
    const node = this.product();
    if (/^x\d/.test(this.s.slice(this.i))) this.fail(`write products with "*", e.g. x1*x2`);
    if (this.i < this.s.length) this.fail(`unexpected ${JSON.stringify(this.s.slice(this.i))}`);
    return node;
  }

  private product(): Node {
    const factors = [this.factor()];
    while (this.s[this.i] === "*") {
      this.i++;
      factors.push(this.factor());
    }
    return factors.length === 1 ? factors[0] : { kind: "mul", factors };
  }

  private factor(): Node {
    const base = this.primary();
    if (this.s[this.i] !== "^") return base;
    this.i++;
    const m = /^\d+/.exec(this.s.slice(this.i));
    if (m === null) this.fail(`"^" must be followed by an integer power 1..${MAX_POWER}`);
    this.i += m[0].length;
    const power = Number(m[0]);
    if (power < 1 || power > MAX_POWER) this.fail(`power ${m[0]} is outside 1..${MAX_POWER}`);
    return power === 1 ? base : { kind: "pow", base, power };
  }

  private primary(): Node {
    const rest = this.s.slice(this.i);
    let m = /^x(\d+)/.exec(rest);
    if (m !== null) {
      this.i += m[0].length;
      const index = Number(m[1]);
      this.column(index);
      return { kind: "col", index };
    }
    m = /^(sin|cos)\(/.exec(rest);
    if (m !== null) {
      this.i += m[0].length;
      const arg = this.product();
      if (this.s[this.i] !== ")") this.fail(`missing ")" after ${m[1]}(`);
      this.i++;
      return { kind: "fn", name: m[1] as "sin" | "cos", arg };
    }
    m = /^(\d+\.?\d*(e[+-]?\d+)?|\.\d+(e[+-]?\d+)?)/.exec(rest);
    if (m !== null) {
      this.i += m[0].length;
      return { kind: "num", value: Number(m[0]) };
    }
    m = /^([a-z_]\w*)\(/.exec(rest);
    if (m !== null) this.fail(`unknown function "${m[1]}" (sin and cos are offered)`);
    if (rest.startsWith("*")) this.fail(`"**" is not a power here; write x1^2`);
    m = /^[a-z_]\w*/.exec(rest);
    if (m !== null) this.fail(`unknown name "${m[0]}" (columns are x1, x2, …, numbered from 1)`);
    this.fail(rest === "" ? "an expression is missing" : `unexpected ${JSON.stringify(rest)}`);
  }
}

/** Canonical text of a node. */
function show(n: Node): string {
  switch (n.kind) {
    case "col":
      return `x${n.index}`;
    case "num":
      return String(n.value);
    case "pow":
      return `${n.base.kind === "mul" ? `(${show(n.base)})` : show(n.base)}^${n.power}`;
    case "mul":
      return n.factors.map(show).join("*");
    case "fn":
      return `${n.name}(${show(n.arg)})`;
  }
}

/** The highest column index a node reads. */
function maxColumn(n: Node): number {
  switch (n.kind) {
    case "col":
      return n.index;
    case "num":
      return 0;
    case "pow":
      return maxColumn(n.base);
    case "mul":
      return Math.max(...n.factors.map(maxColumn));
    case "fn":
      return maxColumn(n.arg);
  }
}

function compileNode(n: Node): FeatureFn {
  switch (n.kind) {
    case "col": {
      const j = n.index - 1;
      return (x, o) => x[o + j];
    }
    case "num": {
      const v = n.value;
      return () => v;
    }
    case "pow": {
      const f = compileNode(n.base), p = n.power;
      // Repeated multiplication, left to right: (x·x)·x… — the same bits on every engine.
      return (x, o) => {
        const b = f(x, o);
        let r = b;
        for (let e = 1; e < p; e++) r *= b;
        return r;
      };
    }
    case "mul": {
      const fs = n.factors.map(compileNode);
      return (x, o) => {
        let r = fs[0](x, o);
        for (let q = 1; q < fs.length; q++) r *= fs[q](x, o);
        return r;
      };
    }
    case "fn": {
      const f = compileNode(n.arg);
      return n.name === "sin" ? (x, o) => sin(f(x, o)) : (x, o) => cos(f(x, o));
    }
  }
}

/** Normalises the spelling of an entry: lower case, no spaces, ASCII operators. */
function tidy(entry: string): string {
  return entry.toLowerCase().replace(/\s+/g, "").replace(/[·×]/g, "*").replace(/²/g, "^2").replace(/³/g, "^3");
}

/** The expressions of a preset for `d` columns. */
function preset(name: (typeof FEATURE_PRESETS)[number], d: number): string[] {
  const cols = Array.from({ length: d }, (_, i) => `x${i + 1}`);
  if (name === "linear") return cols;
  const quadratic = [...cols, ...cols.map((c) => `${c}^2`)];
  for (let i = 0; i < d; i++) for (let j = i + 1; j < d; j++) quadratic.push(`${cols[i]}*${cols[j]}`);
  if (name === "quadratic") return quadratic;
  return [...quadratic, ...cols.map((c) => `sin(${c})`)];
}

/**
 * Parses a feature list for data of `columns` raw columns into a {@link FeatureMap} (presets
 * expanded, every entry in canonical form).
 * @param list entries as the user wrote them (e.g. `["x1", "x2", "x1^2", "x1*x2", "sin(x1)"]`), or
 *   one comma-separated string.
 * @param where prefix of error messages, e.g. "--features".
 * @throws InputError naming the entry, the problem and what is allowed, e.g.
 *   `--features: entry 3 "x3^2": column x3 does not exist (the data have 2 feature columns, x1..x2)`.
 * @example parseFeatureMap("x1,x2,x1^2,x1*x2,sin(x1)", 2).expressions // ["x1","x2","x1^2","x1*x2","sin(x1)"]
 */
export function parseFeatureMap(list: string | readonly string[], columns: number, where = "features"): FeatureMap {
  if (!Number.isInteger(columns) || columns < 1) throw new RangeError(`columns must be an integer >= 1 (got ${columns})`);
  const entries = typeof list === "string" ? list.split(",") : list.slice();
  if (entries.length === 0 || (entries.length === 1 && entries[0].trim() === "")) {
    throw new InputError(`${where}: the list is empty; give at least one feature (${FEATURE_GRAMMAR_HINT})`);
  }
  const expressions: string[] = [];
  const seen = new Map<string, number>();
  const cols = columns === 1 ? "x1" : `x1..x${columns}`;
  entries.forEach((raw, e) => {
    const label = `${where}: entry ${e + 1} ${JSON.stringify(raw.trim())}`;
    const text = tidy(raw);
    const fail = (why: string): never => {
      throw new InputError(`${label}: ${why}; ${FEATURE_GRAMMAR_HINT}`);
    };
    if (text === "") fail("empty entry");
    const found = (FEATURE_PRESETS as readonly string[]).includes(text) ? preset(text as (typeof FEATURE_PRESETS)[number], columns) : null;
    const column = (index: number): void => {
      if (index < 1) throw new InputError(`${label}: columns are numbered from 1 (x1 is the first feature column, as TensorFlow Playground's X1); the data have ${columns} feature column${columns > 1 ? "s" : ""}, ${cols}`);
      if (index > columns) throw new InputError(`${label}: column x${index} does not exist (the data have ${columns} feature column${columns > 1 ? "s" : ""}, ${cols})`);
    };
    for (const expr of found ?? [text]) {
      const node = new Parser(expr, fail, column).parse();
      if (maxColumn(node) === 0) throw new InputError(`${label}: a constant reads no column; every feature must use at least one of ${cols}`);
      const canonical = show(node);
      const before = seen.get(canonical);
      if (before !== undefined) throw new InputError(`${label}: ${canonical} is already entry ${before + 1}; give each feature once`);
      seen.set(canonical, e);
      expressions.push(canonical);
    }
  });
  return { columns, expressions };
}

/** Compiled maps by their text (parsing is cheap, but evaluation loops call this per chunk). */
const compiled = new Map<string, FeatureFn[]>();

/**
 * The evaluators of a feature map, one per expression (validated again: a hand-made or edited map
 * throws InputError), compiled once per distinct map.
 */
export function featureFunctions(map: FeatureMap): FeatureFn[] {
  const key = `${map.columns}|${map.expressions.join(",")}`;
  let fns = compiled.get(key);
  if (fns === undefined) {
    const bad = (why: string): never => {
      throw new InputError(`feature map: ${why}`);
    };
    // Validated again (a hand-made or edited map), then compiled from the canonical forms.
    fns = parseFeatureMap(map.expressions, map.columns, "feature map").expressions.map((e) => compileNode(new Parser(e, bad, () => undefined).parse()));
    if (compiled.size > 64) compiled.clear();
    compiled.set(key, fns);
  }
  return fns;
}

/**
 * Applies a feature map to a row-major matrix of `n` rows of `map.columns` raw values.
 * @returns n × expressions.length features, row-major (not normalised).
 */
export function applyFeatureMapArray(map: FeatureMap, x: Float64Array, n: number): Float64Array {
  const fns = featureFunctions(map);
  const d = fns.length, c = map.columns;
  const out = new Float64Array(n * d);
  for (let r = 0; r < n; r++) for (let j = 0; j < d; j++) out[r * d + j] = fns[j](x, r * c);
  return out;
}

/**
 * A data set with its columns replaced by the map's features (named by their expressions).
 * @throws InputError when the data set does not have `map.columns` columns.
 */
export function applyFeatureMap(map: FeatureMap, ds: Dataset): Dataset {
  if (ds.d !== map.columns) throw new InputError(`data have ${ds.d} feature columns, but the feature map reads ${map.columns}`);
  return { ...ds, x: applyFeatureMapArray(map, ds.x, ds.n), d: map.expressions.length, featureNames: map.expressions.slice() };
}
