/**
 * Regression above the full-batch limit (`npm run bench:regression-large [-- FLAGS]`): dynaspin
 * trained with its defaults on generated regression sets of 2 000 to 50 000 rows, exactly as a user
 * runs it (`dynaspin train --data SET.csv --problem regression --seed S --split-seed S`, one process
 * per run, CPU time measured by bench/cpu-usage.mjs), next to scikit-learn on the same training and
 * test rows (bench/peers/sklearn_regression_large.py, Debian's python3-sklearn, one thread): linear
 * regression, ridge (penalty by leave-one-out CV), the default MLPRegressor with early stopping and,
 * up to 10 000 rows, RBF SVR.
 *
 * The sets ({@link REGRESSION_SETS}, bench/generated-sets.ts) are Friedman #1 (scikit-learn's
 * `make_friedman1`): x ~ U(0, 1)^d, y = 10·sin(π·x1·x2) + 20·(x3 − 0.5)² + 10·x4 + 5·x5 + N(0, 1)
 * noise, the other d − 5 features irrelevant. The noise floor is MSE 1 (RMSE 1); a perfect model
 * scores R² ≈ 1 − 1/var(y) ≈ 0.96.
 *
 * Same rows: the benchmark splits the CSV's rows with the CLI's own split for seed S and checks that
 * the saved model reproduces the test MSE the run reported on them.
 *
 * Prints a table (R² and RMSE mean ± std over seeds, CPU seconds) and, unless --no-write, rewrites
 * the `regression-large` block of docs/regression.md.
 *
 * Flags: --seeds N (default 3), --sets ID,ID (default all), --no-write, then any further
 * `dynaspin train` flags after `--` (e.g. `-- --lr 0.005`) to try other settings (not written).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { stratifiedSplit } from "../src/data/split.js";
import { parseModel } from "../src/network/io.js";
import { evaluateRegression } from "../src/network/api.js";
import { finishRun, markdownTable, renderBlock, ROOT, startRun, writeBlocks } from "./doc-blocks.js";
import { runTrainProcess } from "./train-process.js";
import { regressionCsv, REGRESSION_SETS, writeRegressionCsv } from "./generated-sets.js";

const PYTHON = process.env.BENCH_PYTHON ?? "/usr/bin/python3";
const PEER = fileURLToPath(new URL("./peers/sklearn_regression_large.py", import.meta.url));
const DOC = join(ROOT, "docs", "regression.md");
/** Largest set the O(n²)-memory kernel peer runs on. */
const KERNEL_ROWS = 10_000;
const PEERS = [["ridge", "ridge (CV)"], ["linear", "linear"], ["mlp", "MLPRegressor (100 ReLU, Adam, early stop)"], ["svr", "RBF SVR"]] as const;

interface Score {
  mse: number;
  rmse: number;
  r2: number;
  cpu: number;
}

function args(): { seeds: number; sets: string[]; write: boolean; extra: string[] } {
  const a = process.argv.slice(2);
  const out = { seeds: 3, sets: REGRESSION_SETS.map((s) => s.id), write: true, extra: [] as string[] };
  for (let i = 0; i < a.length; i++) {
    if (a[i] === "--seeds") out.seeds = Number(a[++i]);
    else if (a[i] === "--sets") out.sets = (a[++i] ?? "").split(",");
    else if (a[i] === "--no-write") out.write = false;
    else if (a[i] === "--") { out.extra = a.slice(i + 1); break; }
    else {
      console.error(`bench:regression-large: unknown flag ${a[i]} (allowed: --seeds N, --sets ${REGRESSION_SETS.map((s) => s.id).join(",")}, --no-write, -- TRAIN FLAGS)`);
      process.exit(2);
    }
  }
  if (!Number.isInteger(out.seeds) || out.seeds < 1) { console.error("bench:regression-large: --seeds must be an integer >= 1"); process.exit(2); }
  for (const s of out.sets) if (!REGRESSION_SETS.some((r) => r.id === s)) { console.error(`bench:regression-large: unknown set '${s}' (allowed: ${REGRESSION_SETS.map((r) => r.id).join(", ")})`); process.exit(2); }
  if (out.extra.length) out.write = false;
  return out;
}

const mean = (v: number[]): number => v.reduce((s, x) => s + x, 0) / v.length;
const std = (v: number[]): number => {
  const m = mean(v);
  return v.length > 1 ? Math.sqrt(v.reduce((s, x) => s + (x - m) ** 2, 0) / (v.length - 1)) : 0;
};

