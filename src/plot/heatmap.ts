/**
 * `heatmapChart`: a matrix of values as coloured cells with optional numbers in the cells and
 * row/column labels, e.g. a confusion matrix (rows = true class, columns = predicted class).
 */
import { axisTitle, type AxisOptions } from "./frame.js";
import { checkSize, numbers } from "./check.js";
import { INK, MUTED, luminance, sequential } from "./palette.js";
import { svgDocument, text } from "./svg.js";
import { num, textWidth, minusSign } from "./text.js";
import { InputError } from "../util/errors.js";
import { integer, oneOf } from "../util/check.js";

/** Options of {@link heatmapChart}. */
export interface HeatmapChartOptions {
  /** Values, row-major: cell (row r, column c) at `r·cols + c`. */
  matrix: ArrayLike<number>;
  /** Number of rows of `matrix`. */
  rows: number;
  /** Number of columns of `matrix`. */
  cols: number;
  /** Row labels (left), one per row. @default "0", "1", ... */
  rowLabels?: readonly string[];
  /** Column labels (bottom), one per column. @default "0", "1", ... */
  colLabels?: readonly string[];
  /** Title of the column axis (below). @default none */
  xAxis?: Pick<AxisOptions, "label" | "unit">;
  /** Title of the row axis (left). @default none */
  yAxis?: Pick<AxisOptions, "label" | "unit">;
  /**
   * Colour by the value itself ("none", over [min, max] of the matrix) or by the value's share of
   * its row ("row", e.g. per-class recall in a confusion matrix). @default "none"
   */
  normalize?: "none" | "row";
  /** Print the value in each cell. @default true */
  showValues?: boolean;
  /** Decimals of the printed values. @default 0 */
  digits?: number;
  /** Values mapped to the lightest and darkest colour (clamped outside), e.g. the data's range
   * for accuracies that differ by a few percent. @default [min(0, data min), data max] */
  domain?: [number, number];
  /** Draw a colour bar on the right. @default false */
  colorBar?: boolean;
  /** @default 420 */
  width?: number;
  /** @default 400 */
  height?: number;
  /** @default none */
  title?: string;
}

/**
 * Draws a heatmap with a sequential colour-blind-safe blue ramp; cell text switches to white on
 * dark cells. Returns an SVG string.
 *
 * @example heatmapChart({ matrix: [5, 1, 0, 6], rows: 2, cols: 2, rowLabels: ["a", "b"], colLabels: ["a", "b"] })
 */
