/**
 * Regression benchmark (`npm run bench:regression [-- FLAGS]`): dynaspin trained with its defaults
 * on TensorFlow Playground's two regression sets, exactly as a user runs it
 * (`dynaspin train --task plane|multi-gaussian --seed S --split-seed S --data-seed S`, one process
 * per run), next to scikit-learn's MLPRegressor (its default with Adam and with L-BFGS, and TensorFlow
 * Playground's 4–2 tanh network) and RBF SVR (bench/peers/sklearn_regression.py, Debian's python3-sklearn) trained on the
 * same training rows and scored on the same test rows, for seeds 0..S−1.
 *
 * Same rows: the benchmark generates each set and splits it with the CLI's own code for seed S and
 * gives the peers those rows; the model dynaspin saved is evaluated on the benchmark's test rows
 * and must reproduce the test MSE the CLI reported, or the benchmark fails.
 *
 * Prints a table (mean ± std test MSE over the seeds, R², mean wall time) and, unless --no-write,
 * rewrites the generated block of docs/regression.md between `<!-- regression:begin -->` and
 * `<!-- regression:end -->` with machine, date and load.
 *
 * Flags: --seeds N (default 5), --noise X (TensorFlow Playground's noise fraction, default 0),
 * --no-write.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { makeRegressionSet, type RegressionSet } from "../src/data/synthetic.js";
import { stratifiedSplit } from "../src/data/split.js";
import { parseModel } from "../src/network/io.js";
import { evaluateRegression } from "../src/network/api.js";
import type { Dataset } from "../src/data/dataset.js";
import { finishRun, renderBlock, startRun, writeBlocks } from "./doc-blocks.js";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const PYTHON = process.env.BENCH_PYTHON ?? "/usr/bin/python3";
const PEER = fileURLToPath(new URL("./peers/sklearn_regression.py", import.meta.url));
const DOC = join(ROOT, "docs", "regression.md");
const SETS: readonly RegressionSet[] = ["plane", "multi-gaussian"];
const PEERS = [["mlp", "MLPRegressor (100 ReLU, Adam)"], ["mlp_lbfgs", "MLPRegressor (100 ReLU, L-BFGS)"], ["mlp42", "MLPRegressor (4–2 tanh, L-BFGS: TF Playground's network)"], ["svr", "RBF SVR"], ["mean", "training mean"]] as const;

interface Score {
  mse: number;
  r2: number;
  seconds: number;
}

function args(): { seeds: number; noise: number; write: boolean } {
  const a = process.argv.slice(2);
  const out = { seeds: 5, noise: 0, write: true };
  for (let i = 0; i < a.length; i++) {
    if (a[i] === "--seeds") out.seeds = Number(a[++i]);
    else if (a[i] === "--noise") out.noise = Number(a[++i]);
    else if (a[i] === "--no-write") out.write = false;
    else {
      console.error(`bench:regression: unknown flag ${a[i]} (allowed: --seeds N, --noise X, --no-write)`);
      process.exit(2);
    }
  }
  if (!Number.isInteger(out.seeds) || out.seeds < 1) {
    console.error("bench:regression: --seeds must be an integer >= 1");
    process.exit(2);
  }
  return out;
}

function csv(ds: Dataset): string {
  const rows = ["x,y,value"];
  for (let r = 0; r < ds.n; r++) rows.push(`${ds.x[2 * r]},${ds.x[2 * r + 1]},${ds.targets![r]}`);
  return rows.join("\n") + "\n";
}

const mean = (v: number[]): number => v.reduce((s, x) => s + x, 0) / v.length;
const std = (v: number[]): number => {
  const m = mean(v);
  return v.length > 1 ? Math.sqrt(v.reduce((s, x) => s + (x - m) ** 2, 0) / (v.length - 1)) : 0;
};
const fmt = (v: number): string => (v < 1e-3 ? v.toExponential(2) : v.toFixed(4));

function main(): void {
  const o = args();
  if (!existsSync(PYTHON)) {
    console.error(`bench:regression: ${PYTHON} not found (apt-get install python3-sklearn)`);
    process.exit(2);
  }
  const tmp = mkdtempSync(join(tmpdir(), "dynaspin-bench-regression-"));
  const command = `npm run bench:regression${o.seeds !== 5 ? ` -- --seeds ${o.seeds}` : ""}${o.noise ? ` --noise ${o.noise}` : ""}`;
  const run = startRun(command);
  const engines = new Set<string>();
  const results: { set: RegressionSet; dynaspin: Score[]; peers: Record<string, Score[]> }[] = [];
  let versions: Record<string, string> = {};
  try {
    for (const set of SETS) {
      const row = { set, dynaspin: [] as Score[], peers: {} as Record<string, Score[]> };
      for (let s = 0; s < o.seeds; s++) {
        const cli = ["train", "--task", set, "--seed", String(s), "--split-seed", String(s), "--data-seed", String(s), ...(o.noise ? ["--noise", String(o.noise)] : [])];
        const out = join(tmp, `${set}-${s}`);
        const t0 = performance.now();
        const r = spawnSync(process.execPath, [join(ROOT, "bin/dynaspin.js"), ...cli, "--json", "--quiet", "--out", out], { encoding: "utf8" });
        const seconds = (performance.now() - t0) / 1000;
        if (r.status !== 0) throw new Error(`dynaspin ${cli.join(" ")} failed (${r.status}): ${r.stderr}`);
        const summary = JSON.parse(r.stdout) as { testMse: number; testR2: number; engine: string };
        engines.add(summary.engine);
        // The benchmark's own split must be the run's: the saved model reproduces its test MSE on it.
        const ds = makeRegressionSet(set, { seed: s, ...(o.noise ? { noise: o.noise } : {}) });
        const split = stratifiedSplit(ds, s, 0.2);
        const model = parseModel(readFileSync(join(out, "model.json"), "utf8"), "model.json");
        const check = evaluateRegression(model, split.test);
        if (Math.abs(check.mse - summary.testMse) > 1e-12 * Math.max(1, summary.testMse)) throw new Error(`${set} seed ${s}: the benchmark's test rows give MSE ${check.mse}, the run reported ${summary.testMse}`);
        row.dynaspin.push({ mse: summary.testMse, r2: summary.testR2, seconds });
        const trainCsv = join(tmp, `${set}-${s}-train.csv`), testCsv = join(tmp, `${set}-${s}-test.csv`);
        writeFileSync(trainCsv, csv(split.train));
        writeFileSync(testCsv, csv(split.test));
        const p = spawnSync(PYTHON, [PEER, trainCsv, testCsv, String(s)], { encoding: "utf8", env: { ...process.env, OMP_NUM_THREADS: "1", OPENBLAS_NUM_THREADS: "1" } });
        if (p.status !== 0) throw new Error(`peer failed on ${set} seed ${s}: ${p.stderr}`);
        const peer = JSON.parse(p.stdout) as Record<string, Score> & { versions: Record<string, string> };
        versions = peer.versions as unknown as Record<string, string>;
        for (const [name] of PEERS) (row.peers[name] ??= []).push(peer[name]);
        console.error(`${set} seed ${s}: dynaspin test MSE ${fmt(summary.testMse)} (R² ${summary.testR2.toFixed(4)}, ${seconds.toFixed(1)} s); ${PEERS.map(([n]) => `${n} ${fmt(peer[n].mse)}`).join(", ")}`);
      }
      results.push(row);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const cell = (v: Score[]): string => `${fmt(mean(v.map((x) => x.mse)))} ± ${fmt(std(v.map((x) => x.mse)))}`;
  const header = `| data set (1000 points, 800 train / 200 test) | dynaspin (defaults) | ${PEERS.map(([, l]) => l).join(" | ")} |`;
  const rule = `|---|---|${PEERS.map(() => "---").join("|")}|`;
  const body = results.map((r) => `| ${r.set} | ${cell(r.dynaspin)} (R² ${mean(r.dynaspin.map((x) => x.r2)).toFixed(3)}, ${mean(r.dynaspin.map((x) => x.seconds)).toFixed(1)} s) | ${PEERS.map(([n]) => `${cell(r.peers[n])}${n === "mean" ? "" : ` (R² ${mean(r.peers[n].map((x) => x.r2)).toFixed(3)})`}`).join(" | ")} |`);
  const note =
    `Test mean squared error, mean ± std over seeds 0–${o.seeds - 1} (data seed, split seed and training seed S; noise ${o.noise}); dynaspin's times include the process start. ` +
    `Peers: scikit-learn ${versions.sklearn} (NumPy ${versions.numpy}, Python ${versions.python}), features standardised, one thread.`;
  const table = [header, rule, ...body].join("\n");
  console.log(table + "\n\n" + note);
  if (o.write) {
    writeBlocks(DOC, [["regression", renderBlock("regression", finishRun(run, engines), `${table}\n\n${note}`)]]);
    console.error(`wrote ${DOC}`);
  }
}

main();
