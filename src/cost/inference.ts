/**
 * Energy and latency of one inference of a trained STNO network on the hybrid STNO/CMOS loop of
 * the paper's Fig. 1, with a breakdown, and the same inference on a digital baseline.
 *
 * One step t = 0..n−1 of the loop: the CMOS side reads the k powers p(t) (k ADC conversions; at
 * t = 0 the powers are the input, already digital, so the n steps read p(1)..p(n) — the last
 * reading feeds the readout), computes u = A(t)·p(t) + B(t) and I = ±u² (k² + k MACs), sets the k
 * driver currents (k DAC conversions), and the oscillators settle to p(t+1). Per inference:
 *
 *   T_step   = t_ADC + t_MAC + t_DAC + t_settle,   t_ADC = ⌈k/adcCount⌉/sampleRate,
 *              t_MAC = ⌈(k² + k)/macUnits⌉/clock,   t_settle from the profile (see profile.ts)
 *   drive    = Σ_t Σ_i ⟨I_i(t)²⟩·R_i·T_step          (I in A: model current × ampsPerUnit)
 *   driver   = Σ_t Σ_i (V·⟨|I_i(t)|⟩ − ⟨I_i(t)²⟩·R_i)·T_step   (the drivers' own loss on one supply
 *              V: the profile's, raised to the largest rms I·R when it is below it, with a warning)
 *   ADC      = n·k·FoM_W·2^bits                       DAC = n·k·fom·2^bits
 *   MAC      = n·(k² + k)·E_MAC                       readout = classes·k·E_MAC
 *   latency  = n·T_step + ⌈classes·k/macUnits⌉/clock
 * ⟨·⟩ is the mean over the inputs given to {@link driveStats} (the current a network draws depends
 * on its input). The current flows during the whole step (the oscillator must keep oscillating
 * while it is read and while the next current is computed).
 *
 * Digital baseline: the same network in CMOS arithmetic, n·(k² + k + k·macsPerActivation) +
 * classes·k MACs at the digital MAC energy, latency MACs per step / macUnits / clock per step plus
 * the readout. Memory accesses and the power detector (rectifier) are not modelled on either side.
 */
import { columnCount, type Model } from "../network/model.js";
import { runForward } from "../network/api.js";
import { resolveHardware, type Hardware } from "../network/hardware.js";
import { resolveDevice, PY_CU_PY, CURRENT_UNITS, type DeviceParams } from "../physics/params.js";
import { isAxiallySymmetric } from "../physics/params.js";
import { thresholdCurrent } from "../physics/closedform.js";
import { deviceRelaxationTime } from "../physics/relaxation.js";
import { InputError } from "../util/errors.js";
import type { HardwareProfile } from "./profile.js";

/** Mean drive currents of a network over a set of inputs, in the model's current unit. */
export interface DriveStats {
  /** ⟨I_i(t)²⟩ at `t*k + i` (steps·k). */
  meanSquare: Float64Array;
  /** ⟨|I_i(t)|⟩ at `t*k + i`. */
  meanAbs: Float64Array;
  /** Number of inputs averaged over. */
  samples: number;
}

/**
 * Mean |I| and I² per oscillator and step over the inputs (run through the ideal dynamics; a
 * model's current limit and DAC full scale clamp |I| when `hardware` has them).
 * @param x n rows of raw features, `columnCount(model)` each (the model's feature map and normalisation are applied).
 */
export function driveStats(model: Model, x: Float64Array, n: number, hardware?: Hardware): DriveStats {
  if (!(n > 0)) throw new InputError("cost: the drive currents need at least one input sample");
  const { k, steps } = model;
  const h = hardware ? resolveHardware(hardware) : null;
  const cap = h ? Math.min(h.currentLimit, h.dacFull) : Infinity;
  const meanSquare = new Float64Array(steps * k), meanAbs = new Float64Array(steps * k);
  const cols = columnCount(model);
  const chunk = 512;
  for (let s0 = 0; s0 < n; s0 += chunk) {
    const nb = Math.min(chunk, n - s0);
    // Rows have columnCount(model) values: fewer than k with extra oscillators, other with a feature map.
    const f = runForward(model, x.subarray(s0 * cols, (s0 + nb) * cols));
    for (let t = 0; t < steps; t++) {
      for (let b = 0; b < nb; b++) {
        for (let i = 0; i < k; i++) {
          const a = Math.min(Math.abs(f.currents[(t * nb + b) * k + i]), cap);
          meanAbs[t * k + i] += a;
          meanSquare[t * k + i] += a * a;
        }
      }
    }
  }
  for (let j = 0; j < steps * k; j++) {
    meanAbs[j] /= n;
    meanSquare[j] /= n;
  }
  return { meanSquare, meanAbs, samples: n };
}

