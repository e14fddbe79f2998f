/** A definition's problems as validation found them: each with its line and column, JSON pointer, kind and message. */
import type { ApiDefinitionIssue } from '@baton/server/client';

export function DefinitionIssues({ issues, label = 'Problems' }: { issues: readonly ApiDefinitionIssue[]; label?: string }) {
  if (issues.length === 0) return null;
  return (
    <ul className="definition-issues" aria-label={label}>
      {issues.map((issue, index) => (
        <li key={index} data-issue-kind={issue.kind}>
          <span className="mono issue-place">{issue.line === undefined ? '—' : `line ${issue.line}, column ${issue.column ?? 1}`}</span>{' '}
          <code className="tag">{issue.kind}</code> <span className="mono muted">{issue.path || '/'}</span> {issue.message}
        </li>
      ))}
    </ul>
  );
}
