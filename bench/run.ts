/**
 * The benchmark harness (`npm run bench [-- --quick] [-- --json] [-- --no-write] [-- --only SUITE]`):
 * runs every suite (`bench/train.ts`, `bench/llg.ts`, `bench/csv.ts`, `bench/robustness.ts`; a
 * missing suite is skipped with a note), prints one table (or, with `--json`, one JSON document
 * on stdout), and rewrites the generated block of docs/benchmarks.md between `<!-- bench:begin -->` and
 * `<!-- bench:end -->` with the machine (lscpu model name, cores), load average, date and the
 * table. Everything outside the markers (hand-written sections) is kept as it is. With `--only`,
 * the other suites' rows are carried over from the previous table (marked with its date).
 * Besides the main table it writes, each under its own run line (bench/doc-blocks.ts):
 * - `<!-- bench-SUITE:begin -->` for every suite that ran and exports a `docBlock` (csv, figures,
 *   robustness): the suite's own table with the details its rows carry;
 * - `<!-- bench-goals:begin -->`: every row of the final table that has a goal (the thresholds
 *   the suites declare, from issue 16), with its verdict, recomputed from the rows each time.
 */
import { existsSync, readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import type { BenchDocBlock, BenchRow, BenchSuite } from "./types.js";
import { numpyBlas } from "./train.js";
import { machine } from "./machine.js";
import { goalMet, goalsSummary } from "./goals.js";
import { blockBegin, blockEnd, blockText, finishRun, renderBlock, runLine, startRun, writeBlocks } from "./doc-blocks.js";

const SUITES = ["train", "robustness", "llg", "csv", "figures"];
const BEGIN = blockBegin("bench");
const END = blockEnd("bench");
const DOC = "docs/benchmarks.md";

/** NumPy's BLAS as the peers verified it (bench/peers/blas.py), for the table's header. */
function blasLine(): string {
  const b = numpyBlas();
  const env = process.env.OPENBLAS_CORETYPE || process.env.OPENBLAS_L2_SIZE ? ` OPENBLAS_CORETYPE=${process.env.OPENBLAS_CORETYPE ?? ""} OPENBLAS_L2_SIZE=${process.env.OPENBLAS_L2_SIZE ?? ""} were set.` : "";
  return b.ok
    ? `NumPy peers: ${b.label.replace(/, \d+ BLAS threads?/, "")}, verified with threadpoolctl; each NumPy row names its BLAS thread count.${env}`
    : `NumPy peers refused: ${b.reason}.`;
}

function fmt(v: number | null | undefined): string {
  if (v === null || v === undefined) return "n/a";
  if (v === 0) return "0";
  const a = Math.abs(v);
  return a >= 1e5 || a < 1e-3 ? v.toExponential(2) : v.toPrecision(3);
}

/** The table of rows as Markdown. */
function markdown(rows: BenchRow[]): string {
  const lines = ["| suite | workload | dynaspin | peer | peer value | ratio | goal | notes |", "|---|---|---|---|---|---|---|---|"];
  for (const r of rows) {
    const met = r.goal && (r.ratio != null || r.goal.startsWith(">=")) ? ` (${goalMet(r) ? "met" : "not met"})` : "";
    lines.push(
      `| ${r.suite} | ${r.workload} | ${fmt(r.value)} ${r.unit} | ${r.peer ?? ""} | ${r.peer ? `${fmt(r.peerValue)} ${r.peerValue == null ? "" : r.unit}` : ""} | ${r.ratio == null ? (r.peer ? "n/a" : "") : r.ratio.toFixed(3)} | ${(r.goal ?? "") + met} | ${(r.notes ?? "").replace(/\|/g, "/")} |`,
    );
  }
  return lines.join("\n");
}


async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const quick = argv.includes("--quick");
  const json = argv.includes("--json");
  const write = !argv.includes("--no-write");
  const onlyAt = argv.indexOf("--only");
  const only = onlyAt >= 0 ? argv[onlyAt + 1]?.split(",") : undefined;
  const startedRun = startRun("npm run bench"); // before the suites: the commit of the code measured
  const rows: BenchRow[] = [];
  const blocks: { name: string; docBlock: BenchDocBlock; rows: BenchRow[] }[] = [];
  const skipped: string[] = [];
  const failed: string[] = [];
  const log = (s: string): void => void process.stderr.write(s + "\n");
  for (const name of SUITES) {
    if (only && !only.includes(name)) continue;
    const path = fileURLToPath(new URL(`./${name}.ts`, import.meta.url));
    if (!existsSync(path)) {
      skipped.push(`${name} (bench/${name}.ts not present)`);
      continue;
    }
    log(`bench: running ${name}${quick ? " (quick)" : ""}...`);
    const t0 = performance.now();
    try {
      const mod = (await import(`./${name}.js`)) as { run?: BenchSuite; docBlock?: BenchDocBlock };
      if (typeof mod.run !== "function") {
        skipped.push(`${name} (no exported run)`);
        continue;
      }
      const fresh = await mod.run({ quick });
      rows.push(...fresh);
      if (mod.docBlock) blocks.push({ name, docBlock: mod.docBlock, rows: fresh });
    } catch (e) {
      skipped.push(`${name} (failed: ${(e as Error).message.split("\n")[0]})`);
      failed.push(name);
      log(`bench: ${name} failed: ${(e as Error).stack ?? e}`);
    }
    log(`bench: ${name} done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  const m = machine();
  const date = new Date().toISOString().replace(/\.\d+Z$/, "Z");
  const shown = argv.filter((a) => a !== "--no-write" && a !== "--json").map((a) => (/\s/.test(a) ? `"${a}"` : a));
  const command = `npm run bench${shown.length ? " -- " + shown.join(" ") : ""}`;
  const run = finishRun({ ...startedRun, command }, ["per row (named in each row's notes)"]);
  const load = loadavg().map((v) => v.toFixed(1)).join(", ");
  const meta = { date, cpu: m.cpu, cores: m.cores, node: process.version, loadAverage: load, quick, skipped };
  if (json) {
    process.stdout.write(JSON.stringify({ ...meta, rows }, null, 2) + "\n");
  } else {
    process.stdout.write(markdown(rows) + "\n");
    if (skipped.length) process.stdout.write(`skipped: ${skipped.join("; ")}\n`);
  }
  // With --only, the suites not run keep their rows from the previous table (marked as carried
  // over); with --workload W, so do the rows of the suites run whose workload does not contain W,
  // and the new rows take the place of the ones they replace.
  const wAt = process.argv.indexOf("--workload");
  const wSub = wAt >= 0 ? (process.argv[wAt + 1] ?? "") : null;
  if (write) {
    const old = readFileSync(fileURLToPath(new URL(`../${DOC}`, import.meta.url)), "utf8");
    const previous = blockText(old, "bench") ?? "";
    const prevDate = /Generated by .*? on (\d{4}-\d\d-\d\dT[\d:]+Z)/.exec(previous)?.[1] ?? "an earlier run";
    // A suite that failed this time keeps its rows from the previous table, marked as such.
    const notRun = only ? SUITES.filter((n) => !only.includes(n)) : [];
    const mark = (l: string): string => (l.includes("(carried over") ? l : l.replace(/ \|$/, ` (carried over from ${prevDate}) |`));
    const carried = [...failed, ...notRun].flatMap((name) => previous.split("\n").filter((l) => l.startsWith(`| ${name} |`)).map(mark));
    let table = markdown(rows);
    if (wSub !== null) {
      // Row-level merge: previous rows in order, the replaced ones swapped for this run's rows.
      const fresh = markdown(rows).split("\n").slice(2);
      const ran = SUITES.filter((n) => !only || only.includes(n));
      const out: string[] = markdown([]).split("\n");
      let placed = false;
      for (const l of previous.split("\n").filter((x) => x.startsWith("| ") && !x.startsWith("| suite |"))) {
        const cells = l.split(" | ");
        const replaced = ran.some((n) => l.startsWith(`| ${n} |`)) && (cells[1] ?? "").includes(wSub);
        if (!replaced) {
          if (!carried.includes(mark(l))) out.push(mark(l));
        } else if (!placed) {
          out.push(...fresh);
          placed = true;
        }
      }
      if (!placed) out.push(...fresh);
      table = out.join("\n");
    }
    const fullTable = table + (carried.length ? "\n" + carried.join("\n") : "");
    const mainBlock = [
      BEGIN,
      runLine(run).replace(/ \(shared machine: wall times are noisy\)\.$/, "") +
        ` (the machine is shared, so absolute times are noisy; dynaspin and each peer ran alternately in the same run, so ratios are fair). ${blasLine()}`,
      "",
      fullTable,
      ...(skipped.length ? ["", `Skipped: ${skipped.join("; ")}.`] : []),
      END,
    ].join("\n");
    const out: [string, string][] = [["bench", mainBlock]];
    for (const b of blocks) {
      if (failed.includes(b.name) || b.rows.length === 0) continue;
      const engines = b.rows.map((r) => r.detail?.engine).filter((e): e is string => typeof e === "string");
      out.push([`bench-${b.name}`, renderBlock(`bench-${b.name}`, finishRun({ ...run }, engines.length ? engines : ["TypeScript (no numeric engine involved)"]), b.docBlock(b.rows, { quick }))]);
    }
    out.push(["bench-goals", renderBlock("bench-goals", run, goalsSummary(fullTable, run.date))]);
    const present = out.filter(([name]) => blockText(old, name) !== null);
    for (const [name] of out.filter((o) => !present.includes(o))) log(`bench: ${DOC} has no ${blockBegin(name)} … ${blockEnd(name)} block; not written`);
    writeBlocks(DOC, present);
    log(`bench: wrote the ${present.map(([n]) => n).join(", ")} block(s) of ${DOC}`);
  }
}

await main();
