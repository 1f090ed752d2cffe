/**
 * Training checkpoints: the complete state of a {@link TrainingRun} as one JSON object
 * (`dynaspin.checkpoint`, version 1), and back.
 *
 * A checkpoint holds the model (as a `dynaspin.model` object), the Adam moments and step count, the
 * minibatch generator's state, the row permutation, the epochs done and their metrics, the resolved
 * options, the restart selection and a fingerprint of the data. Restoring it and training on gives
 * bit-identical parameters and metrics to a run that was never interrupted: every float is written
 * as the shortest decimal that parses back to the same double (what `JSON.stringify` prints), a
 * NaN metric is written as `null`, and nothing else (wall times aside) feeds the next epoch.
 * (A negative zero is written as 0; a signed zero never changes a later sum, so results agree.)
 *
 * Checkpoints are taken after the restart selection: the trial runs are not stored, so a run killed
 * during the trials restarts them from scratch (they take a tenth of the epochs by default).
 *
 * Pure: no platform imports (the Node side is src/node/checkpoint-file.ts).
 *
 * Version 2 may leave `history` out: the Node writer keeps the per-epoch metrics append-only in
 * `history.jsonl` beside `checkpoint.json` (one {@link EpochMetricsJson} per line), so a checkpoint
 * stays the same size however long the run (version 1 rewrote the whole history every time).
 *
 * Version 3 adds `curriculum`: a depth curriculum's deep run keeps what its "learned nothing"
 * decision needs of the shallow network trained first (its first-epoch training loss, which a
 * resumed run can no longer measure). A deep run resumed from an older checkpoint has no such
 * baseline and is judged by the chance test only, as the version that wrote it judged it.
 *
 * Version 4 adds `ensemble`: a run that is one member of a cross-validation ensemble
 * (`TrainOptions.members`) records which member it is and the members finished before it (their
 * networks, fold scores and weight-decay choices), so a resume goes on mid-ensemble and the model is
 * the merge of every member. Without the field (every older checkpoint) the run is the whole
 * training, one network.
 *
 * Version policy: like model files, a reader accepts every version up to {@link CHECKPOINT_VERSION}
 * and refuses a newer one asking for an upgrade; any change to the format bumps the version.
 */
import { z } from "zod";
import type { Dataset } from "../data/dataset.js";
import type { DeviceCurve } from "../device/curve.js";
import { modelToJson, modelFromJson } from "../network/io.js";
import { parseModelJson, type ModelJson } from "../io/model-schema.js";
import { checkSchema, brief, type SchemaHints } from "../io/schema.js";
import { InputError } from "../util/errors.js";
import type { EngineFactory } from "../network/engine.js";
import { DEFAULT_EXTRA_P0, type Model } from "../network/model.js";
import type { EnsembleMember, EnsembleResume, WeightDecayChoice } from "./train.js";
import { TrainingRun, AUTO_DEFAULTS, DEPTH_REFERENCE, featureCount, classCountOf, updateScales, referenceScales, type EpochMetrics, type TrainResult, type ResolvedTrainOptions, type RestartSelection } from "./train.js";

/** Value of the `format` field of a checkpoint file. */
export const CHECKPOINT_FORMAT = "dynaspin.checkpoint";
/** The newest checkpoint version this build reads and the one it writes. */
export const CHECKPOINT_VERSION = 4;

/**
 * What the data a run trains on looks like, so a resume on other data is refused: sizes and a
 * 64-bit hash (16 hex digits) of the features' bits and the labels, for the training and test sets
 * (the split seed and fraction are covered because they decide which rows land in which set).
 */
export interface DataFingerprint {
  /** Training rows. */
  n: number;
  /** Features per row. */
  d: number;
  /** Hash of the training features and labels. */
  hash: string;
  /** Test rows (0 without a test set). */
  testN: number;
  /** Hash of the test features and labels ("" without a test set). */
  testHash: string;
}

/** One epoch's metrics as stored: NaN (no test set, or not evaluated) is `null`. */
export interface EpochMetricsJson {
  epoch: number;
  lr: number;
  trainLoss: number;
  trainAccuracy: number;
  testLoss: number | null;
  testAccuracy: number | null;
  seconds: number;
  /** Version 2, runs with a validation split: null when not evaluated that epoch. */
  valLoss?: number | null;
  valAccuracy?: number | null;
  /** Regression runs: mean squared errors (null when not evaluated that epoch). */
  trainMse?: number | null;
  testMse?: number | null;
  valMse?: number | null;
}

