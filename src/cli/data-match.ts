/**
 * Matching user data to what a command expects, with one message style for every mismatch:
 * `<file>: <problem> (<what the model or the flag expects>)`.
 *
 * - {@link checkLabelColumn}: a label column that looks continuous (a feature picked as the label)
 *   is refused with a hint to use --label-column.
 * - {@link alignToModel}: features matched to the model's feature names (reordered when the file
 *   lists them in another order; missing or extra columns refused by name), classes matched by
 *   class name.
 * - {@link peekHeader} and {@link labelColumnForModel}: the label column of a file evaluated
 *   against a model, found as the one header column that is not a model feature.
 */
import { closeSync, openSync, readSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { readFileSync } from "node:fs";
import type { Dataset } from "../data/dataset.js";
import { isMissingWord } from "../data/csv.js";
import type { Model } from "../network/model.js";
import { placeholderNames, readsByPosition } from "../network/align.js";
import { InputError } from "../util/errors.js";
import { missingNamesHint } from "../util/nearest.js";

export { alignClasses, alignFeatures, alignToModel, placeholderNames, readsByPosition } from "../network/align.js";

const quoteList = (names: readonly string[], max = 8): string =>
  names.slice(0, max).map((n) => JSON.stringify(n)).join(", ") + (names.length > max ? `, … (${names.length} in all)` : "");

/** True when the data set's feature names are the CSV loader's placeholders for a file without a header ({@link placeholderNames}). */
export function hasPlaceholderNames(ds: Dataset): boolean {
  return placeholderNames(ds.featureNames);
}

/**
 * Refuses a label column that looks like a continuous feature: numeric labels of which more than
 * ten distinct values are not integers, or (with more than two classes) a class with a single row.
 * @param file the data file, named in the message.
 * @param given the --label-column value, or undefined for the default (last column).
 */
export function checkLabelColumn(ds: Dataset, file: string, given: string | number | undefined): void {
  // scikit-learn's raw iris.csv starts `150,4,setosa,versicolor,virginica`: row and feature counts,
  // then class names. With 5 fields like the rows it passes as a header; its counts give it away.
  if (!hasPlaceholderNames(ds) && ds.featureNames.length >= 2 && Number(ds.featureNames[0]) === ds.n && Number(ds.featureNames[1]) === ds.d) {
    throw new InputError(
      `${file}: the first line (${quoteList(ds.featureNames, 4)}) is metadata (${ds.n} rows, ${ds.d} features, as in scikit-learn's raw CSV files), not a header; pass --skip-rows 1 to ignore it (the columns are then named by their place, "column 1" … "column ${ds.d}", and the label is the last)`,
    );
  }
  const which = given === undefined ? "the label column (the last, by default)" : `label column ${JSON.stringify(String(given))}`;
  const hint = `a label names a class; ${given === undefined ? "give the label column with" : "check"} --label-column NAME|INDEX (feature columns now: ${quoteList(ds.featureNames, 6)})`;
  const values = ds.classNames.map(Number);
  const numeric = ds.classNames.every((c, i) => c.trim() !== "" && Number.isFinite(values[i]));
  const fractional = numeric ? values.filter((v) => !Number.isInteger(v)).length : 0;
  if (fractional > 10) {
    throw new InputError(`${file}: ${which} looks continuous (${ds.classNames.length} distinct values, ${fractional} of them not integers); ${hint}; or, to predict it as a real number, add --problem regression`);
  }
  if (ds.classNames.length > 2) {
    const counts = new Int32Array(ds.classNames.length);
    for (let r = 0; r < ds.n; r++) counts[ds.y[r]]++;
    const single = ds.classNames.filter((_, c) => counts[c] === 1);
    const missing = single.filter(isMissingWord);
    if (missing.length > 0) {
      throw new InputError(`${file}: ${which} holds ${JSON.stringify(missing[0])} on one row, a word for a missing label, as a class of its own: every row needs a label; remove the row or fill its label in`);
    }
    if (single.length > 0) {
      throw new InputError(
        `${file}: ${which} has ${single.length} class${single.length > 1 ? "es" : ""} with a single row (${quoteList(single, 4)} of ${ds.classNames.length} classes); every class needs at least 2 rows to train and test; ${hint}`,
      );
    }
  }
}

/**
 * Warnings about data that load and train but most likely mean something else (each one line,
 * naming the file and the column or classes):
 * - class names that differ only in letter case or spaces ("Setosa" and "setosa"): two classes
 *   where the user meant one, each scored as the other's error;
 * - a feature column that counts the rows (1, 2, 3, … or 0, 1, 2, … in file order): a row number
 *   or id, which a file sorted by class turns into the answer, and which new rows do not share;
 * - a feature column of one value on every row: no information, read as 0 whatever new rows hold;
 * - a class named by a word for a missing value (NA, null, ?, …): rows without a label, trained as
 *   a class of that name (a class may be called "none", so it is not refused).
 */
export function dataWarnings(ds: Dataset, file: string): string[] {
  const out: string[] = [];
  const groups = new Map<string, string[]>();
  for (const c of ds.classNames) {
    const key = c.trim().toLowerCase().replace(/\s+/g, " ");
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  const same = [...groups.values()].filter((g) => g.length > 1);
  if (same.length > 0 && ds.targets === undefined) {
    const counts = new Int32Array(ds.classNames.length);
    for (let r = 0; r < ds.n; r++) counts[ds.y[r]]++;
    const shown = same.slice(0, 3).map((g) => g.map((c) => `${JSON.stringify(c)} (${counts[ds.classNames.indexOf(c)]} rows)`).join(" and ")).join("; ");
    out.push(`${file}: the label column has classes that differ only in letter case or spaces: ${shown}; they are trained as different classes: if each group is one class, write its labels the same way`);
  }
  if (ds.targets === undefined) {
    const counts = new Int32Array(ds.classNames.length);
    for (let r = 0; r < ds.n; r++) counts[ds.y[r]]++;
    for (const [c, name] of ds.classNames.entries()) {
      if (!isMissingWord(name) || counts[c] === 0) continue;
      out.push(`${file}: the label column holds ${JSON.stringify(name)} on ${counts[c]} row${counts[c] > 1 ? "s" : ""}, a word for a missing label: ${counts[c] > 1 ? "they are" : "it is"} trained as a class of that name; if the labels are missing, remove ${counts[c] > 1 ? "those rows" : "the row"} or fill them in`);
    }
  }
  if (ds.n >= 2) {
    for (let j = 0; j < ds.d; j++) {
      const v = ds.x[j];
      let constant = true;
      for (let r = 1; r < ds.n && constant; r++) constant = ds.x[r * ds.d + j] === v;
      if (constant) {
        out.push(`${file}: feature column ${JSON.stringify(ds.featureNames[j])} holds one value (${v}) on every row: it carries no information, and the model reads it as 0 whatever its value in new rows; remove it unless that is meant`);
      }
    }
  }
  if (ds.n >= 10) {
    for (let j = 0; j < ds.d; j++) {
      const first = ds.x[j];
      if (first !== 0 && first !== 1) continue;
      let counts = true;
      for (let r = 1; r < ds.n && counts; r++) counts = ds.x[r * ds.d + j] === first + r;
      if (counts) {
        out.push(`${file}: feature column ${JSON.stringify(ds.featureNames[j])} holds ${first}, ${first + 1}, …, ${first + ds.n - 1} in file order: a row number or id, not a measurement; the model reads it as a feature (it learns the order of the file, and new rows do not share it): remove the column`);
      }
    }
  }
  return out;
}

/** Splits one CSV header line into trimmed cells (quotes removed); enough for header names. */
function splitHeader(line: string): string[] {
  const cells: string[] = [];
  let cur = "", quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      cells.push(cur.trim());
      cur = "";
    } else cur += ch;
  }
  cells.push(cur.trim());
  return cells;
}

