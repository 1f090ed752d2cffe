import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync, rmSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { parseCsvDataset, formatCsvDataset, InputError, type CsvDataset } from "../../src/index.js";
import { parseCsvChunks } from "../../src/data/csv.js";
import { csvCell, formatCsvLines } from "../../src/data/csv.js";
import { loadCsvDataset } from "../../src/node/csv-file.js";

function parse(text: string, options: { labelColumn?: string | number; header?: "auto" | boolean } = {}): CsvDataset {
  return parseCsvDataset(text, { file: "data.csv", ...options });
}

/** Asserts that parsing throws an InputError whose one-line message matches `pattern`. */
function refuses(text: string, pattern: RegExp, options: { labelColumn?: string | number; header?: "auto" | boolean } = {}): void {
  assert.throws(
    () => parse(text, options),
    (e: unknown) => {
      assert.ok(e instanceof InputError, `expected InputError, got ${String(e)}`);
      assert.match(e.message, pattern);
      assert.ok(!e.message.includes("\n"), "message is one line");
      assert.ok(e.message.startsWith("data.csv: "), "message names the file");
      return true;
    },
  );
}

test("a headed file gives row-major features, feature names and sorted string classes", () => {
  const ds = parse("a,b,class\n1,2,dog\n3,4,cat\n5.5,-6e-3,dog\n");
  assert.deepEqual(Array.from(ds.x), [1, 2, 3, 4, 5.5, -6e-3]);
  assert.deepEqual(Array.from(ds.y), [1, 0, 1]);
  assert.equal(ds.n, 3);
  assert.equal(ds.d, 2);
  assert.deepEqual(ds.featureNames, ["a", "b"]);
  assert.deepEqual(ds.classNames, ["cat", "dog"]);
});

test("a file without header names its features by their place in the file (\"column 1\", …) and sorts numeric classes numerically", () => {
  const ds = parse("1,2,10\n3,4,2\n5,6,10\n");
  assert.deepEqual(ds.featureNames, ["column 1", "column 2"]);
  // The label first: the features are the file's columns 2 and 3.
  assert.deepEqual(parse("10,1,2\n2,3,4\n10,5,6\n", { labelColumn: 0 }).featureNames, ["column 2", "column 3"]);
  assert.deepEqual(ds.classNames, ["2", "10"]);
  assert.deepEqual(Array.from(ds.y), [1, 0, 1]);
});

test("numeric labels written differently are one class", () => {
  const ds = parse("1,2,01\n3,4,1.0\n5,6, 1 \n7,8,0\n");
  assert.deepEqual(ds.classNames, ["0", "1"]);
  assert.deepEqual(Array.from(ds.y), [1, 1, 1, 0]);
});

test("quoted fields keep commas, doubled quotes and newlines", () => {
  const ds = parse('"a,1","b""q",label\n"1.5",2,"two\nlines"\n3,4,"x"\n');
  assert.deepEqual(ds.featureNames, ["a,1", 'b"q']);
  assert.deepEqual(ds.classNames, ["two\nlines", "x"]);
  assert.deepEqual(Array.from(ds.x), [1.5, 2, 3, 4]);
});

test("CRLF line ends, a byte-order mark, blank lines and spaces around cells are accepted", () => {
  const ds = parse("\uFEFFa, b ,c\r\n 1 , 2 ,0\r\n  \t\r\n3,4, \"1\"\r\n\r\n \r\n  ");
  assert.deepEqual(ds.featureNames, ["a", "b"]);
  assert.deepEqual(Array.from(ds.x), [1, 2, 3, 4]);
  assert.deepEqual(ds.classNames, ["0", "1"]);
});

test("the label column can be chosen by name, by index and by negative index", () => {
  const text = "y,a,b\n0,1,2\n1,3,4\n";
  for (const labelColumn of ["y", 0, -3]) {
    const ds = parse(text, { labelColumn });
    assert.deepEqual(ds.featureNames, ["a", "b"], String(labelColumn));
    assert.deepEqual(Array.from(ds.x), [1, 2, 3, 4]);
    assert.deepEqual(Array.from(ds.y), [0, 1]);
  }
  const mid = parse("1,0,2\n3,1,4\n", { labelColumn: 1 });
  assert.deepEqual(Array.from(mid.x), [1, 2, 3, 4]);
});

