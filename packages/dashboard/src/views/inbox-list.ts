/**
 * The inbox's list logic, apart from the page: which entries a filter keeps, the orders an operator
 * sorts them in, which signal of an entry is an approval (a schema with a boolean `approved`), and
 * the answer a bulk approve or reject sends each run, checked against that run's schema first.
 */
import type { ApiClient } from '@baton/server/client';
import { asSchema, initialValues, kindOf, readValues, type FieldValues, type JsonSchema } from '../schema-values';

/** A run waiting for a person, as GET /api/inbox lists it. */
export type ApiInboxEntry = Awaited<ReturnType<ApiClient['inbox']['list']>>['entries'][number];

export const INBOX_SORTS = [
  { id: 'oldest', label: 'waiting longest' },
  { id: 'newest', label: 'waiting shortest' },
  { id: 'deadline', label: 'deadline soonest' },
  { id: 'workflow', label: 'workflow' },
  { id: 'assignee', label: 'assignee' },
] as const;
export type InboxSort = (typeof INBOX_SORTS)[number]['id'];

/** Who an entry's assignee filter asks for: anyone, nobody (unclaimed), or a name. */
export const ANYONE = '';
export const UNCLAIMED = '\u0000unclaimed';

export interface InboxFilter {
  workflow: string;
  assignee: string;
  /** Words found in the run id, its tags, its signals or its progress. */
  text: string;
}

/**
 * Who handles an entry: its claim's assignee, or the person or group its escalation reassigned it to,
 * whichever came last.
 */
export function assigneeOf(entry: ApiInboxEntry): string | undefined {
  const escalation = entry.escalation;
  const reassigned = escalation?.stages.filter((stage) => stage.action === 'reassign').at(-1);
  if (reassigned === undefined || escalation?.assignee === undefined) return entry.claim?.assignee;
  if (entry.claim !== undefined && Date.parse(entry.claim.claimedAt) > Date.parse(reassigned.at)) return entry.claim.assignee;
  return escalation.assignee;
}

export function matches(entry: ApiInboxEntry, filter: InboxFilter): boolean {
  if (filter.workflow !== '' && entry.workflow !== filter.workflow) return false;
  const assignee = assigneeOf(entry);
  if (filter.assignee === UNCLAIMED && assignee !== undefined) return false;
  if (filter.assignee !== ANYONE && filter.assignee !== UNCLAIMED && assignee !== filter.assignee) return false;
  const words = filter.text
    .trim()
    .toLowerCase()
    .split(/\s+/)
    .filter((w) => w !== '');
  if (words.length === 0) return true;
  const haystack = [entry.runId, entry.workflow, ...entry.tags, ...entry.signals.map((s) => s.name), JSON.stringify(entry.progress ?? '')]
    .join(' ')
    .toLowerCase();
  return words.every((word) => haystack.includes(word));
}

const time = (iso: string | undefined): number => (iso === undefined ? Number.POSITIVE_INFINITY : Date.parse(iso));

/** The entries in `sort`'s order; ties keep the oldest wait first. */
export function sortEntries(entries: readonly ApiInboxEntry[], sort: InboxSort): ApiInboxEntry[] {
  const byAge = (a: ApiInboxEntry, b: ApiInboxEntry): number => time(a.since) - time(b.since);
  const compare: Record<InboxSort, (a: ApiInboxEntry, b: ApiInboxEntry) => number> = {
    oldest: byAge,
    newest: (a, b) => byAge(b, a),
    deadline: (a, b) => time(a.deadline) - time(b.deadline) || byAge(a, b),
    workflow: (a, b) => a.workflow.localeCompare(b.workflow) || byAge(a, b),
    // Unclaimed last.
    assignee: (a, b) => (assigneeOf(a) ?? '\uffff').localeCompare(assigneeOf(b) ?? '\uffff') || byAge(a, b),
  };
  return [...entries].sort(compare[sort]);
}

/** The signal of an entry answered by Approve / Reject: an object schema with a boolean `approved`. */
export function approvalSignal(entry: ApiInboxEntry): { name: string; schema: JsonSchema } | undefined {
  for (const signal of entry.signals) {
    const schema = asSchema(signal.schema);
    const approved = schema?.properties?.approved;
    if (kindOf(schema) === 'object' && approved !== undefined && kindOf(approved) === 'boolean') return { name: signal.name, schema: schema! };
  }
  return undefined;
}

/** Top-level fields that name who answers: prefilled with the signed-in key's name. */
const APPROVER_FIELDS = ['approver', 'approvedBy', 'reviewer', 'reviewedBy', 'decidedBy'] as const;

/** The fields of a signal's form prefilled with the signed-in key's name (its approver field). */
export function approverValues(schema: unknown, name: string): FieldValues {
  const properties = asSchema(schema)?.properties ?? {};
  const out: FieldValues = {};
  for (const field of APPROVER_FIELDS) if (properties[field] !== undefined && kindOf(properties[field]) === 'string') out[field] = name;
  return out;
}

/**
 * The data a bulk approve (`approved: true`) or reject sends to one run: its approver field set to
 * the signed-in key's name and the comment given, where its schema has those fields; or why its
 * schema refuses that answer (a field it requires that a bulk answer does not fill).
 */
export function bulkAnswer(schema: JsonSchema, approved: boolean, approver: string, comment: string): { data: unknown } | { problem: string } {
  const values: FieldValues = { ...initialValues(schema), ...approverValues(schema, approver) };
  if (comment.trim() !== '' && schema.properties?.comment !== undefined) values.comment = comment.trim();
  const read = readValues(schema, values);
  delete read.errors.approved;
  const problems = Object.entries(read.errors);
  if (problems.length > 0) return { problem: problems.map(([field, message]) => `${field}: ${message}`).join(' ') };
  return { data: { ...(read.value as Record<string, unknown>), approved } };
}
