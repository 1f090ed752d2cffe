/**
 * The native robustness sweep (C++ through Node-API, `native/sweep.cc`, built with the native
 * engine): a {@link SweepEngine} that runs blocks of trials on its own threads with AVX-512 (16
 * float32 / 8 float64 lanes), AVX2 (8 / 4) or SSE2 (4 / 2) chosen at run time. Each trial runs
 * the float32 screen and recomputes the undecided test samples in float64 with the operations of
 * the WebAssembly trial (src/sweep/wasm/trials.as), so its count equals the WebAssembly and
 * TypeScript sweeps' for every instruction set and any thread count (docs/engines.md). Node only;
 * where the addon is not built, sweeps run on WebAssembly.
 */
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import type { SweepEngine, TrialBatch } from "../sweep/fast-trials.js";
import { writeTrialNetwork, screenMargin, DEFAULT_SCREEN_MARGIN } from "../sweep/fast-trials.js";
import { EQ4_PACKED_DRIVE } from "../device/eq4.js";
import { nativeCall, nativeStatus, type EngineChoice, type NativeIsa } from "./native-engine.js";
import { ComputationError, InputError } from "../util/errors.js";

interface SweepAddon {
  sweepCreate(k: number, steps: number, classes: number, n: number, maxTrials: number, threads: number, isa: string): [object, ArrayBuffer, number[]];
  sweepRun(h: object, trials: number, tau: number): void;
  sweepState(h: object, q: number): number;
}

const ADDON = fileURLToPath(new URL("../../build/Release/dynaspin_native.node", import.meta.url));

/** The addon when it is built, current and has the sweep, else the reason. */
function sweepAddon(): { addon: SweepAddon } | { reason: string } {
  const st = nativeStatus();
  if (!st.available) return { reason: st.reason };
  const addon = createRequire(import.meta.url)(ADDON) as Partial<SweepAddon>;
  if (typeof addon.sweepCreate !== "function") return { reason: "stale build without the sweep kernel; run `npm run build:native`" };
  return { addon: addon as SweepAddon };
}

/**
 * The native sweep with `threads` threads (results are identical for any count), or null when
 * the addon is not available. `isa` forces an instruction set (tests; creation fails when the
 * CPU lacks it).
 */
export function nativeSweepEngine(threads = 1, isa: NativeIsa = "auto"): SweepEngine | null {
  const a = sweepAddon();
  const st = nativeStatus();
  if (!("addon" in a) || !st.available) return null;
  if (!Number.isInteger(threads) || threads < 1 || threads > 256) throw new RangeError(`native sweep threads must be an integer in 1..256, got ${threads}`);
  const kernels = isa === "auto" ? st.kernels : isa;
  const lanes = { avx512: 8, avx2: 4, sse2: 2 }[kernels] ?? st.width;
  const addon = a.addon;
  return {
    kind: "native",
    label: `native (${kernels}, ${2 * lanes} float32 / ${lanes} float64 lanes, ${threads} thread${threads === 1 ? "" : "s"})`,
    create: (model, p0, ldp, n, y, polarity, capacity, screen = DEFAULT_SCREEN_MARGIN) => {
      const { k, steps, classes } = model;
      let made: [object, ArrayBuffer, number[]];
      try {
        made = nativeCall(() => addon.sweepCreate(k, steps, classes, n, capacity, threads, isa));
      } catch (e) {
        if (e instanceof ComputationError) throw e;
        return null;
      }
      const [h, buf, off] = made;
      const n8 = (n + 7) & ~7;
      const f64 = (r: number, len: number): Float64Array => new Float64Array(buf, off[r] * 8, len);
      writeTrialNetwork(model, p0, ldp, n, y, polarity, n8, { A: f64(0, steps * k * k), B: f64(1, steps * k), W: f64(2, classes * k), C: f64(3, classes), I0: f64(4, k * n8), y: f64(5, n8) });
      const par = f64(6, capacity * EQ4_PACKED_DRIVE * k);
      const counts = new Int32Array(buf, off[7] * 8, capacity);
      const state = f64(8, k * n8);
      const tau = screen > 0 ? screenMargin(model, screen) : 0;
      const batch: TrialBatch = {
        capacity,
        par,
        run: (count) => {
          nativeCall(() => addon.sweepRun(h, count, tau));
          return counts;
        },
        state: (q) => ({ correct: addon.sweepState(h, q), state, n8 }),
      };
      return batch;
    },
  };
}

/**
 * The sweep engine for an `--engine` choice, resolved once: "auto" = native when built, else null
 * (WebAssembly on worker threads); "native" insists (InputError naming the reason when it is not
 * built); "wasm" = null. `threads` = the native sweep's threads.
 */
export function sweepEngineForChoice(choice: EngineChoice, threads: number): SweepEngine | null {
  if (choice === "wasm") return null;
  const e = nativeSweepEngine(threads);
  if (e === null && choice === "native") {
    const a = sweepAddon();
    throw new InputError(`--engine native: the native sweep is ${"reason" in a ? a.reason : "unavailable"}; use --engine auto or wasm`);
  }
  return e;
}
