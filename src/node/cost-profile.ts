/**
 * Hardware cost profiles from files, and the `cost` block that `dynaspin cost`, `train --json` and
 * `eval --json` print. The cost model itself is src/cost/ (pure).
 */
import type { Model } from "../network/model.js";
import type { Hardware } from "../network/hardware.js";
import { parseProfile, type HardwareProfile } from "../cost/profile.js";
import { driveStats, inferenceCost, resolveProfile, costJson, type InferenceCost, type ResolvedProfile } from "../cost/inference.js";
import { resolveDevice } from "../physics/params.js";
import { readJsonFile } from "./files.js";

/**
 * Reads and validates a hardware profile JSON file (an inline LLG device is validated too).
 * @throws InputError `<path>: <field>: <problem> [unit: ...]`.
 */
export function readProfileFile(path: string): HardwareProfile {
  const p = parseProfile(readJsonFile(path, "hardware profile"), path);
  const dev = p.oscillator?.llg?.device;
  if (dev !== undefined && dev !== "py-cu-py") resolveDevice(dev, `${path}: oscillator.llg.device.`);
  return p;
}

/** Cost of one inference of `model` over the inputs x (n×k raw features). */
export function costOf(model: Model, x: Float64Array, n: number, hardware: Hardware | undefined, profile: HardwareProfile = {}, where = "hardware profile"): { cost: InferenceCost; profile: ResolvedProfile; json: Record<string, unknown> } {
  const rp = resolveProfile(model, profile, hardware, where);
  const cost = inferenceCost(model, rp, driveStats(model, x, n, hardware));
  return { cost, profile: rp, json: costJson(cost, rp) };
}
