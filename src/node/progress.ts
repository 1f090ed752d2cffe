/**
 * Progress reporting for the CLI: a cli-progress bar on a terminal, plain periodic lines otherwise
 * (CI logs, pipes). Library code never prints; it calls back, and the CLI forwards here.
 */
import cliProgress from "cli-progress";
import { setTerminalDirty } from "./interrupt.js";

/** A fractional position (units partly done, e.g. a running LLG current) to one decimal, rounded down. */
function tidy(done: number): number {
  return Number.isInteger(done) ? done : Math.floor(done * 10) / 10;
}

/** A progress sink. */
export interface Progress {
  /** Sets the absolute position (0..total, fractional for units partly done) with an optional short status text. */
  update(done: number, status?: string): void;
  /** Finishes (removes the bar on a terminal, prints a final line otherwise). */
  stop(): void;
}

/**
 * Creates a progress reporter on stderr.
 * @param label what is being done, e.g. "train spiral".
 * @param total number of units of work.
 * @param isTTY whether stderr is a terminal.
 * @param write where plain lines go (stderr).
 * @param everyMs minimum interval between plain lines. @default 2000
 * @param start the position and status shown at once (every phase shows within a second that it
 *   has begun, whatever its first unit of work costs). @default { done: 0, status: "" }
 */
export function createProgress(label: string, total: number, isTTY: boolean, write: (s: string) => void, everyMs = 2000, start: { done: number; status?: string } = { done: 0 }): Progress {
  if (isTTY) {
    const bar = new cliProgress.SingleBar(
      { format: `${label} [{bar}] {percentage}% {value}/{total} {status}`, hideCursor: true, clearOnComplete: true, stream: process.stderr },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, start.done, { status: start.status ?? "" });
    // A signal handler restores the cursor and line wrap if the process ends while the bar shows.
    setTerminalDirty(true);
    return {
      update: (done, status = "") => bar.update(tidy(done), { status }),
      stop: () => {
        bar.stop();
        setTerminalDirty(false);
      },
    };
  }
  // The first line at once, so every phase shows within a second that it has begun.
  write(`${label}: ${start.done}/${total}${start.status ? ` ${start.status}` : ""}\n`);
  let last = Date.now();
  let lastDone = -1;
  let lastStatus = "";
  return {
    update(done, status = "") {
      lastDone = done;
      lastStatus = status;
      const now = Date.now();
      if (now - last >= everyMs || done === total) {
        last = now;
        write(`${label}: ${tidy(done)}/${total}${status ? ` ${status}` : ""}\n`);
      }
    },
    stop() {
      if (lastDone >= 0 && lastDone !== total) write(`${label}: ${tidy(lastDone)}/${total}${lastStatus ? ` ${lastStatus}` : ""}\n`);
    },
  };
}
