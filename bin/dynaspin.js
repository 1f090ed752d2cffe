#!/usr/bin/env node
// dynaspin command-line entry. Runs the built library (npm run build / npm ci produce dist/).
import { runCli } from "../dist/cli/main.js";

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
