/**
 * Node-only file helpers. Every output file is written atomically (temporary file in the same
 * folder, fsync, rename) so a reader never sees a partial file, and nothing is left behind on error.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync, existsSync, statSync, realpathSync, unlinkSync } from "node:fs";
import { dirname, basename, join, resolve, sep } from "node:path";
import { gunzipSync } from "node:zlib";
import { ComputationError, InputError } from "../util/errors.js";

let counter = 0;

/**
 * Writes `data` to `path` atomically: write `path.<pid>.<n>.tmp`, fsync, rename over `path`.
 * Creates the parent folder if needed.
 * @throws ComputationError (exit 1) naming the path and the system's reason when the write fails
 *   (full disk, folder removed or made read-only during the run); the temporary file is removed.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${counter++}.tmp`);
  try {
    makeDirs(dir);
    const fd = openSync(tmp, "w");
    try {
      const buf = typeof data === "string" ? Buffer.from(data, "utf8") : data;
      let off = 0;
      // Fault injection for the reliability tests: the disk fills up halfway through this file.
      const full = process.env.DYNASPIN_FAULT === "disk-full" ? buf.length >> 1 : -1;
      while (off < buf.length) {
        if (full >= 0 && off >= full) throw Object.assign(new Error("ENOSPC: no space left on device (injected)"), { code: "ENOSPC" });
        off += writeSync(fd, buf, off, Math.max(1, (full >= 0 ? full : buf.length) - off));
      }
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    const code = errnoOf(e);
    throw new ComputationError(`cannot write ${path} (${code === "ENOSPC" ? "disk full" : code === "EROFS" ? "read-only file system" : code}); nothing was written there`);
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

/** Pseudo file systems whose folders accept no ordinary files (Node's recursive mkdir spins there). */
const PSEUDO_ROOTS = ["/proc", "/sys", "/dev"];

/** The nearest ancestor of `path` (or `path` itself) that exists, absolute. */
function nearestExisting(path: string): string {
  let p = resolve(path);
  for (;;) {
    if (existsSync(p)) return p;
    const up = dirname(p);
    if (up === p) return p;
    p = up;
  }
}

function errnoOf(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? "error";
}

/**
 * Creates `dir` and its missing parents one level at a time (at most one mkdir per missing level:
 * Node's `mkdirSync(..., { recursive: true })` retries forever under /proc). Throws the file
 * system's error, e.g. ENOTDIR when a parent is a file.
 */
export function makeDirs(dir: string): void {
  const abs = resolve(dir);
  const missing: string[] = [];
  for (let p = abs; !existsSync(p); p = dirname(p)) {
    if (dirname(p) === p) break;
    missing.push(p);
  }
  for (let i = missing.length - 1; i >= 0; i--) {
    try {
      mkdirSync(missing[i]);
    } catch (e) {
      if (errnoOf(e) !== "EEXIST") throw e;
    }
  }
}

/**
 * Checks, before any work is done, that files can be written into folder `dir` (creating it later
 * if it does not exist): refuses a path that is a file, a path under a file, a folder under /proc,
 * /sys or /dev, and a folder where no file can be created (read-only, no permission, full disk:
 * checked by creating and removing a probe file in the nearest existing folder). Creates nothing.
 * @param what how the message names the location, e.g. "--out runs/a".
 * @throws InputError `--out runs/a: runs is a file, so no folder can be created under it`
 */
export function checkOutputDir(dir: string, what: string): void {
  if (dir.trim() === "") throw new InputError(`${what}: empty path`);
  checkFolder(resolve(dir), what, true);
}

function checkFolder(abs: string, what: string, named: boolean): void {
  const base = nearestExisting(abs);
  let real = base;
  try {
    real = realpathSync(base);
  } catch {
    // keep base
  }
  if (PSEUDO_ROOTS.some((r) => real === r || real.startsWith(r + sep))) {
    throw new InputError(`${what}: ${real} is on a system pseudo file system (/proc, /sys, /dev); choose a folder on a disk`);
  }
  if (!statSync(base).isDirectory()) {
    throw new InputError(base === abs && named ? `${what}: exists and is a file, expected a folder` : `${what}: ${base} is a file, so nothing can be created under it`);
  }
  const probe = join(base, `.dynaspin-probe-${process.pid}-${counter++}`);
  try {
    closeSync(openSync(probe, "wx"));
  } catch (e) {
    const code = errnoOf(e);
    const why = code === "ENOSPC" ? "the disk is full" : code === "EROFS" ? "read-only file system" : code === "EACCES" || code === "EPERM" ? "permission denied" : code;
    throw new InputError(`${what}: cannot write into ${base === abs && named ? "the folder" : `folder ${base}`} (${why}); choose another location`);
  }
  try {
    unlinkSync(probe);
  } catch {
    // best effort
  }
}

/**
 * Checks, before any work is done, that the file `path` can be written (atomically, so its folder
 * must accept a new file): not an existing folder, and a writable folder (see {@link checkOutputDir}).
 * @param what how the message names the file, e.g. "--out device.json".
 */
export function checkOutputFile(path: string, what: string): void {
  if (path.trim() === "") throw new InputError(`${what}: empty path`);
  if (path.endsWith("/") || (existsSync(path) && statSync(path).isDirectory())) {
    throw new InputError(`${what}: is a folder, expected a file name`);
  }
  checkFolder(dirname(resolve(path)), what, false);
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

/**
 * Reads and parses a JSON file (`.gz` is gunzipped) with a one-line error naming the file.
 * @param what what the file is, for the message. @default "JSON file"
 * @throws InputError when the file is missing, empty, unreadable or not JSON.
 */
export function readJsonFile(path: string, what = "JSON file"): unknown {
  const text = readTextFile(path, what);
  try {
    return JSON.parse(text);
  } catch (e) {
    // The usual mix-up: a data file given where a JSON file belongs (a measured curve as --device).
    const first = text.replace(/^\uFEFF/, "").split(/\r?\n/, 1)[0].trim();
    if (!/^[[{"]/.test(first) && /[,;\t]/.test(first)) {
      const hint = what === "device file" ? "; a measured curve becomes a device file with dynaspin fit --data CURVE.csv --out device.json" : what === "model file" ? "; dynaspin train writes the model as model.json in its --out folder" : "";
      throw new InputError(`${path}: not valid JSON: it looks like a CSV file (first line ${JSON.stringify(first.length > 60 ? first.slice(0, 57) + "..." : first)}), and a ${what} is JSON${hint}`);
    }
    throw new InputError(`${path}: not valid JSON (${(e as Error).message.split("\n")[0]})`);
  }
}
