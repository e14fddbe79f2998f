/**
 * What one clause asks for, by rules a person can read: a catalog workflow it names (or matches
 * well), a person's approval, a wait, a model task (classify, summarise, draft, extract…), a
 * notification (a catalog function when one matches, else an event), and whether to retry it.
 * A clause none of these fit is left unplanned rather than guessed at.
 */
import type { PlanningCatalog } from '../planner/planning-catalog.js';
import { matchingFunction, matchingWorkflow, namedWorkflow, notifyingWorkflow } from './catalog-matching.js';
import type { InlineDuration, StepAction } from './process-outline.js';
import { camelCase, contentWords, isStopWord } from './words.js';

const NUMBER_WORDS: Readonly<Record<string, number>> = {
  a: 1,
  an: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
};

const COUNT = String.raw`(\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten)`;
const WAIT = new RegExp(String.raw`\b(?:wait(?:s|ing)?(?:\s+for)?|after|pause\s+for|sleep\s+for)\s+${COUNT}\s+(minute|hour|day|week)s?\b`, 'i');
const RETRY = new RegExp(
  String.raw`\b(?:retr(?:y|ies|ied|ying)|try(?:ing)? again)\b(?:[^.;]*?\b(?:up to\s+)?${COUNT}\s+(?:more\s+)?(?:times|attempts|tries))?`,
  'i',
);

const APPROVAL =
  /\b(approv(?:e|es|ed|al|ing)|sign(?:s|ed)?[- ]off|authori[sz](?:e|es|ed|ation)|review(?:s|ed)?\s+(?:and\s+approve[sd]?\s+)?by|(?:must|has to|needs? to|should|to)\s+review|reviews?|ask\w*\s+(?:the\s+|a\s+|an\s+)?[\w-]+(?:\s+[\w-]+)?\s+(?:to|for)\s+(?:confirm|accept|agree))\b/i;
const ROLE_ASK = /\bask\w*\s+(?:the\s+|a\s+|an\s+)?([a-z]+(?:\s+[a-z]+)?)\s+(?:to|for)\b/i;
const MODEL_WORDS = /\b(model|llm|ai|gpt|claude|automatically)\b/i;
const LLM_VERBS =
  /\b(classif\w*|categori[sz]\w*|triag\w*|summari[sz]\w*|draft(?:s|ed|ing)?|extract(?:s|ed|ing)?|writ(?:e|es|ing)|written|translat\w*|generat(?:e|es|ed|ing)|analy[sz]\w*|compos(?:e|es|ed|ing)|rewrit(?:e|es|ing)|rewritten|tag(?:s|ged|ging)?|detect(?:s|ed|ing)?|assess(?:es|ed|ing)?|scor(?:e|es|ed|ing))\b/i;
const NOTIFY_VERBS =
  /\b(notif\w*|escalat\w*|send(?:s|ing)?|sent|e-?mail(?:s|ed|ing)?(?!\s+address)|post(?:s|ed|ing)?|inform(?:s|ed|ing)?|alert(?:s|ed|ing)?|tell(?:s|ing)?|remind(?:s|ed|ing)?|messag(?:e|es|ed|ing)|announc\w*|ping(?:s|ed|ing)?|pag(?:e|es|ed|ing)|publish\w*)\b/i;
/** "a security review", "the annual review": a review as a thing. */
const REVIEW_NOUN = /\b(?:a|an|the)\s+(?:[\w-]+\s+)?review\b(?!\s+(?:by|from)\b)/i;
/** Words that make a review a person's decision after all. */
const PERSON_REVIEW =
  /approv|authori|sign(?:s|ed)?[- ]off|\breview(?:s|ed)\b|\b(?:must|has to|needs? to|should|to)\s+review|'s\s+review|\breview\s+(?:by|from)\b/i;

/** "the manager gets a reminder": a notification, said with a noun. */
const NOTIFY_NOUN = /\b(?:gets?|receives?|is sent|are sent)\s+(?:a|an)\s+(?:[\w-]+\s+)?(?:reminder|notification|e-?mail|message|alert)\b/i;
/** What "extract" works on when no model is named: text a model reads, not a system's records. */
const TEXT_SOURCE =
  /\b(?:from|of|in|out of)\s+(?:the\s+|each\s+|every\s+|an?\s+)?(?:[\w-]+\s+)?(?:documents?|e-?mails?|invoices?|pdfs?|texts?|tickets?|messages?|contracts?|receipts?|attachments?|forms?|letters?|cvs?|resumes?|transcripts?|notes?|reports?|articles?|reviews?|briefs?)\b/i;

