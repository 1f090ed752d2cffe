/**
 * The shared chart frame: lays out margins from the measured tick and axis labels, builds the
 * scales, and draws grid, axes box, ticks, labels, title and legend. Charts draw their data
 * between `back` (grid) and `front` (axes), clipped to the plot area.
 */
import { ID, markerPath, text, type Marker } from "./svg.js";
import { INK, GRID, MUTED } from "./palette.js";
import { linearScale, logScale, type Scale } from "./scale.js";
import { num, superscript, textWidth } from "./text.js";
import { InputError } from "../util/errors.js";
import { finite } from "../util/check.js";

/** Options of one chart axis. */
export interface AxisOptions {
  /** Axis title, e.g. "Current I". @default "" (no title) */
  label?: string;
  /** Unit, printed in parentheses after the title, e.g. "mA". @default "" (dimensionless) */
  unit?: string;
  /** Lower end of the axis in data units. @default data minimum, extended to a nice tick */
  min?: number;
  /** Upper end of the axis in data units. @default data maximum, extended to a nice tick */
  max?: number;
  /** Base-10 logarithmic axis (non-positive values are not drawn). @default false */
  log?: boolean;
  /** Approximate number of tick intervals. @default from the axis length (one per ~70 px on x, ~55 px on y) */
  ticks?: number;
}

/**
 * Where a legend goes: a corner inside the plot, "top" (a row between title and plot), "auto" (the
 * inside corner covering no data, else "top") or "none".
 */
export type LegendPosition = "auto" | "top" | "top-right" | "top-left" | "bottom-right" | "bottom-left" | "none";

/** Options every chart with a legend shares (each chart documents its own size defaults). */
export interface ChartBaseOptions {
  /** Width in px. @default 480 (scatter 400) */
  width?: number;
  /** Height in px. @default 320 (scatter 360) */
  height?: number;
  /** Bold title above the plot. @default none */
  title?: string;
  /** @default "auto" */
  legend?: LegendPosition;
}

/** Options of charts with an x axis, a left and an optional right y axis. */
export interface AxesChartOptions extends ChartBaseOptions {
  /** @default {} */
  x?: AxisOptions;
  /** Left y axis. @default {} (histogram: { label: "Count" } or "Density") */
  y?: AxisOptions;
  /** Right y axis (line series with `axis: "right"`, the histogram's overlay). @default none */
  y2?: AxisOptions;
}

/** The allowed {@link LegendPosition} values. */
export const LEGEND_POSITIONS = ["auto", "top", "top-right", "top-left", "bottom-right", "bottom-left", "none"] as const;

/** One legend row. */
export interface LegendEntry {
  label: string;
  color: string;
  /** Sample drawn left of the label. */
  kind: "line" | "points" | "linepoints" | "band" | "swatch";
  dash?: string;
  marker?: Marker;
  width?: number;
  /** Marker drawn as an outline only (white inside). @default false */
  hollow?: boolean;
  /** Marker fill opacity; when set, the marker gets an outline in its colour (translucent points). @default opaque, white ring */
  fillOpacity?: number;
}

/**
 * Axis title with its unit: "Current I (mA)"; with a factored-out power of ten E ≠ 0,
 * "Current I (10⁻⁵ A)" or, without a unit, "Power p (×10⁻⁹)".
 */
export function axisTitle(a: AxisOptions | undefined, exponent = 0): string {
  if (!a) return "";
  const l = a.label ?? "";
  const u = a.unit ?? "";
  const e = exponent !== 0 ? "10" + superscript(exponent) : "";
  const paren = e ? (u ? `${e} ${u}` : `×${e}`) : u;
  return paren ? (l ? `${l} (${paren})` : `(${paren})`) : l;
}