/** A profile with every constant resolved for one model, plus how each derived value was found. */
export interface ResolvedProfile {
  /** Ω per oscillator (length k). */
  resistance: Float64Array;
  /** A per model current unit. */
  ampsPerUnit: number;
  /** Settling time of one step, s. */
  settlingTime: number;
  /** Power relaxation time τ, s (null when the settling time was given directly). */
  relaxationTime: number | null;
  /** ADC resolution, bits (the model's hardware.adc.bits, else 8). */
  adcBits: number;
  /** J per conversion-step. */
  adcFom: number;
  /** S/s. */
  adcRate: number;
  /** ADC converters working in parallel (default k: one per oscillator). */
  adcCount: number;
  /** DAC resolution, bits (the model's hardware.dac.bits, else 8). */
  dacBits: number;
  /** J per conversion-step. */
  dacFom: number;
  /** s. */
  dacSettling: number;
  /** V (0: driver overhead not counted). */
  supplyVoltage: number;
  /** J per MAC. */
  macEnergy: number;
  /** Hz. */
  clock: number;
  /** MAC units working in parallel on the STNO chip's CMOS side (default k). */
  macUnits: number;
  /** J per MAC of the digital baseline (default: the CMOS macEnergy). */
  digitalMacEnergy: number;
  /** MACs the digital baseline spends on one device-curve evaluation (default 10). */
  macsPerActivation: number;
  /** Clock of the digital baseline, Hz (default: the CMOS clock). */
  digitalClock: number;
  /** MAC units of the digital baseline working in parallel (default: the CMOS macUnits). */
  digitalMacUnits: number;
  /** How the derived values were obtained (one sentence per field). */
  notes: Record<string, string>;
}

const llgCache = new Map<string, { tau: number; thresholdAmps: number }>();

/**
 * The default profile's LLG result — py-cu-py, a jump 1.5·Ic → 2·Ic and back — exactly as
 * `deviceRelaxationTime(resolveDevice(PY_CU_PY), 1.5, 2)` returns it (test/cost/llg-default.test.ts
 * reruns the simulation and compares the bits). It is in the cache from the start because every
 * `train --json` and `eval --json` prices the model with the default profile, and the simulation
 * cost each of those processes 0.16 s of CPU time (`npm run bench:train-time`, issue 15's time goal).
 */
export const DEFAULT_LLG_RELAXATION = { device: PY_CU_PY, fromIc: 1.5, toIc: 2, tau: 2.2789472656762756e-9, thresholdAmps: 0.005190357933471261 } as const;
llgCache.set(JSON.stringify([DEFAULT_LLG_RELAXATION.device, DEFAULT_LLG_RELAXATION.fromIc, DEFAULT_LLG_RELAXATION.toIc]), { tau: DEFAULT_LLG_RELAXATION.tau, thresholdAmps: DEFAULT_LLG_RELAXATION.thresholdAmps });

/** Relaxation time of an LLG device (cached per device and jump: the simulation takes ~0.5 s). */
function llgRelaxation(device: DeviceParams, fromIc: number, toIc: number): { tau: number; thresholdAmps: number } {
  const key = JSON.stringify([device, fromIc, toIc]);
  let r = llgCache.get(key);
  if (!r) {
    const d = resolveDevice(device, "oscillator.llg.device: ");
    if (!isAxiallySymmetric(d)) throw new InputError("oscillator.llg.device: the settling time from the LLG simulator needs an axially symmetric device (field, polarizer, anisotropy along z); give oscillator.relaxationTime or settlingTime instead");
    const m = deviceRelaxationTime(d, fromIc, toIc);
    r = { tau: m.tau, thresholdAmps: m.thresholdAmps };
    llgCache.set(key, r);
  }
  return r;
}