/** A checkpoint file (version 2; version-1 checkpoints still resume). */
export interface CheckpointJson {
  /** Always {@link CHECKPOINT_FORMAT}. */
  format: typeof CHECKPOINT_FORMAT;
  /** ≤ {@link CHECKPOINT_VERSION}. */
  version: number;
  /** Epochs completed when the checkpoint was taken. */
  epochsDone: number;
  /** Resolved training options (must equal the resuming run's). */
  options: Record<string, unknown>;
  /** The restart selection the kept run came from. */
  restarts: {
    /** Index of the restart that was kept. */
    chosen: number;
    /** Score of each restart after its trial epochs (index = restart). */
    losses: number[];
  };
  /** Fingerprint of the training and test data. */
  data: DataFingerprint;
  /** Parameters, devices, normalisation and class names, as in a model file. */
  model: ModelJson;
  /** Adam step count and first/second moments of (A, B, W, c), flattened. */
  adam: {
    /** Updates done. */
    t: number;
    /** First moments of A, B, W, c, each flattened. */
    m: number[][];
    /** Second moments of A, B, W, c, each flattened. */
    v: number[][];
  };
  /** xoshiro128** words and the cached normal deviate of the minibatch generator. */
  rng: {
    /** The four 32-bit state words of xoshiro128**. */
    s: [number, number, number, number];
    /** The cached second normal deviate of the Box–Muller pair, or null. */
    spare: number | null;
  };
  /** Row permutation of the training set (shuffled in place each epoch). */
  order: number[];
  /** Metrics of epochs 1..epochsDone; left out (version ≥ 2) when they are kept in a history file beside. */
  history?: EpochMetricsJson[];
  /**
   * Version 2: the best validation score so far and its parameters (flattened like the Adam
   * moments), for runs with a validation split; early stopping restores them at the end.
   */
  best?: {
    /** Best validation accuracy so far, in [0, 1]. */
    accuracy: number;
    /** Its mean validation loss. */
    loss: number;
    /** Epoch (1-based) after which it was measured. */
    epoch: number;
    /** Optimiser step count at that time. */
    update: number;
    /** A, B, W, c at that time, each flattened. */
    params: number[][];
  } | null;
  /**
   * Version 3: the shallow network a depth curriculum trained before this (deep) run
   * ({@link TrainResult.curriculum}; NaN losses as null), so a resumed run makes the same "learned
   * nothing" decision as the uninterrupted one; null without a curriculum. Absent (older
   * checkpoints): not known, the resumed run is judged by the chance test only.
   */
  curriculum?: {
    /** Depth n0 of the shallow network. */
    steps: number;
    /** Its training loss after its first epoch. */
    firstTrainLoss: number | null;
    /** Its training loss after its last epoch. */
    trainLoss: number | null;
  } | null;
  /**
   * Version 4: the cross-validation ensemble the run is a member of (`EnsembleCheckpoint`);
   * absent or null: the run is the whole training.
   */
  ensemble?: EnsembleCheckpoint | null;
  /** Caller's metadata, passed through (the CLI stores the command that started the run). */
  context?: Record<string, unknown>;
}

/** Where a checkpointed run stands in its cross-validation ensemble (checkpoint version 4). */
export interface EnsembleCheckpoint {
  /** Members of the ensemble. */
  count: number;
  /** 0-based index of the member whose run the checkpoint holds. */
  member: number;
  /** The members finished before it, in order. */
  finished: {
    /** Its trained network, as in a model file. */
    model: ModelJson;
    /** Its seed, rows and fold score. */
    record: EnsembleMember;
    /** Its automatic weight-decay choice (member 1's is the ensemble's), or null. */
    weightDecay: WeightDecayChoice | null;
  }[];
}

/** The checkpoint record of a run that is member `member` of `count` (the finished ones before it in `resume.finished`). */
export function ensembleToJson(count: number, resume: EnsembleResume): EnsembleCheckpoint {
  const clean = <T>(v: T): T => JSON.parse(JSON.stringify(v, (_k, x) => (typeof x === "number" && Number.isNaN(x) ? null : x))) as T;
  return { count, member: resume.member, finished: resume.finished.map((f) => ({ model: modelToJson(f.model), record: clean(f.record), weightDecay: clean(f.weightDecay) })) };
}

/** The library's {@link EnsembleResume} of a checkpoint's ensemble record (null: none). */
export function ensembleFromJson(ckpt: CheckpointJson, file: string): (EnsembleResume & { count: number }) | null {
  const e = ckpt.ensemble;
  if (e === undefined || e === null) return null;
  const num = (v: number | null): number => v ?? NaN;
  return {
    count: e.count,
    member: e.member,
    finished: e.finished.map((f, i) => ({
      model: modelFromJson(f.model, `${file}: ensemble.finished[${i}].model`),
      record: { ...f.record, validation: { ...f.record.validation, accuracy: num(f.record.validation.accuracy), loss: num(f.record.validation.loss) } },
      weightDecay: f.weightDecay === null ? null : { chosen: f.weightDecay.chosen, candidates: f.weightDecay.candidates.map((c) => ({ weightDecay: c.weightDecay, loss: num(c.loss), accuracy: num(c.accuracy) })) },
    })),
  };
}

