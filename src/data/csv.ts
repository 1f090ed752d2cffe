/**
 * CSV data sets: numeric feature columns plus one label column (RFC 4180).
 *
 * Pure: imports nothing platform-specific, so it runs unchanged in the browser playground.
 * The parser makes one pass over the text and writes features straight into a Float64Array;
 * no per-row string arrays are kept for the whole file. Every user mistake throws an
 * {@link InputError} with a one-line message naming the file, the row and the column.
 *
 * Rows and columns in messages are 1-based, as a user sees them in an editor: a row number is the
 * line on which the record starts (the header, when present, is row 1).
 */
import { InputError } from "../util/errors.js";
import { missingNamesHint } from "../util/nearest.js";
import type { Dataset } from "./dataset.js";

/**
 * A data set loaded from CSV: the common {@link Dataset} shape. Notes specific to CSV: `x` may be a
 * view on a slightly larger buffer (`x.length === n*d` always; use `x.slice()` for a standalone
 * copy); feature names come from the header, or without one are "column N", N the column's 1-based place in the file (the label column skipped: "column 1", "column 2" with the label last); when every label is
 * a number the class names are sorted numerically and written canonically (`String(Number(cell))`,
 * so "01" and "1.0" are class "1"), otherwise they are the cells as written, sorted lexicographically.
 */
export type CsvDataset = Dataset;

/** Options of {@link parseCsvDataset}. */
export interface CsvOptions {
  /** Name of the source, used as the prefix of every error message (e.g. the file path). */
  file: string;
  /**
   * The label column: a header name, or a 0-based index where a negative index counts from the
   * end (-1 is the last column). A name implies the file has a header. A string holding an
   * integer ("3", "-1", as a command-line flag gives it) is an index unless the first row is a
   * header with a cell of exactly that name.
   * `null`: no label column — every column except {@link CsvOptions.idColumn} is a feature, and
   * the data set has no classes (`classNames` empty, `y` all 0): rows to predict, not to train on.
   * @default -1 (the last column)
   */
  labelColumn?: string | number | null;
  /**
   * A column that is neither a feature nor the label, read as text (trimmed unless quoted) into
   * the data set's `ids`, one per row: a sample id carried through to predictions. A header name
   * or a 0-based index (negative: from the end), as for `labelColumn`. @default none
   */
  idColumn?: string | number;
  /**
   * Whether the first row is a header. `"auto"`: it is a header iff one of its feature or label
   * cells is text (neither empty nor a number) while the second row's are numbers; more precisely,
   * iff the first row has more text cells (features and label; not the id) than the second, so
   * that a typo in row 2 is reported at row 2. A name given as `labelColumn` also means a header.
   * A first row of numbers is data, unless (classification) its label occurs in no other row
   * while every other class has 2 or more rows: such a file is refused (a header of numeric
   * column names, or a data row?) until `header` says which.
   * @default "auto"
   */
  header?: "auto" | boolean;
  /**
   * Lines at the top of the file to ignore before the header (or first record), e.g. 1 for
   * scikit-learn's raw iris.csv, whose first line `150,4,setosa,versicolor,virginica` is metadata.
   * Row numbers in messages stay the file's line numbers. @default 0
   */
  skipRows?: number;
  /**
   * "regression": the label column holds real targets (every cell a number, else an error naming
   * the row), returned as `targets` with `y` all zero and no classes. @default "classification"
   */
  problem?: "classification" | "regression";
}

/** Options of {@link parseCsvChunks}: {@link CsvOptions} plus a capacity hint. */
export interface CsvChunkOptions extends CsvOptions {
  /**
   * Upper bound on the number of records (e.g. the number of newlines + 1), used to allocate the
   * feature array once; the array grows by 1.5× if the hint is too small.
   * @default 1024
   */
  expectedRows?: number;
  /**
   * Total length of the text in characters, if known; bounds the first allocation together with
   * `expectedRows`. @default Infinity (unknown)
   */
  expectedChars?: number;
}

const COMMA = 44;
const QUOTE = 34;
const LF = 10;
const CR = 13;
const SPACE = 32;
const TAB = 9;
const MAX_SHOWN = 40;

/** Formats a cell for an error message: JSON-quoted (so it stays on one line), truncated. */
function quoteCell(v: string): string {
  const s = v.length > MAX_SHOWN ? v.slice(0, MAX_SHOWN - 3) + "..." : v;
  return JSON.stringify(s);
}

const NAN_WORDS = new Set(["nan", "+nan", "-nan"]);
const INF_WORDS = new Set(["inf", "+inf", "-inf", "infinity", "+infinity", "-infinity"]);

/**
 * Parses a numeric cell. Returns the number, or NaN when the cell is not a finite decimal
 * number (the caller then asks {@link numberProblem} why). Surrounding whitespace is tolerated;
 * `Number`'s extras (empty → 0, hex/octal/binary prefixes) are refused.
 */
function parseNumber(v: string): number {
  const x = Number(v);
  if (x - x !== 0) return NaN; // NaN or ±Infinity
  // Number("") and Number("  ") are 0; Number("0x1f") is 31: refuse both.
  let i = 0;
  const L = v.length;
  while (i < L) {
    const c = v.charCodeAt(i);
    if (c !== SPACE && c !== TAB) break;
    i++;
  }
  if (i === L) return NaN;
  if (v.charCodeAt(i) === 48 /* 0 */ && i + 1 < L) {
    const c = v.charCodeAt(i + 1) | 32;
    if (c === 120 /* x */ || c === 111 /* o */ || c === 98 /* b */) return NaN;
  }
  return x;
}

