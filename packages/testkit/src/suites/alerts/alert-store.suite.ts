/**
 * The alert store: rules are created, replaced, listed and deleted with their audit entries; a
 * transition is recorded only against the state version it was decided on (so two evaluators record
 * it once) and only while its rule exists; channel outcomes stay with it; the leadership row is a
 * compare-and-set that one holder has at a time until its term ends.
 */
import { describe, expect, it } from 'vitest';
import { alertRuleSchema, type AlertRuleInput } from '@baton/core';
import { withStore, type StoreFactory } from '../../harness.js';

const T0 = Date.UTC(2030, 0, 1);

export function rule(input: Partial<AlertRuleInput> & { id: string }) {
  return alertRuleSchema.parse({ name: `rule ${input.id}`, condition: { kind: 'queue-depth' }, threshold: 0, ...input });
}

export function alertStoreSuite(factory: StoreFactory): void {
  describe('alert rules, transitions and leadership', () => {
    it('creates, replaces, lists by namespace and deletes rules, each with its audit entry', async () => {
      await withStore(factory, async (store) => {
        const audit = (action: string, target: string) => ({ actor: 'admin-1', namespace: 'default', action, target, result: 'ok', at: T0 });
        const a = await store.saveAlertRule(rule({ id: 'a', window: '10m', repeatEvery: '1h' }), 'api', T0, audit('alert.create', 'a'));
        expect(a).toMatchObject({ id: 'a', namespace: 'default', window: 600_000, repeatEvery: 3_600_000, source: 'api', createdAt: T0, updatedAt: T0 });
        await store.saveAlertRule(rule({ id: 'b', namespace: 'shop', condition: { kind: 'stuck', status: 'waiting', for: '1d' } }), 'file', T0);
        const replaced = await store.saveAlertRule(rule({ id: 'a', threshold: 5, severity: 'critical' }), 'api', T0 + 5, audit('alert.update', 'a'));
        expect(replaced).toMatchObject({ threshold: 5, severity: 'critical', createdAt: T0, updatedAt: T0 + 5 });
        expect((await store.listAlertRules()).map((r) => r.id)).toEqual(['a', 'b']);
        expect((await store.listAlertRules({ namespace: 'shop' })).map((r) => r.id)).toEqual(['b']);
        expect((await store.listAlertRules({ source: 'file' })).map((r) => r.id)).toEqual(['b']);
        expect((await store.getAlertRule('b'))?.condition).toEqual({ kind: 'stuck', status: 'waiting', for: 86_400_000 });
        expect(await store.deleteAlertRule('a', audit('alert.delete', 'a'))).toBe(true);
        expect(await store.deleteAlertRule('a', audit('alert.delete', 'a'))).toBe(false);
        expect(await store.getAlertRule('a')).toBeUndefined();
        const actions = (await store.listAudit({ target: 'a', limit: 10 })).map((e) => e.action);
        expect(actions.sort()).toEqual(['alert.create', 'alert.delete', 'alert.update']);
      });
    });

    it('records a transition once, against the state version it was decided on, with its outcomes', async () => {
      await withStore(factory, async (store) => {
        await store.saveAlertRule(rule({ id: 'r' }), 'api', T0);
        const firing = { ruleId: 'r', namespace: 'default', kind: 'firing' as const, value: 3, threshold: 0, at: T0 + 1 };
        const [first, second] = await Promise.all([store.recordAlertTransition(firing, 0), store.recordAlertTransition(firing, 0)]);
        expect([first, second].filter((t) => t !== undefined)).toHaveLength(1);
        const recorded = (first ?? second)!;
        expect(recorded).toMatchObject({ ruleId: 'r', kind: 'firing', value: 3, threshold: 0, at: T0 + 1, outcomes: [] });
        expect(await store.listAlertStates()).toEqual([{ ruleId: 'r', firing: true, value: 3, since: T0 + 1, notifiedAt: T0 + 1, version: 1 }]);

        expect(await store.recordAlertTransition({ ...firing, kind: 'repeat', at: T0 + 9 }, 0)).toBeUndefined();
        const repeat = await store.recordAlertTransition({ ...firing, kind: 'repeat', value: 4, at: T0 + 10 }, 1);
        expect(repeat?.kind).toBe('repeat');
        expect((await store.listAlertStates())[0]).toMatchObject({ firing: true, since: T0 + 1, notifiedAt: T0 + 10, version: 2, value: 4 });
        const resolved = await store.recordAlertTransition({ ...firing, kind: 'resolved', value: null, at: T0 + 20 }, 2);
        expect((await store.listAlertStates())[0]).toMatchObject({ firing: false, since: T0 + 20, notifiedAt: null, version: 3, value: null });

        await store.setAlertOutcomes(recorded.id, [
          { channel: 'ops', delivered: true },
          { channel: 'mail', delivered: false, error: 'refused' },
        ]);
        const listed = await store.listAlertTransitions({ ruleId: 'r', limit: 10 });
        expect(listed.map((t) => t.kind)).toEqual(['resolved', 'repeat', 'firing']);
        expect(listed[2]?.outcomes).toEqual([
          { channel: 'ops', delivered: true },
          { channel: 'mail', delivered: false, error: 'refused' },
        ]);
        expect((await store.listAlertTransitions({ ruleId: 'r', limit: 10, before: resolved!.id })).map((t) => t.kind)).toEqual(['repeat', 'firing']);
        expect(await store.listAlertTransitions({ namespace: 'shop', limit: 10 })).toEqual([]);

        // A deleted rule takes no transition; its past ones stay.
        await store.deleteAlertRule('r');
        expect(await store.recordAlertTransition({ ...firing, at: T0 + 30 }, 0)).toBeUndefined();
        expect(await store.listAlertStates()).toEqual([]);
        expect(await store.listAlertTransitions({ ruleId: 'r', limit: 10 })).toHaveLength(3);
      });
    });

    it('gives a leadership row to one holder at a time, renews it for its holder, and hands it over when its term ends', async () => {
      await withStore(factory, async (store) => {
        const both = await Promise.all([store.acquireLeadership('alerts', 'e1', 1000, T0), store.acquireLeadership('alerts', 'e2', 1000, T0)]);
        expect(both.filter(Boolean)).toHaveLength(1);
        const leader = both[0] ? 'e1' : 'e2';
        const other = leader === 'e1' ? 'e2' : 'e1';
        expect(await store.getLeader('alerts', T0)).toEqual({ holder: leader, expiresAt: T0 + 1000 });
        expect(await store.acquireLeadership('alerts', leader, 1000, T0 + 900)).toBe(true);
        expect(await store.acquireLeadership('alerts', other, 1000, T0 + 1500)).toBe(false);
        expect(await store.acquireLeadership('other-job', other, 1000, T0 + 1500)).toBe(true);
        expect(await store.acquireLeadership('alerts', other, 1000, T0 + 1900)).toBe(true);
        expect(await store.getLeader('alerts', T0 + 1900)).toEqual({ holder: other, expiresAt: T0 + 2900 });
        await store.releaseLeadership('alerts', leader);
        expect((await store.getLeader('alerts', T0 + 1900))?.holder).toBe(other);
        await store.releaseLeadership('alerts', other);
        expect(await store.getLeader('alerts', T0 + 1900)).toBeUndefined();
        expect(await store.acquireLeadership('alerts', leader, 1000, T0 + 1901)).toBe(true);
      });
    });
  });
}