// 64-bit hash as two independent 32-bit lanes (murmur3-style mixing), over 32-bit words.
function hashWords(h: [number, number], w: number): void {
  let k = Math.imul(w >>> 0, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  let a = h[0] ^ k;
  a = (a << 13) | (a >>> 19);
  h[0] = (Math.imul(a, 5) + 0xe6546b64) | 0;
  h[1] = Math.imul(h[1] ^ w, 0x01000193) ^ (h[1] >>> 15);
}

// murmur3's finaliser: every input bit moves every output bit.
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function hex(h: number): string {
  return mix(h).toString(16).padStart(8, "0");
}

/** 16-hex-digit hash of a data set's shape, feature bits and labels. */
export function hashDataset(ds: Dataset): string {
  const h: [number, number] = [0x2545f491, 0x811c9dc5];
  hashWords(h, ds.n);
  hashWords(h, ds.d);
  const len = ds.n * ds.d;
  // Little-endian word order regardless of the platform, so a checkpoint moves between machines.
  const view = new DataView(ds.x.buffer, ds.x.byteOffset, len * 8);
  for (let i = 0; i < len * 8; i += 4) hashWords(h, view.getUint32(i, true));
  for (let r = 0; r < ds.n; r++) hashWords(h, ds.y[r]);
  if (ds.targets !== undefined) {
    // A regression set's real targets (classification hashes are unchanged).
    const t = new DataView(ds.targets.buffer, ds.targets.byteOffset, ds.targets.length * 8);
    for (let i = 0; i < ds.targets.length * 8; i += 4) hashWords(h, t.getUint32(i, true));
  }
  return hex(h[0]) + hex(h[1] ^ len);
}

/**
 * 16-hex-digit hash of a data set's rows as a multiset: its shape and each row's feature bits,
 * label and regression targets, whatever the order of the rows. A shuffled copy of a file has the
 * same hash (unlike {@link hashDataset}'s, which hashes the rows in order); a changed value or
 * label, a missing or an added row (a repeated one too) gives another. Each row is hashed on its
 * own (64 bits), the row hashes are sorted, and the sorted list is hashed.
 */
export function hashRowSet(ds: Dataset): string {
  const { n, d } = ds;
  const m = ds.targets !== undefined && n > 0 ? ds.targets.length / n : 0;
  const x = new DataView(ds.x.buffer, ds.x.byteOffset, n * d * 8);
  const t = ds.targets !== undefined ? new DataView(ds.targets.buffer, ds.targets.byteOffset, ds.targets.length * 8) : null;
  const rows = new BigUint64Array(n);
  const h: [number, number] = [0, 0];
  for (let r = 0; r < n; r++) {
    h[0] = 0x2545f491;
    h[1] = 0x811c9dc5;
    // Little-endian word order regardless of the platform, as hashDataset.
    for (let i = r * d * 8, end = (r + 1) * d * 8; i < end; i += 4) hashWords(h, x.getUint32(i, true));
    hashWords(h, ds.y[r]);
    if (t !== null) for (let i = r * m * 8, end = (r + 1) * m * 8; i < end; i += 4) hashWords(h, t.getUint32(i, true));
    rows[r] = (BigInt(mix(h[0])) << 32n) | BigInt(mix(h[1] ^ d));
  }
  rows.sort();
  h[0] = 0x2545f491;
  h[1] = 0x811c9dc5;
  hashWords(h, n);
  hashWords(h, d);
  hashWords(h, m);
  for (let r = 0; r < n; r++) {
    hashWords(h, Number(rows[r] >> 32n));
    hashWords(h, Number(rows[r] & 0xffffffffn));
  }
  return hex(h[0]) + hex(h[1] ^ (n * d));
}

/** The {@link DataFingerprint} of a training set and an optional test set. */
export function fingerprintData(trainSet: Dataset, test?: Dataset): DataFingerprint {
  return { n: trainSet.n, d: trainSet.d, hash: hashDataset(trainSet), testN: test?.n ?? 0, testHash: test ? hashDataset(test) : "" };
}

const nanToNull = (v: number): number | null => (Number.isNaN(v) ? null : v);

/**
 * The checkpoint of a run.
 * @param run the kept run (after the restart selection).
 * @param selection which restart it is, and the trial losses.
 * @param data fingerprint of the data it trains on (`fingerprintData`).
 * @param context metadata to pass through (e.g. the command line).
 */
export function checkpointToJson(run: TrainingRun, selection: RestartSelection, data: DataFingerprint, context?: Record<string, unknown>, options: {
    /** Include the per-epoch history in the checkpoint (false when it is kept in a history file beside). @default true */
    history?: boolean;
    /** The depth curriculum's shallow network this run started from ({@link Trainer.curriculum}). @default null */
    curriculum?: TrainResult["curriculum"];
    /** The cross-validation ensemble the run is a member of (`ensembleToJson`). @default null */
    ensemble?: EnsembleCheckpoint | null;
  } = {}): CheckpointJson {
  const st = run.getState();
  const json: CheckpointJson = {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    epochsDone: st.epochsDone,
    options: JSON.parse(JSON.stringify(run.options)) as Record<string, unknown>,
    restarts: { chosen: selection.chosenRestart, losses: selection.restartLosses.slice() },
    data,
    model: modelToJson(run.model),
    adam: { t: st.adam.t, m: st.adam.m.map((a) => Array.from(a)), v: st.adam.v.map((a) => Array.from(a)) },
    rng: { s: st.rng.s, spare: st.rng.spare },
    order: Array.from(st.order),
  };
  if (options.history !== false) json.history = st.history.map(epochMetricsToJson);
  const b = st.best;
  if (b) json.best = { accuracy: b.accuracy, loss: b.loss, epoch: b.epoch, update: b.update, params: [b.A, b.B, b.W, b.c].map((a) => Array.from(a)) };
  const c = options.curriculum ?? null;
  json.curriculum = c === null ? null : { steps: c.steps, firstTrainLoss: nanToNull(c.firstTrainLoss), trainLoss: nanToNull(c.trainLoss) };
  if (options.ensemble) json.ensemble = options.ensemble;
  if (context !== undefined) json.context = context;
  return json;
}

/** One epoch's metrics as stored (NaN as null). */
export function epochMetricsToJson(m: EpochMetrics): EpochMetricsJson {
  const j: EpochMetricsJson = { epoch: m.epoch, lr: m.lr, trainLoss: m.trainLoss, trainAccuracy: m.trainAccuracy, testLoss: nanToNull(m.testLoss), testAccuracy: nanToNull(m.testAccuracy), seconds: m.seconds };
  if (m.valLoss !== undefined) {
    j.valLoss = nanToNull(m.valLoss);
    j.valAccuracy = nanToNull(m.valAccuracy ?? NaN);
  }
  if (m.trainMse !== undefined) {
    j.trainMse = nanToNull(m.trainMse);
    j.testMse = nanToNull(m.testMse ?? NaN);
    if (m.valMse !== undefined) j.valMse = nanToNull(m.valMse);
  }
  return j;
}

/** Schema of one stored epoch (a `history` entry, or a line of the history file). */
export const epochMetricsSchema = z.strictObject({ epoch: z.int().min(1), lr: z.number(), trainLoss: z.number(), trainAccuracy: z.number(), testLoss: z.number().nullable(), testAccuracy: z.number().nullable(), seconds: z.number(), valLoss: z.number().nullable().optional(), valAccuracy: z.number().nullable().optional(), trainMse: z.number().nullable().optional(), testMse: z.number().nullable().optional(), valMse: z.number().nullable().optional() });

/**
 * Checks that `history` holds epochs 1..epochsDone of the checkpoint and attaches it.
 * @throws InputError naming `file`.
 */
export function attachHistory(c: CheckpointJson, history: EpochMetricsJson[], file: string): CheckpointJson {
  if (history.length !== c.epochsDone) throw new InputError(`${file}: history has ${history.length} entries, expected epochsDone = ${c.epochsDone}`);
  history.forEach((h, i) => {
    if (h.epoch !== i + 1) throw new InputError(`${file}: history[${i}].epoch must be ${i + 1} (got ${h.epoch})`);
  });
  c.history = history;
  return c;
}

/** Checkpoint JSON text (compact: a checkpoint is rewritten often and read by programs). */
export function stringifyCheckpoint(json: CheckpointJson): string {
  return JSON.stringify(json) + "\n";
}

const num = z.number();
const count = z.int().min(0);
const uint32 = z.int().min(0).max(4294967295);
const nullableNum = z.number().nullable();

/** Structural zod schema of a version-1 checkpoint (the model is checked by the model schema). */
export const checkpointSchema = z.strictObject({
  format: z.literal(CHECKPOINT_FORMAT),
  version: z.int(),
  epochsDone: count,
  options: z.record(z.string(), z.unknown()),
  restarts: z.strictObject({ chosen: count, losses: z.array(num).min(1) }),
  data: z.strictObject({ n: count, d: count, hash: z.string(), testN: count, testHash: z.string() }),
  model: z.unknown(),
  adam: z.strictObject({ t: count, m: z.array(z.array(num)).length(4), v: z.array(z.array(z.number().min(0))).length(4) }),
  rng: z.strictObject({ s: z.tuple([uint32, uint32, uint32, uint32]), spare: nullableNum }),
  order: z.array(count),
  history: z.array(epochMetricsSchema).optional(),
  best: z.strictObject({ accuracy: num, loss: num, epoch: count, update: count, params: z.array(z.array(num)).length(4) }).nullable().optional(),
  curriculum: z.strictObject({ steps: z.int().min(1), firstTrainLoss: nullableNum, trainLoss: nullableNum }).nullable().optional(),
  ensemble: z
    .strictObject({
      count: z.int().min(2),
      member: count,
      finished: z.array(
        z.strictObject({
          model: z.unknown(),
          record: z.strictObject({
            seed: count,
            rows: count,
            validation: z.strictObject({ n: count, accuracy: nullableNum, loss: nullableNum, epoch: count }),
            epochs: count,
            weightDecay: num,
          }),
          weightDecay: z.strictObject({ chosen: num, candidates: z.array(z.strictObject({ weightDecay: num, loss: nullableNum, accuracy: nullableNum })) }).nullable(),
        }),
      ),
    })
    .nullable()
    .optional(),
  context: z.record(z.string(), z.unknown()).optional(),
});

const HINTS: SchemaHints = {
  allowed: {
    "": Object.keys(checkpointSchema.shape),
    restarts: ["chosen", "losses"],
    data: ["n", "d", "hash", "testN", "testHash"],
    adam: ["t", "m", "v"],
    rng: ["s", "spare"],
    curriculum: ["steps", "firstTrainLoss", "trainLoss"],
    ensemble: ["count", "member", "finished"],
  },
};

/**
 * Validates a parsed checkpoint and returns it typed.
 *
 * Checks, in order: the format tag; the version (a newer one is refused asking for an upgrade);
 * field types and unknown keys (zod, messages naming the path, e.g.
 * `checkpoint.json: adam.m[2][7]: expected a finite number (got null)`); the model (as a model
 * file, prefixed `model.`); and consistency: Adam moments shaped like A, B, W, c; `order` a
 * permutation of the `data.n` training rows; `history` holding epochs 1..epochsDone.
 * @throws InputError naming `file` and the field path.
 */
export function parseCheckpointJson(value: unknown, file: string): CheckpointJson {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new InputError(`${file}: not a dynaspin checkpoint (expected a JSON object, got ${Array.isArray(value) ? "an array" : brief(value)})`);
  }
  const o = value as Record<string, unknown>;
  if (o.format !== CHECKPOINT_FORMAT) {
    throw new InputError(
      `${file}: not a dynaspin checkpoint (` + (o.format === undefined ? `no "format" field` : `format is ${brief(o.format)}`) + `, expected "format": "${CHECKPOINT_FORMAT}")`,
    );
  }
  const v = o.version;
  if (typeof v !== "number" || !Number.isInteger(v) || v < 1) {
    throw new InputError(`${file}: version must be an integer 1..${CHECKPOINT_VERSION} (got ${brief(v)})`);
  }
  if (v > CHECKPOINT_VERSION) {
    throw new InputError(`${file}: checkpoint version ${v} is newer than this dynaspin supports (${CHECKPOINT_VERSION}); upgrade dynaspin`);
  }
  const c = checkSchema(checkpointSchema, value, file, HINTS) as CheckpointJson;
  const m = parseModelJson(c.model, `${file}: model`);
  const rows = (m.problem === "regression" ? m.outputs : m.classes) as number;
  const sizes = [m.steps * m.k * m.k, m.steps * m.k, rows * m.k, rows];
  for (const key of ["m", "v"] as const) {
    c.adam[key].forEach((a, q) => {
      if (a.length !== sizes[q]) throw new InputError(`${file}: adam.${key}[${q}] has ${a.length} entries, expected ${sizes[q]} (the size of ${"ABWc"[q]})`);
    });
  }
  if (c.data.d !== (m.inputs ?? m.k)) throw new InputError(`${file}: data.d is ${c.data.d} but the model reads ${m.inputs ?? m.k} features`);
  if (c.best) {
    c.best.params.forEach((a, q) => {
      if (a.length !== sizes[q]) throw new InputError(`${file}: best.params[${q}] has ${a.length} entries, expected ${sizes[q]} (the size of ${"ABWc"[q]})`);
    });
  }
  if (c.order.length !== c.data.n) throw new InputError(`${file}: order has ${c.order.length} entries, expected data.n = ${c.data.n}`);
  const seen = new Uint8Array(c.data.n);
  c.order.forEach((r, i) => {
    if (r >= c.data.n || seen[r] === 1) throw new InputError(`${file}: order[${i}]: must be a permutation of 0..${c.data.n - 1} (got ${r}${r < c.data.n ? ", repeated" : ""})`);
    seen[r] = 1;
  });
  if (c.history !== undefined) attachHistory(c, c.history, file);
  else if (v < 2) throw new InputError(`${file}: missing field history (version 1 checkpoints hold it inline)`);
  const e = c.ensemble;
  if (e) {
    if (e.member >= e.count) throw new InputError(`${file}: ensemble.member must be < ensemble.count = ${e.count} (got ${e.member})`);
    if (e.finished.length !== e.member) throw new InputError(`${file}: ensemble.finished holds ${e.finished.length} members, expected ensemble.member = ${e.member} (the members before the checkpointed one)`);
    e.finished.forEach((f, i) => parseModelJson(f.model, `${file}: ensemble.finished[${i}].model`));
  }
  if (c.restarts.chosen >= c.restarts.losses.length) {
    throw new InputError(`${file}: restarts.chosen must be < ${c.restarts.losses.length}, the number of restart losses (got ${c.restarts.chosen})`);
  }
  return c;
}