/** Exact powers of ten 10^0..10^22 (every one is a float64 without rounding). */
const POW10 = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));

/** Where the last successful {@link fastNumber} stopped (the delimiter after the cell). */
let fastEnd = 0;

/**
 * Fast path for the common unquoted cell `[ws][+-]digits[.digits][e[+-]digits][ws]` starting at
 * `s[i]` and ending at a comma, a line break or the end of `s`, with at most 15 digits and a
 * decimal exponent within ±22: then the mantissa and the power of ten are exact float64s and one
 * multiplication or division rounds correctly, so the result is bit-identical to `Number(cell)`
 * (Clinger's fast path). On success sets {@link fastEnd} to the delimiter's position; returns NaN
 * when the cell is anything else (the caller then takes the general path).
 */
function fastNumber(s: string, i: number, L: number): number {
  let c = s.charCodeAt(i);
  while (c === SPACE || c === TAB) c = s.charCodeAt(++i);
  let neg = false;
  if (c === 45 /* - */) {
    neg = true;
    c = s.charCodeAt(++i);
  } else if (c === 43 /* + */) {
    c = s.charCodeAt(++i);
  }
  let mant = 0;
  let digits = 0;
  let frac = 0;
  while (c >= 48 && c <= 57) {
    mant = mant * 10 + (c - 48);
    digits++;
    c = s.charCodeAt(++i);
  }
  if (c === 46 /* . */) {
    c = s.charCodeAt(++i);
    while (c >= 48 && c <= 57) {
      mant = mant * 10 + (c - 48);
      digits++;
      frac++;
      c = s.charCodeAt(++i);
    }
  }
  if (digits === 0 || digits > 15) return NaN;
  let exp = 0;
  if ((c | 32) === 101 /* e */) {
    c = s.charCodeAt(++i);
    let eneg = false;
    if (c === 45 || c === 43) {
      eneg = c === 45;
      c = s.charCodeAt(++i);
    }
    let ed = 0;
    while (c >= 48 && c <= 57) {
      exp = exp * 10 + (c - 48);
      ed++;
      c = s.charCodeAt(++i);
    }
    if (ed === 0 || ed > 4) return NaN;
    if (eneg) exp = -exp;
  }
  while (c === SPACE || c === TAB) c = s.charCodeAt(++i);
  // charCodeAt past the end is NaN, which matches none of the tests above.
  if (i < L && c !== COMMA && c !== LF && c !== CR) return NaN;
  const e10 = exp - frac;
  let v: number;
  if (e10 === 0) v = mant;
  else if (e10 > 0 && e10 <= 22) v = mant * POW10[e10]!;
  else if (e10 < 0 && e10 >= -22) v = mant / POW10[-e10]!;
  else return NaN;
  fastEnd = i;
  return neg ? -v : v;
}

/** Cells that spreadsheets, R and pandas write for a missing value. */
const MISSING_WORDS = new Set(["", "na", "n/a", "null", "none", "missing", "?", "-", "nil", "#n/a"]);

/** True when a cell is a word for a missing value ("", NA, N/A, null, ?, …; case and spaces ignored). */
export function isMissingWord(v: string): boolean {
  return MISSING_WORDS.has(v.trim().toLowerCase());
}

/** Explains why {@link parseNumber} refused `v`. */
function numberProblem(v: string, what = "feature"): string {
  const t = v.trim().toLowerCase();
  if (MISSING_WORDS.has(t)) return `missing value (got ${quoteCell(v)}): every ${what} needs a number in every row; remove the row or fill the value in`;
  if (NAN_WORDS.has(t)) return `NaN is not allowed (got ${quoteCell(v)})`;
  if (INF_WORDS.has(t) || Math.abs(Number(v)) === Infinity) {
    return `non-finite values are not allowed (got ${quoteCell(v)})`;
  }
  return `expected a number (got ${quoteCell(v)})`;
}

/** True when `v` is meant as a number, even an invalid one (NaN, inf): used by header detection. */
function numberLike(v: string): boolean {
  if (!Number.isNaN(parseNumber(v))) return true;
  const t = v.trim().toLowerCase();
  return NAN_WORDS.has(t) || INF_WORDS.has(t) || Math.abs(Number(v)) === Infinity;
}

/** "1 field", "3 fields". */
function fields(n: number): string {
  return n === 1 ? "1 field" : `${n} fields`;
}

/** A record collected as strings (only the first two records, for header detection). */
interface PendingRow {
  line: number;
  cells: string[];
  quoted: boolean[];
}

/**
 * The streaming parser. Chunks must end at a record boundary (after a newline outside quotes)
 * except the last; state (row numbers, columns, classes, arrays) carries over between chunks.
 */
