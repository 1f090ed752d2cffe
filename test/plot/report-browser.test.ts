import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import { sampleReport } from "./report-fixture.js";

const CHROMIUM = "/usr/bin/chromium";

test("the report opens in headless Chromium with no errors, no requests and every figure visible", { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "dynaspin-report-"));
  const profile = join(dir, "profile");
  const file = join(dir, "report.html");
  writeFileSync(file, sampleReport());
  const url = pathToFileURL(file).href;
  // A fresh profile folder per run (playwright passes it to Chromium as --user-data-dir).
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1200, height: 900 },
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
  });
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    const requests: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    page.on("pageerror", (e) => errors.push(String(e)));
    page.on("request", (r) => requests.push(r.url()));
    await page.goto(url, { waitUntil: "load" });
    assert.deepEqual(errors, []);
    assert.deepEqual(requests, [url], "the only request is the page itself");
    const boxes = await page.$$eval("figure > svg", (els) =>
      els.map((el) => {
        const r = el.getBoundingClientRect();
        const s = getComputedStyle(el);
        return { w: r.width, h: r.height, visible: s.visibility !== "hidden" && s.display !== "none" };
      }),
    );
    assert.equal(boxes.length, 8);
    for (const b of boxes) assert.ok(b.visible && b.w > 100 && b.h > 100, JSON.stringify(b));
    mkdirSync("test-artifacts", { recursive: true });
    await page.screenshot({ path: "test-artifacts/report.png", fullPage: true });
    // Narrow screens: figures shrink to fit, nothing scrolls sideways.
    await page.setViewportSize({ width: 390, height: 800 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `horizontal overflow of ${overflow} px on a phone-sized screen`);
    const narrow = await page.$$eval("figure > svg", (els) => els.map((el) => el.getBoundingClientRect().width));
    for (const w of narrow) assert.ok(w > 0 && w <= 390, `figure width ${w}`);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