async function main(): Promise<void> {
  const o = args();
  const tmp = mkdtempSync(join(tmpdir(), "dynaspin-bench-regression-large-"));
  const command = `npm run bench:regression-large${o.seeds !== 3 ? ` -- --seeds ${o.seeds}` : ""}`;
  const run = startRun(command);
  const engines = new Set<string>();
  const rows: { id: string; label: string; n: number; dynaspin: Score[]; updates: number[]; peers: Record<string, Score[]> }[] = [];
  let versions: Record<string, string> = {};
  try {
    for (const set of REGRESSION_SETS.filter((s) => o.sets.includes(s.id))) {
      const ds = set.make();
      const file = writeRegressionCsv(tmp, set.id, ds);
      const row = { id: set.id, label: set.label, n: ds.n, dynaspin: [] as Score[], updates: [] as number[], peers: {} as Record<string, Score[]> };
      for (let s = 0; s < o.seeds; s++) {
        const out = join(tmp, `${set.id}-${s}`), cpuFile = join(tmp, `${set.id}-${s}.cpu`);
        const cli = ["--data", file, "--problem", "regression", "--seed", String(s), "--split-seed", String(s), ...o.extra];
        const r = await runTrainProcess([...cli, "--json", "--quiet", "--out", out], cpuFile);
        if (r.code !== 0) throw new Error(`dynaspin train ${cli.join(" ")} failed (${r.code}): ${r.stderr}`);
        const summary = JSON.parse(r.stdout) as { testMse: number; testR2: number; engine: string; history?: unknown[] };
        const cpuJson = JSON.parse(readFileSync(cpuFile, "utf8")) as { user: number; system: number };
        engines.add(summary.engine);
        const split = stratifiedSplit(ds, s, 0.2);
        const model = parseModel(readFileSync(join(out, "model.json"), "utf8"), "model.json");
        const check = evaluateRegression(model, split.test);
        if (Math.abs(check.mse - summary.testMse) > 1e-9 * Math.max(1, summary.testMse)) throw new Error(`${set.id} seed ${s}: the benchmark's test rows give MSE ${check.mse}, the run reported ${summary.testMse}`);
        row.dynaspin.push({ mse: summary.testMse, rmse: Math.sqrt(summary.testMse), r2: summary.testR2, cpu: cpuJson.user + cpuJson.system });
        const trainCsv = join(tmp, `${set.id}-${s}-train.csv`), testCsv = join(tmp, `${set.id}-${s}-test.csv`);
        writeFileSync(trainCsv, regressionCsv(split.train));
        writeFileSync(testCsv, regressionCsv(split.test));
        const p = spawnSync(PYTHON, [PEER, trainCsv, testCsv, String(s), ds.n <= KERNEL_ROWS ? "1" : "0"], { encoding: "utf8", env: { ...process.env, OMP_NUM_THREADS: "1", OPENBLAS_NUM_THREADS: "1" } });
        if (p.status !== 0) throw new Error(`peer failed on ${set.id} seed ${s}: ${p.stderr}`);
        const peer = JSON.parse(p.stdout) as Record<string, Score> & { versions: Record<string, string> };
        versions = peer.versions as unknown as Record<string, string>;
        for (const [name] of PEERS) if (peer[name]) (row.peers[name] ??= []).push(peer[name]);
        const last = row.dynaspin[row.dynaspin.length - 1];
        console.error(`${set.id} seed ${s}: dynaspin R² ${last.r2.toFixed(4)} RMSE ${last.rmse.toFixed(3)} (${last.cpu.toFixed(1)} s CPU); ${PEERS.filter(([n]) => peer[n]).map(([n]) => `${n} R² ${peer[n].r2.toFixed(4)} (${peer[n].cpu.toFixed(1)} s)`).join(", ")}`);
      }
      rows.push(row);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const cell = (v: Score[] | undefined): string =>
    v === undefined ? "—" : `${mean(v.map((x) => x.r2)).toFixed(3)} ± ${std(v.map((x) => x.r2)).toFixed(3)}; ${mean(v.map((x) => x.rmse)).toFixed(3)} ± ${std(v.map((x) => x.rmse)).toFixed(3)}; ${mean(v.map((x) => x.cpu)).toFixed(1)} s`;
  const table = markdownTable(
    ["data set (80 % train / 20 % test)", "dynaspin (defaults)", ...PEERS.map(([, l]) => l)],
    rows.map((r) => [r.label, cell(r.dynaspin), ...PEERS.map(([n]) => cell(r.peers[n]))]),
  );
  const note =
    `Each cell: test R² mean ± std; test RMSE mean ± std; mean CPU seconds (dynaspin: the whole \`dynaspin train\` process, start included; peers: fit and predict), over seeds 0–${o.seeds - 1} (split seed and training seed S). ` +
    `The noise floor of each set is RMSE σ (its noise std). RBF SVR runs up to ${KERNEL_ROWS} rows (its kernel matrix grows as n²). ` +
    `Peers: scikit-learn ${versions.sklearn} (NumPy ${versions.numpy}, Python ${versions.python}), features standardised, one thread; MLP and SVR also on a standardised target.` +
    (o.extra.length ? ` dynaspin flags: ${o.extra.join(" ")}.` : "");
  console.log(table + "\n\n" + note);
  if (o.write) {
    writeBlocks(DOC, [["regression-large", renderBlock("regression-large", finishRun(run, engines), `${table}\n\n${note}`)]]);
    console.error(`wrote ${DOC}`);
  }
}

await main();
