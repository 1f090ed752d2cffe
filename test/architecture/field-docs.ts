// The fields of the public API's interfaces, type literals and classes, as the TypeScript compiler
// sees them from the two entry points, with whether each has a doc comment. Shared by the field
// documentation test and by anyone who wants the current list (`npx tsx test/architecture/field-docs.ts`).
import { fileURLToPath } from "node:url";
import ts from "typescript";

const root = fileURLToPath(new URL("../..", import.meta.url));
const ENTRIES = ["src/index.ts", "src/node/index.ts"];

/** One field of a public type: its path (`Type.field`, `Type.field.sub` for inline object types). */
export interface PublicField {
  path: string;
  documented: boolean;
  file: string;
}

const hasDoc = (node: ts.Node): boolean =>
  ts.getJSDocCommentsAndTags(node).some((d) => (ts.isJSDoc(d) ? ts.getTextOfJSDocComment(d.comment)?.trim() || d.tags?.some((t) => ts.getTextOfJSDocComment(t.comment)?.trim()) : false));

let cached: PublicField[] | null = null;

/** Every field of every exported interface, object type alias and class of the two entry points. */
export function publicFields(): PublicField[] {
  cached ??= walk();
  return cached;
}

function walk(): PublicField[] {
  const program = ts.createProgram(
    ENTRIES.map((f) => root + f),
    { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, strict: true, skipLibCheck: true, noEmit: true, types: ["node"] },
  );
  const checker = program.getTypeChecker();
  const out = new Map<string, PublicField>();
  const seen = new Set<ts.Node>();
  const visitMembers = (prefix: string, members: readonly ts.Node[]): void => {
    for (const m of members) {
      if (ts.isMethodDeclaration(m) && m.type && !(ts.getCombinedModifierFlags(m) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected))) literalsIn(`${prefix}.${m.name.getText()}()`, m.type);
      if (!(ts.isPropertySignature(m) || ts.isPropertyDeclaration(m))) continue;
      if (ts.isPropertyDeclaration(m) && (ts.getCombinedModifierFlags(m) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected) || ts.isPrivateIdentifier(m.name))) continue;
      if (m.name.getText().startsWith("_")) continue;
      const path = `${prefix}.${m.name.getText()}`;
      if (!seen.has(m)) {
        seen.add(m);
        // A class field without its own comment inherits the one of the interface member it implements.
        const sym = checker.getSymbolAtLocation(m.name);
        const inherited = sym !== undefined && ts.displayPartsToString(sym.getDocumentationComment(checker)).trim().length > 0;
        out.set(path, { path, documented: hasDoc(m) || inherited, file: m.getSourceFile().fileName.replace(root, "") });
      }
      // Inline object types are documented field by field, as TypeDoc shows them.
      if (m.type) literalsIn(path, m.type);
    }
  };
  /** The object type literals inside a type (in unions, arrays, generics' arguments…), not inside nested literals. */
  const literalsIn = (prefix: string, t: ts.Node): void => {
    if (ts.isTypeLiteralNode(t)) return visitMembers(prefix, t.members);
    if (ts.isFunctionTypeNode(t)) return; // callbacks: their parameters are documented with @param
    t.forEachChild((c) => literalsIn(prefix, c));
  };
  for (const entry of ENTRIES) {
    const mod = checker.getSymbolAtLocation(program.getSourceFile(root + entry)!)!;
    for (const s0 of checker.getExportsOfModule(mod)) {
      const s = s0.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s0) : s0;
      for (const d of s.declarations ?? []) {
        if (!d.getSourceFile().fileName.startsWith(root + "src/")) continue;
        if (ts.isInterfaceDeclaration(d) || ts.isClassDeclaration(d)) {
          visitMembers(s0.name, d.members);
          // Fields inherited from interfaces that are not themselves exported count here.
          for (const h of d.heritageClauses ?? []) {
            for (const e of h.types) {
              const base = checker.getSymbolAtLocation(e.expression);
              const target = base && base.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(base) : base;
              for (const bd of target?.declarations ?? []) if (ts.isInterfaceDeclaration(bd) && bd.getSourceFile().fileName.startsWith(root + "src/")) visitMembers(`${s0.name}(${target!.name})`, bd.members);
            }
          }
        } else if (ts.isTypeAliasDeclaration(d)) {
          const lits: ts.TypeLiteralNode[] = [];
          const collect = (t: ts.TypeNode): void => {
            if (ts.isTypeLiteralNode(t)) lits.push(t);
            else if (ts.isIntersectionTypeNode(t) || ts.isUnionTypeNode(t)) t.types.forEach(collect);
            else if (ts.isParenthesizedTypeNode(t)) collect(t.type);
          };
          collect(d.type);
          for (const l of lits) visitMembers(s0.name, l.members);
        } else if (ts.isFunctionDeclaration(d)) {
          // Object types a function takes or returns, e.g. `{ loss, gradients }`.
          for (const p of d.parameters) if (p.type) literalsIn(`${s0.name}(${p.name.getText()})`, p.type);
          if (d.type) literalsIn(`${s0.name}()`, d.type);
        } else if (ts.isVariableDeclaration(d) && d.type) {
          literalsIn(s0.name, d.type);
        }
      }
    }
  }
  return [...out.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const fields = publicFields();
  const bare = fields.filter((f) => !f.documented);
  for (const f of bare) console.log(`${f.path}\t${f.file}`);
  console.error(`${bare.length} of ${fields.length} public fields have no doc comment`);
}
