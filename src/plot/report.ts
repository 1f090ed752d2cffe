/**
 * `renderReport`: one self-contained HTML page (inline SVG figures, inline CSS, no scripts, no
 * external requests of any kind — enforced by a Content-Security-Policy of `default-src 'none'`)
 * that reads well on a phone and on paper. Pure: data in, string out.
 */
import { escapeXml } from "./text.js";
import { InputError } from "../util/errors.js";
import { show } from "../util/check.js";

/** A figure: an SVG document string (from the chart or figure functions) and its caption. */
export interface ReportFigure {
  /** Caption text; the figure's label ("Figure N.") is prepended. Backticks mark `code`. */
  caption: string;
  /** The figure, an SVG string (embedded inline). */
  svg: string;
  /**
   * The figure's label, "Figure " plus a number with an optional series letter ("Figure 2",
   * "Figure S1"), unique in the report; its anchor is `fig-<number>` in lower case (`#fig-s1`).
   * @default "Figure N", counting the figures of the report from 1
   */
  label?: string;
}

/** A table: header cells and rows of cells (numbers printed as given by `String`). */
export interface ReportTable {
  /** Column headings. */
  columns: readonly string[];
  /** Rows of cells, one per column; numbers are printed as given. */
  rows: readonly (readonly (string | number)[])[];
  /** Caption above the table. @default none */
  caption?: string;
}

/** One section of the report, rendered in order: heading, paragraphs, table, figures. */
export interface ReportSection {
  /** Heading of the section. */
  heading: string;
  /** Plain-text paragraphs (escaped; backticks mark `code`). @default [] */
  paragraphs?: readonly string[];
  /** @default [] */
  figures?: readonly ReportFigure[];
  /** @default none */
  table?: ReportTable;
}

/** Input of {@link renderReport}. */
export interface ReportData {
  /** Title of the report (the page's heading and its HTML title). */
  title: string;
  /** Line under the title. @default none */
  subtitle?: string;
  /** The sections, in order. */
  sections: readonly ReportSection[];
  /** Run details listed at the end (command, seeds, versions, timings...). @default [] */
  meta?: readonly {
    /** Name of the detail, e.g. "command". */
    key: string;
    /** Its value, as shown. */
    value: string;
  }[];
}

const CSS = `
:root{color-scheme:light}
*{box-sizing:border-box}
body{margin:0;background:#FAFAFA;color:#222;font:16px/1.55 "DejaVu Sans",system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif}
main{max-width:1040px;margin:0 auto;padding:24px 20px 48px;background:#FFF}
h1{font-size:1.7em;line-height:1.25;margin:.2em 0 .1em}
.subtitle{color:#555;margin:0 0 1em}
h2{font-size:1.25em;margin:1.8em 0 .5em;padding-bottom:.2em;border-bottom:1px solid #DDD}
nav ol{margin:.3em 0 0;padding-left:1.4em;columns:2 260px}
nav a{color:#0072B2;text-decoration:none}
nav a:hover{text-decoration:underline}
p{margin:.5em 0;max-width:80ch}
code{font-family:"DejaVu Sans Mono",ui-monospace,Menlo,Consolas,monospace;font-size:.88em;background:#F1F1F1;padding:.05em .3em;border-radius:3px;overflow-wrap:anywhere}
figure{margin:1.2em 0;text-align:center}
figure svg{display:block;margin:0 auto;max-width:100%;height:auto}
figcaption{margin:.5em auto 0;max-width:80ch;text-align:left;font-size:.92em;color:#333}
figcaption b{color:#000}
a{color:#0072B2}
.table-wrap{overflow-x:auto;margin:1em 0}
table{border-collapse:collapse;font-size:.93em;min-width:50%}
caption{caption-side:top;text-align:left;font-weight:bold;padding:0 0 .4em}
th,td{padding:.35em .7em;border-bottom:1px solid #E2E2E2;text-align:left;vertical-align:top}
th{background:#F3F6FA;border-bottom:2px solid #C8D3E0}
td.num{text-align:right;font-variant-numeric:tabular-nums}
tbody tr:nth-child(even){background:#FAFBFC}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:.25em 1em;font-size:.92em}
dl.meta dt{font-weight:bold;color:#444}
dl.meta dd{margin:0;overflow-wrap:anywhere}
@media (max-width:640px){body{font-size:15px}main{padding:14px 10px 32px}dl.meta{grid-template-columns:1fr}dl.meta dd{margin-bottom:.4em}}
@media print{body{background:#FFF}main{max-width:none;padding:0}figure{break-inside:avoid}}
`;

