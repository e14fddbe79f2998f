/**
 * The long-running commands' observability, through real child processes: spans exported over
 * OTLP/HTTP (JSON) to a collector stand-in on loopback, and the engine's JSON log lines on stderr.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliProcess, WORKFLOWS, baton, tempDir, waitFor } from './helpers.js';

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
}
interface OtlpAttribute {
  key: string;
  value: OtlpValue;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes: OtlpAttribute[];
}
interface OtlpExport {
  resourceSpans: { resource: { attributes: OtlpAttribute[] }; scopeSpans: { spans: OtlpSpan[] }[] }[];
}

const dir = tempDir();
const exports: { path: string; contentType: string | undefined; body: OtlpExport }[] = [];
let collector: Server;
let collectorUrl: string;

beforeAll(async () => {
  collector = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      let raw = Buffer.concat(chunks);
      if (req.headers['content-encoding'] === 'gzip') raw = gunzipSync(raw);
      exports.push({ path: req.url ?? '', contentType: req.headers['content-type'], body: JSON.parse(raw.toString('utf8')) as OtlpExport });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  collectorUrl = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => collector.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

const attribute = (attributes: OtlpAttribute[], key: string): string | number | undefined => {
  const value = attributes.find((a) => a.key === key)?.value;
  return value?.stringValue ?? (value?.intValue === undefined ? undefined : Number(value.intValue));
};

describe('observability of baton worker', { timeout: 60_000 }, () => {
  it('exports a span per run execution and step over OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT is set, flushed at shutdown', async () => {
    const db = join(dir, 'traces.db');
    const worker = new CliProcess(['worker', '--db', db, '--workflows', WORKFLOWS], {
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: collectorUrl, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_SERVICE_NAME: 'baton-test-worker' },
    });
    let id = '';
    try {
      await worker.waitForOutput('baton worker:');
      const result = await baton(['run', 'greet', '--db', db, '--input', '{"name":"otel","times":1}', '--wait']);
      expect(result.code, result.stderr).toBe(0);
      id = /started run (\S+)/.exec(result.stderr)?.[1] ?? '';
      expect(id).not.toBe('');
    } finally {
      // The batch of spans may still be buffered: a graceful stop must flush it.
      expect((await worker.stop('SIGTERM')).code).toBe(0);
    }
    await waitFor(() => exports.length > 0, { what: 'an OTLP export' });
    expect(exports.every((e) => e.path === '/v1/traces' && e.contentType === 'application/json')).toBe(true);
    const resources = exports.flatMap((e) => e.body.resourceSpans);
    expect(resources.map((r) => attribute(r.resource.attributes, 'service.name'))).toContain('baton-test-worker');
    const spans = resources.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans)).filter((s) => attribute(s.attributes, 'baton.run.id') === id);
    const run = spans.find((s) => s.name === 'run greet');
    expect(run).toBeDefined();
    expect(attribute(run!.attributes, 'baton.workflow')).toBe('greet');
    expect(attribute(run!.attributes, 'baton.run.attempt')).toBe(1);
    expect(attribute(run!.attributes, 'baton.run.outcome')).toBe('completed');
    const steps = spans.filter((s) => s.name.startsWith('step '));
    expect(steps.map((s) => s.name).sort()).toEqual(['step join', 'step repeat', 'step upper']);
    for (const step of steps) {
      expect(step.traceId).toBe(run!.traceId);
      expect(step.parentSpanId).toBe(run!.spanId);
    }
    expect(steps.map((s) => attribute(s.attributes, 'baton.step.seq')).sort()).toEqual([1, 2, 3]);
  });

  it('exports nothing when OTEL_SDK_DISABLED=true', async () => {
    const before = exports.length;
    const db = join(dir, 'disabled.db');
    const worker = new CliProcess(['worker', '--db', db, '--workflows', WORKFLOWS], {
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: collectorUrl, OTEL_SDK_DISABLED: 'true' },
    });
    try {
      await worker.waitForOutput('baton worker:');
      expect((await baton(['run', 'greet', '--db', db, '--input', '{"name":"off","times":1}', '--wait'])).code).toBe(0);
    } finally {
      expect((await worker.stop('SIGTERM')).code).toBe(0);
    }
    expect(exports.length).toBe(before);
  });

  it('logs engine events as JSON lines on stderr, with the run, workflow and step of a failing step', async () => {
    const db = join(dir, 'logs.db');
    const worker = new CliProcess(['worker', '--db', db, '--workflows', WORKFLOWS]);
    let id: string | undefined;
    try {
      await worker.waitForOutput('baton worker:');
      const result = await baton(['run', 'always-fails', '--db', db, '--wait']);
      expect(result.code).toBe(1);
      id = /started run (\S+)/.exec(result.stderr)?.[1];
      await waitFor(() => worker.stderr.includes('"msg":"run failed"'), { what: () => `a 'run failed' log line; stderr so far:\n${worker.stderr}` });
    } finally {
      expect((await worker.stop('SIGTERM')).code).toBe(0);
    }
    const lines = worker.stderr
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const stepFailed = lines.find((l) => l.msg === 'step failed');
    expect(stepFailed).toMatchObject({ level: 'info', runId: id, workflow: 'always-fails', step: 'doomed', seq: 1, attempt: 1 });
    expect((stepFailed?.err as { message?: string } | undefined)?.message).toBe('the doomed step always fails');
    expect(typeof stepFailed?.time).toBe('string');
    expect(lines.find((l) => l.msg === 'run failed')).toMatchObject({
      level: 'warn',
      runId: id,
      workflow: 'always-fails',
      error: { code: 'BATON_STEP_FAILED' },
    });
    // stdout keeps the CLI's own lines only.
    expect(worker.stdout).not.toContain('"msg"');
  });

  it('refuses an unknown BATON_LOG_LEVEL', async () => {
    const result = await baton(['worker', '--db', join(dir, 'level.db'), '--workflows', WORKFLOWS], { env: { BATON_LOG_LEVEL: 'loud' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('BATON_LOG_LEVEL must be one of');
  });
});
