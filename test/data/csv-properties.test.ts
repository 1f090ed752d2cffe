import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { parseCsvDataset, formatCsvDataset, InputError, type CsvDataset } from "../../src/index.js";
import { parseCsvChunks, type CsvOptions } from "../../src/data/csv.js";
import { splitCsvBuffer } from "../../src/node/csv-file.js";

/** How a table is written: everything a CSV writer may legitimately vary. */
interface Layout {
  eol: "\n" | "\r\n";
  bom: boolean;
  header: boolean;
  quoteAll: boolean;
  pad: boolean;
  trailing: "" | "eol" | "blank";
  labelAt: number; // 0..d: where the label column sits
  labelBy: "index" | "negative" | "name" | "default";
  headerOption: "auto" | "explicit" | "omit";
}

const cellChar = fc.constantFrom("a", "b", "Z", " ", ",", '"', "\n", "\r\n", "é", "1", ".", "-", "\t");

/** Random valid data sets (with at least two classes used) and a layout to write them with. */
const table = fc
  .record({
    n: fc.integer({ min: 2, max: 12 }),
    d: fc.integer({ min: 1, max: 5 }),
    numericLabels: fc.boolean(),
    classes: fc.integer({ min: 2, max: 4 }),
  })
  .chain(({ n, d, numericLabels, classes }) =>
    fc.record({
      x: fc.array(
        fc.oneof(
          fc.double({ noNaN: true, noDefaultInfinity: true }),
          fc.integer({ min: -1000, max: 1000 }),
        ).map((v) => (Object.is(v, -0) ? 0 : v)),
        { minLength: n * d, maxLength: n * d },
      ),
      y: fc.array(fc.integer({ min: 0, max: classes - 1 }), { minLength: n, maxLength: n }).map((y) => {
        y[0] = 0; // make sure at least two classes occur
        y[1] = 1;
        return y;
      }),
      classNames: numericLabels
        ? fc.uniqueArray(fc.integer({ min: -50, max: 1000 }), { minLength: classes, maxLength: classes }).map((v) => v.sort((a, b) => a - b).map(String))
        : fc.uniqueArray(fc.string({ unit: cellChar, maxLength: 5 }).map((s) => "c" + s), { minLength: classes, maxLength: classes }).map((v) => v.sort()),
      names: fc.uniqueArray(fc.string({ unit: cellChar, maxLength: 5 }).map((s) => "f" + s), { minLength: d + 1, maxLength: d + 1 }),
      layout: fc.record<Layout>({
        eol: fc.constantFrom("\n", "\r\n"),
        bom: fc.boolean(),
        header: fc.boolean(),
        quoteAll: fc.boolean(),
        pad: fc.boolean(),
        trailing: fc.constantFrom("", "eol", "blank"),
        labelAt: fc.integer({ min: 0, max: d }),
        labelBy: fc.constantFrom("index", "negative", "name", "default"),
        headerOption: fc.constantFrom("auto", "explicit", "omit"),
      }),
    }).map(({ x, y, classNames, names, layout }) => {
      const usedClasses = classNames.slice(0, Math.max(...y) + 1);
      // Classes that never occur cannot be recovered: keep only the used ones, renumbered.
      const used = Array.from(new Set(y)).sort((a, b) => a - b);
      const remap = new Map(used.map((c, i) => [c, i]));
      const ds: CsvDataset = {
        x: Float64Array.from(x),
        y: Int32Array.from(y, (c) => remap.get(c)!),
        n,
        d,
        featureNames: names.slice(0, d),
        classNames: used.map((c) => usedClasses[c]!),
      };
      if (layout.labelBy === "default") layout.labelAt = d;
      // Without a header a feature is named by its place in the file (1-based, the label column skipped).
      if (!layout.header) ds.featureNames = Array.from({ length: d }, (_, j) => `column ${j < layout.labelAt ? j + 1 : j + 2}`);
      if (layout.labelBy === "name" && !layout.header) layout.labelBy = "index";
      return { ds, labelName: names[d]!, layout };
    }),
  );

