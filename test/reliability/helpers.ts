// Shared helpers of the reliability tests: the CLI in-process, the CLI in a child process
// interrupted by a signal, temporary folders, and a folder no file can be created in (read-only
// for this user; as root, immutable via chattr, since root ignores permission bits).
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { spawn, spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runCli } from "../../src/cli/main.js";

/** The CLI's entry for child processes (through tsx, as `dynaspin ARGS…` runs). */
export const ENTRY = fileURLToPath(new URL("./cli-entry.ts", import.meta.url));

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

/**
 * Runs the CLI in a child process and sends it `signal` (default SIGINT) once its stderr matches
 * `when` — at once, or `delayMs` later — and SIGKILL after `guardMs` (default 60 s) so that a hang
 * fails the test instead of stalling it. Returns the exit code (null when killed), everything the
 * child wrote to stderr, and the milliseconds from the signal to its exit.
 */
export function interruptChild(args: string[], when: RegExp, options: { signal?: NodeJS.Signals; delayMs?: number; guardMs?: number } = {}): Promise<{ code: number | null; stderr: string; ms: number }> {
  const { signal = "SIGINT", delayMs = 0, guardMs = 60_000 } = options;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", ENTRY, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "", sent = false, sentAt = 0;
    const guard = setTimeout(() => child.kill("SIGKILL"), guardMs);
    const send = (): void => {
      sentAt = performance.now();
      child.kill(signal);
    };
    child.stdout.resume();
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
      if (!sent && when.test(stderr)) {
        sent = true;
        if (delayMs > 0) setTimeout(send, delayMs);
        else send();
      }
    });
    child.on("close", (code) => {
      clearTimeout(guard);
      resolve({ code, stderr, ms: performance.now() - sentAt });
    });
  });
}
