// "Every number in the docs comes from a generated table or names the command that produced it."
// A measured number is a figure with a unit of measurement (%, ×, s, ms, GFLOP/s, MiB, µJ, …) in
// the prose of README.md or docs/*.md, outside code and outside generated blocks
// (`<!-- name:begin -->` … `<!-- name:end -->`, and the generated pages cli.md and formats.md).
// Two checks:
// - each section (a heading and its text) holding one says where its numbers come from: names a
//   command (`npm run …`, `node …`, `dynaspin …`, `python3 …`, in backticks or a code block),
//   links the page that measured it (results.md, benchmarks.md, accuracy.md), or carries a note
//   `<!-- numbers: why these are not measurements -->` (settings, design choices, literature
//   values, a dated log of past experiments);
// - each paragraph, list or table holding one names its command itself or right before it (the
//   paragraph or code block just above, in the same section), or carries such a note; on pages
//   other than the results pages a link to the results page that holds the generated table counts
//   too. On the results pages (results.md, benchmarks.md, accuracy.md) a number is in a generated
//   block or next to its command;
// - on results.md and benchmarks.md a table with numbers is a generated block (written by the
//   script that measures it, bench/doc-blocks.ts), or is marked by a note as a dated log.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
const GENERATED_PAGES = new Set(["docs/cli.md", "docs/formats.md"]);
const MEASURED =
  /(?<![\w.×])[-+]?\d[\d,.]*(?!\s*×\s*\d)\s*(?:%|×(?!\s*(?:the|a|an|each|its)\b)|x\b|ms\b|µs\b|ns\b|s\b|min\b|h\b|GFLOP\/s|[kKMG]i?B\b|[µnpm]J\b|samples\/s|epochs\/s|points\/s)/;
const COMMAND = /`\s*(?:npm run|npm test|node |dynaspin |npx |python3? |\/usr\/bin\/python3 |bash |env )[^`]*`/;
const FENCE_COMMAND = /^\s*(?:\$\s*)?(?:npm|node|dynaspin|npx|python3?|\/usr\/bin\/python3|bash|env)\b/;
const SOURCE_LINK = /\]\((?:\.\.\/)?(?:docs\/)?(?:results|benchmarks|accuracy)\.md(?:#[^)]*)?\)|\b(?:results|benchmarks|accuracy)\.md\b/;
const NOTE = /<!--\s*numbers:\s*\S[^>]*-->/;
const RESULT_PAGES = /(?:^|\/)(?:results|benchmarks|accuracy)\.md$/;
const hasMeasured = (line: string): boolean => MEASURED.test(line.replace(/`[^`]*`/g, "").replace(/<!--.*?-->/g, ""));

interface Unit {
  kind: "para" | "fence" | "heading" | "block";
  text: string;
  line: number;
}

