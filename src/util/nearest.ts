/**
 * The name a user most likely meant: one home for "did you mean" hints (mistyped flags, column
 * names that differ from a model's or a header's in case or by a typo).
 */

/**
 * The closest of `names` to `name`: a name equal to it but for letter case when exactly one is;
 * else the single closest by edit distance (insertions, deletions, substitutions and swaps of
 * neighbours count 1, letter case ignored) when it is at most 2 and under half the name's length;
 * else null (no guess between two equally close names).
 * @example nearestName("epoch", ["epochs", "steps"]) // "epochs"; nearestName("label", ["Label", "x"]) // "Label"
 */
export function nearestName(name: string, names: readonly string[]): string | null {
  const lower = name.toLowerCase();
  const sameButCase = names.filter((n) => n !== name && n.toLowerCase() === lower);
  if (sameButCase.length === 1) return sameButCase[0];
  if (sameButCase.length > 1) return null;
  let best: string | null = null, bestD = Infinity, tie = false;
  for (const n of names) {
    const d = editDistance(lower, n.toLowerCase());
    if (d < bestD) [best, bestD, tie] = [n, d, false];
    else if (d === bestD) tie = true;
  }
  return best !== null && !tie && bestD <= 2 && bestD < name.length / 2 ? best : null;
}

/**
 * A hint for column names that were looked for and not found among `have` (a file's header, a
 * model's features), to append to the message: "; names are case-sensitive: the file has "F2", not
 * "f2"" when a name differs only in case, "; did you mean "petal_len" for "petal_length"?" for a
 * near miss, "" when no name is near. `where` names the side that has the names ("the file").
 * @example missingNamesHint(["f2"], ["f0", "f1", "F2"]) // '; names are case-sensitive: the file has "F2", not "f2"'
 */
export function missingNamesHint(missing: readonly string[], have: readonly string[], where = "the file"): string {
  const cased: string[] = [], near: string[] = [];
  for (const m of missing) {
    const n = nearestName(m, have);
    if (n === null) continue;
    if (n.toLowerCase() === m.toLowerCase()) cased.push(`${JSON.stringify(n)}, not ${JSON.stringify(m)}`);
    else near.push(`${JSON.stringify(n)} for ${JSON.stringify(m)}`);
  }
  return (cased.length ? `; names are case-sensitive: ${where} has ${cased.slice(0, 4).join("; ")}` : "") + (near.length ? `; did you mean ${near.slice(0, 4).join(", ")}?` : "");
}

/** Optimal-string-alignment distance (Levenshtein with adjacent transpositions). */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}