/** Threshold current (A) of an LLG device (closed form). */
function llgThreshold(device: DeviceParams): number {
  const d = resolveDevice(device, "oscillator.llg.device: ");
  if (!isAxiallySymmetric(d)) throw new InputError("oscillator.llg.device: its threshold current needs an axially symmetric device; give oscillator.ampsPerUnit instead");
  return Math.abs(thresholdCurrent(d));
}

/**
 * Resolves a profile for a model: defaults, the model's own converter bits and relaxation, the
 * current scale from the device's unit, and (when needed) the LLG relaxation time.
 * @param hardware the model's hardware (its ADC/DAC bits and relaxation Δt/τ are used).
 * @param where the profile's name in messages.
 * @throws InputError naming the field (resistance array of the wrong length, an LLG device that
 *   gives no steady precession, ...).
 */
export function resolveProfile(model: Model, profile: HardwareProfile = {}, hardware?: Hardware, where = "hardware profile"): ResolvedProfile {
  const k = model.k;
  const o = profile.oscillator ?? {};
  const notes: Record<string, string> = {};
  const r = o.resistance ?? 100;
  if (Array.isArray(r) && r.length !== k) throw new InputError(`${where}: oscillator.resistance has ${r.length} values; give one per oscillator (k = ${k}) or one number`);
  const resistance = Array.isArray(r) ? Float64Array.from(r) : new Float64Array(k).fill(r);
  const llgDevice: DeviceParams = o.llg?.device === undefined || o.llg.device === "py-cu-py" ? PY_CU_PY : (o.llg.device as unknown as DeviceParams);
  const llgName = o.llg?.device === undefined || o.llg.device === "py-cu-py" ? "py-cu-py" : "the profile's LLG device";
  const fromIc = o.llg?.fromIc ?? 1.5, toIc = o.llg?.toIc ?? 2;
  // Current scale.
  let ampsPerUnit = o.ampsPerUnit;
  if (ampsPerUnit !== undefined) notes.ampsPerUnit = "given by the profile";
  else {
    const units = new Set(model.devices.map((d) => d.currentUnit));
    const unit = units.size === 1 ? [...units][0] : undefined;
    if (unit !== undefined && CURRENT_UNITS[unit] !== undefined) {
      ampsPerUnit = CURRENT_UNITS[unit];
      notes.ampsPerUnit = `the device's current unit, ${unit}`;
    } else {
      const scale = model.devices.reduce((s, d) => s + d.currentScale, 0) / k;
      const ic = llgThreshold(llgDevice);
      ampsPerUnit = ic / scale;
      notes.ampsPerUnit = `dimensionless device: its |Ic| = ${scale} is mapped to the threshold of ${llgName}, ${(ic * 1e3).toPrecision(4)} mA`;
    }
  }
  // Settling time.
  const hw = hardware ? resolveHardware(hardware) : null;
  const dtOverTau = hw?.spec.relaxation?.dtOverTau;
  const tol = o.settleTolerance ?? 0.01;
  let settlingTime: number, relaxationTime: number | null = null;
  if (o.settlingTime !== undefined) {
    settlingTime = o.settlingTime;
    notes.settlingTime = "given by the profile";
  } else {
    if (o.relaxationTime !== undefined) {
      relaxationTime = o.relaxationTime;
      notes.relaxationTime = "given by the profile";
    } else {
      relaxationTime = llgRelaxation(llgDevice, fromIc, toIc).tau;
      notes.relaxationTime = `macrospin LLG simulation of ${llgName}: power relaxation time of a jump ${fromIc}·Ic → ${toIc}·Ic and back (slower direction)`;
    }
    if (dtOverTau !== undefined) {
      settlingTime = dtOverTau * relaxationTime;
      notes.settlingTime = `the model was trained with finite relaxation Δt/τ = ${dtOverTau}: Δt = ${dtOverTau}·τ`;
    } else {
      settlingTime = relaxationTime * Math.log(1 / tol);
      notes.settlingTime = `τ·ln(1/${tol}): the power within ${tol * 100} % of its stationary value`;
    }
  }
  const adcBits = profile.adc?.bits ?? hw?.spec.adc?.bits ?? 8;
  notes.adcBits = profile.adc?.bits !== undefined ? "given by the profile" : hw?.spec.adc ? "the model's hardware.adc" : "default";
  const dacBits = profile.dac?.bits ?? hw?.spec.dac?.bits ?? 8;
  notes.dacBits = profile.dac?.bits !== undefined ? "given by the profile" : hw?.spec.dac ? "the model's hardware.dac" : "default";
  const macEnergy = profile.cmos?.macEnergy ?? 2.3e-13;
  const clock = profile.cmos?.clock ?? 1e9;
  const macUnits = profile.cmos?.macUnits ?? k;
  return {
    resistance,
    ampsPerUnit,
    settlingTime,
    relaxationTime,
    adcBits,
    adcFom: profile.adc?.waldenFom ?? 1e-14,
    adcRate: profile.adc?.sampleRate ?? 1e8,
    adcCount: profile.adc?.count ?? k,
    dacBits,
    dacFom: profile.dac?.fom ?? 1e-14,
    dacSettling: profile.dac?.settlingTime ?? 1e-9,
    supplyVoltage: profile.dac?.supplyVoltage ?? 0.9,
    macEnergy,
    clock,
    macUnits,
    digitalMacEnergy: profile.digital?.macEnergy ?? macEnergy,
    macsPerActivation: profile.digital?.macsPerActivation ?? 10,
    digitalClock: profile.digital?.clock ?? clock,
    digitalMacUnits: profile.digital?.macUnits ?? macUnits,
    notes,
  };
}

