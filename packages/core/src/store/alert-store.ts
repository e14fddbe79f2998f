/**
 * Alerts as the store keeps them: the rules, each rule's state (firing or not, since when, the last
 * value, when channels were last told), the transitions (firing, repeat, resolved) with their value,
 * time and channel outcomes; the measurements the evaluator compares with thresholds; and a generic
 * lease-style leadership row, so one process at a time does a job that many could (alert evaluation).
 */
import type { AuditEntry } from './activity.js';
import type { AlertCondition, AlertRule } from '../alerts/alert-rule.js';
import type { ChannelOutcome } from '../notify/notifier.js';

/** Where a rule came from: an alerts file loaded at start (replaced at each load) or the API. */
export type AlertRuleSource = 'file' | 'api';

export interface AlertRuleRecord extends AlertRule {
  source: AlertRuleSource;
  createdAt: number;
  updatedAt: number;
}

/** A rule's state; no state yet means it never fired. */
export interface AlertState {
  ruleId: string;
  firing: boolean;
  /** The value at the last transition. */
  value: number | null;
  /** When the rule last started firing or resolved. */
  since: number;
  /** When channels were last told (a firing or a repeat). */
  notifiedAt: number | null;
  /** Grows by one at each transition: a transition recorded against an older version is refused. */
  version: number;
}

export const AlertTransitionKind = { Firing: 'firing', Repeat: 'repeat', Resolved: 'resolved' } as const;
export type AlertTransitionKind = (typeof AlertTransitionKind)[keyof typeof AlertTransitionKind];

export interface NewAlertTransition {
  ruleId: string;
  namespace: string;
  kind: AlertTransitionKind;
  value: number | null;
  threshold: number;
  at: number;
}

export interface AlertTransitionRecord extends NewAlertTransition {
  id: number;
  /** What each channel did with the notification; empty until delivered (or when the rule has none). */
  outcomes: ChannelOutcome[];
}

export interface AlertTransitionFilter {
  ruleId?: string;
  namespace?: string;
  /** Only transitions older than this id (the previous page's last id). */
  before?: number;
  /** At most this many, newest first. */
  limit: number;
}

/** A condition's value now; null when there is not enough to measure (a failure rate below its minimum count). */
export interface AlertMeasure {
  value: number | null;
}

export interface AlertStore {
  /** Creates or replaces a rule (by id) with its audit entry, in one transaction. */
  saveAlertRule(rule: AlertRule, source: AlertRuleSource, now: number, audit?: AuditEntry): Promise<AlertRuleRecord>;
  getAlertRule(id: string): Promise<AlertRuleRecord | undefined>;
  /** Rules by id, of one namespace when given. */
  listAlertRules(filter?: { namespace?: string; source?: AlertRuleSource }): Promise<AlertRuleRecord[]>;
  /** Deletes a rule and its state (its transitions stay) with its audit entry; false when there was none. */
  deleteAlertRule(id: string, audit?: AuditEntry): Promise<boolean>;
  listAlertStates(filter?: { namespace?: string }): Promise<AlertState[]>;
  /**
   * Records a transition and the rule's new state in one transaction, only if the rule's state is still
   * at `expectedVersion` (0: no state yet) and the rule still exists; otherwise writes nothing and
   * returns undefined (another evaluator got there first, or the rule went).
   */
  recordAlertTransition(transition: NewAlertTransition, expectedVersion: number): Promise<AlertTransitionRecord | undefined>;
  /** Keeps what the channels did with a transition's notification. */
  setAlertOutcomes(transitionId: number, outcomes: ChannelOutcome[]): Promise<void>;
  listAlertTransitions(filter: AlertTransitionFilter): Promise<AlertTransitionRecord[]>;
  /** The value of a condition over the runs of `namespace`, over `[now - windowMs, now)` where it has a window. */
  measureAlert(namespace: string, condition: AlertCondition, windowMs: number, now: number): Promise<AlertMeasure>;
  /**
   * Compare-and-set on the leadership row `name`: `holder` gets or keeps it until `now + ttlMs` when it
   * holds it already, nobody does, or the holder's term ended by `now`. True when `holder` leads.
   */
  acquireLeadership(name: string, holder: string, ttlMs: number, now: number): Promise<boolean>;
  /** Gives the leadership up at once when `holder` has it. */
  releaseLeadership(name: string, holder: string): Promise<void>;
  /** Who leads `name` at `now`, if anyone. */
  getLeader(name: string, now: number): Promise<{ holder: string; expiresAt: number } | undefined>;
}
