import { after, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { captionsAndReferences, checkReportInBrowser } from "../helpers/report-browser.js";
import { runReproduce } from "../../src/node/reproduce.js";
import { makePlan } from "../../src/reproduce/plan.js";
import { cli } from "../helpers/cli.js";
import { decodePng } from "../plot/png-decode.js";

const dir = mkdtempSync(join(tmpdir(), "dynaspin-reproduce-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const FIGURES = ["fig2-device-curve", "test-device-fit", "fig3-spiral", "fig4-robustness", "fig5-digits-training", "digits-confusion", "spiral-trajectories", "spiral-currents", "digits-currents"];

test("a tiny reproduce run writes every figure, metric, model, summary and a report that Chromium shows without errors or requests", { timeout: 90_000 }, async () => {
  const out = join(dir, "run");
  const plan = makePlan({ mode: "tiny", seed: 3, workers: 2 });
  const { summary, report } = await runReproduce({ plan, out, command: "dynaspin reproduce (test)" });
  const expected = [
    ...FIGURES.flatMap((f) => [`figures/${f}.svg`, `figures/${f}.png`]),
    "metrics/spiral-seed3.csv",
    "metrics/digits-seed3.csv",
    "metrics/robustness.csv",
    "metrics/device-data.csv",
    "metrics/fig2-preset-curves.csv",
    "metrics/spiral-final-states.csv",
    "models/spiral-seed3.json",
    "models/digits-seed3.json",
    "models/device-fit.json",
    "summary.json",
    "report.html",
    // The tiny plan includes a short LLG sweep; its eq. 4 fit may fail on so few noisy points.
    "figures/llg-power-frequency.svg",
    "figures/llg-power-frequency.png",
    "metrics/llg-curve.csv",
    ...(summary.physics?.fit ? ["figures/llg-device-curve.svg", "figures/llg-device-curve.png", "models/llg-fit.json"] : []),
  ];
  const figureCount = expected.filter((f) => f.endsWith(".svg")).length;
  for (const f of expected) assert.ok(existsSync(join(out, f)), `missing ${f}`);
  assert.deepEqual([...summary.files].sort(), [...expected].sort());
  for (const f of FIGURES) {
    const img = decodePng(new Uint8Array(readFileSync(join(out, "figures", `${f}.png`))));
    assert.ok(img.width > 200 && img.height > 200, `${f}.png is ${img.width}×${img.height}`);
  }
  const json = JSON.parse(readFileSync(join(out, "summary.json"), "utf8"));
  assert.equal(json.mode, "tiny");
  assert.deepEqual(json.plan.spiral.seeds, [3]);
  for (const task of ["spiral", "digits"]) {
    for (const k of ["trainAccuracy", "testAccuracy"]) {
      const v = json[task][k].mean;
      assert.ok(v >= 0 && v <= 1, `${task}.${k} = ${v}`);
    }
    assert.equal(json[task].seeds[0].seed, 3);
  }
  // Chance level is 50 % for the spiral and 10 % for digits: even tiny runs learn something.
  assert.ok(json.spiral.testAccuracy.mean > 0.6 && json.digits.testAccuracy.mean > 0.5);
  assert.deepEqual(json.robustness.sigma, [0, 0.25, 0.5]);
  assert.ok(json.robustness.at025 > 0 && json.robustness.at05 > 0);
  assert.ok(Math.abs(json.device.fitted.Ic - 1) < 0.1 && Math.abs(json.device.fitted.Q - 2) < 0.3, JSON.stringify(json.device.fitted));
  assert.ok(json.timings.total > 0);
  assert.equal(json.physics.currents, 11);
  assert.ok(json.physics.fit !== null || json.physics.failure !== "");
  const robustCsv = readFileSync(join(out, "metrics/robustness.csv"), "utf8").trim().split("\n");
  assert.equal(robustCsv.length, 4);
  assert.match(robustCsv[0], /^sigma,mean_accuracy/);

  const html = readFileSync(report, "utf8");
  assert.match(html, /quantity<\/th><th scope="col">paper<\/th><th scope="col">dynaspin/);
  assert.match(html, /93\.88 %/);
  assert.match(html, /dynaspin reproduce \(test\)/);

  // Paper figures keep the paper's numbers; the extras are S1, S2, ... in order.
  const labels = [...html.matchAll(/<figcaption><b>(Figure [^.]+)\.<\/b>/g)].map((m) => m[1]);
  assert.deepEqual(labels.filter((l) => !l!.startsWith("Figure S")), ["Figure 2", "Figure 3", "Figure 4", "Figure 5"]);
  assert.deepEqual(labels.filter((l) => l!.startsWith("Figure S")), Array.from({ length: figureCount - 4 }, (_, i) => `Figure S${i + 1}`));
  // Differences from the paper: every number the paper gives, ours from this run beside it.
  const diff = html.slice(html.indexOf("<h2>Differences from the paper</h2>"));
  assert.ok(diff.length > 0 && html.includes("<h2>Differences from the paper</h2>"));
  for (const s of ["93.88 %", "92 %", "99.16 %", "97.5 %", "99 % accuracy", "Fig. 3 statement", "Fig. 4 statement", "10 000", "a = 4, b = 5, Ic = 1, Q = 2", "Ic = −6 mA, Q = 0.1", "Ic = −10 µA, Q = 0.3"]) assert.ok(diff.includes(s), `differences table lacks ${s}`);
  assert.ok(diff.includes(`${(100 * json.spiral.testAccuracy.mean).toFixed(2)} % (seed 3)`), "our spiral test accuracy, read from the run");
  assert.ok(diff.includes(`${json.robustness.trials} trials per σ`), "our trial count, read from the run");

  await checkReportInBrowser(report, join(dir, "profile"), figureCount, "reproduce-report.png", async (page) => {
    const figs = await captionsAndReferences(page);
    assert.equal(figs.length, figureCount);
    for (const f of figs) {
      assert.match(f.caption, /^Figure S?\d+\. \S/, `${f.id}: caption present and labelled`);
      assert.match(f.caption, /Data: .+\. Made by dynaspin reproduce \(test\)\.$/, `${f.id}: caption names its data source and command`);
      assert.ok(f.references >= 1, `${f.id} is not referenced from the text`);
    }
    // Fig. 2 is the presets' curves, labelled as such, never as measured data.
    const fig2 = figs.find((f) => f.id === "fig-2")!;
    assert.match(fig2.caption, /hamadeh2012/);
    assert.match(fig2.caption, /zeng2013/);
    assert.match(fig2.caption, /no measured points/);
  });
});

test("bad reproduce flags exit with code 2, one line naming the flag, and create no output folder", async () => {
  const cases: [string[], RegExp][] = [
    [["--workers", "0"], /--workers/],
    [["--seed", "-3"], /--seed/],
    [["--quik"], /--quik/],
    [["--seed", "abc"], /--seed/],
    [["extra"], /extra/],
  ];
  for (const [args, re] of cases) {
    const out = join(dir, `bad-${args.join("_")}`);
    const r = await cli("reproduce", ...args, "--out", out);
    assert.equal(r.code, 2, args.join(" "));
    assert.match(r.err, re);
    assert.equal(r.err.trim().split("\n").length, 1, r.err);
    assert.equal(r.out, "");
    assert.ok(!existsSync(out), `${out} was created`);
  }
});

test("reproduce --quick prints the paper-vs-dynaspin table and the report path, and the report says what quick mode reduced", { timeout: 120_000 }, async () => {
  const out = join(dir, "quick");
  const r = await cli("reproduce", "--quick", "--quiet", "--out", out);
  assert.equal(r.code, 0, r.err);
  assert.equal(r.err, "");
  assert.match(r.out, /^quantity\s+paper\s+dynaspin\n/);
  assert.match(r.out, /spiral test accuracy\s+92 % \(§II-D\)\s+\d+\.\d\d % \(seed 0\)/);
  assert.match(r.out, /quick mode, wall time \d/);
  assert.ok(r.out.trimEnd().endsWith(`report: ${join(out, "report.html")}`), r.out);
  const html = readFileSync(join(out, "report.html"), "utf8");
  assert.match(html, /Reduced relative to the full run: one training seed per task/);
  assert.match(html, /dynaspin reproduce --quick/);
});