/** Names of the energy parts, in breakdown order. */
export const COST_PARTS = ["drive", "driver", "adc", "dac", "mac", "readout"] as const;

/** One part of the energy breakdown. */
export interface CostPart {
  /** Which part of the hardware (one of {@link COST_PARTS}). */
  part: (typeof COST_PARTS)[number];
  /** What it is, one line. */
  label: string;
  /** Energy per inference, J. */
  energy: number;
  /** How many events (conversions, MACs, oscillator-steps). */
  count: number;
}

/** One part of a step's latency. */
export interface LatencyPart {
  /** Which stage of a step: ADC conversion, MACs, DAC settling, or the oscillators' power settling. */
  part: "adc" | "mac" | "dac" | "settle";
  /** s per step. */
  time: number;
}

/** Energy and latency of one inference. */
export interface InferenceCost {
  /** Oscillators of the network. */
  k: number;
  /** Time steps n of one inference. */
  steps: number;
  /** Classes of the readout. */
  classes: number;
  /** J per inference (sum of the parts). */
  energy: number;
  /** s per inference. */
  latency: number;
  /** s per step (sum of the step's latency parts). */
  stepTime: number;
  /**
   * Energy per inference by part (the STNO drive, converters, MACs, …), in the order of {@link COST_PARTS};
   * their energies sum to `energy`.
   */
  parts: CostPart[];
  /** Latency of one step by part (ADC, MAC, DAC, settling), s; their times sum to `stepTime`. */
  stepLatency: LatencyPart[];
  /** s, the readout's MACs after the last step. */
  readoutLatency: number;
  /** Mean drive current magnitude over oscillators and steps, A; and the rms current, A. */
  meanCurrent: number;
  /** Root-mean-square drive current over oscillators and steps, A. */
  rmsCurrent: number;
  /** The digital baseline. */
  digital: {
    /** MACs of one inference on the digital chip: n·(k² + k + k·macsPerActivation) + classes·k. */
    macs: number;
    /** Energy per MAC, J (the profile's digital.macEnergy). */
    macEnergy: number;
    /** Energy per inference, J (macs × macEnergy). */
    energy: number;
    /** Latency per inference, s, at the digital clock and MAC units. */
    latency: number;
  };
  /** energy / digital.energy. */
  energyRatio: number;
  /** Physical problems the numbers reveal (e.g. a supply below I·R). */
  warnings: string[];
}

