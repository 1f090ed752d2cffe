/**
 * End-to-end: builds the playground, serves it with the static server on 127.0.0.1 and drives
 * Debian's Chromium through a session: train on the spiral until the page shows > 90 % test
 * accuracy, move the σ slider, export the model (loaded back with the core's parser and checked
 * against the displayed accuracy), import it again, and keep screenshots in test-artifacts/.
 * No console error and no request to another origin may occur.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "vite";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { startStaticServer, type RunningServer } from "../../src/node/static-server.js";
import { parseModel, modelFromJson, evaluate, makeSpiral, stratifiedSplit, parseCsvDataset, TASK_DEFAULTS } from "../../src/index.js";
import { readModelFile } from "../../src/node/model-file.js";

import { CHROMIUM, CHROMIUM_ARGS } from "../helpers/report-browser.js";
const repo = fileURLToPath(new URL("../..", import.meta.url));
const artifacts = join(repo, "test-artifacts");

let out = "";
let site = "";
let server: RunningServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const consoleErrors: string[] = [];
const outside: string[] = [];

before(async () => {
  out = mkdtempSync(join(tmpdir(), "dynaspin-playground-"));
  // Built into a sub-folder of the served root: relative paths must work from any folder.
  await build({ configFile: join(repo, "playground/vite.config.ts"), logLevel: "warn", build: { outDir: join(out, "play"), emptyOutDir: true } });
  server = await startStaticServer({ root: out });
  site = `${server.origin}/play/`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
  });
  context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
  context.on("request", (r) => {
    const u = r.url();
    if (!(u.startsWith(server.origin + "/") || u.startsWith("blob:") || u.startsWith("data:"))) outside.push(u);
  });
  page = await context.newPage();
  page.on("console", (m) => {
    if (m.type() === "error") consoleErrors.push(m.text());
  });
  page.on("pageerror", (e) => consoleErrors.push(`pageerror: ${e.message}`));
  mkdirSync(artifacts, { recursive: true });
});

after(async () => {
  await context?.close();
  await browser?.close();
  await server?.close();
  if (out) rmSync(out, { recursive: true, force: true });
});

async function waitStatus(p: Page, re: RegExp, timeout = 20_000): Promise<void> {
  await p.waitForFunction((src) => new RegExp(src).test(document.getElementById("status")!.textContent ?? ""), re.source, { timeout });
}

test("the built site is static: relative asset paths and a Content-Security-Policy meta tag", () => {
  const html = readFileSync(join(out, "play", "index.html"), "utf8");
  assert.match(html, /http-equiv="Content-Security-Policy" content="default-src 'self'/);
  assert.doesNotMatch(html, /(src|href)="\/(?!\/)/, "absolute asset paths break hosting under a sub-folder");
  assert.doesNotMatch(html, /https?:\/\//, "the page must not reference another origin");
});

test("training on the spiral reaches > 90 % displayed test accuracy; σ, export, import and URL state work", { timeout: 80_000 }, async () => {
  // The paper's task, defaults from the page. Training outcomes depend on the seed (a run can end
  // in a poor local minimum, as on the CLI); try the next seed if the first run ends below 90 %.
  let reached = false;
  for (let seed = 1; seed <= 3 && !reached; seed++) {
    await page.goto(`${site}#data=spiral&seed=${seed}`);
    await page.reload();
    await waitStatus(page, /^ready$/);
    // The URL holds the whole state, defaults included.
    assert.match(new URL(page.url()).hash, new RegExp(`data=spiral.*device=paper-test.*steps=8.*seed=${seed}`));
    // Keyboard: focus Start and press Enter.
    await page.focus("#start");
    await page.keyboard.press("Enter");
    reached = await page
      .waitForFunction(
        () => Number(document.getElementById("test-accuracy")!.dataset.value) > 0.9 || document.getElementById("status")!.textContent === "finished",
        null,
        { timeout: 40_000 },
      )
      .then(async () => Number(await page.getAttribute("#test-accuracy", "data-value")) > 0.9);
  }
  assert.ok(reached, "test accuracy > 90 % within three seeds");
  // Pause, unless the run already finished (then Start is disabled): on an idle machine 300 epochs
  // can complete before the accuracy check returns. Epochs keep arriving until the pause takes
  // effect and training fluctuates from epoch to epoch, so the paused state can sit just below 90 %
  // although > 90 % was shown: then resume, wait for > 90 % again and pause again (a few rounds).
  let shown = 0;
  for (let round = 0; round < 5; round++) {
    await page.evaluate(() => {
      const b = document.getElementById("start") as HTMLButtonElement;
      if (!b.disabled) b.click();
    });
    await waitStatus(page, /^(paused|finished)$/);
    shown = Number(await page.getAttribute("#test-accuracy", "data-value"));
    if (shown > 0.9 || (await page.textContent("#status")) === "finished") break;
    await page.click("#start");
    await page.waitForFunction(() => Number(document.getElementById("test-accuracy")!.dataset.value) > 0.9 || document.getElementById("status")!.textContent === "finished", null, { timeout: 40_000 });
  }
  assert.ok(shown > 0.9, `displayed test accuracy ${shown}`);
  assert.ok(await page.locator("#chart-input svg").count(), "input plane drawn");
  assert.ok(await page.locator("#chart-states svg").count(), "state scatter drawn");
  assert.ok(await page.locator("#chart-accuracy svg").count(), "accuracy curve drawn");
  assert.ok(await page.locator("#chart-device svg").count(), "device curve drawn");

  // The step slider shows intermediate states: t = 0 is the normalised input.
  await page.fill("#t", "0");
  await page.dispatchEvent("#t", "input");
  await page.waitForFunction(() => /step 0 of 8/.test(document.getElementById("chart-states")!.textContent ?? ""));
  assert.match(new URL(page.url()).hash, /&t=0/);
  await page.fill("#t", "8");
  await page.dispatchEvent("#t", "input");

  // σ slider by keyboard: 25 steps of 0.01 → σ = 0.25 on a; the distribution panel updates.
  await page.waitForFunction(() => document.getElementById("variation-summary")!.dataset.sigma === "0");
  await page.focus("#sigma");
  for (let i = 0; i < 25; i++) await page.keyboard.press("ArrowRight");
  await page.waitForFunction(() => document.getElementById("variation-summary")!.dataset.sigma === "0.25", null, { timeout: 15_000 });
  const summary = (await page.textContent("#variation-summary")) ?? "";
  assert.match(summary, /σ = 0\.25 on a: mean test accuracy \d+\.\d %/);
  assert.ok(await page.locator("#chart-variation svg").count(), "accuracy histogram drawn");
  assert.ok(await page.locator("#chart-sigma svg").count(), "accuracy-vs-σ curve drawn (σ = 0 and 0.25 visited)");
  assert.match(new URL(page.url()).hash, /sigma=0\.25/);

  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(artifacts, "playground-1280.png"), fullPage: false });
  await page.screenshot({ path: join(artifacts, "playground-1280-full.png"), fullPage: true });

  // Export: the same JSON the CLI reads; the model reproduces the displayed accuracy in Node.
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#export")]);
  const file = await download.path();
  // The CLI's loader (file → validated JSON → Model), as `dynaspin eval --model` reads it.
  const model = modelFromJson(readModelFile(file), file);
  assert.deepEqual(parseModel(readFileSync(file, "utf8"), "exported.json").A, model.A);
  assert.equal(model.k, 2);
  assert.equal(model.steps, 8);
  const split = stratifiedSplit(makeSpiral({ count: 1000, turns: 1, noise: 0.04, seed: 0 }), 0, 0.2);
  assert.equal(evaluate(model, split.test).accuracy, shown, "Node evaluation of the exported model equals the page's test accuracy");

  // Import it back (after a reset, the page shows the imported network's accuracy again).
  await page.click("#reset");
  await waitStatus(page, /^ready$/);
  await page.setInputFiles("#import-file", file);
  await waitStatus(page, /^imported$/);
  assert.equal(Number(await page.getAttribute("#test-accuracy", "data-value")), shown);

  // A narrow (phone) width: one column, nothing wider than the viewport.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForTimeout(200);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `page is ${overflow}px wider than a 390px viewport`);
  await page.screenshot({ path: join(artifacts, "playground-narrow.png"), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });

  // Digits: loads the shipped file (same origin) and shows a confusion matrix after one epoch.
  await page.goto(`${site}#data=digits&steps=2&epochs=5&restarts=1&seed=1`);
  await page.reload();
  await waitStatus(page, /^ready$/, 30_000);
  // State from the URL reaches the controls.
  assert.equal(await page.inputValue("#data"), "digits");
  assert.equal(await page.inputValue("#steps"), "2");
  assert.equal(await page.inputValue("#epochs"), "5");
  await page.click("#step");
  await waitStatus(page, /^paused$/, 30_000);
  assert.ok(await page.locator("#chart-confusion svg").count(), "confusion matrix drawn for digits");
  assert.equal(await page.locator("#panel-input").isHidden(), true, "no input plane for 64-D data");
  await page.screenshot({ path: join(artifacts, "playground-digits.png"), fullPage: false });

  // CSV upload: the CLI parser's errors, then a 3-class 2-D set with regions and a confusion matrix.
  await page.goto(`${site}#data=csv&restarts=1&epochs=20&steps=3`);
  await page.reload();
  await waitStatus(page, /choose a CSV file/);
  const bad = "a,b,label\n1,2,x\n3,abc,y\n";
  let cliMessage = "";
  try {
    parseCsvDataset(bad, { file: "bad.csv" });
  } catch (e) {
    cliMessage = (e as Error).message;
  }
  assert.match(cliMessage, /^bad\.csv: row 3, column 2/);
  await page.setInputFiles("#csv-file", { name: "bad.csv", mimeType: "text/csv", buffer: Buffer.from(bad) });
  await page.waitForFunction((m) => document.getElementById("data-error")!.textContent === m, cliMessage);
  const rows = ["x,y,kind"];
  for (let i = 0; i < 150; i++) rows.push(`${(i % 3) + 0.1 * Math.sin(i)},${(i % 3) * 0.5 + 0.1 * Math.cos(i)},${["a", "b", "c"][i % 3]}`);
  await page.setInputFiles("#csv-file", { name: "three.csv", mimeType: "text/csv", buffer: Buffer.from(rows.join("\n")) });
  await waitStatus(page, /^ready$/);
  await page.click("#step");
  await waitStatus(page, /^paused$/);
  assert.equal(await page.textContent("#data-error"), "");
  assert.ok(await page.locator("#chart-input svg").count(), "input plane for 2-D CSV data");
  assert.ok(await page.locator("#chart-confusion svg").count(), "confusion matrix for 3 classes");
  await page.screenshot({ path: join(artifacts, "playground-csv.png"), fullPage: false });

  // Choosing digits from the menu brings the CLI's digits settings (TASK_DEFAULTS) into the URL.
  await page.selectOption("#data", "digits");
  await waitStatus(page, /^ready$/, 30_000);
  assert.equal(await page.inputValue("#steps"), String(TASK_DEFAULTS.digits.steps));
  assert.match(new URL(page.url()).hash, new RegExp(`data=digits.*steps=${TASK_DEFAULTS.digits.steps}.*epochs=${TASK_DEFAULTS.digits.epochs}`));

  // Every form control has a label; every button has text.
  const unlabelled = await page.evaluate(() =>
    [...document.querySelectorAll("input, select, button")]
      .filter((el) => (el instanceof HTMLButtonElement ? !el.textContent?.trim() : !(el as HTMLInputElement).labels?.length))
      .map((el) => el.id),
  );
  assert.deepEqual(unlabelled, []);

  assert.deepEqual(outside, [], "requests to other origins");
  assert.deepEqual(consoleErrors, [], "console errors");
  assert.ok(existsSync(join(artifacts, "playground-1280.png")));
});
