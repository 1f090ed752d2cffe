/**
 * `panelGrid`: composes several chart SVGs into one figure on a grid, each panel marked with a
 * bold letter (a), (b), ... in its top-left corner, as journals number sub-figures.
 */
import { svgDocument, text } from "./svg.js";
import { num } from "./text.js";
import { InputError } from "../util/errors.js";
import { integer } from "../util/check.js";

/** Options of {@link panelGrid}. */
export interface PanelGridOptions {
  /** Standalone SVG documents (as returned by the chart functions), in reading order. */
  panels: readonly string[];
  /** Panels per row. @default panels.length if ≤ 3, else 2 */
  columns?: number;
  /**
   * Put (a), (b), ... at each panel's top-left corner: beside the title of a titled chart, or in an
   * 18 px strip added above an untitled one. @default true
   */
  letters?: boolean;
  /** Letter of the first panel. @default "a" */
  firstLetter?: string;
  /** Space between panels in px. @default 8 */
  gap?: number;
  /** Bold title above the whole figure. @default none */
  title?: string;
}

/** Width and height (px) of a standalone SVG string, read from its root element. */
export function svgSize(svg: string, where = "panelGrid: each panel"): { width: number; height: number } {
  const m = /<svg\b[^>]*>/.exec(svg);
  const tag = m ? m[0] : "";
  const w = /\swidth="([0-9.]+)"/.exec(tag);
  const h = /\sheight="([0-9.]+)"/.exec(tag);
  if (!w || !h) throw new InputError(`${where} must be an SVG document with numeric width and height attributes`);
  return { width: Number(w[1]), height: Number(h[1]) };
}

/**
 * Places panels on a grid (column widths and row heights from the largest panel in each) and
 * returns one SVG document. Panels keep their own ids (already unique per chart).
 *
 * @example panelGrid({ panels: [lineChart(a), lineChart(b)] }) // one row, (a) and (b)
 */
export function panelGrid(options: PanelGridOptions): string {
  const panels = options.panels;
  if (!Array.isArray(panels) || panels.length === 0) throw new InputError("panelGrid: panels must be a non-empty array of SVG strings");
  const n = panels.length;
  const columns = Math.min(n, integer(options.columns ?? (n <= 3 ? n : 2), 1, 26, "panelGrid: columns"));
  const gap = options.gap ?? 8;
  const letters = options.letters !== false;
  // A panel without a visible title gets a strip above it for its letter, so the letter never
  // covers the top tick label; a titled panel has its letter beside the title.
  const STRIP = 18;
  const sizes = panels.map((p, i) => {
    if (typeof p !== "string") throw new TypeError(`panelGrid: panels[${i}] must be an SVG string`);
    const s = svgSize(p);
    const strip = letters && !/<svg\b[^>]*\sdata-headed="true"/.test(p) ? STRIP : 0;
    return { width: s.width, height: s.height + strip, strip };
  });
  const rows = Math.ceil(n / columns);
  const colW = new Array<number>(columns).fill(0);
  const rowH = new Array<number>(rows).fill(0);
  sizes.forEach((s, i) => {
    colW[i % columns] = Math.max(colW[i % columns]!, s.width);
    rowH[Math.floor(i / columns)] = Math.max(rowH[Math.floor(i / columns)]!, s.height);
  });
  const titleH = options.title ? 30 : 0;
  const width = colW.reduce((a, b) => a + b, 0) + gap * (columns - 1);
  const height = titleH + rowH.reduce((a, b) => a + b, 0) + gap * (rows - 1);
  const first = (options.firstLetter ?? "a").charCodeAt(0);
  let body = "";
  panels.forEach((p, i) => {
    const c = i % columns;
    const r = Math.floor(i / columns);
    const x = colW.slice(0, c).reduce((a, b) => a + b, 0) + gap * c;
    const y = titleH + rowH.slice(0, r).reduce((a, b) => a + b, 0) + gap * r;
    const strip = sizes[i]!.strip;
    const inner = p.replace(/^\s*<\?xml[^>]*>\s*/, "").replace(/<svg\b/, `<svg x="${num(x)}" y="${num(y + strip)}"`);
    body += inner;
    if (letters) body += text(x + 6, y + (strip ? 15 : 20), `(${String.fromCharCode(first + i)})`, { size: 14, bold: true }) + "\n";
  });
  if (options.title) body += text(width / 2, 20, options.title, { anchor: "middle", size: 14, bold: true }) + "\n";
  return svgDocument(width, height, body, options.title ?? "figure", !!options.title);
}
