// The sections of docs/results.md beyond the core tables, each measured by running the CLI the
// way a user would and rendered as the body of a generated block (scripts/results-core.ts wraps
// it with the run line of bench/doc-blocks.ts and writes the page):
//
//   fit          `dynaspin fit` (eq. 4 and eq. 3) on the generated Fig. 2b curve and the T = 0 LLG curve
//   robustness   Fig. 4 sweeps of a plainly trained and a variation-aware spiral network
//                (also writes docs/robustness/{plain,variation-aware}.csv and compare.svg/.png)
//   read-noise   noise-aware training against read noise
//   reproduce    `dynaspin reproduce --quick` against the paper
//   reproduce-full  the full `dynaspin reproduce` (5 seeds, 10 000 trials, LLG panel; minutes)
//   physics      device parameters → `dynaspin llg` → `dynaspin fit` → `dynaspin train --device`
//   mnist        `dynaspin train --task mnist` on 1 and 2 threads (minutes)
//
// Every number in a block comes from the JSON or the files the commands wrote in this run.
import { spawnSync } from "node:child_process";
import { copyFileSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { comparisonTable, type ReproduceSummary } from "../src/reproduce/summary.js";
import { PY_CU_PY, resolveDevice } from "../src/physics/params.js";
import { stationaryState, thresholdCurrent } from "../src/physics/closedform.js";
import { markdownTable, ROOT } from "../bench/doc-blocks.js";
import { EQ4_NOISE } from "../test/device/fixtures/make-eq4-noise.js";

/** What a section needs from the runner: a scratch folder and the CLI. */
export interface SectionContext {
  /** A scratch folder, removed after the run. */
  tmp: string;
  /** Runs `dynaspin ARGS --json` and returns the parsed JSON; throws with the command's stderr on a non-zero exit. */
  dynaspin(args: string[]): Json;
  /** Records an engine the numbers were measured with (for the block's run line). */
  engine(name: string | null | undefined): void;
  /** Progress to stderr. */
  log(text: string): void;
  /** Whether the section should run its quick variant (fewer epochs). */
  quick: boolean;
}

/** The CLI's JSON as read here: untyped on purpose (each section names the fields it reads). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the CLI's --json output, read field by field
export type Json = any;

/** The bodies a section writes, by block name (without the `results-` prefix). */
export type SectionOutput = Map<string, string>;

/** A section: measures and returns its blocks' bodies. */
export type Section = (ctx: SectionContext) => SectionOutput;

const pct = (x: number, d = 2): string => (100 * x).toFixed(d);
const mean = (a: number[]): number => a.reduce((s, x) => s + x, 0) / a.length;

/** The fixed settings of the robustness and read-noise comparisons (explicit, so they do not move with the defaults). */
export const ROBUSTNESS_TRAIN = ["--task", "spiral", "--steps", "6", "--epochs", "400", "--restarts", "4", "--init-spread", "0.65", "--batch", "64", "--lr", "0.01", "--seed", "0"];
const F = "`" + ROBUSTNESS_TRAIN.join(" ") + "`";

function train(ctx: SectionContext, name: string, args: string[]): Json {
  const out = join(ctx.tmp, name);
  const j = ctx.dynaspin(["train", ...args, "--quiet", "--out", out]);
  ctx.engine(j.engine);
  return { ...j, dir: out };
}

function sweep(ctx: SectionContext, name: string, model: string, args: string[]): Json {
  const out = join(ctx.tmp, name);
  const j = ctx.dynaspin(["robustness", "--model", model, ...args, "--out", out]);
  ctx.engine(j.engine === null ? null : `${j.engine} (robustness)`);
  return { ...j, dir: out };
}

/** Copies `from` to `to` through a temporary file (a reader never sees half a file). */
function copyAtomic(from: string, to: string): void {
  copyFileSync(from, to + ".tmp");
  renameSync(to + ".tmp", to);
}

/** A fitted parameter "value ± standard error" (the error omitted when the fit could not compute it). */
function withError(j: Json, k: string, d: number): string {
  const v: number = j.params[k];
  const e: number | null | undefined = j.standardErrors?.[k];
  const fmt = (x: number): string => (Math.abs(x) < 1e-3 && x !== 0 ? x.toExponential(0) : x.toFixed(d));
  return `${fmt(v)}${e === null || e === undefined || e === 0 ? "" : ` ± ${fmt(e)}`}${(j.atBound ?? []).includes(k) ? " (at its bound)" : ""}`;
}

/** `dynaspin fit` on the two fixtures of Fig. 2b: the generated noisy eq. 4 curve and the T = 0 macrospin curve. */
export const fit: Section = (ctx) => {
  const cases = [
    { data: "test/device/fixtures/eq4-noise.csv", args: [] as string[], truth: EQ4_NOISE as Record<string, number> | null },
    { data: "test/device/fixtures/llg-py-cu-py.csv", args: ["--current-unit", "mA"], truth: null },
  ];
  const rows: string[][] = [];
  ctx.engine("TypeScript (the fit has no other engine)");
  for (const c of cases) {
    if (c.truth) rows.push([`\`${c.data.replace(/^.*\//, "")}\``, "true (generator)", ...["a", "b", "Ic", "Q"].map((k) => String(c.truth![k])), `noise σ = ${c.truth.sigma}`, "", ""]);
    for (const model of ["eq4", "eq3"]) {
      ctx.log(`results: fit: dynaspin fit --data ${c.data} --model ${model}`);
      let j: Json;
      try {
        j = ctx.dynaspin(["fit", "--data", c.data, "--model", model, ...c.args]);
      } catch (e) {
        rows.push([`\`${c.data.replace(/^.*\//, "")}\``, model === "eq4" ? "eq. 4" : "eq. 3", `\`dynaspin fit\` exits 1: ${(e as Error).message.replace(/^.*?dynaspin: (?:fit failed: )?/, "").replace(/\S*\.csv: /g, "").replace(/; check the .*$/, "")}`, "", "", "", "", "", ""]);
        continue;
      }
      rows.push([
        `\`${c.data.replace(/^.*\//, "")}\` (${j.n} rows${j.skipped ? `, ${j.skipped} skipped by status` : ""})`,
        model === "eq4" ? "eq. 4" : "eq. 3",
        model === "eq4" ? withError(j, "a", 3) : "–",
        model === "eq4" ? withError(j, "b", 2) : "–",
        withError(j, "Ic", 3),
        withError(j, "Q", 3),
        `RMS ${j.rms.toFixed(4)}`,
        `R² ${j.r2.toFixed(5)}`,
        `${j.iterations} iterations${j.converged ? "" : ", not converged"}`,
      ]);
    }
  }
  const body = [
    "`dynaspin fit --data FILE --model eq4|eq3 [--current-unit mA]` on the two fixtures (currents in mA):",
    "",
    markdownTable(["data", "model", "a (1/mA)", "b", "Ic (mA)", "Q", "residual", "fit", "iterations"], rows),
  ];
  return new Map([["fit", body.join("\n")]]);
};

/** Plain vs variation-aware training under variation of a (Fig. 4), 21 σ × 10 000 trials. */
export const robustness: Section = (ctx) => {
  const trials = ctx.quick ? 1000 : 10000;
  ctx.log("results: robustness: training the plain and the variation-aware spiral networks");
  const plain = train(ctx, "rob-plain", ROBUSTNESS_TRAIN);
  const va = train(ctx, "rob-va", [...ROBUSTNESS_TRAIN, "--train-variation", "a:0.25"]);
  ctx.log(`results: robustness: two sweeps of 21 σ × ${trials} trials`);
  const common = ["--task", "spiral", "--param", "a", "--sigma", "0:1:0.05", "--trials", String(trials), "--workers", "2"];
  const sp = sweep(ctx, "rob-plain-sweep", plain.model, common);
  const sv = sweep(ctx, "rob-va-sweep", va.model, [...common, "--label", "variation-aware training (a:0.25)", "--compare", `plain training=${sp.dir}`]);
  // The committed figure and per-σ tables are this run's.
  copyAtomic(join(sp.dir, "robustness.csv"), join(ROOT, "docs/robustness/plain.csv"));
  copyAtomic(join(sv.dir, "robustness.csv"), join(ROOT, "docs/robustness/variation-aware.csv"));
  copyAtomic(join(sv.dir, "compare.svg"), join(ROOT, "docs/robustness/compare.svg"));
  copyAtomic(join(sv.dir, "compare.png"), join(ROOT, "docs/robustness/compare.png"));
  const at = (j: Json, s: number): Json => {
    const r = j.results.find((x: Json) => Math.abs(x.sigma - s) < 1e-9);
    if (!r) throw new Error(`robustness: σ = ${s} missing from the sweep`);
    return r;
  };
  const rows = [0, 0.25, 0.5, 0.75, 1].map((s) => {
    const p = at(sp, s), v = at(sv, s);
    return [String(s), `${pct(p.mean)} %`, pct(p.p5, 1), `${pct(p.fractionAbove, 1)} %`, `${pct(v.mean)} %`, pct(v.p5, 1), `${pct(v.fractionAbove, 1)} %`];
  });
  const v25 = at(sv, 0.25).mean, v50 = at(sv, 0.5).mean;
  const met = v25 >= 0.95 && v50 >= 0.9;
  const diffs = [0.25, 0.5, 0.75, 1].map((x) => `${((at(sv, x).mean - at(sp, x).mean) * 100 >= 0 ? "+" : "−")}${Math.abs((at(sv, x).mean - at(sp, x).mean) * 100).toFixed(2)}`);
  const redraws = [...sp.results, ...sv.results].reduce((s: number, r: Json) => s + r.redraws + r.clipped, 0);
  const body = [
    `Training: ${F} (plain) and the same with \`--train-variation a:0.25\`; sweeps: \`dynaspin robustness --model M --task spiral --param a --sigma 0:1:0.05 --trials ${trials} --workers 2\`${trials < 10000 ? " (quick: 1000 trials per σ instead of 10 000)" : ""}.`,
    "",
    markdownTable(["σ(a)", "plain: mean", "p5", "≥ 90 %", "variation-aware: mean", "p5", "≥ 90 %"], rows),
    "",
    `Goal (variation-aware mean ≥ 95 % at σ = 0.25 and ≥ 90 % at σ = 0.5): ${met ? "met" : "NOT met"} (${pct(v25)} %, ${pct(v50)} %). ` +
      `Variation-aware minus plain, mean at σ = 0.25 / 0.5 / 0.75 / 1: ${diffs.join(" / ")} points. ` +
      `Test accuracy at σ = 0: plain ${pct(plain.testAccuracy)} %, variation-aware ${pct(va.testAccuracy)} %. ` +
      `Redrawn or clipped device draws: ${redraws}. ` +
      `Wall time: training ${plain.seconds.toFixed(2)} s (plain) and ${va.seconds.toFixed(2)} s (variation-aware); sweeps ${sp.seconds.toFixed(2)} s and ${sv.seconds.toFixed(2)} s on ${sp.workers} threads.`,
  ];
  return new Map([["robustness", body.join("\n")]]);
};

/** Read noise: plain vs noise-aware training, evaluated with read noise 0.02 and 0.05. */
export const readNoise: Section = (ctx) => {
  const levels = ["0.02", "0.05"];
  const trials = ctx.quick ? 200 : 1000;
  const rows: string[][] = [];
  const evalSeconds: number[] = [];
  for (const noise of [null, ...levels]) {
    const name = noise === null ? "plain" : `\`--train-noise ${noise}\``;
    ctx.log(`results: read-noise: training ${noise === null ? "plain" : `with --train-noise ${noise}`}`);
    const m = train(ctx, `noise-${noise ?? "plain"}`, [...ROBUSTNESS_TRAIN, ...(noise === null ? [] : ["--train-noise", noise])]);
    const cells = [name, `${pct(m.testAccuracy, 1)} %`];
    for (const s of levels) {
      const r = sweep(ctx, `noise-${noise ?? "plain"}-eval-${s}`, m.model, ["--task", "spiral", "--sigma", "0", "--hw", `noise=${s}`, "--trials", String(trials), "--workers", "2", "--no-figure"]);
      evalSeconds.push(r.seconds);
      cells.push(`${pct(r.results[0].mean)} % / ${pct(r.results[0].p5, 1)}`);
    }
    rows.push(cells);
  }
  const body = [
    `Training: ${F} with \`--train-noise S\` (none for plain); evaluation: \`dynaspin robustness --model M --task spiral --sigma 0 --hw noise=S --trials ${trials} --workers 2\`${trials < 1000 ? " (quick: 200 trials instead of 1000)" : ""}.`,
    "",
    markdownTable(["model", "ideal test accuracy", ...levels.map((s) => `with read noise ${s}: mean / p5`)], rows),
    "",
    `Each ${trials}-trial evaluation took ${Math.min(...evalSeconds).toFixed(2)}–${Math.max(...evalSeconds).toFixed(2)} s wall.`,
  ];
  return new Map([["read-noise", body.join("\n")]]);
};

/** `dynaspin reproduce [--quick]`: the comparison table with the paper and the stage timings. */
function reproduceBody(ctx: SectionContext, full: boolean): string {
  ctx.log(`results: reproduce${full ? " (full: several minutes)" : " --quick"}`);
  const out = join(ctx.tmp, full ? "reproduce-full" : "reproduce-quick");
  const s = ctx.dynaspin(["reproduce", ...(full ? [] : ["--quick"]), "--workers", "2", "--out", out]) as ReproduceSummary;
  const t = comparisonTable(s);
  const rows = t.rows.map((r) => [...r]);
  if (s.robustness) {
    const r = s.robustness;
    const idx = (sigma: number): number => r.sigma.findIndex((x) => Math.abs(x - sigma) < 1e-9);
    const shown = [0, 0.25, 0.5, 1].filter((x) => idx(x) >= 0);
    const extra = shown.filter((x) => x === 0 || x === 1);
    if (extra.length) rows.push([`spiral mean test accuracy, σ(a) = ${extra.join(" / ")}`, "", `${extra.map((x) => pct(r.mean[idx(x)]!)).join(" / ")} %`]);
    rows.push([`spiral test accuracy, 5th percentile over trials, σ(a) = ${shown.join(" / ")}`, "", `${shown.map((x) => pct(r.p5[idx(x)]!, 1)).join(" / ")} %`]);
  }
  if (s.physics) {
    const p = s.physics;
    const fit = p.fit ? `a = ${p.fit.a.toFixed(3)} /mA, b = ${p.fit.b.toFixed(2)}, Ic = ${p.fit.Ic.toFixed(2)} mA, Q = ${p.fit.Q.toFixed(2)}, R² ${p.fit.r2.toFixed(4)}` : `fit failed: ${p.failure}`;
    rows.push([`LLG \`${p.device}\` at ${p.temperature} K, eq. 4 fit`, "", `${fit} (${p.ok}/${p.currents} points ok)`]);
  }
  const stages = Object.entries(s.timings).filter(([k]) => k !== "total").map(([k, v]) => `${k} ${v.toFixed(1)} s`).join(", ");
  return [
    `\`dynaspin reproduce${full ? "" : " --quick"} --workers 2\` (${s.mode} mode, seed ${s.seed}${s.reductions.length ? `; ${s.reductions.join("; ")}` : ""}).`,
    "",
    markdownTable(t.columns.map((c) => (c === "dynaspin" ? `dynaspin (${s.mode})` : c)), rows),
    "",
    `Wall time ${s.timings.total!.toFixed(1)} s (${stages}).`,
  ].join("\n");
}

/** The engine `dynaspin train` picks by default (reproduce trains with it but does not report it). */
function defaultEngine(ctx: SectionContext): string {
  const j = ctx.dynaspin(["train", "--task", "spiral", "--epochs", "1", "--restarts", "1", "--quiet", "--out", join(ctx.tmp, "engine-probe")]);
  return `${j.engine} (what \`dynaspin train\` picks by default; \`reproduce\` trains with it but does not report it)`;
}

export const reproduce: Section = (ctx) => {
  ctx.engine(defaultEngine(ctx));
  return new Map([["reproduce", reproduceBody(ctx, false)]]);
};
export const reproduceFull: Section = (ctx) => {
  ctx.engine(defaultEngine(ctx));
  return new Map([["reproduce-full", reproduceBody(ctx, true)]]);
};
/** The physics pipeline: LLG sweep at 300 K, eq. 4 and eq. 3 fits, training on the fitted and the tabulated curve. */
export const physics: Section = (ctx) => {
  const curve = join(ctx.tmp, "thermal.csv");
  const llgArgs = ["--params", "py-cu-py", "--currents", "0:10:0.2", "--temperature", "300", "--duration", "400"];
  ctx.log("results: physics: dynaspin llg (51 currents at 300 K; about a minute on 2 threads)");
  const t0 = performance.now();
  const llg = ctx.dynaspin(["llg", ...llgArgs, "--workers", "2", "--out", curve]);
  const llgSeconds = (performance.now() - t0) / 1000;
  const lines = readFileSync(curve, "utf8").trim().split("\n");
  const head = lines[0]!.split(",");
  const col = (n: string): number => {
    const i = head.indexOf(n);
    if (i < 0) throw new Error(`physics: the llg CSV has no ${n} column`);
    return i;
  };
  const data = lines.slice(1).map((l) => l.split(","));
  const dev = resolveDevice(PY_CU_PY);
  const perUnit = dev.currentScale;
  const ok = data.filter((r) => r[col("status")] === "ok").length;
  const stepRows = [0, 4, 5, 5.2, 5.6, 6.4, 8, 10].map((I) => {
    const r = data.find((x) => Math.abs(Number(x[col("current")]) - I) < 1e-9);
    if (!r) throw new Error(`physics: I = ${I} mA missing from the llg sweep`);
    const exact = stationaryState(dev, I * perUnit);
    const p = Number(r[col("power")]);
    const sig = (x: number): string => (x === 0 ? "0" : x < 0.01 ? x.toExponential(1) : x.toFixed(4));
    return [String(I), sig(p), sig(exact.power), Number(r[col("frequency_GHz")]).toFixed(2), (exact.frequency / 1e9).toFixed(2)];
  });
  const llgBody = [
    `\`dynaspin llg ${llgArgs.join(" ")} --workers 2 --out thermal.csv\`: ${llg.currents} currents, ${ok} \`ok\`, ${llgSeconds.toFixed(0)} s wall. ` +
      `Closed-form (T = 0) threshold ${(thresholdCurrent(dev) / perUnit).toFixed(2)} mA.`,
    "",
    markdownTable(["I (mA)", "p at 300 K", "p exact, T = 0", "f at 300 K (GHz)", "f exact, T = 0 (GHz)"], stepRows),
  ].join("\n");

  ctx.log("results: physics: dynaspin fit (eq. 4 and eq. 3)");
  const device = join(ctx.tmp, "py-cu-py-eq4.json");
  const f4 = ctx.dynaspin(["fit", "--data", curve, "--model", "eq4", "--current-unit", "mA", "--out", device]);
  let f3: Json;
  try {
    f3 = ctx.dynaspin(["fit", "--data", curve, "--model", "eq3", "--current-unit", "mA"]);
  } catch (e) {
    // The CLI's one-line message, without the scratch path and the hint on what to try.
    f3 = { failed: (e as Error).message.replace(/^.*?dynaspin: (?:fit failed: )?/, "").replace(/\S*\/thermal\.csv: /g, "").replace(/; check the .*$/, "") };
  }
  const pm = (j: Json, k: string, d: number): string => `${j.params[k].toFixed(d)}${j.standardErrors[k] === null || j.standardErrors[k] === undefined ? "" : ` ± ${j.standardErrors[k].toFixed(d)}`}`;
  const fixed = (j: Json): string => {
    const f: string[] = Array.isArray(j.fixed) ? j.fixed : Object.entries(j.fixed ?? {}).map(([k, v]) => `${k} = ${v}`);
    return f.length ? ` (fixed: ${f.join(", ")})` : "";
  };
  const fitBody = [
    `\`dynaspin fit --data thermal.csv --model eq4 --current-unit mA --out py-cu-py-eq4.json\` and the same with \`--model eq3\`, on the ${f4.n} \`ok\` rows:`,
    "",
    markdownTable(
      ["model", "a (1/mA)", "b", "Ic (mA)", "Q", "RMS residual", "R²"],
      [
        ["eq. 4" + fixed(f4), pm(f4, "a", 3), pm(f4, "b", 2), pm(f4, "Ic", 2), pm(f4, "Q", 2), f4.rms.toFixed(4), f4.r2.toFixed(4)],
        f3.failed ? ["eq. 3", "–", "–", `\`dynaspin fit --model eq3\` exits 1: ${f3.failed}`, "", "", ""] : ["eq. 3" + fixed(f3), "–", "–", pm(f3, "Ic", 2), pm(f3, "Q", 2), f3.rms.toFixed(4), f3.r2.toFixed(4)],
      ],
    ),
  ].join("\n");

  const table = join(ctx.tmp, "thermal-table.json");
  writeFileSync(table, JSON.stringify({ model: "table", csv: curve, currentUnit: "mA", extrapolation: "linear" }));
  const seeds = ctx.quick ? [0] : [0, 1, 2];
  const cell = (task: string, dev: string): string => {
    const runs = seeds.map((s) => {
      ctx.log(`results: physics: train --task ${task} --device ${dev === device ? "py-cu-py-eq4.json" : dev === table ? "thermal-table.json" : dev} --seed ${s}`);
      return train(ctx, `phys-${task}-${s}-${createHash("sha1").update(dev).digest("hex").slice(0, 6)}`, ["--task", task, "--device", dev, "--seed", String(s)]);
    });
    return `${runs.map((r) => pct(r.testAccuracy)).join(" / ")} % (${mean(runs.map((r) => r.seconds)).toFixed(1)} s per run)`;
  };
  const trainRows = [
    ["spiral (2 STNOs)", cell("spiral", device), cell("spiral", table), cell("spiral", "paper-test")],
    ["digits (64 STNOs)", cell("digits", device), "not run (a table device runs on the TypeScript engine: minutes per seed)", cell("digits", "paper-test")],
  ];
  const trainBody = [
    `\`dynaspin train --task spiral|digits --device D --seed S\` with every other option at its default, seeds ${seeds.join(", ")}${ctx.quick ? " (quick: one seed)" : ""}; test accuracy on the held-out 20 %. ` +
      "D is the eq. 4 fit above (`py-cu-py-eq4.json`), the simulated curve itself as a table device " +
      '(`{"model": "table", "csv": "thermal.csv", "currentUnit": "mA", "extrapolation": "linear"}`), or the paper\'s test device.',
    "",
    markdownTable(["task", `LLG-derived device (eq. 4 fit), seeds ${seeds.join(" / ")}`, "simulated curve as a table device", "`paper-test` (a = 4, b = 5, Ic = 1, Q = 2)"], trainRows),
  ].join("\n");
  return new Map([
    ["physics-llg", llgBody],
    ["physics-fit", fitBody],
    ["physics-train", trainBody],
  ]);
};

/** MNIST: `dynaspin train --task mnist` on 1 and 2 threads; the per-epoch metrics of the first. */
export const mnist: Section = (ctx) => {
  const extra = ctx.quick ? ["--epochs", "2"] : [];
  const runs = [1, 2].map((workers) => {
    ctx.log(`results: mnist: train --task mnist --workers ${workers}${ctx.quick ? " --epochs 2" : ""} (minutes)`);
    const out = join(ctx.tmp, `mnist-${workers}`);
    const t0 = performance.now();
    const j = ctx.dynaspin(["train", "--task", "mnist", ...extra, "--workers", String(workers), "--quiet", "--out", out]);
    ctx.engine(j.engine);
    const wall = (performance.now() - t0) / 1000;
    const model = JSON.parse(readFileSync(join(out, "model.json"), "utf8"));
    if (!Array.isArray(model.A) || !Array.isArray(model.W)) throw new Error(`mnist: ${out}/model.json has no A or W`);
    const params = createHash("sha256").update(JSON.stringify([model.A, model.B, model.W, model.c])).digest("hex").slice(0, 12);
    return { workers, j, wall, params, metrics: readFileSync(join(out, "metrics.csv"), "utf8") };
  });
  const first = runs[0]!;
  const lines = first.metrics.trim().split("\n");
  const head = lines[0]!.split(",");
  const epochRows = lines
    .slice(1)
    .map((l) => Object.fromEntries(l.split(",").map((v, i) => [head[i]!, v])))
    .filter((r) => r.test_accuracy !== "")
    .map((r) => [r.epoch!, Number(r.train_loss).toFixed(4), `${pct(Number(r.train_accuracy))} %`, `${pct(Number(r.test_accuracy))} %`, Number(r.test_loss).toFixed(3)]);
  const same = runs.every((r) => r.params === first.params);
  const body = [
    `\`dynaspin train --task mnist${extra.length ? " " + extra.join(" ") : ""} [--workers 2]\` (${first.j.samples.train} training and ${first.j.samples.test} test images, ${first.j.k} oscillators, n = ${first.j.steps}, ${first.j.epochs} epochs${ctx.quick ? "; quick: 2 epochs instead of the task's default" : ""}). Per-epoch metrics of the 1-thread run (\`metrics.csv\`; test metrics on the epochs that evaluate them):`,
    "",
    markdownTable(["epoch", "train loss", "train accuracy", "test accuracy", "test loss"], epochRows),
    "",
    markdownTable(
      ["run", "engine", "seconds per epoch", "wall time (whole command)", "test accuracy"],
      runs.map((r) => [`\`train --task mnist --workers ${r.workers}\``, r.j.engine, Number(r.j.secondsPerEpoch).toFixed(2), `${r.wall.toFixed(1)} s`, `${pct(r.j.testAccuracy)} %`]),
    ),
    "",
    same ? "Both runs wrote the same A, B, W and c bit for bit." : `The runs' parameters DIFFER (${runs.map((r) => r.params).join(" vs ")}): results should not depend on --workers.`,
  ];
  return new Map([["mnist", body.join("\n")]]);
};

/** Runs the CLI with `--json`; the last stdout line is the JSON. */
export function runDynaspin(args: string[]): Json {
  const r = spawnSync(process.execPath, [join(ROOT, "bin/dynaspin.js"), ...args, "--json"], { encoding: "utf8", cwd: ROOT, maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`dynaspin ${args.join(" ")} failed (exit ${r.status}): ${r.stderr.trim().split("\n").slice(-3).join(" | ")}`);
  const last = r.stdout.trim().split("\n").pop() ?? "";
  return JSON.parse(last);
}