class CsvParser {
  private readonly file: string;
  private readonly labelOption: string | number;
  private readonly headerOption: "auto" | boolean;
  /** Line number (1-based) where the next record starts. */
  private line = 1;
  /** Lines still to skip at the top of the file (options.skipRows). */
  private toSkip = 0;
  private first = true;
  private pending: PendingRow[] = [];
  /** Number of columns per record (known after the first record). */
  private m = -1;
  private labelCol = -1;
  /** No label column (options.labelColumn null). */
  private readonly noLabel: boolean;
  private readonly idOption: string | number | undefined;
  /** The id column (-1: none). */
  private idCol = -1;
  /** The id column's text, one per record. */
  private ids: string[] = [];
  /** Feature index of each column (-1: the label or the id column). */
  private fx = new Int32Array(0);
  private d = 0;
  private names: string[] = [];
  private hasHeader = false;
  private ready = false;
  private n = 0;
  private x: Float64Array;
  private y: Int32Array;
  /** Regression: the label column's real targets (else null). */
  private t: Float64Array | null;
  /** Rows the arrays can hold. */
  private cap = 0;
  private readonly rowsHint: number;
  private readonly charsHint: number;
  /** Label string → provisional class id (first-seen order). */
  private labels = new Map<string, number>();
  private labelList: string[] = [];
  // Per-record scratch, reused.
  private recordLine = 1;
  /** Line of the first record (the header when there is one). */
  private firstLine = 1;
  /** Whether the caller named the label column (else it is the last one). */
  private readonly labelGiven: boolean;

  constructor(options: CsvChunkOptions) {
    this.file = options.file;
    this.noLabel = options.labelColumn === null;
    this.labelOption = options.labelColumn ?? -1;
    this.labelGiven = options.labelColumn !== undefined;
    this.idOption = options.idColumn;
    if (this.idOption !== undefined && typeof this.idOption !== "string" && !Number.isInteger(this.idOption)) {
      throw new InputError(`${this.file}: id column must be an integer index or a header name (got ${JSON.stringify(this.idOption)})`);
    }
    this.headerOption = options.header ?? "auto";
    if (typeof this.labelOption === "number" && !Number.isInteger(this.labelOption)) {
      throw new InputError(`${this.file}: label column must be an integer index or a header name (got ${this.labelOption})`);
    }
    if (this.headerOption !== "auto" && this.headerOption !== true && this.headerOption !== false) {
      throw new InputError(`${this.file}: header must be "auto", true or false (got ${JSON.stringify(this.headerOption)})`);
    }
    const skip = options.skipRows ?? 0;
    if (!Number.isInteger(skip) || skip < 0) throw new InputError(`${this.file}: skip rows must be an integer >= 0 (got ${JSON.stringify(skip)})`);
    this.toSkip = skip;
    this.rowsHint = options.expectedRows ?? 1024;
    this.charsHint = options.expectedChars ?? Infinity;
    this.x = new Float64Array(0);
    this.y = new Int32Array(0);
    if (options.problem !== undefined && options.problem !== "classification" && options.problem !== "regression") {
      throw new InputError(`${this.file}: problem must be "classification" or "regression" (got ${JSON.stringify(options.problem)})`);
    }
    this.t = options.problem === "regression" ? new Float64Array(0) : null;
  }

  private fail(msg: string): never {
    throw new InputError(`${this.file}: ${msg}`);
  }

  /**
   * A hint for text in a feature column of the first record: with the label column left to its
   * default (the last column), a column that is text from its first value is most likely the label;
   * with the label column given, it is a column to remove (an ID, a name).
   */
  private labelHint(col: number, v: string): string {
    if (this.n > 0 || numberLike(v) || MISSING_WORDS.has(v.trim().toLowerCase())) return "";
    // The label column was given: a text column besides it (an ID, a machine name) is no feature.
    if (this.labelGiven) return `; every column but the label must hold numbers: if column ${col + 1} is no feature (an ID, a name, a unit, a comment), remove it`;
    const name = this.hasHeader ? this.names[col] : undefined;
    const arg = name !== undefined && name !== "" ? (/^[\w.-]+$/.test(name) ? name : JSON.stringify(name)) : String(col);
    return `; the label is the last column unless named: if column ${col + 1} holds the labels, pass --label-column ${arg} (option labelColumn); if it is no feature (a unit, an ID, a comment), remove it: every column but the label must hold numbers`;
  }

  private where(col: number): string {
    // Without a header a column has no name beyond its number: "row 7, column 3 (the label)".
    if (!this.hasHeader) return `row ${this.recordLine}, column ${col + 1}${col === this.labelCol ? " (the label)" : col === this.idCol ? " (the id)" : ""}`;
    return `row ${this.recordLine}, column ${col + 1} (${quoteCell(this.names[col] ?? "")})`;
  }

  /** Parses one chunk of complete records (the last chunk may end without a newline). */
  push(s: string): void {
    let p = 0;
    if (this.first && s.length > 0) {
      this.first = false;
      if (s.charCodeAt(0) === 0xfeff) p = 1;
    }
    const L = s.length;
    while (p < L) {
      if (this.toSkip > 0) {
        // A skipped line is dropped whole (quotes are not interpreted), blank or not.
        const e = s.indexOf("\n", p);
        p = e < 0 ? L : e + 1;
        this.line++;
        this.toSkip--;
        continue;
      }
      const c0 = s.charCodeAt(p);
      // Blank lines (empty or only spaces and tabs) are skipped anywhere: they can never be a
      // valid record, which has at least two fields.
      if (c0 === SPACE || c0 === TAB) {
        let q = p + 1;
        while (q < L && (s.charCodeAt(q) === SPACE || s.charCodeAt(q) === TAB)) q++;
        if (q === L) break;
        const c = s.charCodeAt(q);
        if (c === LF || c === CR) {
          p = q;
          continue;
        }
      }
      if (c0 === LF) {
        this.line++;
        p++;
        continue;
      }
      if (c0 === CR) {
        this.line++;
        p += p + 1 < L && s.charCodeAt(p + 1) === LF ? 2 : 1;
        continue;
      }
      p = this.record(s, p);
    }
  }

