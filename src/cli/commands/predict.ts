/**
 * `dynaspin predict`: a saved model applied to new rows that have no label — one prediction per
 * row of the file, in file order, with the row's number (and an id column, when named) so the
 * output joins back to the input; class probabilities on request; regression models give their
 * values in the targets' units. The output is written atomically (a temporary file, then rename).
 */
import { driveCheck } from "./eval.js";
import type { Command, CommandIO } from "../command.js";
import type { Flags } from "../args.js";
import { readModelFile } from "../../node/model-file.js";
import { modelFromJson } from "../../network/io.js";
import { regressionValues } from "../../network/api.js";
import { predict } from "../../node/engines.js";
import type { Model } from "../../network/model.js";
import { loadCsvDataset } from "../../node/csv-file.js";
import { checkOutputFile, writeFileAtomic } from "../../node/files.js";
import { csvCell, formatCsvLines } from "../../data/csv.js";
import { alignFeatures, columnsOfClassNames, numericHeaderOfModel, peekHeader, readsByPosition } from "../data-match.js";
import { HEADER_CHOICES, headerArg } from "../train-options.js";
import { inputRange, inputRangeWarning } from "../../network/input-range.js";
import { InputError } from "../../util/errors.js";
import { missingNamesHint } from "../../util/nearest.js";
import { resolve } from "node:path";

const quoteList = (names: readonly string[], max = 8): string =>
  names.slice(0, max).map((n) => JSON.stringify(n)).join(", ") + (names.length > max ? `, … (${names.length} in all)` : "");

/**
 * The columns of `file` checked against the model before anything is read in full: every feature
 * of the model present, every other column named by --id-column; a file without a header must
 * have the model's column count (plus the id column).
 * @throws InputError naming the missing or extra columns and what the model reads.
 */
function checkColumns(file: string, model: Model, modelFile: string, idColumn: string | undefined, skipRows: number, headerOption: boolean | undefined): void {
  const features = model.featureNames;
  const header = peekHeader(file, skipRows, headerOption);
  if (!features || header === null || readsByPosition(features, header)) return; // by position: alignFeatures checks the count
  const have = new Set(header);
  const missing = features.filter((f) => !have.has(f));
  if (missing.length > 0) {
    throw new InputError(`${file}: missing column${missing.length > 1 ? "s" : ""} ${quoteList(missing)} (the model ${modelFile} reads ${quoteList(features)})${missingNamesHint(missing, header.filter((h) => !features.includes(h)))}`);
  }
  const isIndex = idColumn !== undefined && /^[+-]?\d+$/.test(idColumn.trim()) && !have.has(idColumn);
  if (idColumn !== undefined && !isIndex && !have.has(idColumn)) {
    throw new InputError(`${file}: no column named ${JSON.stringify(idColumn)} (--id-column); the header has ${quoteList(header)}${missingNamesHint([idColumn], header)}`);
  }
  if (idColumn !== undefined && !isIndex && features.includes(idColumn)) {
    throw new InputError(`--id-column ${idColumn}: is a feature of the model ${modelFile}; name a column the model does not read`);
  }
  const known = new Set(features);
  const idName = isIndex ? header[(Number(idColumn) + header.length) % header.length] : idColumn;
  const extra = header.filter((h) => !known.has(h) && h !== idName);
  if (extra.length > 0) {
    // A column of the model's class names is the label: such rows are eval's.
    const labelLike = extra.length === 1 && columnsOfClassNames(file, skipRows, header, extra, model.classNames ?? []).length === 1;
    throw new InputError(
      `${file}: ${extra.length === 1 ? "column" : "columns"} ${quoteList(extra)} ${extra.length === 1 ? "is not a feature" : "are not features"} of the model ${modelFile} (it reads ${quoteList(features)}); ` +
        `${idColumn === undefined && extra.length === 1 ? `to carry it into the predictions give --id-column ${/^[\w.-]+$/.test(extra[0]) ? extra[0] : JSON.stringify(extra[0])}, else remove it` : "remove the columns the model does not read"}` +
        (labelLike ? `; it holds the model's class names: to measure the accuracy on labelled rows use dynaspin eval` : ""),
    );
  }
}

/** Softmax of one row of logits (numerically safe: the largest logit subtracted). */
function softmax(logits: Float64Array, off: number, m: number, out: Float64Array): void {
  let max = -Infinity;
  for (let c = 0; c < m; c++) max = Math.max(max, logits[off + c]);
  let sum = 0;
  for (let c = 0; c < m; c++) sum += out[c] = Math.exp(logits[off + c] - max);
  for (let c = 0; c < m; c++) out[c] /= sum;
}

