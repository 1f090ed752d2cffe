/**
 * Node adapter: loads a CSV data set from a file (see {@link parseCsvDataset} for the format).
 * Small files and `.gz` files are read as one string; large files are read as bytes and decoded
 * in chunks cut at record boundaries, so files longer than the engine's maximum string length
 * (about 512 MB in V8) still load.
 */
import { readFileSync, statSync } from "node:fs";
import { InputError } from "../util/errors.js";
import { readTextFile } from "./files.js";
import { parseCsvChunks, parseCsvDataset, type CsvDataset, type CsvOptions } from "../data/csv.js";

/** Options of {@link loadCsvDataset}: the parser options without `file` (the path is used). */
export type LoadCsvOptions = Omit<CsvOptions, "file">;

/** Files at least this large (bytes, uncompressed) are decoded in chunks. */
const CHUNKED_FROM = 32 << 20;
/** Target chunk size in bytes. */
const CHUNK = 16 << 20;
/** A chunk never grows past this many bytes looking for a record boundary. */
const MAX_CHUNK = 256 << 20;

/**
 * Yields the UTF-8 text of `buf` in pieces of about `chunkBytes` bytes that end right after a
 * line feed outside quotes (an even number of `"` bytes before it), so each piece holds whole
 * records, as {@link parseCsvChunks} requires. A piece stops growing at 256 MB even inside quotes
 * (the parser then reports the runaway quote as unterminated).
 */
export function* splitCsvBuffer(buf: Uint8Array, chunkBytes: number = CHUNK): Generator<string> {
  const b = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  yield* pieces(b, Math.max(1, Math.floor(chunkBytes)));
}

function* pieces(buf: Buffer, chunkBytes: number): Generator<string> {
  let start = 0;
  let quotes = 0; // quote bytes seen in [start, scanned)
  let scanned = 0;
  while (start < buf.length) {
    let cut = buf.length;
    let target = Math.min(start + chunkBytes, buf.length);
    while (target < buf.length) {
      const nl = buf.indexOf(10, target);
      if (nl < 0) break;
      for (let q = buf.indexOf(34, scanned); q >= 0 && q < nl; q = buf.indexOf(34, q + 1)) quotes++;
      scanned = nl;
      // Inside quotes: a quoted field spans this newline; look further, within reason (a
      // runaway quote is reported by the parser as unterminated).
      if ((quotes & 1) === 0 || nl + 1 - start >= MAX_CHUNK) {
        cut = nl + 1;
        break;
      }
      target = nl + 1;
    }
    yield buf.toString("utf8", start, cut);
    start = cut;
    quotes = 0;
    scanned = cut;
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
  if (size < CHUNKED_FROM || path.endsWith(".gz")) {
    let text: string;
    try {
      text = readTextFile(path, "file");
    } catch (e) {
      if (e instanceof InputError && / is empty$/.test(e.message)) throw new InputError(`${path}: empty file`);
      throw e;
    }
    return parseCsvDataset(text, { ...options, file: path });
  }
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (e) {
    throw new InputError(`${path}: cannot read file (${(e as NodeJS.ErrnoException).code ?? "error"})`);
  }
  let lines = 1;
  for (let i = buf.indexOf(10); i >= 0; i = buf.indexOf(10, i + 1)) lines++;
  return parseCsvChunks(splitCsvBuffer(buf), { ...options, file: path, expectedRows: lines, expectedChars: buf.length });
}
