/**
 * Figures benchmark: every figure of the gallery (`test/plot/gallery.ts`: seeded synthetic data
 * at realistic sizes — 400 spiral points over an 80 × 80 decision grid and 3 × 200 final states in
 * Fig. 3, 5000 injected currents, 60 epochs) drawn as SVG and rendered to PNG at scale 2 through
 * `svgToPng` (what `dynaspin reproduce` writes), median of 3 (1 with `--quick`), one thread, CPU
 * time. Each PNG is decoded back and checked for its size, so the work cannot be skipped.
 *
 * Standalone: `node --import tsx bench/figures.ts [--quick]`.
 */
import { fileURLToPath } from "node:url";
import { svgToPng } from "../src/node/png.js";
import { galleryFigures } from "../test/plot/gallery.js";
import type { BenchDocBlock, BenchRow, BenchSuite } from "./types.js";
import { markdownTable } from "./doc-blocks.js";

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47];

/** Median CPU time of `reps` calls of f, seconds, and f's last result. */
function timed<T>(reps: number, f: () => T): { seconds: number; value: T } {
  const times: number[] = [];
  let value!: T;
  for (let i = 0; i < reps; i++) {
    const c0 = process.cpuUsage();
    value = f();
    const c = process.cpuUsage(c0);
    times.push((c.user + c.system) / 1e6);
  }
  times.sort((a, b) => a - b);
  return { seconds: times[times.length >> 1]!, value };
}

export const run: BenchSuite = async ({ quick }) => {
  const reps = quick ? 1 : 3;
  const rows: BenchRow[] = [];
  let svgTotal = 0, pngTotal = 0, bytesTotal = 0;
  const figures = galleryFigures();
  for (const f of figures) {
    const svg = timed(reps, f.build);
    const png = timed(reps, () => svgToPng(svg.value, { scale: 2 }));
    if (!PNG_SIGNATURE.every((b, i) => png.value[i] === b) || png.value.length < 1000) throw new Error(`figures bench: ${f.name}: svgToPng gave no PNG`);
    const width = new DataView(png.value.buffer, png.value.byteOffset).getUint32(16);
    svgTotal += svg.seconds;
    pngTotal += png.seconds;
    bytesTotal += svg.value.length;
    rows.push({
      suite: "figures",
      workload: `${f.name} (${f.what}): SVG + PNG at scale 2`,
      value: svg.seconds + png.seconds,
      unit: "s",
      notes: `SVG ${(svg.value.length / 1024).toFixed(0)} KiB built in ${(svg.seconds * 1000).toFixed(0)} ms, PNG ${width} px wide rendered in ${(png.seconds * 1000).toFixed(0)} ms; CPU time, median of ${reps}`,
      detail: { engine: "TypeScript SVG, resvg PNG", svgKiB: svg.value.length / 1024, buildMs: svg.seconds * 1000, pngMs: png.seconds * 1000, pngWidth: width },
    });
  }
  rows.push({
    suite: "figures",
    workload: `all ${figures.length} gallery figures: SVG + PNG at scale 2`,
    value: svgTotal + pngTotal,
    unit: "s",
    notes: `SVG ${(bytesTotal / 1024).toFixed(0)} KiB in all; CPU time, sums of the medians of ${reps}`,
    detail: { engine: "TypeScript SVG, resvg PNG", svgKiB: bytesTotal / 1024, buildMs: svgTotal * 1000, pngMs: pngTotal * 1000 },
  });
  return rows;
};

/** The figures table of docs/benchmarks.md. */
export const docBlock: BenchDocBlock = (rows, { quick }) =>
  [
    `Every figure of the gallery (\`test/plot/gallery.ts\`, seeded synthetic data at realistic sizes) drawn as SVG and rendered to PNG at scale 2, one thread, CPU time, median of ${quick ? 1 : 3}.`,
    "",
    markdownTable(
      ["figure", "SVG size", "SVG build", "PNG render"],
      rows.map((r) => [r.workload.replace(/: SVG \+ PNG at scale 2$/, ""), `${Number(r.detail?.svgKiB).toFixed(0)} KiB`, `${Number(r.detail?.buildMs).toFixed(0)} ms`, `${Number(r.detail?.pngMs).toFixed(0)} ms`]),
    ),
  ].join("\n");

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  for (const r of await run({ quick: process.argv.includes("--quick") })) console.log(`${r.workload}\t${r.value.toFixed(3)} s\t${r.notes}`);
}
