#!/usr/bin/env node
// dynaspin command-line entry. Runs the built library (npm run build / npm ci produce dist/).
import { runCli } from "../dist/cli/main.js";
import { installInterruptHandler } from "../dist/node/interrupt.js";

// Ctrl-C / kill: terminal restored, one line, exit 130 / 143 (train saves a final checkpoint first).
installInterruptHandler();

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
