// The worker layer (src/node/workers/): the message pool and the shared-memory executor give the
// same results for any number of threads, and a worker that throws or exits mid-job ends the job
// with a ComputationError carrying its message, never a hang.
import { test } from "node:test";
import assert from "node:assert/strict";
import { runTasks } from "../../src/node/workers/pool.js";
import { startSharedExecutor } from "../../src/node/workers/shared.js";
import { ComputationError } from "../../src/util/errors.js";

const FIXTURE = new URL("./worker-fixture.ts", import.meta.url).href;

function poolJob(threads: number, init: { offset: number; throwOn: number; exitOn: number }, results: number[][]) {
  const tasks = Array.from({ length: 12 }, (_, t) => t);
  return runTasks({
    kind: "fixture-pool",
    module: FIXTURE,
    init: () => init,
    tasks,
    local: (t: number) => [t, t * t + init.offset],
    threads,
    depth: 2,
    onResult: (i, r: number[]) => void (results[i] = r),
    unfinished: "during the fixture job",
  });
}

test("the pool hands every task's result to its index, the same for 1, 2 and 3 threads", { timeout: 60_000 }, async () => {
  const want = Array.from({ length: 12 }, (_, t) => [t, t * t + 5]);
  for (const threads of [1, 2, 3]) {
    const got: number[][] = [];
    await poolJob(threads, { offset: 5, throwOn: -1, exitOn: -1 }, got);
    assert.deepEqual(got, want, `${threads} threads`);
  }
});

test("a pooled worker whose task throws ends the job with a ComputationError carrying the worker's message", { timeout: 60_000 }, async () => {
  await assert.rejects(poolJob(2, { offset: 0, throwOn: 7, exitOn: -1 }, []), (e: unknown) => {
    assert.ok(e instanceof ComputationError);
    assert.equal(e.message, "fixture-pool: a worker thread failed: task 7 refused by the fixture worker");
    return true;
  });
});

test("a pooled worker that exits mid-job ends the job with its exit code, not a hang", { timeout: 60_000 }, async () => {
  await assert.rejects(poolJob(2, { offset: 0, throwOn: -1, exitOn: 3 }, []), (e: unknown) => {
    assert.ok(e instanceof ComputationError);
    assert.equal(e.message, "fixture-pool: a worker thread exited with code 9 during the fixture job");
    return true;
  });
  // The pool recovers: the next job starts fresh workers.
  const got: number[][] = [];
  await poolJob(2, { offset: 1, throwOn: -1, exitOn: -1 }, got);
  assert.deepEqual(got[11], [11, 122]);
});

/** Sleeps this thread for `ms` (so the workers claim units while this thread is slow). */
function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function sharedRun(threads: number, fault: 0 | 1 | 2, assignment: "claim" | "owned" = "claim", units = assignment === "owned" ? threads : 40): Promise<Float64Array> {
  const ex = startSharedExecutor({ kind: "fixture-shared", module: FIXTURE, threads, init: null, label: "fixture", unit: "unit", hint: "rerun", assignment });
  const out = new Float64Array(new SharedArrayBuffer(units * 8));
  ex.broadcast(out.buffer);
  return ex.ready().then(() => {
    try {
      for (let job = 0; job < 3; job++) {
        out.fill(0);
        ex.words[0] = fault;
        ex.words[1] = job;
        ex.run(units, {
          job: () => (u) => {
            sleep(fault === 0 ? 0 : 5);
            out[u] = u * u + job;
          },
        });
      }
      return out;
    } finally {
      ex.stop();
    }
  });
}

test("the shared-memory executor computes every unit once per job, the same for 1, 2 and 3 threads", { timeout: 60_000 }, async () => {
  const want = Float64Array.from({ length: 40 }, (_, u) => u * u + 2);
  for (const threads of [1, 2, 3]) assert.deepEqual(await sharedRun(threads, 0), want, `${threads} threads`);
});

test("with owned units every unit is computed once per job for 1–3 threads, and the units of workers not yet running are computed here", { timeout: 60_000 }, async () => {
  for (const threads of [1, 2, 3]) assert.deepEqual(await sharedRun(threads, 0, "owned"), Float64Array.from({ length: threads }, (_, u) => u * u + 2), `${threads} threads`);
  // Before the workers have loaded: this thread computes every unit at once instead of waiting.
  const ex = startSharedExecutor({ kind: "fixture-shared", module: FIXTURE, threads: 3, init: null, label: "fixture", assignment: "owned" });
  try {
    const out = new Float64Array(new SharedArrayBuffer(3 * 8));
    ex.broadcast(out.buffer);
    ex.run(3, { job: () => (u) => void (out[u] = 10 + u) });
    assert.deepEqual(Array.from(out), [10, 11, 12]);
    assert.deepEqual(ex.counts(), [3, 0, 0]);
  } finally {
    ex.stop();
  }
});

test("an owned-unit worker that exits holding its unit ends the run with a ComputationError, not a hang", { timeout: 60_000 }, async () => {
  await assert.rejects(sharedRun(2, 2, "owned"), (e: unknown) => {
    assert.ok(e instanceof ComputationError);
    assert.match(e.message, /^fixture: a worker thread exited while computing a unit \(1 of 2 units unfinished\); rerun$/);
    return true;
  });
});

test("a shared-memory worker whose unit throws ends the run with a ComputationError carrying the worker's message", { timeout: 60_000 }, async () => {
  await assert.rejects(sharedRun(2, 1), (e: unknown) => {
    assert.ok(e instanceof ComputationError);
    assert.match(e.message, /^fixture: a worker thread failed: unit \d+ refused by the fixture worker$/);
    return true;
  });
});

test("a shared-memory worker that exits holding a unit ends the run with a ComputationError, not a hang", { timeout: 60_000 }, async () => {
  await assert.rejects(sharedRun(2, 2), (e: unknown) => {
    assert.ok(e instanceof ComputationError);
    assert.match(e.message, /^fixture: a worker thread exited while computing a unit \(1 of 40 units unfinished\); rerun$/);
    return true;
  });
});
