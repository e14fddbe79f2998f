/** Alerts on PostgreSQL (AlertStore): rules, states, transitions, measurements and leadership rows. */
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
import type { PostgresConnection } from '../connection/connection.js';
import { writeAudit } from '../access/audit-writes.js';
import { measureAlert } from './alert-measures.js';

export class PostgresAlerts implements AlertStore {
  readonly #db: PostgresConnection;

  constructor(db: PostgresConnection) {
    this.#db = db;
  }

  async saveAlertRule(rule: AlertRule, source: AlertRuleSource, now: number, audit?: AuditEntry): Promise<AlertRuleRecord> {
    return this.#db.transaction(async (db) => {
      const { rows } = await db.query<AlertRuleRow>(
        `INSERT INTO alert_rules (id, namespace, rule, source, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)
          ON CONFLICT (id) DO UPDATE SET namespace = excluded.namespace, rule = excluded.rule, source = excluded.source, updated_at = excluded.updated_at
          RETURNING *`,
        [rule.id, rule.namespace, JSON.stringify(rule), source, now],
      );
      await writeAudit(db, audit);
      return toAlertRule(rows[0]!);
    });
  }

  async getAlertRule(id: string): Promise<AlertRuleRecord | undefined> {
    const { rows } = await this.#db.query<AlertRuleRow>('SELECT * FROM alert_rules WHERE id = $1', [id]);
    return rows[0] === undefined ? undefined : toAlertRule(rows[0]);
  }

  async listAlertRules(filter: { namespace?: string; source?: AlertRuleSource } = {}): Promise<AlertRuleRecord[]> {
    const { rows } = await this.#db.query<AlertRuleRow>(
      'SELECT * FROM alert_rules WHERE ($1::text IS NULL OR namespace = $1) AND ($2::text IS NULL OR source = $2) ORDER BY id',
      [filter.namespace ?? null, filter.source ?? null],
    );
    return rows.map(toAlertRule);
  }

  async deleteAlertRule(id: string, audit?: AuditEntry): Promise<boolean> {
    return this.#db.transaction(async (db) => {
      const deleted = ((await db.query('DELETE FROM alert_rules WHERE id = $1', [id])).rowCount ?? 0) > 0;
      await db.query('DELETE FROM alert_states WHERE rule_id = $1', [id]);
      if (deleted) await writeAudit(db, audit);
      return deleted;
    });
  }

  async listAlertStates(filter: { namespace?: string } = {}): Promise<AlertState[]> {
    const { rows } = await this.#db.query<AlertStateRow>(
      'SELECT s.* FROM alert_states s JOIN alert_rules r ON r.id = s.rule_id WHERE ($1::text IS NULL OR r.namespace = $1) ORDER BY s.rule_id',
      [filter.namespace ?? null],
    );
    return rows.map(toAlertState);
  }

  async recordAlertTransition(transition: NewAlertTransition, expectedVersion: number): Promise<AlertTransitionRecord | undefined> {
    return this.#db.transaction(async (db) => {
      // The rule's row lock orders transitions of one rule (and a delete) one after another.
      const rule = await db.query('SELECT 1 FROM alert_rules WHERE id = $1 FOR UPDATE', [transition.ruleId]);
      if (rule.rowCount === 0) return undefined;
      const { rows: states } = await db.query<AlertStateRow>('SELECT * FROM alert_states WHERE rule_id = $1', [transition.ruleId]);
      const current = states[0];
      if ((current === undefined ? 0 : Number(current.version)) !== expectedVersion) return undefined;
      const next = stateAfter(transition.kind, transition.at, current === undefined ? null : Number(current.since));
      await db.query(
        `INSERT INTO alert_states (rule_id, firing, value, since, notified_at, version) VALUES ($1, $2, $3, $4, $5, $6)
          ON CONFLICT (rule_id) DO UPDATE SET firing = excluded.firing, value = excluded.value, since = excluded.since,
            notified_at = excluded.notified_at, version = excluded.version`,
        [transition.ruleId, next.firing, transition.value, next.since, next.notifiedAt, expectedVersion + 1],
      );
      const { rows } = await db.query<AlertTransitionRow>(
        'INSERT INTO alert_transitions (rule_id, namespace, kind, value, threshold, at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING *',
        [transition.ruleId, transition.namespace, transition.kind, transition.value, transition.threshold, transition.at],
      );
      return toAlertTransition(rows[0]!);
    });
  }

  async setAlertOutcomes(transitionId: number, outcomes: ChannelOutcome[]): Promise<void> {
    await this.#db.query('UPDATE alert_transitions SET outcomes = $1 WHERE id = $2', [JSON.stringify(outcomes), transitionId]);
  }

  async listAlertTransitions(filter: AlertTransitionFilter): Promise<AlertTransitionRecord[]> {
    const { rows } = await this.#db.query<AlertTransitionRow>(
      `SELECT * FROM alert_transitions WHERE ($1::text IS NULL OR rule_id = $1) AND ($2::text IS NULL OR namespace = $2)
        AND ($3::bigint IS NULL OR id < $3) ORDER BY id DESC LIMIT $4`,
      [filter.ruleId ?? null, filter.namespace ?? null, filter.before ?? null, filter.limit],
    );
    return rows.map(toAlertTransition);
  }

  async measureAlert(namespace: string, condition: AlertCondition, windowMs: number, now: number): Promise<AlertMeasure> {
    return this.#db.read((pool) => measureAlert(pool, namespace, condition, windowMs, now));
  }

  async acquireLeadership(name: string, holder: string, ttlMs: number, now: number): Promise<boolean> {
    const { rowCount } = await this.#db.query(
      `INSERT INTO leaderships AS l (name, holder, expires_at) VALUES ($1, $2, $3)
        ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
        WHERE l.holder = excluded.holder OR l.expires_at <= $4
        RETURNING holder`,
      [name, holder, now + ttlMs, now],
    );
    return (rowCount ?? 0) > 0;
  }

  async releaseLeadership(name: string, holder: string): Promise<void> {
    await this.#db.query('DELETE FROM leaderships WHERE name = $1 AND holder = $2', [name, holder]);
  }

  async getLeader(name: string, now: number): Promise<{ holder: string; expiresAt: number } | undefined> {
    const { rows } = await this.#db.query<{ holder: string; expires_at: string }>(
      'SELECT holder, expires_at FROM leaderships WHERE name = $1 AND expires_at > $2',
      [name, now],
    );
    return rows[0] === undefined ? undefined : { holder: rows[0].holder, expiresAt: Number(rows[0].expires_at) };
  }
}