  /** Parses one record starting at `p`; returns the position after its line break. */
  private record(s: string, p: number): number {
    const L = s.length;
    this.recordLine = this.line;
    const collecting = !this.ready;
    const row: PendingRow | null = collecting ? { line: this.line, cells: [], quoted: [] } : null;
    if (!collecting) this.reserve();
    let col = 0;
    for (;;) {
      let cell: string;
      let quoted = false;
      // Spaces before an opening quote are tolerated (`1, "cat"`).
      let q0 = p;
      while (q0 < L && (s.charCodeAt(q0) === SPACE || s.charCodeAt(q0) === TAB)) q0++;
      if (q0 < L && s.charCodeAt(q0) === QUOTE) {
        p = q0;
        quoted = true;
        const startLine = this.line;
        let q = p + 1;
        let parts: string | null = null;
        let from = q;
        for (;;) {
          const e = s.indexOf('"', q);
          // Count the lines the quoted field spans, so later row numbers match the editor.
          const stop = e < 0 ? L : e;
          for (let i = q; i < stop; i++) {
            const ch = s.charCodeAt(i);
            if (ch === LF || (ch === CR && s.charCodeAt(i + 1) !== LF)) this.line++;
          }
          if (e < 0) {
            this.fail(`row ${startLine}, column ${col + 1}: unterminated quoted field (the quote opened on row ${startLine} is never closed)`);
          }
          if (e + 1 < L && s.charCodeAt(e + 1) === QUOTE) {
            parts = (parts ?? "") + s.slice(from, e + 1);
            q = e + 2;
            from = q;
            continue;
          }
          cell = parts === null ? s.slice(from, e) : parts + s.slice(from, e);
          p = e + 1;
          break;
        }
        // Only spaces or tabs may follow the closing quote before the delimiter.
        while (p < L) {
          const ch = s.charCodeAt(p);
          if (ch !== SPACE && ch !== TAB) break;
          p++;
        }
        if (p < L) {
          const ch = s.charCodeAt(p);
          if (ch !== COMMA && ch !== LF && ch !== CR) {
            this.fail(`row ${this.recordLine}, column ${col + 1}: unexpected ${quoteCell(s[p]!)} after a closing quote; expected a comma or the end of the row`);
          }
        }
      } else {
        const start = p;
        if (row === null && col < this.m && this.fx[col] >= 0) {
          // Hot path: most cells are plain decimals; parse them in one scan, without a substring.
          const x = fastNumber(s, p, L);
          if (x === x) {
            this.x[this.n * this.d + this.fx[col]] = x;
            p = fastEnd;
            if (p < L && s.charCodeAt(p) === COMMA) {
              p++;
              col++;
              continue;
            }
            break;
          }
        }
        while (p < L) {
          const ch = s.charCodeAt(p);
          if (ch === COMMA || ch === LF || ch === CR) break;
          if (ch === QUOTE) {
            this.fail(`row ${this.recordLine}, column ${col + 1}: quote inside an unquoted field; quote the whole field and double inner quotes ("")`);
          }
          p++;
        }
        cell = s.slice(start, p);
      }
      if (row !== null) {
        row.cells.push(cell);
        row.quoted.push(quoted);
      } else {
        if (col >= this.m) this.ragged(s, p, col + 1);
        this.cell(col, cell, quoted);
      }
      if (p < L && s.charCodeAt(p) === COMMA) {
        p++;
        col++;
        continue;
      }
      break;
    }
    // End of record: consume the line break.
    if (p < L) {
      p += s.charCodeAt(p) === CR && p + 1 < L && s.charCodeAt(p + 1) === LF ? 2 : 1;
    }
    this.line++;
    if (row !== null) {
      this.pending.push(row);
      if (this.pending.length === 2) this.start();
    } else {
      if (col + 1 !== this.m) this.fail(`row ${this.recordLine} has ${fields(col + 1)}, expected ${this.m}`);
      this.n++;
    }
    return p;
  }

  /** Counts the remaining fields of a too-long record and throws the ragged-row error. */
  private ragged(s: string, p: number, seen: number): never {
    let count = seen;
    let inQuote = false;
    for (let i = p; i < s.length; i++) {
      const ch = s.charCodeAt(i);
      if (ch === QUOTE) inQuote = !inQuote;
      else if (!inQuote && ch === COMMA) count++;
      else if (!inQuote && (ch === LF || ch === CR)) break;
    }
    this.fail(`row ${this.recordLine} has ${fields(count)}, expected ${this.m}`);
  }

