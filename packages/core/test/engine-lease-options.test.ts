/** The engine id format, and the lease options: the lease length and how often leases are renewed. */
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Engine, ErrorCode, ManualClock, defineWorkflow, formatEngineId, parseEngineId, silentLogger } from '@baton/core';
import { SqliteStore } from '@baton/sqlite';

const dir = mkdtempSync(join(tmpdir(), 'baton-lease-options-'));
let counter = 0;
const newStore = (): SqliteStore => new SqliteStore({ path: join(dir, `lease-${++counter}.db`) });

afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function waitUntil(condition: () => Promise<boolean>, message: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${message}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('engine ids', () => {
  it('names the host, the process and a random suffix, and parses back', () => {
    const engine = new Engine({ store: newStore(), logger: silentLogger });
    const identity = parseEngineId(engine.id);
    expect(identity).toMatchObject({ host: hostname(), pid: process.pid });
    expect(identity?.suffix).toMatch(/^[a-z0-9]{6}$/);
    expect(formatEngineId(identity!)).toBe(engine.id);
    expect(new Engine({ store: newStore(), logger: silentLogger }).id).not.toBe(engine.id);
  });

  it('keeps a host name with colons and dashes whole, and knows when the process details are unknown', () => {
    const identity = { host: 'db-1:rack:7', pid: 42, boot: undefined, pidNamespace: undefined, processStart: undefined, suffix: 'abc123' };
    expect(formatEngineId(identity)).toBe('db-1:rack:7:42:-:-:-:abc123');
    expect(parseEngineId('db-1:rack:7:42:-:-:-:abc123')).toEqual(identity);
    expect(parseEngineId('web:42:0f1e2d3c4b5a69788796a5b4c3d2e1f0:4026531836:9876:abc123')).toEqual({
      host: 'web',
      pid: 42,
      boot: '0f1e2d3c4b5a69788796a5b4c3d2e1f0',
      pidNamespace: '4026531836',
      processStart: '9876',
      suffix: 'abc123',
    });
  });

  it('does not take other ids for its own format', () => {
    for (const id of [
      'worker-1',
      'crash-worker-1234',
      'host-1234-abc123',
      ':42:-:-:-:abc123',
      'h:0:-:-:-:abc123',
      'h:x:-:-:-:abc123',
      'h:42:-:ns:-:abc123',
      'h:42:not-a-boot-id:-:-:abc123',
      'h:42:-:-:-:',
      'h:42:-:-:-:a-b',
      'h:42:-:-:abc123',
    ]) {
      expect(parseEngineId(id), id).toBeUndefined();
    }
  });
});

describe('lease options', () => {
  it('rejects a heartbeat longer than a third of the lease, or not positive', () => {
    const store = newStore();
    for (const options of [
      { leaseMs: 9000, heartbeatMs: 3001 },
      { heartbeatMs: 10_001 },
      { heartbeatMs: 0 },
      { heartbeatMs: -1 },
      { heartbeatMs: Number.NaN },
    ]) {
      expect(() => new Engine({ store, logger: silentLogger, ...options }), JSON.stringify(options)).toThrow(
        expect.objectContaining({ code: ErrorCode.InvalidArgument, message: expect.stringContaining('heartbeatMs') }),
      );
    }
    expect(() => new Engine({ store, logger: silentLogger, leaseMs: 9000, heartbeatMs: 3000 })).not.toThrow();
  });

  it('renews the leases of running runs every heartbeat, for the lease length', async () => {
    const clock = new ManualClock();
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const wf = defineWorkflow({ name: 'held' }, async (ctx) => ctx.step('wait', () => gate));
    const engine = new Engine({ store: newStore(), workflows: [wf], clock, logger: silentLogger, leaseMs: 9000, heartbeatMs: 1000 });
    await engine.start();
    try {
      await engine.client.start(wf, undefined, { id: 'held-1' });
      const expiry = async (): Promise<number | undefined> => (await engine.store.getRun('held-1'))?.leaseExpiresAt;
      const start = clock.now();
      await waitUntil(async () => (await engine.client.get('held-1'))?.status === 'running' && (await expiry()) === start + 9000, 'the run to be leased');
      // One heartbeat later (a default heartbeat would be 2 s): the lease runs 9 s from then.
      clock.advance(1000);
      await waitUntil(async () => (await expiry()) === start + 1000 + 9000, 'the lease to be renewed after one heartbeat');
      clock.advance(1000);
      await waitUntil(async () => (await expiry()) === start + 2000 + 9000, 'the lease to be renewed after two heartbeats');
    } finally {
      release();
      await engine.stop();
    }
  });
});
