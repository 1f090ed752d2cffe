/**
 * The playground page: controls ⇄ URL state, and charts drawn with the core's pure SVG functions
 * from what the training worker reports. No numeric work beyond sampling the device curve happens
 * here; the network and its training live in the worker.
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
  networkFigure,
  operatingRange,
  type DeviceSpec,
  type DeviceCurve,
  type EpochMetrics,
  type LineChartOptions,
} from "../../src/index.js";
import { deviceFileJson } from "../../src/device/spec.js";
import { parseState, serializeState, resetReason, featuresField, checkField, numberField, LIMITS, OPTIONAL_FIELDS, defaultsFor, stepsOf, shownStep, problemOf, DATA_BY_PROBLEM, type PlaygroundState, type DeviceChoice, type OptKey, type ProblemType } from "./state.js";
import { cliArgs, commandLine, CUSTOM_DEVICE_FILE } from "./cli.js";
import type { FromWorker, ToWorker, DataInfo, Snapshot, VariationResult, RunPlan, Pace, Stage } from "./protocol.js";
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
/** The training rate the worker measured (null until it trains). */
let pace: Pace | null = null;
let running = false;
/** Pause was clicked and the worker has not yet said it stopped: the page already shows it paused. */
let pausing = false;
let done = false;
let phase: "trial" | "train" = "train";
/** "starter" while a depth curriculum's starter network trains, "candidate" while a weight-decay candidate does. */
let stage: Stage = "main";
/** Weight decay λ of the network that trains (a candidate's while one does). */
let lambda = 0;
/** True once the run has ended at least once (the automatic weight decay is then chosen). */
let endedOnce = false;
let runId = 0;
let lastCommand: "configure" | "import" | "other" = "other";
let csvFile: { name: string; text: string } | null = null;
let digitsText: string | null = null;
/** σ → result for the current network (cleared when it changes), for the accuracy-vs-σ curve. */
let sigmaCurve = new Map<number, VariationResult>();
let sigmaKey = "";
/** The oscillator node whose map is shown (default: oscillator 1 at the last step). */
let hoverNode: { osc: number; step: number } | null = null;
/** The data point whose trajectory is shown (index into train then test), and its states. */
let hoverPoint: number | null = null;
let trajectory: { index: number; p: Float64Array; k: number; steps: number; predicted: number; value?: number } | null = null;

/** True when the run on show is a regression (real-valued readout). */
const isRegression = (): boolean => info?.problem === "regression";

/** A mean squared error, 4 significant digits (any scale). */
function fmtMse(v: number): string {
  if (!Number.isFinite(v)) return "–";
  return v !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e5) ? v.toExponential(2) : String(Number(v.toPrecision(3)));
}

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

const NUMBER_FIELDS = ["turns", "noise", "count", "dataSeed", "test", "a", "b", "Ic", "Q", "osc", "steps", "lr", "batch", "epochs", "restarts", "wd", "l1", "seed"] as const;
const isOpt = (k: string): k is OptKey => (OPTIONAL_FIELDS as readonly string[]).includes(k);

/** The plan of the current run when it belongs to the current data (null while none). */
function currentPlan(): RunPlan | null {
  return info?.plan ?? null;
}

/** Placeholder of an empty (default) training field: what the library does for it. */
function placeholder(k: OptKey): string {
  const plan = currentPlan();
  // The fields are the command's flags: with a depth curriculum, the starter network's values.
  const flags = plan?.curriculum ?? plan;
  const d = defaultsFor(state.data, info?.d);
  switch (k) {
    case "osc":
      // (Before the data are known: max(d, 8), the tooltip says so.)
      return plan ? String(plan.k) : d.osc === null ? "auto" : String(d.osc);
    case "steps":
      return String(plan?.steps ?? d.steps);
    case "lr":
      return String(flags?.lr ?? d.lr);
    case "batch":
      if (d.batch !== null) return String(d.batch);
      return plan ? `auto: ${plan.batchSize === 0 ? "full" : plan.batchSize}` : "auto";
    case "epochs":
      if (d.epochs !== null) return String(d.epochs);
      return "auto";
    case "restarts":
      return String(flags?.restarts ?? d.restarts);
    case "wd":
      return String(flags?.weightDecay ?? 0);
    case "l1":
      return String(plan?.l1 ?? 0);
    case "t":
      return "";
  }
}

/** The budget the library resolved for this run, in words. */
function budgetText(plan: RunPlan): string {
  const c = plan.curriculum;
  if (c) {
    const batches = c.batchSize === 0 ? `full batch (${c.fitRows} rows)` : `minibatches of ${c.batchSize} (${c.updatesPerEpoch} per epoch of ${c.fitRows} rows)`;
    const restarts = c.restarts > 1 ? `${c.restarts} initialisations tried for ${c.trialEpochs} epochs each, the best training loss kept` : "one initialisation";
    return (
      `Depth curriculum (the library's default beyond ${c.steps} steps): first a ${c.steps}-step starter network, ${c.epochs} epochs of ${batches} at learning rate ${c.lr}; ${restarts}. ` +
      `Then steps ${c.steps + 1}–${plan.steps} are inserted after its steps (starting near the identity) and the ${plan.steps}-step network is fine-tuned for ${plan.epochs} epochs at learning rate ${plan.lr} (a tenth)` +
      `${plan.valRows ? `, with ${plan.valRows} validation rows held out of the training split, keeping the best validation loss (its start included)` : ""}. ` +
      `${plan.k} oscillator${plan.k === 1 ? "" : "s"}.`
    );
  }
  const batches = plan.batchSize === 0 ? `full batch (${plan.fitRows} rows)` : `minibatches of ${plan.batchSize} (${plan.updatesPerEpoch} per epoch of ${plan.fitRows} rows)`;
  const net = `${plan.k} oscillator${plan.k === 1 ? "" : "s"}${plan.k > plan.inputs ? ` (${plan.inputs} inputs + ${plan.k - plan.inputs} extra starting at p(0) = ${plan.extraP0})` : ""}, n = ${plan.steps} steps, learning rate ${plan.lr}`;
  const restarts = plan.restarts > 1 ? `${plan.restarts} initialisations tried for ${plan.trialEpochs} epochs each, the best ${plan.valRows ? "validation loss" : "training loss"} kept` : "one initialisation";
  if (plan.auto) {
    const val = plan.valRows
      ? `; ${plan.valRows} validation rows held out of the training split; stops early after ${plan.patience} updates without a better validation loss and keeps the best parameters`
      : "; no validation split (too few rows): the whole budget, the last parameters kept";
    const order = plan.weightDecays;
    const wd = order.length
      ? ` Weight decay chosen by validation score: the whole run (restarts and epochs) trains once per λ, ${order.map((w, i) => (i === order.length - 1 ? `then λ ${w} (the run itself)` : `λ ${w}`)).join(", ")}, and the best is kept.`
      : "";
    return `Automatic budget (library default): ${plan.updates} Adam updates = ${plan.epochs} epochs of ${batches}; ${restarts}${val}. ${net}.${wd}`;
  }
  return `${plan.epochs} epochs of ${batches}; ${restarts}${plan.valRows ? `; ${plan.valRows} validation rows, best parameters kept` : ""}. ${net}.`;
}

