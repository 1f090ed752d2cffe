/**
 * Minimal TrueType reader for tests and for regenerating the advance-width table in
 * src/plot/text.ts: reads unitsPerEm (head), advance widths (hhea + hmtx) and the Unicode BMP
 * character map (cmap format 4).
 */
import { readFileSync } from "node:fs";

/** Advance widths of a font, in em, per code point. */
export function advanceWidths(path: string, codePoints: readonly number[]): Map<number, number> {
  const buf = readFileSync(path);
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const numTables = dv.getUint16(4);
  const tables = new Map<string, number>();
  for (let i = 0; i < numTables; i++) {
    const rec = 12 + 16 * i;
    const tag = String.fromCharCode(dv.getUint8(rec), dv.getUint8(rec + 1), dv.getUint8(rec + 2), dv.getUint8(rec + 3));
    tables.set(tag, dv.getUint32(rec + 8));
  }
  const head = tables.get("head")!;
  const unitsPerEm = dv.getUint16(head + 18);
  const hhea = tables.get("hhea")!;
  const numberOfHMetrics = dv.getUint16(hhea + 34);
  const hmtx = tables.get("hmtx")!;
  const advance = (glyph: number): number => dv.getUint16(hmtx + 4 * Math.min(glyph, numberOfHMetrics - 1));
  const cmap = tables.get("cmap")!;
  const n = dv.getUint16(cmap + 2);
  let sub = -1;
  for (let i = 0; i < n; i++) {
    const platform = dv.getUint16(cmap + 4 + 8 * i);
    const encoding = dv.getUint16(cmap + 6 + 8 * i);
    const off = dv.getUint32(cmap + 8 + 8 * i);
    if (dv.getUint16(cmap + off) === 4 && ((platform === 3 && encoding === 1) || platform === 0)) {
      sub = cmap + off;
      break;
    }
  }
  if (sub < 0) throw new Error(`${path}: no cmap format 4 subtable`);
  const segX2 = dv.getUint16(sub + 6);
  const ends = sub + 14;
  const starts = ends + segX2 + 2;
  const deltas = starts + segX2;
  const ranges = deltas + segX2;
  const glyphOf = (cp: number): number => {
    for (let s = 0; s < segX2 / 2; s++) {
      const end = dv.getUint16(ends + 2 * s);
      if (cp > end) continue;
      const start = dv.getUint16(starts + 2 * s);
      if (cp < start) return 0;
      const delta = dv.getInt16(deltas + 2 * s);
      const ro = dv.getUint16(ranges + 2 * s);
      if (ro === 0) return (cp + delta) & 0xffff;
      const g = dv.getUint16(ranges + 2 * s + ro + 2 * (cp - start));
      return g === 0 ? 0 : (g + delta) & 0xffff;
    }
    return 0;
  };
  const out = new Map<number, number>();
  for (const cp of codePoints) out.set(cp, advance(glyphOf(cp)) / unitsPerEm);
  return out;
}
