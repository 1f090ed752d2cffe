/** `dynaspin eval`: accuracy and loss of a saved model on a task's test split or a CSV file. */
import type { Command, CommandIO } from "../command.js";
import type { Flags } from "../args.js";
import { DATA_FLAGS, dataSourceFromFlags, splitFromFlags } from "./train.js";
import { readModelFile } from "../../node/model-file.js";
import { modelFromJson } from "../../network/io.js";
import { evaluate } from "../../network/api.js";
import { evaluateHardware, parseHardwareArgs, type Hardware } from "../../network/hardware.js";
import { Rng } from "../../util/rng.js";
import { readProfileFile, costOf } from "../../node/cost-profile.js";
import { COST_PROFILE_FLAG } from "../cost-flag.js";
import { InputError } from "../../util/errors.js";
import { loadSource } from "../../node/tasks.js";
import type { Dataset } from "../../data/dataset.js";

async function run(flags: Flags, io: CommandIO): Promise<number> {
  const path = flags.string("model");
  if (path === undefined) throw new InputError("eval: --model FILE is required");
  const { source, name } = dataSourceFromFlags(flags, "eval");
  const profile = flags.has("hardware") ? readProfileFile(flags.string("hardware")!) : {};
  const json = readModelFile(path);
  const model = modelFromJson(json, path);
  const hwArgs = flags.list("hw").map(String);
  const hw = hwArgs.length > 0 ? parseHardwareArgs(hwArgs, "--hw") : (json.hardware as Hardware | undefined);
  const whole = flags.boolean("all");
  const ds = whole ? loadSource(source) : splitFromFlags(flags, source).test;
  const aligned = alignClasses(ds, model.classNames, source.data ?? name);
  const ideal = evaluate(model, aligned);
  // With hardware (flag or model file), read-noise draws come from --noise-seed.
  const r = hw && !flags.boolean("ideal") ? evaluateHardware(model, aligned.x, aligned.y, aligned.n, hw, new Rng(flags.number("noise-seed") ?? 0)) : ideal;
  const summary = { model: path, data: source.data ?? name, split: whole ? "all" : "test", samples: r.n, accuracy: r.accuracy, loss: r.loss };
  if (flags.boolean("json")) io.stdout(JSON.stringify({ ...summary, cost: costOf(model, aligned.x, aligned.n, hw, profile, flags.string("hardware")).json }) + "\n");
  else io.stdout(`${name} (${summary.split}, ${r.n} samples): accuracy ${(r.accuracy * 100).toFixed(2)}%  loss ${r.loss.toFixed(4)}\n`);
  return 0;
}

/**
 * Re-indexes a data set's labels to the model's class order by class name (a CSV with a subset of
 * the classes, or listed in another order, still evaluates correctly).
 * @throws InputError for a label the model does not know.
 */
export function alignClasses(ds: Dataset, modelClasses: string[] | undefined, file: string): Dataset {
  if (!modelClasses) return ds;
  const index = new Map(modelClasses.map((c, i) => [c, i]));
  const map = ds.classNames.map((c) => {
    const i = index.get(c);
    if (i === undefined) throw new InputError(`${file}: label ${JSON.stringify(c)} is not one of the model's classes (${modelClasses.join(", ")})`);
    return i;
  });
  const y = Int32Array.from(ds.y, (v) => map[v]);
  return { ...ds, y, classNames: modelClasses.slice() };
}

/** The `eval` command. */
export const evalCommand: Command = {
  name: "eval",
  summary: "evaluate a saved model (accuracy, loss)",
  usage: "dynaspin eval --model FILE --task spiral|digits | --data FILE.csv [--split-seed S] [--all]",
  flags: [
    { name: "model", type: "string", short: "m", value: "FILE", help: "model JSON written by dynaspin train" },
    ...DATA_FLAGS,
    { name: "all", type: "boolean", help: "evaluate on every row instead of the test split" },
    { name: "hw", type: "string", repeatable: true, value: "SPEC", help: "hardware non-ideality (noise=S[:rel], dac=BITS:FS, adc=BITS:FS, ilimit=IMAX, relax=DT_OVER_TAU); default: the model file's hardware" },
    { name: "ideal", type: "boolean", help: "ignore the model file's hardware" },
    COST_PROFILE_FLAG,
    { name: "noise-seed", type: "integer", min: 0, value: "S", help: "seed of the read-noise draws with --hw noise=... (default 0)" },
  ],
  run,
};
