/**
 * Node adapter for training checkpoints (format: src/train/checkpoint.ts). A checkpoint folder
 * holds one `checkpoint.json`, replaced atomically (temporary file, fsync, rename) at every write,
 * so a reader — or a resume after a crash or SIGKILL — always finds the last complete checkpoint.
 */
import { existsSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { readJsonFile, writeFileAtomic } from "./files.js";
import { parseCheckpointJson, stringifyCheckpoint, type CheckpointJson } from "../train/checkpoint.js";
import { InputError } from "../util/errors.js";

/** Name of the checkpoint file inside a checkpoint folder. */
export const CHECKPOINT_FILE = "checkpoint.json";

/**
 * Path of the checkpoint file for a folder: `<dir>/checkpoint.json`, or, when that does not exist,
 * `<dir>/checkpoint/checkpoint.json` (so a training run's output folder works too); the path
 * itself when it names a `.json` file.
 */
export function checkpointPath(dirOrFile: string): string {
  if (dirOrFile.endsWith(".json") && !(existsSync(dirOrFile) && statSync(dirOrFile).isDirectory())) return dirOrFile;
  const direct = join(dirOrFile, CHECKPOINT_FILE), nested = join(dirOrFile, "checkpoint", CHECKPOINT_FILE);
  return !existsSync(direct) && existsSync(nested) ? nested : direct;
}

/**
 * Writes `json` atomically to `<dir>/checkpoint.json` (creating the folder); returns the path.
 * Also removes temporary files that a killed process left behind in `dir` (never a complete
 * checkpoint: those are only ever renamed into place).
 */
export function writeCheckpoint(dir: string, json: CheckpointJson): string {
  const path = join(dir, CHECKPOINT_FILE);
  writeFileAtomic(path, stringifyCheckpoint(json));
  for (const name of readdirSync(dir)) {
    const m = /^\.checkpoint\.json\.(\d+)\.\d+\.tmp$/.exec(name);
    if (m && Number(m[1]) !== process.pid) rmSync(join(dir, name), { force: true });
  }
  return path;
}

/**
 * Reads and validates the checkpoint in a folder (or a checkpoint file given directly).
 * @throws InputError with one line naming the path: no checkpoint there, not JSON, or a field
 *   problem such as `run/checkpoint/checkpoint.json: order[3]: must be a permutation of 0..99`.
 */
export function readCheckpoint(dirOrFile: string): { path: string; checkpoint: CheckpointJson } {
  const path = checkpointPath(dirOrFile);
  if (!existsSync(path)) {
    const what = existsSync(dirOrFile) ? `no ${CHECKPOINT_FILE} in folder ${dirOrFile}` : `no such checkpoint folder ${dirOrFile}`;
    throw new InputError(`--resume: ${what} (checkpoints are written by train --checkpoint-every N)`);
  }
  return { path, checkpoint: parseCheckpointJson(readJsonFile(path, "checkpoint file"), path) };
}
