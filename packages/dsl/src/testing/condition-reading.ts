/**
 * Conditions in plain language: "the amount is above 5,000 EUR", "purchases over €10k", "the risk
 * score is at least 70", "the priority is high", "it is billing" (a category an earlier step
 * classified into), "approved" / "rejected" (an earlier approval's answer). Each becomes a
 * comparison on a field of the run's input or on an earlier step's output.
 */
import type { Comparison, Condition, PlannedStep } from './process-outline.js';
import { camelCase, contentWords, isStopWord } from './words.js';

const COMPARATORS: readonly [RegExp, Comparison][] = [
  [/^(?:above|over|more than|greater than|higher than|exceeds?|exceeding|in excess of)$/, '>'],
  [/^(?:at least|no less than)$/, '>='],
  [/^(?:below|under|less than|lower than|beneath)$/, '<'],
  [/^(?:at most|up to|no more than)$/, '<='],
];

const NUMERIC = new RegExp(
  String.raw`(?:^|\s)((?:[a-z][\w-]*\s+){0,3}?)(?:(?:is|are|was|totals?|costs?)\s+)?` +
    String.raw`(above|over|more than|greater than|higher than|exceeds?|exceeding|in excess of|at least|no less than|below|under|less than|lower than|beneath|at most|up to|no more than)\s+` +
    String.raw`([€$£])?\s?(-?\d[\d,]*(?:\.\d+)?)(?![\d,.]*\s*(?:times|attempts?|tries|seconds?|minutes?|hours?|days?|weeks?|months?|years?)\b)\s*(k\b|thousand\b|million\b|m\b)?\s*(eur\b|euros?\b|usd\b|dollars?\b|gbp\b|pounds?\b|chf\b|%|percent\b)?` +
    String.raw`(?:\s*([a-z]{3,})(?:\s+(?:are|is|were|was|get|gets)\s+([a-z]+ed)\b)?)?`,
  'i',
);

const EQUALITY = /(?:^|\s)((?:[a-z][\w-]*\s+){0,2}?)(?:is|are|equals|was)\s+(not\s+)?(?:an?\s+|about\s+|marked\s+(?:as\s+)?|set\s+to\s+)?"?([\w-]+)"?/i;

/** Whether text names money: a currency sign or code next to the number. */
function isMoney(sign: string | undefined, unit: string | undefined): boolean {
  return sign !== undefined || (unit !== undefined && !/^(%|percent)$/i.test(unit));
}

/** The field a subject phrase names: its last two content words (`the risk score` → `riskScore`). */
function fieldOf(subject: string): string | undefined {
  const words = contentWords(subject).filter((w) => !/^(it|they|this|that|value)$/.test(w));
  if (words.length === 0) return undefined;
  return camelCase(words.slice(-2).join(' '));
}

/** A numeric comparison in the text ("amount above 5,000 EUR"), with the field it is on. */
export function numericCondition(text: string): Condition | undefined {
  const match = NUMERIC.exec(text);
  if (match === null) return undefined;
  const [whole, fullSubject = '', comparator = '', sign, digits = '0', scale, unit, noun, participle] = match;
  // Only the words after the last "if"/"when" name the subject.
  const subject = fullSubject.split(/\b(?:if|when|whenever|where|once)\b/i).pop() ?? '';
  const comparison = COMPARATORS.find(([pattern]) => pattern.test(comparator.toLowerCase()))?.[1];
  if (comparison === undefined) return undefined;
  let value = Number(digits.replace(/,/g, ''));
  if (scale !== undefined) value *= /^(k|thousand)$/i.test(scale) ? 1_000 : 1_000_000;
  // "more than 100 rows are rejected": the noun after the number names the field (rejectedRows).
  const counted =
    noun !== undefined && !isStopWord(noun) && !/^(and|or|but|then|need|needs|must|should|will|per|each|items?)$/i.test(noun)
      ? camelCase(`${participle ?? ''} ${noun}`)
      : undefined;
  const field = isMoney(sign, unit) ? 'amount' : (fieldOf(subject) ?? counted);
  if (field === undefined || !Number.isFinite(value)) return undefined;
  return { subject: { kind: 'input', field }, comparison, value, text: whole.trim() };
}

/**
 * A condition read from a clause such as "if the amount exceeds 5,000 EUR" or "when it is billing".
 * `earlier` are the steps before it, for conditions on their outputs.
 */
export function readCondition(text: string, earlier: readonly PlannedStep[]): Condition | undefined {
  const lower = text.toLowerCase();
  const approval = [...earlier].reverse().find((s) => s.action.kind === 'approval');
  if (approval !== undefined) {
    if (/\b(rejects?|rejected|declines?|declined|denies|denied|refuses?|refused|not approved|disapproves?)\b/.test(lower))
      return { subject: { kind: 'approved', step: approval.index }, comparison: '==', value: false, text: 'rejected' };
    if (/\b(approves?|approved|accepts?|accepted|signs? off|signed off)\b/.test(lower))
      return { subject: { kind: 'approved', step: approval.index }, comparison: '==', value: true, text: 'approved' };
  }
  const numeric = numericCondition(text);
  if (numeric !== undefined) return numeric;

  const classifier = [...earlier].reverse().find((s) => s.action.kind === 'llm' && s.action.categories !== undefined);
  const categories = classifier?.action.kind === 'llm' ? (classifier.action.categories ?? []) : [];
  const named = categories.find((c) => new RegExp(`\\b${c.replace(/[-]/g, '[- ]')}\\b`, 'i').test(text));
  if (classifier !== undefined && named !== undefined) {
    const negated = /\bnot\b/i.test(text);
    return { subject: { kind: 'category', step: classifier.index }, comparison: negated ? '!=' : '==', value: named, text: named };
  }

  const equality = EQUALITY.exec(text);
  if (equality === null) return undefined;
  const [, subject = '', not, raw = ''] = equality;
  const field = fieldOf(subject);
  // "When a new employee is hired" names an event, not a test on a field.
  if (field === undefined || isStopWord(raw) || /\w{3,}ed$/i.test(raw)) return undefined;
  const value = /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : /^(true|yes)$/i.test(raw) ? true : /^(false|no)$/i.test(raw) ? false : raw.toLowerCase();
  return { subject: { kind: 'input', field }, comparison: not === undefined ? '==' : '!=', value, text: `${subject}${raw}`.trim() };
}

/** The condition that holds when `condition` does not ("otherwise"). */
export function negate(condition: Condition): Condition {
  const opposite: Record<Comparison, Comparison> = { '>': '<=', '>=': '<', '<': '>=', '<=': '>', '==': '!=', '!=': '==' };
  return { ...condition, comparison: opposite[condition.comparison], text: `not ${condition.text}` };
}
