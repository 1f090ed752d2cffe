/**
 * Macrospin LLG benchmark: RK4 steps per second for one oscillator and for a sweep of 64 currents
 * on 2 worker threads, each next to a NumPy implementation of the same RK4 (same equations,
 * vectorised over currents; `bench/peers/llg_numpy.py`, run with Debian's python3-numpy through
 * /usr/bin/python3) and the ratio peer rate / dynaspin rate (< 1 means dynaspin is faster).
 *
 * Checks: NumPy's final magnetisation must agree with dynaspin's after the same steps (|Δm| < 1e-9),
 * and every sweep point must be finite and not diverged, so the work cannot be optimised away.
 *
 * Workload: the Py/Cu/Py preset at T = 0 (currents 0.5..32 mA), dt = 0.05/ω_max ≈ 0.16 ps.
 * Standalone: `node --import tsx bench/llg.ts [--quick]`.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { BenchRow, BenchSuite } from "./types.js";
import { PY_CU_PY, resolveDevice, type ResolvedDevice } from "../src/physics/params.js";
import { LlgModel } from "../src/physics/llg.js";
import { rk4Step, rk4Workspace } from "../src/physics/integrators/rk4.js";
import { initialMagnetisation, resolveSweepOptions, simulateCurrent } from "../src/physics/sweep.js";
import { sweepParallel } from "../src/node/llg-worker.js";

const PYTHON = "/usr/bin/python3";
const PEER = fileURLToPath(new URL("./peers/llg_numpy.py", import.meta.url));
const TILT = 0.05;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : 0.5 * (s[h - 1] + s[h]);
}

/** Integrates one oscillator for `steps` RK4 steps; returns the final m. */
function integrate(d: ResolvedDevice, currentAmps: number, dt: number, steps: number): Float64Array {
  const model = new LlgModel(d, currentAmps);
  const m = initialMagnetisation(d.polarizer, TILT, new Float64Array(3));
  const w = rk4Workspace();
  for (let k = 0; k < steps; k++) rk4Step(model, m, dt, w);
  return m;
}

interface PeerResult {
  numpy: string;
  stepsPerSecond: number;
  m: number[][];
}

/** Runs the NumPy peer; returns null with a reason when python3-numpy is missing or fails. */
function runPeer(d: ResolvedDevice, currentsAmps: number[], dt: number, steps: number, repeats: number): PeerResult | string {
  if (!existsSync(PYTHON)) return `peer missing: ${PYTHON} not found`;
  const probe = spawnSync(PYTHON, ["-c", "import numpy"], { encoding: "utf8" });
  if (probe.status !== 0) return "peer missing: python3-numpy not installed (apt-get install -y python3-numpy)";
  const model = new LlgModel(d, 0);
  const input = {
    gammaLL: model.gammaLL, alpha: model.alpha, b: [model.bx, model.by, model.bz], d: [model.dx, model.dy, model.dz],
    bk: model.bk, u: [model.ux, model.uy, model.uz], p: [model.px, model.py, model.pz],
    effEta: model.effEta, effA: model.effA, effC: model.effC, beta: model.beta,
    bJ: currentsAmps.map((I) => d.torquePerAmp * I), dt, steps,
    m0: [...initialMagnetisation(d.polarizer, TILT, new Float64Array(3))], repeats,
  };
  const r = spawnSync(PYTHON, [PEER], { input: JSON.stringify(input), encoding: "utf8", maxBuffer: 1 << 26 });
  if (r.status !== 0) return `peer failed: ${(r.stderr || "").trim().split("\n").pop()}`;
  return JSON.parse(r.stdout) as PeerResult;
}

/** Largest |m_numpy − m_dynaspin| over the checked currents after the same number of steps. */
function peerDeviation(d: ResolvedDevice, peer: PeerResult, currentsAmps: number[], dt: number, steps: number, check: number[]): number {
  let worst = 0;
  for (const k of check) {
    const m = integrate(d, currentsAmps[k], dt, steps);
    for (let i = 0; i < 3; i++) worst = Math.max(worst, Math.abs(m[i] - peer.m[i][k]));
  }
  return worst;
}

