/**
 * A small static file server for the built playground (Node only).
 *
 * - Binds 127.0.0.1 (never another interface).
 * - Serves only regular files inside `root`: the URL path is percent-decoded once, must be
 *   absolute, must not contain `..` segments, NUL bytes or backslashes, and the resolved real path
 *   (symlinks followed) must stay inside the real root; anything else is a 404.
 * - GET and HEAD only (405 otherwise); a directory serves its `index.html`.
 * - Every response carries a Content-Security-Policy that forbids requests to other origins
 *   ({@link PLAYGROUND_CSP}), plus `X-Content-Type-Options: nosniff` and `Referrer-Policy: no-referrer`.
 *
 * Run: `tsx src/node/static-server.ts [ROOT] [--port N]` (default ROOT playground/dist, port 5178).
 */
import { createServer, type Server } from "node:http";
import { realpathSync, statSync, createReadStream } from "node:fs";
import { extname, join, resolve, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/**
 * The playground's policy: everything from this origin only (WebAssembly may be compiled: the
 * numeric core runs its kernels in it, as in Node, so the page computes the same bits; JavaScript
 * eval stays forbidden); inline `style` attributes (the SVG
 * charts use them) and `data:`/`blob:` images; module workers from this origin.
 */
export const PLAYGROUND_CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "worker-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

/** MIME types by extension (lower case); anything else is `application/octet-stream`. */
export const MIME_TYPES: Readonly<Record<string, string>> = Object.freeze({
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".wasm": "application/wasm",
  ".txt": "text/plain; charset=utf-8",
  ".md": "text/plain; charset=utf-8",
  ".csv": "text/csv; charset=utf-8",
  // Served as bytes (no Content-Encoding): the page decompresses it itself.
  ".gz": "application/gzip",
});

/** Options of {@link startStaticServer}. */
export interface StaticServerOptions {
  /** Folder to serve (the built site). */
  root: string;
  /** TCP port; 0 picks a free one. @default 0 */
  port?: number;
}

/** A running server and its address. */
export interface RunningServer {
  /** The underlying Node HTTP server. */
  server: Server;
  /** e.g. `http://127.0.0.1:5178` (no trailing slash). */
  origin: string;
  /** The TCP port it listens on (the one picked when `port` was 0). */
  port: number;
  /** Stops accepting connections and closes open ones. */
  close(): Promise<void>;
}

/**
 * Maps a request URL to a file inside `realRoot`, or null when it must be a 404.
 * @param realRoot the root folder with symlinks resolved.
 */
export function resolveRequestPath(realRoot: string, url: string): string | null {
  const q = url.search(/[?#]/);
  const raw = q >= 0 ? url.slice(0, q) : url;
  if (!raw.startsWith("/")) return null;
  let path: string;
  try {
    path = decodeURIComponent(raw);
  } catch {
    return null;
  }
  if (path.includes("\0") || path.includes("\\") || path.startsWith("//")) return null;
  const segments = path.split("/");
  if (segments.some((s) => s === ".." || s === ".")) return null;
  let file = resolve(realRoot, "." + path);
  if (file !== realRoot && !file.startsWith(realRoot + sep)) return null;
  try {
    let st = statSync(file);
    if (st.isDirectory()) {
      file = join(file, "index.html");
      st = statSync(file);
    }
    if (!st.isFile()) return null;
    const real = realpathSync(file);
    if (!real.startsWith(realRoot + sep)) return null;
    return real;
  } catch {
    return null;
  }
}

const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  "Content-Security-Policy": PLAYGROUND_CSP,
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "Cross-Origin-Opener-Policy": "same-origin",
});

/**
 * Starts a static file server for the built playground on 127.0.0.1 (never another interface),
 * with the playground's Content-Security-Policy and security headers on every response; paths
 * outside `root` are 404.
 * @example const s = await startStaticServer({ root: "playground/dist" }); console.log(s.origin); await s.close();
 */
export function startStaticServer(options: StaticServerOptions): Promise<RunningServer> {
  const realRoot = realpathSync(resolve(options.root));
  if (!statSync(realRoot).isDirectory()) throw new Error(`${options.root}: not a folder`);
  const server = createServer((req, res) => {
    const send = (status: number, text: string, extra: Record<string, string> = {}): void => {
      res.writeHead(status, { ...SECURITY_HEADERS, "Content-Type": "text/plain; charset=utf-8", ...extra });
      res.end(req.method === "HEAD" ? undefined : text);
    };
    if (req.method !== "GET" && req.method !== "HEAD") return send(405, "method not allowed\n", { Allow: "GET, HEAD" });
    const file = resolveRequestPath(realRoot, req.url ?? "/");
    if (file === null) return send(404, "not found\n");
    const type = MIME_TYPES[extname(file).toLowerCase()] ?? "application/octet-stream";
    const size = statSync(file).size;
    res.writeHead(200, { ...SECURITY_HEADERS, "Content-Type": type, "Content-Length": String(size), "Cache-Control": "no-cache" });
    if (req.method === "HEAD") return res.end();
    const stream = createReadStream(file);
    stream.on("error", () => res.destroy());
    stream.pipe(res);
  });
  return new Promise((ok, fail) => {
    server.once("error", fail);
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      const addr = server.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      ok({
        server,
        port,
        origin: `http://127.0.0.1:${port}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

async function main(argv: string[]): Promise<void> {
  let root = fileURLToPath(new URL("../../playground/dist", import.meta.url));
  let port = 5178;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--port") port = Number(argv[++i]);
    else root = argv[i];
  }
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be an integer 0..65535 (got ${port})`);
  const s = await startStaticServer({ root, port }).catch((e: NodeJS.ErrnoException) => {
    if (e.code === "EADDRINUSE") {
      throw new Error(`port ${port} on 127.0.0.1 is already in use (another playground?); choose another with --port N, e.g. npm run playground -- --port ${port + 1}`);
    }
    throw e;
  });
  process.stdout.write(`dynaspin playground: ${s.origin}/  (serving ${root}; Ctrl-C stops)\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).catch((e: Error) => {
    process.stderr.write(`serve-playground: ${e.message}\n`);
    process.exit(2);
  });
}
