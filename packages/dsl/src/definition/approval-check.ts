/**
 * The validation pass's check of approvals' escalation policies (`with.escalation` of
 * `call: baton.approval`): every problem, at the stage it is about.
 */
import type { DefinitionIssue } from './definition.js';
import { allTasks, isObject } from './task-walk.js';
import { readApprovalEscalation } from '../tasks/baton/approval-escalation.js';

type Issue = Omit<DefinitionIssue, 'file' | 'line' | 'column'>;

export function approvalIssues(workflow: unknown): Issue[] {
  const issues: Issue[] = [];
  for (const { task, pointer } of allTasks(workflow)) {
    if (!isObject(task) || task.call !== 'baton.approval' || !isObject(task.with) || task.with.escalation === undefined) continue;
    for (const issue of readApprovalEscalation(task.with.escalation).issues)
      issues.push({ kind: 'schema', path: `${pointer}/with/escalation${issue.pointer}`, message: `escalation: ${issue.message}` });
  }
  return issues;
}
