/** OpenTelemetry spans of run executions and step attempts, collected in memory from an engine on a SQLite file. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SpanStatusCode, context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { Engine, defineWorkflow, silentLogger, type AnyWorkflow } from '@baton/core';
import { SqliteStore } from '@baton/sqlite';

const dir = mkdtempSync(join(tmpdir(), 'baton-tracing-'));
const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const contextManager = new AsyncLocalStorageContextManager();
let counter = 0;
let engine: Engine | undefined;

beforeAll(() => {
  // The context manager is global (it is what makes a span active); the provider is the engine's own.
  context.setGlobalContextManager(contextManager.enable());
});

afterEach(async () => {
  await engine?.stop({ timeoutMs: 2000 });
  await engine?.store.close();
  engine = undefined;
  exporter.reset();
});

afterAll(async () => {
  context.disable();
  await provider.shutdown();
  rmSync(dir, { recursive: true, force: true });
});

async function startEngine(workflows: AnyWorkflow[]): Promise<Engine> {
  engine = new Engine({ store: new SqliteStore({ path: join(dir, `tracing-${++counter}.db`) }), workflows, logger: silentLogger, tracerProvider: provider });
  await engine.start();
  return engine;
}

/** Waits until the run's execution span has ended (it ends after the run's last write). */
async function spansOfRun(runId: string): Promise<{ run: ReadableSpan; all: ReadableSpan[] }> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const all = exporter.getFinishedSpans();
    const run = all.find((s) => s.name.startsWith('run ') && s.attributes['baton.run.id'] === runId);
    if (run !== undefined) return { run, all: all.filter((s) => s.spanContext().traceId === run.spanContext().traceId) };
    if (Date.now() > deadline) throw new Error(`no run span for ${runId}; spans: ${all.map((s) => s.name).join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('tracing', () => {
  it('gives a run execution a span, with a child span per step carrying the run and step attributes', async () => {
    const wf = defineWorkflow({ name: 'three-steps', version: '2' }, async (ctx) => {
      const a = await ctx.step('fetch', () => 1);
      const b = await ctx.step('transform', () => a + 1);
      return ctx.step('store', () => b * 10);
    });
    const e = await startEngine([wf]);
    const handle = await e.client.start(wf, undefined);
    expect(await handle.result()).toBe(20);
    const { run, all } = await spansOfRun(handle.id);

    expect(run.name).toBe('run three-steps');
    expect(run.parentSpanContext).toBeUndefined();
    expect(run.attributes).toEqual({
      'baton.run.id': handle.id,
      'baton.workflow': 'three-steps',
      'baton.workflow.version': '2',
      'baton.run.attempt': 1,
      'baton.run.outcome': 'completed',
    });
    expect(run.status.code).toBe(SpanStatusCode.UNSET);
    const steps = all.filter((s) => s.name.startsWith('step '));
    expect(steps.map((s) => s.name)).toEqual(['step fetch', 'step transform', 'step store']);
    steps.forEach((step, i) => {
      expect(step.parentSpanContext?.spanId).toBe(run.spanContext().spanId);
      expect(step.attributes).toEqual({
        'baton.run.id': handle.id,
        'baton.workflow': 'three-steps',
        'baton.step.name': ['fetch', 'transform', 'store'][i],
        'baton.step.seq': i + 1,
        'baton.step.attempt': 1,
      });
    });
  });

  it('runs the step function with its span active, so spans it starts are the step span children', async () => {
    const userTracer = provider.getTracer('user-code');
    const wf = defineWorkflow({ name: 'calls-out' }, async (ctx) => {
      return ctx.step('call-api', async () => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        return userTracer.startActiveSpan('GET /orders', async (span) => {
          await new Promise((resolve) => setImmediate(resolve));
          const inner = trace.getActiveSpan()?.spanContext().spanId;
          span.end();
          return inner === span.spanContext().spanId;
        });
      });
    });
    const e = await startEngine([wf]);
    const handle = await e.client.start(wf, undefined);
    expect(await handle.result()).toBe(true);
    const { run, all } = await spansOfRun(handle.id);
    const step = all.find((s) => s.name === 'step call-api');
    const call = all.find((s) => s.name === 'GET /orders');
    expect(step?.parentSpanContext?.spanId).toBe(run.spanContext().spanId);
    expect(call?.parentSpanContext?.spanId).toBe(step?.spanContext().spanId);
    expect(call?.spanContext().traceId).toBe(run.spanContext().traceId);
  });

  it('gives each attempt of a retried step its own span, with the error recorded on the failed ones', async () => {
    let calls = 0;
    const wf = defineWorkflow({ name: 'flaky' }, async (ctx) => {
      return ctx.step(
        'charge',
        () => {
          calls++;
          if (calls < 3) throw new Error(`card network busy (call ${calls})`);
          return 'charged';
        },
        { retry: { maxAttempts: 3, initialInterval: 1, jitter: 0 } },
      );
    });
    const e = await startEngine([wf]);
    const handle = await e.client.start(wf, undefined);
    expect(await handle.result()).toBe('charged');
    const { all } = await spansOfRun(handle.id);
    const attempts = all
      .filter((s) => s.name === 'step charge')
      .sort((a, b) => Number(a.attributes['baton.step.attempt']) - Number(b.attributes['baton.step.attempt']));
    expect(attempts.map((s) => [s.attributes['baton.step.attempt'], s.status.code])).toEqual([
      [1, SpanStatusCode.ERROR],
      [2, SpanStatusCode.ERROR],
      [3, SpanStatusCode.UNSET],
    ]);
    expect(attempts[0]?.status.message).toBe('card network busy (call 1)');
    const exception = attempts[1]?.events.find((event) => event.name === 'exception');
    expect(exception?.attributes).toMatchObject({ 'exception.type': 'Error', 'exception.message': 'card network busy (call 2)' });
    expect(attempts[2]?.events).toEqual([]);
  });

  it('marks the execution span of a failed run as an error, with the run error recorded', async () => {
    const wf = defineWorkflow({ name: 'doomed' }, async (ctx) => {
      await ctx.step(
        'only',
        () => {
          throw new Error('no such account');
        },
        { retry: { maxAttempts: 1 } },
      );
    });
    const e = await startEngine([wf]);
    const handle = await e.client.start(wf, undefined);
    await expect(handle.result()).rejects.toThrow(/no such account/);
    const { run } = await spansOfRun(handle.id);
    expect(run.attributes['baton.run.outcome']).toBe('failed');
    expect(run.status.code).toBe(SpanStatusCode.ERROR);
    expect(run.status.message).toContain('no such account');
    expect(run.events.find((event) => event.name === 'exception')?.attributes).toMatchObject({ 'exception.type': 'BATON_STEP_FAILED' });
  });
});
