/**
 * `catch.errors.with`: which errors a `try` catches, by equality of the given fields (type, status,
 * instance, title, detail). Standard error types match under either of their spellings
 * (`https://serverlessworkflow.io/spec/1.0.0/errors/<kind>` and the older
 * `https://serverlessworkflow.io/dsl/errors/types/<kind>`).
 */
import type { WorkflowErrorObject } from '../runtime/workflow-fault.js';

const STANDARD = [/^https:\/\/serverlessworkflow\.io\/spec\/1\.0\.0\/errors\/([a-z]+)$/, /^https:\/\/serverlessworkflow\.io\/dsl\/errors\/types\/([a-z]+)$/];

export function matchesFilter(filter: Partial<WorkflowErrorObject> | undefined, error: WorkflowErrorObject): boolean {
  if (filter === undefined) return true;
  for (const [field, expected] of Object.entries(filter)) {
    const actual = error[field as keyof WorkflowErrorObject];
    if (field === 'type' ? !sameType(String(expected), error.type) : actual !== expected) return false;
  }
  return true;
}

function sameType(expected: string, actual: string): boolean {
  if (expected === actual) return true;
  const kind = (uri: string) => STANDARD.map((pattern) => pattern.exec(uri)?.[1]).find((k) => k !== undefined);
  const a = kind(expected);
  return a !== undefined && a === kind(actual);
}
