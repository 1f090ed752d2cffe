// The public API, declared: the names the two entry points export (values and types), so that the
// API grows by decision, not by accretion. Adding an export to src/index.ts or src/node/index.ts
// means adding it here, with a doc comment (formula, units, defaults) on its declaration.
// Kernels, workspaces, engines, resolved internals and flag parsers stay in their modules.

/** Every name `dynaspin` (src/index.ts) exports, sorted case-insensitively. */
export const ROOT_EXPORTS: readonly string[] = [
  "AccuracyCurve", "accuracyHeatmap", "accuracyLines", "Adam", "AdamOptions", "AdamState",
  "applyFeatureMap", "applyNormalization", "AxesChartOptions", "AxisOptions", "ChartBaseOptions", "cheapestAbove",
  "CHECKPOINT_FORMAT", "CHECKPOINT_VERSION", "CheckpointJson", "checkpointToJson", "ClassPoints",
  "cloneModel", "columnCount", "ComputationError", "ConfusionData", "confusionFigure", "COST_PARTS", "costJson", "CostPart",
  "costReport", "createModel", "CsvDataset", "CsvOptions", "CurrentHistogramData", "currentHistogramFigure",
  "curveFromSpec", "CurvePoint", "cylinderDemag", "Dataset", "decisionRegions", "DemagFactors", "deriveSeed",
  "DeviceCurve", "DeviceParams", "DevicePreset", "DeviceSpec", "DeviceValue", "drawDevices", "DrawResult",
  "DriveStats", "driveStats", "EfficiencySpec", "EnsembleMember", "EnsemblePlan", "EnsembleRecord", "EnsembleResume", "EpochMetrics", "eq3", "Eq3Curve", "Eq3Params", "eq4",
  "Eq4Curve", "Eq4Params", "evaluate", "evaluateArrays", "evaluateHardware", "evaluateRegression",
  "evaluateRegressionArrays", "Evaluation", "EXPLORE_AXES", "ExploreAxis", "exploreCsv", "exploreFigures",
  "ExplorePoint", "ExploreRow", "ExploreSpec", "ExploreSplits", "exploreSplits", "Extrapolation", "FEATURE_PRESETS", "FeatureMap", "figure2",
  "Figure2Data", "figure3", "Figure3Data", "Figure3Epoch", "figure4", "Figure4Curve", "Figure4Data",
  "figure5", "Figure5Data", "FinishedMember", "FIT_MODELS", "fitCurve", "FitModel", "fitNormalization", "FitOptions",
  "FitParameter", "FitResult", "fitTargetScale", "formatCsvDataset", "ForwardResult", "Hardware",
  "HardwareProfile", "heatmapChart", "HeatmapChartOptions", "Histogram", "histogram", "histogramChart",
  "HistogramChartOptions", "InferenceCost", "inferenceCost", "initializeModel", "InitOptions", "inputCount",
  "InputError", "InputPlane", "inputPlane", "isRegression", "isRegressionModel", "KernelBackend",
  "kernelBackend", "LatencyPart", "LegendPosition", "lineChart", "LineChartOptions", "LineSeries",
  "LlgModel", "llgModel", "lossAndGradients", "makeCircles", "makeGaussians", "makeMoons",
  "makeMultiGaussian", "makePlane", "makeRegressionSet", "makeSpiral", "makeSynthetic", "makeXor",
  "measureRelaxation", "mergeNetworks", "Model", "MODEL_FORMAT", "MODEL_VERSION", "modelFromJson", "ModelJson", "ModelShape",
  "modelToJson", "NestedGradients", "networkFigure", "NetworkFigureData", "Normalization", "OperatingRange",
  "operatingRange", "PALETTE", "panelGrid", "PanelGridOptions", "PAPER_DEVICE", "PAPER_RESULTS",
  "paretoChart", "paretoFront", "parseCheckpointJson", "parseCsvDataset", "parseDigits", "parseFeatureMap", "parseModel",
  "parseModelJson", "parseProfile", "planEnsemble", "planTraining", "PointStatus", "PointSummary", "PowerFrequencyData",
  "powerFrequencyFigure", "Precision", "PRECISIONS", "Prediction", "predictLogits", "predictValues", "PRESET_NAMES", "presetCurve",
  "PresetName", "PRESETS", "Problem", "PROBLEMS", "PROFILE_DEFAULTS", "ProfileConstant", "PY_CU_PY",
  "RefLine", "RegionGrid", "REGRESSION_SETS", "RegressionEvaluation", "regressionScores", "RegressionSet", "regressionValues",
  "RegressionSetOptions", "Relaxation", "RelaxationOptions", "renderReport", "ReportData", "ReportFigure",
  "ReportSection", "ReportTable", "ResolvedDevice", "resolveDevice", "ResolvedExplore", "ResolvedProfile", "ResolvedSharpness",
  "ResolvedTrainOptions", "resolveExplore", "resolveProfile", "resolveTrainOptions", "restoreTrainingRun",
  "Rng", "RobustnessOptions", "RobustnessResult", "robustnessSweep", "runExploreTask", "runForward", "SAM_PARAMS", "SamParams",
  "scatterChart", "ScatterChartOptions", "Schedule", "SCHEDULES", "setKernelBackend", "SharpnessOptions", "SigmaStats",
  "simulateCurrent", "specFromCurve", "SpiralOptions", "Split", "StationaryState", "stationaryState",
  "stratifiedFolds", "stratifiedSplit", "stringifyCheckpoint", "stringifyModel", "subset", "summarize", "sweepCurrents",
  "SweepOptions", "SYNTHETIC_SETS", "SyntheticOptions", "SyntheticSet", "TableCurve", "tableCurve",
  "TableOptions", "targetCount", "TargetScale", "TASK_DEFAULTS", "TaskName", "TASKS", "thresholdCurrent",
  "train", "Trainer", "TrainerEvent", "TrainingPlan", "TrainingRun", "TrainingStage", "TrainOptions", "TrainResult",
  "trajectories", "TrajectoryData", "trajectoryFigure", "Units", "VARIATION_PARAMS", "VariationDistribution",
  "VariationParam", "VariationSpec", "VERSION",
];

