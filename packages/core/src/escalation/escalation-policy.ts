/**
 * Escalation policies of people's tasks: what happens when a person does not answer a signal wait in
 * time. A policy is an ordered list of stages, each due a duration after the wait began: remind the
 * assignee, reassign the task, notify channels, or decide with a default value. Policies are checked
 * where they are written (`defineEscalation`, the DSL's validation pass) and again by the wait.
 */
import { BatonError, ErrorCode } from '../errors/errors.js';
import { toMillis, type Duration } from '../time/duration.js';

/** What a stage does. */
export const EscalationAction = { Remind: 'remind', Reassign: 'reassign', Notify: 'notify', Decide: 'decide' } as const;
export type EscalationAction = (typeof EscalationAction)[keyof typeof EscalationAction];

interface StageTiming {
  /** Due this long after the wait began (stages are in order: each `after` at least the previous one's). */
  after: Duration;
}

/** Reminds the task's assignee through `channels` (the notification names the assignee). */
export interface RemindStage extends StageTiming {
  action: 'remind';
  channels: string[];
  message?: string;
}

/** Gives the task to a person or a group: the inbox shows it assigned to `to` from then on. */
export interface ReassignStage extends StageTiming {
  action: 'reassign';
  to: string;
}

/** Tells `channels` that the task is overdue. */
export interface NotifyStage extends StageTiming {
  action: 'notify';
  channels: string[];
  message?: string;
}

/** Ends the wait with `value`, journaled as decided by escalation (checked against the wait's schema). */
export interface DecideStage extends StageTiming {
  action: 'decide';
  value: unknown;
}

export type EscalationStage = RemindStage | ReassignStage | NotifyStage | DecideStage;

/** A stage as the engine runs it: its delay in milliseconds. */
export type ResolvedStage = EscalationStage & { afterMs: number };

/** One problem of a policy: the stage's index (from 0; -1 for the policy itself) and what is wrong. */
export interface EscalationIssue {
  stage: number;
  message: string;
}

const CHANNEL_NAME = /^[a-z0-9][a-z0-9._-]*$/;
const MAX_STAGES = 20;
const MAX_TEXT = 200;

/** Every problem of `policy`, empty when it is good; each stage's `afterMs` is set on `resolved`. */
export function escalationIssues(policy: unknown, resolved: ResolvedStage[] = []): EscalationIssue[] {
  if (!Array.isArray(policy)) return [{ stage: -1, message: 'an escalation policy is a list of stages' }];
  if (policy.length === 0) return [{ stage: -1, message: 'an escalation policy needs at least one stage' }];
  if (policy.length > MAX_STAGES) return [{ stage: -1, message: `an escalation policy has at most ${MAX_STAGES} stages` }];
  const issues: EscalationIssue[] = [];
  let previous = 0;
  let decided = false;
  policy.forEach((raw: unknown, stage) => {
    const problem = (message: string): void => void issues.push({ stage, message });
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return problem('a stage is an object with `after` and `action`');
    const s = raw as Record<string, unknown>;
    let afterMs: number | undefined;
    if (typeof s.after !== 'number' && typeof s.after !== 'string') problem('`after` is a duration (milliseconds or a string such as "30m")');
    else {
      try {
        afterMs = toMillis(s.after, '`after`');
      } catch {
        problem(`\`after\` is a duration of zero or more (milliseconds or a string such as "30m"), not ${JSON.stringify(s.after)}`);
      }
    }
    if (afterMs !== undefined && afterMs < previous)
      problem(`\`after\` (${afterMs} ms) comes before the previous stage's (${previous} ms): stages are in order`);
    if (afterMs !== undefined) previous = Math.max(previous, afterMs);
    if (decided) problem('no stage can follow `decide`: the wait has ended there');
    const allowed = new Set(['after', 'action']);
    switch (s.action) {
      case 'remind':
      case 'notify':
        allowed.add('channels').add('message');
        if (!Array.isArray(s.channels) || s.channels.length === 0 || !s.channels.every((c) => typeof c === 'string' && CHANNEL_NAME.test(c)))
          problem('`channels` is a non-empty list of channel names (lower case letters, digits, . _ -)');
        if (s.message !== undefined && (typeof s.message !== 'string' || s.message.length > 2000)) problem('`message` is text of at most 2,000 characters');
        break;
      case 'reassign':
        allowed.add('to');
        if (typeof s.to !== 'string' || s.to.trim().length === 0 || s.to.length > MAX_TEXT)
          problem(`\`to\` names a person or a group (1-${MAX_TEXT} characters)`);
        break;
      case 'decide':
        allowed.add('value');
        if (!('value' in s) || s.value === undefined) problem('`decide` needs the `value` the wait ends with');
        decided = true;
        break;
      default:
        problem(`\`action\` is one of remind, reassign, notify, decide, not ${JSON.stringify(s.action)}`);
    }
    for (const key of Object.keys(s)) if (!allowed.has(key)) problem(`unknown field \`${key}\` for action ${JSON.stringify(s.action)}`);
    resolved.push({ ...(s as unknown as EscalationStage), afterMs: afterMs ?? 0 });
  });
  return issues;
}

/** The policy's stages with their delays; throws BATON_INVALID_ESCALATION with every issue. */
export function resolveEscalation(policy: unknown, where: string): ResolvedStage[] {
  const resolved: ResolvedStage[] = [];
  const issues = escalationIssues(policy, resolved);
  if (issues.length > 0) {
    const text = issues.map((i) => (i.stage < 0 ? i.message : `stage ${i.stage}: ${i.message}`)).join('; ');
    throw new BatonError(ErrorCode.InvalidEscalation, `The escalation policy of ${where} cannot work: ${text}. Fix the policy.`, {
      retryable: false,
      details: { issues },
    });
  }
  return resolved;
}

/**
 * Checks a policy where it is written, so a bad one is refused when the module loads rather than when
 * a run reaches the wait: throws BATON_INVALID_ESCALATION. Returns the policy, frozen.
 */
export function defineEscalation<const P extends EscalationStage[]>(stages: P): Readonly<P> {
  resolveEscalation(stages, 'defineEscalation()');
  return Object.freeze(stages.map((stage) => Object.freeze({ ...stage }))) as unknown as Readonly<P>;
}
