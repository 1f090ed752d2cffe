// Flag defaults are declared once, in the flag's `default` field: `--help` and docs/cli.md print
// them from there and the commands read them from there, so the three cannot disagree. Defaults
// that depend on the task or on other flags stay in words; fixed defaults that still live in the
// library (and are only described in a flag's help) are listed below, so a new one is a decision.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { COMMANDS } from "../../src/cli/commands/index.js";
import { COMMON_FLAGS } from "../../src/cli/command.js";
import { TRAIN_FLAGS } from "../../src/cli/train-options.js";
import { Flags, checkDefault, flagHelp, formatHelp, parseArgs, type FlagSpec } from "../../src/cli/args.js";
import { runCli } from "../../src/cli/main.js";
import { InputError } from "../../src/util/errors.js";

const every: Array<[string, FlagSpec]> = [
  ...COMMANDS.flatMap((c) => [...c.flags, ...COMMON_FLAGS].map((f) => [c.name, f] as [string, FlagSpec])),
  ...TRAIN_FLAGS.map((f) => ["train (playground)", f] as [string, FlagSpec]),
];

/**
 * Fixed defaults still stated in words in a flag's help, with where the value lives. Each is the
 * library's own default for an option the command passes through only when the flag is given.
 */
const IN_WORDS: Record<string, string> = {
  "skip-rows": "src/data/csv.ts (CsvOptions.skipRows)",
  turns: "src/data/spiral.ts (SpiralOptions.turns)",
  noise: "src/data/synthetic.ts, src/data/spiral.ts",
  count: "src/data/synthetic.ts, src/data/spiral.ts",
  "data-seed": "src/data/synthetic.ts, src/data/spiral.ts",
  schedule: "src/train/train.ts (resolveTrainOptions)",
  "weight-decay": "src/train/train.ts (resolveTrainOptions)",
  "max-iterations": "src/device/fit.ts (FitOptions.maxIterations)",
  duration: "src/physics/sweep.ts (SweepOptions.duration)",
  integrator: "src/physics/sweep.ts (SweepOptions.integrator)",
  seed: "src/physics/sweep.ts (dynaspin llg --seed)",
  split: "src/cli/commands/eval.ts (auto: test rows when the data are the model's training data)",
  param: "src/device/variation.ts (a repeatable flag: the default list)",
  "eval-param": "src/explore/spec.ts (a repeatable flag: the default list)",
  seeds: "src/explore/spec.ts (a count or a list)",
  relative: "a boolean flag: absolute unless given",
  currents: "the unit of the range: the params file's currentUnit (src/physics/params.ts)",
};

test("every declared flag default passes the flag's own type, range and choices", () => {
  for (const [command, f] of every) {
    if (f.default === undefined) continue;
    assert.doesNotThrow(() => checkDefault(f), `${command} --${f.name} default ${f.default}`);
    assert.equal(checkDefault(f), f.default, `${command} --${f.name}: the default is already in its parsed form`);
  }
  assert.throws(() => checkDefault({ name: "trials", type: "integer", min: 1, help: "x", default: 0.5 }), InputError);
  assert.throws(() => checkDefault({ name: "d", type: "string", choices: ["normal"], help: "x", default: "gauss" }), InputError);
});

test("help texts print the declared default, and no fixed default is written by hand outside the listed library ones", () => {
  const inWords = new Set<string>();
  for (const [command, f] of every) {
    if (f.default !== undefined) {
      assert.ok(flagHelp(f).endsWith(`(default ${f.default})`), `${command} --${f.name}`);
      assert.doesNotMatch(f.help, /\(default [^:)]/, `${command} --${f.name} states its default twice`);
      continue;
    }
    // "(default: …)" with a colon is a default in words (task- or flag-dependent); "(default X)" is fixed.
    if (/\(default (?!:)[^)]*\)/.test(f.help) && !/\(default (?:runs\/|<out>|paper-test|none|min\(|duration\/|on;|16·|0\.2 without|max\()/.test(f.help)) {
      inWords.add(f.name);
    }
  }
  assert.deepEqual([...inWords].sort(), Object.keys(IN_WORDS).sort());
});

test("a command reads a declared default from the declaration: no literal fallback for such a flag in src/cli", () => {
  const declared = new Set(every.filter(([, f]) => f.default !== undefined).map(([, f]) => f.name));
  const root = fileURLToPath(new URL("../../src/cli", import.meta.url));
  const files: string[] = [];
  const walk = (d: string): void => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (n.endsWith(".ts")) files.push(p);
    }
  };
  walk(root);
  const bad: string[] = [];
  for (const file of files) {
    for (const m of readFileSync(file, "utf8").matchAll(/flags\.(?:number|string)\("([a-z0-9-]+)"\)\)?(?:\s+as\s+[A-Za-z|" ]+\))?\s*\?\?\s*([-0-9."'][^,;)]*)/g)) {
      if (declared.has(m[1]!)) bad.push(`${file}: --${m[1]} ?? ${m[2]}`);
    }
  }
  assert.deepEqual(bad, []);
});

test("Flags gives the value given, else the declared default; a flag without one is a programming error", () => {
  const specs: FlagSpec[] = [
    { name: "trials", type: "integer", min: 1, help: "trials per σ", default: 10000 },
    { name: "distribution", type: "string", choices: ["normal", "uniform"], help: "d", default: "normal" },
    { name: "label", type: "string", help: "legend name" },
  ];
  const none = new Flags(parseArgs([], specs, "x"), specs);
  assert.equal(none.numberOrDefault("trials"), 10000);
  assert.equal(none.stringOrDefault("distribution"), "normal");
  assert.equal(none.has("trials"), false, "a default does not count as given");
  assert.throws(() => none.stringOrDefault("label"), /no declared default/);
  const given = new Flags(parseArgs(["--trials", "7", "--distribution", "uniform"], specs, "x"), specs);
  assert.equal(given.numberOrDefault("trials"), 7);
  assert.equal(given.stringOrDefault("distribution"), "uniform");
  assert.match(formatHelp("x", "s", "u", specs), /--trials N?\S*\s+trials per σ \(default 10000\)/);
});

test("dynaspin robustness --help prints the defaults the command uses", async () => {
  let out = "";
  const code = await runCli(["robustness", "--help"], { stdout: (s: string) => void (out += s), stderr: () => {} } as never);
  assert.equal(code, 0);
  assert.match(out, /--trials N\s+trials per σ \(default 10000\)/);
  assert.match(out, /--sigma LIST\s+σ values: START:STOP:STEP or comma list \(default 0:1:0\.05\)/);
});
