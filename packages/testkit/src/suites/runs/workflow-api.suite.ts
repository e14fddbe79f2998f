/** The workflow API through the engine: steps, retries, parallelism, payloads, validation, start, progress. */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ErrorCode, TerminalError, defineWorkflow, hasErrorCode } from '@baton/core';
import { advance, deferred, rejection, startHarness, waitFor, waitForStatus, type StoreFactory } from '../../harness.js';

export function workflowApiSuite(factory: StoreFactory): void {
  describe('workflow API', () => {
    it('runs steps in order, journals each result and returns the output', async () => {
      const wf = defineWorkflow({ name: 'three-steps' }, async (ctx, input: { n: number }) => {
        const a = await ctx.step('add', () => input.n + 1);
        const b = await ctx.step('double', async () => a * 2);
        return { a, b };
      });
      const h = await startHarness(factory, [wf]);
      try {
        const run = await h.engine.client.start(wf, { n: 4 });
        expect(await run.result()).toEqual({ a: 5, b: 10 });
        const journal = await h.engine.client.journal(run.id);
        expect(journal.map((e) => [e.seq, e.kind, e.name, e.status, e.output])).toEqual([
          [1, 'step', 'add', 'completed', 5],
          [2, 'step', 'double', 'completed', 10],
        ]);
        const info = await h.engine.client.get(run.id);
        expect(info).toMatchObject({ status: 'completed', workflow: 'three-steps', version: '1', output: { a: 5, b: 10 } });
      } finally {
        await h.close();
      }
    });

    it('validates input at start (no run created) and output at completion', async () => {
      const wf = defineWorkflow(
        { name: 'validated', input: z.object({ email: z.string().email() }), output: z.object({ ok: z.literal(true) }) },
        async (_ctx, input) => ({ ok: (input.email === 'good@example.com') as true }),
      );
      const h = await startHarness(factory, [wf]);
      try {
        const bad = h.engine.client.start(wf, { email: 'not-an-email' });
        await expect(bad).rejects.toMatchObject({ code: ErrorCode.InvalidInput });
        await expect(bad).rejects.toThrow(/email/);
        expect((await h.engine.client.list()).runs).toHaveLength(0);
        const byName = h.engine.client.start('validated', { email: 42 });
        await expect(byName).rejects.toMatchObject({ code: ErrorCode.InvalidInput });
        const run = await h.engine.client.start(wf, { email: 'other@example.com' });
        await expect(run.result()).rejects.toMatchObject({ code: ErrorCode.InvalidOutput });
        expect((await h.engine.client.get(run.id))?.error?.code).toBe(ErrorCode.InvalidOutput);
      } finally {
        await h.close();
      }
    });

    it('fails a run created by name with bad input on the worker, with a clear error on the run', async () => {
      const wf = defineWorkflow({ name: 'typed', input: z.object({ n: z.number() }) }, async (_ctx, input) => input.n);
      const h = await startHarness(factory, [wf]);
      try {
        const { Client } = await import('@baton/core');
        const remote = new Client({ store: h.store });
        const run = await remote.start('typed', { n: 'seven' });
        await waitForStatus(h.engine, run.id, 'failed');
        const info = await h.engine.client.get(run.id);
        expect(info?.error?.code).toBe(ErrorCode.InvalidInput);
        expect(info?.error?.message).toMatch(/n: /);
      } finally {
        await h.close();
      }
    });

    it('retries a failing step with back-off on the clock; the idempotency key is the same on every attempt', async () => {
      const keys: string[] = [];
      const attempts: number[] = [];
      const wf = defineWorkflow({ name: 'flaky' }, async (ctx) =>
        ctx.step(
          'call',
          ({ attempt, idempotencyKey }) => {
            keys.push(idempotencyKey);
            attempts.push(attempt);
            if (attempt < 3) throw new Error(`boom ${attempt}`);
            return 'ok';
          },
          { retry: { maxAttempts: 5, initialInterval: 1000, backoffCoefficient: 2, jitter: 0 } },
        ),
      );
      const h = await startHarness(factory, [wf], { manualClock: true });
      try {
        const run = await h.engine.client.start(wf, undefined);
        await waitFor(() => attempts.length === 1);
        await advance(h.manual!, 999);
        expect(attempts).toEqual([1]);
        await advance(h.manual!, 1);
        await waitFor(() => attempts.length === 2);
        await advance(h.manual!, 1999);
        expect(attempts).toEqual([1, 2]);
        await advance(h.manual!, 1);
        expect(await run.result()).toBe('ok');
        expect(attempts).toEqual([1, 2, 3]);
        expect(new Set(keys)).toEqual(new Set([`${run.id}:1`]));
        const [entry] = await h.engine.client.journal(run.id);
        expect(entry).toMatchObject({ status: 'completed', attempts: 3 });
      } finally {
        await h.close();
      }
    });

    it('does not retry a TerminalError or an error named non-retryable', async () => {
      let terminalCalls = 0;
      let namedCalls = 0;
      class DeclinedError extends Error {
        override name = 'DeclinedError';
      }
      const wf = defineWorkflow({ name: 'terminal', retry: { maxAttempts: 10, initialInterval: 1 } }, async (ctx) => {
        const first = await ctx
          .step('terminal', () => {
            terminalCalls++;
            throw new TerminalError('card declined');
          })
          .catch((e: unknown) => e as Error);
        const second = await ctx
          .step(
            'named',
            () => {
              namedCalls++;
              throw new DeclinedError('declined');
            },
            { retry: { nonRetryableErrors: ['DeclinedError'] } },
          )
          .catch((e: unknown) => e as Error);
        return [(first as { code?: string }).code, (second.cause as Error).name];
      });
      const h = await startHarness(factory, [wf]);
      try {
        const run = await h.engine.client.start(wf, undefined);
        expect(await run.result()).toEqual([ErrorCode.StepFailed, 'DeclinedError']);
        expect([terminalCalls, namedCalls]).toEqual([1, 1]);
      } finally {
        await h.close();
      }
    });

    it('fails the step after maxAttempts with BATON_STEP_FAILED naming the run and step', async () => {
      const wf = defineWorkflow({ name: 'always-fails' }, async (ctx) =>
        ctx.step(
          'doomed',
          () => {
            throw new Error('nope');
          },
          { retry: { maxAttempts: 2, initialInterval: 1 } },
        ),
      );
      const h = await startHarness(factory, [wf]);
      try {
        const run = await h.engine.client.start(wf, undefined);
        const error = await rejection(run.result());
        expect(hasErrorCode(error, ErrorCode.StepFailed)).toBe(true);
        expect(error.message).toContain("'doomed'");
        expect(error.message).toContain(run.id);
        const [entry] = await h.engine.client.journal(run.id);
        expect(entry).toMatchObject({ status: 'failed', attempts: 2 });
        const info = await h.engine.client.get(run.id);
        expect(info?.error).toMatchObject({ code: ErrorCode.StepFailed, cause: { name: 'Error', message: 'nope' } });
      } finally {
        await h.close();
      }
    });

    it('suspends during a long back-off instead of holding a worker slot', async () => {
      let calls = 0;
      const wf = defineWorkflow({ name: 'long-backoff' }, async (ctx) =>
        ctx.step(
          'call',
          () => {
            calls++;
            if (calls === 1) throw new Error('rate limited');
            return calls;
          },
          { retry: { initialInterval: '1 hour', maxInterval: '1 hour', jitter: 0 } },
        ),
      );
      const h = await startHarness(factory, [wf], { manualClock: true, inMemoryBackoffMs: 1000 });
      try {
        const run = await h.engine.client.start(wf, undefined);
        await waitForStatus(h.engine, run.id, 'waiting');
        await waitFor(() => h.engine.activeRuns === 0);
        const info = await h.engine.client.get(run.id);
        expect(info?.wakeAt?.getTime()).toBe(h.clock.now() + 3_600_000);
        await advance(h.manual!, 3_600_000);
        expect(await run.result()).toBe(2);
        expect((await h.engine.client.journal(run.id))[0]?.attempts).toBe(2);
      } finally {
        await h.close();
      }
    });

    it('aborts a step that exceeds its timeout and retries it', async () => {
      const aborted: unknown[] = [];
      const started: number[] = [];
      const wf = defineWorkflow({ name: 'slow-step' }, async (ctx) =>
        ctx.step(
          'slow',
          ({ signal, attempt }) => {
            started.push(attempt);
            if (attempt > 1) return 'fast now';
            return new Promise((_resolve, reject) => {
              signal.addEventListener('abort', () => {
                aborted.push(signal.reason);
                reject(signal.reason as Error);
              });
            });
          },
          { timeout: 5000, retry: { initialInterval: 10, jitter: 0 } },
        ),
      );
      const h = await startHarness(factory, [wf], { manualClock: true });
      try {
        const run = await h.engine.client.start(wf, undefined);
        await waitFor(() => started.length === 1);
        await advance(h.manual!, 5000);
        await waitFor(() => aborted.length === 1);
        expect(hasErrorCode(aborted[0], ErrorCode.StepTimeout)).toBe(true);
        await advance(h.manual!, 10);
        expect(await run.result()).toBe('fast now');
      } finally {
        await h.close();
      }
    });

    it('keeps positions deterministic for parallel steps whatever order they finish in', async () => {
      const gates = [deferred(), deferred(), deferred()];
      const wf = defineWorkflow({ name: 'fan-out' }, async (ctx) => {
        const results = await Promise.all(
          ['a', 'b', 'c'].map((name, i) =>
            ctx.step(`part-${name}`, async () => {
              await gates[i]!.promise;
              return name.toUpperCase();
            }),
          ),
        );
        const settled = await Promise.allSettled([
          ctx.step('ok', () => 1),
          ctx.step('bad', () => {
            throw new TerminalError('bad');
          }),
        ]);
        return { results, settled: settled.map((s) => s.status) };
      });
      const h = await startHarness(factory, [wf]);
      try {
        const run = await h.engine.client.start(wf, undefined);
        await waitFor(() => h.engine.activeRuns === 1);
        gates[2]!.resolve();
        await new Promise((resolve) => setTimeout(resolve, 20));
        gates[0]!.resolve();
        await new Promise((resolve) => setTimeout(resolve, 20));
        gates[1]!.resolve();
        expect(await run.result()).toEqual({ results: ['A', 'B', 'C'], settled: ['fulfilled', 'rejected'] });
        const journal = await h.engine.client.journal(run.id);
        expect(journal.map((e) => `${e.seq}:${e.name}`)).toEqual(['1:part-a', '2:part-b', '3:part-c', '4:ok', '5:bad']);
        const byEnd = [...journal.slice(0, 3)].sort((x, y) => x.endedAt.getTime() - y.endedAt.getTime() || x.seq - y.seq);
        expect(byEnd[0]?.name).toBe('part-c');
      } finally {
        await h.close();
      }
    });

    it('round-trips Date, BigInt, Map, Set, Uint8Array and Error through the journal', async () => {
      const value = {
        when: new Date('2031-02-03T04:05:06.007Z'),
        big: 2n ** 70n,
        map: new Map<string, unknown>([['k', new Set([1, 2])]]),
        bytes: new Uint8Array([0, 1, 254, 255]),
        error: Object.assign(new Error('kept'), { code: 'E_KEPT' }),
        nested: { $baton: 'not a tag', list: [undefined, null, -0, Number.POSITIVE_INFINITY] },
      };
      let replayed: unknown;
      const wf = defineWorkflow({ name: 'payloads' }, async (ctx) => {
        const out = await ctx.step('make', () => value);
        await ctx.sleep(1);
        replayed = out;
        return out;
      });
      const h = await startHarness(factory, [wf]);
      try {
        const run = await h.engine.client.start(wf, undefined);
        const output = (await run.result()) as typeof value;
        for (const got of [output, replayed as typeof value]) {
          expect(got.when).toEqual(value.when);
          expect(got.big).toBe(value.big);
          expect(got.map).toEqual(value.map);
          expect(got.bytes).toEqual(value.bytes);
          expect(got.error).toBeInstanceOf(Error);
          expect(got.error.message).toBe('kept');
          expect((got.error as Error & { code: string }).code).toBe('E_KEPT');
          expect(got.nested).toEqual({ $baton: 'not a tag', list: [undefined, null, 0, Number.POSITIVE_INFINITY] });
        }
      } finally {
        await h.close();
      }
    });

    it('rejects a payload over the limit with BATON_PAYLOAD_TOO_LARGE', async () => {
      const wf = defineWorkflow({ name: 'big-payload' }, async (ctx) =>
        ctx.step('big', () => 'x'.repeat(5000), { retry: { maxAttempts: 3, initialInterval: 1 } }),
      );
      const h = await startHarness(factory, [wf], { maxPayloadBytes: 1000 });
      try {
        await expect(h.engine.client.start(wf, 'y'.repeat(2000) as never)).rejects.toMatchObject({ code: ErrorCode.PayloadTooLarge });
        const run = await h.engine.client.start(wf, undefined);
        const error = await rejection(run.result());
        expect((error.cause as { code?: string } | undefined)?.code).toBe(ErrorCode.PayloadTooLarge);
        expect((await h.engine.client.journal(run.id))[0]).toMatchObject({ status: 'failed', attempts: 1 });
      } finally {
        await h.close();
      }
    });

    it('rejects bad arguments with BATON_INVALID_ARGUMENT and changes nothing', async () => {
      let stepAttempts = 0;
      const misused = defineWorkflow({ name: 'misused' }, async (ctx) => {
        await ctx.step('fine', () => ++stepAttempts);
        return ctx.step('no-function', 'not a function' as never);
      });
      const h = await startHarness(factory, [misused]);
      try {
        const run = await h.engine.client.start(misused, undefined);
        const error = await rejection(run.result());
        expect(error.code).toBe(ErrorCode.InvalidArgument);
        expect(error.message).toContain('needs a function');
        expect(stepAttempts).toBe(1);
        const client = h.engine.client;
        await expect(client.list({ status: 'sleeping' as never })).rejects.toMatchObject({ code: ErrorCode.InvalidArgument });
        await expect(client.list({ limit: 0 })).rejects.toMatchObject({ code: ErrorCode.InvalidArgument });
        await expect(client.list({ createdAfter: new Date('not a date') })).rejects.toMatchObject({ code: ErrorCode.InvalidArgument });
        await expect(client.signal(run.id, '')).rejects.toMatchObject({ code: ErrorCode.InvalidArgument });
        await expect(client.signal('no-such-run', 'go')).rejects.toMatchObject({ code: ErrorCode.RunNotFound });
        await expect(client.start('misused', undefined, { priority: 1.5 })).rejects.toMatchObject({ code: ErrorCode.InvalidArgument });
        await expect(client.start('misused', () => 1)).rejects.toMatchObject({ code: ErrorCode.PayloadEncoding });
        expect((await client.list()).runs).toHaveLength(1);
      } finally {
        await h.close();
      }
    });

    it('starts idempotently: an existing id returns the existing run', async () => {
      let runs = 0;
      const wf = defineWorkflow({ name: 'once' }, async (ctx, input: number) => ctx.step('count', () => ++runs + input));
      const h = await startHarness(factory, [wf]);
      try {
        const first = await h.engine.client.start(wf, 10, { id: 'order-42' });
        expect(first).toMatchObject({ id: 'order-42', created: true });
        expect(await first.result()).toBe(11);
        const second = await h.engine.client.start(wf, 99, { id: 'order-42' });
        expect(second).toMatchObject({ id: 'order-42', created: false });
        expect(await second.result()).toBe(11);
        expect(runs).toBe(1);
        await expect(h.engine.client.start(wf, 1, { id: '../etc/passwd' })).rejects.toMatchObject({ code: ErrorCode.InvalidArgument });
      } finally {
        await h.close();
      }
    });

    it('shows the latest progress while the run is in flight, without replaying old values', async () => {
      const gate = deferred();
      const wf = defineWorkflow({ name: 'progress' }, async (ctx) => {
        ctx.setProgress({ stage: 'one', pct: 10 });
        await ctx.step('one', () => 1);
        await ctx.sleep(5);
        ctx.setProgress({ stage: 'two', pct: 50 });
        await ctx.step('two', () => gate.promise);
        return 'done';
      });
      const h = await startHarness(factory, [wf]);
      const seen: unknown[] = [];
      h.engine.subscribe((event) => {
        if (event.type === 'run.progress') seen.push((event.progress as { stage: string }).stage);
      });
      try {
        const run = await h.engine.client.start(wf, undefined);
        await waitFor(async () => ((await h.engine.client.get(run.id))?.progress as { stage?: string } | undefined)?.stage === 'two');
        expect((await h.engine.client.get(run.id))?.progress).toEqual({ stage: 'two', pct: 50 });
        gate.resolve();
        await run.result();
        expect(seen).toEqual(['one', 'two']);
        expect((await h.engine.client.get(run.id))?.claims).toBeGreaterThanOrEqual(2);
      } finally {
        await h.close();
      }
    });

    it('journals now(), random() and uuid() so a replay sees the same values', async () => {
      const seen: unknown[][] = [];
      const wf = defineWorkflow({ name: 'deterministic-values' }, async (ctx) => {
        const values = [ctx.now().toISOString(), ctx.random(), ctx.uuid()];
        seen.push(values);
        await ctx.sleep('10 ms');
        return values;
      });
      const h = await startHarness(factory, [wf]);
      try {
        const run = await h.engine.client.start(wf, undefined);
        const output = await run.result();
        expect(seen.length).toBeGreaterThanOrEqual(2);
        for (const values of seen) expect(values).toEqual(output);
        expect((await h.engine.client.journal(run.id)).map((e) => e.kind)).toEqual(['now', 'random', 'uuid', 'sleep']);
      } finally {
        await h.close();
      }
    });

    it('runs a step whose result is journaled exactly once across replays', async () => {
      let calls = 0;
      const wf = defineWorkflow({ name: 'replayed' }, async (ctx) => {
        const value = await ctx.step('side-effect', () => ++calls);
        await ctx.sleep(5);
        await ctx.sleep(5);
        return value;
      });
      const h = await startHarness(factory, [wf]);
      try {
        const run = await h.engine.client.start(wf, undefined);
        expect(await run.result()).toBe(1);
        expect(calls).toBe(1);
        expect((await h.engine.client.get(run.id))?.claims).toBeGreaterThanOrEqual(3);
      } finally {
        await h.close();
      }
    });

    it('fails a run that outlives its workflow timeout with BATON_RUN_TIMEOUT', async () => {
      const wf = defineWorkflow({ name: 'bounded', timeout: '1 hour' }, async (ctx) => {
        await ctx.sleep('2 hours');
        return 'late';
      });
      const h = await startHarness(factory, [wf], { manualClock: true });
      try {
        const run = await h.engine.client.start(wf, undefined);
        await waitForStatus(h.engine, run.id, 'waiting');
        expect((await h.engine.client.get(run.id))?.wakeAt?.getTime()).toBe(h.clock.now() + 3_600_000);
        await advance(h.manual!, 3_600_000);
        await expect(run.result()).rejects.toMatchObject({ code: ErrorCode.RunTimeout });
      } finally {
        await h.close();
      }
    });
  });
}