/**
 * The header names of a CSV file (first non-blank line), or null when that line is all numbers
 * (no header) or the file cannot be read (the loader reports that).
 * @param header true: the first line is the header even when it is all numbers (--header yes);
 *   false: the file has no header (--header no); undefined: detected as above.
 */
export function peekHeader(path: string, skipRows = 0, header?: boolean): string[] | null {
  if (header === false) return null;
  const lines = peekLines(path, skipRows);
  const line = lines?.[0];
  if (line === undefined) return null;
  const cells = splitHeader(line);
  return header !== true && cells.every((c) => c !== "" && Number.isFinite(Number(c))) ? null : cells;
}

/**
 * True when the first line of a CSV file (after `skipRows`) is all numbers and holds every feature
 * name of the model: a header of numeric column names (years, wavelengths) the model was trained
 * with (--header yes), which the loader would otherwise read as a data row.
 */
export function numericHeaderOfModel(path: string, model: Model, skipRows = 0): boolean {
  const features = model.featureNames;
  if (!features || placeholderNames(features) || !features.every((f) => f !== "" && Number.isFinite(Number(f)))) return false;
  const line = peekLines(path, skipRows)?.[0];
  if (line === undefined) return false;
  const cells = splitHeader(line);
  const have = new Set(cells);
  return cells.every((c) => c !== "" && Number.isFinite(Number(c))) && features.every((f) => have.has(f));
}

