// Writes docs/cli.md from the CLI's flag declarations (src/cli/reference.ts):
//   npm run docs:cli              # rewrite the page
//   npm run docs:cli -- --check   # exit 1 if the committed page is not current
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { cliReference } from "../src/cli/reference.js";

const path = fileURLToPath(new URL("../docs/cli.md", import.meta.url));
const text = cliReference();
if (process.argv.includes("--check")) {
  let have = "";
  try {
    have = readFileSync(path, "utf8");
  } catch {
    // missing counts as stale
  }
  if (have !== text) {
    console.error("docs/cli.md is not current: run npm run docs:cli");
    process.exit(1);
  }
} else {
  writeFileSync(path, text);
  console.log("wrote docs/cli.md");
}
