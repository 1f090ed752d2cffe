// "Every number in the docs comes from a generated table or names the command that produced it."
// A measured number is a figure with a unit of measurement (%, ×, s, ms, GFLOP/s, MiB, µJ, …) in
// the prose of README.md or docs/*.md, outside code and outside generated blocks
// (`<!-- name:begin -->` … `<!-- name:end -->`, and the generated pages cli.md and formats.md).
// Each section (a heading and its text) holding one must say where it comes from: name a command
// (`npm run …`, `node …`, `dynaspin …`, `python3 …`, in backticks or a code block), link the page
// that measured it (results.md, benchmarks.md, accuracy.md), or carry a note
// `<!-- numbers: why these are not measurements -->` (settings, design choices, literature values).
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
    if (!inBlock && MEASURED.test(l.replace(/`[^`]*`/g, "").replace(/<!--.*?-->/g, ""))) cur.measured.push(i + 1);
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

test("the docs number check sees measurements and their sources, and ignores code, dimensions and generated blocks", () => {
  const check = (text: string): boolean[] => sections("x.md", text).filter((s) => s.measured.length > 0).map((s) => s.sourced);
  assert.deepEqual(check("# A\nTraining takes 2.4 s per run.\n"), [false]);
  assert.deepEqual(check("# A\nTraining takes 2.4 s per run (`node scripts/results-core.mjs digits`).\n"), [true]);
  assert.deepEqual(check("# A\nNumPy is 3.1× slower.\n\n```sh\nnpm run bench -- --only train\n```\n"), [true]);
  assert.deepEqual(check("# A\n97.8 % on the spiral ([results](results.md)).\n"), [true]);
  assert.deepEqual(check("# A\nA stratified 20 % validation split.\n<!-- numbers: settings of the training defaults -->\n"), [true]);
  assert.deepEqual(check("# A\nThe 8×8 digits, `--lr 0.5 s`, 64 oscillators.\n"), []);
  assert.deepEqual(check("# A\nThe moments take 2 × the parameter count.\n"), []);
  assert.deepEqual(check("# A\n<!-- bench:begin -->\n| x | 2.0 ms |\n<!-- bench:end -->\n"), []);
  assert.deepEqual(check("# A\nspeed `dynaspin robustness --sigma 0\n--hw noise=S` gives 0.3 s\n"), [true]);
});
