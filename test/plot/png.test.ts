import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { lineChart, figure2, InputError } from "../../src/index.js";
import { svgToPng, writeFigure, FONT_FILES } from "../../src/node/png.js";
import { decodePng, darkPixels } from "./png-decode.js";

const series = [{ label: "p(I)", x: [0, 1, 2, 3], y: [0, 0.1, 0.3, 0.4] }];

test("svgToPng writes a valid PNG scaled from the SVG size", () => {
  const png = svgToPng(lineChart({ series, width: 300, height: 200 }), { scale: 2 });
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const img = decodePng(png);
  assert.equal(img.width, 600);
  assert.equal(img.height, 400);
  const one = decodePng(svgToPng(lineChart({ series, width: 300, height: 200 }), { scale: 1 }));
  assert.equal(one.width, 300);
  assert.equal(one.height, 200);
});

test("the title text is rendered with the shipped font: the title band gains many dark pixels", () => {
  const withTitle = decodePng(svgToPng(lineChart({ series, title: "Power versus current", width: 400, height: 260 }), { scale: 1 }));
  const without = decodePng(svgToPng(lineChart({ series, width: 400, height: 260 }), { scale: 1 }));
  // The title is centred in the top 33 px; without it that band holds only the top of the frame.
  const band = (img: typeof withTitle) => darkPixels(img, 100, 2, 380, 28);
  assert.ok(band(withTitle) > band(without) + 150, `title band dark pixels: ${band(withTitle)} with, ${band(without)} without`);
  assert.ok(FONT_FILES.every((f) => existsSync(f)), "font files resolve next to the package");
});

test("svgToPng rejects a non-SVG input and a bad scale", () => {
  assert.throws(() => svgToPng("hello"), InputError);
  assert.throws(() => svgToPng(lineChart({ series }), { scale: 0 }), (e: Error) => e instanceof InputError && /scale must be in \(0, 16\]/.test(e.message));
});

test("writeFigure writes the SVG and the PNG side by side and nothing on a rendering error", () => {
  const dir = mkdtempSync(join(tmpdir(), "dynaspin-png-"));
  try {
    const svg = figure2({ current: [0, 1, 2, 3], power: [0, 0, 0.2, 0.3], eq4: { a: 4, b: 5, Ic: 1, Q: 2 } });
    const paths = writeFigure(join(dir, "fig2"), svg);
    assert.equal(readFileSync(paths.svg, "utf8"), svg);
    assert.equal(decodePng(readFileSync(paths.png)).width, 960);
    assert.throws(() => writeFigure(join(dir, "bad"), "not svg"), InputError);
    assert.deepEqual(readdirSync(dir).sort(), ["fig2.png", "fig2.svg"]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
