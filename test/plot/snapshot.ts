/**
 * SVG snapshot helper. Numbers in attribute values are normalised to 1 decimal (so a last-digit rounding difference
 * between platforms does not fail a test) before comparing with test/plot/__snapshots__/<name>.svg.
 * A missing snapshot fails unless UPDATE_SNAPSHOTS=1, which (re)writes it.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";

const DIR = join(dirname(fileURLToPath(import.meta.url)), "__snapshots__");

/** Rounds every decimal number inside attribute values to 1 decimal (text content, e.g. tick labels, stays exact). */
export function normalise(svg: string): string {
  return svg.replace(/="([^"]*)"/g, (_, v: string) =>
    `="${v.replace(/-?\d+\.\d+/g, (m) => {
      const s = Number(m).toFixed(1);
      return s === "-0.0" ? "0.0" : s;
    })}"`,
  );
}

/** Compares `svg` (normalised) with the stored snapshot `name`. */
export function matchSnapshot(name: string, svg: string): void {
  const path = join(DIR, `${name}.svg`);
  assert.ok(!/NaN|Infinity|undefined/.test(svg), `${name}: the SVG must not contain NaN, Infinity or undefined`);
  const got = normalise(svg);
  if (process.env.UPDATE_SNAPSHOTS === "1") {
    mkdirSync(DIR, { recursive: true });
    writeFileSync(path, got);
    return;
  }
  assert.ok(existsSync(path), `snapshot ${name}.svg is missing: run UPDATE_SNAPSHOTS=1 node scripts/run-tests.mjs plot, review and commit it`);
  const want = readFileSync(path, "utf8");
  if (got !== want) {
    const a = got.split("\n");
    const b = want.split("\n");
    let i = 0;
    while (i < a.length && a[i] === b[i]) i++;
    assert.fail(`snapshot ${name}.svg differs at line ${i + 1}:\n  got:  ${(a[i] ?? "").slice(0, 300)}\n  want: ${(b[i] ?? "").slice(0, 300)}\n(UPDATE_SNAPSHOTS=1 rewrites it)`);
  }
}
