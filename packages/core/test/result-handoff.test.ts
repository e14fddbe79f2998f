/**
 * `client.result()` takes the outcome of a run that ended in this process from the store's hint, with
 * no read of the run, and still finds runs ended by other processes; the record of runs completed
 * here lately is bounded. Real SQLite files; reads are counted by wrapping the store, not faked.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BatonError, Client, Engine, ErrorCode, TerminalError, defineWorkflow, silentLogger, type Durability, type Store } from '@baton/core';
import { SqliteStore } from '@baton/sqlite';
import { RecentOutcomes } from '../src/client/recent-outcomes.js';
import { RunResults } from '../src/client/run-result.js';
import { defaultPayloadCodec } from '../src/payload/payload-codec.js';

const dir = mkdtempSync(join(tmpdir(), 'baton-result-handoff-'));
let counter = 0;
const newPath = (): string => join(dir, `handoff-${++counter}.db`);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A second store on a file, ready for a client without an engine (as another process would open it). */
async function opened(path: string): Promise<SqliteStore> {
  const store = new SqliteStore({ path });
  await store.init();
  return store;
}

/** The store, with its `getRun` calls counted (every other method goes straight through). */
function counted(store: Store): { store: Store; reads: () => number } {
  let reads = 0;
  const proxy = new Proxy(store, {
    get(target, property) {
      if (property === 'getRun') {
        return (id: string) => {
          reads++;
          return target.getRun(id);
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { store: proxy, reads: () => reads };
}

function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

async function waitUntil(condition: () => boolean | Promise<boolean>, message: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${message}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function rejection(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected a rejection');
}

const double = defineWorkflow({ name: 'double' }, async (ctx, n: number) => ctx.step('double', () => n * 2));

describe.each<Durability>(['strict', 'batched'])('result() of a run that ends in this process (%s)', (durability) => {
  it('gets the output from the hint with no read, while the run is still running when asked', async () => {
    const open = gate();
    const held = defineWorkflow({ name: 'held' }, async (ctx, n: number) => {
      await ctx.step('wait', () => open.promise);
      return ctx.step('double', () => n * 2);
    });
    const { store, reads } = counted(new SqliteStore({ path: newPath() }));
    const engine = new Engine({ store, workflows: [held], durability, logger: silentLogger });
    await engine.start();
    try {
      const handle = await engine.client.start(held, 21);
      const before = reads();
      const result = handle.result();
      open.open();
      expect(await result).toBe(42);
      expect(reads() - before).toBe(0);
    } finally {
      await engine.stop();
    }
  });

  it('returns a run that completed before result() was called without a read, from any client of the store', async () => {
    const { store, reads } = counted(new SqliteStore({ path: newPath() }));
    const engine = new Engine({ store, workflows: [double], durability, logger: silentLogger });
    const other = new Client({ store });
    await engine.start();
    try {
      const handle = await engine.client.start(double, 5);
      await waitUntil(() => engine.activeRuns === 0, 'the run to end');
      // The hint reaches listeners after the commit returns: wait until the record has it.
      await new Promise((resolve) => setImmediate(resolve));
      const before = reads();
      expect(await handle.result()).toBe(10);
      expect(await other.result(handle.id)).toBe(10);
      expect(reads() - before).toBe(0);
    } finally {
      other.close();
      await engine.stop();
    }
  });
});

describe('result() errors and chains, as a read gives them', () => {
  it('throws the same error for a failed run from the hint as from a read (class, code, message)', async () => {
    const path = newPath();
    const plain = defineWorkflow({ name: 'plain-failure' }, async (ctx) => ctx.step('boom', () => Promise.reject(new Error('boom'))));
    const terminal = defineWorkflow({ name: 'terminal-failure' }, async () => {
      throw new TerminalError('no way', { code: 'APP_REFUSED' });
    });
    const bare = defineWorkflow({ name: 'bare-failure' }, async () => {
      throw new Error('bare');
    });
    const engine = new Engine({ store: new SqliteStore({ path }), workflows: [plain, terminal, bare], retry: { maxAttempts: 1 }, logger: silentLogger });
    await engine.start();
    const reader = new Client({ store: await opened(path) });
    try {
      for (const wf of [plain, terminal, bare]) {
        const handle = await engine.client.start(wf, undefined);
        const here = await rejection(handle.result());
        const read = await rejection(reader.result(handle.id));
        expect(here.constructor).toBe(read.constructor);
        expect({ code: here.code, message: here.message }).toEqual({ code: read.code, message: read.message });
      }
    } finally {
      reader.close();
      await engine.stop();
    }
  });

  it('throws BATON_CANCELLED for a cancelled run, as a read does', async () => {
    const path = newPath();
    const open = gate();
    const waits = defineWorkflow({ name: 'waits' }, async (ctx) => ctx.step('wait', () => open.promise));
    const engine = new Engine({ store: new SqliteStore({ path }), workflows: [waits], logger: silentLogger });
    await engine.start();
    const reader = new Client({ store: await opened(path) });
    try {
      const handle = await engine.client.start(waits, undefined);
      const result = rejection(handle.result());
      await engine.client.cancel(handle.id, 'not needed');
      open.open();
      const here = await result;
      const read = await rejection(reader.result(handle.id));
      expect(here).toBeInstanceOf(BatonError);
      expect(here.code).toBe(ErrorCode.Cancelled);
      expect({ code: here.code, message: here.message }).toEqual({ code: read.code, message: read.message });
    } finally {
      reader.close();
      await engine.stop();
    }
  });

  it('follows continueAsNew to the last run of the chain', async () => {
    const countUp = defineWorkflow({ name: 'count-up' }, async (ctx, n: number): Promise<number> => {
      await ctx.step('tick', () => n);
      if (n < 3) return ctx.continueAsNew(n + 1);
      return n * 10;
    });
    const engine = new Engine({ store: new SqliteStore({ path: newPath() }), workflows: [countUp], pollIntervalMs: 20, logger: silentLogger });
    await engine.start();
    try {
      const handle = await engine.client.start(countUp, 0);
      expect(await handle.result()).toBe(30);
      // Asked again once the chain is over: the record and the reads agree.
      expect(await engine.client.result(handle.id)).toBe(30);
    } finally {
      await engine.stop();
    }
  });

  it('still honours timeoutMs and an abort signal for a run executing here', async () => {
    const open = gate();
    const waits = defineWorkflow({ name: 'waits-long' }, async (ctx) => ctx.step('wait', () => open.promise));
    const engine = new Engine({ store: new SqliteStore({ path: newPath() }), workflows: [waits], logger: silentLogger });
    await engine.start();
    try {
      const handle = await engine.client.start(waits, undefined);
      const timedOut = await rejection(handle.result({ timeoutMs: 30 }));
      expect(timedOut.code).toBe(ErrorCode.Timeout);
      expect(timedOut.message).toMatch(/it is running/);
      const controller = new AbortController();
      const aborted = rejection(handle.result({ signal: controller.signal }));
      controller.abort(new Error('caller gave up'));
      expect((await aborted).message).toBe('caller gave up');
      open.open();
      expect(await handle.result()).toBeUndefined();
    } finally {
      await engine.stop();
    }
  });
});

describe('result() of a run that ends in another process', () => {
  it('finds a run another engine (another store on the same file) executed', async () => {
    const path = newPath();
    const worker = new Engine({ store: new SqliteStore({ path }), workflows: [double], pollIntervalMs: 20, logger: silentLogger });
    await worker.start();
    const client = new Client({ store: await opened(path) });
    try {
      const handle = await client.start('double', 8);
      expect(await handle.result({ timeoutMs: 20_000 })).toBe(16);
    } finally {
      client.close();
      await worker.stop();
    }
  });

  it('finds a run this engine gave back when it stopped and another engine finished', async () => {
    const path = newPath();
    const release = gate();
    const slow = defineWorkflow({ name: 'slow' }, async (ctx, n: number) => {
      await ctx.step('first', () => release.promise.then(() => n));
      return ctx.step('second', () => n + 1);
    });
    const local = new Engine({ store: new SqliteStore({ path }), workflows: [slow], logger: silentLogger });
    await local.start();
    const handle = await local.client.start(slow, 1);
    const result = handle.result({ timeoutMs: 30_000 });
    await local.stop({ timeoutMs: 0 });
    release.open();
    const other = new Engine({ store: new SqliteStore({ path }), workflows: [slow], pollIntervalMs: 20, logger: silentLogger });
    await other.start();
    try {
      expect(await result).toBe(2);
    } finally {
      await other.stop();
    }
  });
});

describe('a run started by a client without an engine', () => {
  it("wakes the local engine's claim loop at once (polling set to a minute)", async () => {
    const store = new SqliteStore({ path: newPath() });
    const engine = new Engine({ store, workflows: [double], pollIntervalMs: 60_000, logger: silentLogger });
    await engine.start();
    const client = new Client({ store });
    try {
      for (let i = 1; i <= 3; i++) expect(await (await client.start('double', i)).result({ timeoutMs: 20_000 })).toBe(i * 2);
    } finally {
      client.close();
      await engine.stop();
    }
  });
});

describe('the record of runs completed here lately', () => {
  it('keeps at most its count of runs, its characters of output, and nothing older than its age', () => {
    let now = 0;
    const recent = new RecentOutcomes({ maxRuns: 3, maxChars: 10, maxAgeMs: 1000 }, () => now);
    for (let i = 0; i < 5; i++) recent.add(`r${i}`, { output: String(i) });
    expect(recent.size).toBe(3);
    expect(recent.get('r0')).toBeUndefined();
    expect(recent.get('r4')).toEqual({ output: '4' });
    recent.add('big', { output: 'x'.repeat(11) });
    expect(recent.get('big')).toBeUndefined();
    recent.add('r5', { output: 'y'.repeat(9) });
    expect(recent.chars).toBeLessThanOrEqual(10);
    expect(recent.get('r5')).toEqual({ output: 'y'.repeat(9) });
    now = 2000;
    expect(recent.get('r5')).toBeUndefined();
    expect(recent.size).toBe(0);
  });

  it('stays within its bound however many runs complete', async () => {
    const store = new SqliteStore({ path: newPath() });
    const engine = new Engine({ store, workflows: [double], logger: silentLogger });
    const results = new RunResults({ store, codec: defaultPayloadCodec, recentLimits: { maxRuns: 5, maxChars: 1000, maxAgeMs: 60_000 } });
    await engine.start();
    try {
      for (let i = 0; i < 20; i++) await (await engine.client.start(double, i)).result();
      await new Promise((resolve) => setImmediate(resolve));
      expect(results.remembered).toBe(5);
    } finally {
      results.close();
      await engine.stop();
    }
  });
});
