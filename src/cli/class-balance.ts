/**
 * The per-class view of a classifier's accuracy on unbalanced classes: with 97 % of the rows in one
 * class, a 96.5 % accuracy is what predicting that class alone scores, and the accuracy says
 * nothing about the rare class. `train` and `eval` print this line (and `--json` its numbers) when
 * the evaluated rows are unbalanced.
 */

/** Per-class recall, balanced accuracy and the most frequent class's share of evaluated rows. */
export interface ClassBalance {
  /** Mean over the classes present in the rows of the fraction of their rows classified correctly (recall), in [0, 1]. */
  balancedAccuracy: number;
  /** Accuracy of predicting the most frequent class for every row: its share of the rows, in [0, 1]. */
  majorityAccuracy: number;
  /** Every class present in the rows, most frequent first: its name, rows and recall. */
  classes: { name: string; rows: number; recall: number }[];
  /** True when the most frequent class has at least {@link UNBALANCED_RATIO} times the rows of the least frequent one. */
  unbalanced: boolean;
}

/** Ratio of the most to the least frequent class's rows from which a set counts as unbalanced. */
export const UNBALANCED_RATIO = 2;

/**
 * Per-class recall of a confusion matrix (`confusion[true·classes + predicted]`, as `evaluate`
 * returns it); null without rows.
 */
export function classBalance(confusion: ArrayLike<number>, classes: number, names: readonly string[]): ClassBalance | null {
  const rows: { name: string; rows: number; recall: number }[] = [];
  let n = 0;
  for (let c = 0; c < classes; c++) {
    let total = 0;
    for (let p = 0; p < classes; p++) total += confusion[c * classes + p];
    if (total > 0) rows.push({ name: names[c] ?? String(c), rows: total, recall: confusion[c * classes + c] / total });
    n += total;
  }
  if (n === 0) return null;
  rows.sort((a, b) => b.rows - a.rows);
  const balancedAccuracy = rows.reduce((s, r) => s + r.recall, 0) / rows.length;
  const most = rows[0].rows, least = rows[rows.length - 1].rows;
  return { balancedAccuracy, majorityAccuracy: most / n, classes: rows, unbalanced: rows.length > 1 && most >= UNBALANCED_RATIO * least };
}

/** Most classes the line names (the most frequent first, then the one with the lowest recall). */
const LISTED = 6;

/**
 * The line `train` and `eval` print for unbalanced rows, e.g. `unbalanced classes: "ok" alone scores
 * 96.50 %; balanced accuracy 64.03 % (per class: "ok" 99.48 % of 193, "fault" 28.57 % of 7)`; null when balanced.
 */
export function classBalanceLine(b: ClassBalance | null): string | null {
  if (b === null || !b.unbalanced) return null;
  const pct = (x: number) => `${(x * 100).toFixed(2)} %`;
  let listed = b.classes.slice(0, LISTED);
  const worst = b.classes.reduce((w, c) => (c.recall < w.recall ? c : w), b.classes[0]);
  if (!listed.includes(worst)) listed = [...listed.slice(0, LISTED - 1), worst];
  const per = listed.map((c) => `${JSON.stringify(c.name)} ${pct(c.recall)} of ${c.rows}`).join(", ");
  const more = b.classes.length > listed.length ? `, … (${b.classes.length} classes)` : "";
  return `unbalanced classes: ${JSON.stringify(b.classes[0].name)} alone scores ${pct(b.majorityAccuracy)}; balanced accuracy ${pct(b.balancedAccuracy)} (per class: ${per}${more})`;
}
