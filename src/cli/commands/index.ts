/** Registry of CLI sub-commands. Each command lives in its own file; add one line here per command. */
import type { Command } from "../command.js";
import { fitCommand } from "./fit.js";
import { llgCommand } from "./llg.js";
import { trainCommand } from "./train.js";
import { evalCommand } from "./eval.js";
import { predictCommand } from "./predict.js";
import { reproduceCommand } from "./reproduce.js";
import { robustnessCommand } from "./robustness.js";
import { mergeCommand } from "./merge.js";
import { costCommand } from "./cost.js";
import { exploreCommand } from "./explore.js";

/** All sub-commands, in the order `dynaspin --help` lists them. */
export const COMMANDS: Command[] = [trainCommand, evalCommand, predictCommand, fitCommand, llgCommand, reproduceCommand, robustnessCommand, mergeCommand, costCommand, exploreCommand];
