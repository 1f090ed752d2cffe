// Worker entry of the worker-layer tests (test/reliability/worker-layer.test.ts): one job kind for
// each half of the layer, with faults chosen by the job (not by the environment).
import { serveShared } from "../../src/node/workers/shared.js";
import { serveTasks } from "../../src/node/workers/pool.js";

/** Shared-memory fixture: unit u writes u² + words[1] into the broadcast buffer; words[0] picks a fault (1 throw, 2 exit). */
serveShared("fixture-shared", (_init: null, words) => {
  let out: Float64Array = new Float64Array(0);
  return {
    message(m) {
      out = new Float64Array(m as SharedArrayBuffer);
    },
    job: () => (u) => {
      if (words[0] === 1) throw new Error(`unit ${u} refused by the fixture worker`);
      if (words[0] === 2) process.exit(9);
      out[u] = u * u + words[1];
    },
  };
});

/** Pool fixture: task t returns [t, t² + offset]; `throwOn`/`exitOn` fail that task. */
serveTasks("fixture-pool", (init: { offset: number; throwOn: number; exitOn: number }) => (t: number): number[] => {
  if (t === init.throwOn) throw new Error(`task ${t} refused by the fixture worker`);
  if (t === init.exitOn) process.exit(9);
  return [t, t * t + init.offset];
});
