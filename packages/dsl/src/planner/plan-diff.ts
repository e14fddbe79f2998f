/**
 * What a revision changed: a unified diff from the definition the planner was given to the one it
 * wrote, as people read in code review (`--- before`, `+++ after`, hunks with three lines of context).
 */
import { createTwoFilesPatch } from 'diff';

/** A unified diff of two definition texts; an empty string when they are the same. */
export function planDiff(before: string, after: string, names: { before?: string; after?: string } = {}): string {
  const from = withNewline(before);
  const to = withNewline(after);
  if (from === to) return '';
  const patch = createTwoFilesPatch(names.before ?? 'before', names.after ?? 'after', from, to, undefined, undefined, { context: 3 });
  // The package's patch starts with an `Index:`-less `===` separator line; drop it, keep the diff.
  return patch.replace(/^=+\n/, '');
}

/** Both sides end with a newline, so a missing final newline is no change of its own. */
function withNewline(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}
