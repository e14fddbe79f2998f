/** Issues as people read them: `file:line:column  path  message`, one a line. */
import type { DefinitionIssue } from './definition.js';

export function formatIssues(issues: readonly DefinitionIssue[]): string {
  return issues
    .map((issue) => {
      const place = [issue.file ?? '<definition>', issue.line, issue.column].filter((part) => part !== undefined).join(':');
      return `${place}  ${issue.path === '' ? '/' : issue.path}  ${issue.message}`;
    })
    .join('\n');
}
