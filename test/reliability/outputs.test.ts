import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cli, tmp, readOnlyFolder } from "./helpers.js";
import { prepareOutFolder } from "../../src/cli/commands/reproduce.js";

const SPIRAL = ["--task", "spiral", "--count", "200", "--epochs", "3000", "--restarts", "1", "--quiet"];

/** Asserts a one-line exit-2 refusal that names the flag, printed before any work (well under a second). */
async function refused(args: string[], re: RegExp): Promise<void> {
  const t0 = performance.now();
  const r = await cli(args);
  const ms = performance.now() - t0;
  assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
  assert.match(r.stderr, re);
  assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
  assert.doesNotMatch(r.stderr, /internal error|\n\s+at /);
  // 3000 spiral epochs take seconds: a refusal in under 1.5 s was made before training.
  assert.ok(ms < 1500, `${args.join(" ")} took ${ms.toFixed(0)} ms`);
}

test("train refuses an --out that is a file, under a file, under /proc or read-only with exit 2 before training", async () => {
  const dir = tmp();
  const ro = readOnlyFolder(dir);
  try {
    writeFileSync(join(dir, "file"), "x");
    await refused(["train", ...SPIRAL, "--out", join(dir, "file")], /--out .*file: exists and is a file, expected a folder/);
    await refused(["train", ...SPIRAL, "--out", join(dir, "file", "run")], /is a file, so nothing can be created under it/);
    await refused(["train", ...SPIRAL, "--out", "/proc/foo"], /--out \/proc\/foo: .*pseudo file system/);
    await refused(["train", ...SPIRAL, "--out", join(ro.path, "run")], /--out .*(cannot write into|pseudo file system)/);
    await refused(["train", ...SPIRAL, "--out", join(dir, "ok"), "--checkpoint-every", "5", "--checkpoint-dir", join(dir, "file", "ck")], /--checkpoint-dir .*is a file/);
    assert.equal(existsSync(join(dir, "ok")), false);
  } finally {
    ro.undo();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("fit checks --out and --figure before fitting: a bad figure path writes no device file", async () => {
  const dir = tmp();
  try {
    const csv = join(dir, "curve.csv");
    const rows = ["current_mA,power_nW"];
    for (let i = 0; i <= 40; i++) {
      const I = -2 + i * 0.2;
      const r = I > 1 ? (I - 1) / (I + 2) : 0;
      rows.push(`${I},${(3 * r * 0.5 * (1 + Math.tanh(4 * I - 5))).toFixed(6)}`);
    }
    writeFileSync(csv, rows.join("\n") + "\n");
    writeFileSync(join(dir, "file"), "x");
    const out = join(dir, "device.json");
    const r = await cli(["fit", "--data", csv, "--out", out, "--figure", join(dir, "file", "fig")]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--figure .*fig\.svg: .*is a file/);
    assert.equal(existsSync(out), false, "the device JSON was written before the figure failed");
    const p = await cli(["fit", "--data", csv, "--out", "/proc/device.json"]);
    assert.equal(p.code, 2);
    assert.match(p.stderr, /--out \/proc\/device\.json: .*pseudo file system/);
    const d = await cli(["fit", "--data", csv, "--out", dir]);
    assert.equal(d.code, 2);
    assert.match(d.stderr, /is a folder, expected a file name/);
    const ok = await cli(["fit", "--data", csv, "--out", out, "--quiet"]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.deepEqual(readdirSync(dir).sort(), ["curve.csv", "device-fit.png", "device-fit.svg", "device.json", "file"]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("llg, robustness and merge refuse unwritable outputs before computing", async () => {
  const dir = tmp();
  try {
    writeFileSync(join(dir, "file"), "x");
    const l = await cli(["llg", "--params", "py-cu-py", "--currents", "-14:-10:1", "--out", join(dir, "file", "curve.csv")]);
    assert.equal(l.code, 2, l.stderr);
    assert.match(l.stderr, /--out .*is a file, so nothing can be created under it/);
    const m = await cli(["merge", dir, dir, "--out", "/proc/merged"]);
    assert.equal(m.code, 2, m.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("reproduce refuses a non-empty --out without --force; --force removes only the earlier run's files", async () => {
  const dir = tmp();
  try {
    const out = join(dir, "run");
    mkdirSync(join(out, "figures"), { recursive: true });
    writeFileSync(join(out, "figures", "fig3-spiral.svg"), "<svg/>");
    writeFileSync(join(out, "figures", "old-only.svg"), "<svg/>");
    writeFileSync(join(out, "notes.txt"), "mine");
    writeFileSync(join(out, "summary.json"), JSON.stringify({ format: "dynaspin.reproduce", files: ["figures/fig3-spiral.svg", "figures/old-only.svg", "../escape", "summary.json", "report.html"] }));
    const r = await cli(["reproduce", "--quick", "--quiet", "--out", out]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--out .*run: folder is not empty .*--force/);
    assert.equal(prepareOutFolder(out, true), 3);
    assert.deepEqual(readdirSync(out), ["notes.txt"]);
    assert.equal(prepareOutFolder(join(dir, "missing"), false), 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
