/**
 * Reads a paragraph describing a process into a ProcessOutline: sentences, then clauses (split at
 * "then", and "and"/"," before an action; `;` ends a sentence), each clause an action (clause-reading.ts) under the
 * conditions its sentence sets ("If …, …", "… when …", "Otherwise, …", "Purchases above 5,000 EUR
 * need …") and the loop it sets ("For each line item, …"). Rule-based and deterministic: the same
 * paragraph and catalog always give the same outline.
 */
import type { PlanningCatalog } from '../planner/planning-catalog.js';
import { approvalRoles, leadingWait, readClause } from './clause-reading.js';
import { negate, numericCondition, readCondition } from './condition-reading.js';
import { inputFieldsOf } from './input-fields.js';
import type { Condition, PlannedStep, ProcessOutline } from './process-outline.js';
import { camelCase, contentWords, isStopWord, kebabCase } from './words.js';

/** Verbs that start a new clause after "and" or a comma. */
const VERB = String.raw`(?:approv|sign|review|check|verif|validat|classif|categori|triag|summari|draft|extract|writ|translat|generat|analy|scor|send|sent|notif|e-?mail(?!\s+address)|post|publish|inform|alert|remind|wait|run|ran|call|start|creat|updat|book|pay|paid|ship|reserv|onboard|provision|record|stor|archiv|escalat|assign|rout|retr|schedul|ask|collect|fetch|comput|calculat|clos|submit|forward|invit|welcom|repl|respond|tag|label|detect|flag|refund|charg|deploy|releas|monitor|sync|import|export|upload|transform|load|enrich|match|compar|confirm|trigger|launch|authori|need|requir|hand|mov|add|remov|order|enrol|revok|screen|pull|pars|put|open|arrang|lock|reconcil|disabl|eras|delet|cancel|declin|reject|regist|deliver|dispatch|pack|restock|bill|invit|shar)\w*\b(?!\s+(?:id|ids|number|numbers|date|dates|name|names|address|details|status|type|value|amount|total|count|lines?|items?)\b)|(?:have|let)\b`;
const SUBJECT = String.raw`(?:(?:(?:the|a|an|its|their|our)\s+[a-z]+(?:\s+[a-z]+)?|it|they|we|someone|finance|legal|hr)\s+)?(?:(?:is|are|gets?|must|should|will|can|then)\s+)?`;
const SEPARATOR = new RegExp(
  String.raw`\s*[;:]\s*|,?\s+(?:and\s+)?(?=(?:after|wait)\s+(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten)\s+(?:minute|hour|day|week)s?\b)|,?\s+(?:and\s+)?(?:then|afterwards|finally|after that|next)\s*,?\s+|(?:,\s*(?:and|but)?|\s+(?:and|but))\s*,?\s*(?=(?:if|when|whenever|once|unless)\s(?:[^,]|,(?=\d))+,\s)|,\s+(?:and\s+)?(?=${SUBJECT}${VERB})|\s+and\s+(?=${SUBJECT}${VERB})|,\s+and\s+(?=(?:[^,;]|,(?=\d))*\b${VERB})`,
  'gi',
);
const SEQUEL = /\b(?:then|afterwards|finally|after that|next)\b/i;
const LEADING_CONDITION = /^(?:if|when|whenever|once|where|in case|should|provided that|only if|as soon as)\s+(.+?),(?!\d)\s*(?:then\s+)?(.+)$/i;
const TRAILING_CONDITION = /^(.+?)\s+(?:if|when|whenever|only if|provided that|in case)\s+((?:[^,]|,(?=\d))+)$/i;
const OTHERWISE = /^(?:otherwise|else|if not|in all other cases)\b[\s,]*(.*)$/i;
/** A clause about what an approval decided ("Approved invoices are scheduled…"). */
const DECIDED = /^(approved|rejected|declined|refused|denied|turned[- ]down)\s+((?:[a-z]+\s+){1,3}?(?:are|is|get|gets|will be|go|goes)\b.*)$/i;
/** "Larger claims …", "Other orders …": the cases a numeric condition just before left out. */
const COMPLEMENT = /^(?:the\s+)?(larger|bigger|higher|greater|more expensive|smaller|lower|cheaper|other|remaining|all other|the rest of the)\s+\w+/i;
/** Someone starting the process ("Employees submit expense claims"): no step of its own. */
const STARTER =
  /^(?:(?:the|a|an|new)\s+)?(?:employees?|customers?|users?|clients?|vendors?|suppliers?|candidates?|applicants?|someone|people|staff|members?|partners?|requesters?|authors?|teams?)\s+(?:submits?|sends?|files?|uploads?|raises?|opens?|creates?|requests?|places?|signs? up|applies?|asks?)\b/i;
