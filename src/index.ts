/**
 * dynaspin — dynamical neural networks of spin-transfer nano-oscillators: the public API.
 *
 * A curated list of what a user of the library needs: device curves, data sets, the network and
 * its training, evaluation under device variation and hardware non-idealities, the macrospin
 * simulator, design-space exploration, the hardware cost model and the plots, with their option and
 * result types. Named re-exports only; no side effects; nothing platform-specific, so this entry
 * runs unchanged in Node, workers and browsers. Node-only helpers (files, worker threads, PNG, the
 * `reproduce` pipeline) are the second entry point, `dynaspin/node` (src/node/index.ts); the CLI is
 * src/cli/. Kernels, workspaces, engines, resolved-option internals and flag parsers are not
 * exported: inside this repository import them from their modules.
 *
 * The list is checked by test/architecture/public-api.test.ts (the names are exactly the declared
 * list, every one carries a doc comment); adding a name is a decision made there.
 * @module dynaspin
 */

// Errors, seeds, version.
export { InputError, ComputationError } from "./util/errors.js";
export { Rng, deriveSeed } from "./util/rng.js";
export { VERSION } from "./version.js";

// Devices: power-vs-current curves p(I), presets, measured tables, fitting, variation.
export type { DeviceCurve, DeviceSpec } from "./device/curve.js";
export { eq3, eq4, Eq3Curve, Eq4Curve, PAPER_DEVICE, type Eq3Params, type Eq4Params, type Units } from "./device/analytic.js";
export { curveFromSpec, specFromCurve } from "./device/spec.js";
export { operatingRange, type OperatingRange } from "./device/operating.js";
export { PRESETS, PRESET_NAMES, presetCurve, type DevicePreset, type PresetName } from "./device/presets.js";
export { tableCurve, TableCurve, type Extrapolation, type TableOptions } from "./device/table.js";
export { fitCurve, FIT_MODELS, type FitModel, type FitOptions, type FitParameter, type FitResult } from "./device/fit.js";
export { drawDevices, VARIATION_PARAMS, type VariationSpec, type VariationParam, type VariationDistribution, type DrawResult } from "./device/variation.js";

// Data sets: synthetic tasks, the paper's digits, CSV text, splits and normalisation.
export { subset, isRegression, targetCount, type Dataset } from "./data/dataset.js";
export { makeSpiral, type SpiralOptions } from "./data/spiral.js";
export { makeCircles, makeXor, makeGaussians, makeMoons, makeSynthetic, SYNTHETIC_SETS, type SyntheticOptions, type SyntheticSet, makePlane, makeMultiGaussian, makeRegressionSet, REGRESSION_SETS, type RegressionSet, type RegressionSetOptions } from "./data/synthetic.js";
export { parseDigits } from "./data/digits.js";
export { parseCsvDataset, formatCsvDataset, type CsvDataset, type CsvOptions } from "./data/csv.js";
export { stratifiedSplit, stratifiedFolds, fitNormalization, applyNormalization, type Split } from "./data/split.js";
export { parseFeatureMap, applyFeatureMap, FEATURE_PRESETS, type FeatureMap } from "./data/features.js";

// The network: model, forward pass, evaluation, gradients, model files.
export { createModel, cloneModel, inputCount, columnCount, isRegressionModel, PROBLEMS, type Model, type ModelShape, type Normalization, type Problem, type TargetScale } from "./network/model.js";
export { initializeModel, type InitOptions } from "./network/init.js";
export { runForward, evaluate, evaluateArrays, lossAndGradients, evaluateRegression, evaluateRegressionArrays, regressionScores, predictValues, predictLogits, regressionValues, type Prediction, type ForwardResult, type Evaluation, type NestedGradients, type RegressionEvaluation } from "./network/api.js";
export { PRECISIONS, type Precision } from "./network/engine.js";
export { mergeNetworks } from "./network/ensemble.js";
export { modelToJson, modelFromJson, stringifyModel, parseModel } from "./network/io.js";
export { parseModelJson, MODEL_FORMAT, MODEL_VERSION, type ModelJson } from "./io/model-schema.js";
export { setKernelBackend, kernelBackend, type KernelBackend } from "./kernels/backend.js";