/** One line of the plan, for the folded budget box. */
function budgetSummary(plan: RunPlan): string {
  const c = plan.curriculum;
  if (c) return `Plan: ${c.steps} steps × ${c.epochs} epochs (${c.restarts} restarts) → ${plan.steps} steps × ${plan.epochs}`;
  const restarts = plan.restarts > 1 ? `${plan.restarts} restarts` : "1 start";
  const stop = plan.auto && plan.valRows ? " at most, early stopping" : "";
  const wd = plan.weightDecays.length ? ` · ×${plan.weightDecays.length} for λ` : "";
  return `Plan: ${plan.epochs} epochs${stop} · ${restarts}${wd} · K = ${plan.k}, n = ${plan.steps}`;
}

function writeControls(): void {
  $<HTMLSelectElement>("problem").value = state.problem;
  // The data menu offers the sets of the chosen problem type (TensorFlow Playground's behaviour).
  for (const opt of $<HTMLSelectElement>("data").options) opt.hidden = opt.disabled = !DATA_BY_PROBLEM[state.problem].includes(opt.value as PlaygroundState["data"]);
  $<HTMLSelectElement>("data").value = state.data;
  $<HTMLSelectElement>("device").value = state.device;
  $<HTMLSelectElement>("vparam").value = state.vparam;
  $<HTMLSelectElement>("speed").value = String(state.speed);
  for (const opt of $<HTMLSelectElement>("vparam").options) opt.disabled = deviceModel(state) === "eq3" && (opt.value === "a" || opt.value === "b");
  $<HTMLInputElement>("relative").checked = state.relative;
  $<HTMLInputElement>("show-test").checked = state.showTest;
  $<HTMLInputElement>("discrete").checked = state.discrete;
  for (const k of NUMBER_FIELDS) {
    const el = $<HTMLInputElement>(k);
    const v = state[k];
    el.value = v === null ? "" : String(v);
    if (isOpt(k)) {
      el.placeholder = placeholder(k);
      el.classList.toggle("is-default", v === null);
    }
  }
  const t = $<HTMLInputElement>("t");
  t.max = String(stepsOf(state));
  t.value = String(shownStep(state));
  $("t-value").textContent = String(shownStep(state));
  const plan = currentPlan();
  $("budget").textContent = plan ? budgetText(plan) : "";
  $("budget-summary").textContent = plan ? budgetSummary(plan) : "What the library plans";
  const sg = $<HTMLInputElement>("sigma");
  sg.value = String(state.sigma);
  $("sigma-value").textContent = String(state.sigma);
  const is2d = state.data !== "digits" && state.data !== "csv";
  const chosen = new Set((state.feat ?? "x1,x2").split(","));
  document.querySelectorAll<HTMLInputElement>("#features input[data-feature]").forEach((el) => (el.checked = chosen.has(el.dataset.feature ?? "")));
  const toggle = (cls: string, show: boolean): void => document.querySelectorAll<HTMLElement>(cls).forEach((el) => el.classList.toggle("hide", !show));
  toggle(".only-2d", is2d);
  toggle(".only-spiral", state.data === "spiral");
  toggle(".only-csv", state.data === "csv");
  toggle(".only-eq4", deviceModel(state) === "eq4");
  toggle(".only-custom", state.device === "eq4" || state.device === "eq3");
  $("command").textContent = commandLine(cliArgs(state, csvFile?.name));
}

function writeUrl(): void {
  const hash = "#" + serializeState(state);
  if (location.hash !== hash) window.history.replaceState(null, "", hash);
}

function notice(text: string, error = false): void {
  const el = $("notice");
  el.textContent = text;
  el.classList.toggle("error", error);
}

/** Applies a new state: URL, controls, and a new run when a data, device or architecture field changed. */
function setState(next: PlaygroundState, force = false): void {
  const prev = state;
  // The step slider follows n: it stays on the last step (null) when it was there.
  if (next.t !== null && next.t >= stepsOf(next)) next.t = null;
  state = next;
  writeUrl();
  writeControls();
  const why = resetReason(prev, next);
  if (force || why) {
    if (why && info) notice(`New run: ${why}. (Data, device and architecture changes start over; learning rate, batch size and epochs apply live.)`);
    void configure();
    return;
  }
  // (Without a run — e.g. while the data show an error — the change simply waits for the next run.)
  if (info && (prev.lr !== next.lr || prev.batch !== next.batch || prev.epochs !== next.epochs || prev.wd !== next.wd || prev.l1 !== next.l1)) {
    send({ type: "retune", lr: next.lr, batch: next.batch, epochs: next.epochs, wd: next.wd, l1: next.l1 });
    const plan = currentPlan();
    const lr = next.lr ?? plan?.lr, batch = next.batch ?? plan?.batchSize, epochs = next.epochs ?? plan?.epochs;
    const what = [prev.lr !== next.lr && `learning rate ${lr}`, prev.batch !== next.batch && `batch size ${batch || "all"}`, prev.epochs !== next.epochs && `${epochs} epochs`, prev.wd !== next.wd && `weight decay ${next.wd ?? plan?.weightDecay ?? 0}`, prev.l1 !== next.l1 && `L1 ${next.l1 ?? 0}`].filter(Boolean).join(", ");
    notice(`Applied live from epoch ${metricsLog.length ? metricsLog[metricsLog.length - 1].epoch : 0}: ${what} (the network keeps training from where it is).`);
  }
  if (prev.speed !== next.speed) send({ type: "speed", epochsPerSecond: next.speed });
  renderStates();
  if (prev.showTest !== next.showTest || prev.discrete !== next.discrete) renderInput();
  if (prev.sigma !== next.sigma || prev.vparam !== next.vparam || prev.relative !== next.relative) requestVariation();
}