/** A clause saying what starts the process ("a ticket comes in", "an incident is reported"): no step. */
const ARRIVAL =
  /\b(?:is|are|gets?|was|were|has been)\s+(?:reported|submitted|received|created|opened|filed|uploaded|raised|placed|hired|signed up)\b|\b(?:comes?|came)\s+in\b|\barrives?\b/i;
/** Words of time that do not name a process ("each week", "every morning"). */
const TIME_WORDS =
  /^(?:day|days|week|weeks|month|months|year|morning|evening|night|hour|minute|monday|tuesday|wednesday|thursday|friday|saturday|sunday|weekday|quarter|time)$/i;
const LOOP_COMMA = /^(?:for\s+(?:each|every|all)|per)\s+([^,]+?),\s*(.*)$/i;
const LOOP = new RegExp(String.raw`^(?:for\s+(?:each|every|all)|per)\s+(.+?)\s+(?=(?:we\s+)?${VERB})(.*)$`, 'i');

interface Clause {
  readonly text: string;
  /** Introduced by "then", "afterwards"…: a leading condition of its sentence no longer applies. */
  readonly sequel: boolean;
}

export function readParagraph(description: string, catalog: PlanningCatalog): ProcessOutline {
  const sentences = sentencesOf(description);
  const steps: PlannedStep[] = [];
  const unplanned: string[] = [];
  let lastConditions: readonly Condition[] = [];
  let previousUnplanned = false;
  for (const sentence of sentences) {
    let body = sentence.replace(/[.!?]+$/, '').trim();
    if (STARTER.test(body) && !/[,;]/.test(body)) continue;
    let conditions: Condition[] = [];
    let loop: PlannedStep['loop'];

    const otherwise = OTHERWISE.exec(body);
    if (otherwise !== null && lastConditions.length === 1 && lastConditions[0] !== undefined) {
      conditions = [negate(lastConditions[0])];
      body = otherwise[1] ?? '';
    }
    const looped = LOOP_COMMA.exec(body) ?? LOOP.exec(body);
    if (looped !== null) {
      loop = loopOf(looped[1] ?? '');
      body = looped[2] ?? '';
    }
    const leading = LEADING_CONDITION.exec(body);
    if (leading !== null) {
      const condition = readCondition(leading[1] ?? '', steps);
      if (condition !== undefined) conditions.push(condition);
      body = leading[2] ?? '';
    }
    if (conditions.length > 0) lastConditions = conditions;

    const complement = COMPLEMENT.exec(body);
    const previous = lastConditions[0];
    if (conditions.length === 0 && complement !== null && lastConditions.length === 1 && previous !== undefined && previous.subject.kind === 'input') {
      const larger = /^(larger|bigger|higher|greater|more)/i.test(complement[1] ?? '');
      const smaller = /^(smaller|lower|cheaper)/i.test(complement[1] ?? '');
      const below = previous.comparison === '<' || previous.comparison === '<=';
      if ((larger && below) || (smaller && !below) || (!larger && !smaller)) conditions = [negate(previous)];
    }

    let applying: readonly Condition[] = conditions;
    let sentenceSteps = 0;
    for (const clause of clausesOf(body)) {
      if (clause.sequel && leading !== null) applying = conditions.slice(0, conditions.length - 1);
      let text = clause.text.replace(/^(?:then|and|finally|afterwards|also)\b[\s,]*/i, '');
      // "Approved invoices are paid", "Rejected claims are archived": the answer of the approval before.
      const decided = DECIDED.exec(text);
      const approval = [...steps].reverse().find((s) => s.action.kind === 'approval');
      if (decided !== null && approval !== undefined) {
        const approved = !/^(rejected|declined|refused|denied|turned)/i.test(decided[1] ?? '');
        const condition: Condition = {
          subject: { kind: 'approved', step: approval.index },
          comparison: '==',
          value: approved,
          text: approved ? 'approved' : 'rejected',
        };
        applying = [...applying, condition];
        text = decided[2] ?? '';
      }
      // "…, and when the priority is urgent, page the lead": a condition for the rest of the sentence.
      const inner = LEADING_CONDITION.exec(text);
      const innerCondition = inner === null ? undefined : readCondition(inner[1] ?? '', steps);
      if (inner !== null && innerCondition !== undefined) {
        applying = [...applying, innerCondition];
        lastConditions = [innerCondition];
        text = inner[2] ?? '';
      }
      // "… if the amount is over 5,000 EUR": a condition on this clause only.
      let own = applying;
      const trailing = TRAILING_CONDITION.exec(text);
      const trailingCondition = trailing === null ? undefined : readCondition(trailing[2] ?? '', steps);
      if (trailing !== null && trailingCondition !== undefined) {
        own = [...applying, trailingCondition];
        lastConditions = [trailingCondition];
        text = trailing[1] ?? '';
      }
      const wait = leadingWait(text);
      if (wait !== undefined) {
        steps.push(step(steps.length, text, { kind: 'wait', duration: wait.duration }, own, loop));
        text = wait.rest;
        if (contentWords(text).length === 0) continue;
      }
      const reading = readClause(text, catalog);
      if (reading.retryOnly === true) {
        // Retry the step before, unless the clause before was one left unplanned.
        const last = previousUnplanned ? undefined : steps.pop();
        if (last !== undefined) steps.push({ ...last, retries: reading.retries ?? 3 });
        continue;
      }
      previousUnplanned = reading.action === undefined;
      if (reading.action === undefined) {
        if (contentWords(text).length >= 2 && !ARRIVAL.test(text)) unplanned.push(text);
        continue;
      }
      const inline = reading.action.kind === 'wait' ? undefined : numericCondition(text);
      const all = inline === undefined || own.some((c) => sameCondition(c, inline)) ? own : [...own, inline];
      if (inline !== undefined) lastConditions = [inline];
      // "the controller must review them and sign off": one approval, not two.
      const before = steps[steps.length - 1];
      if (reading.action.kind === 'approval' && reading.action.role === 'approver' && before?.action.kind === 'approval' && sentenceSteps > 0) continue;
      sentenceSteps++;
      const retries = reading.retries === undefined ? {} : { retries: reading.retries };
      // "approval from procurement and finance": one approval each, in that order.
      const roles = reading.action.kind === 'approval' ? approvalRoles(text) : [];
      if (roles.length > 1) for (const role of roles) steps.push({ ...step(steps.length, text, { kind: 'approval', role }, all, loop), ...retries });
      else steps.push({ ...step(steps.length, text, reading.action, all, loop), ...retries });
    }
  }
  return {
    name: mainNounPhrase(sentences[0] ?? description),
    summary: sentences[0] ?? description.trim(),
    fields: inputFieldsOf(description, steps),
    steps,
    unplanned,
  };
}