// Training: options, the loop (all at once or one epoch at a time), optimiser, tasks, checkpoints.
export { train, Trainer, TrainingRun, resolveTrainOptions, planTraining, planEnsemble, fitTargetScale, type EnsembleMember, type EnsemblePlan, type EnsembleRecord, type EnsembleResume, type FinishedMember, type TrainingPlan, type TrainOptions, type ResolvedTrainOptions, type EpochMetrics, type TrainResult, type TrainerEvent, type TrainingStage } from "./train/train.js";
export { SAM_PARAMS, type SamParams, type SharpnessOptions, type ResolvedSharpness } from "./train/sam.js";
export { Adam, type AdamOptions, type AdamState } from "./train/adam.js";
export { SCHEDULES, type Schedule } from "./train/schedule.js";
export { TASKS, TASK_DEFAULTS, PAPER_RESULTS, type TaskName } from "./train/tasks.js";
export { checkpointToJson, parseCheckpointJson, restoreTrainingRun, stringifyCheckpoint, CHECKPOINT_FORMAT, CHECKPOINT_VERSION, type CheckpointJson } from "./train/checkpoint.js";

// Robustness: device variation and hardware non-idealities (converters, read noise, limits).
export { robustnessSweep, type RobustnessOptions, type RobustnessResult, type SigmaStats } from "./sweep/robustness.js";
export { evaluateHardware, type Hardware } from "./network/hardware.js";

// Physics: macrospin LLG + spin-transfer torque, the simulated p(I) curve, closed forms.
export { resolveDevice, PY_CU_PY, type DeviceParams, type ResolvedDevice, type EfficiencySpec } from "./physics/params.js";
export { cylinderDemag, type DemagFactors } from "./physics/demag.js";
export { llgModel, LlgModel } from "./physics/llg.js";
export { sweepCurrents, simulateCurrent, type SweepOptions, type CurvePoint, type PointStatus } from "./physics/sweep.js";
export { thresholdCurrent, stationaryState, type StationaryState } from "./physics/closedform.js";
export { measureRelaxation, type Relaxation, type RelaxationOptions } from "./physics/relaxation.js";

// Hardware cost of an inference.
export { parseProfile, PROFILE_DEFAULTS, type HardwareProfile, type ProfileConstant } from "./cost/profile.js";
export { driveStats, resolveProfile, inferenceCost, costJson, costReport, COST_PARTS, type DriveStats, type ResolvedProfile, type InferenceCost, type CostPart, type LatencyPart } from "./cost/inference.js";

// Design-space exploration.
export { resolveExplore, EXPLORE_AXES, type ExploreSpec, type ExplorePoint, type ResolvedExplore, type ExploreAxis, type DeviceValue } from "./explore/spec.js";
export { runExploreTask, exploreSplits, type ExploreRow, type ExploreSplits } from "./explore/run.js";
export { exploreCsv, summarize, paretoFront, cheapestAbove, type PointSummary } from "./explore/results.js";
export { exploreFigures } from "./explore/figures.js";

// Plots: pure functions from arrays to SVG strings; the paper's figures; the HTML report.
export { lineChart, type LineChartOptions, type LineSeries, type RefLine } from "./plot/line.js";
export { scatterChart, type ScatterChartOptions, type ClassPoints, type RegionGrid } from "./plot/scatter.js";
export { heatmapChart, type HeatmapChartOptions } from "./plot/heatmap.js";
export { histogram, histogramChart, type Histogram, type HistogramChartOptions } from "./plot/histogram.js";
export { panelGrid, type PanelGridOptions } from "./plot/panel.js";
export { type AxisOptions, type LegendPosition, type ChartBaseOptions, type AxesChartOptions } from "./plot/frame.js";
export { PALETTE } from "./plot/palette.js";
export { networkFigure, type NetworkFigureData } from "./plot/network.js";
export { figure2, figure3, figure4, figure5, confusionFigure, trajectoryFigure, currentHistogramFigure, powerFrequencyFigure, type Figure2Data, type Figure3Data, type Figure3Epoch, type Figure4Data, type Figure4Curve, type Figure5Data, type ConfusionData, type TrajectoryData, type CurrentHistogramData, type PowerFrequencyData } from "./plot/figures.js";
export { accuracyHeatmap, accuracyLines, paretoChart, type AccuracyCurve } from "./plot/explore.js";
export { renderReport, type ReportData, type ReportSection, type ReportFigure, type ReportTable } from "./plot/report.js";
export { inputPlane, decisionRegions, trajectories, type InputPlane } from "./reproduce/figure-data.js";
