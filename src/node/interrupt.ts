/**
 * Ctrl-C and `kill`: SIGINT and SIGTERM end a command cleanly — the terminal restored (a progress
 * bar hides the cursor and turns line wrap off), a final line saying what was kept, exit code
 * 128 + signal number (130, 143).
 *
 * A command with work worth saving (train) calls {@link watchInterrupts} and polls `signal` between
 * units of work, yielding to the event loop (see {@link yieldToEvents}) so the handler can run. Any
 * other command gets the default handler ({@link installInterruptHandler}, installed by the CLI
 * entry): restore the terminal, one line, exit. A second signal while a watcher is finishing
 * exits at once.
 */

/** Exit code of a command ended by each signal (128 + signal number). */
export const SIGNAL_EXIT_CODES: Readonly<Record<"SIGINT" | "SIGTERM", number>> = { SIGINT: 130, SIGTERM: 143 };

/** Escape codes that show the cursor and turn line wrapping back on. */
export const RESTORE_TERMINAL = "\x1b[?25h\x1b[?7h";

/** A signal watch: `signal` becomes the signal's name when one arrives. */
export interface InterruptWatch {
  readonly signal: "SIGINT" | "SIGTERM" | null;
  /** Stops watching (the default handler applies again). */
  dispose(): void;
}

const watchers: Array<{ signal: "SIGINT" | "SIGTERM" | null }> = [];
let installed = false;
/** Terminal state to restore on a signal (set while a TTY progress bar is shown). */
let terminalDirty = false;
let writeErr: (s: string) => void = (s) => void process.stderr.write(s);
/** What the running command has kept and how to continue, said when a signal ends it (see {@link setInterruptNote}). */
let note: (() => string) | null = null;

/**
 * Sets what the default handler says after `dynaspin: interrupted (SIGINT)`: a command without a
 * watcher (the sweeps, reproduce) registers a function telling what it has kept on disk and how to
 * continue, e.g. `during the sweep; 5 of 21 σ finished and kept in out/partial; run the same
 * command again to continue from them`. Null clears it.
 */
export function setInterruptNote(fn: (() => string) | null): void {
  note = fn;
}

/** Marks whether a progress bar currently owns the terminal (cursor hidden, wrap off). */
export function setTerminalDirty(dirty: boolean): void {
  terminalDirty = dirty;
}

/** Restores the cursor and line wrapping if a progress bar changed them. */
export function restoreTerminal(): void {
  if (terminalDirty) {
    writeErr("\r" + RESTORE_TERMINAL + "\n");
    terminalDirty = false;
  }
}

function onSignal(sig: "SIGINT" | "SIGTERM"): void {
  const active = watchers.filter((w) => w.signal === null);
  if (watchers.length > 0 && active.length > 0) {
    for (const w of active) w.signal = sig;
    return;
  }
  restoreTerminal();
  let said = "";
  if (watchers.length === 0 && note !== null) {
    try {
      said = note();
    } catch (e) {
      said = `(could not say what was kept: ${(e as Error).message})`;
    }
  }
  writeErr(`dynaspin: interrupted (${sig})${watchers.length > 0 ? " again; stopped at once" : said ? ` ${said}` : ""}\n`);
  process.exit(SIGNAL_EXIT_CODES[sig]);
}

/**
 * Installs the process-wide SIGINT/SIGTERM handler (idempotent). Without a watcher a signal
 * restores the terminal, prints `dynaspin: interrupted (SIGINT)` and exits with 130 (143 for
 * SIGTERM); files are always written whole (temporary file, then rename), so none is half-written.
 * @param stderr where the line goes. @default process.stderr
 */
export function installInterruptHandler(stderr?: (s: string) => void): void {
  if (stderr) writeErr = stderr;
  if (installed) return;
  installed = true;
  process.on("SIGINT", () => onSignal("SIGINT"));
  process.on("SIGTERM", () => onSignal("SIGTERM"));
}

/** Starts watching for SIGINT/SIGTERM: the work polls `signal` and ends itself cleanly. */
export function watchInterrupts(): InterruptWatch {
  installInterruptHandler();
  const w: { signal: "SIGINT" | "SIGTERM" | null } = { signal: null };
  watchers.push(w);
  return {
    get signal() {
      return w.signal;
    },
    dispose() {
      const i = watchers.indexOf(w);
      if (i >= 0) watchers.splice(i, 1);
    },
  };
}

/** Lets pending events (signals, worker messages) run: resolves on the next turn of the event loop. */
export function yieldToEvents(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
