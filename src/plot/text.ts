/**
 * Text helpers for SVG output: number formatting with fixed digits (so SVG snapshots are stable),
 * XML escaping, and text width estimates from the advance widths of the shipped font
 * (DejaVu Sans, `assets/fonts/`), so layout (margins, legends) fits the rendered text.
 *
 * The width tables were read from the font's `hmtx`/`cmap` tables (test/plot/ttf.ts; a test checks
 * them against the font file), in thousandths of an em.
 */

/** The font family every chart uses; PNG rendering ships this font (src/node/png.ts). */
export const FONT_FAMILY = "DejaVu Sans";

// Advance widths of ASCII 32..126 in 1/1000 em (DejaVu Sans Book).
const REGULAR = [
  318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337, 636, 636, 636, 636, 636, 636, 636, 636,
  636, 636, 337, 337, 838, 838, 838, 531, 1000, 684, 686, 698, 770, 632, 575, 775, 752, 295, 295, 656, 557, 863, 748, 787,
  603, 787, 695, 635, 611, 732, 684, 989, 685, 611, 685, 390, 337, 390, 838, 500, 500, 613, 635, 550, 635, 615, 352, 635,
  634, 278, 278, 579, 278, 974, 634, 612, 635, 635, 411, 521, 392, 634, 592, 818, 592, 592, 525, 636, 337, 636, 838,
];
// Advance widths of ASCII 32..126 in 1/1000 em (DejaVu Sans Bold).
const BOLD = [
  348, 456, 521, 838, 696, 1002, 872, 306, 457, 457, 523, 838, 380, 415, 380, 365, 696, 696, 696, 696, 696, 696, 696, 696,
  696, 696, 400, 400, 838, 838, 838, 580, 1000, 774, 762, 734, 830, 683, 683, 821, 837, 372, 372, 775, 637, 995, 837, 850,
  733, 850, 770, 720, 682, 812, 774, 1103, 771, 724, 725, 457, 365, 457, 838, 500, 500, 675, 716, 593, 716, 678, 435, 716,
  712, 343, 343, 665, 343, 1042, 712, 687, 716, 716, 493, 595, 478, 712, 652, 924, 645, 652, 582, 712, 365, 712, 838,
];
// A few non-ASCII characters used in labels (regular, bold).
const EXTRA: Record<string, readonly [number, number]> = {
  "−": [838, 838], "×": [838, 838], "·": [318, 380], "°": [500, 500], "µ": [636, 736], "μ": [636, 736],
  "σ": [634, 779], "π": [602, 791], "α": [659, 687], "β": [638, 716], "γ": [592, 681], "δ": [612, 687],
  "Δ": [684, 774], "θ": [612, 687], "λ": [592, 633], "ω": [837, 869], "Ω": [764, 850], "⁻": [528, 528],
  "–": [500, 500], "—": [1000, 1000], "…": [1000, 1000], "±": [838, 838], "≤": [838, 838], "≥": [838, 838],
  "≈": [838, 838],
};
const SUPER_SUB = "²³⁰¹⁴⁵⁶⁷⁸⁹₀₁₂₃₄₅₆₇₈₉";

/**
 * Estimated rendered width of `text` in px at `fontSize` px in DejaVu Sans (no kerning; exact for
 * the characters in the tables, 0.65 em for others).
 *
 * @example textWidth("10", 10) // 12.72
 */
export function textWidth(text: string, fontSize: number, bold = false): number {
  let w = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (c >= 32 && c < 127) w += (bold ? BOLD : REGULAR)[c - 32]!;
    else if (EXTRA[ch] !== undefined) w += EXTRA[ch]![bold ? 1 : 0];
    else if (SUPER_SUB.includes(ch)) w += bold ? 438 : 401;
    else w += 650;
  }
  return (w / 1000) * fontSize;
}

/** Escapes `& < > " '` for XML/HTML text and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) =>
    c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : c === '"' ? "&quot;" : "&#39;",
  );
}

/**
 * Formats a coordinate with at most `digits` decimals (default 2), without trailing zeros and
 * never as "-0", so the same drawing always prints the same SVG text.
 *
 * @example num(3.14159) // "3.14";  num(2.5) // "2.5";  num(-0.0001) // "0"
 */
export function num(x: number, digits = 2): string {
  let s = x.toFixed(digits);
  if (s.includes(".")) s = s.replace(/0+$/, "").replace(/\.$/, "");
  return s === "-0" ? "0" : s;
}

const SUPERSCRIPT: Record<string, string> = {
  "0": "⁰", "1": "¹", "2": "²", "3": "³", "4": "⁴", "5": "⁵", "6": "⁶", "7": "⁷", "8": "⁸", "9": "⁹", "-": "⁻",
};

/** Writes an integer exponent with Unicode superscript digits: `superscript(-3)` → "⁻³". */
export function superscript(n: number): string {
  return String(Math.round(n)).replace(/[0-9-]/g, (c) => SUPERSCRIPT[c]!);
}

/** Replaces an ASCII hyphen-minus at the start of a number by the typographic minus sign U+2212. */
export function minusSign(s: string): string {
  return s.startsWith("-") ? "−" + s.slice(1) : s;
}
