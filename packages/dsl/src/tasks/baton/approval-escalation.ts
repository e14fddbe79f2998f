/**
 * `with.escalation` of `call: baton.approval`: the wait's escalation policy, a list of stages written
 * as in code (`action`: remind, reassign, notify, decide) with `after` a DSL duration (`PT1M`, or
 * `{ minutes: 1 }`) counted from when the approval began to wait. The validation pass reports each
 * problem at its stage; the task turns the list into the policy `ctx.waitForSignal` takes.
 */
import { escalationIssues, type EscalationStage } from '@baton/core';
import { durationMs } from '../../runtime/duration.js';
import { standardFault } from '../../runtime/workflow-fault.js';

/** One problem of an approval's escalation: the JSON pointer under `with/escalation` and what is wrong. */
export interface ApprovalEscalationIssue {
  pointer: string;
  message: string;
}

/** The stages with `after` in milliseconds, and every problem found (pointers relative to the policy). */
export function readApprovalEscalation(value: unknown): { stages: EscalationStage[]; issues: ApprovalEscalationIssue[] } {
  if (!Array.isArray(value)) return { stages: [], issues: [{ pointer: '', message: 'escalation is a list of stages ({ after, action, ... })' }] };
  const issues: ApprovalEscalationIssue[] = [];
  const stages = value.map((raw: unknown, index): EscalationStage => {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || !('after' in raw)) return raw as EscalationStage;
    const stage = { ...(raw as Record<string, unknown>) };
    if (typeof stage.after !== 'number') {
      try {
        stage.after = durationMs(stage.after, 'after');
      } catch {
        issues.push({
          pointer: `/${index}/after`,
          message: `\`after\` is a duration such as PT10M or { minutes: 10 } (years and months are not accepted), not ${JSON.stringify(stage.after)}`,
        });
        stage.after = 0;
      }
    }
    return stage as unknown as EscalationStage;
  });
  for (const issue of escalationIssues(stages)) {
    if (issue.stage >= 0 && issues.some((i) => i.pointer === `/${issue.stage}/after`) && issue.message.startsWith('`after`')) continue;
    issues.push({ pointer: issue.stage < 0 ? '' : `/${issue.stage}`, message: issue.message });
  }
  return { stages, issues };
}

/** The policy of an approval's `with.escalation`; a configuration fault when it cannot work. */
export function approvalEscalation(value: unknown, call: string): EscalationStage[] {
  const { stages, issues } = readApprovalEscalation(value);
  if (issues.length > 0)
    throw standardFault('configuration', `with.escalation of ${call} cannot work: ${issues.map((i) => `${i.pointer || '/'}: ${i.message}`).join('; ')}`);
  return stages;
}