function family(data: PlaygroundState["data"]): "digits" | "csv" | "2d" {
  return data === "digits" || data === "csv" ? data : "2d";
}

/** Network and training settings back to the library's defaults for the data (`dynaspin train` without those flags). */
const DEFAULT_TRAINING: Pick<PlaygroundState, OptKey> = { osc: null, steps: null, lr: null, batch: null, epochs: null, restarts: null, wd: null, l1: null, t: null };

function bindControls(): void {
  for (const k of NUMBER_FIELDS) {
    const el = $<HTMLInputElement>(k);
    el.addEventListener("change", () => {
      const r = checkField(k, el.value);
      if ("error" in r) {
        // (An empty field is the library's default: it stays empty, not "null".)
        const kept = state[k];
        notice(`${r.error}; kept ${kept === null ? "the default" : kept}.`, true);
        el.value = kept === null ? "" : String(kept);
        return;
      }
      const next = { ...state, [k]: r.value } as PlaygroundState;
      // Editing a parameter of a preset makes it a custom curve of the same model.
      if ((k === "a" || k === "b" || k === "Ic" || k === "Q") && state.device !== "eq4" && state.device !== "eq3") next.device = deviceModel(state);
      setState(next);
    });
  }
  document.querySelectorAll<HTMLInputElement>("#features input[data-feature]").forEach((box) =>
    box.addEventListener("change", () => {
      const list = [...document.querySelectorAll<HTMLInputElement>("#features input[data-feature]")].filter((el) => el.checked).map((el) => el.dataset.feature ?? "");
      if (list.length === 0) {
        notice("At least one input feature must stay checked (each one drives an oscillator).", true);
        box.checked = true;
        return;
      }
      setState({ ...state, feat: featuresField(list) });
    }),
  );
  $<HTMLSelectElement>("data").addEventListener("change", (ev) => {
    const data = (ev.target as HTMLSelectElement).value as PlaygroundState["data"];
    // Moving between 2-D sets, digits and CSV brings that task's training settings along.
    const next = family(data) === family(state.data) ? { ...state, data } : { ...state, data, ...DEFAULT_TRAINING };
    next.problem = problemOf(data, state.problem);
    setState(next);
  });
  $<HTMLSelectElement>("problem").addEventListener("change", (ev) => {
    const problem = (ev.target as HTMLSelectElement).value as ProblemType;
    // A CSV stays (its label column is read the other way); a built-in set gives way to the first set of the type.
    const data = state.data === "csv" ? "csv" : DATA_BY_PROBLEM[problem][0];
    setState(family(data) === family(state.data) ? { ...state, problem, data } : { ...state, problem, data, ...DEFAULT_TRAINING });
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
  $<HTMLSelectElement>("speed").addEventListener("change", (ev) => setState({ ...state, speed: numberField("speed", (ev.target as HTMLSelectElement).value) }));
  $<HTMLSelectElement>("vparam").addEventListener("change", (ev) => setState({ ...state, vparam: (ev.target as HTMLSelectElement).value as PlaygroundState["vparam"] }));
  $<HTMLInputElement>("relative").addEventListener("change", (ev) => setState({ ...state, relative: (ev.target as HTMLInputElement).checked }));
  $<HTMLInputElement>("show-test").addEventListener("change", (ev) => setState({ ...state, showTest: (ev.target as HTMLInputElement).checked }));
  $<HTMLInputElement>("discrete").addEventListener("change", (ev) => setState({ ...state, discrete: (ev.target as HTMLInputElement).checked }));
  $<HTMLInputElement>("t").addEventListener("input", (ev) => {
    const v = checkField("t", (ev.target as HTMLInputElement).value);
    setState({ ...state, t: "value" in v ? v.value : null });
  });
  let sigmaTimer: ReturnType<typeof setTimeout> | null = null;
  $<HTMLInputElement>("sigma").addEventListener("input", (ev) => {
    const v = numberField("sigma", (ev.target as HTMLInputElement).value);
    $("sigma-value").textContent = String(v);
    if (sigmaTimer !== null) clearTimeout(sigmaTimer);
    sigmaTimer = setTimeout(() => setState({ ...state, sigma: v }), 120);
  });
  $("start").addEventListener("click", () => {
    if (running) {
      send({ type: "pause" });
      // Shown at once: the worker stops after the epoch under way and confirms with the network it kept.
      pausing = true;
      running = false;
      setStatus("pausing…");
      updateButtons();
    } else {
      if (done) notice(`Continuing: another ${state.epochs ?? currentPlan()?.epochs ?? ""} epochs, the cosine schedule stretched over the whole run, without early stopping; at the end the best validation parameters of the whole run are kept again (when there is a validation split).`);
      send({ type: "start" });
    }
  });
  $("step").addEventListener("click", () => send({ type: "step" }));
  $("reset").addEventListener("click", () => {
    notice("New run from a fresh initialisation.");
    setState({ ...state }, true);
  });
  $("regenerate").addEventListener("click", () => setState({ ...state, dataSeed: (state.dataSeed + 1) % (LIMITS.dataSeed[1] + 1) }));
  $("export").addEventListener("click", () => {
    lastCommand = "other";
    send({ type: "export" });
  });
  $("device-export").addEventListener("click", () => {
    const curve = deviceCurve(state);
    if (typeof curve !== "string") download(CUSTOM_DEVICE_FILE, deviceFileJson(curve));
  });
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
  // Hover: a data point (input plane or state scatter) → its trajectory; an oscillator → its map.
  const pointHover = (chart: string, offset: () => number): void => {
    const el = $(chart);
    el.addEventListener("mouseover", (ev) => {
      const t = (ev.target as Element).closest?.(".hover-target");
      if (!t) return;
      const index = Number(t.getAttribute("data-index")) + offset();
      if (index === hoverPoint) return;
      hoverPoint = index;
      send({ type: "trajectory", index });
    });
    el.addEventListener("mouseleave", () => {
      hoverPoint = null;
      trajectory = null;
      renderNetwork();
      renderTrajectory();
    });
  };
  pointHover("chart-input", () => 0);
  pointHover("chart-states", () => info?.trainN ?? 0);
  $("chart-network").addEventListener("mouseover", (ev) => {
    const g = (ev.target as Element).closest?.(".node");
    if (!g) return;
    const osc = Number(g.getAttribute("data-osc")), step = Number(g.getAttribute("data-step"));
    if (hoverNode && hoverNode.osc === osc && hoverNode.step === step) return;
    hoverNode = { osc, step };
    renderNetwork();
    renderNodeMap();
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

/** Forgets everything about the previous network (so no panel reports it). */
function clearRun(): void {
  running = false;
  pausing = false;
  done = false;
  endedOnce = false;
  metricsLog = [];
  pace = null;
  snap = null;
  info = null;
  trajectory = null;
  hoverPoint = null;
  sigmaCurve = new Map();
  sigmaKey = "";
  runId = -1;
  $("warning").textContent = "";
  const summary = $("variation-summary");
  summary.textContent = "Train, then move σ: the network is re-evaluated on 40 device draws.";
  delete summary.dataset.sigma;
  delete summary.dataset.mean;
  $("chart-variation").innerHTML = "";
  $("chart-sigma").innerHTML = "";
}

async function configure(): Promise<void> {
  const serial = ++configureSerial;
  $("data-error").textContent = "";
  $("device-error").textContent = "";
  clearRun();
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
  send({ type: "speed", epochsPerSecond: state.speed });
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
  start.textContent = running ? "Pause" : done ? "Continue" : "Start";
  start.setAttribute("aria-pressed", String(running));
  start.disabled = !info;
  $<HTMLButtonElement>("step").disabled = !info || running;
  $<HTMLButtonElement>("reset").disabled = !info;
  $<HTMLButtonElement>("export").disabled = !snap || phase === "trial" || stage !== "main";
}

/** A run that ends no better than always answering the most common class learned nothing: say so. */
function checkFailure(): void {
  const w = $("warning");
  const m = metricsLog[metricsLog.length - 1];
  const last = snap?.kept ? { testAccuracy: snap.testAccuracy, trainAccuracy: snap.trainAccuracy } : m;
  if (!info || !last || !Number.isFinite(last.testAccuracy)) return;
  if (isRegression()) {
    // R² ≤ 0: no better than always answering the mean of the targets.
    w.textContent = last.testAccuracy <= 0.02 || last.trainAccuracy <= 0.02
      ? `This run learned nothing: test R² ${last.testAccuracy.toFixed(3)} (train ${last.trainAccuracy.toFixed(3)}) is what always answering the mean of the targets gives (0). Try another seed or more restarts, a smaller learning rate, or a device whose operating window suits the data (see the currents histogram).`
      : "";
    return;
  }
  const chance = info.majority;
  if (last.testAccuracy <= chance + 0.02 || last.trainAccuracy <= chance + 0.02) {
    w.textContent =
      `This run learned nothing: test accuracy ${pct(last.testAccuracy)} (train ${pct(last.trainAccuracy)}) is what always answering the most common class gives (${pct(chance)}). ` +
      `Try another seed or more restarts, a smaller learning rate, or a device whose operating window suits the data (see the currents histogram).`;
  } else w.textContent = "";
}

// The worker's messages are handled in batches, once per frame: each message updates the page's
// state, and the charts are drawn once for the whole batch. Drawing per message (30 epochs/s, each
// redrawing the curves) kept the main thread busy for longer than the messages took to arrive
// under load, so the page stopped answering (a click or a typed value waited tens of seconds).
// Status, readouts and charts change together at the end of a batch, never one without the other.
const inbox: FromWorker[] = [];
let flushQueued = false;
type Part = "all" | "readouts" | "network" | "trajectory";
const dirty = new Set<Part>();

worker.onmessage = (ev: MessageEvent<FromWorker>) => {
  inbox.push(ev.data);
  if (!flushQueued) {
    flushQueued = true;
    // A frame, or 100 ms when the page gets no frames (a hidden tab), whichever comes first.
    requestAnimationFrame(flushInbox);
    setTimeout(flushInbox, 100);
  }
};

// While training, a full redraw (every chart, from the latest snapshot) waits until the page has
// been idle DRAW_IDLE times as long as the last one took (its script, style and layout), so a
// click, Pause above all, is handled within one redraw. A digits network took 0.4–0.8 s to redraw
// on a loaded 2-core machine: at the worker's 5 snapshots a second the page never idled, and Pause
// took 6 s to show. Paused, finished or ready, everything is drawn at once.
const DRAW_IDLE = 3;
/** Milliseconds the last full redraw took, and when it began. */
let drawCost = 0;
let drawnAt = -Infinity;
/** A full redraw is due (deferred while training), and its timer. */
let drawPending = false;
let drawTimer: ReturnType<typeof setTimeout> | null = null;

function flushInbox(): void {
  if (!flushQueued) return;
  flushQueued = false;
  for (const m of inbox.splice(0)) handle(m);
  if (dirty.has("all")) drawPending = true;
  const wait = running ? drawnAt + (1 + DRAW_IDLE) * drawCost - performance.now() : 0;
  if (drawPending && wait <= 0) drawAll();
  else {
    if (drawPending) drawTimer ??= setTimeout(drawAll, wait);
    if (dirty.has("readouts") || drawPending) renderReadouts();
    if (dirty.has("network") && !drawPending) renderNetwork();
    if (dirty.has("trajectory")) renderTrajectory();
  }
  dirty.clear();
}

/** Every chart from the latest snapshot, timed (style and layout forced inside the measure). */
function drawAll(): void {
  if (drawTimer !== null) clearTimeout(drawTimer);
  drawTimer = null;
  drawPending = false;
  const t0 = performance.now();
  renderAll();
  void document.body.offsetHeight;
  drawnAt = t0;
  drawCost = performance.now() - t0;
}

function handle(m: FromWorker): void {
  switch (m.type) {
    case "ready":
      info = m.info;
      snap = m.snapshot;
      runId = m.run;
      phase = m.snapshot.phase;
      stage = m.snapshot.stage;
      lambda = m.snapshot.weightDecay;
      if (!hoverNode || hoverNode.osc >= snap.k || hoverNode.step > snap.steps) hoverNode = { osc: 0, step: snap.steps };
      writeControls();
      $("command").textContent = commandLine(info.args);
      dirty.add("all");
      break;
    case "metrics":
      if (m.reset) metricsLog = [];
      metricsLog.push(...m.metrics);
      if (m.pace) pace = m.pace;
      dirty.add("readouts");
      break;
    case "snapshot":
      snap = m.snapshot;
      phase = snap.phase;
      stage = snap.stage;
      lambda = snap.weightDecay;
      if (hoverNode && (hoverNode.osc >= snap.k || hoverNode.step > snap.steps)) hoverNode = { osc: 0, step: snap.steps };
      dirty.add("all");
      if (hoverPoint !== null) send({ type: "trajectory", index: hoverPoint });
      break;
    case "trajectory":
      if (m.index !== hoverPoint) break;
      trajectory = m;
      dirty.add("network").add("trajectory");
      break;
    case "status": {
      // (Statuses the worker sent before it took the Pause do not undo it on the page.)
      if (!m.running) pausing = false;
      running = m.running && !pausing;
      if (pausing) break;
      done = m.done;
      endedOnce ||= m.done;
      phase = m.phase;
      stage = m.stage;
      lambda = m.weightDecay;
      const label = m.message === "training" ? `training (${m.epochs} epochs${currentPlan()?.auto && currentPlan()!.patience > 0 ? " at most" : ""})` : m.message;
      setStatus(label);
      if (m.message === "finished" && snap?.kept) notice(keptText(snap.kept, m.epoch));
      updateButtons();
      dirty.add("readouts");
      if (!m.running && /^(paused|finished|imported|chose)/.test(m.message)) {
        requestVariation();
        if (m.done) checkFailure();
      }
      break;
    }
    case "variation":
      if (m.result.run === runId) renderVariation(m.result);
      break;
    case "notice":
      notice(m.text);
      break;
    case "plan":
      if (info) info = { ...info, plan: m.plan };
      writeControls();
      dirty.add("readouts");
      break;
    case "variation-error":
      $("variation-summary").textContent = m.message;
      $("chart-variation").innerHTML = "";
      break;
    case "model":
      download("dynaspin-model.json", m.text);
      break;
    case "imported":
      runId = m.run;
      if (info) info = { ...info, plan: m.plan };
      adoptImported(m.steps, m.k, m.device);
      break;
    case "error": {
      const target = lastCommand === "configure" ? "data-error" : lastCommand === "import" ? "model-error" : null;
      if (target) $(target).textContent = m.message;
      else $("warning").textContent = m.message;
      // The message itself is in its panel (or the warning line): the status only points there.
      setStatus(target === "data-error" ? "error: see Data" : target === "model-error" ? "error: see Model file" : "error: see the warning line", true);
      running = false;
      pausing = false;
      updateButtons();
      break;
    }
  }
}
worker.onerror = (ev) => setStatus(`worker error: ${ev.message}`, true);

/** Shows an imported model's steps and device in the controls (without restarting the run). */
function adoptImported(steps: number, k: number, device: DeviceSpec | DeviceSpec[]): void {
  const next: PlaygroundState = { ...state, steps, osc: k, t: null };
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

/** How the run ended and which parameters it kept (the library's Trainer.finish). */
function keptText(k: NonNullable<Snapshot["kept"]>, epoch: number): string {
  const end = k.stoppedEarly ? `Stopped early at epoch ${epoch}: no better validation loss for ${currentPlan()?.patience ?? "?"} updates.` : `Finished ${epoch} epochs.`;
  const w = k.weightDecay;
  if (w) {
    // The automatic weight decay: each λ's whole run scored by its best validation loss, the best kept.
    const own = w.candidates[0];
    const score = (c: (typeof w.candidates)[number]): string => `λ ${c.weightDecay} (validation loss ${c.loss.toFixed(4)}, ${pct(c.accuracy)})`;
    const won = w.candidates.find((c) => c.weightDecay === w.chosen) ?? own;
    const chose = `Weight decay chosen by validation score, as dynaspin train chooses it: ${score(won)} over ${w.candidates.filter((c) => c !== won).map(score).join(" and ")}.`;
    if (won === own) return `${end} ${chose} The network shown is the one with the best validation loss (epoch ${k.epoch}), as dynaspin train keeps it; the readouts are its accuracies.`;
    return `${chose} The network shown is the λ ${w.chosen} candidate's, with its best validation loss (epoch ${k.epoch}; the curves are its training), as dynaspin train keeps it; the readouts are its accuracies. The run itself (λ ${own.weightDecay}) ${k.stoppedEarly ? `stopped early at epoch ${epoch}` : `trained ${epoch} epochs`}.`;
  }
  if (!k.restored) return `${end} The network shown is the last one (no validation split).`;
  if (isRegression()) return `${end} The network shown is the one with the best validation loss (epoch ${k.epoch}: loss ${k.valLoss.toFixed(4)}, validation R² ${k.valAccuracy.toFixed(3)}), as dynaspin train keeps it; the readouts are its errors.`;
  return `${end} The network shown is the one with the best validation loss (epoch ${k.epoch}: loss ${k.valLoss.toFixed(4)}, validation accuracy ${pct(k.valAccuracy)}), as dynaspin train keeps it; the readouts are its accuracies.`;
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
  $("epoch").textContent = phase === "trial" ? `${epoch} (trial)` : String(epoch);
  // The measured rate while training (data-* for tests: the speed it was measured at and over how many epochs).
  const rate = $("rate");
  const measured = running && pace && Number.isFinite(pace.rate) ? pace : null;
  rate.textContent = measured ? `· ${measured.rate < 10 ? measured.rate.toFixed(1) : Math.round(measured.rate)} epochs/s` : "";
  rate.dataset.rate = measured ? String(measured.rate) : "";
  rate.dataset.speed = measured ? String(measured.speed) : "";
  rate.dataset.epochs = measured ? String(measured.epochs) : "0";
  const plan = currentPlan();
  const of = $("of-epochs");
  const c = plan?.curriculum;
  if (plan && c && stage === "starter") {
    // A depth curriculum's starter network: its own epochs, and which stage this is.
    const where = "(starter)";
    of.textContent = phase === "trial" ? `of ${c.trialEpochs} per trial ${where}` : `of ${snap?.stage === "starter" ? snap.epochs : c.epochs} ${where}`;
  } else {
    const deep = c ? ` · ${plan!.steps} steps, from the ${c.steps}-step starter` : "";
    // The automatic weight decay: which of its runs trains (each a whole run with its own restarts and epochs).
    const order = plan?.weightDecays ?? [];
    const run = order.length && !endedOnce ? ` · ${stage === "candidate" ? `λ ${lambda} candidate` : `λ ${lambda}`}, run ${stage === "candidate" ? Math.max(1, order.indexOf(lambda) + 1) : order.length} of ${order.length}` : "";
    of.textContent = !plan ? "" : phase === "trial" ? `of ${plan.trialEpochs} per trial${run}` : snap?.kept ? `(ended)${deep}` : `of ${snap && snap.epochs !== plan.epochs ? snap.epochs : plan.epochs}${plan.auto && plan.patience > 0 ? " at most" : ""}${deep}${run}`;
  }
  // Once the run has ended, the readouts are those of the kept network (what the model file holds).
  const kept = snap?.kept ? snap : null;
  const testAcc = kept ? kept.testAccuracy : last && Number.isFinite(last.testAccuracy) ? last.testAccuracy : (snap?.testAccuracy ?? NaN);
  const trainAcc = kept ? kept.trainAccuracy : last ? last.trainAccuracy : NaN;
  const out = $("test-accuracy");
  const reg = isRegression();
  $("test-metric").textContent = reg ? "Test MSE" : "Test";
  $("train-metric").textContent = reg ? "Train MSE" : "Train";
  $("loss-readout").title = reg ? "Mean training loss ½·(z − ỹ)² on the standardised targets, test and training points" : "Mean cross-entropy of the test and the training points";
  if (reg) {
    // TensorFlow Playground's readouts for a regression: the mean squared errors (R² in the tooltip).
    const testMse = kept ? kept.testMse : last && last.testMse !== undefined && Number.isFinite(last.testMse) ? last.testMse : (snap?.testMse ?? NaN);
    // The training MSE is measured on evaluated epochs only (every `evalEvery`): the latest one.
    let trainMse = kept ? kept.trainMse : NaN;
    if (!kept) for (let i = metricsLog.length - 1; i >= 0 && !Number.isFinite(trainMse); i--) trainMse = metricsLog[i].trainMse ?? NaN;
    out.textContent = fmtMse(testMse);
    out.dataset.value = Number.isFinite(testMse) ? String(testMse) : "";
    out.title = Number.isFinite(testAcc) ? `test R² ${testAcc.toFixed(4)}` : "";
    $("train-accuracy").textContent = fmtMse(trainMse);
    $("train-accuracy").title = Number.isFinite(trainAcc) ? `train R² ${trainAcc.toFixed(4)}` : "";
  } else {
    out.textContent = pct(testAcc);
    out.dataset.value = Number.isFinite(testAcc) ? String(testAcc) : "";
    out.title = "";
    $("train-accuracy").textContent = pct(trainAcc);
    $("train-accuracy").title = "";
  }
  const testLoss = kept ? kept.testLoss : last && Number.isFinite(last.testLoss) ? last.testLoss : (snap?.testLoss ?? NaN);
  const trainLoss = kept ? kept.trainLoss : last ? last.trainLoss : NaN;
  const loss = (v: number): string => (!Number.isFinite(v) ? "–" : v !== 0 && v < 0.001 ? v.toExponential(1) : v.toFixed(3));
  $("test-loss").textContent = loss(testLoss);
  $("train-loss").textContent = loss(trainLoss);
  renderCurvesSoon();
}

let curvesAt = -Infinity;
/** Milliseconds the last drawing of the curves took. */
let curvesCost = 0;
let curvesTimer: ReturnType<typeof setTimeout> | null = null;
/** The curves while training at most 5 times a second (each redraw is thousands of points), and
 * no more often than leaves the page idle DRAW_IDLE times as long as they take; at once otherwise. */
function renderCurvesSoon(): void {
  const now = performance.now();
  const gap = Math.max(200, (1 + DRAW_IDLE) * curvesCost);
  if (!running || now - curvesAt >= gap) {
    drawCurves();
    return;
  }
  curvesTimer ??= setTimeout(drawCurves, gap - (now - curvesAt));
}

function drawCurves(): void {
  if (curvesTimer !== null) clearTimeout(curvesTimer);
  curvesTimer = null;
  curvesAt = performance.now();
  renderCurves();
  curvesCost = performance.now() - curvesAt;
}

function renderAll(): void {
  renderReadouts();
  renderInput();
  renderNetwork();
  renderNodeMap();
  renderTrajectory();
  renderStates();
  renderDevice();
  renderConfusion();
  updateButtons();
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

const classLabels = (): string[] => (isRegression() ? [`${info?.targetName ?? "target"} < 0`, `${info?.targetName ?? "target"} ≥ 0`] : (info?.classNames ?? []).map((c) => `class ${c}`));

/**
 * A regression's prediction field as the chart's two-colour shading: the value v over the
 * symmetric range ±R (R = the largest |target| of the data) mapped to (v + R)/(2R), white at 0,
 * class-0 tint (negative) to class-1 tint (positive), like TensorFlow Playground's two-colour field.
 */
function valueShading(v: ArrayLike<number>): Float64Array {
  const R = info?.targetRange ?? 1;
  return Float64Array.from(v, (x) => Math.min(1, Math.max(0, (x + R) / (2 * R))));
}

function renderInput(): void {
  const all = info?.points;
  $("panel-input").hidden = !all;
  if (!all || !info) return;
  // Training points first, then test points: hiding the test points keeps every index.
  const n = state.showTest ? all.x.length : info.trainN;
  const pts = { x: all.x.subarray(0, n), y: all.y.subarray(0, n), label: all.label.subarray(0, n) };
  const plane = snap?.plane;
  const reg = isRegression();
  const discrete = !reg && (state.discrete || !plane?.prob);
  $("h-input").textContent = reg ? "Input plane and predicted value" : "Input plane and decision regions";
  $("help-input").textContent = reg
    ? `Train and test points (coloured by the sign of their ${info.targetName ?? "target"}) over the value the network predicts: blue negative, white 0, orange positive, full colour at ±${fmtValue(info.targetRange ?? 1)} (the largest |${info.targetName ?? "target"}| of the data). Hover a point to follow its states p(t) through the network.`
    : "Train and test points over the class the network predicts. Hover a point to follow its states p(t) through the network.";
  $("discrete").closest("label")!.classList.toggle("hide", reg);
  const field = plane && reg && plane.value ? { prob: valueShading(plane.value) } : plane ? (discrete ? { label: plane.label } : { prob: plane.prob }) : null;
  safe("chart-input", () =>
    scatterChart({
      points: pts,
      classNames: classLabels(),
      regions: plane && field ? { nx: plane.nx, ny: plane.ny, x0: plane.x0, x1: plane.x1, y0: plane.y0, y1: plane.y1, ...field } : undefined,
      ...(reg ? { boundary: false } : {}),
      xAxis: { label: "x₁" },
      yAxis: { label: "x₂" },
      markerSize: 2.5,
      width: 420,
      height: 380,
      hoverTargets: true,
    }),
  );
}

function renderNetwork(): void {
  if (!snap || !info) return setChart("chart-network", "");
  const s = snap;
  const values = trajectory && trajectory.k === s.k && trajectory.steps === s.steps ? trajectory.p : undefined;
  const who = values && trajectory
    ? isRegression()
      ? `: point ${trajectory.index + 1} (${info.targetName ?? "target"} ${fmtValue(info.points?.value?.[trajectory.index])}, predicted ${fmtValue(trajectory.value)})`
      : `: ${pointName(trajectory.index)} (class ${info.classNames[pointLabel(trajectory.index)] ?? "?"}, predicted ${info.classNames[trajectory.predicted]})`
    : "";
  safe("chart-network", () =>
    networkFigure({
      k: s.k,
      steps: s.steps,
      A: s.A,
      B: s.B,
      W: s.W,
      classNames: isRegression() ? [info!.targetName ?? "target"] : info!.classNames,
      ...(isRegression() ? { readout: "linear" as const } : {}),
      values,
      valueMax: 1,
      inputs: info!.plan.inputs,
      inputNames: info!.plan.inputNames.length === info!.plan.inputs ? info!.plan.inputNames : undefined,
      extraP0: info!.plan.extraP0,
      highlight: hoverNode ?? undefined,
      width: Math.max(520, Math.min(900, 70 * (s.steps + 2) + 110)),
      title: `${s.stage === "starter" ? `Starter network (${s.steps} of ${info!.plan.steps} steps)${s.phase === "trial" ? ", initialisation under trial" : ""}` : s.stage === "candidate" ? `Weight-decay candidate λ ${s.weightDecay}${s.phase === "trial" ? ", initialisation under trial" : ""}` : s.phase === "trial" ? "Initialisation under trial" : "Network"} at epoch ${s.epoch}${who}`,
    }),
  );
}

function renderNodeMap(): void {
  const s = snap;
  if (!s || !hoverNode) return setChart("chart-node", "");
  const { osc, step } = hoverNode;
  if (!s.plane || !info?.points) {
    setChart("chart-node", `<p class="summary">Oscillator ${osc + 1} at step ${step}. Maps over the input plane need 2-D data; for this data set, hover the test points in the state scatter to follow their p(t).</p>`);
    return;
  }
  const plane = s.plane;
  const cells = plane.nx * plane.ny;
  const value = new Float64Array(cells);
  for (let q = 0; q < cells; q++) value[q] = plane.p[(step * cells + q) * s.k + osc];
  const pts = info.points;
  safe("chart-node", () =>
    scatterChart({
      points: pts,
      classNames: classLabels(),
      regions: { nx: plane.nx, ny: plane.ny, x0: plane.x0, x1: plane.x1, y0: plane.y0, y1: plane.y1, value, valueRange: [0, 1] },
      xAxis: { label: "x₁" },
      yAxis: { label: "x₂" },
      markerSize: 1.6,
      opacity: 0.45,
      legend: "none",
      width: 360,
      height: 330,
      title: `p${osc + 1}(${step}) over the input plane`,
    }),
  );
}

/** The true class of a shown point (index into train then test): from the 2-D points, or (other data) the test labels of the state scatter; −1 when unknown. */
function pointLabel(index: number): number {
  if (info?.points) return info.points.label[index] ?? -1;
  const r = index - (info?.trainN ?? 0);
  return snap && r >= 0 && r < snap.stateN ? snap.stateLabels[r] : -1;
}

/** "point 8" (2-D data: train then test, as the input plane numbers them), else "test point 3" (the state scatter shows the test points). */
function pointName(index: number): string {
  const r = index - (info?.trainN ?? 0);
  return info?.points || r < 0 ? `point ${index + 1}` : `test point ${r + 1}`;
}

function renderTrajectory(): void {
  const tr = trajectory;
  if (!tr || !info) {
    setChart("chart-trajectory", `<p class="summary">Hover a data point (input plane or state scatter) to follow its states p(t) through all ${snap?.steps ?? currentPlan()?.steps ?? stepsOf(state)} steps; the circles of the network take its values.</p>`);
    return;
  }
  const steps = Array.from({ length: tr.steps + 1 }, (_, t) => t);
  const shown = Math.min(tr.k, 10);
  const series = Array.from({ length: shown }, (_, i) => ({ label: `p${i + 1}`, x: steps, y: steps.map((t) => tr.p[t * tr.k + i]), style: "linepoints" as const }));
  const label = pointLabel(tr.index);
  const name = pointName(tr.index);
  const reg = isRegression();
  const what = reg
    ? `Point ${tr.index + 1} (${info.targetName ?? "target"} ${fmtValue(info.points?.value?.[tr.index])}) → predicted ${fmtValue(tr.value)}`
    : `${name[0].toUpperCase()}${name.slice(1)}${label >= 0 ? ` (class ${info!.classNames[label]})` : ""} → predicted ${info!.classNames[tr.predicted]}`;
  safe("chart-trajectory", () =>
    lineChart({
      series,
      x: { label: "Step t" },
      y: { label: "Power p", min: 0, max: 1 },
      width: 360,
      height: 330,
      title: what + (tr.k > shown ? ` (first ${shown} of ${tr.k})` : ""),
    }),
  );
}

function renderStates(): void {
  $("t-value").textContent = String(shownStep(state));
  if (!snap) return setChart("chart-states", "");
  const s = snap;
  const t = state.t === null ? s.steps : Math.min(state.t, s.steps);
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
      classNames: classLabels(),
      xAxis: { label: `p${o0 + 1}(${t})`, min: lo - pad, max: hi + pad },
      yAxis: { label: `p${o1 + 1}(${t})`, min: lo - pad, max: hi + pad },
      lines,
      markerSize: 2.5,
      width: 420,
      height: 380,
      hoverTargets: true,
      title: s.k > 2 ? `oscillators ${o0 + 1} and ${o1 + 1} of ${s.k}, step ${t} of ${s.steps}` : `step ${t} of ${s.steps}`,
    }),
  );
}

/**
 * A curve of a metric measured only on evaluated epochs (the test set, and a regression's training
 * MSE, every `evalEvery` epochs: every 10 updates with the automatic budget): its epochs without
 * a value are left out, so the points join into a line instead of a row of isolated dots.
 */
function evaluated(label: string, ep: number[], y: number[]): { label: string; x: number[]; y: number[]; style: "line" | "linepoints" } {
  const keep = y.map((v, i) => (Number.isFinite(v) ? i : -1)).filter((i) => i >= 0);
  return { label, x: keep.map((i) => ep[i]), y: keep.map((i) => y[i]), style: keep.length < 30 ? "linepoints" : "line" };
}

function renderCurves(): void {
  if (metricsLog.length === 0) {
    setChart("chart-accuracy", `<p class="summary">No epochs trained yet: press Start or Step one epoch.</p>`);
    setChart("chart-loss", "");
    return;
  }
  const reg = isRegression();
  $("h-curves").textContent = reg ? "Errors and loss" : "Accuracy and loss";
  // Validation (rows held out of the training split), evaluated every few epochs.
  const vm = metricsLog.filter((m) => Number.isFinite(reg ? m.valMse : m.valLoss));
  const vEp = vm.map((m) => m.epoch);
  if (reg) {
    // Mean squared error in the target's units²; the training MSE too is measured on evaluated epochs only.
    const trM = metricsLog.map((m) => m.trainMse ?? NaN), teM = metricsLog.map((m) => m.testMse ?? NaN);
    const title = curvesTitle();
    curveChart("chart-accuracy", { y: trM, evaluated: true }, vEp, vm.map((m) => m.valMse as number), teM, { label: `Mean squared error (${info?.targetName ?? "target"})` }, title);
  } else {
    const trA = metricsLog.map((m) => 100 * m.trainAccuracy), teA = metricsLog.map((m) => 100 * m.testAccuracy);
    const vA = vm.map((m) => 100 * (m.valAccuracy ?? NaN));
    const accMin = Math.min(...trA.filter(Number.isFinite), ...teA.filter(Number.isFinite), ...vA.filter(Number.isFinite));
    const accLo = Math.max(0, 10 * Math.floor((accMin - 2) / 10));
    const title = curvesTitle();
    curveChart("chart-accuracy", { y: trA, evaluated: false }, vEp, vA, teA, { label: "Accuracy", unit: "%", min: accLo, max: 100 }, title);
  }
  const trL = metricsLog.map((m) => m.trainLoss), teL = metricsLog.map((m) => m.testLoss);
  curveChart("chart-loss", { y: trL, evaluated: false }, vEp, vm.map((m) => m.valLoss as number), teL, { label: reg ? "Loss (½·squared error, standardised)" : "Loss (cross-entropy)" });
}

/** Whose curves the charts show when it is not the run's own kept network (else undefined). */
function curvesTitle(): string | undefined {
  const trial = phase === "trial";
  if (stage === "starter") return `Starter network (${currentPlan()?.curriculum?.steps ?? "?"} steps)${trial ? ": initialisation under trial" : ""}`;
  if (stage === "candidate") return `Weight-decay candidate λ ${lambda}${trial ? ": initialisation under trial" : ""}`;
  if (trial) return "Initialisation under trial";
  const w = snap?.kept?.weightDecay;
  // The run ended and a weight-decay candidate won: the curves are its training.
  if (w && w.chosen !== w.candidates[0].weightDecay) return `Kept: the λ ${w.chosen} candidate`;
  return undefined;
}

/**
 * One chart of training curves against the epoch: the training curve (one value per logged
 * epoch; `evaluated`: only on the epochs that have one, as {@link evaluated}), the validation
 * values `val` at the epochs `valEpochs` it was evaluated at, and the test curve (evaluated epochs,
 * when there are any), with the kept epoch marked.
 */
function curveChart(id: string, train: { y: number[]; evaluated: boolean }, valEpochs: number[], val: number[], test: number[], y: LineChartOptions["y"], title?: string): void {
  const style = metricsLog.length < 30 ? ("linepoints" as const) : ("line" as const);
  const vstyle = valEpochs.length < 30 ? ("linepoints" as const) : ("line" as const);
  const ep = metricsLog.map((m) => m.epoch);
  const keptAt = snap?.kept?.restored ? [{ value: snap.kept.epoch, label: `kept (epoch ${snap.kept.epoch})`, color: "#009E73" }] : [];
  safe(id, () =>
    lineChart({
      series: [
        train.evaluated ? evaluated("train", ep, train.y) : { label: "train", x: ep, y: train.y, style },
        ...(valEpochs.length ? [{ label: "validation", x: valEpochs, y: val, style: vstyle }] : []),
        ...(test.some(Number.isFinite) ? [evaluated("test", ep, test)] : []),
      ],
      x: { label: "Epoch" },
      y,
      vlines: keptAt,
      width: 420,
      height: 220,
      title,
    }),
  );
}

/** A target value with 3 significant digits. */
function fmtValue(v: number | undefined): string {
  return v === undefined || !Number.isFinite(v) ? "?" : String(Number(v.toPrecision(3)));
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
  const show = !!snap && !!info && !isRegression() && (info.classes > 2 || info.d > 2);
  $("panel-confusion").hidden = !show;
  if (!show) return;
  safe("chart-confusion", () => confusionFigure({ matrix: snap!.confusion, labels: info!.classNames }));
}

function renderVariation(r: VariationResult): void {
  const acc = Array.from(r.accuracies).sort((a, b) => a - b);
  const sig = `σ = ${r.sigma}${r.relative ? " (relative)" : ""} on ${r.param}`;
  const summary = $("variation-summary");
  summary.textContent =
    `${sig}: mean test accuracy ${pct(r.mean)}, 5–95 %: ${pct(r.p5)} – ${pct(r.p95)} over ${r.trials} device draws` +
    ` (nominal devices ${pct(r.baseline)}, epoch ${r.epoch})` +
    (r.clipped ? `; ${r.clipped} non-physical draws clipped` : "");
  summary.dataset.sigma = String(r.sigma);
  summary.dataset.param = r.param;
  summary.dataset.mean = String(r.mean);
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
  const key = `${r.run}|${r.param}|${r.relative}|${r.epoch}`;
  if (key !== sigmaKey) {
    sigmaKey = key;
    sigmaCurve = new Map();
  }
  sigmaCurve.set(r.sigma, r);
  const sig2 = [...sigmaCurve.keys()].sort((a, b) => a - b);
  if (sig2.length < 2) return setChart("chart-sigma", "");
  const stats = sig2.map((s) => sigmaCurve.get(s)!);
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
// Every control's help line is also its label's tooltip; on wide screens the lines fold away
// behind "Show the help line…" so the controls fit beside the plots.
for (const help of document.querySelectorAll<HTMLElement>(".controls small.help[id]")) {
  for (const el of document.querySelectorAll(`[aria-describedby~="${help.id}"]`)) {
    const label = el.closest("label");
    if (label && !label.title) label.title = help.textContent ?? "";
  }
}
const helpBox = $<HTMLInputElement>("show-help");
helpBox.addEventListener("change", () => $("controls").classList.toggle("with-help", helpBox.checked));
writeUrl();
writeControls();
bindControls();
void configure();
