/**
 * The checks of what callers pass the client beside a run's input: a run listing's filter, a start's
 * tags. A value out of bounds throws BATON_INVALID_ARGUMENT saying what is accepted.
 */
import { BatonError, ErrorCode } from '../errors/errors.js';
import { RunStatus, type RunFilter } from '../store/records.js';
import { assertStorableText } from '../util/text.js';

export interface ListOptions extends Omit<RunFilter, 'createdAfter' | 'createdBefore' | 'namespace'> {
  createdAfter?: Date | number;
  createdBefore?: Date | number;
}

/** The store filter of a listing, once checked, limited to `namespace` when the client has one. */
export function listFilter(options: ListOptions, namespace: string | undefined): RunFilter {
  const filter: RunFilter = { ...options } as RunFilter;
  if (namespace !== undefined) filter.namespace = namespace;
  for (const field of ['workflow', 'tag', 'search', 'parentId', 'cursor'] as const) assertStorableText(options[field], field);
  if (options.tag !== undefined && (typeof options.tag !== 'string' || options.tag.length === 0 || options.tag.length > 100)) {
    throw invalidArgument('tag must be 1-100 characters.');
  }
  if (options.search !== undefined && (typeof options.search !== 'string' || options.search.length === 0 || options.search.length > 200)) {
    throw invalidArgument('search must be 1-200 characters.');
  }
  if (options.createdAfter !== undefined) filter.createdAfter = toTime(options.createdAfter, 'createdAfter');
  if (options.createdBefore !== undefined) filter.createdBefore = toTime(options.createdBefore, 'createdBefore');
  for (const status of options.status === undefined ? [] : Array.isArray(options.status) ? options.status : [options.status]) {
    if (!(RUN_STATUSES as readonly unknown[]).includes(status)) {
      throw invalidArgument(`Unknown run status ${JSON.stringify(status)}: use one of ${RUN_STATUSES.join(', ')}.`);
    }
  }
  if (options.review !== undefined && options.review !== 'open' && options.review !== 'resolved') {
    throw invalidArgument(`review is 'open' (the review queue) or 'resolved', not ${JSON.stringify(options.review)}.`);
  }
  if (options.limit !== undefined && !(Number.isInteger(options.limit) && options.limit >= 1 && options.limit <= 1000)) {
    throw invalidArgument(`limit must be a whole number from 1 to 1000, not ${String(options.limit)}.`);
  }
  return filter;
}

const RUN_STATUSES = Object.values(RunStatus);

function toTime(value: Date | number, what: string): number {
  const time = typeof value === 'number' ? value : value instanceof Date ? value.getTime() : Number.NaN;
  if (!Number.isFinite(time)) throw invalidArgument(`${what} must be a Date or a time in ms, not ${String(value)}.`);
  return time;
}

/** Tags as given, once checked: at most 20, each 1-100 characters, no repeats. */
export function checkTags(tags: unknown): string[] {
  if (!Array.isArray(tags) || tags.length > 20 || !tags.every((t) => typeof t === 'string' && t.length > 0 && t.length <= 100)) {
    throw invalidArgument('tags must be a list of at most 20 strings of 1-100 characters.');
  }
  for (const tag of tags as string[]) assertStorableText(tag, 'tag');
  return [...new Set(tags as string[])];
}

export function invalidArgument(message: string): BatonError {
  return new BatonError(ErrorCode.InvalidArgument, message, { retryable: false });
}
