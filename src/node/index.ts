/**
 * dynaspin/node: the Node-only part of the library, as the package's second entry point
 * (`import { loadCsvDataset } from "dynaspin/node"`). Files (every output written atomically),
 * worker threads (results identical for any number of them), PNG rendering and the `reproduce`
 * pipeline. Named re-exports only; importing it starts nothing. The platform-free core is the
 * root entry, `dynaspin`.
 * @module dynaspin/node
 */
export { writeFileAtomic, readTextFile, readJsonFile } from "./files.js";
export { loadCsvDataset, type LoadCsvOptions } from "./csv-file.js";
export { loadDeviceArg, parseDeviceJson, readCurveCsv, deviceFileJson, DEVICE_FORMAT, DEVICE_FORMAT_VERSION, type CurveData } from "./device-file.js";
export { readModelFile } from "./model-file.js";
export { readCheckpoint, writeCheckpoint, checkpointPath, CHECKPOINT_FILE } from "./checkpoint-file.js";
export { loadDigits, loadSource, type DataSource } from "./tasks.js";
export { loadMnist } from "./mnist.js";
export { svgToPng, writeFigure, type PngOptions } from "./png.js";
export { sweepParallel, defaultWorkers } from "./llg-worker.js";
export { robustnessParallel, prestartRobustnessWorkers, defaultRobustnessWorkers, type ParallelOptions as RobustnessParallelOptions } from "./robustness-worker.js";
export { readRobustnessFile, writeRobustness, mergeShards, shardRange, ROBUSTNESS_FORMAT, type RobustnessFile, type SigmaEntry, type SweepSignature } from "./robustness-files.js";
export { startParallelKernels, type ParallelOptions as ParallelKernelOptions } from "./train-worker.js";
export { startParallelTraining, parallelTrainingReady, type ParallelTrainingOptions } from "./data-parallel.js";
export { runReproduce, type ReproduceOptions, type ReproduceOutput } from "./reproduce.js";
export { readProfileFile, costOf } from "./cost-profile.js";
export { startStaticServer, PLAYGROUND_CSP, type StaticServerOptions, type RunningServer } from "./static-server.js";