  /** Makes room for one more record (grows the arrays by 1.5× when full). */
  private reserve(): void {
    if (this.n < this.cap) return;
    const cap = Math.max(16, Math.ceil(this.cap * 1.5));
    const x = new Float64Array(cap * this.d);
    x.set(this.x.subarray(0, this.n * this.d));
    const y = new Int32Array(cap);
    y.set(this.y.subarray(0, this.n));
    this.x = x;
    this.y = y;
    if (this.t !== null) {
      const t = new Float64Array(cap);
      t.set(this.t.subarray(0, this.n));
      this.t = t;
    }
    this.cap = cap;
  }

  /** Stores one cell of a data record. */
  private cell(col: number, v: string, quoted: boolean): void {
    if (col === this.idCol) {
      this.ids[this.n] = quoted ? v : v.trim();
      return;
    }
    if (col === this.labelCol && this.t !== null) {
      const t = parseNumber(v);
      if (t !== t) this.fail(`${this.where(col)}: the target of a regression must be a number: ${numberProblem(v, "target")}`);
      this.t[this.n] = t;
      return;
    }
    if (col === this.labelCol) {
      const key = quoted ? v : v.trim();
      if (key.length === 0) this.fail(`${this.where(col)}: empty label`);
      let id = this.labels.get(key);
      if (id === undefined) {
        id = this.labelList.length;
        this.labels.set(key, id);
        this.labelList.push(key);
      }
      this.y[this.n] = id;
      return;
    }
    const x = parseNumber(v);
    if (x !== x) this.fail(`${this.where(col)}: ${numberProblem(v)}${this.labelHint(col, v)}`);
    this.x[this.n * this.d + this.fx[col]] = x;
  }