/** The non-blank lines of the first MB of a CSV file after `skipRows` (null when it cannot be read). */
function peekLines(path: string, skipRows: number): string[] | null {
  let text: string;
  try {
    if (path.endsWith(".gz")) text = gunzipSync(readFileSync(path)).subarray(0, 1 << 20).toString("utf8");
    else {
      const fd = openSync(path, "r");
      try {
        const buf = Buffer.alloc(1 << 20);
        text = buf.subarray(0, readSync(fd, buf, 0, buf.length, 0)).toString("utf8");
      } finally {
        closeSync(fd);
      }
    }
  } catch {
    return null;
  }
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/).slice(skipRows).filter((l) => l.trim() !== "");
  // The last line of a cut-off first MB may be partial.
  if (text.length >= 1 << 20) lines.pop();
  return lines;
}

/**
 * The header columns among `columns` whose every value (in the first MB) is a class name of the
 * model: the label column(s) of a file evaluated against it.
 */
export function columnsOfClassNames(path: string, skipRows: number, header: string[], columns: string[], classNames: readonly string[]): string[] {
  const lines = peekLines(path, skipRows)?.slice(1) ?? [];
  if (lines.length === 0) return [];
  const names = new Set(classNames);
  const rows = lines.map(splitHeader);
  return columns.filter((c) => {
    const j = header.indexOf(c);
    return rows.every((r) => names.has(r[j] ?? ""));
  });
}

/**
 * The label column to read from a file evaluated against a model with feature names: the one
 * header column that is not a model feature. Undefined (the loader's default) when the model has
 * no feature names or the file no header.
 * @throws InputError when the header lacks model features or has several extra columns.
 */
export function labelColumnForModel(path: string, model: Model, modelFile: string, skipRows = 0, headerOption?: boolean): string | undefined {
  const features = model.featureNames;
  const header = peekHeader(path, skipRows, headerOption);
  // A one-cell header (a ';'- or tab-separated file) is left to the CSV loader, which names the
  // separator problem exactly as train does. A model trained on a file without a header reads
  // columns by position (its names are placeholders): the label is the loader's default.
  if (!features || !header || header.length < 2 || readsByPosition(features, header)) return undefined;
  const have = new Set(header);
  const missing = features.filter((f) => !have.has(f));
  const known = new Set(features);
  const extra = header.filter((h) => !known.has(h));
  if (missing.length > 0) {
    throw new InputError(`${path}: missing column${missing.length > 1 ? "s" : ""} ${quoteList(missing)} (the model ${modelFile} was trained on ${quoteList(features)})${missingNamesHint(missing, extra)}`);
  }
  if (extra.length === 1) return extra[0];
  if (extra.length === 0) throw new InputError(`${path}: no label column: every column is a feature of the model ${modelFile}; add the labels or give --label-column; to predict rows without labels, use dynaspin predict --model ${modelFile} --data ${path} --out PREDICTIONS.csv`);
  // Several columns the model does not read: name the one holding its class names as the label,
  // and the rest as extra columns to remove.
  const labels = columnsOfClassNames(path, skipRows, header, extra, model.classNames ?? []);
  if (labels.length === 1) {
    const others = extra.filter((c) => c !== labels[0]);
    throw new InputError(
      `${path}: extra column${others.length > 1 ? "s" : ""} ${quoteList(others)}: not ${others.length > 1 ? "features" : "a feature"} of the model ${modelFile} (trained on ${quoteList(features)}; labels in ${JSON.stringify(labels[0])}); remove ${others.length > 1 ? "them" : "it"}`,
    );
  }
  throw new InputError(
    `${path}: ${extra.length} columns are not features of the model ${modelFile}: ${quoteList(extra)}; the model reads ${quoteList(features)} and one label column: give it with --label-column and remove the others`,
  );
}
