#!/usr/bin/env node
// The layering rule of dynaspin's sources, checked (run by `npm test` through
// test/architecture/layers.test.ts, and by hand: `node scripts/check-layers.mjs`).
//
// Every folder of src/ sits on one layer; a file may import only from its own folder, from a lower
// layer, never from a higher one and never from another folder of its own layer; no import cycle
// between files (type-only imports included); Node built-ins (`node:*`) only in src/node/ and
// src/cli/, so the numeric core runs unchanged in a browser and a worker; threads only through the
// one worker layer (`node:worker_threads` only in src/node/workers/); the playground imports
// nothing of src/node/, and of src/cli/ only modules that reach no Node built-in and nothing of
// src/node/ at run time (the flag parser and option builder it shares with the CLI); a WebAssembly module (scripts/build-wasm.mjs) compiles only
// sources of its own folder and of lower layers. Exit 0 when clean, 1 with one line per violation.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { MODULES as WASM_MODULES } from "./build-wasm.mjs";

/** Layers, lowest first. A folder may import its own folder and any folder of a lower layer. */
export const LAYERS = [
  ["util", "version.ts"],
  ["kernels"],
  ["device", "physics", "data", "plot"],
  ["io"],
  ["network"],
  ["train", "sweep", "cost"],
  ["reproduce", "explore"],
  ["index.ts"],
  ["node"],
  ["cli"],
];

/** Folders allowed to import Node built-ins. */
const PLATFORM = new Set(["node", "cli"]);

/** The one worker layer (pool + shared-memory executor): the only files that may start threads. */
const WORKER_LAYER = "src/node/workers/";

const IMPORT = /(?:^|[\s;])(?:import|export)\s+(type\s+)?(?:[^;'"]*?\sfrom\s+)?["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

function walk(dir, out = []) {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (/\.(ts|tsx)$/.test(name) && !name.endsWith(".d.ts")) out.push(p);
  }
  return out;
}

/** The imports of one file: specifier and whether it is type-only. Comments are stripped first. */
export function importsOf(text) {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`])\/\/.*$/gm, "$1");
  const out = [];
  for (const m of code.matchAll(IMPORT)) out.push({ spec: m[2] ?? m[3], typeOnly: Boolean(m[1]) });
  return out;
}

/** Resolves a relative specifier of `from` to a repository path (".js" written for ".ts"). */
function resolveSpec(from, spec) {
  return normalize(join(dirname(from), spec)).replace(/\.js$/, ".ts");
}

/** The layer folder of a path under src/ ("util", "index.ts", ...). */
function unit(path) {
  const parts = relative("src", path).split(/[\\/]/);
  return parts[0];
}

/** Checks the tree at `root`; returns the violations as lines. */
export function checkLayers(root = ".") {
  const level = new Map();
  LAYERS.forEach((names, i) => names.forEach((n) => level.set(n, i)));
  const problems = [];
  const src = join(root, "src");
  const files = walk(src).map((f) => relative(root, f));
  const graph = new Map();
  for (const f of files) {
    const from = unit(f);
    if (!level.has(from)) {
      problems.push(`${f}: folder src/${from} has no layer; add it to LAYERS in scripts/check-layers.mjs`);
      continue;
    }
    const edges = [];
    for (const { spec } of importsOf(readFileSync(join(root, f), "utf8"))) {
      if (spec.startsWith("node:")) {
        if (spec === "node:worker_threads" && !f.split("\\").join("/").startsWith(WORKER_LAYER)) problems.push(`${f}: imports "node:worker_threads"; threads go through the one worker layer in ${WORKER_LAYER} (runTasks for tasks, startSharedExecutor for shared-memory jobs)`);
        if (!PLATFORM.has(from)) problems.push(`${f}: imports the Node built-in "${spec}"; only src/node/ and src/cli/ may (the core runs in browsers)`);
        continue;
      }
      if (!spec.startsWith(".")) continue;
      const target = resolveSpec(f, spec);
      if (!target.startsWith("src/")) continue;
      edges.push(target);
      const to = unit(target);
      if (to === from || !level.has(to)) continue;
      if (level.get(to) > level.get(from)) problems.push(`${f}: imports ${target} from a higher layer (src/${from} is below src/${to}); move the shared code down`);
      else if (level.get(to) === level.get(from)) problems.push(`${f}: imports ${target} from src/${to}, a folder of the same layer; move the shared code down`);
    }
    graph.set(f, edges);
  }
  for (const cycle of cycles(graph)) problems.push(`import cycle: ${cycle.join(" -> ")}`);
  for (const [key, m] of Object.entries(WASM_MODULES)) {
    const home = unit(m.out);
    for (const source of m.sources) {
      const from = unit(source);
      if (from !== home && !(level.get(from) < level.get(home))) problems.push(`scripts/build-wasm.mjs: module ${key} (${m.out}) compiles ${source} from src/${from}, not below src/${home}; move the shared source down`);
    }
  }
  const pg = join(root, "playground", "src");
  let pgFiles = [];
  try {
    pgFiles = walk(pg).map((f) => relative(root, f));
  } catch {
    pgFiles = [];
  }
  for (const f of pgFiles) {
    for (const { spec } of importsOf(readFileSync(join(root, f), "utf8"))) {
      if (!spec.startsWith(".")) continue;
      const target = resolveSpec(f, spec);
      if (/^src\/node\//.test(target)) problems.push(`${f}: the playground imports ${target}; it may use only the browser-safe library`);
      else if (/^src\/cli\//.test(target)) {
        const bad = nodeReach(root, target);
        if (bad) problems.push(`${f}: the playground imports ${target}, which reaches ${bad} at run time; it may use only browser-safe modules`);
      }
    }
  }
  return problems;
}

/**
 * The first Node-only dependency (a `node:` built-in or a file of src/node/) that `file` reaches
 * through run-time imports (type-only imports are erased), or null: a src/cli/ module the playground
 * may use (e.g. the flag parser and option builder of src/cli/train-options.ts) must reach none.
 */
function nodeReach(root, file, seen = new Set()) {
  if (seen.has(file)) return null;
  seen.add(file);
  if (/^src\/node\//.test(file)) return file;
  let text;
  try {
    text = readFileSync(join(root, file), "utf8");
  } catch {
    return null;
  }
  for (const { spec, typeOnly } of importsOf(text)) {
    if (typeOnly) continue;
    if (spec.startsWith("node:")) return `${spec} (from ${file})`;
    if (!spec.startsWith(".")) continue;
    const target = resolveSpec(file, spec);
    if (!target.startsWith("src/")) continue;
    const bad = nodeReach(root, target, seen);
    if (bad) return bad;
  }
  return null;
}

/** Strongly connected components with more than one file (or a self-import), as cycles. */
function cycles(graph) {
  let index = 0;
  const idx = new Map(), low = new Map(), stack = [], on = new Set(), out = [];
  const visit = (v) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) === idx.get(v)) {
      const comp = [];
      let w;
      do {
        w = stack.pop();
        on.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(comp.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === normalize(process.argv[1])) {
  const problems = checkLayers(process.cwd());
  for (const p of problems) console.error(p);
  if (problems.length > 0) {
    console.error(`check-layers: ${problems.length} violation(s); the layers, lowest first: ${LAYERS.map((l) => l.join(" ")).join(" < ")}`);
    process.exit(1);
  }
  console.log(`check-layers: ok (${LAYERS.map((l) => l.join(" ")).join(" < ")})`);
}
