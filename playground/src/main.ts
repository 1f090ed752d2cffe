/**
 * The playground page: controls ⇄ URL state, and charts drawn with the core's pure SVG functions
 * from what the training worker reports. No numeric work beyond sampling the device curve happens
 * here; the network lives in the worker.
 */
import {
  curveFromSpec,
  PRESETS,
  parseModel,
  lineChart,
  scatterChart,
  histogramChart,
  confusionFigure,
  currentHistogramFigure,
  figure4,
  operatingRange,
  TASK_DEFAULTS,
  type DeviceSpec,
  type DeviceCurve,
  type EpochMetrics,
} from "../../src/index.js";
import { parseState, serializeState, needsNewRun, numberField, LIMITS, DEFAULT_STATE, type PlaygroundState, type DeviceChoice } from "./state.js";
import type { FromWorker, ToWorker, DataInfo, Snapshot, VariationResult } from "./protocol.js";
import digitsUrl from "../../data/digits/digits.csv.gz?url";

const $ = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`missing #${id}`);
  return el as T;
};

const VARIATION_TRIALS = 40;

let state: PlaygroundState = parseState(location.hash);
let info: DataInfo | null = null;
let snap: Snapshot | null = null;
let metricsLog: EpochMetrics[] = [];
let running = false;
let finished = false;
let lastCommand: "configure" | "import" | "other" = "other";
let csvFile: { name: string; text: string } | null = null;
let digitsText: string | null = null;
/** σ → result for the current network (cleared when it changes), for the accuracy-vs-σ curve. */
let sigmaCurve = new Map<number, VariationResult>();
let sigmaKey = "";

const worker = new Worker(new URL("./worker.ts", import.meta.url), { type: "module" });
const send = (m: ToWorker): void => worker.postMessage(m);

// ------------------------------------------------------------------ device

/** The device spec the state describes. */
function deviceSpec(s: PlaygroundState): DeviceSpec {
  if (s.device === "eq4") return { model: "eq4", a: s.a, b: s.b, Ic: s.Ic, Q: s.Q };
  if (s.device === "eq3") return { model: "eq3", Ic: s.Ic, Q: s.Q };
  return { ...PRESETS[s.device].spec };
}

function deviceModel(s: PlaygroundState): "eq4" | "eq3" {
  return deviceSpec(s).model === "eq3" ? "eq3" : "eq4";
}

/** The curve, or an error message. */
function deviceCurve(s: PlaygroundState): DeviceCurve | string {
  try {
    return curveFromSpec(deviceSpec(s), "device.");
  } catch (e) {
    return (e as Error).message;
  }
}

// ------------------------------------------------------------------ controls ⇄ state

const NUMBER_FIELDS = ["turns", "noise", "count", "dataSeed", "a", "b", "Ic", "Q", "steps", "lr", "batch", "epochs", "restarts", "seed"] as const;

function writeControls(): void {
  $<HTMLSelectElement>("data").value = state.data;
  $<HTMLSelectElement>("device").value = state.device;
  $<HTMLSelectElement>("vparam").value = state.vparam;
  for (const opt of $<HTMLSelectElement>("vparam").options) opt.disabled = deviceModel(state) === "eq3" && (opt.value === "a" || opt.value === "b");
  $<HTMLInputElement>("relative").checked = state.relative;
  for (const k of NUMBER_FIELDS) $<HTMLInputElement>(k).value = String(state[k]);
  const t = $<HTMLInputElement>("t");
  t.max = String(state.steps);
  t.value = String(state.t);
  $("t-value").textContent = String(state.t);
  const sg = $<HTMLInputElement>("sigma");
  sg.value = String(state.sigma);
  $("sigma-value").textContent = String(state.sigma);
  const is2d = state.data !== "digits" && state.data !== "csv";
  document.querySelectorAll<HTMLElement>(".only-2d").forEach((el) => el.classList.toggle("hide", !is2d));
  document.querySelectorAll<HTMLElement>(".only-spiral").forEach((el) => el.classList.toggle("hide", state.data !== "spiral"));
  document.querySelectorAll<HTMLElement>(".only-csv").forEach((el) => el.classList.toggle("hide", state.data !== "csv"));
  document.querySelectorAll<HTMLElement>(".only-eq4").forEach((el) => el.classList.toggle("hide", deviceModel(state) !== "eq4"));
}