/** "approved automatically": a policy decides, no person. */
const AUTOMATIC = /\b(?:automatically|at once|immediately|by (?:the )?policy)\b/i;
/** Words before a match that make it a noun ("a severity score", "with the draft"), not a verb. */
const NOUN_BEFORE = /\b(?:a|an|the|with|this|that|its|their|our|your|his|her|any|each|every|of|for)\s+(?:[\w-]+\s+){0,2}$/i;

/** The first match of `pattern` in the clause used as a verb, not as a noun. */
function verbIn(pattern: RegExp, clause: string): RegExpExecArray | undefined {
  const global = new RegExp(pattern.source, 'gi');
  for (const match of clause.matchAll(global)) if (!NOUN_BEFORE.test(clause.slice(0, match.index))) return match as RegExpExecArray;
  return undefined;
}

/** Roles a person approving something is called by. */
const ROLE =
  /\b(?:(?:the|a|an|their|its|his|her)\s+)?([a-z]+(?:\s+(?:manager|lead|team|officer|director|owner|head|reviewer|counsel))?)(?:'s)?\s+(?:must\s+|has to\s+|needs? to\s+|should\s+|to\s+|will\s+)?(?:also\s+|then\s+|first\s+|still\s+)?(?:approv|sign|review|authori)/i;
const ROLE_AFTER =
  /\b(?:approv\w*|sign[- ]off|review\w*|authori\w*)\s+(?:from|by)\s+(?:the\s+|a\s+|an\s+)?([a-z]+(?:\s+(?:manager|lead|team|officer|director|owner|head))?)/i;

export interface ClauseReading {
  readonly action?: StepAction;
  /** Set when the clause asks to retry on failure: attempts after the first. */
  readonly retries?: number;
  /** The clause only asks to retry the step before it. */
  readonly retryOnly?: boolean;
}

export function readClause(clause: string, catalog: PlanningCatalog): ClauseReading {
  const retry = RETRY.exec(clause);
  const retries = retry === null ? undefined : countOf(retry[1] ?? '3');
  const retryPart = retry === null ? undefined : { retries };
  const action = actionOf(clause, catalog);
  if (action === undefined && retry !== null) return { retries, retryOnly: true };
  return { ...(action === undefined ? {} : { action }), ...retryPart };
}

function actionOf(clause: string, catalog: PlanningCatalog): StepAction | undefined {
  const named = namedWorkflow(clause, catalog);
  if (named !== undefined) return { kind: 'workflow', entry: named };
  const wait = WAIT.exec(clause);
  const candidate = verbIn(LLM_VERBS, clause);
  // "extract new records from the CRM" is a data step, not a model's: only text, or a named model.
  const llm = candidate !== undefined && /^extract/i.test(candidate[1] ?? '') && !MODEL_WORDS.test(clause) && !TEXT_SOURCE.test(clause) ? undefined : candidate;
  const notify = verbIn(NOTIFY_VERBS, clause) ?? NOTIFY_NOUN.exec(clause) ?? undefined;
  if (wait !== null && llm === undefined && notify === undefined) return { kind: 'wait', duration: durationOf(countOf(wait[1] ?? '1'), wait[2] ?? 'day') };
  const byModel = MODEL_WORDS.test(clause);
  // "open a security review of the account" names a review, not a person's approval.
  const approval = APPROVAL.test(clause) && !(REVIEW_NOUN.test(clause) && !PERSON_REVIEW.test(clause));
  if (approval && AUTOMATIC.test(clause) && llm === undefined) return { kind: 'decision', approved: !/\b(reject|refus|declin|den)\w*/i.test(clause) };
  if (approval && !byModel) return { kind: 'approval', role: roleOf(clause) };
  const workflow = byModel && llm !== undefined ? undefined : matchingWorkflow(clause, catalog);
  if (workflow !== undefined) return { kind: 'workflow', entry: workflow };
  if (llm !== undefined || approval) {
    const verb = (llm?.[1] ?? 'review').toLowerCase();
    const categories = categoriesOf(clause);
    const fields = /^extract/.test(verb) ? extractedFields(clause) : undefined;
    return { kind: 'llm', verb, ...(categories === undefined ? {} : { categories }), ...(fields === undefined ? {} : { fields }) };
  }
  if (notify !== undefined) {
    const sender = notifyingWorkflow(clause, catalog);
    if (sender !== undefined) return { kind: 'workflow', entry: sender };
    const fn = matchingFunction(clause, catalog);
    if (fn !== undefined) return { kind: 'function', fn };
    return { kind: 'emit', what: clause };
  }
  const fn = matchingFunction(clause, catalog);
  if (fn !== undefined) return { kind: 'function', fn };
  return undefined;
}

/** A wait clause found in a longer clause ("after 2 days, send a reminder"): the duration and the rest. */
export function leadingWait(clause: string): { duration: InlineDuration; rest: string } | undefined {
  const match = new RegExp(
    String.raw`^(?:then\s+)?(?:wait\s+(?:for\s+)?|after\s+)${COUNT}\s+(minute|hour|day|week)s?\b[\s,]*(?:and\s+|then\s+|before\s+)?(.*)$`,
    'i',
  ).exec(clause);
  if (match === null) return undefined;
  return { duration: durationOf(countOf(match[1] ?? '1'), match[2] ?? 'day'), rest: match[3] ?? '' };
}

function countOf(word: string): number {
  const lower = word.toLowerCase();
  return NUMBER_WORDS[lower] ?? Math.max(1, Math.min(1_000, Number.parseInt(lower, 10) || 1));
}

function durationOf(count: number, unit: string): InlineDuration {
  switch (unit.toLowerCase()) {
    case 'minute':
      return { minutes: count };
    case 'hour':
      return { hours: count };
    case 'week':
      return { days: count * 7 };
    default:
      return { days: count };
  }
}

/** Who approves: "a manager approves" → manager, "sign-off from legal" → legal, else approver. */
function roleOf(clause: string): string {
  const asked = ROLE_ASK.exec(clause)?.[1];
  const after = ROLE_AFTER.exec(clause)?.[1];
  const before = ROLE.exec(clause)?.[1];
  for (const candidate of [asked, after, before]) {
    if (candidate === undefined) continue;
    // Two letters are a role too (HR, IT, QA).
    const words = candidate
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      .filter((w) => w.length >= 2 && !isStopWord(w) && !/^(need|needs|must|get|gets|approv\w*|review\w*|sign\w*|purchase\w*|request\w*)$/.test(w));
    if (words.length > 0) return words.join(' ');
  }
  return 'approver';
}

/** "approval from procurement and finance" → [procurement, finance]; one role otherwise. */
export function approvalRoles(clause: string): string[] {
  const both =
    /\b(?:from|by)\s+(?:the\s+)?([a-z]+(?:\s+(?:manager|lead|team|officer|director|owner|head))?)\s+(?:and|&)\s+(?:the\s+)?([a-z]+(?:\s+(?:manager|lead|team|officer|director|owner|head))?)\b/i.exec(
      clause,
    );
  if (both === null) return [roleOf(clause)];
  return [both[1], both[2]].map((role) => (role ?? '').toLowerCase()).filter((role, i, all) => role.length > 0 && !isStopWord(role) && all.indexOf(role) === i);
}

/** "classify it as billing, technical or other" → [billing, technical, other]. */
function categoriesOf(clause: string): string[] | undefined {
  const match = /\b(?:as|into)\s+(?:either\s+|one of\s+)?((?:[\w-]+\s*,\s*)*[\w-]+,?\s+(?:or|and)\s+[\w-]+)/i.exec(clause);
  if (match === null) return undefined;
  const categories = (match[1] ?? '')
    .split(/\s*,\s*|\s+or\s+|\s+and\s+/)
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c.length > 0);
  const unique = [...new Set(categories)];
  return unique.length >= 2 ? unique : undefined;
}

/** "extract the vendor, the amount and the due date from the invoice" → [vendor, amount, dueDate]. */
function extractedFields(clause: string): string[] | undefined {
  const match = /\bextracts?\s+(?:the\s+)?(.+?)(?:\s+(?:from|of|out of|in)\b|$)/i.exec(clause);
  if (match === null) return undefined;
  const fields = (match[1] ?? '')
    .split(/\s*,\s*|\s+and\s+/)
    .map((f) => camelCase(contentWords(f).join(' ')))
    .filter((f) => f.length > 1);
  const unique = [...new Set(fields)];
  return unique.length > 0 && unique.length <= 12 ? unique : undefined;
}
