/**
 * Alert rules: a named condition over the store's runs, a threshold it is compared with, a window it
 * is measured over, a severity and the channels told when it fires, repeats and resolves. Rules come
 * from an alerts file loaded at start or from the API; both are validated by these schemas.
 */
import { z } from 'zod';
import { channelsConfigSchema } from '../notify/channel-config.js';
import { Severity } from '../notify/notifier.js';
import { toMillis } from '../time/duration.js';

/** A duration: milliseconds, or text such as '5m', '1h 30m', '2 days'. Read as milliseconds. */
const durationSchema = z.union([z.number(), z.string()]).transform((value, ctx) => {
  try {
    return toMillis(value);
  } catch {
    ctx.addIssue({ code: 'custom', message: `'${String(value)}' is not a duration: use ms or text such as '90s', '5m', '1h 30m'` });
    return z.NEVER;
  }
});

const workflow = z.string().min(1).max(200).optional();

/** What a rule measures. Each kind's value is compared with the rule's threshold (value > threshold fires). */
export const alertConditionSchema = z.discriminatedUnion('kind', [
  /** failed / ended runs of a workflow (or all) ended in the window, 0..1; no value below `minRuns` ended runs. */
  z.strictObject({ kind: z.literal('failure-rate'), workflow, minRuns: z.number().int().min(1).default(1) }),
  /** How many runs are running (since they started) or waiting (since their wait began) for longer than `for`. */
  z.strictObject({ kind: z.literal('stuck'), status: z.enum(['running', 'waiting']), for: durationSchema, workflow }),
  /** How many runs are queued (in one queue, or all). */
  z.strictObject({ kind: z.literal('queue-depth'), queue: z.string().min(1).optional() }),
  /** How long (ms) the oldest queued run that is ready to go has been waiting for a worker. */
  z.strictObject({ kind: z.literal('queue-age'), queue: z.string().min(1).optional() }),
  /** The largest model spend (USD) of one run created in the window. */
  z.strictObject({ kind: z.literal('run-spend'), workflow }),
  /** The model spend (USD) of a workflow's runs (or all), counted by the hour, over the hours the window touches. */
  z.strictObject({ kind: z.literal('workflow-spend'), workflow }),
  /** How many runs ended failed in the window with a step (named, or any) failed for good. */
  z.strictObject({ kind: z.literal('step-failed'), workflow, step: z.string().min(1).optional() }),
  /** How many runs of definitions ended failed in the window with a Serverless Workflow error of this `type`. */
  z.strictObject({ kind: z.literal('dsl-error'), workflow, errorType: z.string().min(1).max(500) }),
]);
export type AlertCondition = z.infer<typeof alertConditionSchema>;
export type AlertConditionKind = AlertCondition['kind'];

export const ALERT_CONDITION_KINDS = ['failure-rate', 'stuck', 'queue-depth', 'queue-age', 'run-spend', 'workflow-spend', 'step-failed', 'dsl-error'] as const;

const ruleId = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,99}$/, 'a rule id is lower case letters, digits, . _ - (at most 100)');

/** A rule as written (durations as text or ms). */
export const alertRuleSchema = z.strictObject({
  id: ruleId,
  name: z.string().min(1).max(200),
  /** The namespace whose runs the rule watches. */
  namespace: z.string().min(1).max(100).default('default'),
  condition: alertConditionSchema,
  /** The condition holds when its value is above this. */
  threshold: z.number().finite(),
  /** What the value is measured over (failure rate, spend, failed steps, DSL errors). Default 5 minutes. */
  window: durationSchema.default(300_000),
  severity: z.enum([Severity.Info, Severity.Warning, Severity.Critical]).default(Severity.Warning),
  /** Channel names of the deployment's configuration. */
  channels: z.array(z.string().min(1)).default([]),
  /** While firing, tell the channels again this often; 0 (default) never. */
  repeatEvery: durationSchema.default(0),
  enabled: z.boolean().default(true),
});

/** A rule as kept: durations in ms. */
export type AlertRule = z.output<typeof alertRuleSchema>;
/** A rule as written by people and programs. */
export type AlertRuleInput = z.input<typeof alertRuleSchema>;

/** An alerts file: `{ channels: { <name>: ChannelConfig }, rules: [ … ] }`. */
export const alertsFileSchema = z.strictObject({
  /** How often the leading process evaluates every rule. Default 15 s. */
  evaluateEvery: durationSchema.default(15_000),
  channels: channelsConfigSchema.default({}),
  rules: z.array(alertRuleSchema).default([]),
});
export type AlertsFile = z.output<typeof alertsFileSchema>;

/** Problems of an alerts file or rule: each with its path. */
export function describeIssues(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.map((issue) => ({ path: issue.path.join('.') || '(root)', message: issue.message }));
}

/** Rule problems a schema cannot see: unique ids, known channels. */
export function crossCheckRules(rules: readonly AlertRule[], channels: readonly string[] | undefined): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  const seen = new Set<string>();
  rules.forEach((rule, index) => {
    if (seen.has(rule.id)) problems.push({ path: `rules.${index}.id`, message: `rule id '${rule.id}' is used twice` });
    seen.add(rule.id);
    if (channels !== undefined) {
      rule.channels.forEach((name, c) => {
        if (!channels.includes(name))
          problems.push({ path: `rules.${index}.channels.${c}`, message: `no channel named '${name}' (known: ${channels.join(', ') || 'none'})` });
      });
    }
  });
  return problems;
}