export function heatmapChart(options: HeatmapChartOptions): string {
  const where = "heatmapChart";
  const [width, height] = checkSize(options.width ?? 420, options.height ?? 400, where);
  const rows = integer(options.rows, 1, 1000, `${where}: rows`);
  const cols = integer(options.cols, 1, 1000, `${where}: cols`);
  const m = numbers(options.matrix, `${where}: matrix`);
  if (m.length !== rows * cols) throw new InputError(`${where}: matrix must have rows·cols = ${rows * cols} values (got ${m.length})`);
  const rowLabels = options.rowLabels ?? Array.from({ length: rows }, (_, i) => String(i));
  const colLabels = options.colLabels ?? Array.from({ length: cols }, (_, i) => String(i));
  if (rowLabels.length !== rows) throw new InputError(`${where}: rowLabels must have ${rows} labels (got ${rowLabels.length})`);
  if (colLabels.length !== cols) throw new InputError(`${where}: colLabels must have ${cols} labels (got ${colLabels.length})`);
  const normalize = oneOf(options.normalize ?? "none", ["none", "row"] as const, `${where}: normalize`);
  const digits = integer(options.digits ?? 0, 0, 6, `${where}: digits`);
  const showValues = options.showValues !== false;
  const FS = 11;
  const xTitle = axisTitle(options.xAxis);
  const yTitle = axisTitle(options.yAxis);
  const rowW = rowLabels.reduce((w, l) => Math.max(w, textWidth(l, FS)), 0);
  const left = 8 + (yTitle ? 12 + 8 : 0) + rowW + 6;
  const top = options.title ? 10 + 13 + 10 : 10;
  const bottom = 6 + FS + (xTitle ? 8 + 12 : 0) + 10;
  const right = options.colorBar ? 70 : 12;
  const plotW = Math.max(20, width - left - right);
  const plotH = Math.max(20, height - top - bottom);
  const cw = plotW / cols;
  const ch = plotH / rows;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < m.length; i++) {
    const v = m[i]!;
    if (Number.isFinite(v)) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  if (!(lo <= hi)) {
    lo = 0;
    hi = 1;
  }
  let floor = Math.min(0, lo);
  if (options.domain !== undefined) {
    const d = numbers(options.domain, `${where}: domain`);
    const a = d[0], b = d[1];
    if (d.length !== 2 || !(b > a)) throw new InputError(`${where}: domain must be [min, max] with max > min (got [${a}, ${b}])`);
    [floor, hi] = [a, b];
  }
  const scaleT = (r: number, v: number): number => {
    if (normalize === "row") {
      let s = 0;
      for (let c = 0; c < cols; c++) s += Math.max(0, m[r * cols + c]!) || 0;
      return s > 0 ? v / s : 0;
    }
    return hi > floor ? Math.min(1, Math.max(0, (v - floor) / (hi - floor))) : lo > 0 ? 1 : 0;
  };
  // Cell text must fit: shrink the font for small cells.
  const valueFs = Math.max(6, Math.min(12, ch * 0.45, cw / Math.max(2, (digits > 0 ? digits + 3 : 3)) * 1.4));
  let body = "";
  let cells = "";
  let values = "";
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const v = m[r * cols + c]!;
      const fill = Number.isFinite(v) ? sequential(scaleT(r, v)) : "#FFFFFF";
      const x = left + c * cw;
      const y = top + r * ch;
      cells += `<rect x="${num(x)}" y="${num(y)}" width="${num(cw + 0.3)}" height="${num(ch + 0.3)}" fill="${fill}"/>`;
      if (showValues && Number.isFinite(v)) {
        const tf = luminance(fill) < 0.35 ? "#FFFFFF" : INK;
        values += text(x + cw / 2, y + ch / 2, minusSign(v.toFixed(digits)), { anchor: "middle", valign: "middle", size: valueFs, fill: tf });
      }
    }
  }
  body += `<g>${cells}</g>\n<g>${values}</g>\n`;
  body += `<rect x="${num(left)}" y="${num(top)}" width="${num(plotW)}" height="${num(plotH)}" fill="none" stroke="${INK}" stroke-width="1"/>\n`;
  let labels = "";
  for (let r = 0; r < rows; r++) labels += text(left - 6, top + (r + 0.5) * ch, rowLabels[r]!, { anchor: "end", valign: "middle", fill: MUTED });
  for (let c = 0; c < cols; c++) labels += text(left + (c + 0.5) * cw, top + plotH + 6, colLabels[c]!, { anchor: "middle", valign: "hanging", fill: MUTED });
  body += `<g>${labels}</g>\n`;
  if (xTitle) body += text(left + plotW / 2, top + plotH + 6 + FS + 8 + 12 * 0.8, xTitle, { anchor: "middle", size: 12 }) + "\n";
  if (yTitle) body += text(8 + 12 * 0.8, top + plotH / 2, yTitle, { anchor: "middle", size: 12, rotate: -90 }) + "\n";
  if (options.title) body += text(left + plotW / 2, 10 + 13 * 0.8, options.title, { anchor: "middle", size: 13, bold: true }) + "\n";
  if (options.colorBar) {
    const bx = left + plotW + 14;
    const steps = 32;
    let bar = "";
    for (let k = 0; k < steps; k++) {
      const y = top + plotH - ((k + 1) * plotH) / steps;
      bar += `<rect x="${num(bx)}" y="${num(y)}" width="12" height="${num(plotH / steps + 0.3)}" fill="${sequential((k + 0.5) / steps)}"/>`;
    }
    const loLab = normalize === "row" ? "0" : minusSign(floor.toFixed(digits));
    const hiLab = normalize === "row" ? "1" : minusSign(hi.toFixed(digits));
    bar += `<rect x="${num(bx)}" y="${num(top)}" width="12" height="${num(plotH)}" fill="none" stroke="${INK}" stroke-width="0.8"/>`;
    bar += text(bx + 16, top + plotH, loLab, { valign: "middle", size: 10, fill: MUTED });
    bar += text(bx + 16, top, hiLab, { valign: "middle", size: 10, fill: MUTED });
    if (normalize === "row") bar += text(bx + 36, top + plotH / 2, "share of row", { valign: "middle", size: 10, fill: MUTED, rotate: 90, anchor: "middle" });
    body += `<g>${bar}</g>\n`;
  }
  return svgDocument(width, height, body, options.title ?? "heatmap", !!options.title);
}