/**
 * The cost of one inference (module comment for the formulas).
 * @example inferenceCost(model, resolveProfile(model), driveStats(model, test.x, test.n)).energy // J
 */
export function inferenceCost(model: Model, p: ResolvedProfile, stats: DriveStats): InferenceCost {
  const { k, steps: n, classes } = model;
  if (stats.meanSquare.length !== n * k) throw new InputError(`cost: drive statistics are for ${stats.meanSquare.length} oscillator-steps, the model has ${n * k}`);
  const a = p.ampsPerUnit;
  const tAdc = Math.ceil(k / p.adcCount) / p.adcRate;
  const stepMacs = k * k + k;
  const tMac = Math.ceil(stepMacs / p.macUnits) / p.clock;
  const stepLatency: LatencyPart[] = [
    { part: "adc", time: tAdc },
    { part: "mac", time: tMac },
    { part: "dac", time: p.dacSettling },
    { part: "settle", time: p.settlingTime },
  ];
  const T = tAdc + tMac + p.dacSettling + p.settlingTime;
  // Σ over oscillator-steps of ⟨I²⟩·R and ⟨|I|⟩, in A², Ω and A.
  let i2r = 0, absI = 0, sumSq = 0, maxV = 0;
  for (let t = 0; t < n; t++) {
    for (let i = 0; i < k; i++) {
      const sq = stats.meanSquare[t * k + i] * a * a;
      const ab = stats.meanAbs[t * k + i] * a;
      i2r += sq * p.resistance[i];
      absI += ab;
      sumSq += sq;
      maxV = Math.max(maxV, Math.sqrt(sq) * p.resistance[i]);
    }
  }
  // The drivers share one supply: one below the largest rms I·R cannot drive that oscillator, so
  // the supply is raised to it (and the report says so): every driver then draws V·|I|.
  const supplyV = p.supplyVoltage > 0 ? Math.max(p.supplyVoltage, maxV) : 0;
  const driveE = i2r * T;
  const driverE = supplyV > 0 ? Math.max(0, supplyV * absI * T - driveE) : 0;
  const conv = n * k;
  const parts: CostPart[] = [
    { part: "drive", label: "oscillator drive I²·R over the step", energy: driveE, count: conv },
    {
      part: "driver",
      label: `current driver loss (V·|I| − I²·R at V = ${supplyV > p.supplyVoltage ? `${supplyV.toPrecision(3)} V: the ${p.supplyVoltage} V supply raised to the largest rms I·R` : `${p.supplyVoltage} V`})`,
      energy: driverE,
      count: p.supplyVoltage > 0 ? conv : 0,
    },
    { part: "adc", label: `power readout, ${p.adcBits}-bit ADC`, energy: conv * p.adcFom * 2 ** p.adcBits, count: conv },
    { part: "dac", label: `current injection, ${p.dacBits}-bit DAC`, energy: conv * p.dacFom * 2 ** p.dacBits, count: conv },
    { part: "mac", label: "CMOS multiply-accumulates u = A·p + B, I = ±u²", energy: n * stepMacs * p.macEnergy, count: n * stepMacs },
    { part: "readout", label: "readout layer W·p(n) + c", energy: classes * k * p.macEnergy, count: classes * k },
  ];
  const energy = parts.reduce((s, q) => s + q.energy, 0);
  const readoutLatency = Math.ceil((classes * k) / p.macUnits) / p.clock;
  const digitalStep = k * k + k + k * p.macsPerActivation;
  const digitalMacs = n * digitalStep + classes * k;
  const digitalEnergy = digitalMacs * p.digitalMacEnergy;
  const digitalLatency = (n * Math.ceil(digitalStep / p.digitalMacUnits) + Math.ceil((classes * k) / p.digitalMacUnits)) / p.digitalClock;
  const warnings: string[] = [];
  if (supplyV > p.supplyVoltage) warnings.push(`the rms drive of some oscillator needs ${maxV.toPrecision(3)} V across it, above the ${p.supplyVoltage} V supply (dac.supplyVoltage): the driver loss is counted on a supply of ${supplyV.toPrecision(3)} V (set dac.supplyVoltage, oscillator.resistance or oscillator.ampsPerUnit to your hardware's)`);
  return {
    k,
    steps: n,
    classes,
    energy,
    latency: n * T + readoutLatency,
    stepTime: T,
    parts,
    stepLatency,
    readoutLatency,
    meanCurrent: absI / (n * k),
    rmsCurrent: Math.sqrt(sumSq / (n * k)),
    digital: { macs: digitalMacs, macEnergy: p.digitalMacEnergy, energy: digitalEnergy, latency: digitalLatency },
    energyRatio: energy / digitalEnergy,
    warnings,
  };
}

