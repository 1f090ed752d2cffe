// Shared helpers of the reliability tests: the CLI in-process, temporary folders, and a folder no
// file can be created in (read-only for this user; as root, immutable via chattr, since root
// ignores permission bits).
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../src/cli/main.js";

export async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "", stderr = "";
  const code = await runCli(args, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), isTTY: false, env: {} });
  return { code, stdout, stderr };
}

export function tmp(): string {
  return mkdtempSync(join(tmpdir(), "dynaspin-rel-"));
}

/** True when a new file can be created in `dir`. */
function writable(dir: string): boolean {
  try {
    writeFileSync(join(dir, ".w"), "");
    rmSync(join(dir, ".w"));
    return true;
  } catch {
    return false;
  }
}

/**
 * Makes `parent/name`, a folder in which no file can be created, and returns its path and an undo
 * function. Falls back to /proc/self (a folder of a pseudo file system) when neither permission
 * bits nor the immutable attribute work here.
 */
export function readOnlyFolder(parent: string, name = "ro"): { path: string; undo: () => void } {
  const path = join(parent, name);
  mkdirSync(path);
  if (process.getuid?.() !== 0) {
    chmodSync(path, 0o555);
    if (!writable(path)) return { path, undo: () => chmodSync(path, 0o755) };
  } else if (spawnSync("chattr", ["+i", path]).status === 0 && !writable(path)) {
    return { path, undo: () => void spawnSync("chattr", ["-i", path]) };
  }
  return { path: "/proc/self", undo: () => undefined };
}

/** Data of a small, well-separated 3-class CSV (4 features, a header, the label last). */
export function blobsCsv(n = 90, seed = 1): string {
  let s = seed >>> 0;
  const rnd = (): number => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const rows = ["f_a,f_b,f_c,f_d,kind"];
  for (let r = 0; r < n; r++) {
    const c = r % 3;
    const v = [c * 2 + rnd() * 0.8, 5 - c + rnd() * 0.8, rnd() * 3, c * 0.5 + rnd() * 0.2];
    rows.push(`${v.map((x) => x.toFixed(4)).join(",")},${["red", "green", "blue"][c]}`);
  }
  return rows.join("\n") + "\n";
}