function writeUrl(): void {
  const hash = "#" + serializeState(state);
  if (location.hash !== hash) window.history.replaceState(null, "", hash);
}

/** Applies a new state: URL, controls, and a new run when a run field changed. */
function setState(next: PlaygroundState, force = false): void {
  const prev = state;
  next.t = Math.min(next.t, next.steps);
  state = next;
  writeUrl();
  writeControls();
  if (force || needsNewRun(prev, next)) void configure();
  else {
    renderStates();
    if (prev.sigma !== next.sigma || prev.vparam !== next.vparam || prev.relative !== next.relative) requestVariation();
  }
}

function family(data: PlaygroundState["data"]): "digits" | "csv" | "2d" {
  return data === "digits" || data === "csv" ? data : "2d";
}

/** Training settings of a task: the CLI's `TASK_DEFAULTS` for digits and CSV, the page defaults for 2-D sets. */
function taskSettings(data: PlaygroundState["data"]): Pick<PlaygroundState, "steps" | "epochs" | "restarts" | "lr" | "batch"> {
  const f = family(data);
  if (f === "2d") return { steps: DEFAULT_STATE.steps, epochs: DEFAULT_STATE.epochs, restarts: DEFAULT_STATE.restarts, lr: DEFAULT_STATE.lr, batch: DEFAULT_STATE.batch };
  const t = TASK_DEFAULTS[f];
  return {
    steps: numberField("steps", t.steps),
    epochs: numberField("epochs", t.epochs),
    restarts: numberField("restarts", t.restarts),
    lr: numberField("lr", t.lr),
    batch: numberField("batch", t.batchSize),
  };
}

function bindControls(): void {
  for (const k of NUMBER_FIELDS) {
    $<HTMLInputElement>(k).addEventListener("change", (ev) => {
      const v = numberField(k, (ev.target as HTMLInputElement).value);
      const next = { ...state, [k]: v };
      // Editing a parameter of a preset makes it a custom curve of the same model.
      if ((k === "a" || k === "b" || k === "Ic" || k === "Q") && state.device !== "eq4" && state.device !== "eq3") next.device = deviceModel(state);
      setState(next);
    });
  }
  $<HTMLSelectElement>("data").addEventListener("change", (ev) => {
    const data = (ev.target as HTMLSelectElement).value as PlaygroundState["data"];
    // Moving between 2-D sets, digits and CSV brings that task's training settings along.
    const next = family(data) === family(state.data) ? { ...state, data } : { ...state, data, ...taskSettings(data) };
    setState(next);
  });
  $<HTMLSelectElement>("device").addEventListener("change", (ev) => {
    const device = (ev.target as HTMLSelectElement).value as DeviceChoice;
    const next = { ...state, device };
    if (device !== "eq4" && device !== "eq3") {
      const spec = PRESETS[device].spec as Record<string, unknown>;
      for (const p of ["a", "b", "Ic", "Q"] as const) if (typeof spec[p] === "number") next[p] = spec[p] as number;
    }
    // eq. 3 has no a or b to vary.
    if (deviceModel(next) === "eq3" && (next.vparam === "a" || next.vparam === "b")) next.vparam = "Ic";
    setState(next);
  });
  $<HTMLSelectElement>("vparam").addEventListener("change", (ev) => setState({ ...state, vparam: (ev.target as HTMLSelectElement).value as PlaygroundState["vparam"] }));
  $<HTMLInputElement>("relative").addEventListener("change", (ev) => setState({ ...state, relative: (ev.target as HTMLInputElement).checked }));
  $<HTMLInputElement>("t").addEventListener("input", (ev) => setState({ ...state, t: numberField("t", (ev.target as HTMLInputElement).value) }));
  let sigmaTimer: ReturnType<typeof setTimeout> | null = null;
  $<HTMLInputElement>("sigma").addEventListener("input", (ev) => {
    const v = numberField("sigma", (ev.target as HTMLInputElement).value);
    $("sigma-value").textContent = String(v);
    if (sigmaTimer !== null) clearTimeout(sigmaTimer);
    sigmaTimer = setTimeout(() => setState({ ...state, sigma: v }), 120);
  });
  $("start").addEventListener("click", () => {
    if (running) send({ type: "pause" });
    else send({ type: "start" });
  });
  $("step").addEventListener("click", () => send({ type: "step" }));
  $("reset").addEventListener("click", () => setState({ ...state }, true));
  $("export").addEventListener("click", () => send({ type: "export" }));
  $<HTMLInputElement>("csv-file").addEventListener("change", async (ev) => {
    const file = (ev.target as HTMLInputElement).files?.[0];
    if (!file) return;
    csvFile = { name: file.name, text: await readText(file) };
    setState({ ...state, data: "csv" }, true);
  });
  $<HTMLInputElement>("import-file").addEventListener("change", async (ev) => {
    const input = ev.target as HTMLInputElement;
    const file = input.files?.[0];
    if (!file) return;
    const text = await file.text();
    input.value = "";
    $("model-error").textContent = "";
    try {
      parseModel(text, file.name);
    } catch (e) {
      $("model-error").textContent = (e as Error).message;
      return;
    }
    lastCommand = "import";
    send({ type: "import", text, name: file.name });
  });
  window.addEventListener("hashchange", () => {
    const next = parseState(location.hash);
    if (serializeState(next) !== serializeState(state)) setState(next);
  });
}

