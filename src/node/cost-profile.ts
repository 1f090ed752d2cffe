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

/**
 * Energy and latency of one inference of `model` on STNO hardware, and of the same network on a
 * digital chip, averaged over the inputs x (n rows of raw features, row-major), as `dynaspin cost`
 * reports them (docs/cost.md). Energies in J, times in s, currents in A.
 * @param hardware the non-idealities the drive currents are computed with (the model's, if any). @default none (ideal)
 * @param profile hardware constants overriding the defaults (`PROFILE_DEFAULTS` of the root entry). @default {}
 * @param where what the profile is, for error messages. @default "hardware profile"
 * @returns the cost, the resolved profile, and the JSON that `dynaspin cost --json` prints.
 */
export function costOf(model: Model, x: Float64Array, n: number, hardware: Hardware | undefined, profile: HardwareProfile = {}, where = "hardware profile"): {
  /** Energy and latency per inference, by part, and the digital baseline. */
  cost: InferenceCost;
  /** The profile with every default and derived value filled in. */
  profile: ResolvedProfile;
  /** What `dynaspin cost --json` prints (cost and profile, with units). */
  json: Record<string, unknown>;
} {
  const rp = resolveProfile(model, profile, hardware, where);
  const cost = inferenceCost(model, rp, driveStats(model, x, n, hardware));
  return { cost, profile: rp, json: costJson(cost, rp) };
}