/**
 * What a run did before each training option existed. A checkpoint written before an option was
 * added has no key for it and trained as if it had had `before(checkpoint)`: this one table is how
 * every older checkpoint (and so every older dynaspin's run) is read, whatever the option.
 *
 * `applies`: the resumed run takes that value (options no command-line flag sets, that only shape
 * the updates from here on: a user cannot have chosen otherwise for a run made before they
 * existed). Otherwise the value is compared with this run's, like every recorded option, and a
 * difference is refused naming the flag (these shape what is set up before the run resumes: the
 * engine, the split, the network).
 *
 * A new option adds a row here; a change of behaviour that no option records adds a row to
 * {@link RULES_BEFORE}.
 */
export const OPTIONS_BEFORE: readonly {
  /** The resolved option ({@link ResolvedTrainOptions} key). */
  key: keyof ResolvedTrainOptions;
  /** Its value in a run made before it existed. */
  before: (ckpt: CheckpointJson) => unknown;
  /** Whether the resumed run takes `before` (true) or it is compared with this run's value (false). */
  applies: boolean;
  /** What came in with it. */
  since: string;
}[] = [
  { key: "precision", before: () => "float64", applies: false, since: "float32 training (--precision)" },
  { key: "features", before: () => null, applies: false, since: "input feature transforms (--features)" },
  { key: "auto", before: () => false, applies: false, since: "checkpoint version 2: the automatic budget (version 1 had explicit --epochs)" },
  { key: "updates", before: () => 0, applies: false, since: "checkpoint version 2: the update budget (--updates)" },
  { key: "validation", before: () => 0, applies: false, since: "checkpoint version 2: the validation split (--validation)" },
  { key: "patience", before: () => 0, applies: false, since: "checkpoint version 2: early stopping (--patience)" },
  { key: "curriculum", before: () => 0, applies: false, since: "checkpoint version 2: the depth curriculum" },
  { key: "extraP0", before: () => DEFAULT_EXTRA_P0, applies: false, since: "checkpoint version 2: oscillators beyond the features (--extra-p0)" },
  { key: "oscillators", before: (c) => (c.model as { k?: unknown }).k ?? null, applies: false, since: "checkpoint version 2: --oscillators (before: one oscillator per feature)" },
  { key: "fanInReference", before: () => 0, applies: true, since: "A's learning rate times min(1, 64/K) above 64 oscillators" },
  { key: "minPatience", before: (c) => c.options.patience ?? 0, applies: true, since: "early stopping's growing patience (before: a fixed --patience)" },
  { key: "sam", before: () => null, applies: true, since: "sharpness-aware minimisation (TrainOptions.sam; the automatic default of sets without a validation split)" },
];