/** Formats a value with an SI prefix, e.g. siUnit(2.3e-13, "J") → "230 fJ". */
export function siUnit(x: number, unit: string, digits = 3): string {
  if (x === 0) return `0 ${unit}`;
  const prefixes: [number, string][] = [[1e9, "G"], [1e6, "M"], [1e3, "k"], [1, ""], [1e-3, "m"], [1e-6, "µ"], [1e-9, "n"], [1e-12, "p"], [1e-15, "f"], [1e-18, "a"]];
  const ax = Math.abs(x);
  const [f, pre] = prefixes.find(([f]) => ax >= f * 0.9995) ?? prefixes[prefixes.length - 1];
  return `${Number((x / f).toPrecision(digits))} ${pre}${unit}`;
}

/** A plain-text report of a cost (what `dynaspin cost` prints). */
export function costReport(c: InferenceCost, p: ResolvedProfile): string {
  const pct = (e: number): string => `${((100 * e) / c.energy).toFixed(1).padStart(5)} %`;
  const lines = [
    `per inference: energy ${siUnit(c.energy, "J")}, latency ${siUnit(c.latency, "s")} (${c.steps} steps of ${siUnit(c.stepTime, "s")} + readout ${siUnit(c.readoutLatency, "s")})`,
    `energy breakdown:`,
    ...c.parts.map((q) => `  ${q.part.padEnd(8)} ${siUnit(q.energy, "J").padStart(10)} ${pct(q.energy)}  ${q.label} (${q.count} ${q.part === "mac" || q.part === "readout" ? "MACs" : "oscillator-steps"})`),
    `step latency: ${c.stepLatency.map((l) => `${l.part} ${siUnit(l.time, "s")}`).join(", ")}`,
    `drive current: mean |I| ${siUnit(c.meanCurrent, "A")}, rms ${siUnit(c.rmsCurrent, "A")} (${siUnit(p.ampsPerUnit, "A")} per model current unit: ${p.notes.ampsPerUnit})`,
    `settling: ${siUnit(p.settlingTime, "s")} per step — ${p.notes.settlingTime}${p.relaxationTime !== null ? `; τ = ${siUnit(p.relaxationTime, "s")} (${p.notes.relaxationTime})` : ""}`,
    `digital baseline: ${c.digital.macs} MACs × ${siUnit(c.digital.macEnergy, "J")} = ${siUnit(c.digital.energy, "J")}, latency ${siUnit(c.digital.latency, "s")}; STNO/digital energy ratio ${c.energyRatio.toPrecision(3)}`,
    ...c.warnings.map((w) => `warning: ${w}`),
  ];
  return lines.join("\n") + "\n";
}

/** The cost as a JSON object (the `cost` block of `--json` outputs): SI units (J, s, A). */
export function costJson(c: InferenceCost, p: ResolvedProfile): Record<string, unknown> {
  return {
    energy: c.energy,
    latency: c.latency,
    stepTime: c.stepTime,
    breakdown: Object.fromEntries(c.parts.map((q) => [q.part, q.energy])),
    stepLatency: Object.fromEntries(c.stepLatency.map((l) => [l.part, l.time])),
    readoutLatency: c.readoutLatency,
    meanCurrent: c.meanCurrent,
    rmsCurrent: c.rmsCurrent,
    digital: c.digital,
    energyRatio: c.energyRatio,
    profile: {
      ampsPerUnit: p.ampsPerUnit,
      settlingTime: p.settlingTime,
      relaxationTime: p.relaxationTime,
      adcBits: p.adcBits,
      dacBits: p.dacBits,
      macEnergy: p.macEnergy,
      notes: p.notes,
    },
    warnings: c.warnings,
  };
}