/** Escapes text and turns `backticked` spans into <code>. */
function inline(s: string): string {
  return escapeXml(s).replace(/`([^`]+)`/g, "<code>$1</code>");
}

const LABEL = /^Figure (S?\d+)$/;

/** The anchor of a figure label: "Figure S1" → "fig-s1". */
export function figureAnchor(label: string): string {
  const m = LABEL.exec(label);
  if (!m) throw new InputError(`figure label must be "Figure " and a number, optionally after S (got ${show(label)})`);
  return `fig-${m[1]!.toLowerCase()}`;
}

/**
 * {@link inline}, then each "Figure X" naming a figure of the report (outside code) becomes a link
 * to it; `refs` collects the anchors linked.
 */
function linked(s: string, labels: ReadonlySet<string>, refs: Set<string>): string {
  return inline(s)
    .split(/(<code>[\s\S]*?<\/code>)/)
    .map((part) =>
      part.startsWith("<code>")
        ? part
        : part.replace(/\bFigure (S?\d+)\b/g, (m: string) => {
            if (!labels.has(m)) return m;
            const a = figureAnchor(m);
            refs.add(a);
            return `<a href="#${a}">${m}</a>`;
          }),
    )
    .join("");
}

/** Checks that a figure is a standalone SVG document without scripts or external references; returns it without an XML prolog. */
function checkSvg(svg: unknown, where: string): string {
  if (typeof svg !== "string") throw new TypeError(`${where} must be an SVG string (got ${show(svg)})`);
  const s = svg.replace(/^\s*<\?xml[^>]*>\s*/, "").trim();
  if (!s.startsWith("<svg")) throw new InputError(`${where} must start with <svg (got ${show(s.slice(0, 20))})`);
  if (/<script\b|\bon[a-z]+\s*=|(?:href|src)\s*=\s*["'](?!#)|url\(\s*["']?(?!#)/i.test(s)) {
    throw new InputError(`${where} must not contain scripts, event handlers or external references`);
  }
  return s;
}

const NUMERIC = /^[−+-]?\d[\d,]*(\.\d+)?\s*%?$/;

/**
 * Renders the report as one HTML5 document: title, subtitle, a table of contents, the sections
 * (figures labelled by their `label`, or numbered "Figure 1.", "Figure 2.", ... across the report)
 * and a "Run details" list. "Figure X" in paragraphs and table cells links to that figure. All text
 * is escaped; figure SVGs are inlined after checking they hold no scripts or external references.
 *
 * @throws InputError for a malformed or repeated figure label.
 * @example renderReport({ title: "dynaspin reproduce", sections: [{ heading: "Spiral", paragraphs: ["Test accuracy 92 %."] }] })
 */
export function renderReport(data: ReportData): string {
  if (typeof data?.title !== "string") throw new TypeError("renderReport: title must be a string");
  const sections: readonly ReportSection[] = data.sections;
  if (!Array.isArray(sections)) throw new TypeError("renderReport: sections must be an array");
  // Labels first, so that text can link to a figure of a later section.
  let figNo = 0;
  const labels = new Set<string>();
  const labelOf = new Map<ReportFigure, string>();
  sections.forEach((sec: ReportSection) => {
    for (const f of sec?.figures ?? []) {
      figNo++;
      const label = f.label === undefined ? `Figure ${figNo}` : String(f.label);
      figureAnchor(label);
      if (labels.has(label)) throw new InputError(`renderReport: figure label ${show(label)} is used twice`);
      labels.add(label);
      labelOf.set(f, label);
    }
  });
  const refs = new Set<string>();
  let toc = "";
  let body = "";
  sections.forEach((sec: ReportSection, si: number) => {
    const where = `renderReport: sections[${si}]`;
    if (typeof sec.heading !== "string") throw new TypeError(`${where}.heading must be a string`);
    const id = `s${si + 1}`;
    toc += `<li><a href="#${id}">${inline(sec.heading)}</a></li>`;
    body += `<section id="${id}">\n<h2>${inline(sec.heading)}</h2>\n`;
    for (const p of sec.paragraphs ?? []) body += `<p>${linked(String(p), labels, refs)}</p>\n`;
    if (sec.table) {
      const t: ReportTable = sec.table;
      const n = t.columns.length;
      body += `<div class="table-wrap"><table>`;
      if (t.caption) body += `<caption>${inline(t.caption)}</caption>`;
      body += `<thead><tr>${t.columns.map((c: string) => `<th scope="col">${inline(String(c))}</th>`).join("")}</tr></thead><tbody>`;
      t.rows.forEach((row: readonly (string | number)[], ri: number) => {
        if (row.length !== n) throw new InputError(`${where}.table.rows[${ri}] must have ${n} cells like columns (got ${row.length})`);
        body += `<tr>${row
          .map((c: string | number) => {
            const s = String(c);
            return `<td${typeof c === "number" || NUMERIC.test(s) ? ` class="num"` : ""}>${linked(s, labels, refs)}</td>`;
          })
          .join("")}</tr>`;
      });
      body += `</tbody></table></div>\n`;
    }
    (sec.figures ?? []).forEach((f: ReportFigure, fi: number) => {
      const svg = checkSvg(f.svg, `${where}.figures[${fi}].svg`);
      const label = labelOf.get(f)!;
      body += `<figure id="${figureAnchor(label)}">\n${svg}\n<figcaption><b>${escapeXml(label)}.</b> ${inline(String(f.caption ?? ""))}</figcaption>\n</figure>\n`;
    });
    body += `</section>\n`;
  });
  let meta = "";
  if (data.meta && data.meta.length > 0) {
    meta = `<section id="run-details">\n<h2>Run details</h2>\n<dl class="meta">${data.meta
      .map((m) => `<dt>${escapeXml(String(m.key))}</dt><dd>${inline(String(m.value))}</dd>`)
      .join("")}</dl>\n</section>\n`;
    toc += `<li><a href="#run-details">Run details</a></li>`;
  }
  return (
    `<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">\n` +
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">\n` +
    `<title>${escapeXml(data.title)}</title>\n<style>${CSS}</style>\n</head>\n<body>\n<main>\n` +
    `<header><h1>${inline(data.title)}</h1>${data.subtitle ? `<p class="subtitle">${inline(data.subtitle)}</p>` : ""}</header>\n` +
    (toc ? `<nav aria-label="Contents"><ol>${toc}</ol></nav>\n` : "") +
    body +
    meta +
    `</main>\n</body>\n</html>\n`
  );
}