/** Checks an axis options object (min < max when both given, positive bounds on log axes). */
export function checkAxis(a: AxisOptions | undefined, name: string): void {
  if (!a) return;
  if (a.min !== undefined) finite(a.min, `${name}.min`);
  if (a.max !== undefined) finite(a.max, `${name}.max`);
  if (a.min !== undefined && a.max !== undefined && !(a.max > a.min)) {
    throw new InputError(`${name}: max must be > min (got min ${a.min}, max ${a.max})`);
  }
  if (a.log && ((a.min !== undefined && !(a.min > 0)) || (a.max !== undefined && !(a.max > 0)))) {
    throw new InputError(`${name}: a log axis needs min and max > 0 (got min ${a.min}, max ${a.max})`);
  }
  if (a.ticks !== undefined && !(Number.isInteger(a.ticks) && a.ticks >= 1 && a.ticks <= 50)) {
    throw new InputError(`${name}.ticks must be an integer in 1..50 (got ${a.ticks})`);
  }
}

/** Pixel rectangle of the plot area. */
export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Frame layout request. `extent`s are the data ranges to cover (NaN when there is no data). */
export interface FrameSpec {
  width: number;
  height: number;
  title?: string;
  x: AxisOptions;
  xExtent: readonly [number, number];
  y: AxisOptions;
  yExtent: readonly [number, number];
  y2?: AxisOptions;
  y2Extent?: readonly [number, number];
  /** Colour of the left / right axis titles (to tie an axis to its series). */
  yColor?: string;
  y2Color?: string;
  /** Draw grid lines at the major ticks. @default true */
  grid?: boolean;
  /** Extra space below the x axis title (e.g. for a caption). @default 0 */
  extraBottom?: number;
  /** Extra space between the title and the plot (e.g. for a legend row). @default 0 */
  extraTop?: number;
}

/** A laid-out frame. */
export interface Frame {
  plot: Rect;
  xs: Scale;
  ys: Scale;
  y2s: Scale | undefined;
  /** Grid lines; draw first. */
  back: string;
  /** Axes box, ticks, tick labels, axis titles, chart title; draw after the data. */
  front: string;
  /** `clip-path` attribute value clipping to the plot area (the frame defines the clipPath in `back`). */
  clip: string;
}

const TICK = 5;
const FS = 11;
const LABEL_FS = 12;
const TITLE_FS = 13;

function makeScale(a: AxisOptions, ext: readonly [number, number], r0: number, r1: number, count: number): Scale {
  const given = a.min !== undefined && a.max !== undefined;
  let lo = a.min ?? ext[0];
  let hi = a.max ?? ext[1];
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) {
    lo = a.log ? 1 : 0;
    hi = a.log ? 10 : 1;
  }
  if (a.log) return logScale(lo, hi, r0, r1, !given);
  return linearScale(lo, hi, r0, r1, a.ticks ?? count, !given);
}

