/**
 * The machine a measurement ran on, as the generated docs tables name it: the CPU model and core
 * count from `lscpu` (falling back to `os.cpus()` where lscpu is missing). One home for the bench,
 * accuracy and results scripts.
 */
import { execFileSync } from "node:child_process";
import { cpus } from "node:os";

/** CPU model and core count. */
export function machine(): { cpu: string; cores: number } {
  try {
    const out = execFileSync("lscpu", { encoding: "utf8" });
    const model = /^Model name:\s*(.+)$/m.exec(out)?.[1]?.trim();
    const n = /^CPU\(s\):\s*(\d+)$/m.exec(out)?.[1];
    if (model && n) return { cpu: model, cores: Number(n) };
  } catch {
    // lscpu missing: fall through.
  }
  return { cpu: cpus()[0]?.model ?? "unknown CPU", cores: cpus().length };
}

/** "CPU model, N cores", as the tables' headers print it. */
export function machineText(): string {
  const m = machine();
  return `${m.cpu}, ${m.cores} cores`;
}
