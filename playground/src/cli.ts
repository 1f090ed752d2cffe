/**
 * The `dynaspin train` command line of a playground state. The page trains with exactly the
 * options this argv resolves to (through the CLI's own flag parser and option builder,
 * src/cli/train-options.ts), shows it, and writes it into the exported model, so running it in a
 * terminal writes the same model.json byte for byte. Pure: no DOM.
 */
import { problemOf, type PlaygroundState } from "./state.js";

/** File name the command uses for a custom device (the page offers it as a download). */
export const CUSTOM_DEVICE_FILE = "device.json";

/** The arguments after `dynaspin train` (no --out: the CLI's default folder). */
export function cliArgs(s: PlaygroundState, csvName = "data.csv"): string[] {
  const a: string[] = [];
  if (s.data === "csv") a.push("--data", csvName, ...(s.problem === "regression" ? ["--problem", "regression"] : []));
  else a.push("--task", s.data);
  if (s.data === "spiral") a.push("--turns", String(s.turns));
  if (s.data !== "csv" && s.data !== "digits") {
    a.push("--noise", String(s.noise), "--count", String(s.count), "--data-seed", String(s.dataSeed));
  }
  a.push("--split-seed", String(s.dataSeed), "--test-fraction", String(s.test));
  a.push("--device", s.device === "eq4" || s.device === "eq3" ? CUSTOM_DEVICE_FILE : s.device);
  // The input features only of the 2-D sets (the checkboxes are shown for them).
  if (s.feat !== null && s.data !== "digits" && s.data !== "csv") a.push("--features", s.feat);
  // Fields left at their default are left out, so the library decides them as it does in a terminal.
  const opt: Array<[string, number | null]> = [["--oscillators", s.osc], ["--steps", s.steps], ["--epochs", s.epochs], ["--batch", s.batch], ["--lr", s.lr], ["--restarts", s.restarts], ["--weight-decay", s.wd], ["--l1", s.l1]];
  for (const [flag, v] of opt) if (v !== null) a.push(flag, String(v));
  // The page trains and shows one network: on the automatic budget it says so (dynaspin train's
  // default there is a cross-validation ensemble of 3 when the data have a validation split,
  // docs/training.md), so the command it shows gives the model it exports.
  if (s.epochs === null && problemOf(s.data, s.problem) === "classification" && s.data !== "spiral" && s.data !== "digits") a.push("--members", "1");
  a.push("--seed", String(s.seed));
  return a;
}

/** The command as one line (arguments with spaces or quotes are single-quoted). */
export function commandLine(args: readonly string[]): string {
  return ["dynaspin", "train", ...args].map((x) => (/^[\w./:=@%+,-]+$/.test(x) ? x : `'${x.replace(/'/g, "'\\''")}'`)).join(" ");
}
