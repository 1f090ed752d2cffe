/**
 * The benchmark harness (`npm run bench [-- --quick] [-- --json] [-- --no-write] [-- --only SUITE]`):
 * runs every suite (`bench/train.ts`, `bench/llg.ts`, `bench/csv.ts`, `bench/robustness.ts`; a
 * missing suite is skipped with a note), prints one table (or, with `--json`, one JSON document
 * on stdout), and rewrites the generated block of docs/benchmarks.md between `<!-- bench:begin -->` and
 * `<!-- bench:end -->` with the machine (lscpu model name, cores), load average, date and the
 * table. Everything outside the markers (hand-written sections) is kept as it is. With `--only`,
 * the other suites' rows are carried over from the previous table (marked with its date).
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import type { BenchRow, BenchSuite } from "./types.js";
import { numpyBlas } from "./train.js";
import { machine } from "./machine.js";

const SUITES = ["train", "robustness", "llg", "csv"];
const BEGIN = "<!-- bench:begin -->";
const END = "<!-- bench:end -->";

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

/** Whether a row meets its goal: the ratio for "<= X" / "ratio <= X" / "... <= X", the value for ">= X …". */
function goalMet(r: BenchRow): boolean {
  const ge = /^>=\s*([0-9.eE+-]+)/.exec(r.goal ?? "");
  if (ge !== null) return r.value >= Number(ge[1]);
  const m = /<=\s*([0-9.eE+-]+)/.exec(r.goal ?? "");
  return m !== null && r.ratio != null && r.ratio <= Number(m[1]);
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const quick = argv.includes("--quick");
  const json = argv.includes("--json");
  const write = !argv.includes("--no-write");
  const onlyAt = argv.indexOf("--only");
  const only = onlyAt >= 0 ? argv[onlyAt + 1]?.split(",") : undefined;
  const rows: BenchRow[] = [];
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
      const mod = (await import(`./${name}.js`)) as { run?: BenchSuite };
      if (typeof mod.run !== "function") {
        skipped.push(`${name} (no exported run)`);
        continue;
      }
      rows.push(...(await mod.run({ quick })));
    } catch (e) {
      skipped.push(`${name} (failed: ${(e as Error).message.split("\n")[0]})`);
      failed.push(name);
      log(`bench: ${name} failed: ${(e as Error).stack ?? e}`);
    }
    log(`bench: ${name} done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  const m = machine();
  const date = new Date().toISOString().replace(/\.\d+Z$/, "Z");
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
    const file = fileURLToPath(new URL("../docs/benchmarks.md", import.meta.url));
    const old = existsSync(file) ? readFileSync(file, "utf8") : "# Benchmarks\n";
    const a = old.indexOf(BEGIN), b = old.indexOf(END);
    // A suite that failed this time keeps its rows from the previous table, marked as such.
    const previous = a >= 0 && b > a ? old.slice(a, b) : "";
    const prevDate = /Generated by .*? on (\d{4}-\d\d-\d\dT[\d:]+Z)/.exec(previous)?.[1] ?? "an earlier run";
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
    const block = [
      BEGIN,
      `Generated by \`npm run bench${quick ? " -- --quick" : ""}${wSub !== null ? ` -- --workload "${wSub}"` : ""}\` on ${date}: ${m.cpu}, ${m.cores} cores, Node ${process.version}, ` +
        `load average ${load} at the end (the machine is shared, so absolute times are noisy; dynaspin and each peer ran alternately in the same run, so ratios are fair). ` +
        `${blasLine()}`,
      "",
      table + (carried.length ? "\n" + carried.join("\n") : ""),
      ...(skipped.length ? ["", `Skipped: ${skipped.join("; ")}.`] : []),
      END,
    ].join("\n");
    const next = a >= 0 && b > a ? old.slice(0, a) + block + old.slice(b + END.length) : old.replace(/\n*$/, "\n\n## Results table (generated)\n\n" + block + "\n");
    writeFileSync(file, next);
    log(`bench: wrote the generated block of docs/benchmarks.md`);
  }
}

await main();