/**
 * Changes of the training rules that no option records. `madeBefore` tells a checkpoint written
 * before the change (by the options it records), `changes` whether the change alters this
 * checkpoint's run from here on; such a checkpoint is refused with `refusal` (this version cannot
 * continue it as it was made), any other resumes bit for bit.
 */
export const RULES_BEFORE: readonly {
  /** True for a checkpoint written before the change. */
  madeBefore: (ckpt: CheckpointJson) => boolean;
  /** True when the change alters the continuation of this checkpoint's network. */
  changes: (model: Model) => boolean;
  /** The refusal (after the file name). */
  refusal: string;
}[] = [
  {
    // Adam's ε became ε·r/s per parameter array (unit-invariant training) shortly before
    // fanInReference came in: a checkpoint without fanInReference is taken as one from before
    // (one made in the half hour between the two is refused too, though it would resume).
    madeBefore: (c) => c.options.fanInReference === undefined,
    changes: (m) => {
      const s = updateScales(m, DEPTH_REFERENCE, 0), r = referenceScales(m, DEPTH_REFERENCE);
      return s[1] !== r[1] || s[2] !== r[2] || s[3] !== r[3] || s[0].some((v, i) => v !== r[0][i]);
    },
    refusal:
      "the checkpoint was written by an older dynaspin, whose Adam added its ε in the device's own units; this version scales ε to the paper device's units (unit-invariant training), " +
      "which for this device (its power or current scale is not the paper device's) continues the run differently; finish it with the dynaspin that wrote it, or train anew",
  },
];

