/**
 * One `dynaspin train` process as the benchmarks time it: the CLI of the checkout at `root`, with
 * bench/cpu-usage.mjs preloaded so that the process writes its own CPU time (user + system, whole
 * process) to `cpuFile` when it exits. Used by bench/accuracy.ts and bench/train-time.ts.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";

const CPU_PRELOAD = pathToFileURL(fileURLToPath(new URL("./cpu-usage.mjs", import.meta.url))).href;
const ROOT = fileURLToPath(new URL("../", import.meta.url));

/** What a finished `dynaspin train` process gave: exit code (128 after a signal), output, wall time in seconds. */
export interface TrainProcess {
  /** Exit code; 128 when a signal ended the process. */
  code: number;
  /** Standard output, whole. */
  stdout: string;
  /** Standard error, whole. */
  stderr: string;
  /** Wall time from spawn to exit, in seconds. */
  wall: number;
}

/**
 * Runs `dynaspin train ARGS` with the CLI of `root` (default: this checkout), working directory
 * this checkout; `cpuFile` receives the process's CPU time (bench/cpu-usage.mjs).
 */
export function runTrainProcess(args: string[], cpuFile: string, root: string = ROOT): Promise<TrainProcess> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const p = spawn(process.execPath, ["--import", CPU_PRELOAD, join(root, "bin", "dynaspin.js"), "train", ...args], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, DYNASPIN_BENCH_CPU_FILE: cpuFile },
    });
    let stdout = "", stderr = "";
    p.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    p.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    p.on("error", reject);
    p.on("exit", (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr, wall: (performance.now() - t0) / 1000 }));
  });
}
