/**
 * The CSV data format that {@link parseCsvDataset} reads (`dynaspin train/eval/robustness/cost
 * --data FILE.csv`, `loadCsvDataset` in dynaspin/node, the playground's upload), written down as
 * rules with one example each. docs/formats.md is generated from this list (`npm run
 * docs:formats`), and test/data/csv-format.test.ts parses every example and checks its stated
 * outcome, so the description cannot drift from the parser.
 */
import type { CsvOptions } from "./csv.js";

/** What parsing an example gives: the shape of the data set, or an error message fragment. */
export type CsvOutcome =
  | { rows: number; features: number; featureNames?: readonly string[]; classNames?: readonly string[] }
  | { error: string };

/** One rule of the CSV format, with an example and its outcome. */
export interface CsvFormatRule {
  /** Short name of what the rule is about, e.g. "separator". */
  topic: string;
  /** The rule, one or two sentences. */
  rule: string;
  /** An example file's text. */
  text: string;
  /** Options the example is parsed with (`file` is always "data.csv"); the CLI flag is named in `rule`. */
  options?: Omit<CsvOptions, "file">;
  /** What the example gives. */
  outcome: CsvOutcome;
}

/** The rules of the CSV data format, in the order docs/formats.md lists them. */
export const CSV_FORMAT_RULES: readonly CsvFormatRule[] = Object.freeze([
  {
    topic: "columns",
    rule: "Numeric feature columns plus one label column; every row has the same number of fields. One feature per oscillator's input (a network has at least as many oscillators as features).",
    text: "x,y,label\n0.1,2.5,a\n0.7,1.5,b\n",
    outcome: { rows: 2, features: 2, featureNames: ["x", "y"], classNames: ["a", "b"] },
  },
  {
    topic: "separator",
    rule: "Fields are separated by commas (RFC 4180); the decimal point is `.`. A file separated by `;` or tabs is refused with a message to convert it.",
    text: "x;label\n0,5;a\n1,5;b\n",
    outcome: { error: "row 1 has a single field but contains ';': dynaspin reads comma-separated files" },
  },
  {
    topic: "quoting",
    rule: 'A field may be quoted with `"`; inside quotes, commas and line breaks are data and `""` is one quote.',
    text: 'x,"y, mm",label\n1,2,"a ""big"" one"\n3,4,c\n',
    outcome: { rows: 2, features: 2, featureNames: ["x", "y, mm"], classNames: ['a "big" one', "c"] },
  },
  {
    topic: "line ends",
    rule: "Rows end with LF or CRLF; blank lines are skipped; the last row needs no line end.",
    text: "x,label\r\n1,a\r\n\r\n2,b",
    outcome: { rows: 2, features: 1, classNames: ["a", "b"] },
  },
  {
    topic: "header",
    rule: "Optional. Detected: the first row is a header when it has more text (non-numeric) cells, features and label, than the second row. A label column given by name implies a header. Without a header the features are named by their place in the file, \"column 1\", \"column 2\", … (1-based, the label column skipped), and a model trained on it stores these names",
    text: "1,2,a\n3,4,b\n",
    outcome: { rows: 2, features: 2, featureNames: ["column 1", "column 2"], classNames: ["a", "b"] },
  },
  {
    topic: "numeric header",
    rule: "Column names that are numbers (years, wavelengths) form a header when the label's name is text over numeric labels. Over text labels such a first row cannot be told from data: when its label occurs in no other row while every other class has 2 or more, the file is refused until `--header yes` or `--header no` (option `header`: true or false) says which. `predict` and `eval` take a first line of numbers that holds the model's feature names as the header.",
    text: "10,20,label\n1,2,0\n3,4,1\n",
    outcome: { rows: 2, features: 2, featureNames: ["10", "20"], classNames: ["0", "1"] },
  },
  {
    topic: "skip rows",
    rule: "`--skip-rows N` (option `skipRows`, default 0) ignores the first N lines before the header, e.g. 1 for scikit-learn's raw iris.csv whose first line is metadata. Row numbers in messages stay the file's line numbers.",
    text: "150,4,setosa,versicolor\nx,y,label\n1,2,a\n3,4,b\n",
    options: { skipRows: 1 },
    outcome: { rows: 2, features: 2, featureNames: ["x", "y"], classNames: ["a", "b"] },
  },
  {
    topic: "metadata line",
    rule: "A first line with a different number of fields than the rest is reported with the `--skip-rows` hint, not read as data.",
    text: "150,4,setosa,versicolor\nx,y,label\n1,2,a\n3,4,b\n",
    outcome: { error: "if the first line is not the header, remove it or pass --skip-rows 1" },
  },
  {
    topic: "label column",
    rule: "`--label-column COL` (option `labelColumn`): a header name, or a 0-based index where a negative index counts from the end. Default: the last column. A digit string is an index unless a header cell has exactly that name; a name that two columns share is refused.",
    text: "species,length,width\nsetosa,5.1,3.5\nvirginica,6.3,3.3\n",
    options: { labelColumn: "species" },
    outcome: { rows: 2, features: 2, featureNames: ["length", "width"], classNames: ["setosa", "virginica"] },
  },
  {
    topic: "features",
    rule: "Finite decimal numbers, surrounding spaces and tabs allowed. Empty cells, NaN, ±Infinity and hexadecimal/octal/binary literals are refused, naming row, column and cell.",
    text: "x,label\n1,a\nNaN,b\n",
    outcome: { error: "row 3, column 1 (\"x\"): NaN is not allowed" },
  },
  {
    topic: "labels",
    rule: "Any non-empty text; at least 2 classes. When every label is a number, classes are sorted numerically and written canonically (\"01\" and \"1.0\" are class \"1\"); otherwise they are the cells as written, sorted.",
    text: "x,label\n1,01\n2,1.0\n3,10\n4,2\n",
    outcome: { rows: 4, features: 1, classNames: ["1", "2", "10"] },
  },
  {
    topic: "one class",
    rule: "A file whose label column holds a single class is refused (nothing to classify).",
    text: "x,label\n1,a\n2,a\n",
    outcome: { error: "only one class (\"a\") in column 2; need at least 2" },
  },
  {
    topic: "compression",
    rule: "A path ending in `.gz` is decompressed by the Node loader (`--data FILE.csv.gz`, `loadCsvDataset`); the text rules above apply to its content. Large files are streamed.",
    text: "x,label\n1,a\n2,b\n",
    outcome: { rows: 2, features: 1, classNames: ["a", "b"] },
  },
]);