async function run(flags: Flags, io: CommandIO): Promise<number> {
  const path = flags.string("model");
  if (path === undefined) throw new InputError("predict: --model FILE is required");
  const data = flags.string("data");
  if (data === undefined) throw new InputError("predict: --data FILE.csv is required (the rows to predict: the model's feature columns, no label)");
  const out = flags.string("out");
  if (out === undefined) throw new InputError("predict: --out FILE.csv is required (where the predictions go)");
  checkOutputFile(out, `--out ${out}`);
  if (resolve(out) === resolve(data)) throw new InputError(`--out ${out}: is the --data file; write the predictions to another file`);
  const json = readModelFile(path);
  const model = modelFromJson(json, path);
  const regression = model.problem === "regression";
  const probabilities = flags.boolean("probabilities");
  if (probabilities && regression) throw new InputError(`--probabilities: ${path} is a regression model (it predicts values, not classes)`);
  const idColumn = flags.string("id-column");
  const skipRows = flags.number("skip-rows") ?? 0;
  // --header, else a first line of numbers that names the model's features (a model trained with --header yes) is the header.
  const headerOption = headerArg(flags.string("header")) ?? (numericHeaderOfModel(data, model, skipRows) ? true : undefined);
  checkColumns(data, model, path, idColumn, skipRows, headerOption);
  const raw = loadCsvDataset(data, { labelColumn: null, skipRows, ...(headerOption !== undefined && { header: headerOption }), ...(idColumn !== undefined && { idColumn }) });
  const ds = alignFeatures(raw, model, data, path);
  const { n } = ds;
  // The logits on the native engine's window inference when it was built here, else WebAssembly
  // (the TypeScript loops for a device without a kernel there): the same bits as eval's forward pass.
  const m = model.classes;
  const { logits, label: engineLabel } = predict(model, ds.x);
  const names = regression ? (model.targetNames ?? ["target"]) : (model.classNames ?? Array.from({ length: m }, (_, c) => String(c)));
  // Columns: the row number (1 = the file's first data row), the id, the prediction(s), the probabilities.
  const fileHeader = peekHeader(data, skipRows, headerOption);
  const idName = raw.ids === undefined || idColumn === undefined ? null
    : fileHeader === null ? "id"
    : fileHeader.includes(idColumn) ? idColumn
    : (fileHeader[(Number(idColumn) + fileHeader.length) % fileHeader.length] ?? "id");
  const rowName = idName === "row" ? "data_row" : "row";
  const predNames = regression && m > 1 ? names.map((t) => `predicted_${t}`) : ["predicted"];
  const header = [rowName, ...(idName === null ? [] : [idName]), ...predNames, ...(probabilities ? names.map((c) => `p_${c}`) : [])];
  // One line per row, built as text: the class names and ids quoted where CSV needs it (once per
  // name), numbers as String(x) (which never needs it), the counts of each class as it goes.
  const counts = new Int32Array(regression ? 0 : m);
  const nameCells = names.map(csvCell);
  const ids = raw.ids;
  const row = new Float64Array(m);
  const values = regression ? regressionValues(model, logits) : null;
  const text = formatCsvLines(header, n, (r) => {
    let line = String(r + 1);
    if (ids !== undefined) line += "," + csvCell(ids[r]);
    if (values !== null) {
      for (let o = 0; o < m; o++) line += "," + String(values[r * m + o]);
      return line;
    }
    // The first largest logit, as eval's argmax.
    let arg = 0;
    for (let c = 1; c < m; c++) if (logits[r * m + c] > logits[r * m + arg]) arg = c;
    counts[arg]++;
    line += "," + nameCells[arg];
    if (probabilities) {
      softmax(logits, r * m, m, row);
      for (let c = 0; c < m; c++) line += "," + String(row[c]);
    }
    return line;
  });
  // As eval: columns in other units than in training go in far outside [0, 1] (src/network/input-range.ts),
  // and a fitted or table device is only known over its measured currents (eval's driveCheck).
  const range = inputRangeWarning(inputRange(model, ds.x, n), `the ${n} rows of ${data}`);
  const { drive, warnings: driveWarnings } = driveCheck(model, ds, "all", data);
  const warnings = [...(range === null ? [] : [range]), ...driveWarnings];
  for (const w of warnings) io.stderr(`dynaspin predict: warning: ${w}\n`);
  writeFileAtomic(out, text);
  const classCounts = regression ? null : Object.fromEntries(names.map((c, i) => [c, counts[i]]));
  if (flags.boolean("json")) {
    io.stdout(JSON.stringify({ model: path, data, out, rows: n, problem: regression ? "regression" : "classification", engine: engineLabel, predicted: classCounts, probabilities, driveRange: drive.oscillators === 0 ? null : drive, warnings }) + "\n");
  } else {
    const what = regression ? `values of ${names.join(", ")}` : `classes (${names.map((c, i) => `${c}: ${counts[i]}`).join(", ")})`;
    io.stdout(`${data}: ${n} rows predicted by ${path}: ${what}\n  wrote ${out}\n`);
  }
  return 0;
}

/** The `predict` command. */
export const predictCommand: Command = {
  name: "predict",
  summary: "apply a saved model to new rows without labels: one prediction per row, in file order",
  usage: "dynaspin predict --model FILE --data NEW.csv --out PREDICTIONS.csv [--id-column COL] [--probabilities]",
  flags: [
    { name: "model", type: "string", short: "m", value: "FILE", help: "model JSON written by dynaspin train (a classifier or a regression model)" },
    { name: "data", type: "string", value: "FILE.csv", help: "the rows to predict: the model's feature columns (matched by header name, in any order; by position without a header), no label column; .csv or .csv.gz" },
    { name: "out", type: "string", short: "o", value: "FILE.csv", help: "where the predictions go (written atomically): columns row (1 = the first data row), the --id-column, predicted (the ideal network's: a class name, or one value per regression target in its units), and with --probabilities p_CLASS per class" },
    { name: "id-column", type: "string", value: "COL", help: "a column of the data that is not a feature (a sample id): header name or 0-based index; copied as text into the predictions" },
    { name: "probabilities", type: "boolean", help: "also write each class's softmax probability (classifiers)" },
    { name: "skip-rows", type: "integer", min: 0, value: "N", help: "lines at the top of the file to ignore before the header" },
    { name: "header", type: "string", choices: HEADER_CHOICES, value: "WHEN", help: "whether the first line of --data is a header: auto (a header when it has text cells, or when its cells are the model's feature names, numbers included), yes or no", default: "auto" },
  ],
  run,
};
