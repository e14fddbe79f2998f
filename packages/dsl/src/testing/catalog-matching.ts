/**
 * Which catalog workflow or function a clause asks for. A clause that names a workflow outright
 * (`invoice-approval`, `the expense claim workflow`) gets it; otherwise the words of the clause are
 * scored against each entry's name (3 a word) and description (1 a word), each clause word counted
 * once, and the best entry wins when it scores at least 4: one name word and one more, or four
 * description words. Ties go to the entry listed first, so the same catalog gives the same answer.
 */
import type { CatalogFunction, CatalogWorkflowEntry, PlanningCatalog } from '../planner/planning-catalog.js';
import { contentWords, sameWord } from './words.js';

const MIN_SCORE = 4;

/** The last part of a Baton name: `examples.expense-claim` → `expense-claim`. */
export function shortName(name: string): string {
  const parts = name.split(/[.:/]/);
  return parts[parts.length - 1] ?? name;
}

/** The catalog workflow the clause names outright, if any. */
export function namedWorkflow(clause: string, catalog: PlanningCatalog): CatalogWorkflowEntry | undefined {
  const text = clause.toLowerCase();
  return catalog.workflows.find((entry) => {
    const short = shortName(entry.name).toLowerCase();
    if (text.includes(entry.name.toLowerCase())) return true;
    if (short.includes('-') && new RegExp(`\\b${escapeRegExp(short)}\\b`).test(text)) return true;
    const spaced = short.replace(/[-_]+/g, ' ');
    // "run the invoice approval", "through support triage": a name of two words or more, as words.
    if (spaced.includes(' ')) return new RegExp(`\\b${escapeRegExp(spaced)}\\b`).test(text);
    return new RegExp(`\\b${escapeRegExp(spaced)}\\s+(?:workflow|process)\\b`).test(text);
  });
}

/** The catalog workflow whose name and description best match the clause, if one matches well enough. */
export function matchingWorkflow(clause: string, catalog: PlanningCatalog): CatalogWorkflowEntry | undefined {
  return best(catalog.workflows, clause, (entry) => [shortName(entry.name), entry.description ?? '']);
}

/** The catalog function whose name and description best match the clause, if one matches well enough. */
export function matchingFunction(clause: string, catalog: PlanningCatalog): CatalogFunction | undefined {
  return best(catalog.functions, clause, (fn) => [fn.name, fn.description ?? '']);
}

function best<T>(entries: readonly T[], clause: string, text: (entry: T) => [string, string]): T | undefined {
  const words = [...new Set(contentWords(clause))];
  let found: { entry: T; score: number } | undefined;
  for (const entry of entries) {
    const [name, description] = text(entry);
    const nameWords = contentWords(name.replace(/([a-z0-9])([A-Z])/g, '$1 $2'));
    const descriptionWords = contentWords(description);
    let score = 0;
    for (const word of words) {
      if (nameWords.some((w) => sameWord(w, word))) score += 3;
      else if (descriptionWords.some((w) => sameWord(w, word))) score += 1;
    }
    if (score >= MIN_SCORE && (found === undefined || score > found.score)) found = { entry, score };
  }
  return found?.entry;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Words naming how a message goes out. */
const CHANNELS = /^(e-?mail|emails|sms|text|slack|teams|chat|message|messages|notification|notifications|notify|letter|push|page|pager|webhook)$/;

/**
 * The catalog workflow that sends what a notification clause sends: one whose name holds the
 * channel the clause names ("notify the requester by email" → `comms.send-email`); the one sharing
 * the most other words with the clause on a tie, else the first.
 */
export function notifyingWorkflow(clause: string, catalog: PlanningCatalog): CatalogWorkflowEntry | undefined {
  const words = [...new Set(contentWords(clause.replace(/e-mail/gi, 'email')))];
  const channels = words.filter((w) => CHANNELS.test(w));
  if (channels.length === 0) return undefined;
  let found: { entry: CatalogWorkflowEntry; score: number } | undefined;
  for (const entry of catalog.workflows) {
    const nameWords = contentWords(shortName(entry.name).replace(/([a-z0-9])([A-Z])/g, '$1 $2'));
    if (!channels.some((c) => nameWords.some((w) => sameWord(w, c)))) continue;
    const score = words.filter((w) => nameWords.some((n) => sameWord(n, w))).length;
    if (found === undefined || score > found.score) found = { entry, score };
  }
  return found?.entry;
}
