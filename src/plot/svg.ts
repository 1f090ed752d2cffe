/**
 * Low-level SVG writers shared by the charts: the document wrapper (with deterministic,
 * content-derived element ids so several charts can share one HTML page), paths with fixed digits,
 * point markers and text.
 */
import { FONT_FAMILY, escapeXml, num } from "./text.js";
import { INK } from "./palette.js";

/** Placeholder for the chart's id prefix inside a body; replaced by {@link svgDocument}. */
export const ID = "__ID__";

/** 32-bit FNV-1a hash of a string, as 8 hex digits. */
export function hash(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, "0");
}

/**
 * Wraps a chart body into a standalone SVG document of `width × height` px with a white background,
 * the shared font, an accessible `<title>`, `data-headed="true"` when the chart draws a visible title
 * (so {@link panelGrid} can put the panel letter beside it), and ids made unique by hashing the body (so two
 * different charts inlined in one page never share a clip-path id, and the output is deterministic).
 */
export function svgDocument(width: number, height: number, body: string, title = "", headed = false): string {
  const prefix = "c" + hash(`${width}x${height}|${title}|${body}`);
  const t = title ? `<title>${escapeXml(title)}</title>` : "";
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${num(width)}" height="${num(height)}" viewBox="0 0 ${num(width)} ${num(height)}" ` +
    `font-family="${FONT_FAMILY}, sans-serif" font-size="11" fill="${INK}"${headed ? ` data-headed="true"` : ""} role="img"${title ? ` aria-label="${escapeXml(title)}"` : ""}>\n` +
    t +
    `<rect width="${num(width)}" height="${num(height)}" fill="#FFFFFF"/>\n` +
    body.split(ID).join(prefix) +
    `</svg>\n`
  );
}

/** Path data through (xs[i], ys[i]) pixel points; a non-finite coordinate starts a new sub-path. */
export function polyline(xs: ArrayLike<number>, ys: ArrayLike<number>): string {
  let d = "";
  let pen = false;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i]!;
    const y = ys[i]!;
    if (!Number.isFinite(x) || !Number.isFinite(y)) {
      pen = false;
      continue;
    }
    d += (pen ? "L" : "M") + num(x) + "," + num(y);
    pen = true;
  }
  return d;
}

/** Marker shapes for points; classes and series cycle through them (distinguishable without colour). */
export const MARKERS = ["circle", "square", "triangle", "diamond"] as const;
/** One of {@link MARKERS}. */
export type Marker = (typeof MARKERS)[number];

/** Path data for one marker of "radius" r centred at (x, y); many can be joined into one path. */
export function markerPath(shape: Marker, x: number, y: number, r: number): string {
  switch (shape) {
    case "circle":
      return `M${num(x - r)},${num(y)}a${num(r)},${num(r)} 0 1,0 ${num(2 * r)},0a${num(r)},${num(r)} 0 1,0 ${num(-2 * r)},0z`;
    case "square": {
      const s = r * 0.886; // same area as the circle
      return `M${num(x - s)},${num(y - s)}h${num(2 * s)}v${num(2 * s)}h${num(-2 * s)}z`;
    }
    case "triangle": {
      const s = r * 1.35;
      return `M${num(x)},${num(y - s)}L${num(x + s * 0.866)},${num(y + s * 0.5)}L${num(x - s * 0.866)},${num(y + s * 0.5)}z`;
    }
    case "diamond": {
      const s = r * 1.25;
      return `M${num(x)},${num(y - s)}L${num(x + s)},${num(y)}L${num(x)},${num(y + s)}L${num(x - s)},${num(y)}z`;
    }
  }
}

/** Text placement options for {@link text}. */
export interface TextStyle {
  /** @default "start" */
  anchor?: "start" | "middle" | "end";
  /** Font size in px. @default 11 */
  size?: number;
  /** @default false */
  bold?: boolean;
  /** Fill colour. @default inherited (#222222) */
  fill?: string;
  /** Rotation in degrees about (x, y). @default 0 */
  rotate?: number;
  /** Vertical placement: "baseline" at y, "middle" centred on y, "hanging" top at y. @default "baseline" */
  valign?: "baseline" | "middle" | "hanging";
}

/** A `<text>` element with escaped content; vertical alignment done by offsetting y (portable to every renderer). */
export function text(x: number, y: number, content: string, style: TextStyle = {}): string {
  const size = style.size ?? 11;
  const dy = style.valign === "middle" ? 0.35 * size : style.valign === "hanging" ? 0.76 * size : 0;
  let attrs = `x="${num(x)}" y="${num(y + (style.rotate ? 0 : dy))}"`;
  if (style.rotate) attrs += ` transform="rotate(${num(style.rotate)} ${num(x)} ${num(y)})" dy="${num(dy)}"`;
  if (style.anchor && style.anchor !== "start") attrs += ` text-anchor="${style.anchor}"`;
  if (size !== 11) attrs += ` font-size="${num(size)}"`;
  if (style.bold) attrs += ` font-weight="bold"`;
  if (style.fill) attrs += ` fill="${style.fill}"`;
  return `<text ${attrs}>${escapeXml(content)}</text>`;
}
