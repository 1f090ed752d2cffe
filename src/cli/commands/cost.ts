/**
 * `dynaspin cost`: energy and latency of one inference of a saved model on STNO/CMOS hardware,
 * with a breakdown and a digital baseline (src/cost/ for the model, docs/cost.md for the profile).
 */
import type { Command, CommandIO } from "../command.js";
import type { Flags, FlagSpec } from "../args.js";
import { DATA_FLAGS, dataSourceFromFlags } from "./train.js";
import { ALL_FLAG, SPLIT_FLAG, modelDataFromFlags } from "./eval.js";
import { readModelFile } from "../../node/model-file.js";
import { modelFromJson } from "../../network/io.js";
import { loadSource, type DataSource } from "../../node/tasks.js";
import { ALL_TASKS, type TaskName } from "../../train/tasks.js";
import { resolveHardware, type Hardware } from "../../network/hardware.js";
import { readProfileFile, costOf } from "../../node/cost-profile.js";
import { COST_PROFILE_FLAG } from "../cost-flag.js";
import { costReport } from "../../cost/inference.js";
import { InputError } from "../../util/errors.js";

const FLAGS: FlagSpec[] = [
  { name: "model", type: "string", short: "m", value: "FILE", help: "model JSON written by dynaspin train (required)" },
  COST_PROFILE_FLAG,
  ...DATA_FLAGS,
  SPLIT_FLAG,
  ALL_FLAG,
];

async function run(flags: Flags, io: CommandIO): Promise<number> {
  const path = flags.string("model");
  if (path === undefined) throw new InputError("cost: --model FILE is required");
  if (flags.positional.length > 0) throw new InputError(`cost: unexpected argument ${JSON.stringify(flags.positional[0])}`);
  const profilePath = flags.string("hardware");
  const profile = profilePath === undefined ? {} : readProfileFile(profilePath);
  const json = readModelFile(path);
  const model = modelFromJson(json, path);
  const hardware = json.hardware as Hardware | undefined;
  if (hardware) resolveHardware(hardware, `${path}: hardware`);
  // The drive currents depend on the inputs: the data flags, else the model's own built-in task.
  let source: DataSource, name: string;
  if (flags.has("task") || flags.has("data")) ({ source, name } = dataSourceFromFlags(flags, "cost"));
  else {
    const trained = json.training?.source;
    if (typeof trained !== "string" || !(ALL_TASKS as readonly string[]).includes(trained)) {
      throw new InputError(`cost: give --task or --data: the drive currents are averaged over inputs, and ${path} was not trained on a built-in task`);
    }
    source = { task: trained as TaskName };
    name = trained;
  }
  // The test split the model was evaluated on (its training's split seed and fraction unless given), or every row of other data.
  const md = modelDataFromFlags(flags, "cost", model, json, path, source, name);
  const data = md.ds;
  for (const w of md.warnings) io.stderr(`dynaspin cost: warning: ${w}\n`);
  const c = costOf(model, data.x, data.n, hardware, profile, profilePath);
  const head = { model: path, data: source.data ?? name, samples: data.n, k: model.k, steps: model.steps, classes: model.classes, profile: profilePath ?? null };
  if (flags.boolean("json")) io.stdout(JSON.stringify({ ...head, cost: c.json }) + "\n");
  else io.stdout(`cost of ${path} (k = ${model.k}, ${model.steps} steps, ${model.classes} classes; currents averaged over ${data.n} ${name} inputs; profile ${profilePath ?? "defaults"})\n` + costReport(c.cost, c.profile));
  return 0;
}

/** The `cost` command. */
export const costCommand: Command = {
  name: "cost",
  summary: "energy and latency per inference on STNO/CMOS hardware, with a digital baseline",
  usage: "dynaspin cost --model FILE [--hardware profile.json] [--task NAME | --data FILE.csv] [--all]",
  flags: FLAGS,
  run,
};
