/**
 * The word-level tools the rule-based planner reads paragraphs with: content words, loose word
 * equality (`approve` / `approval`, `onboard` / `onboarding`), and the name shapes a definition
 * needs (kebab-case task and document names, camelCase input fields, jq string literals).
 */

/** Words that carry no meaning of their own for matching a clause to a workflow or a field. */
const STOP_WORDS = new Set(
  (
    'a an the and or but for with that this these those from into onto about please what which when where who whom how ' +
    'can could would should will shall may might must you your our we us are was were be been being is it its their they them ' +
    'then than there here has have had do does did done to of in on at by as if so not no any all each every some also ' +
    'once after before until while via per new one two three workflow process step run up down out off also'
  ).split(' '),
);

/** Lower-case words of at least three letters that are not stop words. */
export function contentWords(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/'s\b/g, '')
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length >= 3 && !STOP_WORDS.has(w));
}

export function isStopWord(word: string): boolean {
  return STOP_WORDS.has(word.toLowerCase());
}

/** Irregular verb forms, to their base form. */
const IRREGULAR: Readonly<Record<string, string>> = {
  paid: 'pay',
  sent: 'send',
  ran: 'run',
  written: 'write',
  wrote: 'write',
  built: 'build',
  made: 'make',
  taken: 'take',
  given: 'give',
  held: 'hold',
  kept: 'keep',
  sold: 'sell',
  bought: 'buy',
  told: 'tell',
  chosen: 'choose',
};

/**
 * The same word, loosely: equal, one a prefix of the other past four letters (`onboard` /
 * `onboarding`), or the same stem once a common suffix is cut (`approves` / `approval`).
 */
export function sameWord(a: string, b: string): boolean {
  if (a === b) return true;
  const irregularA = IRREGULAR[a] ?? a;
  const irregularB = IRREGULAR[b] ?? b;
  if (irregularA !== a || irregularB !== b) return irregularA === irregularB || sameWord(irregularA, irregularB);
  const [short, long] = a.length < b.length ? [a, b] : [b, a];
  if (short.length >= 4 && long.startsWith(short)) return true;
  const stemA = stem(a);
  return stemA.length >= 4 && stemA === stem(b);
}

function stem(word: string): string {
  return word.replace(/(ations?|ments?|ings?|als?|ers?|ors?|ies|es|ed|s|e|y)$/, '');
}

/** `Purchase request` → `purchase-request`: a name the DSL accepts (`^[a-z0-9](-?[a-z0-9])*$`), at most `max` characters. */
export function kebabCase(text: string, max = 40): string {
  const words = text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0);
  let out = '';
  for (const word of words) {
    const next = out.length === 0 ? word : `${out}-${word}`;
    if (next.length > max) break;
    out = next;
  }
  return out.length > 0 ? out : words[0]?.slice(0, max) || 'step';
}

/** `requester email` → `requesterEmail`: an input field or task name ('' for text without letters or digits). */
export function camelCase(text: string): string {
  const words = text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0);
  const joined = words.map((w, i) => (i === 0 ? w : w.charAt(0).toUpperCase() + w.slice(1))).join('');
  if (joined.length === 0) return '';
  return /^[a-z]/.test(joined) ? joined : `n${joined}`;
}

/** A jq string literal holding `text` exactly (JSON's string escapes are jq's). */
export function jqString(text: string): string {
  return JSON.stringify(text);
}

/** The text with its first letter upper-case and no trailing punctuation. */
export function sentenceCase(text: string): string {
  const trimmed = plainText(text)
    .trim()
    .replace(/[\s,;:.]+$/, '');
  return trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
}

/** `name`, or `name2`, `name3`… whichever `taken` does not hold yet; records the result in `taken`. */
export function uniqueName(name: string, taken: Set<string>): string {
  let candidate = name;
  for (let i = 2; taken.has(candidate); i++) candidate = `${name}${i}`;
  taken.add(candidate);
  return candidate;
}

/** Text copied into a definition as a plain string: `${` would start a runtime expression there. */
export function plainText(text: string): string {
  return text.replace(/\$\{/g, '$ {');
}
