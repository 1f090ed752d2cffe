/**
 * `dynaspin merge DIR...`: combines the shard outputs of `dynaspin robustness --shard i/N` or
 * `dynaspin explore --shard i/N` into the result an unsharded run writes (byte-identical),
 * refusing mismatched, repeated or missing shards.
 */
import type { Command, CommandIO } from "../command.js";
import type { Flags, FlagSpec } from "../args.js";
import { join } from "node:path";
import { InputError } from "../../util/errors.js";
import { existsSync, readdirSync, statSync } from "node:fs";
import { shardFolders, readRobustnessFile, mergeShards, writeRobustness } from "../../node/robustness-files.js";
import { checkOutputDir } from "../../node/files.js";
import { readExploreFile, mergeExploreShards, writeExplore } from "../../node/explore-files.js";

/** True when the folders hold design-space sweep shards (explore.json) rather than robustness ones. */
function isExplore(dirs: readonly string[]): boolean {
  const has = (d: string): boolean => existsSync(join(d, "explore.json"));
  return dirs.some((d) => existsSync(d) && statSync(d).isDirectory() && (has(d) || readdirSync(d).some((n) => /^shard-\d+-of-\d+$/.test(n) && has(join(d, n)))));
}

const FLAGS: FlagSpec[] = [
  { name: "out", type: "string", short: "o", value: "DIR", help: "output folder (default: the folder given, when it holds the shard-<i>-of-<N> folders)" },
  { name: "no-figure", type: "boolean", help: "skip the SVG/PNG figure" },
];

async function run(flags: Flags, io: CommandIO): Promise<number> {
  const dirs = flags.positional;
  if (dirs.length === 0) throw new InputError("merge: give the shard folders (or the folder holding shard-<i>-of-<N> folders)");
  const explore = isExplore(dirs);
  const shards = shardFolders(dirs, explore ? "explore.json" : "robustness.json");
  const out = flags.string("out") ?? (dirs.length === 1 && shards.every((s) => s !== dirs[0]) ? dirs[0] : undefined);
  if (out === undefined) throw new InputError("merge: --out DIR is required when several folders are given");
  checkOutputDir(out, `--out ${out}`);
  if (explore) {
    const merged = mergeExploreShards(shards.map((d) => ({ path: join(d, "explore.json"), file: readExploreFile(join(d, "explore.json")) })));
    const paths = writeExplore(out, merged, !flags.boolean("no-figure"));
    if (flags.boolean("json")) io.stdout(JSON.stringify({ shards: shards.length, tasks: merged.sweep.tasks, rows: merged.rows.length, files: paths }) + "\n");
    else io.stdout(`merged ${shards.length} explore shards (${merged.sweep.tasks} tasks, ${merged.rows.length} rows)\n  wrote ${paths.join(", ")}\n`);
    return 0;
  }
  const files = shards.map((d) => ({ path: join(d, "robustness.json"), file: readRobustnessFile(join(d, "robustness.json")) }));
  const merged = mergeShards(files);
  const paths = writeRobustness(out, merged, !flags.boolean("no-figure"));
  const summary = { shards: shards.length, trials: merged.sweep.trials, sigmas: merged.sweep.sigmas.length, files: paths };
  if (flags.boolean("json")) io.stdout(JSON.stringify(summary) + "\n");
  else io.stdout(`merged ${shards.length} shards (${merged.sweep.sigmas.length} σ × ${merged.sweep.trials} trials)\n  wrote ${paths.join(", ")}\n`);
  return 0;
}

/** The `merge` command. */
export const mergeCommand: Command = {
  name: "merge",
  summary: "merge robustness or explore shard outputs into one result",
  usage: "dynaspin merge DIR... [--out DIR]",
  flags: FLAGS,
  run,
};
