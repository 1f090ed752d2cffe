/**
 * A data set as a model reads it: feature columns matched to the model's feature names (reordered
 * when listed in another order; missing or extra columns refused by name) and labels matched to
 * its class names. One home for the rule, used by the library's `evaluate` and by the commands
 * that read a CSV against a model (`eval`, `predict`, `robustness`, `cost`).
 */
import type { Dataset } from "../data/dataset.js";
import { InputError } from "../util/errors.js";
import { missingNamesHint } from "../util/nearest.js";
import { columnCount, type Model } from "./model.js";

const quoteList = (names: readonly string[], max = 8): string =>
  names.slice(0, max).map((n) => JSON.stringify(n)).join(", ") + (names.length > max ? `, … (${names.length} in all)` : "");

/** "the model FILE" or "the model" when no file is known. */
const theModel = (modelFile: string | undefined): string => (modelFile ? `the model ${modelFile}` : "the model");

/**
 * True when feature names are the CSV loader's placeholders for a file without a header: "column
 * N" (the column's place in the file), or x0, x1, … (before those; models trained then keep them).
 * Such names say nothing about a column but its position.
 */
export function placeholderNames(names: readonly string[]): boolean {
  return names.length > 0 && (names.every((n) => /^column \d+$/.test(n)) || names.every((n, j) => n === `x${j}`));
}

/**
 * True when data with the column names `header` (null: a file without a header) are matched to a
 * model's features by position rather than by name: the model has no feature names, the file has
 * no header, or the model's names are placeholders ({@link placeholderNames}) that the header holds
 * none of. A header that names placeholders — a user's own columns called x0, x1, …, in any order —
 * is matched by name: by position its columns would be mixed up, and a missing one is named.
 */
export function readsByPosition(features: readonly string[] | undefined, header: readonly string[] | null): boolean {
  if (!features || header === null) return true;
  if (!placeholderNames(features)) return false;
  const have = new Set(header);
  return !features.some((f) => have.has(f));
}

/**
 * Reorders a data set's feature columns to the model's feature order, by name. A data set without
 * a header (placeholder names), or a model without names, or with placeholders the data do not
 * name ({@link readsByPosition}), is matched by position.
 * @param file the data's name in messages (a file path, or "data").
 * @param modelFile the model's file in messages (omit for "the model").
 * @throws InputError naming missing and extra columns, or a count mismatch.
 */
export function alignFeatures(ds: Dataset, model: Model, file: string, modelFile?: string): Dataset {
  const features = model.featureNames;
  // Names that do not describe the columns the model reads (a model whose feature map was taken
  // out keeps its raw columns' names) say nothing: by position.
  if (!features || features.length !== columnCount(model) || placeholderNames(ds.featureNames) || readsByPosition(features, ds.featureNames)) {
    const d = columnCount(model);
    const how = model.featureMap ? ` (its features ${model.featureMap.expressions.join(", ")} drive ${model.featureMap.expressions.length} of k = ${model.k} oscillators)` : d === model.k ? ` (k = ${model.k} oscillators, one per feature)` : ` (k = ${model.k} oscillators)`;
    if (ds.d !== d) throw new InputError(`${file}: ${ds.d} feature columns, but ${theModel(modelFile)} reads ${d}${model.featureMap ? " columns" : " features"}${how}`);
    return ds;
  }
  if (ds.featureNames.length === features.length && ds.featureNames.every((n, j) => n === features[j])) return ds;
  const index = new Map(ds.featureNames.map((n, j) => [n, j]));
  const missing = features.filter((f) => !index.has(f));
  const known = new Set(features);
  const extra = ds.featureNames.filter((n) => !known.has(n));
  if (missing.length > 0 || extra.length > 0) {
    const parts = [
      ...(missing.length ? [`missing column${missing.length > 1 ? "s" : ""} ${quoteList(missing)}`] : []),
      ...(extra.length ? [`extra column${extra.length > 1 ? "s" : ""} ${quoteList(extra)}`] : []),
    ];
    throw new InputError(`${file}: ${parts.join("; ")} (${theModel(modelFile)} was trained on ${quoteList(features)})${missingNamesHint(missing, extra)}`);
  }
  const perm = features.map((f) => index.get(f) as number);
  const { n, d } = ds;
  const x = new Float64Array(n * d);
  for (let r = 0; r < n; r++) for (let j = 0; j < d; j++) x[r * d + j] = ds.x[r * d + perm[j]];
  return { ...ds, x, featureNames: features.slice() };
}

/**
 * Re-indexes a data set's labels to the model's class order by class name (data with a subset of
 * the classes, or listed in another order, still evaluate correctly).
 * @param file the data's name in messages (a file path, or "data").
 * @param modelFile the model's file in messages (omit for "the model").
 * @throws InputError for a label the model does not know.
 */
export function alignClasses(ds: Dataset, modelClasses: readonly string[] | undefined, file: string, modelFile?: string): Dataset {
  if (!modelClasses) return ds;
  if (ds.classNames.length === modelClasses.length && ds.classNames.every((c, i) => c === modelClasses[i])) return ds;
  const index = new Map(modelClasses.map((c, i) => [c, i]));
  const map = ds.classNames.map((c) => {
    const i = index.get(c);
    if (i === undefined) throw new InputError(`${file}: label ${JSON.stringify(c)} is not one of the classes of ${modelFile ?? "the model"} (${modelClasses.join(", ")})`);
    return i;
  });
  const y = Int32Array.from(ds.y, (v) => map[v]);
  return { ...ds, y, classNames: modelClasses.slice() };
}

/**
 * {@link alignFeatures} then {@link alignClasses}: the data set as the model reads it (the same
 * object when it already is).
 */
export function alignToModel(ds: Dataset, model: Model, file: string, modelFile?: string): Dataset {
  return alignClasses(alignFeatures(ds, model, file, modelFile), model.classNames, file, modelFile);
}