/** Lays out and draws the frame of a chart with x, y and an optional right y2 axis. */
export function layoutFrame(spec: FrameSpec): Frame {
  const { width, height } = spec;
  const xCount = Math.max(2, Math.round((width - 90) / 70));
  const yCount = Math.max(2, Math.round((height - 80) / 55));
  // First pass with a dummy range: tick labels do not depend on the pixel range.
  const y0 = makeScale(spec.y, spec.yExtent, 0, 1, yCount);
  const y20 = spec.y2 ? makeScale(spec.y2, spec.y2Extent ?? [NaN, NaN], 0, 1, yCount) : undefined;
  const x0 = makeScale(spec.x, spec.xExtent, 0, 1, xCount);
  const maxW = (labels: readonly string[]) => labels.reduce((m, l) => Math.max(m, textWidth(l, FS)), 0);
  const yTitle = axisTitle(spec.y, y0.exponent);
  const y2Title = axisTitle(spec.y2, y20?.exponent ?? 0);
  const xTitle = axisTitle(spec.x, x0.exponent);
  const left = 8 + (yTitle ? LABEL_FS + 8 : 0) + maxW(y0.labels) + TICK + 4;
  const lastX = x0.labels.length ? textWidth(x0.labels[x0.labels.length - 1]!, FS) / 2 : 0;
  const right = y20 ? 8 + (y2Title ? LABEL_FS + 8 : 0) + maxW(y20.labels) + TICK + 4 : Math.max(14, lastX + 6);
  const top = (spec.title ? 10 + TITLE_FS + 10 : 12) + (spec.extraTop ?? 0);
  const bottom = TICK + 4 + FS + (xTitle ? 8 + LABEL_FS : 0) + 10 + (spec.extraBottom ?? 0);
  const plot: Rect = { x: left, y: top, w: Math.max(20, width - left - right), h: Math.max(20, height - top - bottom) };
  const xs = makeScale(spec.x, spec.xExtent, plot.x, plot.x + plot.w, xCount);
  const ys = makeScale(spec.y, spec.yExtent, plot.y + plot.h, plot.y, yCount);
  const y2s = spec.y2 ? makeScale(spec.y2, spec.y2Extent ?? [NaN, NaN], plot.y + plot.h, plot.y, yCount) : undefined;

  const bottomY = plot.y + plot.h;
  const rightX = plot.x + plot.w;
  let back = `<defs><clipPath id="${ID}-plot"><rect x="${num(plot.x)}" y="${num(plot.y)}" width="${num(plot.w)}" height="${num(plot.h)}"/></clipPath></defs>\n`;
  if (spec.grid !== false) {
    let d = "";
    for (const t of xs.ticks) {
      const px = xs.map(t);
      if (px > plot.x + 0.5 && px < rightX - 0.5) d += `M${num(px)},${num(plot.y)}V${num(bottomY)}`;
    }
    for (const t of ys.ticks) {
      const py = ys.map(t);
      if (py > plot.y + 0.5 && py < bottomY - 0.5) d += `M${num(plot.x)},${num(py)}H${num(rightX)}`;
    }
    if (d) back += `<path d="${d}" stroke="${GRID}" stroke-width="0.8" fill="none"/>\n`;
  }

  let ticks = "";
  let labels = "";
  xs.ticks.forEach((t, i) => {
    const px = xs.map(t);
    ticks += `M${num(px)},${num(bottomY)}v${TICK}`;
    labels += text(px, bottomY + TICK + 3, xs.labels[i]!, { anchor: "middle", valign: "hanging", fill: MUTED });
  });
  for (const t of xs.minor) ticks += `M${num(xs.map(t))},${num(bottomY)}v${TICK / 2}`;
  ys.ticks.forEach((t, i) => {
    const py = ys.map(t);
    ticks += `M${num(plot.x)},${num(py)}h${-TICK}`;
    labels += text(plot.x - TICK - 3, py, ys.labels[i]!, { anchor: "end", valign: "middle", fill: MUTED });
  });
  for (const t of ys.minor) ticks += `M${num(plot.x)},${num(ys.map(t))}h${-TICK / 2}`;
  if (y2s) {
    y2s.ticks.forEach((t, i) => {
      const py = y2s.map(t);
      ticks += `M${num(rightX)},${num(py)}h${TICK}`;
      labels += text(rightX + TICK + 3, py, y2s.labels[i]!, { anchor: "start", valign: "middle", fill: MUTED });
    });
    for (const t of y2s.minor) ticks += `M${num(rightX)},${num(y2s.map(t))}h${TICK / 2}`;
  }
  let front = `<rect x="${num(plot.x)}" y="${num(plot.y)}" width="${num(plot.w)}" height="${num(plot.h)}" fill="none" stroke="${INK}" stroke-width="1"/>\n`;
  front += `<path d="${ticks}" stroke="${INK}" stroke-width="1" fill="none"/>\n`;
  front += `<g>${labels}</g>\n`;
  if (xTitle) front += text(plot.x + plot.w / 2, bottomY + TICK + 4 + FS + 8 + LABEL_FS * 0.8, xTitle, { anchor: "middle", size: LABEL_FS }) + "\n";
  if (yTitle) front += text(8 + LABEL_FS * 0.8, plot.y + plot.h / 2, yTitle, { anchor: "middle", size: LABEL_FS, rotate: -90, fill: spec.yColor }) + "\n";
  if (y2s && y2Title) front += text(width - 8 - LABEL_FS * 0.8, plot.y + plot.h / 2, y2Title, { anchor: "middle", size: LABEL_FS, rotate: 90, fill: spec.y2Color }) + "\n";
  if (spec.title) front += text(plot.x + plot.w / 2, 10 + TITLE_FS * 0.8, spec.title, { anchor: "middle", size: TITLE_FS, bold: true }) + "\n";
  return { plot, xs, ys, y2s, back, front, clip: `url(#${ID}-plot)` };
}