export const run: BenchSuite = async ({ quick }) => {
  const d = resolveDevice({ ...PY_CU_PY, temperature: 0 });
  const o = resolveSweepOptions(d, {});
  const dt = o.dt;
  const rows: BenchRow[] = [];
  const repeats = quick ? 3 : 5;

  // 1 oscillator: the bare RK4 kernel (4 rhs evaluations + renormalisation per step).
  const I1 = 8e-3;
  const steps1 = quick ? 200_000 : 2_000_000;
  integrate(d, I1, dt, 20_000); // warm-up (JIT)
  const times1: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    const m = integrate(d, I1, dt, steps1);
    times1.push((performance.now() - t0) / 1e3);
    if (!(Math.abs(Math.hypot(m[0], m[1], m[2]) - 1) < 1e-12)) throw new Error("llg bench: |m| drifted from 1");
  }
  const rate1 = steps1 / median(times1);
  const peerSteps1 = quick ? 5_000 : 20_000;
  const peer1 = runPeer(d, [I1], dt, peerSteps1, repeats);
  const row1: BenchRow = {
    suite: "llg", workload: "RK4, 1 oscillator", value: rate1, unit: "steps/s", goal: "ratio <= 1",
    notes: `${steps1} steps, dt = ${(dt * 1e12).toPrecision(3)} ps, median of ${repeats}`,
  };
  if (typeof peer1 === "string") {
    Object.assign(row1, { peer: "NumPy (python3-numpy)", peerValue: null, ratio: null, notes: `${row1.notes}; ${peer1}` });
  } else {
    const dev = peerDeviation(d, peer1, [I1], dt, peerSteps1, [0]);
    if (!(dev < 1e-9)) throw new Error(`llg bench: NumPy and dynaspin disagree by ${dev} after ${peerSteps1} steps`);
    Object.assign(row1, {
      peer: `${peer1.numpy}`, peerValue: peer1.stepsPerSecond, ratio: peer1.stepsPerSecond / rate1,
      notes: `${row1.notes}; NumPy ${peerSteps1} steps, final m agrees within ${dev.toExponential(1)}`,
    });
  }
  rows.push(row1);

  // Sweep of 64 currents on 2 workers (full simulateCurrent: RK4 + observables + checks).
  const K = 64;
  const currents = Array.from({ length: K }, (_, k) => 0.5 * (k + 1)); // mA
  const stepsK = quick ? 100_000 : 1_000_000;
  const sweepOptions = { dt, duration: stepsK * dt, transient: 0.5 * stepsK * dt, integrator: "rk4" as const };
  const timesK: number[] = [];
  for (let r = 0; r < (quick ? 1 : 3); r++) {
    const t0 = performance.now();
    const pts = await sweepParallel(d, currents, sweepOptions, 2);
    timesK.push((performance.now() - t0) / 1e3);
    if (pts.some((p) => p.status === "diverged" || !Number.isFinite(p.power))) throw new Error("llg bench: a sweep point diverged");
  }
  const rateK = (K * stepsK) / median(timesK);
  const peerStepsK = quick ? 2_000 : 10_000;
  const currentsA = currents.map((I) => I * d.currentScale);
  const peerK = runPeer(d, currentsA, dt, peerStepsK, repeats);
  const rowK: BenchRow = {
    suite: "llg", workload: "RK4, sweep of 64 currents, 2 workers", value: rateK, unit: "steps/s", goal: "ratio <= 1",
    notes: `${K}×${stepsK} steps incl. observables and worker start-up, median of ${timesK.length}`,
  };
  if (typeof peerK === "string") {
    Object.assign(rowK, { peer: "NumPy (python3-numpy)", peerValue: null, ratio: null, notes: `${rowK.notes}; ${peerK}` });
  } else {
    const dev = peerDeviation(d, peerK, currentsA, dt, peerStepsK, [0, 15, 31, 63]);
    if (!(dev < 1e-9)) throw new Error(`llg bench: NumPy and dynaspin disagree by ${dev} after ${peerStepsK} steps`);
    Object.assign(rowK, {
      peer: `${peerK.numpy} (vectorised over 64 currents)`, peerValue: peerK.stepsPerSecond,
      ratio: peerK.stepsPerSecond / rateK,
      notes: `${rowK.notes}; NumPy ${peerStepsK} steps, final m agrees within ${dev.toExponential(1)}`,
    });
  }
  rows.push(rowK);

  // Informational: one oscillator through simulateCurrent (observables + divergence check per step).
  const oneOpts = resolveSweepOptions(d, { dt, duration: steps1 * dt, integrator: "rk4" });
  simulateCurrent(d, resolveSweepOptions(d, { dt, duration: 20_000 * dt, integrator: "rk4" }), 8, 0);
  const t0 = performance.now();
  const pt = simulateCurrent(d, oneOpts, 8, 0);
  const tSim = (performance.now() - t0) / 1e3;
  if (!Number.isFinite(pt.power)) throw new Error("llg bench: simulateCurrent returned a non-finite power");
  rows.push({ suite: "llg", workload: "RK4 + observables, 1 oscillator (simulateCurrent)", value: steps1 / tSim, unit: "steps/s", notes: `${steps1} steps, one run` });
  return rows;
};

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const rows = await run({ quick: process.argv.includes("--quick") });
  for (const r of rows) {
    const peer = r.peer ? `\t${r.peer}: ${r.peerValue == null ? "n/a" : r.peerValue.toExponential(3)} ${r.unit}\tratio ${r.ratio == null ? "n/a" : r.ratio.toFixed(4)}` : "";
    console.log(`${r.suite}\t${r.workload}\t${r.value.toExponential(3)} ${r.unit}${peer}\t${r.notes ?? ""}`);
  }
}
