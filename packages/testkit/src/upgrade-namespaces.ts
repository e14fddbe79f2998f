/**
 * Upgrading a store written before schedules, events, triggers and event waits had a namespace: what
 * existed belongs to 'default' afterwards, an event wait to its run's namespace, and the event log's
 * counter goes on from where it was (a seq is never given twice, even one of an event removed).
 */
import { expect } from 'vitest';
import { Client, Engine, defineWorkflow, silentLogger, type ReceivedEvent, type Store } from '@baton/core';
import { waitFor } from './harness.js';

/**
 * The earlier release's rows, as SQL both stores run: a schedule, a trigger, two events (the second
 * then removed), and a run of namespace team-a registered as waiting for an event at its first position.
 */
export function oldNamespaceRows(t: number): string[] {
  return [
    `INSERT INTO schedules (id, workflow, cron, timezone, input, overlap, catchup, catchup_limit, queue, priority, paused, source, next_at, created_at, updated_at)
     VALUES ('old-nightly', 'old-report', '0 3 * * *', 'UTC', 'null', 'skip', 'none', 100, 'default', 0, 0, 'api', ${t + 86_400_000}, ${t}, ${t})`,
    `INSERT INTO event_triggers (workflow, n, type, match, input, queue, priority) VALUES ('old-trigger', 0, 'order.paid', NULL, 'data', 'default', 0)`,
    `INSERT INTO events (id, type, source, subject, time, data, received_at) VALUES ('evt-old', 'order.paid', 'shop', NULL, ${t}, '{"order":"old"}', ${t})`,
    `INSERT INTO events (id, type, source, subject, time, data, received_at) VALUES ('evt-gone', 'order.paid', 'shop', NULL, ${t}, '{"order":"gone"}', ${t})`,
    `DELETE FROM events WHERE id = 'evt-gone'`,
    `INSERT INTO runs (id, workflow, version, status, input, queue, priority, namespace, ready_at, created_at, updated_at)
     VALUES ('old-waits', 'old-waiter', '1', 'queued', 'null', 'default', 0, 'team-a', ${t}, ${t}, ${t})`,
    `INSERT INTO event_waits (run_id, seq, type, match, created_at) VALUES ('old-waits', 1, 'order.paid', NULL, ${t})`,
  ];
}

/** Opens the migrated `store` and checks what oldNamespaceRows left is where it belongs. Closes the store. */
export async function expectNamespacesUpgraded(store: Store): Promise<void> {
  await store.init();
  let engine: Engine | undefined;
  try {
    expect(await store.getSchedule('old-nightly')).toMatchObject({ namespace: 'default', workflow: 'old-report' });
    expect(await store.listSchedules('team-a')).toEqual([]);
    expect((await store.listTriggers()).map((t) => [t.namespace, t.workflow])).toEqual([['default', 'old-trigger']]);
    const log = await store.listEvents({ limit: 10 });
    expect(log.map((e) => [e.id, e.namespace])).toEqual([['evt-old', 'default']]);

    const client = new Client({ store });
    const teamA = client.as({ id: 'upgrade', namespace: 'team-a' });
    expect((await client.events.emit('order.paid', { order: 'again' }, { id: 'evt-old', source: 'shop' })).created).toBe(false);
    // The counter went past the removed event: its seq is not given again.
    const inDefault = await client.events.emit('order.paid', { order: 'd-1' }, { id: 'evt-new', source: 'shop' });
    expect(inDefault.seq).toBeGreaterThan(log[0]!.seq + 1);
    expect((await store.getRun(`old-trigger@event-${inDefault.seq}`))?.namespace).toBe('default');
    const inA = await teamA.events.emit('order.paid', { order: 'a-1' }, { id: 'evt-old', source: 'shop' });
    expect(inA.created).toBe(true);
    expect(await store.getRun(`old-trigger@event-${inA.seq}`)).toBeUndefined();

    // The wait took its run's namespace: the default namespace's event did not end it, team-a's did.
    const waiter = defineWorkflow({ name: 'old-waiter', version: '1' }, async (ctx) => ctx.waitForEvent<{ order: string }>('order.paid'));
    engine = new Engine({ store, workflows: [waiter], logger: silentLogger, pollIntervalMs: 50 });
    await engine.start();
    await waitFor(async () => (await store.getRun('old-waits'))?.status === 'completed', { timeoutMs: 30_000, message: 'the old waiting run to end' });
    expect(((await client.result('old-waits')) as ReceivedEvent<{ order: string }>).data).toEqual({ order: 'a-1' });
  } finally {
    await engine?.stop({ timeoutMs: 2000 });
    await store.close();
  }
}