  /** Resolves columns, header and label once the first two records (or all of them) are known. */
  private start(): void {
    const rows = this.pending;
    this.pending = [];
    const first = rows[0]!;
    if (first.cells.some((c) => c.includes("\u0000"))) this.fail("looks like a binary file, not CSV text");
    const m = first.cells.length;
    this.m = m;
    let label = this.labelOption;
    // "3" or "-1" (as a command-line flag gives it) is an index unless a header cell has that name.
    if (typeof label === "string" && /^[+-]?\d+$/.test(label.trim())) {
      const name = label;
      const at = first.cells.findIndex((c, i) => (first.quoted[i] ? c : c.trim()) === name);
      const looksLikeHeader = first.cells.some((c, i) => i !== at && c.trim().length > 0 && !numberLike(c));
      const named = at >= 0 && (this.headerOption === true || (this.headerOption === "auto" && looksLikeHeader));
      if (!named) label = Number(label.trim());
    }
    // The id column, resolved the same way (a numeric string is an index unless a header cell has that name).
    let id = this.idOption;
    if (typeof id === "string" && /^[+-]?\d+$/.test(id.trim())) {
      const name = id;
      const at = first.cells.findIndex((c, i) => (first.quoted[i] ? c : c.trim()) === name);
      const looksLikeHeader = first.cells.some((c, i) => i !== at && c.trim().length > 0 && !numberLike(c));
      if (!(at >= 0 && (this.headerOption === true || (this.headerOption === "auto" && looksLikeHeader)))) id = Number(id.trim());
    }
    if (typeof id === "number") {
      if (id < -m || id >= m) this.fail(`id column ${id} is out of range: the file has ${m} column${m === 1 ? "" : "s"} (allowed ${-m}..${m - 1}, or a header name)`);
      this.idCol = id < 0 ? m + id : id;
    }
    let header: boolean;
    if (this.noLabel) {
      this.labelCol = -1;
      if (typeof id === "string") {
        if (this.headerOption === false) this.fail(`id column ${quoteCell(id)} is given by name, but header is false; give a 0-based column index instead`);
        header = true;
      } else if (this.headerOption === "auto") {
        const textual = (row: PendingRow | undefined): number => (row === undefined ? 0 : row.cells.filter((v, i) => i !== this.idCol && v.trim().length > 0 && !numberLike(v)).length);
        header = textual(first) > textual(rows[1]);
      } else {
        header = this.headerOption;
      }
    } else if (typeof label === "string") {
      if (this.headerOption === false) {
        this.fail(`label column ${quoteCell(label)} is given by name, but header is false; give a 0-based column index instead`);
      }
      header = true;
    } else {
      if (label < -m || label >= m) {
        this.fail(`label column ${label} is out of range: the file has ${m} column${m === 1 ? "" : "s"} (allowed ${-m}..${m - 1}, or a header name)`);
      }
      this.labelCol = label < 0 ? m + label : label;
      if (this.headerOption === "auto") {
        // Count text cells (neither empty nor number-like) among the feature and label cells of
        // each row: a label cell counts too, so a header of numbers over numeric features with a
        // text label name ("10,20,30,label" over "0.5,1.2,3.3,2") is a header.
        const textual = (row: PendingRow | undefined): number => {
          let count = 0;
          if (row === undefined) return 0;
          for (let i = 0; i < row.cells.length; i++) {
            const v = row.cells[i]!;
            if (i !== this.idCol && v.trim().length > 0 && !numberLike(v)) count++;
          }
          return count;
        };
        // A header has more text cells than the row below it (normally: some vs none), so a
        // typo in row 2 is reported at row 2 rather than turning the header into data. Text
        // labels count in both rows alike.
        header = textual(first) > textual(rows[1]);
      } else {
        header = this.headerOption;
      }
      if (typeof id === "string") {
        if (this.headerOption === false) this.fail(`id column ${quoteCell(id)} is given by name, but header is false; give a 0-based column index instead`);
        header = true;
      }
    }
    const trimmed = first.cells.map((c, i) => (first.quoted[i] ? c : c.trim()));
    if (typeof id === "string") {
      const hits = trimmed.flatMap((c, i) => (c === id ? [i] : []));
      if (hits.length === 0) {
        this.fail(`no column named ${quoteCell(id)} (the id column); the header has ${trimmed.slice(0, 20).map(quoteCell).join(", ")}${m > 20 ? `, ... (${m} columns)` : ""}${missingNamesHint([id], trimmed, "the header")}`);
      }
      if (hits.length > 1) this.fail(`id column name ${quoteCell(id)} is ambiguous: columns ${hits.map((h) => h + 1).join(" and ")} have it`);
      this.idCol = hits[0]!;
    }
    if (!this.noLabel && typeof label === "string") {
      const hits: number[] = [];
      trimmed.forEach((c, i) => {
        if (c === label) hits.push(i);
      });
      if (hits.length === 0) {
        const shown = trimmed.slice(0, 20).map(quoteCell).join(", ");
        this.fail(`no column named ${quoteCell(label)}; the header has ${shown}${m > 20 ? `, ... (${m} columns)` : ""}${missingNamesHint([label], trimmed, "the header")}`);
      }
      if (hits.length > 1) {
        this.fail(`label column name ${quoteCell(label)} is ambiguous: columns ${hits.map((h) => h + 1).join(" and ")} have it`);
      }
      this.labelCol = hits[0]!;
    }
    if (this.idCol >= 0 && this.idCol === this.labelCol) this.fail(`the id column and the label column are the same (column ${this.idCol + 1}); give different columns`);
    const nonFeatures = (this.labelCol >= 0 ? 1 : 0) + (this.idCol >= 0 ? 1 : 0);
    if (this.noLabel && m > nonFeatures) {
      // At least one feature column: fine (a one-column file of one feature needs no check).
    } else if (this.noLabel && m <= nonFeatures) {
      this.fail(`no feature columns: each row has only the id column`);
    } else if (m < 2) {
      const cell = first.cells[0]!;
      const sep = cell.includes(";") ? "';'" : cell.includes("\t") ? "tabs" : null;
      this.fail(
        sep !== null
          ? `row ${first.line} has a single field but contains ${sep}: dynaspin reads comma-separated files; convert the separators to commas`
          : `no feature columns: each row has a single field (the label); expected numeric feature columns and one label column`,
      );
    }
    this.hasHeader = header;
    this.firstLine = first.line;
    if (m - nonFeatures < 1) this.fail(`no feature columns: each row has only ${this.noLabel ? "the id column" : "the label and id columns"}`);
    this.d = m - nonFeatures;
    this.fx = new Int32Array(m);
    for (let i = 0, j = 0; i < m; i++) this.fx[i] = i === this.labelCol || i === this.idCol ? -1 : j++;
    this.names = header ? trimmed : [];
    // A model matches columns by name: two feature columns of one name would train a model its own
    // reader refuses (duplicate feature name) and make eval/predict take one column for the other.
    if (header) {
      const seen = new Map<string, number>();
      for (let i = 0; i < m; i++) {
        if (this.fx[i] < 0) continue;
        const was = seen.get(trimmed[i]!);
        if (was !== undefined) {
          this.recordLine = first.line;
          this.fail(`row ${first.line}: columns ${was + 1} and ${i + 1} are both named ${quoteCell(trimmed[i]!)}; feature columns need distinct names (models match columns by name): rename one`);
        }
        seen.set(trimmed[i]!, i);
      }
    }
    if (!header) {
      // Named by their place in the file (1-based, as in messages and editors), so a model file
      // says which column it reads: "column 1", "column 2", … (the label column is skipped).
      for (let i = 0; i < m; i++) this.names.push(i === this.labelCol ? "label" : i === this.idCol ? "id" : `column ${i + 1}`);
    }
    // A record of m fields takes at least m characters, so the text bounds the row count even
    // when it is mostly blank lines.
    const cap = Math.max(1, Math.min(this.rowsHint, Math.floor(this.charsHint / m) + 1, 1 << 28));
    this.x = new Float64Array(cap * this.d);
    this.y = new Int32Array(cap);
    if (this.t !== null) this.t = new Float64Array(cap);
    this.cap = cap;
    this.ready = true;
    // Field counts first (row 2 before row 1's cells): a metadata first line shows up as a count
    // mismatch, which says more than "expected a number" about a text cell of row 1.
    for (let r = 1; r < rows.length; r++) {
      const row = rows[r]!;
      if (row.cells.length === m) continue;
      this.recordLine = row.line;
      // Row 2 disagreeing with the first line is the mark of a metadata first line
      // (scikit-learn's raw wine.csv: `178,13,class_0,class_1,class_2`, then 14 fields a row).
      this.fail(
        `row ${row.line} has ${fields(row.cells.length)}, expected ${m}: the first line (row ${first.line}) has ${m} field${m === 1 ? "" : "s"} and the next ${row.cells.length}; ` +
          `if the first line is not the header, remove it or pass --skip-rows ${first.line} (option skipRows)`,
      );
    }
    for (let r = header ? 1 : 0; r < rows.length; r++) {
      const row = rows[r]!;
      this.recordLine = row.line;
      this.reserve();
      for (let c = 0; c < m; c++) this.cell(c, row.cells[c]!, row.quoted[c]!);
      this.n++;
    }
  }

