/**
 * The fields of the run's input a paragraph names: the amount when it speaks of money, the fields
 * its conditions compare, the lists its loops go over, the emails of the people it notifies, and
 * the ids and numbers it mentions ("order ID", "PO number"). Each gets a JSON Schema.
 */
import type { InputField, PlannedStep } from './process-outline.js';
import { camelCase, contentWords, isStopWord } from './words.js';

const PEOPLE =
  'customer|requester|employee|applicant|candidate|user|vendor|supplier|author|reporter|manager|client|owner|submitter|buyer|seller|patient|student|member|partner|contractor';
const MONEY = /(?:[€$£]\s?\d|\d[\d,.]*\s*(?:k\s*)?(?:eur|euros?|usd|dollars?|gbp|pounds?|chf)\b)/i;
const PERSON_EMAIL = new RegExp(
  String.raw`\b(${PEOPLE})(?:'s)?\s+(?:e-?mail|email address)\b|\b(?:e-?mail|notify|notifies|notified|inform|informs|send|sends|remind|reminds|tell|tells|alert|alerts)\s+(?:it\s+|them\s+|a\s+\w+\s+)?(?:to\s+)?(?:the\s+)?(${PEOPLE})\b|\b(${PEOPLE})\s+(?:is|gets|are)\s+(?:notified|emailed|informed|told|reminded)`,
  'gi',
);
const IDENTIFIER = /\b((?:[a-z]+\s)?[a-z]+)\s+(id|ID|number|reference|code)\b/g;

export function inputFieldsOf(description: string, steps: readonly PlannedStep[]): InputField[] {
  const fields = new Map<string, InputField>();
  const add = (name: string, schema: Record<string, unknown>): void => {
    if (name.length > 0 && !fields.has(name)) fields.set(name, { name, schema });
  };
  for (const step of steps) {
    for (const condition of step.conditions ?? []) {
      if (condition.subject.kind !== 'input') continue;
      add(condition.subject.field, { type: typeof condition.value === 'number' ? 'number' : typeof condition.value === 'boolean' ? 'boolean' : 'string' });
    }
    if (step.loop !== undefined) add(step.loop.field, { type: 'array', items: { type: 'object' } });
  }
  if (MONEY.test(description)) add('amount', { type: 'number' });
  for (const match of description.matchAll(PERSON_EMAIL)) {
    const person = (match[1] ?? match[2] ?? match[3] ?? '').toLowerCase();
    add(`${person}Email`, { type: 'string', format: 'email' });
  }
  for (const match of description.matchAll(IDENTIFIER)) {
    const words = contentWords(match[1] ?? '').filter((w) => !isStopWord(w));
    if (words.length === 0) continue;
    const kind = (match[2] ?? '').toLowerCase();
    add(camelCase(`${words.join(' ')} ${kind === 'id' ? 'id' : kind}`), { type: 'string' });
  }
  return [...fields.values()];
}
