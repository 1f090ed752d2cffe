/**
 * Node adapter for training checkpoints (format: src/train/checkpoint.ts). A checkpoint folder
 * holds `checkpoint.json`, replaced atomically (temporary file, fsync, rename) at every write, so a
 * reader — or a resume after a crash or SIGKILL — always finds the last complete checkpoint; and
 * `history.jsonl`, the per-epoch metrics, one JSON object per line, appended (and fsynced) before
 * each checkpoint is renamed into place. A reader takes the first `epochsDone` lines: lines after
 * them (a run killed between the append and the rename, or in the middle of an append) are ignored.
 * So the checkpoint keeps its size however long the run, and no write rewrites the history.
 */
import { appendFileSync, closeSync, existsSync, fsyncSync, openSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { readJsonFile, writeFileAtomic } from "./files.js";
import { attachHistory, epochMetricsSchema, epochMetricsToJson, parseCheckpointJson, stringifyCheckpoint, type CheckpointJson, type EpochMetricsJson } from "../train/checkpoint.js";
import type { EpochMetrics } from "../train/train.js";
import { ComputationError, InputError } from "../util/errors.js";

/** Name of the per-epoch history file beside the checkpoint. */
export const HISTORY_FILE = "history.jsonl";

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
 * Writes a run's checkpoints into one folder: `history.jsonl` written whole on the first write of
 * this process and appended with the new epochs after that, then `checkpoint.json` (without the
 * history) atomically. Returns the checkpoint's path from {@link CheckpointWriter.write}.
 */
export class CheckpointWriter {
  /** Epochs already in this folder's history file (−1 before the first write). */
  private written = -1;
  constructor(readonly dir: string) {}

  write(json: CheckpointJson, history: readonly EpochMetrics[]): string {
    const { history: _inline, ...rest } = json;
    const path = join(this.dir, HISTORY_FILE);
    const lines = (from: number): string => history.slice(from).map((m) => JSON.stringify(epochMetricsToJson(m)) + "\n").join("");
    if (this.written < 0) {
      writeFileAtomic(path, lines(0));
    } else if (history.length > this.written) {
      try {
        appendFileSync(path, lines(this.written));
        const fd = openSync(path, "r+");
        try {
          fsyncSync(fd);
        } finally {
          closeSync(fd);
        }
      } catch (e) {
        throw new ComputationError(`cannot write ${path} (${(e as NodeJS.ErrnoException).code ?? "error"}); the last complete checkpoint is kept`);
      }
    }
    this.written = history.length;
    return writeCheckpoint(this.dir, rest as CheckpointJson);
  }
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
export function readCheckpoint(dirOrFile: string): {
    /** The checkpoint file read. */
    path: string;
    /** Its validated contents. */
    checkpoint: CheckpointJson;
  } {
  const path = checkpointPath(dirOrFile);
  if (!existsSync(path)) {
    const what = existsSync(dirOrFile) ? `no ${CHECKPOINT_FILE} in folder ${dirOrFile}` : `no such checkpoint folder ${dirOrFile}`;
    throw new InputError(`--resume: ${what} (checkpoints are written by train --checkpoint-every N)`);
  }
  const c = parseCheckpointJson(readJsonFile(path, "checkpoint file"), path);
  if (c.history === undefined) attachHistory(c, readHistory(join(dirname(path), HISTORY_FILE), c.epochsDone), join(dirname(path), HISTORY_FILE));
  return { path, checkpoint: c };
}

/** The first `epochs` entries of a history file (later lines, complete or not, are ignored). */
function readHistory(path: string, epochs: number): EpochMetricsJson[] {
  if (epochs === 0) return [];
  if (!existsSync(path)) throw new InputError(`${path}: missing; the checkpoint beside it needs its ${epochs} epochs of history`);
  const text = readFileSync(path, "utf8");
  const out: EpochMetricsJson[] = [];
  let start = 0;
  for (let i = 0; i < epochs; i++) {
    const end = text.indexOf("\n", start);
    if (end < 0) throw new InputError(`${path}: has ${i} complete lines, the checkpoint needs ${epochs}`);
    let v: unknown;
    try {
      v = JSON.parse(text.slice(start, end));
    } catch {
      throw new InputError(`${path}: line ${i + 1} is not valid JSON`);
    }
    const r = epochMetricsSchema.safeParse(v);
    if (!r.success) throw new InputError(`${path}: line ${i + 1}: not an epoch record (${r.error.issues[0]?.message ?? "invalid"})`);
    out.push(r.data);
    start = end + 1;
  }
  return out;
}
