/**
 * The goals of the benchmark table: whether a row meets its goal, and the goals summary of
 * docs/benchmarks.md (block `bench-goals`), which `npm run bench` recomputes from the rows of the
 * main table each time it writes the page — the rows just measured and the ones carried over.
 * The thresholds are the suites' (declared on each workload in bench/*.ts, from issue 16).
 */
import type { BenchRow } from "./types.js";
import { markdownTable } from "./doc-blocks.js";

/** Whether a row meets its goal: the ratio for "<= X" / "ratio <= X" / "... <= X", the value for ">= X …". */
export function goalMet(r: Pick<BenchRow, "goal" | "value" | "ratio">): boolean {
  const ge = /^>=\s*([0-9.eE+-]+)/.exec(r.goal ?? "");
  if (ge !== null) return r.value >= Number(ge[1]);
  const m = /<=\s*([0-9.eE+-]+)/.exec(r.goal ?? "");
  return m !== null && r.ratio != null && r.ratio <= Number(m[1]);
}

/** A row of the main table read back (for the goals summary of carried-over rows). */
export interface TableRow {
  suite: string;
  workload: string;
  /** dynaspin's cell as printed, e.g. "5.27e-3 s". */
  dynaspin: string;
  value: number;
  peer: string;
  peerValue: string;
  ratio: number | null;
  goal: string;
  notes: string;
}

/** Parses one line of the main table ("| suite | workload | … |"); null for the header, rule and other lines. */
export function parseTableRow(line: string): TableRow | null {
  if (!line.startsWith("| ") || line.startsWith("| suite |") || line.startsWith("|---")) return null;
  const cells = line.slice(2, -2).split(" | ");
  if (cells.length !== 8) return null;
  const [suite, workload, dynaspin, peer, peerValue, ratio, goal, notes] = cells as [string, string, string, string, string, string, string, string];
  return { suite, workload, dynaspin, value: Number(dynaspin.split(" ")[0]), peer, peerValue, ratio: ratio === "" || ratio === "n/a" ? null : Number(ratio), goal: goal.replace(/ \((?:not )?met\)$/, ""), notes };
}

/** A row of the goals summary: the workload is one of issue 16's own (default engine, float64) or a variant of it. */
const VARIANT = /, dynaspin (?:on |float32)/;

/** How a row's ratio was timed, from its notes. */
function timedAs(r: TableRow): string {
  if (r.suite === "robustness") return "wall time (CPU ratio in the robustness sweep table)";
  if (r.suite === "llg") return "steps/s, wall time";
  const timed = /CPU time \(both single-threaded\)|thread CPU time|\bwall time\b/.exec(r.notes)?.[0] ?? "";
  // A row of each side's best configuration names dynaspin's (the peer's is in its label).
  const config = /dynaspin's best configuration: (native on \d+ threads?)/.exec(r.notes)?.[1];
  return config ? `${timed}; dynaspin ${config}` : timed;
}

/** The goals summary: every row of the main table with a goal, its verdict recomputed from the row. */
export function goalsSummary(table: string, runDate: string): string {
  const rows = table.split("\n").map(parseTableRow).filter((r): r is TableRow => r !== null && r.goal !== "");
  const line = (r: TableRow): string[] => {
    const carried = /\(carried over from ([^)]+)\)/.exec(r.notes)?.[1];
    const met = goalMet({ goal: r.goal, value: r.value, ratio: r.ratio });
    return [`${r.suite}: ${r.workload}`, r.dynaspin, r.peer.replace(/; vectorised.*$/, ""), r.peerValue, r.ratio === null ? "" : r.ratio.toFixed(3), r.goal, met ? "met" : "**not met**", timedAs(r), carried ?? runDate];
  };
  const main = rows.filter((r) => !VARIANT.test(r.workload)).map(line);
  const variants = rows.filter((r) => VARIANT.test(r.workload)).map(line);
  const columns = ["workload", "dynaspin", "best peer", "peer value", "ratio", "goal", "verdict", "timed as", "run"];
  const verdict = (b: string[][]): string => {
    const missed = b.filter((x) => x[6] !== "met");
    return `${b.length - missed.length} of ${b.length} met${missed.length ? `; not met: ${missed.map((x) => x[0]).join("; ")}` : ""}.`;
  };
  return [
    "Every row of the table at the end of this page that has a goal (the thresholds of issue 16 and of the suites, as `bench/*.ts` declare them on each workload's best-peer row): dynaspin against the best peer of the same run, the verdict recomputed from the row.",
    "",
    "The workloads themselves (dynaspin's default engine, float64, one thread unless the workload says otherwise):",
    "",
    markdownTable(columns, main),
    "",
    `Goal rows met: ${verdict(main)}`,
    ...(variants.length
      ? ["", "The same workloads on 2 threads, in float32 and on WebAssembly (the fallback engine), against the same goals:", "", markdownTable(columns, variants), "", `Goal rows met: ${verdict(variants)}`]
      : []),
  ].join("\n");
}

