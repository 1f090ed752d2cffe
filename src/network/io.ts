/**
 * Model ⇄ JSON (`dynaspin.model`, version 3; version 1 and 2 files load too, as classifiers). Validation of untrusted JSON is done by
 * `parseModelJson` (src/io/model-schema.ts); this module converts between the validated JSON and
 * the in-memory {@link Model}.
 */
import { extraInput, columnCount, DEFAULT_EXTRA_P0, type Model } from "./model.js";
import type { ModelJson } from "../io/model-schema.js";
import { MODEL_FORMAT, MODEL_VERSION, parseModelJson } from "../io/model-schema.js";
import { curveFromSpec } from "../device/spec.js";
import type { DeviceCurve, DeviceSpec } from "../device/curve.js";
import { InputError } from "../util/errors.js";

function nest(a: Float64Array, rows: number, cols: number): number[][] {
  return Array.from({ length: rows }, (_, r) => Array.from(a.subarray(r * cols, (r + 1) * cols)));
}

/** True when every oscillator shares one curve with identical parameters. */
function sharedSpec(devices: DeviceCurve[]): DeviceSpec | null {
  const first = JSON.stringify(devices[0].toSpec());
  for (const d of devices) if (d !== devices[0] && JSON.stringify(d.toSpec()) !== first) return null;
  return devices[0].toSpec();
}

/**
 * The model as a `dynaspin.model` JSON object (numbers are written with full float64 precision, so
 * a save/load round trip is bit-exact).
 * @param extra optional `training` metadata and `hardware` description to embed.
 */
export function modelToJson(model: Model, extra: {
    /** Training metadata stored in the file's `training` field (seeds, options, timings). */
    training?: Record<string, unknown>;
    /** Hardware description stored in the file's `hardware` field. */
    hardware?: Record<string, unknown>;
  } = {}): ModelJson {
  const { k, steps, classes } = model;
  const regression = model.problem === "regression";
  const json: ModelJson = {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    device: sharedSpec(model.devices) ?? model.devices.map((d) => d.toSpec()),
    k,
    steps,
    ...(regression ? { problem: "regression" as const, outputs: classes } : { classes }),
    A: Array.from({ length: steps }, (_, t) => nest(model.A.subarray(t * k * k, (t + 1) * k * k), k, k)),
    B: nest(model.B, steps, k),
    W: nest(model.W, classes, k),
    c: Array.from(model.c),
  };
  if (model.inputs !== undefined && model.inputs !== k) {
    json.inputs = model.inputs;
    json.extraP0 = extraInput(model);
  }
  if (model.normalization) json.normalization = { min: Array.from(model.normalization.min), max: Array.from(model.normalization.max) };
  if (model.classNames && !regression) json.classNames = model.classNames.slice();
  if (regression) {
    const sc = model.targetScale;
    json.targets = {
      names: model.targetNames?.slice() ?? Array.from({ length: classes }, (_, o) => (classes === 1 ? "target" : `target${o + 1}`)),
      mean: sc ? Array.from(sc.mean) : new Array<number>(classes).fill(0),
      std: sc ? Array.from(sc.std) : new Array<number>(classes).fill(1),
    };
  }
  if (model.featureNames && model.featureNames.length === columnCount(model)) json.features = model.featureNames.slice();
  if (model.featureMap) json.featureMap = { columns: model.featureMap.columns, expressions: model.featureMap.expressions.slice() };
  if (extra.hardware) json.hardware = extra.hardware;
  if (extra.training) json.training = extra.training;
  return json;
}

/** Serialises a model to the JSON text of a model file (2-space indented, trailing newline). */
export function stringifyModel(model: Model, extra: {
    /** Training metadata stored in the file's `training` field (seeds, options, timings). */
    training?: Record<string, unknown>;
    /** Hardware description stored in the file's `hardware` field. */
    hardware?: Record<string, unknown>;
  } = {}): string {
  return JSON.stringify(modelToJson(model, extra), null, 1) + "\n";
}

/** Converts a validated model JSON object into a {@link Model}. */
export function modelFromJson(json: ModelJson, file = "model.json"): Model {
  const { k, steps } = json;
  const regression = json.problem === "regression";
  const classes = (regression ? json.outputs : json.classes) as number;
  let devices: DeviceCurve[];
  if (Array.isArray(json.device)) {
    devices = json.device.map((s, i) => curveFromSpec(s, `${file}: device[${i}].`));
  } else {
    const c = curveFromSpec(json.device, `${file}: device.`);
    devices = new Array<DeviceCurve>(k).fill(c);
  }
  const A = new Float64Array(steps * k * k);
  for (let t = 0; t < steps; t++) for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) A[(t * k + i) * k + j] = json.A[t][i][j];
  const B = new Float64Array(steps * k);
  for (let t = 0; t < steps; t++) for (let i = 0; i < k; i++) B[t * k + i] = json.B[t][i];
  const W = new Float64Array(classes * k);
  for (let c = 0; c < classes; c++) for (let j = 0; j < k; j++) W[c * k + j] = json.W[c][j];
  const model: Model = {
    k,
    steps,
    classes,
    devices,
    A,
    B,
    W,
    c: Float64Array.from(json.c),
    normalization: json.normalization ? { min: Float64Array.from(json.normalization.min), max: Float64Array.from(json.normalization.max) } : null,
  };
  if (json.classNames) model.classNames = json.classNames.slice();
  if (regression && json.targets) {
    model.problem = "regression";
    model.targetScale = { mean: Float64Array.from(json.targets.mean), std: Float64Array.from(json.targets.std) };
    model.targetNames = json.targets.names.slice();
  }
  if (json.features) model.featureNames = json.features.slice();
  if (json.featureMap) model.featureMap = { columns: json.featureMap.columns, expressions: json.featureMap.expressions.slice() };
  if (json.inputs !== undefined && json.inputs !== k) {
    model.inputs = json.inputs;
    model.extraP0 = json.extraP0 ?? DEFAULT_EXTRA_P0;
  }
  return model;
}

/**
 * Parses model JSON text (validating it) into a {@link Model}.
 * @throws InputError naming `file` and the offending field path.
 */
export function parseModel(text: string, file = "model.json"): Model {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new InputError(`${file}: not valid JSON (${(e as Error).message.split("\n")[0]})`);
  }
  return modelFromJson(parseModelJson(value, file), file);
}
