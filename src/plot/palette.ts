/**
 * Colour-blind-safe colours: the Okabe–Ito palette (Okabe & Ito 2008, "Color Universal Design"),
 * ordered so the first two (blue, vermillion) match the paper's two classes, extended to ten
 * classes by two colours of Paul Tol's colour-blind-safe "muted" scheme (wine, olive) that differ
 * from all eight in lightness or hue under each common colour-vision deficiency (classes also
 * cycle through marker shapes); and a sequential single-hue blue ramp for heatmaps (light to
 * dark, readable in greyscale).
 */

/** Okabe–Ito colours in the order series and classes use them. */
export const PALETTE: readonly string[] = Object.freeze([
  "#0072B2", // blue
  "#D55E00", // vermillion
  "#009E73", // bluish green
  "#E69F00", // orange
  "#CC79A7", // reddish purple
  "#56B4E9", // sky blue
  "#000000", // black
  "#F0E442", // yellow (low contrast on white)
  "#882255", // wine (Tol muted)
  "#999933", // olive (Tol muted)
]);

/** Light tints of the first palette colours, for decision-region backgrounds (class 0, 1, ...). */
export const TINTS: readonly string[] = Object.freeze(["#B3D4E8", "#F2CFB3", "#B3E2D5", "#F8E2B3", "#F0D7E5", "#CCE8F8", "#CCCCCC", "#FBF7C6", "#DBBDCC", "#E0E0C2"]);

/** Colour number `i` of the palette (cycling). */
export function color(i: number): string {
  return PALETTE[((i % PALETTE.length) + PALETTE.length) % PALETTE.length]!;
}

/** Axis, text and grid greys. */
export const INK = "#222222";
/** Grid line colour. */
export const GRID = "#E3E3E3";
/** Secondary text (captions, tick labels). */
export const MUTED = "#444444";

function hex(c: string): [number, number, number] {
  return [parseInt(c.slice(1, 3), 16), parseInt(c.slice(3, 5), 16), parseInt(c.slice(5, 7), 16)];
}
function toHex(r: number, g: number, b: number): string {
  const h = (v: number) => Math.round(Math.min(255, Math.max(0, v))).toString(16).padStart(2, "0");
  return `#${h(r)}${h(g)}${h(b)}`.toUpperCase();
}

/** Linear blend of two `#RRGGBB` colours: t = 0 gives `a`, t = 1 gives `b`. */
export function mix(a: string, b: string, t: number): string {
  const [r0, g0, b0] = hex(a);
  const [r1, g1, b1] = hex(b);
  return toHex(r0 + (r1 - r0) * t, g0 + (g1 - g0) * t, b0 + (b1 - b0) * t);
}

/** Relative luminance (0 black .. 1 white) of a `#RRGGBB` colour, to pick readable text on it. */
export function luminance(c: string): number {
  const [r, g, b] = hex(c).map((v) => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4);
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

// Sequential blues (light → dark), after ColorBrewer "Blues".
const BLUES = ["#F7FBFF", "#DEEBF7", "#C6DBEF", "#9ECAE1", "#6BAED6", "#4292C6", "#2171B5", "#08519C", "#08306B"];

/** Sequential colour for t in [0, 1] (clamped): white-ish blue to dark blue. */
export function sequential(t: number): string {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (BLUES.length - 1);
  const i = Math.min(BLUES.length - 2, Math.floor(x));
  return mix(BLUES[i]!, BLUES[i + 1]!, x - i);
}
