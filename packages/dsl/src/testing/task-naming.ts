/**
 * The names the rule-based planner gives what it writes: tasks (from a model verb and its object, or
 * an action's words), switch cases (from their condition), and jq paths and keys to them that stay
 * valid whatever the name.
 */
import type { Condition } from './process-outline.js';
import { camelCase, contentWords, jqString, sameWord } from './words.js';

const COMPARISON_WORDS: Readonly<Record<Condition['comparison'], string>> = {
  '>': 'over',
  '>=': 'at least',
  '<': 'under',
  '<=': 'at most',
  '==': 'is',
  '!=': 'is not',
};

/** A switch case's name from its condition: `amountOver5000`, `categoryIsBilling`, `approved`. */
export function caseNameOf(condition: Condition): string {
  const { subject, comparison, value } = condition;
  if (subject.kind === 'approved') return (value === true) === (comparison === '==') ? 'approved' : 'refused';
  const left = subject.kind === 'input' ? subject.field : 'category';
  return camelCase(`${left} ${COMPARISON_WORDS[comparison]} ${String(value)}`) || 'matches';
}

/** jq's keywords: not usable as `.name` or as a bare object key. */
const JQ_KEYWORDS = new Set([
  'and',
  'or',
  'not',
  'if',
  'then',
  'elif',
  'else',
  'end',
  'as',
  'def',
  'reduce',
  'foreach',
  'try',
  'catch',
  'label',
  'import',
  'include',
  '__loc__',
]);

/** `.name`, or `["name"]` when the name is a jq keyword. */
export function jqField(name: string): string {
  return JQ_KEYWORDS.has(name) ? `[${jqString(name)}]` : `.${name}`;
}

/** An object key in jq: bare, or quoted when it is a keyword. */
export function jqKey(name: string): string {
  return JQ_KEYWORDS.has(name) ? jqString(name) : name;
}

/** The base form of a model verb: `classified` → `classify`, `drafts` → `draft`. */
function verbBase(verb: string): string {
  const lower = verb.toLowerCase();
  const bases = [
    'classify',
    'categorise',
    'triage',
    'summarise',
    'draft',
    'extract',
    'rewrite',
    'write',
    'translate',
    'generate',
    'analyse',
    'compose',
    'tag',
    'detect',
    'assess',
    'score',
    'review',
  ];
  return (
    bases.find((base) => lower.startsWith(base.slice(0, Math.min(5, base.length - 1))) || (base === 'write' && lower === 'written')) ?? lower.replace(/s$/, '')
  );
}

/** A model task's name: its verb and what it works on ("classify" + "support tickets"). */
export function llmName(verb: string, clause: string, categories: readonly string[]): string {
  const base = verbBase(verb);
  const objects = contentWords(clause).filter(
    (w) => !sameWord(w, base) && !sameWord(w, verb.toLowerCase()) && !categories.includes(w) && !/^(model|llm|new|incoming|using|based|then|text)$/.test(w),
  );
  return camelCase([base, ...objects.slice(0, 2)].join(' ')) || base;
}

/** A task name from a verb and the words after it: "notify the requester by email" → notifyRequesterEmail. */
export function actionName(verb: string, clause: string): string {
  const words = contentWords(clause);
  const at =
    verb === ''
      ? 0
      : Math.max(
          0,
          words.findIndex((w) => w.startsWith(verb.slice(0, 4))),
        );
  const picked = words.slice(at, at + 3);
  return camelCase((verb === '' || picked[0]?.startsWith(verb.slice(0, 4)) ? picked : [verb, ...picked.slice(0, 2)]).join(' ')) || 'step';
}
