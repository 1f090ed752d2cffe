/**
 * `lineChart`: several series as lines and/or points against x, with optional shaded lo/hi bands,
 * log axes, a second y axis on the right, reference lines and a legend.
 */
import { axisTitle, checkAxis, framed, LEGEND_POSITIONS, type AxisOptions, type Frame, type FrameContent, type FrameSpec, type LegendEntry, type LegendPosition, type AxesChartOptions } from "./frame.js";
import { checkSize, hexColor, numbers, optString, sameLength } from "./check.js";
import { PALETTE, color } from "./palette.js";
import { extent } from "./scale.js";
import { MARKERS, markerPath, polyline, svgDocument, text, type Marker } from "./svg.js";
import { num, textWidth } from "./text.js";
import { svgSize } from "./panel.js";
import { InputError } from "../util/errors.js";
import { oneOf } from "../util/check.js";

/** One series of a line chart. Non-finite y values (and ≤ 0 on a log axis) leave gaps. */
export interface LineSeries {
  /** Legend text. @default "" (not in the legend) */
  label?: string;
  /** x values (data units of the x axis). */
  x: ArrayLike<number>;
  /** y values, one per x. */
  y: ArrayLike<number>;
  /** Draw as a line, as points, or both. @default "line" */
  style?: "line" | "points" | "linepoints";
  /** `#RRGGBB` colour. @default the series' Okabe–Ito palette colour */
  color?: string;
  /** SVG stroke-dasharray, e.g. "6 3". @default solid ("6 3" for series 8+ with palette colours, which repeat) */
  dash?: string;
  /** Line width in px. @default 2 */
  lineWidth?: number;
  /** Marker shape for points. @default cycles circle, square, triangle, diamond by series index */
  marker?: Marker;
  /** Marker radius in px. @default 3 */
  markerSize?: number;
  /** Markers drawn as outlines (white inside), e.g. for points that are shown but not trusted. @default false */
  hollow?: boolean;
  /** Shaded band between lo[i] and hi[i] (e.g. a 5–95 % percentile band), drawn under the line. */
  band?: {
    /** Lower edge of the band, one per x. */
    lo: ArrayLike<number>;
    /** Upper edge of the band, one per x. */
    hi: ArrayLike<number>;
  };
  /** Axis the series is measured on. @default "left" */
  axis?: "left" | "right";
  /** Hide this series from the legend even if labelled. @default false */
  noLegend?: boolean;
  /** Let this series widen the axis domains; false draws it clipped to the others' domain. @default true */
  fitDomain?: boolean;
}

/** A horizontal or vertical reference line. */
export interface RefLine {
  /** Position in data units (y for `hlines`, x for `vlines`). */
  value: number;
  /** Text drawn next to the line. @default "" */
  label?: string;
  /** @default "#555555" */
  color?: string;
  /** @default "4 3" */
  dash?: string;
}

/** Options of {@link lineChart}. */
export interface LineChartOptions extends AxesChartOptions {
  /** The series, drawn in order (later on top). */
  series: readonly LineSeries[];
  /** Horizontal reference lines (left axis). @default [] */
  hlines?: readonly RefLine[];
  /** Vertical reference lines. @default [] */
  vlines?: readonly RefLine[];
  /** Colour the left / right axis titles like their first series (useful with two y axes). @default true when y2 is set */
  colorAxes?: boolean;
  /**
   * A small chart (an SVG string, e.g. another lineChart 190 × 130 px) drawn inside the plot area
   * at a corner, 8 px from the frame ("auto": the corner covering the fewest data points, trying
   * bottom-left, bottom-right, top-right, top-left; default "auto"); the legend avoids it. @default none
   */
  inset?: {
    /** The inset chart, an SVG string. */
    svg: string;
    /** Corner of the plot area, or "auto" (the one covering the fewest data points). @default "auto" */
    corner?: InsetCorner | "auto";
  };
}

/** Corner of the plot area for an inset. */
export type InsetCorner = "top-right" | "top-left" | "bottom-right" | "bottom-left";

const STYLES = ["line", "points", "linepoints"] as const;

