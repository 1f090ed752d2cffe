/**
 * Runs the CLI in-process, as a user's shell would run `dynaspin ARGV…`, and returns its exit code
 * with everything it wrote to standard output and standard error (not a terminal, no environment).
 */
import { runCli } from "../../src/cli/main.js";

export async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "", err = "";
  const code = await runCli(argv, { stdout: (s) => (out += s), stderr: (s) => (err += s), isTTY: false, env: {} });
  return { code, out, err };
}
