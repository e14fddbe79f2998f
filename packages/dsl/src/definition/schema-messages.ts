/**
 * Ajv's schema errors, worded as what to change. Of the errors one validation reports, the ones
 * that reached deepest into the value are kept (for a `oneOf`, the branch that matched furthest);
 * errors at the same place from several branches become one "one of" message.
 */
import type { DefinitionIssue } from './definition.js';
import { pointerOf, valueAt } from './json-pointer.js';

export interface SchemaError {
  readonly instancePath: string;
  readonly schemaPath: string;
  readonly keyword: string;
  readonly message: string;
  readonly params: Record<string, unknown>;
}

type Issue = Omit<DefinitionIssue, 'file' | 'line' | 'column'>;

/** Summaries of branches (the branch errors say more) and keywords that only repeat another error. */
const SUMMARY_KEYWORDS = new Set(['oneOf', 'anyOf', 'if', 'allOf']);

/** The issues of one validation's errors; `base` is the pointer of the validated value. */
export function schemaErrorIssues(errors: readonly SchemaError[], data: unknown, base: string): Issue[] {
  const detailed = errors.filter((error) => !SUMMARY_KEYWORDS.has(error.keyword));
  const pool = detailed.length > 0 ? detailed : errors;
  const depth = (error: SchemaError): number => targetPath(error).split('/').length;
  const deepest = Math.max(...pool.map(depth));
  const chosen = pool.filter((error) => depth(error) === deepest);
  const byPath = new Map<string, SchemaError[]>();
  for (const error of chosen) byPath.set(targetPath(error), [...(byPath.get(targetPath(error)) ?? []), error]);
  return [...byPath].map(([path, group]) => {
    const messages = [...new Set(group.map((error) => wording(error, data)))];
    const message = messages.length === 1 ? (messages[0] as string) : `does not match any allowed form: ${messages.join('; or ')}`;
    return { kind: 'schema', path: `${base}${path}`, message };
  });
}

/** Where the error points: an unknown property's own path, else the value that is wrong. */
function targetPath(error: SchemaError): string {
  const property = error.params.additionalProperty ?? error.params.unevaluatedProperty;
  return typeof property === 'string' ? pointerOf(error.instancePath, property) : error.instancePath;
}

function wording(error: SchemaError, data: unknown): string {
  const { params } = error;
  const here = error.instancePath === '' ? 'the value' : `'${lastSegment(error.instancePath)}'`;
  switch (error.keyword) {
    case 'required':
      return `${here} is missing the required property '${String(params.missingProperty)}': add it`;
    case 'additionalProperties':
    case 'unevaluatedProperties':
      return `unknown property '${String(params.additionalProperty ?? params.unevaluatedProperty)}': remove it or correct its spelling`;
    case 'type':
      return `${here} must be ${article(String(params.type))}, not ${describe(valueAt(data, error.instancePath))}`;
    case 'enum':
      return `${here} must be one of ${(params.allowedValues as unknown[] | undefined)?.map((v) => JSON.stringify(v)).join(', ') ?? 'the allowed values'}`;
    case 'const':
      return `${here} must be ${JSON.stringify(params.allowedValue)}`;
    case 'pattern':
      return `${here} must be ${patternName(String(params.pattern))}, not ${JSON.stringify(valueAt(data, error.instancePath))}`;
    case 'oneOf':
      return `${here} must be written in exactly one of its allowed forms`;
    case 'format':
      return `${here} must be a valid ${String(params.format)}`;
    case 'minProperties':
      return `${here} must have at least ${String(params.limit)} ${params.limit === 1 ? 'property' : 'properties'}`;
    case 'maxProperties':
      return `${here} must have at most ${String(params.limit)} ${params.limit === 1 ? 'property' : 'properties'}`;
    case 'minItems':
      return `${here} must have at least ${String(params.limit)} ${params.limit === 1 ? 'item' : 'items'}`;
    case 'maxItems':
      return `${here} must have at most ${String(params.limit)} ${params.limit === 1 ? 'item' : 'items'}`;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `${here} ${error.message}`;
    case 'not':
      return `${here} is not allowed in this form here`;
    default:
      return `${here} ${error.message}`;
  }
}

/** The schema's patterns in words, by how they start. */
const PATTERNS: [string, string][] = [
  ['^P(?!$)', 'an ISO 8601 duration such as PT30S'],
  ['^(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)', 'a semantic version such as 1.0.0'],
  ['^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$', '1-63 letters, digits and hyphens, starting and ending with a letter or digit'],
  ['^[a-z0-9](-*[a-z0-9]+)*$', 'lowercase letters, digits and hyphens, starting and ending with a letter or digit'],
];

function patternName(pattern: string): string {
  return PATTERNS.find(([start]) => pattern.startsWith(start))?.[1] ?? `a match of the pattern ${pattern}`;
}

function lastSegment(pointer: string): string {
  return (pointer.split('/').at(-1) ?? '').replaceAll('~1', '/').replaceAll('~0', '~');
}

function article(type: string): string {
  return type
    .split(',')
    .map((t) => (/^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`))
    .join(' or ');
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${JSON.stringify(value)}`;
}
