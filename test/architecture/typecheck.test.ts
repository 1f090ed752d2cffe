// `tsc --noEmit` over everything the build does not compile: the tests, benchmarks and scripts
// (tsconfig.json), the playground (its own tsconfig, bundler resolution), and the code examples
// of README.md and docs/*.md that import from `dynaspin` or `dynaspin/node`, compiled against the
// source of the two entry points. A renamed export or option breaks this test, not a reader.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
const tsc = join(root, "node_modules/typescript/bin/tsc");

function typecheck(project: string): void {
  const r = spawnSync(process.execPath, [tsc, "--noEmit", "-p", project], { cwd: root, encoding: "utf8" });
  assert.equal(r.status, 0, `tsc -p ${project}:\n${r.stdout}${r.stderr}`);
}

test("the tests, benchmarks and scripts type-check (tsc --noEmit -p tsconfig.json)", () => {
  typecheck("tsconfig.json");
});

test("the playground type-checks against the library (tsc --noEmit -p playground/tsconfig.json)", () => {
  typecheck("playground/tsconfig.json");
});

test("the code examples of README.md and docs/*.md compile against the public entry points", () => {
  const pages = ["README.md", ...readdirSync(join(root, "docs")).filter((f) => f.endsWith(".md")).map((f) => join("docs", f))];
  const dir = mkdtempSync(join(tmpdir(), "dynaspin-doc-examples-"));
  try {
    const files: string[] = [];
    for (const page of pages) {
      const text = readFileSync(join(root, page), "utf8");
      let i = 0;
      for (const m of text.matchAll(/```(?:js|ts|javascript|typescript)\n([\s\S]*?)```/g)) {
        if (!/from\s+"dynaspin(?:\/node)?"/.test(m[1])) continue;
        const file = join(dir, `${page.replace(/[/.]/g, "_")}_${i++}.ts`);
        // Each example is its own module; the pages' "…" elisions are not code.
        writeFileSync(file, `// ${page}\n${m[1]}\nexport {};\n`);
        files.push(file);
      }
    }
    assert.ok(files.length >= 3, `found ${files.length} examples`);
    writeFileSync(
      join(dir, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", strict: true, noImplicitAny: false,
          skipLibCheck: true, noEmit: true, types: ["node"], typeRoots: [join(root, "node_modules/@types")],
          lib: ["ES2022", "DOM"],
          paths: { dynaspin: [join(root, "src/index.ts")], "dynaspin/node": [join(root, "src/node/index.ts")] },
        },
        files,
      }),
    );
    typecheck(join(dir, "tsconfig.json"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
