/**
 * Follows a staged Trainer (Trainer.stage) to the end, the way the CLI and the playground worker
 * drive it: records each phase once (labelled by `label`) and checks that every advance moves the
 * phase's progress by one trained epoch (none for a restart choice) within a fixed total. Returns
 * the phases, the result and the finished trainer (its members, for an ensemble).
 */
import assert from "node:assert/strict";
import { Trainer, type TrainOptions, type TrainingStage, type TrainResult, type Dataset } from "../../src/index.js";

export function followStages(data: Dataset, options: TrainOptions, label: (st: TrainingStage) => string): { phases: string[]; result: TrainResult; trainer: Trainer } {
  const trainer = new Trainer(data, options, { stagedCurriculum: true, stagedAlternatives: true });
  const phases: string[] = [];
  let last: TrainingStage | null = null;
  while (!trainer.done) {
    const st = trainer.stage;
    if (last === null || last.trainer !== st.trainer) {
      phases.push(label(st));
      last = st;
    }
    const before = st.trainer.progress;
    const ev = st.trainer.advance();
    const after = st.trainer.progress;
    assert.equal(after.total, before.total);
    assert.equal(after.done, before.done + (ev.kind === "selected" ? 0 : 1), `${phases.at(-1)}: one epoch of progress per trained epoch`);
    if (st.kind !== "run") assert.ok(after.done <= after.total);
  }
  return { phases, result: trainer.finish(0), trainer };
}
