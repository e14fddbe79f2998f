/** The notification of an alert transition: the same text on every channel, structured data for machines. */
import type { AlertRule } from './alert-rule.js';
import type { AlertTransitionRecord } from '../store/alert-store.js';
import type { Notification } from '../notify/notifier.js';

/** The value as people read it for the rule's condition. */
export function formatAlertValue(rule: AlertRule, value: number | null): string {
  if (value === null) return 'not enough runs to measure';
  switch (rule.condition.kind) {
    case 'failure-rate':
      return `${(value * 100).toFixed(1)}%`;
    case 'run-spend':
    case 'workflow-spend':
      return `$${value.toFixed(4)}`;
    case 'queue-age':
      return `${Math.round(value / 1000)} s`;
    default:
      return String(value);
  }
}

function describe(rule: AlertRule): string {
  const c = rule.condition;
  const of = 'workflow' in c && c.workflow !== undefined ? ` of ${c.workflow}` : '';
  switch (c.kind) {
    case 'failure-rate':
      return `failure rate${of}`;
    case 'stuck':
      return `runs${of} ${c.status} for more than ${Math.round(c.for / 1000)} s`;
    case 'queue-depth':
      return `queued runs${c.queue === undefined ? '' : ` in ${c.queue}`}`;
    case 'queue-age':
      return `age of the oldest queued run${c.queue === undefined ? '' : ` in ${c.queue}`}`;
    case 'run-spend':
      return `largest spend of one run${of}`;
    case 'workflow-spend':
      return `model spend${of}`;
    case 'step-failed':
      return `runs${of} failed at ${c.step === undefined ? 'a step' : `step '${c.step}'`}`;
    case 'dsl-error':
      return `runs${of} failed with ${c.errorType}`;
  }
}

export function alertNotification(rule: AlertRule, transition: AlertTransitionRecord): Notification {
  const what = describe(rule);
  const shown = formatAlertValue(rule, transition.value);
  const limit = formatAlertValue(rule, rule.threshold);
  const title = transition.kind === 'resolved' ? `Resolved: ${rule.name} (${what} now ${shown})` : `${rule.name}: ${what} is ${shown}, above ${limit}`;
  const text =
    transition.kind === 'resolved'
      ? `The alert '${rule.name}' (rule ${rule.id}, namespace ${rule.namespace}) resolved: ${what} is ${shown}, no longer above ${limit}.`
      : `The alert '${rule.name}' (rule ${rule.id}, namespace ${rule.namespace}) ${transition.kind === 'repeat' ? 'is still firing' : 'is firing'}: ` +
        `${what} is ${shown}, above ${limit} (window ${Math.round(rule.window / 1000)} s). Look at the runs concerned on the dashboard's Runs page.`;
  const workflow = 'workflow' in rule.condition ? rule.condition.workflow : undefined;
  return {
    id: `alert:${rule.id}:${transition.id}`,
    kind: `alert.${transition.kind}`,
    severity: rule.severity,
    title,
    text,
    at: transition.at,
    namespace: rule.namespace,
    ...(workflow === undefined ? {} : { workflow }),
    data: {
      ruleId: rule.id,
      rule: rule.name,
      transition: transition.kind,
      transitionId: transition.id,
      condition: rule.condition,
      value: transition.value,
      threshold: rule.threshold,
      windowMs: rule.window,
    },
  };
}
