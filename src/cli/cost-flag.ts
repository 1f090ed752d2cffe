/** The `--hardware FILE` flag shared by `dynaspin cost`, `train` and `eval` (profiles are read by src/node/cost-profile.ts). */
import type { FlagSpec } from "./args.js";

/** `--hardware FILE`: the cost profile flag of cost, train and eval. */
export const COST_PROFILE_FLAG: FlagSpec = { name: "hardware", type: "string", value: "FILE", help: "hardware cost profile JSON (resistances, converters, pJ/MAC, settling; see docs/cost.md) for the energy/latency estimate (the `cost` block of --json; default: the documented defaults)" };
