/**
 * Why a regression trains without the automatic weight decay (docs/regression.md, "Weight
 * decay"): test MSE of `train` on plane and multi-Gaussian sets of 300 points (240 training rows,
 * below the 200-rows-trained-on threshold once the validation split is taken), noise 0 and 0.2,
 * seeds 0–2, with weight decay 0.3 (classification's automatic value) and 0 (regression's).
 * Prints the table and, unless `--no-write`, writes it into the `regression-weight-decay` block of
 * docs/regression.md (bench/doc-blocks.ts).
 * Run: `npm run build && node --import tsx bench/regression-weight-decay.ts [--no-write]`.
 */
import { makeRegressionSet, type RegressionSet } from "../src/data/synthetic.js";
import { stratifiedSplit } from "../src/data/split.js";
import { train } from "../src/train/train.js";
import { evaluateRegression } from "../src/network/api.js";
import { eq4 } from "../src/device/analytic.js";
import { finishRun, markdownTable, renderBlock, startRun, writeBlocks } from "./doc-blocks.js";

const SEEDS = [0, 1, 2];
const write = !process.argv.includes("--no-write");
const run = startRun("node --import tsx bench/regression-weight-decay.ts");
const rows: string[][] = [];
const engines = new Set<string>();
for (const set of ["plane", "multi-gaussian"] as RegressionSet[]) {
  for (const noise of [0, 0.2]) {
    const mse: Record<string, number[]> = { "0.3": [], "0": [] };
    for (const s of SEEDS) {
      const sp = stratifiedSplit(makeRegressionSet(set, { count: 300, seed: s, noise }), s, 0.2);
      for (const wd of [0.3, 0]) {
        const r = train(sp.train, { devices: eq4(), seed: s, weightDecay: wd });
        if (r.engine) engines.add(r.engine);
        mse[String(wd)]!.push(evaluateRegression(r.model, sp.test).mse);
      }
    }
    const m = (v: number[]): string => (v.reduce((a, b) => a + b, 0) / v.length).toExponential(2);
    rows.push([set, String(noise), m(mse["0.3"]!), m(mse["0"]!)]);
    console.log(`${set}, noise ${noise}: mean test MSE with weight decay 0.3 ${m(mse["0.3"]!)}, with 0 ${m(mse["0"]!)}`);
  }
}
const body = [`Mean test MSE over seeds ${SEEDS.join(", ")} (data, split and training seed alike), library \`train\` with \`weightDecay\` set, every other option its default.`, "", markdownTable(["set", "noise", "weight decay 0.3", "weight decay 0"], rows)].join("\n");
if (write) {
  writeBlocks("docs/regression.md", [["regression-weight-decay", renderBlock("regression-weight-decay", finishRun(run, engines), body)]]);
  console.error("wrote the regression-weight-decay block of docs/regression.md");
}
