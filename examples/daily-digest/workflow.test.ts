/** The scheduled digest: fires at 08:00 Berlin time on weekdays only. */
import { afterEach, describe, expect, it } from 'vitest';
import { Engine, ManualClock, silentLogger } from '@baton/core';
import { SqliteStore } from '@baton/sqlite';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDailyDigest, createDigestServices } from './workflow.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

describe('daily-digest', () => {
  it('sends the digest at 08:00 Europe/Berlin on weekdays, not at weekends', async () => {
    // Friday 2030-01-04, 06:00 UTC (07:00 in Berlin).
    const clock = new ManualClock(Date.UTC(2030, 0, 4, 6));
    const dir = mkdtempSync(join(tmpdir(), 'baton-digest-'));
    const store = new SqliteStore({ path: join(dir, 'baton.db') });
    const services = createDigestServices(['Ship PO-2002']);
    const engine = new Engine({ store, workflows: [createDailyDigest(services)], clock, logger: silentLogger, pollIntervalMs: 20 });
    await engine.start();
    cleanups.push(async () => {
      await engine.stop();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    });
    // Through Friday, the weekend and Monday morning, an hour at a time.
    for (let hour = 0; hour < 3 * 24 + 3; hour++) {
      clock.advance(60 * 60_000);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    for (let i = 0; i < 100 && services.sent.length < 2; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    const runs = (await engine.client.list({ workflow: 'daily-digest' })).runs.map((r) => r.id).sort();
    expect(runs).toEqual(['daily-digest@2030-01-04T07:00:00.000Z', 'daily-digest@2030-01-07T07:00:00.000Z']);
    expect(services.sent[0]).toEqual({ team: 'operations', body: '1. Ship PO-2002' });
  });
});
