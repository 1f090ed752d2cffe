// A write that fails mid-run (the disk fills up): one line naming the file and the reason, exit 1,
// no partial or temporary file left. Tested on a real full file system (a tiny tmpfs, when this
// process may mount one: root on Linux) and, everywhere, with the disk-full fault injected into
// the atomic writer halfway through a file.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { cli, tmp } from "./helpers.js";

const ENTRY = fileURLToPath(new URL("./cli-entry.ts", import.meta.url));

function child(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, ["--import", "tsx", ENTRY, ...args], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } });
    let stderr = "";
    const guard = setTimeout(() => c.kill("SIGKILL"), 120_000);
    c.stdout.resume();
    c.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    c.on("close", (code) => {
      clearTimeout(guard);
      resolve({ code, stderr });
    });
  });
}

/** Every file under `dir` (relative paths). */
function files(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => statSync(join(dir, f)).isFile()).sort();
}

function oneLine(r: { code: number | null; stderr: string }, file: RegExp): void {
  assert.equal(r.code, 1, r.stderr);
  const lines = r.stderr.trim().split("\n").filter((l) => l.startsWith("dynaspin:"));
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0], new RegExp(`^dynaspin: cannot write \\S*${file.source} \\(disk full\\); nothing was written there$`));
  assert.doesNotMatch(r.stderr, /internal error|\n\s+at /);
}

test("disk full (injected) while train saves its model: exit 1, one line, no model and no temporary file", { timeout: 120_000 }, async () => {
  const dir = tmp();
  try {
    const r = await child(["train", "--task", "spiral", "--count", "200", "--epochs", "20", "--restarts", "1", "--quiet", "--out", join(dir, "run")], { DYNASPIN_FAULT: "disk-full" });
    oneLine(r, /run\/model\.json/);
    assert.deepEqual(files(dir), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("disk full (injected) in the middle of a robustness sweep: exit 1 at the first σ written, nothing partial", { timeout: 120_000 }, async () => {
  const dir = tmp();
  try {
    const t = await cli(["train", "--task", "spiral", "--count", "300", "--epochs", "30", "--restarts", "1", "--quiet", "--out", join(dir, "m")]);
    assert.equal(t.code, 0, t.stderr);
    const r = await child(["robustness", "--model", join(dir, "m", "model.json"), "--task", "spiral", "--count", "300", "--sigma", "0:1:0.1", "--trials", "200", "--workers", "2", "--quiet", "--out", join(dir, "rob")], { DYNASPIN_FAULT: "disk-full" });
    oneLine(r, /rob\/partial\/sigma-\d+\.json/);
    assert.deepEqual(files(join(dir, "rob")), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Mounts a 512 kB tmpfs at a new folder under `parent`, or returns null where mounting is not allowed. */
function tinyDisk(parent: string): { path: string; undo: () => void } | null {
  if (process.platform !== "linux" || process.getuid?.() !== 0) return null;
  const path = join(parent, "disk");
  mkdirSync(path);
  if (spawnSync("mount", ["-t", "tmpfs", "-o", "size=512k", "tmpfs", path]).status !== 0) return null;
  return { path, undo: () => void spawnSync("umount", ["-l", path]) };
}

test("a real full disk (tmpfs) under train and llg: exit 1, one line, no partial file", { timeout: 120_000 }, async (t) => {
  const dir = tmp();
  const disk = tinyDisk(dir);
  try {
    if (disk === null) {
      t.diagnostic("cannot mount a tmpfs here (not root on Linux); the injected-fault tests above cover the writer");
      return;
    }
    // Fill the disk: a new (empty) file can still be created, so the checks before the work pass.
    try {
      writeFileSync(join(disk.path, "filler"), Buffer.alloc(1024 * 1024));
    } catch {
      // ENOSPC: the disk is full now, as intended.
    }
    const r = await cli(["train", "--task", "spiral", "--count", "200", "--epochs", "20", "--restarts", "1", "--quiet", "--out", join(disk.path, "run")]);
    oneLine({ code: r.code, stderr: r.stderr }, /run\/model\.json/);
    const l = await cli(["llg", "--params", "py-cu-py", "--currents", "-14:-13:1", "--duration", "5", "--quiet", "--out", join(disk.path, "curve.csv")]);
    oneLine({ code: l.code, stderr: l.stderr }, /curve\.csv/);
    assert.deepEqual(files(disk.path), ["filler"]);
  } finally {
    disk?.undo();
    rmSync(dir, { recursive: true, force: true });
  }
});