const LEG_FS = 10.5;
const ROW = 15;
const SAMPLE = 22;
const PAD = 6;

function legendSize(entries: readonly LegendEntry[]): [number, number] {
  const w = PAD * 2 + SAMPLE + 6 + entries.reduce((m, e) => Math.max(m, textWidth(e.label, LEG_FS)), 0);
  return [w, PAD * 2 + ROW * entries.length - 3];
}

const CORNERS = ["top-right", "top-left", "bottom-right", "bottom-left"] as const;

/** Top-left position of a legend box in an inside corner, and how many of the points it covers. */
function cornerBox(entries: readonly LegendEntry[], plot: Rect, corner: (typeof CORNERS)[number], px: ArrayLike<number>, py: ArrayLike<number>): [number, number, number] {
  const [w, h] = legendSize(entries);
  const inset = 6;
  const lx = corner.endsWith("right") ? plot.x + plot.w - inset - w : plot.x + inset;
  const ly = corner.startsWith("top") ? plot.y + inset : plot.y + plot.h - inset - h;
  let n = 0;
  for (let i = 0; i < px.length; i++) {
    const x = px[i]!;
    const y = py[i]!;
    if (x >= lx - 3 && x <= lx + w + 3 && y >= ly - 3 && y <= ly + h + 3) n++;
  }
  return [lx, ly, n];
}

function sample(e: LegendEntry, x0: number, cy: number): string {
  let s = "";
  if (e.kind === "band") {
    s += `<rect x="${num(x0)}" y="${num(cy - 5)}" width="${SAMPLE}" height="10" fill="${e.color}" fill-opacity="0.25"/>`;
    s += `<path d="M${num(x0)},${num(cy)}h${SAMPLE}" stroke="${e.color}" stroke-width="${num(e.width ?? 2)}"${e.dash ? ` stroke-dasharray="${e.dash}"` : ""}/>`;
  } else if (e.kind === "swatch") {
    s += `<rect x="${num(x0 + 4)}" y="${num(cy - 5)}" width="${SAMPLE - 8}" height="10" fill="${e.color}" fill-opacity="0.55"/>`;
  } else {
    if (e.kind !== "points") s += `<path d="M${num(x0)},${num(cy)}h${SAMPLE}" stroke="${e.color}" stroke-width="${num(e.width ?? 2)}" fill="none"${e.dash ? ` stroke-dasharray="${e.dash}"` : ""}/>`;
    if (e.kind !== "line") {
      const paint = e.hollow
        ? `fill="#FFFFFF" stroke="${e.color}" stroke-width="1.2"`
        : e.fillOpacity !== undefined
          ? `fill="${e.color}" fill-opacity="${num(e.fillOpacity)}" stroke="${e.color}" stroke-width="0.8"`
          : `fill="${e.color}" stroke="#FFFFFF" stroke-width="0.5"`;
      s += `<path d="${markerPath(e.marker ?? "circle", x0 + SAMPLE / 2, cy, 3.2)}" ${paint}/>`;
    }
  }
  return s;
}

/**
 * Draws a legend box inside `plot` at a corner. With "auto", picks the corner whose box covers the
 * fewest of the given pixel points (`px[i]`, `py[i]`), preferring top-right, top-left,
 * bottom-right, bottom-left. ("top" is handled by {@link framed}; here it means "top-right".)
 */
