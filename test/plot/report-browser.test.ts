import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkReportInBrowser } from "../helpers/report-browser.js";
import { sampleReport } from "./report-fixture.js";

test("the report opens in headless Chromium with no errors, no requests and every figure visible", { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "dynaspin-report-"));
  const profile = join(dir, "profile");
  const file = join(dir, "report.html");
  writeFileSync(file, sampleReport());
  try {
    await checkReportInBrowser(file, profile, 8, "report.png", async (page) => {
      // Narrow screens: figures shrink to fit, nothing scrolls sideways.
      await page.setViewportSize({ width: 390, height: 800 });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `horizontal overflow of ${overflow} px on a phone-sized screen`);
      const narrow = await page.$$eval("figure > svg", (els) => els.map((el) => el.getBoundingClientRect().width));
      for (const w of narrow) assert.ok(w > 0 && w <= 390, `figure width ${w}`);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
