// Re-exports for the failed-training tests.
export { TrainingRun, resolveTrainOptions } from "../../src/train/train.js";
export { trainingFailure as trainingFailureForTest } from "../../src/cli/commands/train.js";