export function drawLegend(entries: readonly LegendEntry[], plot: Rect, position: LegendPosition, px: ArrayLike<number> = [], py: ArrayLike<number> = []): string {
  if (position === "none" || entries.length === 0) return "";
  let best: [number, number, number] = [0, 0, Infinity];
  for (const c of position === "auto" ? CORNERS : ([position === "top" ? "top-right" : position] as const)) {
    const b = cornerBox(entries, plot, c, px, py);
    if (b[2] < best[2]) best = b;
  }
  const [lx, ly] = best;
  const [w, h] = legendSize(entries);
  let s = `<g><rect x="${num(lx)}" y="${num(ly)}" width="${num(w)}" height="${num(h)}" fill="#FFFFFF" fill-opacity="0.9" stroke="#BBBBBB" stroke-width="0.8" rx="2"/>`;
  entries.forEach((e, i) => {
    const cy = ly + PAD + ROW * i + 6;
    s += sample(e, lx + PAD, cy);
    s += text(lx + PAD + SAMPLE + 6, cy, e.label, { valign: "middle", size: LEG_FS });
  });
  return s + "</g>\n";
}

const ROW_GAP = 16;

/** Splits legend entries into rows that fit `width` px; returns rows of [entry index, x offset] and their widths. */
function legendRows(entries: readonly LegendEntry[], width: number): { items: [number, number][]; width: number }[] {
  const rows: { items: [number, number][]; width: number }[] = [];
  let cur: { items: [number, number][]; width: number } = { items: [], width: 0 };
  entries.forEach((e, i) => {
    const w = SAMPLE + 6 + textWidth(e.label, LEG_FS);
    const add = (cur.items.length ? ROW_GAP : 0) + w;
    if (cur.items.length && cur.width + add > width) {
      rows.push(cur);
      cur = { items: [], width: 0 };
    }
    cur.items.push([i, cur.width + (cur.items.length ? ROW_GAP : 0)]);
    cur.width += (cur.items.length > 1 ? ROW_GAP : 0) + w;
  });
  if (cur.items.length) rows.push(cur);
  return rows;
}

/** Height in px a "top" legend row block needs for `entries` in a plot `width` px wide. */
function legendRowsHeight(entries: readonly LegendEntry[], width: number): number {
  return legendRows(entries, width).length * ROW + 6;
}

/** Draws the legend as centred rows just above the plot area (no box). */
function drawLegendRows(entries: readonly LegendEntry[], plot: Rect): string {
  const rows = legendRows(entries, plot.w);
  const top = plot.y - rows.length * ROW - 4;
  let s = "<g>";
  rows.forEach((r, ri) => {
    const x0 = plot.x + (plot.w - r.width) / 2;
    const cy = top + ROW * ri + ROW / 2;
    for (const [i, dx] of r.items) {
      const e = entries[i]!;
      s += sample(e, x0 + dx, cy);
      s += text(x0 + dx + SAMPLE + 6, cy, e.label, { valign: "middle", size: LEG_FS });
    }
  });
  return s + "</g>\n";
}

/** What a chart draws inside its frame: the data layer and the pixel points the legend should avoid. */
export interface FrameContent {
  /** Data layer (between the grid and the axes). */
  body: string;
  /** Drawn after the axes and before the legend (e.g. reference-line labels). @default "" */
  over?: string;
  px: ArrayLike<number>;
  py: ArrayLike<number>;
}

/**
 * Lays out the frame, draws the chart's content with `draw(frame)` and places the legend. With
 * "auto", an inside corner that covers no data is used; if every corner would cover data, the
 * frame is laid out again with room for a legend row between title and plot ("top").
 * Returns the body for {@link svgDocument}: grid, content, axes, legend.
 */
export function framed(spec: FrameSpec, entries: readonly LegendEntry[], position: LegendPosition, draw: (frame: Frame) => FrameContent): string {
  let frame = layoutFrame(spec);
  let c = draw(frame);
  let useRow = position === "top";
  if (position === "auto" && entries.length > 0) {
    const free = CORNERS.some((k) => cornerBox(entries, frame.plot, k, c.px, c.py)[2] === 0);
    useRow = !free;
  }
  if (useRow && entries.length > 0) {
    frame = layoutFrame({ ...spec, extraTop: (spec.extraTop ?? 0) + legendRowsHeight(entries, frame.plot.w) });
    c = draw(frame);
    return frame.back + c.body + frame.front + (c.over ?? "") + drawLegendRows(entries, frame.plot);
  }
  return frame.back + c.body + frame.front + (c.over ?? "") + drawLegend(entries, frame.plot, position, c.px, c.py);
}
