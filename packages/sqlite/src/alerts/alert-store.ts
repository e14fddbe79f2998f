/** Alerts on SQLite (AlertStore): rules, states, transitions, measurements and leadership rows. */
import type {
  AlertCondition,
  AlertMeasure,
  AlertRule,
  AlertRuleRecord,
  AlertRuleSource,
  AlertState,
  AlertTransitionFilter,
  AlertTransitionRecord,
  AuditEntry,
  ChannelOutcome,
  NewAlertTransition,
} from '@baton/core';
import {
  stateAfter,
  toAlertRule,
  toAlertState,
  toAlertTransition,
  type AlertRuleRow,
  type AlertStateRow,
  type AlertStore,
  type AlertTransitionRow,
} from '@baton/core/store-kit';
import type { SqliteConnection } from '../connection/sqlite-connection.js';
import { writeAudit } from '../access/write-audit.js';
import { measureAlert } from './alert-measures.js';

export class SqliteAlertStore implements AlertStore {
  readonly #conn: SqliteConnection;

  constructor(conn: SqliteConnection) {
    this.#conn = conn;
  }

  get #db() {
    this.#conn.ensureInitialized();
    return this.#conn.db;
  }

  async saveAlertRule(rule: AlertRule, source: AlertRuleSource, now: number, audit?: AuditEntry): Promise<AlertRuleRecord> {
    const db = this.#db;
    return this.#conn.write(() => {
      const row = db
        .prepare(
          `INSERT INTO alert_rules (id, namespace, rule, source, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET namespace = excluded.namespace, rule = excluded.rule, source = excluded.source, updated_at = excluded.updated_at
            RETURNING *`,
        )
        .get(rule.id, rule.namespace, JSON.stringify(rule), source, now, now) as AlertRuleRow;
      writeAudit(this.#conn.statements, audit);
      return toAlertRule(row);
    });
  }

  async getAlertRule(id: string): Promise<AlertRuleRecord | undefined> {
    const row = this.#db.prepare('SELECT * FROM alert_rules WHERE id = ?').get(id) as AlertRuleRow | undefined;
    return row === undefined ? undefined : toAlertRule(row);
  }

  async listAlertRules(filter: { namespace?: string; source?: AlertRuleSource } = {}): Promise<AlertRuleRecord[]> {
    const rows = this.#db
      .prepare('SELECT * FROM alert_rules WHERE (@namespace IS NULL OR namespace = @namespace) AND (@source IS NULL OR source = @source) ORDER BY id')
      .all({ namespace: filter.namespace ?? null, source: filter.source ?? null }) as AlertRuleRow[];
    return rows.map(toAlertRule);
  }

  async deleteAlertRule(id: string, audit?: AuditEntry): Promise<boolean> {
    const db = this.#db;
    return this.#conn.write(() => {
      const deleted = db.prepare('DELETE FROM alert_rules WHERE id = ?').run(id).changes > 0;
      db.prepare('DELETE FROM alert_states WHERE rule_id = ?').run(id);
      if (deleted) writeAudit(this.#conn.statements, audit);
      return deleted;
    });
  }

  async listAlertStates(filter: { namespace?: string } = {}): Promise<AlertState[]> {
    const rows = this.#db
      .prepare(
        `SELECT s.* FROM alert_states s JOIN alert_rules r ON r.id = s.rule_id WHERE (@namespace IS NULL OR r.namespace = @namespace) ORDER BY s.rule_id`,
      )
      .all({ namespace: filter.namespace ?? null }) as AlertStateRow[];
    return rows.map(toAlertState);
  }

  async recordAlertTransition(transition: NewAlertTransition, expectedVersion: number): Promise<AlertTransitionRecord | undefined> {
    const db = this.#db;
    return this.#conn.write(() => {
      if (db.prepare('SELECT 1 FROM alert_rules WHERE id = ?').get(transition.ruleId) === undefined) return undefined;
      const current = db.prepare('SELECT * FROM alert_states WHERE rule_id = ?').get(transition.ruleId) as AlertStateRow | undefined;
      if ((current === undefined ? 0 : Number(current.version)) !== expectedVersion) return undefined;
      const next = stateAfter(transition.kind, transition.at, current === undefined ? null : Number(current.since));
      db.prepare(
        `INSERT INTO alert_states (rule_id, firing, value, since, notified_at, version) VALUES (?, ?, ?, ?, ?, ?)
          ON CONFLICT (rule_id) DO UPDATE SET firing = excluded.firing, value = excluded.value, since = excluded.since,
            notified_at = excluded.notified_at, version = excluded.version`,
      ).run(transition.ruleId, next.firing ? 1 : 0, transition.value, next.since, next.notifiedAt, expectedVersion + 1);
      const row = db
        .prepare(`INSERT INTO alert_transitions (rule_id, namespace, kind, value, threshold, at) VALUES (?, ?, ?, ?, ?, ?) RETURNING *`)
        .get(transition.ruleId, transition.namespace, transition.kind, transition.value, transition.threshold, transition.at) as AlertTransitionRow;
      return toAlertTransition(row);
    });
  }

  async setAlertOutcomes(transitionId: number, outcomes: ChannelOutcome[]): Promise<void> {
    const db = this.#db;
    this.#conn.write(() => db.prepare('UPDATE alert_transitions SET outcomes = ? WHERE id = ?').run(JSON.stringify(outcomes), transitionId));
  }

  async listAlertTransitions(filter: AlertTransitionFilter): Promise<AlertTransitionRecord[]> {
    const rows = this.#db
      .prepare(
        `SELECT * FROM alert_transitions WHERE (@ruleId IS NULL OR rule_id = @ruleId) AND (@namespace IS NULL OR namespace = @namespace)
          AND (@before IS NULL OR id < @before) ORDER BY id DESC LIMIT @limit`,
      )
      .all({ ruleId: filter.ruleId ?? null, namespace: filter.namespace ?? null, before: filter.before ?? null, limit: filter.limit }) as AlertTransitionRow[];
    return rows.map(toAlertTransition);
  }

  async measureAlert(namespace: string, condition: AlertCondition, windowMs: number, now: number): Promise<AlertMeasure> {
    return measureAlert(this.#db, namespace, condition, windowMs, now);
  }

  async acquireLeadership(name: string, holder: string, ttlMs: number, now: number): Promise<boolean> {
    const db = this.#db;
    return this.#conn.write(
      () =>
        db
          .prepare(
            `INSERT INTO leaderships (name, holder, expires_at) VALUES (@name, @holder, @expiresAt)
              ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
              WHERE leaderships.holder = excluded.holder OR leaderships.expires_at <= @now
              RETURNING holder`,
          )
          .get({ name, holder, expiresAt: now + ttlMs, now }) !== undefined,
    );
  }

  async releaseLeadership(name: string, holder: string): Promise<void> {
    const db = this.#db;
    this.#conn.write(() => db.prepare('DELETE FROM leaderships WHERE name = ? AND holder = ?').run(name, holder));
  }

  async getLeader(name: string, now: number): Promise<{ holder: string; expiresAt: number } | undefined> {
    const row = this.#db.prepare('SELECT holder, expires_at FROM leaderships WHERE name = ? AND expires_at > ?').get(name, now) as
      { holder: string; expires_at: number } | undefined;
    return row === undefined ? undefined : { holder: row.holder, expiresAt: Number(row.expires_at) };
  }
}
