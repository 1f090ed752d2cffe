import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync, existsSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../src/cli/main.js";
import type { CommandIO } from "../../src/cli/command.js";
import { LLG_CSV_HEADER } from "../../src/cli/commands/llg.js";
import { readCurveCsv } from "../../src/node/device-file.js";

function io(): CommandIO & { out: string; err: string } {
  const o = { out: "", err: "", isTTY: false, env: {} as Record<string, string | undefined> } as CommandIO & { out: string; err: string };
  o.stdout = (s: string) => void (o.out += s);
  o.stderr = (s: string) => void (o.err += s);
  return o;
}

const PARAMS = {
  name: "py-cu-py", currentUnit: "mA", Ms: 6.4e5, alpha: 0.01, thickness: 4e-9, diameter: 200e-9,
  field: [0, 0, 1.0], polarizer: [0, 0, 1], efficiency: { model: "slonczewski", P: 0.35 },
};

test("dynaspin llg writes the documented CSV, a figure and one JSON summary, and fit's reader accepts the CSV", async () => {
  const dir = mkdtempSync(join(tmpdir(), "llg-cli-"));
  try {
    const params = join(dir, "device.json");
    writeFileSync(params, JSON.stringify(PARAMS));
    const out = join(dir, "curve.csv");
    const s = io();
    const code = await runCli(["llg", "--params", params, "--currents", "4:16:4", "--duration", "60", "--workers", "2", "--out", out, "--json"], s);
    assert.equal(code, 0, s.err);
    const summary = JSON.parse(s.out);
    assert.equal(summary.command, "llg");
    assert.equal(summary.integrator, "rk4");
    assert.deepEqual(summary.status, { ok: 3, "not-settled": 0, switched: 1, diverged: 0 });
    assert.ok(summary.warnings.some((w: string) => /switching point/.test(w)));
    assert.ok(Math.abs(summary.thresholdCurrent - 5.19) < 0.01);
    const lines = readFileSync(out, "utf8").trim().split("\n");
    assert.equal(lines[0], LLG_CSV_HEADER);
    assert.equal(lines.length, 5);
    assert.match(lines[1], /^4,[0-9.e-]+,[0-9.e-]+,[0-9.]+,ok$/);
    assert.match(lines[4], /^16,.*,switched$/);
    assert.ok(existsSync(join(dir, "curve.svg")) && existsSync(join(dir, "curve.png")));
    const curve = readCurveCsv(out);
    assert.equal(curve.current.length, 3);
    assert.equal(curve.skipped, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("dynaspin llg rejects bad input with exit code 2 before writing anything", async () => {
  const dir = mkdtempSync(join(tmpdir(), "llg-cli-"));
  try {
    const good = join(dir, "device.json");
    writeFileSync(good, JSON.stringify(PARAMS));
    const bad = join(dir, "bad.json");
    writeFileSync(bad, JSON.stringify({ ...PARAMS, Ms: -1 }));
    const out = join(dir, "curve.csv");
    const cases: Array<[string[], RegExp]> = [
      [["--params", bad, "--currents", "0:1:1", "--out", out], /bad\.json: Ms \(A\/m\) must be > 0 \(got -1\)/],
      [["--params", good, "--currents", "0:1", "--out", out], /--currents must be FROM:TO:STEP/],
      [["--params", good, "--currents", "0:1:1", "--out", out, "--dt", "0"], /--dt must be > 0 ps/],
      [["--params", good, "--currents", "0:1:1"], /--out FILE\.csv is required/],
      [["--params", join(dir, "missing.json"), "--currents", "0:1:1", "--out", out], /no such device parameters JSON/],
      [["--params", good, "--currents", "0:1:1", "--out", out, "--integrator", "euler"], /--integrator must be one of auto, rk4, heun/],
    ];
    for (const [args, re] of cases) {
      const s = io();
      assert.equal(await runCli(["llg", ...args], s), 2, args.join(" "));
      assert.match(s.err, re);
      assert.equal(s.err.trim().split("\n").length, 1);
    }
    assert.ok(!existsSync(out));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("dynaspin llg runs the built-in py-cu-py preset and warns when the Heun step breaks the anti-damping rule", async () => {
  const dir = mkdtempSync(join(tmpdir(), "llg-cli-"));
  try {
    const s = io();
    const code = await runCli(["llg", "--params", "py-cu-py", "--currents", "2:2:1", "--temperature", "300", "--duration", "2", "--dt", "3", "--workers", "1", "--out", join(dir, "c.csv"), "--no-plot"], s);
    assert.equal(code, 0, s.err);
    assert.match(s.err, /warning: dt = 3e-12 s is coarse for stochastic Heun: spurious anti-damping/);
    assert.ok(!existsSync(join(dir, "c.svg")));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