test("a label column given as an integer string is an index unless a header cell has that name", () => {
  assert.deepEqual(Array.from(parse("0,1,2\n1,3,4\n", { labelColumn: "0" }).y), [0, 1]);
  assert.deepEqual(Array.from(parse("1,2,0\n3,4,1\n", { labelColumn: "-1" }).y), [0, 1]);
  const named = parse("a,7,b\n1,0,2\n3,1,4\n", { labelColumn: "7" });
  assert.deepEqual(named.featureNames, ["a", "b"]);
  assert.deepEqual(Array.from(named.x), [1, 2, 3, 4]);
});

test("header detection can be overridden", () => {
  const ds = parse("1,2,0\n3,4,1\n5,6,0\n", { header: true });
  assert.equal(ds.n, 2);
  assert.deepEqual(ds.featureNames, ["1", "2"]);
  refuses("a,b,c\n1,2,0\n3,4,1\n", /row 1, column 1: expected a number \(got "a"\)/, { header: false });
});

test("an empty file is refused", () => {
  refuses("", /^data\.csv: empty file$/);
  refuses("\uFEFF\n\r\n\n", /^data\.csv: empty file$/);
});

test("a non-numeric cell is refused naming row, column and column name", () => {
  refuses("a,b,c\n1,2,0\n3,abc,1\n", /^data\.csv: row 3, column 2 \("b"\): expected a number \(got "abc"\)$/);
  refuses("1,2,0\n3,,1\n", /row 2, column 2: missing value \(got ""\): every feature needs a number in every row; remove the row or fill the value in$/);
  refuses("1,2,0\n0x1f,2,1\n", /row 2, column 1: expected a number \(got "0x1f"\)/);
});

test("NaN and infinite values are refused", () => {
  refuses("a,b,c\n1,NaN,0\n2,3,1\n", /row 2, column 2 \("b"\): NaN is not allowed/);
  refuses("a,b,c\n1,2,0\n-inf,3,1\n", /row 3, column 1 \("a"\): non-finite values are not allowed/);
  refuses("a,b,c\n1,2,0\n2,Infinity,1\n", /row 3, column 2 \("b"\): non-finite values are not allowed/);
  refuses("a,b,c\n1,2,0\n2,1e999,1\n", /row 3, column 2 \("b"\): non-finite values are not allowed \(got "1e999"\)/);
});

test("ragged rows are refused with their field count", () => {
  refuses("a,b,c\n1,2,0\n3,4\n", /^data\.csv: row 3 has 2 fields, expected 3$/);
  refuses("a,b,c\n1,2,0\n3,4,1,5,6\n", /^data\.csv: row 3 has 5 fields, expected 3$/);
  refuses("a,b,c\n1,2,0\n3\n", /^data\.csv: row 3 has 1 field, expected 3$/);
});

test("row numbers follow editor lines across blank lines and multi-line quoted fields", () => {
  refuses('a,b,c\n1,2,"x\ny"\n\n3,z,1\n', /row 5, column 2 \("b"\)/);
});

test("a single class is refused naming the class and the column", () => {
  refuses("a,b,c\n1,2,3\n4,5,3\n", /^data\.csv: only one class \("3"\) in column 3; need at least 2$/);
});

test("an unterminated quote is refused naming the row where it started", () => {
  refuses('a,b,c\n1,2,0\n3,"4,1\n5,6,1\n', /row 3, column 2: unterminated quoted field/);
});

test("stray quotes and text after a closing quote are refused", () => {
  refuses('a,b,c\n1,2"3,0\n', /row 2, column 2: quote inside an unquoted field/);
  refuses('a,b,c\n1,"2"3,0\n', /row 2, column 2: unexpected "3" after a closing quote/);
});

