#!/usr/bin/env node
// Reruns the core results recorded in docs/results.md: `dynaspin train` with defaults on the spiral and
// digits tasks for init seeds 0..4 (split seed 0), plus the spiral on the measured device presets.
// Usage: npm run build && node scripts/results-core.mjs [spiral|digits|devices|float32 ...]
// (float32: both tasks again with --precision float32, not part of the default set.)
// Prints one markdown table row per configuration (per-seed test accuracy, mean, min, wall time).
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const which = process.argv.slice(2);
const want = (name) => (which.length === 0 && name !== "float32") || which.includes(name);
const tmp = mkdtempSync(join(tmpdir(), "dynaspin-results-"));

function run(args) {
  const r = spawnSync(process.execPath, ["bin/dynaspin.js", "train", ...args, "--json", "--out", join(tmp, String(Math.random()).slice(2))], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`dynaspin train ${args.join(" ")} failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

function row(label, args) {
  const runs = [0, 1, 2, 3, 4].map((seed) => run([...args, "--seed", String(seed)]));
  const te = runs.map((r) => r.testAccuracy * 100);
  const tr = runs.map((r) => r.trainAccuracy * 100);
  const mean = (a) => a.reduce((s, x) => s + x, 0) / a.length;
  const secs = runs.map((r) => r.seconds);
  console.log(
    `| ${label} | ${te.map((x) => x.toFixed(2)).join(" ")} | **${mean(te).toFixed(2)}** | ${Math.min(...te).toFixed(2)} | ${mean(tr).toFixed(2)} | ${mean(secs).toFixed(1)} s |`,
  );
}

console.log("| command | test accuracy, seeds 0–4 (%) | mean | min | mean train | wall time per run |");
console.log("|---|---|---|---|---|---|");
if (want("spiral")) row("`train --task spiral`", ["--task", "spiral"]);
if (want("digits")) row("`train --task digits`", ["--task", "digits"]);
if (want("devices")) {
  for (const d of ["paper-test", "hamadeh2012", "zeng2013"]) row(`\`train --task spiral --device ${d}\``, ["--task", "spiral", "--device", d]);
}
if (want("float32")) {
  for (const t of ["spiral", "digits"]) row(`\`train --task ${t} --precision float32\``, ["--task", t, "--precision", "float32"]);
}
