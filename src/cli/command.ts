/** The shape of one CLI sub-command. Each lives in `src/cli/commands/<name>.ts`. */
import type { FlagSpec } from "./args.js";
import { Flags } from "./args.js";

/** Streams a command writes to (injected so tests can capture them). */
export interface CommandIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** True when stderr is a terminal (progress bars only then). */
  isTTY: boolean;
  /** Environment variables (for SLURM_ARRAY_TASK_ID etc.). */
  env: Record<string, string | undefined>;
}

/** A sub-command: declares flags, runs with parsed flags, returns the process exit code. */
export interface Command {
  name: string;
  summary: string;
  usage: string;
  flags: FlagSpec[];
  run(flags: Flags, io: CommandIO): Promise<number>;
}

/** Largest --workers value any command accepts. */
export const MAX_WORKERS = 256;

/**
 * The --workers flag, the same on every command: N threads compute (this one included), 1..256;
 * results never depend on N. `what` says what the threads share and the default.
 */
export function workersFlag(what: string, fixedDefault?: number): FlagSpec {
  const spec: FlagSpec = { name: "workers", type: "integer", min: 1, max: MAX_WORKERS, value: "N", help: `threads computing, this one included (1 = this thread only): ${what}; results do not depend on N` };
  return fixedDefault === undefined ? spec : { ...spec, default: fixedDefault };
}

/** Flags every command has: --help, --json and --quiet. */
export const COMMON_FLAGS: FlagSpec[] = [
  { name: "quiet", type: "boolean", help: "no progress bars or progress lines on stderr (errors and warnings still print)", short: "q" },
  { name: "help", type: "boolean", help: "print this help and exit", short: "h" },
  { name: "json", type: "boolean", help: "print one JSON summary object on stdout (progress still on stderr)" },
];