/**
 * Draws series against a shared x axis and returns a standalone SVG string (pure; no DOM).
 *
 * @example
 * lineChart({ series: [{ label: "train", x: [1, 2, 3], y: [0.5, 0.8, 0.9] }], x: { label: "Epoch" }, y: { label: "Accuracy" } })
 */
export function lineChart(options: LineChartOptions): string {
  const [width, height] = checkSize(options.width ?? 480, options.height ?? 320, "lineChart");
  const legend = oneOf(options.legend ?? "auto", LEGEND_POSITIONS, "lineChart: legend");
  checkAxis(options.x, "lineChart: x");
  checkAxis(options.y, "lineChart: y");
  checkAxis(options.y2, "lineChart: y2");
  if (!Array.isArray(options.series)) throw new TypeError("lineChart: series must be an array of series");
  const series = options.series.map((s, i) => {
    const w = `lineChart: series[${i}]`;
    const x = numbers(s.x, `${w}.x`);
    const y = numbers(s.y, `${w}.y`);
    sameLength(x, y, `${w}.x`, `${w}.y`);
    if (s.band) {
      sameLength(x, numbers(s.band.lo, `${w}.band.lo`), `${w}.x`, `${w}.band.lo`);
      sameLength(x, numbers(s.band.hi, `${w}.band.hi`), `${w}.x`, `${w}.band.hi`);
    }
    const axis = oneOf(s.axis ?? "left", ["left", "right"] as const, `${w}.axis`);
    if (axis === "right" && !options.y2) throw new InputError(`${w}.axis is "right" but no y2 axis is given (set options.y2)`);
    return {
      label: optString(s.label, `${w}.label`) ?? "",
      x,
      y,
      band: s.band,
      style: oneOf(s.style ?? "line", STYLES, `${w}.style`),
      color: s.color === undefined ? color(i) : hexColor(s.color, `${w}.color`),
      // Past the 8 palette colours, colours repeat: dash the second round.
      dash: optString(s.dash, `${w}.dash`) ?? (s.color === undefined && i >= PALETTE.length ? "6 3" : undefined),
      lineWidth: s.lineWidth ?? 2,
      marker: s.marker ?? MARKERS[i % MARKERS.length]!,
      markerSize: s.markerSize ?? 3,
      hollow: s.hollow === true,
      axis,
      noLegend: s.noLegend === true,
      fitDomain: s.fitDomain !== false,
    };
  });
  let inset: { svg: string; corner: InsetCorner | "auto"; w: number; h: number } | undefined;
  if (options.inset) {
    const size = svgSize(options.inset.svg, "lineChart: inset.svg");
    const corner = oneOf(options.inset.corner ?? "auto", ["auto", "top-right", "top-left", "bottom-right", "bottom-left"] as const, "lineChart: inset.corner");
    inset = { svg: options.inset.svg, corner, w: size.width, h: size.height };
  }
  const hlines = options.hlines ?? [];
  const vlines = options.vlines ?? [];
  const xOpt = options.x ?? {};
  const yOpt = options.y ?? {};
  const left = series.filter((s) => s.axis === "left");
  const right = series.filter((s) => s.axis === "right");
  const ys = (list: typeof series) => list.filter((s) => s.fitDomain).flatMap((s) => (s.band ? [s.y, s.band.lo, s.band.hi] : [s.y]));
  const xExtent = extent([...series.filter((s) => s.fitDomain).map((s) => s.x), vlines.map((v) => v.value)], !!xOpt.log);
  const yExtent = extent([...ys(left), hlines.map((h) => h.value)], !!yOpt.log);
  const y2Extent = extent(ys(right), !!options.y2?.log);
  const colorAxes = options.colorAxes ?? options.y2 !== undefined;
  const entries: LegendEntry[] = series
    .filter((s) => s.label && !s.noLegend)
    .map((s) => ({
      label: s.label,
      color: s.color,
      kind: s.band ? "band" : s.style,
      dash: s.dash,
      marker: s.marker,
      width: s.lineWidth,
      hollow: s.hollow,
    }));
  const spec: FrameSpec = {
    width,
    height,
    title: options.title,
    x: xOpt,
    xExtent,
    y: yOpt,
    yExtent,
    y2: options.y2,
    y2Extent,
    yColor: colorAxes && left[0] ? left[0].color : undefined,
    y2Color: colorAxes && right[0] ? right[0].color : undefined,
  };
  const draw = (frame: Frame): FrameContent => {
    const { plot, xs } = frame;
    let body = `<g clip-path="${frame.clip}">\n`;
    const legendPx: number[] = [];
    const legendPy: number[] = [];
    let markers = "";
    const pxBuf: number[] = [];
    const pyBuf: number[] = [];
    // Bands first so that every line sits on top of every band.
    for (const s of series) {
      if (!s.band) continue;
      const sc = s.axis === "right" ? frame.y2s! : frame.ys;
      let d = "";
      let i = 0;
      const n = s.x.length;
      while (i < n) {
        while (i < n && !(Number.isFinite(sc.map(s.band.lo[i]!)) && Number.isFinite(sc.map(s.band.hi[i]!)) && Number.isFinite(s.x[i]!))) i++;
        const start = i;
        while (i < n && Number.isFinite(sc.map(s.band.lo[i]!)) && Number.isFinite(sc.map(s.band.hi[i]!)) && Number.isFinite(s.x[i]!)) i++;
        if (i - start < 2) continue;
        let seg = "";
        for (let k = start; k < i; k++) seg += (k === start ? "M" : "L") + num(xs.map(s.x[k]!)) + "," + num(sc.map(s.band.hi[k]!));
        for (let k = i - 1; k >= start; k--) seg += "L" + num(xs.map(s.x[k]!)) + "," + num(sc.map(s.band.lo[k]!));
        d += seg + "z";
      }
      if (d) body += `<path d="${d}" fill="${s.color}" fill-opacity="0.2" stroke="none"/>\n`;
      // The legend should not cover a band either.
      for (let k = 0; k < n; k++) {
        const X = xs.map(s.x[k]!);
        const a = sc.map(s.band.lo[k]!);
        const b = sc.map(s.band.hi[k]!);
        if (!Number.isFinite(X) || !Number.isFinite(a) || !Number.isFinite(b)) continue;
        for (let m = 0; m <= 4; m++) {
          legendPx.push(X);
          legendPy.push(a + ((b - a) * m) / 4);
        }
      }
    }
    for (const h of hlines) {
      const py = frame.ys.map(h.value);
      if (!Number.isFinite(py)) continue;
      body += `<path d="M${num(plot.x)},${num(py)}H${num(plot.x + plot.w)}" stroke="${h.color ?? "#555555"}" stroke-width="1.2" stroke-dasharray="${h.dash ?? "4 3"}"/>\n`;
    }
    for (const v of vlines) {
      const px = xs.map(v.value);
      if (!Number.isFinite(px)) continue;
      body += `<path d="M${num(px)},${num(plot.y)}V${num(plot.y + plot.h)}" stroke="${v.color ?? "#555555"}" stroke-width="1.2" stroke-dasharray="${v.dash ?? "4 3"}"/>\n`;
    }
    for (const s of series) {
      const sc = s.axis === "right" ? frame.y2s! : frame.ys;
      pxBuf.length = 0;
      pyBuf.length = 0;
      for (let i = 0; i < s.x.length; i++) {
        const px = xs.map(s.x[i]!);
        const py = sc.map(s.y[i]!);
        pxBuf.push(px);
        pyBuf.push(py);
        if (Number.isFinite(px) && Number.isFinite(py)) {
          legendPx.push(px);
          legendPy.push(py);
          // Sample between vertices too, so long straight segments also repel the legend.
          if (i > 0 && Number.isFinite(pxBuf[i - 1]!) && Number.isFinite(pyBuf[i - 1]!)) {
            for (let k = 1; k < 4; k++) {
              legendPx.push(pxBuf[i - 1]! + ((px - pxBuf[i - 1]!) * k) / 4);
              legendPy.push(pyBuf[i - 1]! + ((py - pyBuf[i - 1]!) * k) / 4);
            }
          }
        }
      }
      if (s.style !== "points") {
        const d = polyline(pxBuf, pyBuf);
        if (d) body += `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="${num(s.lineWidth)}" stroke-linejoin="round" stroke-linecap="round"${s.dash ? ` stroke-dasharray="${s.dash}"` : ""}/>\n`;
      }
      if (s.style !== "line") {
        let d = "";
        for (let i = 0; i < pxBuf.length; i++) {
          const X = pxBuf[i]!;
          const Y = pyBuf[i]!;
          if (X >= plot.x - 0.5 && X <= plot.x + plot.w + 0.5 && Y >= plot.y - 0.5 && Y <= plot.y + plot.h + 0.5) d += markerPath(s.marker, X, Y, s.markerSize);
        }
        if (d) markers += s.hollow ? `<path d="${d}" fill="#FFFFFF" stroke="${s.color}" stroke-width="1.2"/>\n` : `<path d="${d}" fill="${s.color}" stroke="#FFFFFF" stroke-width="0.6"/>\n`;
      }
    }
    // Markers are not clipped: a point on the domain edge stays a whole marker.
    body += "</g>\n" + markers;
    let over = "";
    for (const h of hlines) {
      const py = frame.ys.map(h.value);
      if (h.label && Number.isFinite(py)) over += text(plot.x + 4, py - 4, h.label, { size: 10, fill: h.color ?? "#555555" }) + "\n";
    }
    // Inset placement: the given corner, or ("auto") the one covering the fewest data points.
    const place = (c: InsetCorner): [number, number] =>
      inset ? [c.endsWith("left") ? plot.x + 8 : plot.x + plot.w - 8 - inset.w, c.startsWith("top") ? plot.y + 8 : plot.y + plot.h - 8 - inset.h] : [0, 0];
    let corner: InsetCorner = "bottom-left";
    if (inset && inset.corner !== "auto") corner = inset.corner;
    else if (inset) {
      let best = Infinity;
      for (const c of ["bottom-left", "bottom-right", "top-right", "top-left"] as const) {
        const [cx, cy] = place(c);
        let hits = 0;
        for (let k = 0; k < legendPx.length; k++) {
          if (legendPx[k]! >= cx && legendPx[k]! <= cx + inset.w && legendPy[k]! >= cy && legendPy[k]! <= cy + inset.h) hits++;
        }
        if (hits < best) {
          best = hits;
          corner = c;
        }
      }
    }
    const [ix, iy] = place(corner);
    for (const v of vlines) {
      const px = xs.map(v.value);
      if (!v.label || !Number.isFinite(px)) continue;
      // A bottom inset would hide the label at the foot of the line: put it just above the inset.
      const hidden = inset && corner.startsWith("bottom") && px + 4 + textWidth(v.label, 10) >= ix && px <= ix + inset.w;
      // A line near the right edge has its label on its left (it would be cut off on the right).
      const left = px + 4 + textWidth(v.label, 10) > plot.x + plot.w;
      over += text(left ? px - 4 : px + 4, hidden ? iy - 5 : plot.y + plot.h - 6, v.label, { size: 10, fill: v.color ?? "#555555", ...(left ? { anchor: "end" as const } : {}) }) + "\n";
    }
    if (inset) {
      over += inset.svg.replace(/^\s*<\?xml[^>]*>\s*/, "").replace(/<svg\b/, `<svg x="${num(ix)}" y="${num(iy)}"`);
      over += `<rect x="${num(ix)}" y="${num(iy)}" width="${num(inset.w)}" height="${num(inset.h)}" fill="none" stroke="#BBBBBB" stroke-width="0.8"/>\n`;
      for (let a = 0; a <= 8; a++) {
        for (let b = 0; b <= 8; b++) {
          legendPx.push(ix + (inset.w * a) / 8);
          legendPy.push(iy + (inset.h * b) / 8);
        }
      }
    }
    return { body, over, px: legendPx, py: legendPy };
  };
  const body = framed(spec, entries, legend, draw);
  return svgDocument(width, height, body, options.title ?? [axisTitle(options.y), axisTitle(options.x)].filter(Boolean).join(" vs "), !!options.title);
}
