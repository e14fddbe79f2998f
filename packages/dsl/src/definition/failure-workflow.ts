/**
 * A definition's failure workflow: `document.metadata.baton.onFailure` names the workflow started
 * when one of its runs fails for good (the workflow option `onFailure` of a TypeScript workflow).
 */
import { BatonError, ErrorCode } from '@baton/core';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,199}$/;

/** The failure workflow a definition names, if any. Throws BATON_INVALID_DEFINITION for one that is not a workflow name. */
export function definitionFailureWorkflow(document: { document: { metadata?: unknown } }): string | undefined {
  const metadata = document.document.metadata;
  const baton = typeof metadata === 'object' && metadata !== null ? (metadata as { baton?: unknown }).baton : undefined;
  const onFailure = typeof baton === 'object' && baton !== null ? (baton as { onFailure?: unknown }).onFailure : undefined;
  if (onFailure === undefined) return undefined;
  if (typeof onFailure !== 'string' || !NAME.test(onFailure)) {
    throw new BatonError(
      ErrorCode.InvalidDefinition,
      'document.metadata.baton.onFailure names a workflow: 1-200 letters, digits and . _ : / - (starting with a letter or digit).',
      { retryable: false, details: { issues: [{ path: '/document/metadata/baton/onFailure', message: 'not a workflow name' }] } },
    );
  }
  return onFailure;
}
