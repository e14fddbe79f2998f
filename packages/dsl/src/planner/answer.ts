/**
 * Taking the definition out of a model's answer. Models wrap YAML in a fenced block, often with a
 * sentence around it; some answer with the bare document. The planner validates what this returns.
 */

/** A fenced block: its language tag (possibly empty) and its content up to the closing fence. */
const FENCE = /^[ \t]*```[ \t]*([A-Za-z0-9_+-]*)[^\n]*\n([\s\S]*?)^[ \t]*```[ \t]*$/gm;
const DEFINITION_LANGUAGES = new Set(['yaml', 'yml', 'json', '']);

/**
 * The definition text in `answer`: the content of the first ```yaml, ```yml, ```json or bare ```
 * fenced block; else the answer itself when it reads as a definition (starts with `document:` or
 * `{` once trimmed); else undefined.
 */
export function definitionText(answer: string): string | undefined {
  for (const match of answer.matchAll(FENCE)) {
    const language = (match[1] ?? '').toLowerCase();
    if (DEFINITION_LANGUAGES.has(language)) return match[2] ?? '';
  }
  const trimmed = answer.trim();
  if (trimmed.startsWith('document:') || trimmed.startsWith('{')) return `${trimmed}\n`;
  return undefined;
}
