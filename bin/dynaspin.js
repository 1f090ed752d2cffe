#!/usr/bin/env node
// dynaspin command-line entry. Runs the built library (npm run build / npm ci produce dist/).

// Ctrl-C / kill while the modules load (about half a second, seconds on a busy machine): one line,
// exit 130 / 143, as later; nothing has run, so nothing was written. Installed before the imports
// below, which are dynamic for that reason (static imports load before any line of this file
// runs). The listeners stay: a signal that arrived while the modules were evaluated is delivered
// after them, and removing them then would drop it; once loaded they leave it to the CLI's handler.
let loaded = false;
const early = (signal, code) => () => {
  if (loaded) return;
  process.stderr.write(`dynaspin: interrupted (${signal}) while starting; nothing was written\n`);
  process.exit(code);
};
process.on("SIGINT", early("SIGINT", 130));
process.on("SIGTERM", early("SIGTERM", 143));

const { runCli } = await import("../dist/cli/main.js");
const { installInterruptHandler } = await import("../dist/node/interrupt.js");

// Ctrl-C / kill: terminal restored, one line, exit 130 / 143 (train saves a final checkpoint first).
installInterruptHandler();
loaded = true;

const io = {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  isTTY: Boolean(process.stderr.isTTY),
  env: process.env,
};
runCli(process.argv.slice(2), io).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`dynaspin: internal error: ${e && e.stack ? e.stack : e}\n`);
    process.exitCode = 1;
  },
);
