/**
 * dynaspin — dynamical neural networks of spin-transfer nano-oscillators: the public API.
 * Named re-exports only; no side effects; nothing platform-specific, so this entry runs unchanged
 * in Node, workers and browsers. Node-only helpers (files, worker threads, PNG) are the second
 * entry point, `dynaspin/node` (src/node/index.ts); the CLI is src/cli/. Kernels, workspaces,
 * chunk executors and flag parsers are internals: import them from their modules inside this
 * repository. The docs' imports from this entry are checked by test/architecture/public-api.test.ts.
 * @module dynaspin
 */
export { InputError, ComputationError } from "./util/errors.js";
export { Rng, deriveSeed, type RngState } from "./util/rng.js";
export type { DeviceCurve, DeviceSpec } from "./device/curve.js";
export { eq4Spec, eq4SpecDI, eq4SpecGradient, EQ4_PARAMS } from "./device/eq4.js";
export { eq3, eq4, Eq3Curve, Eq4Curve, PAPER_DEVICE, type Eq3Params, type Eq4Params, type Units } from "./device/analytic.js";
export { curveFromSpec, specFromCurve, DEVICE_MODELS } from "./device/spec.js";
export { operatingRange, type OperatingRange } from "./device/operating.js";
export { PRESETS, PRESET_NAMES, presetCurve, isPresetName, type DevicePreset, type PresetName } from "./device/presets.js";
export { tableCurve, TableCurve, pchipTangents, EXTRAPOLATIONS, type Extrapolation, type TableOptions } from "./device/table.js";
export { parseCsvDataset, parseCsvChunks, formatCsvDataset, type CsvDataset, type CsvOptions, type CsvChunkOptions } from "./data/csv.js";
export { fitCurve, initialGuesses, FIT_MODELS, FIT_PARAMETERS, type FitModel, type FitOptions, type FitParameter, type FitResult } from "./device/fit.js";
export { parseModelJson, modelSchema, MODEL_FORMAT, MODEL_VERSION, type ModelJson } from "./io/model-schema.js";
export { lineChart, type LineChartOptions, type LineSeries, type RefLine } from "./plot/line.js";
export { scatterChart, clipLine, sampleRegions, piles, type ScatterChartOptions, type ClassPoints, type RegionGrid, type StraightLine } from "./plot/scatter.js";
export { heatmapChart, type HeatmapChartOptions } from "./plot/heatmap.js";
export { histogram, histogramChart, type Histogram, type HistogramChartOptions } from "./plot/histogram.js";
export { panelGrid, svgSize, type PanelGridOptions } from "./plot/panel.js";
export { type AxisOptions, type LegendPosition, type ChartBaseOptions, type AxesChartOptions } from "./plot/frame.js";
export { PALETTE, TINTS, sequential as sequentialColor, color as paletteColor } from "./plot/palette.js";
export { networkFigure, type NetworkFigureData } from "./plot/network.js";
export { figure2, figure3, FIGURE3_DENSITY, figure4, figure5, confusionFigure, trajectoryFigure, currentHistogramFigure, powerFrequencyFigure, type Figure2Data, type Figure3Data, type Figure3Epoch, type Figure4Data, type Figure4Curve, type Figure5Data, type ConfusionData, type TrajectoryData, type CurrentHistogramData, type PowerFrequencyData } from "./plot/figures.js";
export { renderReport, figureAnchor, type ReportData, type ReportSection, type ReportFigure, type ReportTable } from "./plot/report.js";
export { MU0, HBAR, ELEMENTARY_CHARGE, BOHR_MAGNETON, BOLTZMANN, GAMMA_ELECTRON } from "./physics/constants.js";
export { besselJ1, cylinderDemag, type DemagFactors } from "./physics/demag.js";
export { resolveDevice, effectiveMagnetisation, isAxiallySymmetric, PY_CU_PY, CURRENT_UNITS, type DeviceParams, type ResolvedDevice, type EfficiencySpec } from "./physics/params.js";
export { LlgModel, llgModel, efficiency, efficiencyDerivative, maxAngularFrequency } from "./physics/llg.js";
export { rk4Step, rk4Workspace, RK4_ORDER, type VectorField, type Rk4Workspace } from "./physics/integrators/rk4.js";
export { heunStep, heunWorkspace, thermalSigma, heunMaxStep, heunAntiDamping, HEUN_ORDER, HEUN_STRONG_ORDER, HEUN_STRONG_ORDER_COMMUTATIVE, HEUN_WEAK_ORDER, type HeunWorkspace } from "./physics/integrators/heun.js";
export { ObservableAccumulator } from "./physics/observables.js";
export { sweepCurrents, simulateCurrent, resolveSweepOptions, initialMagnetisation, MAX_TURN, type SweepOptions, type ResolvedSweepOptions, type CurvePoint, type PointStatus } from "./physics/sweep.js";
export { thresholdCurrent, smallAngleGrowthRate, stationaryState, boltzmannAverage, type StationaryState } from "./physics/closedform.js";
export { checkSchema, type SchemaHints } from "./io/schema.js";
// Network, training and data (core).
export { createModel, createGradients, cloneModel, inputCount, extraInput, DEFAULT_EXTRA_P0, type Model, type ModelShape, type Gradients, type Normalization } from "./network/model.js";
export { createWorkspace, loadBatch, loadInputs, gatherColumns, forward, readout, softmaxCrossEntropy, backward, batchSum, argmaxColumn, countCorrect, type Workspace, type WorkspaceOptions } from "./network/dynamics.js";
export { createEngine32, PRECISIONS, type Precision, type BatchEngine } from "./network/engine.js";
export { initializeModel, type InitOptions } from "./network/init.js";
export { runForward, evaluate, evaluateArrays, lossAndGradients, type ForwardResult, type Evaluation, type NestedGradients } from "./network/api.js";
export { modelToJson, modelFromJson, stringifyModel, parseModel } from "./network/io.js";
export { Adam, type AdamOptions, type AdamState } from "./train/adam.js";
export { learningRate, SCHEDULES, type Schedule } from "./train/schedule.js";
export { train, Trainer, TrainingRun, resolveTrainOptions, planTraining, oscillatorCount, betterScore, parameterScales, updateScales, checkTrainable, AUTO_DEFAULTS, DEPTH_REFERENCE, VALIDATION_INTERVAL, type TrainingPlan, type BestSnapshot, type TrainOptions, type ResolvedTrainOptions, type EpochMetrics, type TrainResult, type TrainerEvent } from "./train/train.js";
export { TASKS, TASK_DEFAULTS, PAPER_RESULTS, type TaskName } from "./train/tasks.js";
export { subset, type Dataset } from "./data/dataset.js";
export { makeSpiral, type SpiralOptions } from "./data/spiral.js";
export { parseDigits } from "./data/digits.js";
export { stratifiedSplit, fitNormalization, applyNormalization, type Split } from "./data/split.js";
export { VERSION } from "./version.js";
export { drawDevices, drawDevicesResolved, drawValue, resolveVariation, VARIATION_PARAMS, VARIATION_DISTRIBUTIONS, MODEL_PARAMS, MAX_REDRAWS, type VariationSpec, type ResolvedVariation, type VariationParam, type VariationDistribution, type DrawResult } from "./device/variation.js";
export { makeCircles, makeXor, makeGaussians, makeMoons, makeSynthetic, SYNTHETIC_SETS, type SyntheticOptions, type SyntheticSet } from "./data/synthetic.js";
export { checkpointToJson, parseCheckpointJson, restoreTrainingRun, stringifyCheckpoint, fingerprintData, hashDataset, checkpointSchema, CHECKPOINT_FORMAT, CHECKPOINT_VERSION, type CheckpointJson, type DataFingerprint, type EpochMetricsJson } from "./train/checkpoint.js";
export { type RestartSelection, type TrainingRunState } from "./train/train.js";
export { robustnessSweep, resolveRobustnessOptions, sigmaStats, type RobustnessOptions, type ResolvedRobustness, type RobustnessResult, type SigmaStats } from "./sweep/robustness.js";
export { resolveHardware, isIdeal, evaluateHardware, type Hardware, type ResolvedHardware } from "./network/hardware.js";
export { makePlan, sigmaGrid, snapshotEpochs, REPRODUCE_MODES, FULL_SEEDS, FULL_ROBUSTNESS, FULL_PHYSICS, type ReproduceMode, type ReproducePlan, type PlanOptions, type TaskPlan, type RobustnessPlan, type DevicePlan, type PhysicsPlan } from "./reproduce/plan.js";
export { trainWithSnapshots, type SnapshotTrainOptions, type SnapshotTrainResult } from "./reproduce/training.js";
export { deviceData, readoutLine, finalStates, decisionRegions, inputPlane, trajectories, injectedCurrents, type InputPlane } from "./reproduce/figure-data.js";
export { comparisonTable, formatTextTable, robustnessCsv, type ReproduceSummary, type TaskSummary, type SeedResult, type RobustnessSummary, type PhysicsSummary } from "./reproduce/summary.js";
export { reproduceReport, type ReproduceFigures, type ReproduceNotes } from "./reproduce/report.js";
export { setKernelBackend, kernelBackend, type KernelBackend } from "./kernels/backend.js";
export { mnistDataset, MNIST_PIXELS } from "./data/mnist.js";
export { EXTRA_TASKS, ALL_TASKS, EXTRA_TASK_DEFAULTS } from "./train/tasks.js";
export { measureRelaxation, deviceRelaxationTime, relaxationRateClosedForm, type Relaxation, type RelaxationOptions } from "./physics/relaxation.js";
export { parseProfile, PROFILE_SCHEMA, PROFILE_DEFAULTS, type HardwareProfile, type ProfileConstant } from "./cost/profile.js";
export { driveStats, resolveProfile, inferenceCost, costJson, costReport, siUnit, COST_PARTS, type DriveStats, type ResolvedProfile, type InferenceCost, type CostPart, type LatencyPart } from "./cost/inference.js";
export { resolveExplore, axisValue, EXPLORE_SCHEMA, EXPLORE_AXES, NUMERIC_AXES, type ExploreSpec, type ExplorePoint, type ResolvedExplore, type ExploreAxis, type DeviceValue } from "./explore/spec.js";
export { runExploreTask, exploreSplits, checkPoints, pointDevice, pointHardware, pointTrainOptions, type ExploreRow, type ExploreSplits } from "./explore/run.js";
export { exploreCsv, summarize, paretoFront, cheapestAbove, pointAxes, type PointSummary } from "./explore/results.js";
export { exploreFigures, shownAxes, AXIS_NAMES } from "./explore/figures.js";
export { accuracyHeatmap, accuracyLines, paretoChart, type AccuracyCurve } from "./plot/explore.js";