/** A page cut into paragraphs (lists and tables included), code blocks, headings and generated blocks. */
function units(text: string): Unit[] {
  const out: Unit[] = [];
  let cur: Unit | null = null, fence: Unit | null = null, inBlock = false;
  const flush = (): void => {
    if (cur) out.push(cur);
    cur = null;
  };
  text.split("\n").forEach((l, i) => {
    if (fence) {
      if (/^```/.test(l)) {
        out.push(fence);
        fence = null;
      } else fence.text += l + "\n";
      return;
    }
    if (/^```/.test(l)) {
      flush();
      fence = { kind: "fence", text: "", line: i + 1 };
      return;
    }
    if (/<!--\s*[\w-]+:begin\s*-->/.test(l)) {
      flush();
      inBlock = true;
      return;
    }
    if (/<!--\s*[\w-]+:end\s*-->/.test(l)) {
      inBlock = false;
      out.push({ kind: "block", text: "", line: i + 1 });
      return;
    }
    if (inBlock) return;
    if (/^#{1,6}\s/.test(l)) {
      flush();
      out.push({ kind: "heading", text: l, line: i + 1 });
      return;
    }
    if (/^\s*$/.test(l)) return void flush();
    cur ??= { kind: "para", text: "", line: i + 1 };
    cur.text += l + "\n";
  });
  flush();
  return out;
}

/** Lines starting paragraphs with a measured number that neither they nor the unit just above source. */
function unsourcedParagraphs(page: string, text: string): number[] {
  const linkCounts = !RESULT_PAGES.test(page);
  const names = (u: Unit | undefined): boolean =>
    u !== undefined &&
    (u.kind === "fence"
      ? u.text.split("\n").some((l) => FENCE_COMMAND.test(l))
      : (u.kind === "para" || u.kind === "heading") && (COMMAND.test(u.text) || NOTE.test(u.text) || (linkCounts && SOURCE_LINK.test(u.text))));
  const us = units(text);
  return us.flatMap((u, k) => (u.kind === "para" && u.text.split("\n").some(hasMeasured) && !names(u) && !names(us[k - 1]) ? [u.line] : []));
}

interface Section {
  page: string;
  title: string;
  line: number;
  measured: number[];
  sourced: boolean;
}

/** The sections of one page with the lines of measured numbers and whether they are sourced. */
function sections(page: string, text: string): Section[] {
  const out: Section[] = [];
  let cur: Section = { page, title: "(top)", line: 1, measured: [], sourced: false };
  let prose = "";
  let inFence = false, inBlock = false;
  const close = (): void => {
    if (COMMAND.test(prose) || SOURCE_LINK.test(prose) || NOTE.test(prose)) cur.sourced = true;
    out.push(cur);
  };
  text.split("\n").forEach((l, i) => {
    if (/^```/.test(l)) return void (inFence = !inFence);
    if (inFence) {
      if (FENCE_COMMAND.test(l)) cur.sourced = true;
      return;
    }
    if (/<!--\s*[\w-]+:begin\s*-->/.test(l)) return void (inBlock = true);
    if (/<!--\s*[\w-]+:end\s*-->/.test(l)) return void (inBlock = false);
    if (/^#{1,6}\s/.test(l)) {
      close();
      cur = { page, title: l.replace(/^#+\s*/, ""), line: i + 1, measured: [], sourced: false };
      prose = l + "\n";
      return;
    }
    prose += l + "\n";
    if (!inBlock && hasMeasured(l)) cur.measured.push(i + 1);
  });
  close();
  return out;
}

test("every section of the docs with a measured number names its command, links the page that measured it, or says why it is not a measurement", () => {
  const pages = ["README.md", ...readdirSync(join(root, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)].filter((p) => !GENERATED_PAGES.has(p));
  const unsourced: string[] = [];
  for (const page of pages) {
    for (const s of sections(page, readFileSync(join(root, page), "utf8"))) {
      if (s.measured.length > 0 && !s.sourced) unsourced.push(`${page}:${s.line} "${s.title}" (numbers on lines ${s.measured.join(", ")})`);
    }
  }
  assert.deepEqual(unsourced, []);
});

test("every paragraph, list or table of the docs with a measured number names its command (itself or just above), is in a generated block, or says why it is not a measurement", () => {
  const pages = ["README.md", ...readdirSync(join(root, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)].filter((p) => !GENERATED_PAGES.has(p));
  const unsourced: string[] = [];
  for (const page of pages) {
    const text = readFileSync(join(root, page), "utf8");
    const lines = text.split("\n");
    for (const n of unsourcedParagraphs(page, text)) unsourced.push(`${page}:${n} ${lines[n - 1]!.slice(0, 60)}`);
  }
  assert.deepEqual(unsourced, [], "name the command in the paragraph (or the one just above), move the number into a generated block, or add <!-- numbers: … --> saying why it is not a measurement");
});

/**
 * Lines starting tables with numbers on a results page (results.md, benchmarks.md) that are
 * neither in a generated block nor marked by a note (in the table or the paragraph just above)
 * as a dated log that cannot be rerun. Measured tables there are written by the scripts.
 */
function pastedTables(text: string): number[] {
  const us = units(text);
  const rule = (l: string): boolean => /^\|(?:\s*:?-{3,}:?\s*\|)+$/.test(l);
  const isTable = (u: Unit): boolean => u.kind === "para" && u.text.split("\n").some(rule);
  const body = (u: Unit): string[] => {
    const ls = u.text.split("\n");
    return ls.slice(ls.findIndex(rule) + 1).filter((l) => l.startsWith("|"));
  };
  const hasNumbers = (u: Unit): boolean => body(u).some((l) => /\d/.test(l.replace(/`[^`]*`/g, "")));
  const noted = (u: Unit | undefined): boolean => u !== undefined && (u.kind === "para" || u.kind === "heading") && NOTE.test(u.text);
  return us.flatMap((u, k) => (isTable(u) && hasNumbers(u) && !noted(u) && !noted(us[k - 1]) ? [u.line] : []));
}

test("the results pages have no pasted tables: a table with numbers is a generated block or marked as a dated log", () => {
  const bad: string[] = [];
  for (const page of ["docs/results.md", "docs/benchmarks.md"]) {
    const text = readFileSync(join(root, page), "utf8");
    const lines = text.split("\n");
    for (const n of pastedTables(text)) bad.push(`${page}:${n} ${lines[n - 1]!.slice(0, 60)}`);
  }
  assert.deepEqual(bad, [], "make the table a generated block (bench/doc-blocks.ts) written by the script that measures it, or mark a dated log with <!-- numbers: … -->");
});

test("the pasted-table check: a table outside a block needs a note, a block needs none", () => {
  assert.deepEqual(pastedTables("# A\n`npm run results`\n\n| a | b |\n|---|---|\n| x | 97.5 % |\n"), [4], "naming the command is not enough on a results page");
  assert.deepEqual(pastedTables("# A\n<!-- x:begin -->\n| a | b |\n|---|---|\n| x | 97.5 % |\n<!-- x:end -->\n"), []);
  assert.deepEqual(pastedTables("# A\nA log of 2026-11.\n<!-- numbers: a dated log -->\n\n| a | b |\n|---|---|\n| x | 97.5 % |\n"), []);
  assert.deepEqual(pastedTables("# A\n| setting | value |\n|---|---|\n| `--lr 0.5` | the default |\n"), [], "a table without numbers (outside code) is prose");
  assert.deepEqual(pastedTables("# A\nSome words.\n| a | b |\n|---|---|\n| x | 97.5 % |\n"), [2], "a table glued to a paragraph is still a table");
  assert.deepEqual(pastedTables("# A\n<!-- numbers: a dated log -->\n| a | b |\n|---|---|\n| x | 97.5 % |\n"), []);
});

test("the paragraph check: a number needs its command nearby, a results page needs more than a link", () => {
  const bad = (text: string, page = "docs/x.md"): number[] => unsourcedParagraphs(page, text);
  assert.deepEqual(bad("# A\nRun `npm run results`.\n\nIt takes 2.4 s.\n"), [], "the paragraph just above names it");
  assert.deepEqual(bad("# A\nRun `npm run results`.\n\nSome words.\n\nIt takes 2.4 s.\n"), [6], "two paragraphs away is too far");
  assert.deepEqual(bad("# A\nRun `npm run results`.\n# B\nIt takes 2.4 s.\n"), [4], "not across a heading");
  assert.deepEqual(bad("# A\n```sh\ndynaspin llg --params py-cu-py\n```\n| I | p |\n|---|---|\n| 4 mA | 4.0e-4 |\n| x | 12 % |\n"), []);
  assert.deepEqual(bad("# A\n97.8 % on the spiral ([results](results.md)).\n"), []);
  assert.deepEqual(bad("# A\n97.8 % on the spiral ([results](results.md)).\n", "docs/results.md"), [2], "on a results page a link is not a source");
  assert.deepEqual(bad("# A\n<!-- r:begin -->\n| x | 2.0 ms |\n<!-- r:end -->\n\nAbove: 2.0 ms.\n", "docs/results.md"), [6], "a generated block is not a command");
  assert.deepEqual(bad("# A\nA 20 % validation split.\n<!-- numbers: a setting -->\n", "docs/results.md"), []);
});

test("the docs number check sees measurements and their sources, and ignores code, dimensions and generated blocks", () => {
  const check = (text: string): boolean[] => sections("x.md", text).filter((s) => s.measured.length > 0).map((s) => s.sourced);
  assert.deepEqual(check("# A\nTraining takes 2.4 s per run.\n"), [false]);
  assert.deepEqual(check("# A\nTraining takes 2.4 s per run (`npm run results -- digits`).\n"), [true]);
  assert.deepEqual(check("# A\nNumPy is 3.1× slower.\n\n```sh\nnpm run bench -- --only train\n```\n"), [true]);
  assert.deepEqual(check("# A\n97.8 % on the spiral ([results](results.md)).\n"), [true]);
  assert.deepEqual(check("# A\nA stratified 20 % validation split.\n<!-- numbers: settings of the training defaults -->\n"), [true]);
  assert.deepEqual(check("# A\nThe 8×8 digits, `--lr 0.5 s`, 64 oscillators.\n"), []);
  assert.deepEqual(check("# A\nThe moments take 2 × the parameter count.\n"), []);
  assert.deepEqual(check("# A\n<!-- bench:begin -->\n| x | 2.0 ms |\n<!-- bench:end -->\n"), []);
  assert.deepEqual(check("# A\nspeed `dynaspin robustness --sigma 0\n--hw noise=S` gives 0.3 s\n"), [true]);
});
