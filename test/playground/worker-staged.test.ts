/**
 * The playground's training worker, driven headless in Node (its own message loop, the module the
 * page runs, with a stand-in for the worker global) on a depth curriculum, which the page cannot
 * set (its steps stop at 32, the curriculum starts above): every phase of the library's order
 * (Trainer.stage) shows and pauses — the starter network's weight-decay candidate, the starter
 * network, the deep run — and the export equals `dynaspin train`'s model.json byte for byte.
 */
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { spawnSync } from "node:child_process";
import { PRESETS } from "../../src/index.js";
import { DEFAULT_STATE, type PlaygroundState } from "../../playground/src/state.js";
import type { FromWorker, ToWorker } from "../../playground/src/protocol.js";

const repo = fileURLToPath(new URL("../..", import.meta.url));
const posted: FromWorker[] = [];
const scope: { postMessage: (m: FromWorker) => void; onmessage: ((ev: { data: ToWorker }) => void) | null } = { postMessage: (m) => posted.push(m), onmessage: null };

before(async () => {
  (globalThis as unknown as { self: unknown }).self = scope;
  await import("../../playground/src/worker.js");
});

const send = (m: ToWorker): void => scope.onmessage!({ data: m });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
type Status = Extract<FromWorker, { type: "status" }>;
const lastStatus = (): Status => posted.filter((m): m is Status => m.type === "status").at(-1)!;

async function until(what: string, ok: (s: Status) => boolean, timeout = 120_000): Promise<Status> {
  const t0 = Date.now();
  for (;;) {
    const err = posted.find((m) => m.type === "error");
    if (err) throw new Error(`worker error: ${(err as { message: string }).message}`);
    const s = lastStatus();
    if (s && ok(s)) return s;
    if (Date.now() - t0 > timeout) throw new Error(`never reached ${what}: last status ${JSON.stringify(s)}`);
    await sleep(2);
  }
}

/** `dynaspin train ARGS` in a fresh folder (default --out), as a terminal runs it: its model.json text and exit code. */
function cliModel(args: string[]): string {
  const cwd = mkdtempSync(join(tmpdir(), "dynaspin-worker-cli-"));
  try {
    const r = spawnSync(process.execPath, [join(repo, "bin/dynaspin.js"), "train", ...args], { cwd, encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    const runs = readdirSync(join(cwd, "runs"));
    return readFileSync(join(cwd, "runs", runs[0], "model.json"), "utf8");
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

test("a depth curriculum in the worker: the starter's λ candidate, the starter, the deep run, each paused and resumed; export = dynaspin train byte for byte", { timeout: 300_000 }, async () => {
  const state: PlaygroundState = { ...DEFAULT_STATE, data: "circles", count: 300, noise: 0.1, steps: 40 };
  send({ type: "configure", config: { state, device: PRESETS["paper-test"].spec } });
  const ready = posted.find((m) => m.type === "ready") as Extract<FromWorker, { type: "ready" }>;
  assert.ok(ready, "the worker is ready");
  const plan = ready.info.plan;
  assert.equal(plan.steps, 40);
  assert.ok(plan.curriculum !== null, "a 40-step network on the automatic budget trains through a depth curriculum");
  assert.deepEqual(plan.curriculum.weightDecays, [0.3, 0], "the starter network has its own weight-decay candidate, as dynaspin train trains it");
  assert.match(lastStatus().message, /^ready$/);
  // Pause in every phase, in the library's order; no epoch trains after the pause is confirmed.
  const phases: [string, RegExp][] = [
    ["the starter's λ 0.3 candidate", /^starter network \(4 of 40 steps\), weight-decay candidate λ 0\.3 \(run 1 of 2\): (trying initialisation|training \(epoch [1-9])/],
    ["the starter network itself", /^starter network \(4 of 40 steps\), λ 0 \(run 2 of 2, the starter network itself\): (trying initialisation|training \(epoch [1-9])/],
    ["the deep run", /^training$/],
  ];
  for (const [name, re] of phases) {
    send({ type: "start" });
    const s = await until(name, (st) => st.running && re.test(st.message));
    assert.equal(s.stage, name === "the deep run" ? "main" : "starter", name);
    send({ type: "pause" });
    const paused = lastStatus();
    assert.equal(paused.running, false, `${name}: paused`);
    assert.match(paused.message, /^paused/, name);
    const epoch = paused.epoch, count = posted.length;
    await sleep(100);
    assert.equal(lastStatus().epoch, epoch, `${name}: no epoch after the pause`);
    assert.ok(!posted.slice(count).some((m) => m.type === "metrics"), `${name}: no metrics after the pause`);
  }
  send({ type: "start" });
  await until("the end", (st) => st.done && st.message === "finished", 240_000);
  const notices = posted.filter((m) => m.type === "notice").map((m) => (m as { text: string }).text);
  assert.ok(notices.some((t) => /^The starter network's weight-decay candidate λ 0\.3 is trained .*Now the 4-step starter network itself trains with λ 0;/.test(t)), notices.join("\n"));
  assert.ok(notices.some((t) => /^The 4-step starter network is trained \(training loss \d\.\d{3} → \d\.\d{3}\); steps 5–40 are inserted/.test(t)), notices.join("\n"));
  send({ type: "export" });
  const model = posted.find((m) => m.type === "model") as Extract<FromWorker, { type: "model" }>;
  assert.ok(model, JSON.stringify(posted.filter((m) => m.type === "error")));
  const exported = model.text;
  assert.equal(JSON.parse(exported).steps, 40);
  assert.equal(cliModel(ready.info.args), exported, "worker export and dynaspin train's model.json differ");
});
