/**
 * "Did you mean": the catalog's names closest to one a definition wrote, so a message can say what
 * to write instead. Edit distance, with names that contain or are contained in the written one first.
 */
import { distance } from 'fastest-levenshtein';

/** Up to `limit` of `names` nearest to `written`, nearest first; far-off names are left out. */
export function closestNames(written: string, names: readonly string[], limit = 3): string[] {
  const lower = written.toLowerCase();
  const scored = [...new Set(names)].map((name) => {
    const candidate = name.toLowerCase();
    const contains = candidate.includes(lower) || lower.includes(candidate);
    return { name, score: contains ? 0 : distance(lower, candidate) / Math.max(lower.length, candidate.length, 1) };
  });
  return scored
    .filter((entry) => entry.score <= 0.6)
    .sort((a, b) => a.score - b.score || a.name.localeCompare(b.name))
    .slice(0, limit)
    .map((entry) => entry.name);
}

/** ` (did you mean 'a' or 'b'?)`, or '' when nothing is close. */
export function didYouMean(written: string, names: readonly string[]): string {
  const close = closestNames(written, names);
  if (close.length === 0) return '';
  const quoted = close.map((name) => `'${name}'`);
  const list = quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}`;
  return ` (did you mean ${list}?)`;
}
