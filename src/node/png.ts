/**
 * Node-only PNG rendering of the SVG charts through @resvg/resvg-js, with the DejaVu Sans font
 * files shipped in `assets/fonts/` (system fonts are not loaded), so text renders the same on every
 * machine. Not re-exported from src/index.ts (which must stay platform-free): CLI and other
 * Node code import it from src/node/png.js.
 */
import { Resvg } from "@resvg/resvg-js";
import { fileURLToPath } from "node:url";
import { writeFileAtomic } from "./files.js";
import { InputError } from "../util/errors.js";
import { finite } from "../util/check.js";

/** Absolute paths of the shipped font files (DejaVu Sans regular and bold; licence in assets/fonts/LICENSE-DejaVu.txt). */
export const FONT_FILES: readonly string[] = Object.freeze(
  ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf"].map((f) => fileURLToPath(new URL(`../../assets/fonts/${f}`, import.meta.url))),
);

/** Options of {@link svgToPng}. */
export interface PngOptions {
  /** Pixel density: the PNG is `scale ×` the SVG's width and height (2 = "retina", ≈ 190 dpi for a 480 px chart printed 6.4 cm wide). @default 2 */
  scale?: number;
  /** Background colour behind transparent areas. @default "#FFFFFF" */
  background?: string;
}

/**
 * Renders an SVG string to PNG bytes (RGBA, 8 bit), `scale ×` the SVG's own size, with the shipped
 * DejaVu Sans font.
 *
 * @example svgToPng(lineChart({...}), { scale: 2 }) // Uint8Array starting with 0x89 "PNG"
 */
export function svgToPng(svg: string, options: PngOptions = {}): Uint8Array {
  const scale = finite(options.scale ?? 2, "svgToPng: scale");
  if (!(scale > 0 && scale <= 16)) throw new InputError(`svgToPng: scale must be in (0, 16] (got ${scale})`);
  if (typeof svg !== "string" || !svg.includes("<svg")) throw new InputError("svgToPng: svg must be an SVG document string");
  const r = new Resvg(svg, {
    fitTo: { mode: "zoom", value: scale },
    background: options.background ?? "#FFFFFF",
    font: {
      loadSystemFonts: false,
      fontFiles: [...FONT_FILES],
      defaultFontFamily: "DejaVu Sans",
      sansSerifFamily: "DejaVu Sans",
    },
  });
  return new Uint8Array(r.render().asPng());
}

/**
 * Writes a figure as `<pathWithoutExt>.svg` and `<pathWithoutExt>.png` (PNG at `options.scale`),
 * each atomically. The PNG is rendered before anything is written, so a rendering error leaves no
 * partial output. Returns the two paths.
 */
export function writeFigure(pathWithoutExt: string, svg: string, options: PngOptions = {}): {
    /** Path of the SVG written. */
    svg: string;
    /** Path of the PNG written. */
    png: string;
  } {
  const png = svgToPng(svg, options);
  const paths = { svg: `${pathWithoutExt}.svg`, png: `${pathWithoutExt}.png` };
  writeFileAtomic(paths.svg, svg);
  writeFileAtomic(paths.png, png);
  return paths;
}