test("a label column out of range or unknown by name is refused listing what is allowed", () => {
  refuses("a,b,c\n1,2,0\n", /label column 3 is out of range: the file has 3 columns \(allowed -3\.\.2/, { labelColumn: 3 });
  refuses("a,b,c\n1,2,0\n", /label column -4 is out of range/, { labelColumn: -4 });
  refuses("a,b,c\n1,2,0\n", /no column named "class"; the header has "a", "b", "c"/, { labelColumn: "class" });
  refuses("1,2,0\n", /given by name, but header is false/, { labelColumn: "c", header: false });
});

test("a file with only a label column or only a header is refused", () => {
  refuses("y\n0\n1\n", /no feature columns/);
  refuses("a;b;c\n1;2;0\n3;4;1\n", /^data\.csv: row 1 has a single field but contains ';': dynaspin reads comma-separated files/);
  refuses("a\tb\tc\n1\t2\t0\n", /row 1 has a single field but contains tabs/);
  refuses("a,b,c\n", /no data rows/);
  refuses("a,b,c\n\n\n", /no data rows/);
});

test("a binary file is refused as such", () => {
  refuses("\u007fELF\u0002\u0001\u0001\u0000\u0000\u0000,\n", /^data\.csv: looks like a binary file, not CSV text$/);
});

test("an empty label is refused", () => {
  refuses("a,b,c\n1,2,\n3,4,1\n", /row 2, column 3 \("c"\): empty label/);
});

test("a data set written by formatCsvDataset parses back identically", () => {
  const ds: CsvDataset = {
    x: Float64Array.of(0.1, -2.5e-300, 1 / 3, 7),
    y: Int32Array.of(1, 0),
    n: 2,
    d: 2,
    featureNames: ["f,1", " g"],
    classNames: ['a"b', "z"],
  };
  const text = formatCsvDataset(ds);
  const back = parse(text);
  assert.deepEqual(back, ds);
});

test("chunks cut at record boundaries parse like the whole text", () => {
  const text = "a,b,c\n1,2,0\n3,4,1\n5,6,1\n";
  const whole = parse(text);
  const parts = parseCsvChunks(["a,b,c\n1,2,0\n", "3,4,1\n", "5,6,1\n"], { file: "data.csv", expectedRows: 1 });
  assert.deepEqual(parts, whole);
});

test("large files are streamed in record-aligned blocks with the same result and the same errors", () => {
  const dir = mkdtempSync(join(tmpdir(), "dynaspin-csv-"));
  try {
    const text = 'a,"b\nc",label\r\n1,2,"x\ny"\r\n3,4,z\r\n' + "5,6,z\n".repeat(50);
    const path = join(dir, "big.csv");
    writeFileSync(path, text);
    const whole = parseCsvDataset(text, { file: path });
    for (const blockBytes of [1, 5, 64, 1 << 20]) {
      assert.deepEqual(loadCsvDataset(path, { streamFromBytes: 0, blockBytes }), whole, `block ${blockBytes}`);
    }
    const bad = join(dir, "bad.csv");
    writeFileSync(bad, text + "7,oops,z\n");
    assert.throws(
      () => loadCsvDataset(bad, { streamFromBytes: 0, blockBytes: 16 }),
      (e: unknown) => e instanceof InputError && e.message === `${bad}: row 56, column 2 ("b\nc"): expected a number (got "oops")`.replace("\n", "\\n"),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("loadCsvDataset reads plain and gzipped files and reports missing and empty files", () => {
  const dir = mkdtempSync(join(tmpdir(), "dynaspin-csv-"));
  try {
    const text = "a,b,c\n1,2,0\n3,4,1\n";
    writeFileSync(join(dir, "d.csv"), text);
    writeFileSync(join(dir, "d.csv.gz"), gzipSync(text));
    writeFileSync(join(dir, "empty.csv"), "");
    mkdirSync(join(dir, "folder.csv"));
    assert.deepEqual(loadCsvDataset(join(dir, "d.csv")), parse(text));
    assert.deepEqual(loadCsvDataset(join(dir, "d.csv.gz")), parse(text));
    assert.throws(() => loadCsvDataset(join(dir, "nope.csv")), (e: unknown) => e instanceof InputError && /nope\.csv: no such file/.test(e.message));
    assert.throws(() => loadCsvDataset(join(dir, "empty.csv")), (e: unknown) => e instanceof InputError && /empty\.csv: empty file$/.test(e.message));
    assert.throws(() => loadCsvDataset(join(dir, "folder.csv")), (e: unknown) => e instanceof InputError && /folder\.csv: is a folder/.test(e.message));
    writeFileSync(join(dir, "broken.csv.gz"), "not gzip at all");
    assert.throws(() => loadCsvDataset(join(dir, "broken.csv.gz")), (e: unknown) => e instanceof InputError && /broken\.csv\.gz: not a valid gzip file$/.test(e.message));
    writeFileSync(join(dir, "blank.csv.gz"), gzipSync("\n \n"));
    assert.throws(() => loadCsvDataset(join(dir, "blank.csv.gz")), (e: unknown) => e instanceof InputError && /blank\.csv\.gz: empty file$/.test(e.message));
    const badGz = join(dir, "bad.csv.gz");
    writeFileSync(badGz, gzipSync("a,b,c\n1,2,0\n3,x,1\n"));
    assert.throws(() => loadCsvDataset(badGz, { blockBytes: 4 }), (e: unknown) => e instanceof InputError && e.message === `${badGz}: row 3, column 2 ("b"): expected a number (got "x")`);
    const bad = join(dir, "bad.csv");
    writeFileSync(bad, "a,b,c\n1,x,0\n");
    assert.throws(() => loadCsvDataset(bad), (e: unknown) => e instanceof InputError && e.message.startsWith(`${bad}: row 2, column 2 ("b")`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the CSV parser module imports nothing platform-specific", async () => {
  const { readFileSync } = await import("node:fs");
  const source = readFileSync(new URL("../../src/data/csv.ts", import.meta.url), "utf8");
  const imports = [...source.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1]);
  assert.ok(imports.length > 0);
  for (const path of imports) assert.ok(path.startsWith("./") || path.startsWith("../util/"), `platform-free import expected, got ${path}`);
});

test("text in the first record of a feature column, with the label left to its default, hints --label-column", () => {
  const dir = mkdtempSync(join(tmpdir(), "dynaspin-csv-hint-"));
  try {
    const f = join(dir, "mid.csv");
    writeFileSync(f, "x1,species,x2\n1,a,2\n3,b,4\n");
    assert.throws(() => loadCsvDataset(f), (e: unknown) => e instanceof InputError &&
      e.message === `${f}: row 2, column 2 ("species"): expected a number (got "a"); the label is the last column unless named: if column 2 holds the labels, pass --label-column species (option labelColumn); if it is no feature (a unit, an ID, a comment), remove it: every column but the label must hold numbers`);
    assert.equal(loadCsvDataset(f, { labelColumn: "species" }).n, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("formatCsvLines: the header quoted where CSV needs it, then every line in order across its blocks (LF ends); csvCell quotes only what needs it", () => {
  for (const n of [0, 1, 4095, 4096, 4097, 2 * 4096 + 3]) {
    const want = "row,\"a,b\",\" x\"\n" + Array.from({ length: n }, (_, r) => `${r + 1},${r * 0.1}\n`).join("");
    assert.equal(formatCsvLines(["row", "a,b", " x"], n, (r) => `${r + 1},${r * 0.1}`), want, `n=${n}`);
  }
  assert.deepEqual(["plain", "", "a,b", 'say "hi"', " lead", "trail ", "line\nbreak", "\ufeffbom", "-1.5e-7"].map(csvCell), ["plain", '""', '"a,b"', '"say ""hi"""', '" lead"', '"trail "', '"line\nbreak"', '"\ufeffbom"', "-1.5e-7"]);
});