  /**
   * A header whose cells are all numbers (years, wavelengths as column names) cannot be told from
   * data by its cells. Its label cell gives it away: with header detection left to "auto", a first
   * row read as data whose label occurs in no other row, while every other class has at least 2
   * rows, is refused, and the caller says which it is (header true or false).
   */
  private checkNumericHeader(labelColumn: number): void {
    if (this.headerOption !== "auto" || this.hasHeader || this.n < 3) return;
    const counts = new Int32Array(this.labelList.length);
    for (let r = 0; r < this.n; r++) counts[this.y[r]!]++;
    const first = this.y[0]!;
    if (counts[first] !== 1 || counts.some((c, i) => i !== first && c < 2)) return;
    this.fail(
      `row ${this.firstLine}: its label ${quoteCell(this.labelList[first]!)} (column ${labelColumn}) occurs in no other row, while every other class has 2 or more: ` +
        `is row ${this.firstLine} a header of numeric column names? Its feature cells are numbers, so it was read as data; ` +
        `pass --header yes (option header: true) if it names the columns, --header no (option header: false) if it is a data row`,
    );
  }

  /** Finishes parsing: validates the classes and returns the data set. */
  finish(): CsvDataset {
    if (!this.ready) {
      if (this.pending.length === 0) this.fail("empty file");
      this.start();
    }
    if (this.n === 0) this.fail("no data rows (only a header)");
    const featureNames = this.names.filter((_, i) => this.fx[i] >= 0);
    const ids = this.idCol >= 0 ? { ids: this.ids.slice(0, this.n) } : {};
    if (this.noLabel) {
      const n = this.n;
      return { x: this.x.length === n * this.d ? this.x : this.x.subarray(0, n * this.d), y: new Int32Array(n), n, d: this.d, featureNames, classNames: [], ...ids };
    }
    if (this.t !== null) {
      const n = this.n;
      return {
        x: this.x.length === n * this.d ? this.x : this.x.subarray(0, n * this.d),
        y: new Int32Array(n),
        n,
        d: this.d,
        featureNames,
        classNames: [],
        targets: this.t.slice(0, n),
        targetNames: [this.hasHeader ? this.names[this.labelCol]! : "target"],
        ...ids,
      };
    }
    const labelColumn = this.labelCol + 1;
    const raw = this.labelList;
    let numeric = true;
    const values = new Float64Array(raw.length);
    for (let i = 0; i < raw.length; i++) {
      values[i] = parseNumber(raw[i]!);
      if (values[i] !== values[i]) {
        numeric = false;
        break;
      }
    }
    // Map provisional ids (first-seen order) to sorted class indices.
    const remap = new Int32Array(raw.length);
    let classNames: string[];
    if (numeric) {
      const distinct = Array.from(new Set(values)).sort((a, b) => a - b);
      const index = new Map<number, number>();
      distinct.forEach((v, i) => index.set(v, i));
      for (let i = 0; i < raw.length; i++) remap[i] = index.get(values[i]!)!;
      classNames = distinct.map((v) => String(v));
    } else {
      classNames = raw.slice().sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      const index = new Map<string, number>();
      classNames.forEach((v, i) => index.set(v, i));
      for (let i = 0; i < raw.length; i++) remap[i] = index.get(raw[i]!)!;
    }
    if (classNames.length < 2) {
      this.fail(`only one class (${quoteCell(classNames[0] ?? "")}) in column ${labelColumn}; need at least 2`);
    }
    const n = this.n;
    this.checkNumericHeader(labelColumn);
    const y = this.y.length === n ? this.y : this.y.slice(0, n);
    for (let r = 0; r < n; r++) y[r] = remap[y[r]!]!;
    const x = this.x.length === n * this.d ? this.x : this.x.subarray(0, n * this.d);
    return {
      x,
      y,
      n,
      d: this.d,
      featureNames,
      classNames,
      ...ids,
    };
  }
}

/** Counts line feeds in `s` (an upper bound on records, minus one). */
function countNewlines(s: string): number {
  let count = 0;
  for (let i = s.indexOf("\n"); i >= 0; i = s.indexOf("\n", i + 1)) count++;
  return count;
}

/**
 * Parses a CSV data set: numeric feature columns and one label column (integer or string).
 *
 * RFC 4180: quoted fields with `""` escapes and embedded commas or newlines, CRLF or LF line
 * ends, a UTF-8 byte-order mark, blank lines (ignored). Whitespace around unquoted cells is
 * ignored; NaN and infinite values are refused.
 *
 * @example
 * parseCsvDataset("a,b,class\n1,2,cat\n3,4,dog\n", { file: "pets.csv" })
 * // → { n: 2, d: 2, x: [1, 2, 3, 4], y: [0, 1], featureNames: ["a", "b"], classNames: ["cat", "dog"] }
 * @throws InputError `pets.csv: row 3, column 2 ("b"): expected a number (got "x")`, ragged rows
 *   (a second row that disagrees with the first line gets a --skip-rows hint),
 *   a single class, an unterminated quote, an unknown label column, an empty file.
 */