/**
 * The options a resumed run continues with, and the options the checkpoint was made with, each
 * option it does not record filled in from {@link OPTIONS_BEFORE}. `evalEvery` (no flag sets it;
 * it only decides which epochs evaluate the history's metrics) and `restartEpochs` (the restart
 * trials ended before any checkpoint) are always the checkpoint's, so the run goes on bit for bit
 * as it was made.
 * @param d the number of input features (for the automatic oscillator count).
 * @param classes the classes of a classification run (for the automatic oscillator count; 0 for regression).
 */
export function checkpointOptions(ckpt: CheckpointJson, options: ResolvedTrainOptions, d: number, classes = 0): { options: ResolvedTrainOptions; made: Record<string, unknown> } {
  const made: Record<string, unknown> = { ...ckpt.options };
  const resumed: Record<string, unknown> = { ...options };
  for (const row of OPTIONS_BEFORE) {
    if (made[row.key] !== undefined) continue;
    made[row.key] = row.before(ckpt);
    if (row.applies) resumed[row.key] = made[row.key];
  }
  const ckEval = ckpt.options.evalEvery;
  if (typeof ckEval === "number" && Number.isInteger(ckEval) && ckEval >= 1) resumed.evalEvery = ckEval;
  // The restart trials are over when a checkpoint is taken: their length (no flag sets it; it
  // follows the planned epochs and the evaluation cadence, whose rules change) is the checkpoint's.
  const ckTrials = ckpt.options.restartEpochs;
  if (typeof ckTrials === "number" && Number.isInteger(ckTrials) && ckTrials >= 0) resumed.restartEpochs = ckTrials;
  // An automatic oscillator count (null) is the number it resolves to for these data.
  const auto = Math.max(d, AUTO_DEFAULTS.oscillators, classes);
  if (made.oscillators === null && resumed.oscillators !== null) made.oscillators = auto;
  if (resumed.oscillators === null && typeof made.oscillators === "number" && made.oscillators === auto) made.oscillators = null;
  return { options: resumed as unknown as ResolvedTrainOptions, made };
}

