/**
 * An experiment runner for the larger sets of bench/generated-sets.ts (`LARGE_SETS`: 2 000–100 000
 * rows that the automatic training budget was not tuned on): trains them with the library's `train`
 * (the defaults of `dynaspin train --data`, or a variant of them) next to scikit-learn's peers on
 * the same stratified splits.
 *
 *   node --import tsx bench/large-sets.ts --list
 *   node --import tsx bench/large-sets.ts --sets mc5k,digits --seeds 2 [--peers] [--set updates=15000,patience=5000]
 *   node --import tsx bench/large-sets.ts --write-csv DIR    (every set as CSV, for `dynaspin train --data`)
 *
 * Every set is generated from its own seed (nothing random is shared with the runs), so the rows
 * are the same on every machine.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stratifiedSplit } from "../src/data/split.js";
import { LARGE_SETS, writeSetCsv } from "./generated-sets.js";

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const get = (f: string): string | undefined => {
    const i = argv.indexOf(f);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  if (argv.includes("--list")) {
    for (const s of LARGE_SETS) process.stdout.write(`${s.id.padEnd(12)} ${s.label}\n`);
    return;
  }
  const csvDir = get("--write-csv");
  if (csvDir !== undefined) {
    if (!existsSync(csvDir)) mkdirSync(csvDir, { recursive: true });
    for (const s of LARGE_SETS) writeSetCsv(csvDir, s.id, s.make());
    return;
  }
  const { train } = await import("../src/train/train.js");
  const { eq4 } = await import("../src/device/analytic.js");
  const { nativeFactory } = await import("../src/node/native-engine.js");
  const { evaluate } = await import("../src/network/api.js");
  const ids = (get("--sets") ?? "mc5k").split(",");
  const seeds = Number(get("--seeds") ?? 1);
  const firstSeed = Number(get("--seed0") ?? 0);
  const variant: Record<string, number> = {};
  for (const kv of (get("--set") ?? "").split(",").filter(Boolean)) {
    const [k, v] = kv.split("=");
    variant[k] = Number(v);
  }
  const peers = argv.includes("--peers");
  for (const id of ids) {
    const s = LARGE_SETS.find((x) => x.id === id);
    if (!s) throw new Error(`unknown set ${id}`);
    const ds = s.make();
    for (let seed = firstSeed; seed < firstSeed + seeds; seed++) {
      const sp = stratifiedSplit(ds, seed, 0.2);
      const c0 = process.cpuUsage();
      const r = train(sp.train, { devices: eq4(), seed, engine: nativeFactory(1), evalEvery: 1_000_000, ...variant });
      const cu = process.cpuUsage(c0);
      const te = evaluate(r.model, sp.test);
      const tr = evaluate(r.model, sp.train);
      const h = r.history;
      process.stdout.write(
        `${id} seed ${seed} ${JSON.stringify(variant)}: test ${(te.accuracy * 100).toFixed(2)} train ${(tr.accuracy * 100).toFixed(2)} ` +
          `epochs ${h.length} best@${r.validation?.epoch ?? "-"} valAcc ${((r.validation?.accuracy ?? NaN) * 100).toFixed(2)} cpu ${((cu.user + cu.system) / 1e6).toFixed(1)} s\n`,
      );
      if (peers) {
        const cacheFile = join(tmpdir(), "large-sets-peers.json");
        const cache = (existsSync(cacheFile) ? JSON.parse(readFileSync(cacheFile, "utf8")) : {}) as Record<string, Record<string, { test: number; seconds: number }>>;
        const key = `${id}/${ds.n}/${ds.d}/${ds.x[0]}/${seed}`;
        if (!cache[key]) {
        const { execFileSync } = await import("node:child_process");
        const { mkdtempSync, rmSync } = await import("node:fs");
        const dir = mkdtempSync(join(tmpdir(), "large-sets-"));
        const xPath = join(dir, "x.f64"), yPath = join(dir, "y.i32");
        writeFileSync(xPath, Buffer.from(ds.x.buffer, ds.x.byteOffset, ds.x.byteLength));
        writeFileSync(yPath, Buffer.from(ds.y.buffer, ds.y.byteOffset, ds.y.byteLength));
        const req = JSON.stringify({ x: xPath, y: yPath, n: ds.n, d: ds.d, train: Array.from(sp.trainRows), test: Array.from(sp.testRows), seed });
        const out = execFileSync("/usr/bin/python3", [new URL("./peers/sklearn_accuracy.py", import.meta.url).pathname], { input: req + "\n", encoding: "utf8", maxBuffer: 1 << 26 });
        const res = JSON.parse(out.trim().split("\n")[1]) as Record<string, { test: number; seconds: number }>;
        rmSync(dir, { recursive: true, force: true });
        cache[key] = res;
        writeFileSync(cacheFile, JSON.stringify(cache));
        }
        const res = cache[key];
        process.stdout.write(`  peers: ${["logistic", "svm", "mlp"].map((p) => `${p} ${(res[p].test * 100).toFixed(2)} (${res[p].seconds.toFixed(1)} s)`).join(", ")}\n`);
      }
    }
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
