// A real `dynaspin` process for the reliability tests (which need SIGKILL): runs the CLI from the
// TypeScript sources, exactly like bin/dynaspin.js runs the built one.
import { runCli } from "../../src/cli/main.js";
import { installInterruptHandler } from "../../src/node/interrupt.js";

installInterruptHandler();

runCli(process.argv.slice(2), {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  isTTY: false,
  env: process.env,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`dynaspin: internal error: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exitCode = 1;
  },
);
