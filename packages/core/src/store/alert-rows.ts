/** Row mappers of the alert tables, shared by the stores (numbers may come back as text or bigint). */
import type { AlertRule } from '../alerts/alert-rule.js';
import type { ChannelOutcome } from '../notify/notifier.js';
import type { AlertRuleRecord, AlertRuleSource, AlertState, AlertTransitionKind, AlertTransitionRecord } from './alert-store.js';

export interface AlertRuleRow {
  id: string;
  rule: string;
  source: string;
  created_at: number | string;
  updated_at: number | string;
}

export interface AlertStateRow {
  rule_id: string;
  firing: number | boolean;
  value: number | string | null;
  since: number | string;
  notified_at: number | string | null;
  version: number | string;
}

export interface AlertTransitionRow {
  id: number | string;
  rule_id: string;
  namespace: string;
  kind: string;
  value: number | string | null;
  threshold: number | string;
  at: number | string;
  outcomes: string;
}

const num = (value: number | string | bigint): number => Number(value);
const maybe = (value: number | string | null): number | null => (value === null ? null : Number(value));

export function toAlertRule(row: AlertRuleRow): AlertRuleRecord {
  const rule = JSON.parse(row.rule) as AlertRule;
  return { ...rule, source: row.source as AlertRuleSource, createdAt: num(row.created_at), updatedAt: num(row.updated_at) };
}

export function toAlertState(row: AlertStateRow): AlertState {
  return {
    ruleId: row.rule_id,
    firing: row.firing === true || row.firing === 1,
    value: maybe(row.value),
    since: num(row.since),
    notifiedAt: maybe(row.notified_at),
    version: num(row.version),
  };
}

export function toAlertTransition(row: AlertTransitionRow): AlertTransitionRecord {
  return {
    id: num(row.id),
    ruleId: row.rule_id,
    namespace: row.namespace,
    kind: row.kind as AlertTransitionKind,
    value: maybe(row.value),
    threshold: num(row.threshold),
    at: num(row.at),
    outcomes: JSON.parse(row.outcomes) as ChannelOutcome[],
  };
}

/** The state a transition leaves: firing or not, since when, when channels were last told. */
export function stateAfter(kind: AlertTransitionKind, at: number, previousSince: number | null): { firing: boolean; since: number; notifiedAt: number | null } {
  if (kind === 'resolved') return { firing: false, since: at, notifiedAt: null };
  if (kind === 'firing') return { firing: true, since: at, notifiedAt: at };
  return { firing: true, since: previousSince ?? at, notifiedAt: at };
}

/** The hour (ms) a time falls in, as the hourly counts key it. */
export function hourOf(at: number): number {
  return at - (at % 3_600_000);
}