/** A file's text; `.gz` files are decompressed in the page. */
async function readText(file: Blob & { name: string }): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  return gunzipIfNeeded(bytes);
}

async function gunzipIfNeeded(bytes: Uint8Array): Promise<string> {
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).text();
  }
  return new TextDecoder().decode(bytes);
}

async function loadDigits(): Promise<string> {
  if (digitsText === null) {
    const res = await fetch(digitsUrl);
    if (!res.ok) throw new Error(`digits data: HTTP ${res.status}`);
    digitsText = await gunzipIfNeeded(new Uint8Array(await res.arrayBuffer()));
  }
  return digitsText;
}

// ------------------------------------------------------------------ runs

let configureSerial = 0;

async function configure(): Promise<void> {
  const serial = ++configureSerial;
  $("data-error").textContent = "";
  $("device-error").textContent = "";
  running = false;
  finished = false;
  metricsLog = [];
  snap = null;
  info = null;
  sigmaCurve = new Map();
  renderAll();
  const curve = deviceCurve(state);
  if (typeof curve === "string") {
    $("device-error").textContent = curve;
    setStatus("fix the device parameters", true);
    return;
  }
  const config: Extract<ToWorker, { type: "configure" }>["config"] = { state: { ...state }, device: deviceSpec(state) };
  try {
    if (state.data === "digits") {
      setStatus("loading digits…");
      config.digitsText = await loadDigits();
    }
    if (state.data === "csv") {
      if (!csvFile) {
        info = null;
        renderAll();
        setStatus("choose a CSV file to upload", true);
        return;
      }
      config.csv = csvFile;
    }
  } catch (e) {
    $("data-error").textContent = (e as Error).message;
    return;
  }
  if (serial !== configureSerial) return;
  lastCommand = "configure";
  setStatus("preparing…");
  send({ type: "configure", config });
}

function requestVariation(): void {
  if (!snap) return;
  send({ type: "variation", param: state.vparam, sigma: state.sigma, relative: state.relative, trials: VARIATION_TRIALS, seed: state.seed });
}

function setStatus(text: string, busyOrError = false): void {
  const el = $("status");
  el.textContent = text;
  el.classList.toggle("error", busyOrError);
}

function updateButtons(): void {
  const start = $<HTMLButtonElement>("start");
  start.textContent = running ? "Pause" : "Start";
  start.setAttribute("aria-pressed", String(running));
  start.disabled = !info || (finished && !running);
  $<HTMLButtonElement>("step").disabled = !info || running || finished;
  $<HTMLButtonElement>("reset").disabled = !info;
  $<HTMLButtonElement>("export").disabled = !snap;
}