/**
 * Every name `dynaspin/node` (src/node/index.ts) exports, sorted case-insensitively. Curated: what a
 * program needs to do what the CLI does with files, threads, figures and the playground server.
 * Left out on purpose: CHECKPOINT_FILE (checkpointPath gives the path), defaultWorkers and
 * defaultRobustnessWorkers (the sweeps default to the available cores themselves),
 * prestartRobustnessWorkers (a benchmark's warm-up), PLAYGROUND_CSP (the server applies it).
 */
export const NODE_EXPORTS: readonly string[] = [
  "checkpointPath", "costOf", "CurveData", "DataSource", "DEVICE_FORMAT", "DEVICE_FORMAT_VERSION", "deviceFileJson", "loadCsvDataset",
  "LoadCsvOptions", "loadDeviceArg", "loadDigits", "loadMnist", "loadSource", "makePlan", "mergeShards", "NativeStatus", "nativeStatus", "NodePrediction", "NodeTrainOptions",
  "ParallelKernelOptions", "ParallelTrainingOptions", "parallelTrainingReady", "parseDeviceJson",
  "PngOptions", "predict", "readCheckpoint", "readCurveCsv",
  "readJsonFile", "readModelFile", "readProfileFile", "readRobustnessFile", "readTextFile",
  "ReproduceMode", "ReproduceOptions", "ReproduceOutput", "ReproducePlan", "ReproducePlanOptions", "ROBUSTNESS_FORMAT", "RobustnessFile", "robustnessParallel",
  "RobustnessParallelOptions", "RunningServer", "runReproduce", "shardRange", "SigmaEntry",
  "startParallelKernels", "startParallelTraining", "startStaticServer", "StaticServerOptions", "svgToPng",
  "sweepParallel", "SweepSignature", "train", "Trainer", "TRAIN_ENGINES", "TrainEngine", "writeCheckpoint", "writeFigure", "writeFileAtomic", "writeRobustness",
];
