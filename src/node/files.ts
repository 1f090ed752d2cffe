/**
 * Node-only file helpers. Every output file is written atomically (temporary file in the same
 * folder, fsync, rename) so a reader never sees a partial file, and nothing is left behind on error.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync, existsSync, statSync } from "node:fs";
import { dirname, basename, join } from "node:path";
import { gunzipSync } from "node:zlib";
import { InputError } from "../util/errors.js";

let counter = 0;

/**
 * Writes `data` to `path` atomically: write `path.<pid>.<n>.tmp`, fsync, rename over `path`.
 * Creates the parent folder if needed.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${counter++}.tmp`);
  try {
    const fd = openSync(tmp, "w");
    try {
      const buf = typeof data === "string" ? Buffer.from(data, "utf8") : data;
      let off = 0;
      while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  try {
    const dfd = openSync(dir, "r");
    try {
      fsyncSync(dfd);
    } finally {
      closeSync(dfd);
    }
  } catch {
    // Directory fsync is best effort (not supported on every platform).
  }
}

/**
 * Reads a text file (transparently gunzipping `.gz`), with a one-line error naming the file when it
 * is missing, a folder, unreadable or empty.
 */
export function readTextFile(path: string, what = "file"): string {
  if (!existsSync(path)) throw new InputError(`${path}: no such ${what}`);
  const st = statSync(path);
  if (st.isDirectory()) throw new InputError(`${path}: is a folder, expected a ${what}`);
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (e) {
    throw new InputError(`${path}: cannot read ${what} (${(e as NodeJS.ErrnoException).code ?? "error"})`);
  }
  if (path.endsWith(".gz")) {
    try {
      buf = gunzipSync(buf);
    } catch {
      throw new InputError(`${path}: not a valid gzip file`);
    }
  }
  const text = buf.toString("utf8");
  if (text.trim().length === 0) throw new InputError(`${path}: ${what} is empty`);
  return text;
}

/** Reads and parses a JSON file with a one-line error naming the file. */
export function readJsonFile(path: string, what = "JSON file"): unknown {
  const text = readTextFile(path, what);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InputError(`${path}: not valid JSON (${(e as Error).message.split("\n")[0]})`);
  }
}
