/**
 * Progress reporting for the CLI: a cli-progress bar on a terminal, plain periodic lines otherwise
 * (CI logs, pipes). Library code never prints; it calls back, and the CLI forwards here.
 */
import cliProgress from "cli-progress";
import { setTerminalDirty } from "./interrupt.js";

/** A progress sink. */
export interface Progress {
  /** Sets the absolute position (0..total) with an optional short status text. */
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
 */
export function createProgress(label: string, total: number, isTTY: boolean, write: (s: string) => void, everyMs = 2000): Progress {
  if (isTTY) {
    const bar = new cliProgress.SingleBar(
      { format: `${label} [{bar}] {percentage}% {value}/{total} {status}`, hideCursor: true, clearOnComplete: true, stream: process.stderr },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { status: "" });
    // A signal handler restores the cursor and line wrap if the process ends while the bar shows.
    setTerminalDirty(true);
    return {
      update: (done, status = "") => bar.update(done, { status }),
      stop: () => {
        bar.stop();
        setTerminalDirty(false);
      },
    };
  }
  let last = 0;
  let lastDone = -1;
  let lastStatus = "";
  return {
    update(done, status = "") {
      lastDone = done;
      lastStatus = status;
      const now = Date.now();
      if (now - last >= everyMs || done === total) {
        last = now;
        write(`${label}: ${done}/${total}${status ? ` ${status}` : ""}\n`);
      }
    },
    stop() {
      if (lastDone >= 0 && lastDone !== total) write(`${label}: ${lastDone}/${total}${lastStatus ? ` ${lastStatus}` : ""}\n`);
    },
  };
}
