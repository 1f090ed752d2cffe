/**
 * Node adapter: loads a CSV data set from a file (see {@link parseCsvDataset} for the format).
 * Small files are read as one string. Large files are streamed from disk and `.gz` files are
 * decompressed to bytes; both are then decoded in pieces cut at record boundaries, so text longer
 * than the engine's maximum string length (about 512 MB in V8) loads, and a large plain file is
 * never held in memory whole.
 */
import { closeSync, openSync, readFileSync, readSync, statSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { InputError } from "../util/errors.js";
import { readTextFile } from "./files.js";
import { parseCsvChunks, parseCsvDataset, type CsvDataset, type CsvOptions } from "../data/csv.js";

/** Options of {@link loadCsvDataset}: the parser options (without `file`: the path is used). */
export interface LoadCsvOptions extends Omit<CsvOptions, "file"> {
  /** Uncompressed files at least this large (bytes) are streamed in pieces. @default 32 MiB */
  streamFromBytes?: number;
  /** Read block size when streaming (bytes). @default 16 MiB */
  blockBytes?: number;
}

/** Files at least this large (bytes, uncompressed) are decoded in chunks. */
const CHUNKED_FROM = 32 << 20;
/** Target chunk size in bytes. */
const CHUNK = 16 << 20;
/** A chunk never grows past this many bytes looking for a record boundary. */
const MAX_CHUNK = 256 << 20;

/** Fills `target` from its start with the next bytes; returns how many (0 at the end). */
type ByteSource = (target: Buffer) => number;

/**
 * Position just after the last line feed of `data` that lies outside quotes (an even number of
 * `"` bytes before it), or -1 when there is none.
 */
function lastRecordBoundary(data: Buffer): number {
  let best = -1;
  let quotes = 0;
  let q = data.indexOf(34); // next quote not yet counted (-1: none left)
  for (let nl = data.indexOf(10); nl >= 0; nl = data.indexOf(10, nl + 1)) {
    while (q >= 0 && q < nl) {
      quotes++;
      q = data.indexOf(34, q + 1);
    }
    if ((quotes & 1) === 0) best = nl + 1;
  }
  return best;
}

/**
 * Reads bytes from `read` in blocks of `chunkBytes` and yields UTF-8 text in pieces that end
 * right after a line feed outside quotes, so each piece holds whole records, as
 * {@link parseCsvChunks} requires. A piece stops growing at 256 MB even inside quotes (the parser
 * then reports the runaway quote as unterminated).
 */
function* splitSource(read: ByteSource, chunkBytes: number): Generator<string> {
  const block = Math.max(1, Math.floor(chunkBytes));
  // One buffer: the unfinished tail of the last piece (`have` bytes) at the front, then new bytes.
  let buf = Buffer.allocUnsafe(2 * block);
  let have = 0;
  for (;;) {
    if (have + block > buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(2 * buf.length, have + block));
      buf.copy(bigger, 0, 0, have);
      buf = bigger;
    }
    const got = read(buf.subarray(have, have + block));
    if (got === 0) {
      if (have > 0) yield buf.toString("utf8", 0, have);
      return;
    }
    const total = have + got;
    const data = buf.subarray(0, total);
    let cut = lastRecordBoundary(data);
    if (cut < 0 && total >= MAX_CHUNK) cut = data.lastIndexOf(10) + 1 || total;
    if (cut <= 0) {
      have = total;
      continue;
    }
    yield buf.toString("utf8", 0, cut);
    buf.copyWithin(0, cut, total);
    have = total - cut;
  }
}

/**
 * Splits an in-memory CSV file into UTF-8 text pieces ending at record boundaries (see
 * {@link parseCsvChunks}); `chunkBytes` is the read block size.
 */
export function splitCsvBuffer(buf: Uint8Array, chunkBytes: number = CHUNK): Generator<string> {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  let pos = 0;
  return splitSource((t) => {
    const n = b.copy(t, 0, pos, Math.min(b.length, pos + t.length));
    pos += n;
    return n;
  }, chunkBytes);
}

/** Streams a file from disk in record-aligned text pieces; closes it when done or abandoned. */
function* splitCsvFile(path: string, chunkBytes: number): Generator<string> {
  const fd = openSync(path, "r");
  try {
    yield* splitSource((t) => readSync(fd, t, 0, t.length, null), chunkBytes);
  } finally {
    closeSync(fd);
  }
}

/** Counts line feeds in a file, reading it in blocks (an upper bound on its records, minus one). */
function countFileNewlines(path: string): number {
  const fd = openSync(path, "r");
  try {
    const block = Buffer.allocUnsafe(CHUNK);
    let count = 0;
    for (;;) {
      const got = readSync(fd, block, 0, block.length, null);
      if (got === 0) return count;
      const view = got === block.length ? block : block.subarray(0, got);
      for (let i = view.indexOf(10); i >= 0; i = view.indexOf(10, i + 1)) count++;
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * Loads a CSV data set from `path` (`.gz` is gunzipped). Errors name the path, the row and the
 * column: `data.csv: row 12, column 3 ("x2"): expected a number (got "abc")`.
 * @throws InputError for a missing, empty or unreadable file and every format error.
 */
export function loadCsvDataset(path: string, options: LoadCsvOptions = {}): CsvDataset {
  let size = 0;
  try {
    const st = statSync(path);
    if (st.isFile()) size = st.size;
  } catch {
    // Missing or unreadable: readTextFile reports it.
  }
  const { streamFromBytes = CHUNKED_FROM, blockBytes = CHUNK, ...parse } = options;
  if (size > 0 && path.endsWith(".gz")) {
    // Decompress to bytes and parse in record-aligned pieces: the text may exceed the longest
    // string the engine allows even when the .gz file is small.
    let buf: Buffer;
    try {
      buf = gunzipSync(readFileSync(path));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "ERR_BUFFER_TOO_LARGE" || e instanceof RangeError) {
        throw new InputError(`${path}: too large to decompress in memory; gunzip it and load the .csv`);
      }
      if (code !== undefined && !code.startsWith("Z_")) throw new InputError(`${path}: cannot read file (${code})`);
      throw new InputError(`${path}: not a valid gzip file`);
    }
    let lines = 1;
    for (let i = buf.indexOf(10); i >= 0; i = buf.indexOf(10, i + 1)) lines++;
    return parseCsvChunks(splitCsvBuffer(buf, blockBytes), { ...parse, file: path, expectedRows: lines, expectedChars: buf.length });
  }
  if (size === 0 || size < streamFromBytes) {
    let text: string;
    try {
      text = readTextFile(path, "file");
    } catch (e) {
      if (e instanceof InputError && / is empty$/.test(e.message)) throw new InputError(`${path}: empty file`);
      throw e;
    }
    return parseCsvDataset(text, { ...parse, file: path });
  }
  try {
    // Two streaming passes: count lines to size the arrays once, then parse. Neither holds the
    // whole file in memory, so only the features themselves scale with the file.
    const lines = countFileNewlines(path) + 1;
    return parseCsvChunks(splitCsvFile(path, blockBytes), { ...parse, file: path, expectedRows: lines, expectedChars: size });
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`${path}: cannot read file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}
