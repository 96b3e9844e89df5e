import pluralize from 'pluralize';

/**
 * Edits between two words, a swap of two neighbouring letters counting as one (optimal string alignment):
 * `publc` → `public` is 1, `pubilc` → `public` is 1.
 */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) rows[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      rows[i][j] = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) rows[i][j] = Math.min(rows[i][j], rows[i - 2][j - 2] + 1);
    }
  }
  return rows[a.length][b.length];
}

/**
 * The name `word` was likely meant to be: one edit away, ignoring letter case, or its singular or plural
 * (`order` for `orders`, `person` for `people`). Undefined when none is that near, or `word` is one of them.
 */
export function nearMiss(word: string, names: Iterable<string>): string | undefined {
  const lower = word.toLowerCase();
  const candidates = [...names];
  if (candidates.some((name) => name.toLowerCase() === lower)) return undefined;
  return candidates.find((name) => {
    const other = name.toLowerCase();
    return editDistance(lower, other) <= 1 || pluralize.plural(lower) === other || pluralize.singular(lower) === other;
  });
}