export function parseCsvDataset(text: string, options: CsvOptions): CsvDataset {
  return parseCsvChunks([text], { ...options, expectedRows: countNewlines(text) + 1, expectedChars: text.length });
}

/**
 * Parses a CSV data set given as consecutive chunks of text, each ending at a record boundary
 * (right after a newline that is outside quotes), except the last. Used by the Node loader to
 * read files larger than the longest string a JavaScript engine allows.
 * Same format and errors as {@link parseCsvDataset}.
 */
export function parseCsvChunks(chunks: Iterable<string>, options: CsvChunkOptions): CsvDataset {
  if (options === null || typeof options !== "object" || typeof options.file !== "string") {
    throw new InputError("parseCsvDataset: options.file must be a string naming the source");
  }
  const parser = new CsvParser(options);
  for (const chunk of chunks) parser.push(chunk);
  return parser.finish();
}

/**
 * A text cell as CSV: quoted (with `""` escapes) when RFC 4180 or this parser's whitespace trimming
 * requires it — empty, a quote, comma or line break, leading or trailing whitespace, a leading
 * byte-order mark — else as it is. A number written with `String(x)` never needs it.
 */
export function csvCell(v: string): string {
  if (v.length === 0 || /[",\r\n]/.test(v) || v.trim() !== v || v.charCodeAt(0) === 0xfeff) {
    return '"' + v.replace(/"/g, '""') + '"';
  }
  return v;
}

/**
 * A model's predictions as CSV: a header (`row` when `rows` is given, the feature names,
 * `labelName`, `predicted`), then one row per sample with its row number in the data file
 * (`rows[r] + 1`: 1 is the file's first data row, so the output joins back to the input), its
 * features, its label (a class name or a real target, as text) and the prediction, LF line ends.
 * Numbers are written with `String(x)` (exact float64 round trip). The row column is called
 * `data_row` when a feature is called `row`.
 * @example formatPredictionsCsv({ x: Float64Array.of(1, 2), n: 1, d: 2, featureNames: ["a", "b"] }, "price", ["3"], ["2.5"], [4]) // → "row,a,b,price,predicted\n5,1,2,3,2.5\n"
 */
export function formatPredictionsCsv(ds: Pick<CsvDataset, "x" | "n" | "d" | "featureNames">, labelName: string, labels: readonly string[], predicted: readonly string[], rows?: ArrayLike<number>): string {
  const rowName = ds.featureNames.includes("row") || labelName === "row" ? "data_row" : "row";
  const parts: string[] = [[...(rows ? [rowName] : []), ...ds.featureNames, labelName, "predicted"].map(csvCell).join(",") + "\n"];
  for (let r = 0; r < ds.n; r++) {
    let line = rows ? `${rows[r] + 1},` : "";
    for (let j = 0; j < ds.d; j++) line += String(ds.x[r * ds.d + j]) + ",";
    parts.push(line + csvCell(labels[r]!) + "," + csvCell(predicted[r]!) + "\n");
  }
  return parts.join("");
}

/**
 * A CSV table: the header (cells quoted where RFC 4180 needs it, {@link csvCell}), then `n` lines
 * that `line(r)` gives already formatted (text cells through {@link csvCell}, numbers as `String(x)`),
 * called once per row in order; LF line ends.
 * @example formatCsvLines(["row", "predicted"], 1, (r) => `${r + 1},${csvCell("a,b")}`) // → 'row,predicted\n1,"a,b"\n'
 */
export function formatCsvLines(header: readonly string[], n: number, line: (r: number) => string): string {
  // Lines joined a block at a time: a line built by concatenation is a tree of pieces until joined,
  // so a block's flat text holds far less memory than a million unjoined lines.
  const parts: string[] = [header.map(csvCell).join(",") + "\n"];
  const block: string[] = new Array<string>(Math.min(n, CSV_BLOCK));
  for (let r0 = 0; r0 < n; r0 += CSV_BLOCK) {
    const nb = Math.min(CSV_BLOCK, n - r0);
    block.length = nb;
    for (let b = 0; b < nb; b++) block[b] = line(r0 + b);
    parts.push(block.join("\n") + "\n");
  }
  return parts.join("");
}

/** Lines per block of {@link formatCsvLines}. */
const CSV_BLOCK = 4096;

/**
 * Writes a data set as CSV (inverse of {@link parseCsvDataset}): a header row (the feature names,
 * then `label`), then one row per sample with the features and the class name last, LF line ends.
 * Numbers are written with `String(x)`, which round-trips float64 exactly.
 *
 * @param labelName header of the label column. @default "label"
 * @example
 * formatCsvDataset({ x: Float64Array.of(1, 2), y: Int32Array.of(0), n: 1, d: 2,
 *   featureNames: ["a", "b"], classNames: ["cat"] }) // → "a,b,label\n1,2,cat\n"
 */
export function formatCsvDataset(ds: CsvDataset, labelName = "label"): string {
  const parts: string[] = [];
  parts.push([...ds.featureNames, labelName].map(csvCell).join(",") + "\n");
  const cls = ds.classNames.map(csvCell);
  for (let r = 0; r < ds.n; r++) {
    let line = "";
    for (let j = 0; j < ds.d; j++) line += String(ds.x[r * ds.d + j]) + ",";
    parts.push(line + cls[ds.y[r]!] + "\n");
  }
  return parts.join("");
}
