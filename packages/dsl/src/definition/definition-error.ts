/** The error to throw when a definition is not valid: code BATON_INVALID_DEFINITION, with every issue. */
import { BatonError } from '@baton/core';
import type { DefinitionIssue } from './definition.js';
import { formatIssues } from './format-issues.js';

export const INVALID_DEFINITION = 'BATON_INVALID_DEFINITION';

export class DefinitionError extends BatonError {
  readonly issues: readonly DefinitionIssue[];

  constructor(issues: readonly DefinitionIssue[], options: { cause?: unknown } = {}) {
    const count = issues.length === 1 ? '1 issue' : `${issues.length} issues`;
    super(INVALID_DEFINITION, `The workflow definition is not valid (${count}); fix it and try again:\n${formatIssues(issues)}`, {
      retryable: false,
      cause: options.cause,
      details: { issues },
    });
    this.name = 'DefinitionError';
    this.issues = issues;
  }
}
