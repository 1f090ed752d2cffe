/**
 * Shared by the browser tests of self-contained HTML reports: opens a report file in headless Debian
 * Chromium (playwright-core) with a fresh profile, records console errors and every request, checks
 * that each `figure > svg` is visible, and keeps a full-page screenshot as a test artefact.
 */
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type Page } from "playwright-core";

/** Debian's Chromium (installed by .ci/run). */
export const CHROMIUM = "/usr/bin/chromium";

/** Flags for a headless Chromium that makes no background requests on this closed network. */
export const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"];

/**
 * Opens `reportFile`, asserts no console error, no request but the page itself and `figures` visible
 * figures (each wider and taller than 100 px), saves `test-artifacts/<screenshot>`, then runs
 * `more(page)` for test-specific checks before closing the browser.
 * @param profileDir a fresh folder for the browser profile.
 */
export async function checkReportInBrowser(
  reportFile: string,
  profileDir: string,
  figures: number,
  screenshot: string,
  more?: (page: Page, errors: string[]) => Promise<void>,
): Promise<void> {
  const url = pathToFileURL(reportFile).href;
  const browser = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1200, height: 900 },
    args: CHROMIUM_ARGS,
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
    const boxes = await page.$$eval("figure > svg", (els) =>
      els.map((el) => {
        const r = el.getBoundingClientRect();
        const s = getComputedStyle(el);
        return { w: r.width, h: r.height, visible: s.visibility !== "hidden" && s.display !== "none" };
      }),
    );
    assert.equal(boxes.length, figures);
    for (const b of boxes) assert.ok(b.visible && b.w > 100 && b.h > 100, JSON.stringify(b));
    mkdirSync("test-artifacts", { recursive: true });
    await page.screenshot({ path: join("test-artifacts", screenshot), fullPage: true });
    if (more) await more(page, errors);
    assert.deepEqual(errors, []);
    assert.deepEqual(requests, [url], "the only request is the page itself");
  } finally {
    await browser.close();
  }
}

/** What {@link captionsAndReferences} reads from a rendered report. */
export interface FigureInfo {
  id: string;
  caption: string;
  /** Links to the figure from outside any figure (paragraphs, tables). */
  references: number;
}

/**
 * Reads every figure of the open page: its anchor id, its caption text as rendered, and how many
 * links outside figures point to it — for "every caption present, every figure referenced".
 */
export async function captionsAndReferences(page: Page): Promise<FigureInfo[]> {
  return page.$$eval("figure", (figs) =>
    figs.map((f) => {
      const id = f.id;
      const caption = f.querySelector("figcaption")?.textContent?.trim() ?? "";
      const references = [...document.querySelectorAll(`a[href="#${id}"]`)].filter((a) => a.closest("figure") === null).length;
      return { id, caption, references };
    }),
  );
}