function step(index: number, clause: string, action: PlannedStep['action'], conditions: readonly Condition[], loop: PlannedStep['loop']): PlannedStep {
  return { index, clause, action, ...(conditions.length === 0 ? {} : { conditions }), ...(loop === undefined ? {} : { loop }) };
}

function sameCondition(a: Condition, b: Condition): boolean {
  return JSON.stringify([a.subject, a.comparison, a.value]) === JSON.stringify([b.subject, b.comparison, b.value]);
}

/** Sentences, also split at line breaks and list bullets. */
export function sentencesOf(description: string): string[] {
  return description
    .split(/\n\s*(?:[-*•]|\d+[.)])?\s*/)
    .flatMap((chunk) =>
      chunk
        .replace(/\s+/g, ' ')
        .trim()
        .split(/(?<=[.!?])\s+(?=[A-Z0-9"'(€$£])|\s*;\s*/),
    )
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

function clausesOf(body: string): Clause[] {
  const clauses: Clause[] = [];
  let start = 0;
  let sequel = false;
  for (const match of body.matchAll(SEPARATOR)) {
    const text = body.slice(start, match.index).trim();
    if (text.length > 0) clauses.push({ text, sequel });
    sequel = SEQUEL.test(match[0]);
    start = match.index + match[0].length;
  }
  const rest = body.slice(start).trim();
  if (rest.length > 0) clauses.push({ text: rest, sequel });
  return clauses;
}

/** "line item" → each lineItem in lineItems; "document in the batch" → each document in batch. */
function loopOf(phrase: string): { field: string; item: string } {
  const [itemPart = '', collectionPart] = phrase.split(/\s+(?:in|of|from|on)\s+/i);
  const item = camelCase(contentWords(singular(itemPart)).slice(-2).join(' ')) || 'item';
  const collection = collectionPart === undefined ? '' : camelCase(contentWords(collectionPart).slice(-2).join(' '));
  const field = collection.length > 0 && collection !== item ? collection : `${item}s`;
  return { field, item: item === field ? `${item}Item` : item };
}

function singular(phrase: string): string {
  return phrase.replace(/(\w+?)(ies|ses|s)\b\s*$/i, (_, stem: string, ending: string) =>
    ending === 'ies' ? `${stem}y` : ending === 'ses' ? `${stem}s` : stem,
  );
}

/** Nouns that name a process or the thing it handles. */
const PROCESS_NOUNS =
  /^(?:requests?|orders?|invoices?|claims?|tickets?|applications?|reports?|articles?|releases?|incidents?|documents?|contracts?|payments?|purchases?|expenses?|onboarding|notes|pipelines?|imports?|refunds?|shipments?|loans?|leads?|hires?|reviews?|posts?|campaigns?|subscriptions?|renewals?|returns?|deployments?|audits?|records?|hires?|cases?)$/i;

/** Words that end a noun phrase: verbs and linking words. */
const PHRASE_END = new RegExp(
  String.raw`^(?:${VERB}|is|are|was|were|be|has|have|had|comes?|arrives?|gets?|goes?|needs?|must|should|will|can|may|with|from|into|above|over|below|under|using|via|by)$`,
  'i',
);

/**
 * The paragraph's main noun phrase as a kebab-case name: of the noun phrases of the first sentence
 * (after a determiner, a verb or the sentence's start, up to three words), the first naming a
 * process (request, order, invoice…), else the first of two words or more, else the first.
 */
export function mainNounPhrase(sentence: string): string {
  const words = sentence
    .replace(/[,;:]/g, ' , ')
    .replace(/[^A-Za-z0-9' ,-]+/g, ' ')
    .split(/\s+/)
    .filter(Boolean);
  const phrases: string[][] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i] ?? '';
    const before = words[i - 1] ?? '';
    const starts = i === 0 || /^(a|an|the|each|every|new|our|incoming|all)$/i.test(before) || new RegExp(`^${VERB}$`, 'i').test(before);
    if (!starts || word === ',' || isStopWord(word) || TIME_WORDS.test(word)) continue;
    const phrase: string[] = [];
    for (let j = i; j < words.length && phrase.length < 3; j++) {
      const next = (words[j] ?? '').replace(/'s$/, '');
      const verbLike = PHRASE_END.test(next) && !PROCESS_NOUNS.test(next) && !(j === i && /^(a|an|the)$/i.test(before));
      if (next === ',' || isStopWord(next) || verbLike || /^\d/.test(next)) break;
      phrase.push(next);
    }
    if (phrase.length > 0) phrases.push(phrase);
  }
  // The first phrase naming a process; else the first of two words or more; else the first.
  const best = [...(phrases.find((p) => p.some((w) => PROCESS_NOUNS.test(w))) ?? phrases.find((p) => p.length >= 2) ?? phrases[0] ?? [])];
  const last = best.length - 1;
  if (last >= 0) best[last] = singular(best[last] ?? '');
  const name = kebabCase(best.join(' '));
  return name === 'step' || best.length === 0 ? 'planned-process' : name;
}
