import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, writeFileSync, symlinkSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startStaticServer, resolveRequestPath, PLAYGROUND_CSP, type RunningServer } from "../../src/node/static-server.js";

let base = "";
let root = "";
let server: RunningServer;

before(async () => {
  base = mkdtempSync(join(tmpdir(), "dynaspin-static-"));
  root = join(base, "site");
  mkdirSync(join(root, "assets"), { recursive: true });
  writeFileSync(join(root, "index.html"), "<!doctype html><title>ok</title>");
  writeFileSync(join(root, "assets", "app.js"), "export {};");
  writeFileSync(join(root, "assets", "k.wasm"), new Uint8Array([0, 97, 115, 109]));
  writeFileSync(join(root, "assets", "fig.svg"), "<svg xmlns='http://www.w3.org/2000/svg'/>");
  writeFileSync(join(root, "assets", "d.csv.gz"), new Uint8Array([0x1f, 0x8b]));
  writeFileSync(join(base, "secret.txt"), "do not serve");
  symlinkSync(join(base, "secret.txt"), join(root, "link-out.txt"));
  symlinkSync(base, join(root, "dir-out"));
  server = await startStaticServer({ root });
});

after(async () => {
  await server?.close();
  if (base) rmSync(base, { recursive: true, force: true });
});

/** A raw GET: the path is sent exactly as given (no client-side normalisation of `..`). */
function get(path: string, method = "GET"): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((ok, fail) => {
    const req = request({ host: "127.0.0.1", port: server.port, path, method }, (res) => {
      let body = "";
      res.setEncoding("latin1");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => ok({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("error", fail);
    req.end();
  });
}

test("the server listens on 127.0.0.1 only", () => {
  const addr = server.server.address();
  assert.ok(addr && typeof addr === "object");
  assert.equal(addr.address, "127.0.0.1");
  assert.equal(server.origin, `http://127.0.0.1:${server.port}`);
});

test("files inside the build folder are served with their MIME type and the CSP", async () => {
  const cases: [string, string][] = [
    ["/", "text/html; charset=utf-8"],
    ["/index.html?x=1", "text/html; charset=utf-8"],
    ["/assets/app.js", "text/javascript; charset=utf-8"],
    ["/assets/k.wasm", "application/wasm"],
    ["/assets/fig.svg", "image/svg+xml"],
    ["/assets/d.csv.gz", "application/gzip"],
  ];
  for (const [path, type] of cases) {
    const r = await get(path);
    assert.equal(r.status, 200, path);
    assert.equal(r.headers["content-type"], type, path);
    assert.equal(r.headers["content-security-policy"], PLAYGROUND_CSP, path);
    assert.equal(r.headers["content-encoding"], undefined, path);
  }
  assert.match(PLAYGROUND_CSP, /default-src 'self'/);
  assert.match(PLAYGROUND_CSP, /connect-src 'self'/);
  assert.doesNotMatch(PLAYGROUND_CSP, /\*|https?:/, "no wildcard or outside origin is allowed");
});

test("path traversal, encoded dots, absolute paths and symlinks out of the folder are 404", async () => {
  const attempts = [
    "/../secret.txt",
    "/assets/../../secret.txt",
    "/%2e%2e/secret.txt",
    "/%2E%2E%2Fsecret.txt",
    "/assets/%2e%2e/%2e%2e/secret.txt",
    "/..%2fsecret.txt",
    "/..%5csecret.txt",
    "/%5c..%5csecret.txt",
    "//etc/passwd",
    `/${join(base, "secret.txt")}`,
    "/link-out.txt",
    "/dir-out/secret.txt",
    "/index.html%00.js",
    "/%",
    "/nope.html",
    "http://example.com/index.html",
  ];
  for (const path of attempts) {
    const r = await get(path);
    assert.equal(r.status, 404, path);
    assert.doesNotMatch(r.body, /do not serve/, path);
    assert.equal(r.headers["content-security-policy"], PLAYGROUND_CSP, `${path}: CSP on errors too`);
  }
  // A request target that is not a path is refused by Node's HTTP parser before it reaches us.
  const bare = await get("secret.txt");
  assert.equal(bare.status, 400);
  assert.doesNotMatch(bare.body, /do not serve/);
});

test("only GET and HEAD are allowed", async () => {
  assert.equal((await get("/", "POST")).status, 405);
  const head = await get("/assets/app.js", "HEAD");
  assert.equal(head.status, 200);
  assert.equal(head.body, "");
});

test("resolveRequestPath maps a URL to a file only inside the root", () => {
  assert.equal(resolveRequestPath(root, "/../secret.txt"), null);
  assert.equal(resolveRequestPath(root, "/assets/app.js"), join(root, "assets", "app.js"));
});

test("a busy port is refused with one line that names --port (exit 2)", async () => {
  const { spawnSync } = await import("node:child_process");
  const { fileURLToPath } = await import("node:url");
  const script = fileURLToPath(new URL("../../src/node/static-server.ts", import.meta.url));
  const r = spawnSync(process.execPath, ["--import", "tsx", script, root, "--port", String(server.port)], { encoding: "utf8", timeout: 30_000 });
  assert.equal(r.status, 2);
  assert.match(r.stderr, new RegExp(`port ${server.port} on 127\\.0\\.0\\.1 is already in use .*--port N, e\\.g\\. npm run playground -- --port ${server.port + 1}`));
  assert.equal(r.stderr.trim().split("\n").length, 1);
});
