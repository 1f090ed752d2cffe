// Generates docs/formats.md and docs/schemas/*.schema.json from the zod schemas the readers
// validate with (z.toJSONSchema), so the documented formats cannot drift from the code:
//   npm run docs:formats          # rewrite the files
//   npm run docs:formats -- --check   # exit 1 if a committed file is not current
// test/architecture/docs-current.test.ts runs the check.
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { z } from "zod";
import { modelSchema, MODEL_FORMAT, MODEL_VERSION } from "../src/io/model-schema.js";
import { checkpointSchema, CHECKPOINT_FORMAT, CHECKPOINT_VERSION } from "../src/train/checkpoint.js";
import { PROFILE_SCHEMA } from "../src/cost/profile.js";
import { EXPLORE_SCHEMA } from "../src/explore/spec.js";
import { DEVICE_FILE_SCHEMA } from "../src/io/device-schema.js";
import { DEVICE_FORMAT, DEVICE_FORMAT_VERSION } from "../src/device/spec.js";
import { CSV_FORMAT_RULES, type CsvOutcome } from "../src/data/csv-format.js";

interface FormatDoc {
  /** File name under docs/schemas/ (without .schema.json). */
  id: string;
  title: string;
  format: string;
  version: number;
  schema: z.ZodType;
  /** Who writes and reads it, and what the schema does not say. */
  prose: string;
}

const FORMATS: FormatDoc[] = [
  {
    id: "model",
    title: "Model file (`model.json`)",
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    schema: modelSchema,
    prose:
      "Written by `dynaspin train` and the playground's export, read by `eval`, `robustness`, `cost` and the playground's import " +
      "(`parseModelJson`, `readModelFile`). The schema checks the structure; the reader then checks the shapes " +
      "(`A`: steps × k × k, `B`: steps × k, `W`: classes × k, `c`: classes, `normalization.min/max`: k each with max ≥ min, " +
      "`classNames`: classes distinct strings), that every number is finite, and each `device` entry as a device spec " +
      "(see [devices](devices.md#device-files---device-filejson)).",
  },
  {
    id: "checkpoint",
    title: "Checkpoint file (`checkpoint.json`)",
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    schema: checkpointSchema,
    prose:
      "Written by `dynaspin train --checkpoint-every N`, read by `--resume` (`parseCheckpointJson`). The `model` field is a " +
      "model object checked by the model schema above; `order` must be a permutation of the training rows; `options` must " +
      "equal the resumed run's resolved options (see [your own data](data.md)).",
  },
  {
    id: "device",
    title: "Device file (`--device FILE`)",
    format: DEVICE_FORMAT,
    version: DEVICE_FORMAT_VERSION,
    schema: DEVICE_FILE_SCHEMA,
    prose:
      "Read by `--device FILE` of train, fit's and llg's output, and the playground's device upload (`parseDeviceJson`, " +
      "`loadDeviceArg`); written by `dynaspin fit` and `dynaspin llg` (`deviceFileJson`). Either a bare device spec or the " +
      "wrapped form with `device` (one curve for every oscillator) or `devices` (one per oscillator, as many as the network " +
      "has). The reader also checks what a schema cannot say: a table's currents must not repeat and its power must vary, " +
      "Q·Ic must be finite, a `csv` path is read relative to the device file (columns current,power; units from a header " +
      "such as current_mA,power_nW). How to make one: [your own device](devices.md#device-files---device-filejson).",
  },
  {
    id: "hardware-profile",
    title: "Hardware cost profile (`--hardware FILE`)",
    format: "dynaspin.hardware-profile",
    version: 1,
    schema: PROFILE_SCHEMA,
    prose: "Read by `dynaspin cost`, `train --json` and `eval --json` (`parseProfile`); every field is optional, SI units, defaults and their sources in [cost.md](cost.md).",
  },
  {
    id: "explore-spec",
    title: "Design-space sweep spec (`dynaspin explore --spec FILE`)",
    format: "dynaspin.explore-spec",
    version: 1,
    schema: EXPLORE_SCHEMA,
    prose:
      "Read by `dynaspin explore --spec` (`resolveExplore`); flags given on the command line override its fields. " +
      "Axes, their units and what \"off\" means are in [explore.md](explore.md); `cost` is a hardware cost profile (above).",
  },
];

/** The JSON Schema of one format (input side: what a file may contain). */
export function jsonSchemaOf(f: FormatDoc): Record<string, unknown> {
  const s = z.toJSONSchema(f.schema, { io: "input", unrepresentable: "any", target: "draft-2020-12" }) as Record<string, unknown>;
  return { ...s, $id: `dynaspin/${f.id}.schema.json`, title: `${f.format} version ${f.version}` };
}

