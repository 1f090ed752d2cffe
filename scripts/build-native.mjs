#!/usr/bin/env node
/**
 * Builds the native engine (native/*.cc → build/Release/dynaspin_native.node) with node-gyp; run by
 * `npm ci` / `npm install` (the package's `install` script) and by `npm run build:native`.
 *
 * A failed or impossible build never fails the install: dynaspin then runs its WebAssembly engine
 * and says so (`dynaspin --version`). Skipped when DYNASPIN_NATIVE=0, on platforms other than
 * x86-64 Linux/macOS, or when no node-gyp is found. Node's headers come from the installation
 * itself (PREFIX/include/node, as distribution packages and the official tarballs ship them), so
 * no download is needed; without them node-gyp falls back to its own header cache.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const log = (s) => process.stderr.write(`dynaspin native engine: ${s}\n`);
const status = join(root, "build", "native-status.json");

function record(ok, reason) {
  try {
    mkdirSync(dirname(status), { recursive: true });
    writeFileSync(status, JSON.stringify({ ok, reason, date: new Date().toISOString() }) + "\n");
  } catch {
    // best effort
  }
}

function nodeGyp() {
  if (process.env.npm_config_node_gyp && existsSync(process.env.npm_config_node_gyp)) return process.env.npm_config_node_gyp;
  const cands = [join(dirname(process.execPath), "..", "lib", "node_modules", "npm", "node_modules", "node-gyp", "bin", "node-gyp.js")];
  try {
    cands.push(createRequire(import.meta.url).resolve("node-gyp/bin/node-gyp.js"));
  } catch {
    // not installed as a package
  }
  return cands.find((p) => existsSync(p)) ?? null;
}

function main() {
  if (process.env.DYNASPIN_NATIVE === "0") return record(false, "skipped: DYNASPIN_NATIVE=0");
  if (process.arch !== "x64" || !["linux", "darwin"].includes(process.platform)) {
    return record(false, `unsupported platform ${process.platform}-${process.arch}`);
  }
  const gyp = nodeGyp();
  if (!gyp) {
    log("node-gyp not found; using the WebAssembly engine");
    return record(false, "node-gyp not found");
  }
  const prefix = resolve(dirname(process.execPath), "..");
  const args = [gyp, "rebuild", "--release", "--jobs", "2"];
  if (existsSync(join(prefix, "include", "node", "common.gypi"))) args.push(`--nodedir=${prefix}`);
  const t0 = Date.now();
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: ["ignore", "pipe", "pipe"], encoding: "utf8", timeout: 600_000 });
  if (r.status !== 0) {
    const out = `${r.stdout ?? ""}\n${r.stderr ?? ""}\n${r.error ? r.error.message : ""}`.split("\n").map((l) => l.trim()).filter(Boolean);
    // The first compiler or make error says why (node-gyp's own last line is only "not ok").
    const why = out.find((l) => /error|not found|No such file/i.test(l) && !l.startsWith("gyp ERR!")) ?? out.filter((l) => !l.startsWith("gyp info")).pop() ?? "unknown";
    log(`build failed (${why}); using the WebAssembly engine instead`);
    return record(false, `build failed: ${why}`);
  }
  log(`built in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  record(true, "built");
}

try {
  main();
} catch (e) {
  log(`skipped (${e instanceof Error ? e.message : e}); using the WebAssembly engine`);
  record(false, String(e));
}
process.exit(0);
