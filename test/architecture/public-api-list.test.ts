// The public API is a declared list: each entry point exports exactly the names in
// public-api-names.ts (values and types), and every one of them carries a doc comment on its
// declaration. Read with the TypeScript compiler, so type-only exports count too.
import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { NODE_EXPORTS, ROOT_EXPORTS } from "./public-api-names.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const entries = { "src/index.ts": ROOT_EXPORTS, "src/node/index.ts": NODE_EXPORTS } as const;
const program = ts.createProgram(
  Object.keys(entries).map((f) => root + f),
  { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, strict: true, skipLibCheck: true, noEmit: true, types: ["node"] },
);
const checker = program.getTypeChecker();

/** Exported names of one entry with their target symbols (aliases resolved). */
function exportsOf(file: string): Map<string, ts.Symbol> {
  const sf = program.getSourceFile(root + file);
  assert.ok(sf, `${file} is part of the program`);
  const mod = checker.getSymbolAtLocation(sf);
  assert.ok(mod, `${file} is a module`);
  const out = new Map<string, ts.Symbol>();
  for (const s of checker.getExportsOfModule(mod)) out.set(s.name, s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s);
  return out;
}

for (const [file, declared] of Object.entries(entries)) {
  test(`${file} exports exactly the declared public names (a new export is added to test/architecture/public-api-names.ts on purpose)`, () => {
    const have = [...exportsOf(file).keys()];
    const want = new Set(declared);
    assert.equal(want.size, declared.length, "the declared list has no duplicates");
    const extra = have.filter((n) => !want.has(n)).sort();
    const missing = declared.filter((n) => !have.includes(n));
    assert.deepEqual({ extra, missing }, { extra: [], missing: [] });
  });

  test(`every export of ${file} has a doc comment on its declaration`, () => {
    const bare: string[] = [];
    for (const [name, s] of exportsOf(file)) {
      const text = ts.displayPartsToString(s.getDocumentationComment(checker)).trim();
      if (text.length < 10) bare.push(name);
    }
    assert.deepEqual(bare, []);
  });
}

test("doc comments of public declarations link only to public names (TypeDoc, npm run docs:api, fails on a link to an internal)", () => {
  const publicNames = new Set([...ROOT_EXPORTS, ...NODE_EXPORTS]);
  const bad: string[] = [];
  for (const file of Object.keys(entries)) {
    for (const [name, s] of exportsOf(file)) {
      for (const d of s.declarations ?? []) {
        // The declaration's own text holds its doc comment and those of its members.
        const text = d.getFullText();
        const members = new Set<string>();
        d.forEachChild(function visit(n: ts.Node): void {
          const nm = (n as { name?: ts.Node }).name;
          if (nm && ts.isIdentifier(nm)) members.add(nm.text);
          n.forEachChild(visit);
        });
        for (const m of text.matchAll(/\{@link(?:code|plain)?\s+([A-Za-z_$][\w$]*)/g)) {
          const target = m[1]!;
          if (!publicNames.has(target) && !members.has(target) && target !== name) bad.push(`${name} (${d.getSourceFile().fileName.replace(root, "")}) links to ${target}`);
        }
      }
    }
  }
  assert.deepEqual([...new Set(bad)].sort(), []);
});