const cell = (t: string): string => t.replace(/\|/g, "\\|");

function outcomeText(o: CsvOutcome): string {
  if ("error" in o) return `refused: \`data.csv: …${o.error}…\``;
  const names = o.featureNames ? ` (${o.featureNames.map((n) => JSON.stringify(n)).join(", ")})` : "";
  const classes = o.classNames ? `; classes ${o.classNames.map((c) => JSON.stringify(c)).join(", ")}` : "";
  return `${o.rows} rows, ${o.features} feature${o.features === 1 ? "" : "s"}${names}${classes}`;
}

/** The CSV section: one row per rule of src/data/csv-format.ts, with its example and outcome. */
function csvSection(): string[] {
  return [
    "## CSV data set (`--data FILE.csv`)",
    "",
    "Read by `dynaspin train`, `eval`, `robustness`, `cost` and `explore` (`--data`), the playground's upload, `parseCsvDataset` " +
      "and `loadCsvDataset`. Every problem is one line naming the file, the row (the file's line number) and the column. " +
      "The rules below are `CSV_FORMAT_RULES` (src/data/csv-format.ts); test/data/csv-format.test.ts parses each example " +
      "and checks the outcome shown (↵ is a line break).",
    "",
    "| topic | rule | example | gives |",
    "|---|---|---|---|",
    ...CSV_FORMAT_RULES.map((r) => {
      const opts = r.options ? ` with ${Object.entries(r.options).map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join(", ")}` : "";
      const example = "`" + r.text.replace(/\r\n/g, "␍↵").replace(/\n/g, "↵") + "`" + opts;
      return `| ${r.topic} | ${cell(r.rule)} | ${cell(example)} | ${cell(outcomeText(r.outcome))} |`;
    }),
    "",
  ];
}

/** Every generated file: path (relative to the repository) and its text. */
export function generatedFormatDocs(): Map<string, string> {
  const files = new Map<string, string>();
  const md: string[] = [
    "<!-- Generated by scripts/docs-formats.ts from the zod schemas (npm run docs:formats). Do not edit. -->",
    "# File formats",
    "",
    "dynaspin's JSON files carry a `format` and a `version`. A reader accepts every version up to its own and refuses a newer",
    "file with one line asking to upgrade; any change to a format bumps its version. Every problem is one line naming the file",
    "and the JSON field path. The schemas below are generated from the zod schemas the readers validate with, and are also",
    "written as standalone files in [schemas/](schemas/) (JSON Schema 2020-12, for editors and other languages).",
    "",
    "The CSV data format is at the end of this page ([CSV data set](#csv-data-set---data-filecsv)), generated from the rules",
    "the parser is tested against; how to train on your data is in [your own data](data.md#csv-data-sets). The LLG parameter",
    "file is in [your own device](devices.md#device-parameters-json), robustness outputs in [robustness studies](robustness.md).",
    "",
    "| file | `format` | version | schema |",
    "|---|---|---|---|",
    ...FORMATS.map((f) => `| ${f.title} | \`${f.format}\` | ${f.version} | [schemas/${f.id}.schema.json](schemas/${f.id}.schema.json) |`),
    "",
  ];
  for (const f of FORMATS) {
    const schema = JSON.stringify(jsonSchemaOf(f), null, 2);
    files.set(`docs/schemas/${f.id}.schema.json`, schema + "\n");
    md.push(`## ${f.title}`, "", f.prose, "", "```json", schema, "```", "");
  }
  md.push(...csvSection());
  md.push("---", "", "[Docs index](README.md)", "");
  files.set("docs/formats.md", md.join("\n"));
  return files;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const check = process.argv.includes("--check");
  const root = join(fileURLToPath(new URL(".", import.meta.url)), "..");
  let stale = 0;
  for (const [path, text] of generatedFormatDocs()) {
    const full = join(root, path);
    if (check) {
      let have = "";
      try {
        have = readFileSync(full, "utf8");
      } catch {
        have = "";
      }
      if (have !== text) {
        stale++;
        console.error(`docs-formats: ${path} is not current; run npm run docs:formats`);
      }
    } else {
      mkdirSync(join(full, ".."), { recursive: true });
      writeFileSync(full, text);
      console.log(`wrote ${path}`);
    }
  }
  if (stale > 0) process.exit(1);
}