function describe(v: unknown): string {
  return v === undefined ? "nothing" : JSON.stringify(v);
}

/** An option's value in a message: null, an option left to its default, is said so (it printed "null"). */
function shown(v: unknown): string {
  return v === null ? "the default (no flag)" : describe(v);
}

/**
 * Rebuilds the run a checkpoint holds, after checking that it belongs to this training: the same
 * resolved options, the same data (fingerprint) and the same device curves.
 * @param ckpt a validated checkpoint ({@link parseCheckpointJson}).
 * @param file the checkpoint's name, for messages.
 * @param flagNames how the user sets each option (e.g. `{ batchSize: "--batch" }`), named in messages.
 * @param val the validation rows of the run ({@link planTraining}), when it has them; `trainSet`
 *   is then the rows it trains on (`plan.fit`).
 * @throws InputError naming the first option (or the data, or the device) that differs.
 */
export function restoreTrainingRun(
  ckpt: CheckpointJson,
  file: string,
  trainSet: Dataset,
  test: Dataset | undefined,
  options: ResolvedTrainOptions,
  devices: DeviceCurve | DeviceCurve[],
  flagNames: Record<string, string> = {},
  engine: EngineFactory | null = null,
  val: Dataset | null = null,
): {
  /** The run at the checkpoint's epoch, ready to continue. */
  run: TrainingRun;
  /** The restart choice the checkpoint recorded. */
  selection: RestartSelection;
  /** The depth curriculum's shallow network the run started from (null: none; undefined: not recorded, a checkpoint older than version 3). */
  curriculum?: TrainResult["curriculum"];
} {
  // A rule this version cannot continue the checkpoint's run with is refused first (no flag helps).
  const ruleChange = RULES_BEFORE.find((r) => r.madeBefore(ckpt) && r.changes(modelFromJson(ckpt.model, `${file}: model`)));
  if (ruleChange !== undefined) throw new InputError(`${file}: ${ruleChange.refusal}`);
  const fp = fingerprintData(trainSet, test);
  const d = ckpt.data;
  const otherData = (): InputError =>
    new InputError(
      `${file}: the checkpoint was made on other data (${d.n} training rows × ${d.d} features, ${d.testN} test rows, hash ${d.hash}/${d.testHash || "-"}; ` +
        `this run has ${fp.n} × ${fp.d}, ${fp.testN}, hash ${fp.hash}/${fp.testHash || "-"}); resume with the same data, split seed and test fraction`,
    );
  // Other data first: options the automatic budget derives from the data (epochs, patience) differ
  // then too, and naming one of them sent the user to a flag they never gave ("add --epochs 261").
  // The test rows and the feature count do not depend on any training option (the rows trained on
  // do: the validation split follows --seed and --validation), so they decide it here.
  if (d.d !== fp.d || d.testN !== fp.testN || d.testHash !== fp.testHash) throw otherData();
  const { options: resumed, made } = checkpointOptions(ckpt, options, featureCount(options, trainSet.d), classCountOf(trainSet));
  options = resumed;
  const now = JSON.parse(JSON.stringify(options)) as Record<string, unknown>;
  for (const key of new Set([...Object.keys(now), ...Object.keys(made)])) {
    const a = describe(made[key]), b = describe(now[key]);
    if (a !== b) {
      const flag = flagNames[key];
      const value = made[key];
      const add = flag !== undefined && (typeof value === "number" || typeof value === "string") ? `: add ${flag} ${value} to continue it as it was made` : "";
      throw new InputError(`${file}: the checkpoint was made with ${key} = ${shown(made[key])}, this run has ${key} = ${shown(now[key])}${flag === undefined ? "" : ` (${flag})`}; resume with the same training options${add}`);
    }
  }
  if (d.n !== fp.n || d.hash !== fp.hash) throw otherData();
  const model = modelFromJson(ckpt.model, `${file}: model`);
  const list = Array.isArray(devices) ? devices : new Array<DeviceCurve>(model.k).fill(devices);
  for (let i = 0; i < model.k; i++) {
    const a = JSON.stringify(model.devices[i].toSpec()), b = JSON.stringify(list[i]?.toSpec());
    if (a !== b) throw new InputError(`${file}: the checkpoint was made with device ${a}${model.k > 1 ? ` for oscillator ${i}` : ""}, this run has ${b ?? "none"}; resume with the same --device`);
  }
  if (ckpt.history === undefined) throw new InputError(`${file}: the checkpoint's history was not loaded (read it with readCheckpoint, which reads history.jsonl beside it)`);
  const history: EpochMetrics[] = ckpt.history.map((h) => ({
    epoch: h.epoch,
    lr: h.lr,
    trainLoss: h.trainLoss,
    trainAccuracy: h.trainAccuracy,
    testLoss: h.testLoss ?? NaN,
    testAccuracy: h.testAccuracy ?? NaN,
    seconds: h.seconds,
    ...(h.valLoss !== undefined ? { valLoss: h.valLoss ?? NaN, valAccuracy: h.valAccuracy ?? NaN } : {}),
    ...(h.trainMse !== undefined ? { trainMse: h.trainMse ?? NaN, testMse: h.testMse ?? NaN } : {}),
    ...(h.valMse !== undefined ? { valMse: h.valMse ?? NaN } : {}),
  }));
  const b = ckpt.best;
  const run = TrainingRun.fromState(model, trainSet, options, test, {
    adam: { t: ckpt.adam.t, m: ckpt.adam.m.map((a) => Float64Array.from(a)), v: ckpt.adam.v.map((a) => Float64Array.from(a)) },
    rng: { s: [...ckpt.rng.s], spare: ckpt.rng.spare },
    order: Int32Array.from(ckpt.order),
    epochsDone: ckpt.epochsDone,
    history,
    best: b ? { accuracy: b.accuracy, loss: b.loss, epoch: b.epoch, update: b.update, A: Float64Array.from(b.params[0]), B: Float64Array.from(b.params[1]), W: Float64Array.from(b.params[2]), c: Float64Array.from(b.params[3]) } : null,
  }, engine, val);
  const c = ckpt.curriculum;
  const curriculum = c === undefined ? undefined : c === null ? null : { steps: c.steps, firstTrainLoss: c.firstTrainLoss ?? NaN, trainLoss: c.trainLoss ?? NaN };
  return { run, selection: { chosenRestart: ckpt.restarts.chosen, restartLosses: ckpt.restarts.losses.slice() }, ...(curriculum !== undefined ? { curriculum } : {}) };
}
