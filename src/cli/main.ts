/**
 * CLI entry: `dynaspin <command> [flags]`. The only code that prints or exits.
 * User mistakes (InputError) print one line `dynaspin: <message>` and exit 2; failed computations
 * (ComputationError) exit 1; anything else is a bug and prints its stack.
 */
import { COMMANDS } from "./commands/index.js";
import { COMMON_FLAGS, type CommandIO } from "./command.js";
import { Flags, formatHelp, parseArgs } from "./args.js";
import { InputError, ComputationError } from "../util/errors.js";
import { nearestName } from "../util/nearest.js";
import { VERSION } from "../version.js";
import { engineSummary } from "../node/native-engine.js";

export { VERSION };

function topHelp(): string {
  const rows = COMMANDS.map((c) => `  ${c.name.padEnd(12)} ${c.summary}`).join("\n");
  return `dynaspin — dynamical neural networks of spin-transfer nano-oscillators\n\nUsage: dynaspin <command> [options]\n\nCommands:\n${rows}\n\nRun 'dynaspin <command> --help' for a command's options.\n`;
}

/** Runs the CLI with the given arguments (without `node` and the script) and returns the exit code. */
export async function runCli(argv: readonly string[], io: CommandIO): Promise<number> {
  try {
    const [name, ...rest] = argv;
    if (name === undefined || name === "--help" || name === "-h" || name === "help") {
      io.stdout(topHelp());
      return name === undefined ? 2 : 0;
    }
    if (name === "--version" || name === "-v") {
      io.stdout(`${VERSION}\n${engineSummary()}\n`);
      return 0;
    }
    const command = COMMANDS.find((c) => c.name === name);
    if (!command) {
      const near = nearestName(name, COMMANDS.map((c) => c.name));
      throw new InputError(`unknown command ${JSON.stringify(name)}${near ? ` (did you mean ${near}?)` : ""} (allowed: ${COMMANDS.map((c) => c.name).join(", ")})`);
    }
    const specs = [...command.flags, ...COMMON_FLAGS];
    const parsed = parseArgs(rest, specs, command.name);
    const flags = new Flags(parsed, specs);
    if (flags.boolean("help")) {
      io.stdout(formatHelp(command.name, command.summary, command.usage, specs));
      return 0;
    }
    return await command.run(flags, io);
  } catch (e) {
    if (e instanceof InputError || e instanceof ComputationError) {
      io.stderr(`dynaspin: ${e.message.split("\n")[0]}\n`);
      return e.exitCode;
    }
    throw e;
  }
}