worker.onmessage = (ev: MessageEvent<FromWorker>) => {
  const m = ev.data;
  switch (m.type) {
    case "ready":
      info = m.info;
      snap = m.snapshot;
      metricsLog = [];
      renderAll();
      break;
    case "metrics":
      metricsLog.push(...m.metrics);
      renderReadouts();
      break;
    case "snapshot":
      snap = m.snapshot;
      renderAll();
      break;
    case "status": {
      running = m.running;
      finished = m.epoch >= m.epochs;
      const label = m.message === "training" ? `training (${m.epochs} epochs)` : m.message;
      setStatus(label);
      updateButtons();
      if (!m.running && (m.message === "paused" || m.message === "finished" || m.message === "imported")) requestVariation();
      break;
    }
    case "variation":
      renderVariation(m.result);
      break;
    case "variation-error":
      $("variation-summary").textContent = m.message;
      $("chart-variation").innerHTML = "";
      break;
    case "model":
      download("dynaspin-model.json", m.text);
      break;
    case "imported":
      adoptImported(m.steps, m.device);
      break;
    case "error": {
      const target = lastCommand === "configure" ? "data-error" : lastCommand === "import" ? "model-error" : null;
      if (target) $(target).textContent = m.message;
      setStatus(`error: ${m.message}`, true);
      running = false;
      updateButtons();
      break;
    }
  }
};
worker.onerror = (ev) => setStatus(`worker error: ${ev.message}`, true);

/** Shows an imported model's steps and device in the controls (without restarting the run). */
function adoptImported(steps: number, device: DeviceSpec | DeviceSpec[]): void {
  const next = { ...state, steps, t: Math.min(state.t, steps) };
  if (!Array.isArray(device) && (device.model === "eq4" || device.model === "eq3")) {
    const preset = (Object.keys(PRESETS) as (keyof typeof PRESETS)[]).find((p) => JSON.stringify(PRESETS[p].spec) === JSON.stringify(device));
    next.device = preset ?? (device.model as "eq4" | "eq3");
    for (const p of ["a", "b", "Ic", "Q"] as const) if (typeof device[p] === "number") next[p] = device[p] as number;
  } else {
    $("model-error").textContent = "The model's devices differ per oscillator: the device panel shows the first.";
  }
  state = next;
  writeUrl();
  writeControls();
  sigmaCurve = new Map();
  metricsLog = [];
  renderAll();
}

