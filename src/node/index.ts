/**
 * dynaspin/node: the Node-only part of the library, as the package's second entry point
 * (`import { loadCsvDataset } from "dynaspin/node"`). Files (every output written atomically),
 * worker threads (results identical for any number of them), PNG rendering and the `reproduce`
 * pipeline. Named re-exports only; importing it starts nothing. The platform-free core is the
 * root entry, `dynaspin`.
 *
 * The list is curated (declared in the package's tests): what a program needs to do what the CLI
 * does — read data, devices, models and checkpoints; write results atomically; run sweeps and
 * training on worker threads; render figures; serve the playground. Worker plumbing, warm-up
 * helpers and the CLI's own defaults stay in their modules.
 * @module dynaspin/node
 */

// Files: atomic writes, text and JSON reads with one-line errors naming the file.
export { writeFileAtomic, readTextFile, readJsonFile } from "./files.js";

// Data sets: CSV files, the built-in tasks, MNIST.
export { loadCsvDataset, type LoadCsvOptions } from "./csv-file.js";
export { loadDigits, loadSource, type DataSource } from "./tasks.js";
export { loadMnist } from "./mnist.js";

// Devices: presets and device files, measured (current, power) curves.
export { loadDeviceArg, parseDeviceJson, readCurveCsv, deviceFileJson, DEVICE_FORMAT, DEVICE_FORMAT_VERSION, type CurveData } from "./device-file.js";

// Models and checkpoints.
export { readModelFile } from "./model-file.js";
export { readCheckpoint, writeCheckpoint, checkpointPath } from "./checkpoint-file.js";

// Training on the fastest engine built here (native when it loaded, else WebAssembly; same bits).
export { train, Trainer, nativeStatus, type NativeStatus, TRAIN_ENGINES, type TrainEngine, type NodeTrainOptions } from "./engines.js";

// Prediction on the fastest engine built here (the native engine's window inference, else WebAssembly; same bits).
export { predict, type NodePrediction } from "./engines.js";

// Training on worker threads (bit-identical to one thread).
export { startParallelTraining, parallelTrainingReady, type ParallelTrainingOptions } from "./data-parallel.js";
export { startParallelKernels, type ParallelOptions as ParallelKernelOptions } from "./train-worker.js";

// Sweeps on worker threads: LLG currents, device-variation robustness, its files and shards.
export { sweepParallel } from "./llg-worker.js";
export { robustnessParallel, type ParallelOptions as RobustnessParallelOptions } from "./robustness-worker.js";
export { readRobustnessFile, writeRobustness, mergeShards, shardRange, ROBUSTNESS_FORMAT, type RobustnessFile, type SigmaEntry, type SweepSignature } from "./robustness-files.js";

// Hardware cost from a profile file.
export { readProfileFile, costOf } from "./cost-profile.js";

// Figures as PNG, the reproduce pipeline, the playground's static server.
export { svgToPng, writeFigure, type PngOptions } from "./png.js";
export { runReproduce, type ReproduceOptions, type ReproduceOutput } from "./reproduce.js";
export { makePlan, type ReproducePlan, type PlanOptions as ReproducePlanOptions, type ReproduceMode } from "../reproduce/plan.js";
export { startStaticServer, type StaticServerOptions, type RunningServer } from "./static-server.js";
