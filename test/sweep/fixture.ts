/** A small trained spiral network and its test split, shared by the sweep tests. */
import { train } from "../../src/train/train.js";
import { makeSpiral } from "../../src/data/spiral.js";
import { stratifiedSplit } from "../../src/data/split.js";
import { eq4 } from "../../src/device/analytic.js";
import type { Model } from "../../src/network/model.js";
import type { Dataset } from "../../src/data/dataset.js";

let cached: { model: Model; train: Dataset; test: Dataset } | null = null;

/** Trains (once per process) a 2-oscillator, 6-step spiral network on 400 points for 80 epochs. */
export function smallSpiral(): { model: Model; train: Dataset; test: Dataset } {
  if (cached) return cached;
  const sp = stratifiedSplit(makeSpiral({ count: 400, seed: 1 }), 0, 0.25);
  const r = train(sp.train, { devices: eq4(), steps: 6, epochs: 80, batchSize: 64, lr: 0.01, restarts: 1, seed: 2, init: { spread: 0.3, mixing: 0.5 } });
  cached = { model: r.model, train: sp.train, test: sp.test };
  return cached;
}