function download(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: "application/json" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

// ------------------------------------------------------------------ rendering

function pct(v: number): string {
  return Number.isFinite(v) ? `${(100 * v).toFixed(1)} %` : "–";
}

function renderReadouts(): void {
  const last = metricsLog[metricsLog.length - 1];
  const epoch = last ? last.epoch : (snap?.epoch ?? 0);
  $("epoch").textContent = String(epoch);
  const testAcc = last && Number.isFinite(last.testAccuracy) ? last.testAccuracy : (snap?.testAccuracy ?? NaN);
  const trainAcc = last ? last.trainAccuracy : NaN;
  const out = $("test-accuracy");
  out.textContent = pct(testAcc);
  out.dataset.value = Number.isFinite(testAcc) ? String(testAcc) : "";
  $("train-accuracy").textContent = pct(trainAcc);
  renderCurves();
}

function renderAll(): void {
  renderReadouts();
  renderInput();
  renderStates();
  renderDevice();
  renderConfusion();
  updateButtons();
  if (!snap) {
    $("chart-variation").innerHTML = "";
    $("chart-sigma").innerHTML = "";
  }
}

function setChart(id: string, svg: string): void {
  $(id).innerHTML = svg;
}

function safe(id: string, draw: () => string): void {
  try {
    setChart(id, draw());
  } catch (e) {
    setChart(id, "");
    console.warn(`${id}: ${(e as Error).message}`);
  }
}

function renderInput(): void {
  const panel = $("panel-input");
  const pts = info?.points;
  panel.hidden = !pts;
  if (!pts) return;
  safe("chart-input", () =>
    scatterChart({
      points: pts,
      classNames: info!.classNames.map((c) => `class ${c}`),
      regions: snap?.regions ?? undefined,
      xAxis: { label: "x" },
      yAxis: { label: "y" },
      markerSize: 2.5,
      width: 420,
      height: 380,
    }),
  );
}

function renderStates(): void {
  $("t-value").textContent = String(state.t);
  if (!snap) return setChart("chart-states", "");
  const s = snap;
  const t = Math.min(state.t, s.steps);
  const N = s.stateN;
  const x = new Float64Array(N), y = new Float64Array(N);
  let lo = Infinity, hi = -Infinity;
  for (let q = 0; q < s.states.length; q++) {
    if (s.states[q] < lo) lo = s.states[q];
    if (s.states[q] > hi) hi = s.states[q];
  }
  for (let r = 0; r < N; r++) {
    x[r] = s.states[(t * N + r) * 2];
    y[r] = s.states[(t * N + r) * 2 + 1];
  }
  if (!(hi > lo)) hi = lo + 1;
  const pad = 0.04 * (hi - lo);
  const lines = t === s.steps && s.readout ? [{ ...s.readout, label: "readout boundary" }] : [];
  const [o0, o1] = s.osc;
  safe("chart-states", () =>
    scatterChart({
      points: { x, y, label: s.stateLabels },
      classNames: (info?.classNames ?? []).map((c) => `class ${c}`),
      xAxis: { label: `p${o0 + 1}(${t})`, min: lo - pad, max: hi + pad },
      yAxis: { label: `p${o1 + 1}(${t})`, min: lo - pad, max: hi + pad },
      lines,
      markerSize: 2.5,
      width: 420,
      height: 380,
      title: s.k > 2 ? `oscillators ${o0 + 1} and ${o1 + 1} of ${s.k}, step ${t} of ${s.steps}` : `step ${t} of ${s.steps}`,
    }),
  );
}

function renderCurves(): void {
  if (metricsLog.length === 0) {
    setChart("chart-accuracy", `<p class="summary">No epochs trained in this session yet: press Start or Step one epoch.</p>`);
    setChart("chart-loss", "");
    return;
  }
  const style = metricsLog.length < 30 ? ("linepoints" as const) : ("line" as const);
  const ep = metricsLog.map((m) => m.epoch);
  const has = (v: number[]): boolean => v.some(Number.isFinite);
  const trA = metricsLog.map((m) => 100 * m.trainAccuracy), teA = metricsLog.map((m) => 100 * m.testAccuracy);
  const trL = metricsLog.map((m) => m.trainLoss), teL = metricsLog.map((m) => m.testLoss);
  const accMin = Math.min(...trA.filter(Number.isFinite), ...teA.filter(Number.isFinite));
  const accLo = Math.max(0, 10 * Math.floor((accMin - 2) / 10));
  safe("chart-accuracy", () =>
    lineChart({
      series: [{ label: "train", x: ep, y: trA, style }, ...(has(teA) ? [{ label: "test", x: ep, y: teA, style }] : [])],
      x: { label: "Epoch" },
      y: { label: "Accuracy", unit: "%", min: accLo, max: 100 },
      width: 420,
      height: 220,
    }),
  );
  safe("chart-loss", () =>
    lineChart({
      series: [{ label: "train", x: ep, y: trL, style }, ...(has(teL) ? [{ label: "test", x: ep, y: teL, style }] : [])],
      x: { label: "Epoch" },
      y: { label: "Loss (cross-entropy)" },
      width: 420,
      height: 220,
    }),
  );
}

function renderDevice(): void {
  const curve = deviceCurve(state);
  if (typeof curve === "string") return setChart("chart-device", "");
  const range = operatingRange(curve);
  let top = Number.isFinite(range.hi) ? 2.5 * range.hi : 5 * curve.currentScale;
  const cur = snap?.currents;
  if (cur) for (const c of cur) top = Math.max(top, 1.05 * Math.abs(c));
  const n = 200;
  const I = new Float64Array(n + 1), P = new Float64Array(n + 1);
  for (let i = 0; i <= n; i++) {
    I[i] = (curve.polarity * top * i) / n;
    P[i] = curve.power(I[i]);
  }
  if (curve.polarity < 0) {
    I.reverse();
    P.reverse();
  }
  const unit = curve.currentUnit;
  safe("chart-device", () =>
    cur && cur.length
      ? currentHistogramFigure({ currents: cur, curve: { current: I, power: P }, unit, powerUnit: curve.powerUnit === "normalised" ? "" : curve.powerUnit, bins: 40 })
      : lineChart({ series: [{ label: "p(I)", x: I, y: P }], x: { label: "Current I", unit }, y: { label: "Power p" }, width: 480, height: 320 }),
  );
}

function renderConfusion(): void {
  const show = !!snap && !!info && (info.classes > 2 || info.d > 2);
  $("panel-confusion").hidden = !show;
  if (!show) return;
  safe("chart-confusion", () => confusionFigure({ matrix: snap!.confusion, labels: info!.classNames }));
}

function quantile(sorted: number[], q: number): number {
  const pos = q * (sorted.length - 1);
  const i = Math.floor(pos);
  return i + 1 < sorted.length ? sorted[i] + (pos - i) * (sorted[i + 1] - sorted[i]) : sorted[i];
}

function renderVariation(r: VariationResult): void {
  const acc = Array.from(r.accuracies).sort((a, b) => a - b);
  const mean = acc.reduce((s, v) => s + v, 0) / acc.length;
  const p5 = quantile(acc, 0.05), p95 = quantile(acc, 0.95);
  const sig = `σ = ${r.sigma}${r.relative ? " (relative)" : ""} on ${r.param}`;
  const summary = $("variation-summary");
  summary.textContent =
    `${sig}: mean test accuracy ${pct(mean)}, 5–95 %: ${pct(p5)} – ${pct(p95)} over ${acc.length} device draws` +
    ` (nominal devices ${pct(r.baseline)}, epoch ${r.epoch})` +
    (r.clipped ? `; ${r.clipped} non-physical draws clipped` : "");
  summary.dataset.sigma = String(r.sigma);
  summary.dataset.param = r.param;
  summary.dataset.mean = String(mean);
  const lo = Math.max(0, Math.floor(20 * acc[0] - 0.5) / 20);
  safe("chart-variation", () =>
    histogramChart({
      values: acc.map((v) => 100 * v),
      bins: 20,
      range: [100 * Math.min(lo, 0.95), 100],
      x: { label: "Test accuracy", unit: "%" },
      y: { label: "Device draws" },
      title: `Accuracy over ${acc.length} draws, ${sig}`,
      width: 420,
      height: 240,
    }),
  );
  const key = `${r.param}|${r.relative}|${r.epoch}`;
  if (key !== sigmaKey) {
    sigmaKey = key;
    sigmaCurve = new Map();
  }
  sigmaCurve.set(r.sigma, r);
  const sig2 = [...sigmaCurve.keys()].sort((a, b) => a - b);
  if (sig2.length < 2) return setChart("chart-sigma", "");
  const stats = sig2.map((s) => {
    const v = Array.from(sigmaCurve.get(s)!.accuracies).sort((a, b) => a - b);
    return { mean: v.reduce((t, x) => t + x, 0) / v.length, p5: quantile(v, 0.05), p95: quantile(v, 0.95) };
  });
  safe("chart-sigma", () =>
    figure4({
      sigma: sig2,
      curves: [{ name: "this network", mean: stats.map((s) => s.mean), p5: stats.map((s) => s.p5), p95: stats.map((s) => s.p95) }],
      xLabel: `σ of ${r.param}${r.relative ? " (relative)" : ""}`,
      title: "Mean accuracy vs σ (σ values visited)",
    }),
  );
}

// ------------------------------------------------------------------ start

for (const k of NUMBER_FIELDS) {
  const [lo, hi] = LIMITS[k];
  const el = $<HTMLInputElement>(k);
  if (!el.min) el.min = String(lo);
  if (!el.max) el.max = String(hi);
}
writeUrl();
writeControls();
bindControls();
void configure();