function quote(v: string, always: boolean): string {
  return always || v === "" || /[",\r\n]/.test(v) || v.trim() !== v ? '"' + v.replace(/"/g, '""') + '"' : v;
}

/** Writes `ds` with `layout` (an independent writer, so the test does not trust formatCsvDataset). */
function write(ds: CsvDataset, labelName: string, layout: Layout): string {
  const pad = (s: string): string => (layout.pad ? ` ${s} ` : s);
  const rows: string[] = [];
  const withLabel = (cells: string[], label: string): string[] => [...cells.slice(0, layout.labelAt), label, ...cells.slice(layout.labelAt)];
  if (layout.header) rows.push(withLabel(ds.featureNames.map((s) => quote(s, layout.quoteAll)), quote(labelName, layout.quoteAll)).join(","));
  for (let r = 0; r < ds.n; r++) {
    const cells: string[] = [];
    for (let j = 0; j < ds.d; j++) {
      const s = String(ds.x[r * ds.d + j]);
      cells.push(layout.quoteAll ? quote(s, true) : pad(s));
    }
    rows.push(withLabel(cells, quote(ds.classNames[ds.y[r]!]!, layout.quoteAll)).join(","));
  }
  const tail = layout.trailing === "" ? "" : layout.trailing === "eol" ? layout.eol : layout.eol + layout.eol + layout.eol;
  return (layout.bom ? "\uFEFF" : "") + rows.join(layout.eol) + tail;
}

function options(ds: CsvDataset, labelName: string, layout: Layout): CsvOptions {
  const o: CsvOptions = { file: "data.csv" };
  if (layout.labelBy === "index") o.labelColumn = layout.labelAt;
  else if (layout.labelBy === "negative") o.labelColumn = layout.labelAt - (ds.d + 1);
  else if (layout.labelBy === "name") o.labelColumn = labelName;
  if (layout.headerOption === "explicit") o.header = layout.header;
  else if (layout.headerOption === "auto") o.header = "auto";
  return o;
}

/**
 * Whether the parser refuses a header-less table whose header is left to "auto" because its first
 * row could be a header of numeric column names: its label occurs in no other row while every
 * other class has 2 or more (the rule of CsvOptions.header).
 */
function ambiguousFirstRow(ds: CsvDataset, layout: Layout): boolean {
  if (layout.header || layout.headerOption === "explicit" || ds.n < 3) return false;
  const counts = new Map<number, number>();
  for (const c of ds.y) counts.set(c, (counts.get(c) ?? 0) + 1);
  return counts.get(ds.y[0]!) === 1 && [...counts].every(([c, k]) => c === ds.y[0] || k >= 2);
}

test("random valid tables written in any layout parse back exactly", () => {
  fc.assert(
    fc.property(table, ({ ds, labelName, layout }) => {
      const text = write(ds, labelName, layout);
      if (ambiguousFirstRow(ds, layout)) {
        assert.throws(() => parseCsvDataset(text, options(ds, labelName, layout)), /row 1: its label .* occurs in no other row/);
        assert.deepEqual(parseCsvDataset(text, { ...options(ds, labelName, layout), header: false }), ds);
        return;
      }
      const back = parseCsvDataset(text, options(ds, labelName, layout));
      assert.deepEqual(back, ds);
    }),
    { numRuns: 300, seed: 424242 },
  );
});

test("formatCsvDataset output parses back to the same data set", () => {
  fc.assert(
    fc.property(table, ({ ds, layout }) => {
      const named = layout.header ? ds : { ...ds, featureNames: ds.featureNames.map((_, j) => `f${j}`) };
      assert.deepEqual(parseCsvDataset(formatCsvDataset(named), { file: "data.csv", header: true }), named);
    }),
    { numRuns: 200, seed: 515151 },
  );
});

/** Checks the invariants every successfully parsed data set satisfies. */
function wellFormed(ds: CsvDataset): void {
  assert.equal(ds.x.length, ds.n * ds.d);
  assert.equal(ds.y.length, ds.n);
  assert.ok(ds.n >= 1 && ds.d >= 1);
  assert.equal(ds.featureNames.length, ds.d);
  assert.ok(ds.classNames.length >= 2);
  for (const v of ds.x) assert.ok(Number.isFinite(v));
  for (const c of ds.y) assert.ok(c >= 0 && c < ds.classNames.length);
}

/** Parses, returning either the data set or the InputError's message; anything else fails. */
function outcome(run: () => CsvDataset): CsvDataset | string {
  try {
    const ds = run();
    wellFormed(ds);
    return ds;
  } catch (e) {
    assert.ok(e instanceof InputError, `expected InputError, got ${e instanceof Error ? e.stack : String(e)}`);
    assert.ok(e.message.startsWith("data.csv: "), e.message);
    assert.ok(!/[\r\n]/.test(e.message), `one line: ${JSON.stringify(e.message)}`);
    return e.message;
  }
}

const corruption = fc.record({
  kind: fc.constantFrom("delete", "insert", "truncate", "replace"),
  at: fc.nat(),
  what: fc.constantFrom('"', ",", "a", "\n", "\r", "NaN", "inf", "", "1e999", "\uFEFF", " "),
});

test("random corruptions of valid tables parse to a valid data set or give a clean one-line InputError", () => {
  fc.assert(
    fc.property(table, fc.array(corruption, { minLength: 1, maxLength: 3 }), ({ ds, labelName, layout }, cuts) => {
      let text = write(ds, labelName, layout);
      for (const c of cuts) {
        const at = c.at % (text.length + 1);
        if (c.kind === "delete") text = text.slice(0, at) + text.slice(at + 1);
        else if (c.kind === "insert") text = text.slice(0, at) + c.what + text.slice(at);
        else if (c.kind === "replace") text = text.slice(0, at) + c.what + text.slice(at + 1);
        else text = text.slice(0, at);
      }
      const opts = options(ds, labelName, layout);
      const whole = outcome(() => parseCsvDataset(text, opts));
      // Decoding in small chunks cut at record boundaries gives the same outcome.
      const chunked = outcome(() => parseCsvChunks(splitCsvBuffer(Buffer.from(text, "utf8"), 7), opts));
      assert.deepEqual(chunked, whole);
    }),
    { numRuns: 400, seed: 616161 },
  );
});

test("arbitrary short texts never crash the parser", () => {
  const text = fc.string({ unit: fc.constantFrom("1", "2", "a", ",", '"', "\n", "\r", " ", ".", "e", "-", "\uFEFF"), maxLength: 60 });
  const opts = fc.record({
    labelColumn: fc.oneof(fc.integer({ min: -4, max: 4 }), fc.constantFrom("a", "1", "")),
    header: fc.constantFrom<"auto" | boolean>("auto", true, false),
  });
  fc.assert(
    fc.property(text, opts, (t, o) => {
      outcome(() => parseCsvDataset(t, { file: "data.csv", ...o }));
    }),
    { numRuns: 1000, seed: 717171 },
  );
});

test("valid tables split into chunks at record boundaries parse like the whole text", () => {
  fc.assert(
    fc.property(table, fc.integer({ min: 1, max: 40 }), ({ ds, labelName, layout }, size) => {
      const text = write(ds, labelName, layout);
      const opts = options(ds, labelName, layout);
      const pieces = Array.from(splitCsvBuffer(Buffer.from(text, "utf8"), size));
      assert.equal(pieces.join(""), text);
      if (ambiguousFirstRow(ds, layout)) assert.throws(() => parseCsvChunks(pieces, { ...opts, expectedRows: 1 }), /row 1: its label .* occurs in no other row/);
      assert.deepEqual(parseCsvChunks(pieces, { ...opts, expectedRows: 1, ...(ambiguousFirstRow(ds, layout) ? { header: false } : {}) }), ds);
    }),
    { numRuns: 200, seed: 818181 },
  );
});

test("decimal cells of every shape parse bit-identically to Number()", () => {
  const digits = (min: number, max: number) => fc.string({ unit: fc.constantFrom(..."0123456789"), minLength: min, maxLength: max });
  const cell = fc
    .record({
      sign: fc.constantFrom("", "-", "+"),
      int: digits(0, 19),
      frac: fc.option(digits(0, 19)),
      exp: fc.option(fc.tuple(fc.constantFrom("e", "E"), fc.constantFrom("", "-", "+"), digits(1, 3))),
      pad: fc.constantFrom("", " ", "\t "),
    })
    .map(({ sign, int, frac, exp, pad }) => pad + sign + int + (frac === null ? "" : "." + frac) + (exp === null ? "" : exp.join("")) + pad)
    .filter((s) => Number.isFinite(Number(s)) && /\d/.test(s.replace(/[eE].*/, "")));
  fc.assert(
    fc.property(fc.array(cell, { minLength: 1, maxLength: 20 }), (cells) => {
      const text = cells.map((c, i) => `${c},${i % 2}`).join("\n") + "\n0,1\n";
      const ds = parseCsvDataset(text, { file: "data.csv", header: false });
      cells.forEach((c, i) => assert.ok(Object.is(ds.x[i], Number(c)), `${JSON.stringify(c)}: ${ds.x[i]} vs ${Number(c)}`));
    }),
    { numRuns: 300, seed: 919191 },
  );
});
