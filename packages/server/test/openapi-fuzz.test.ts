/**
 * Hostile input over real HTTP, on SQLite and on PostgreSQL: at least 10,000 requests (BATON_FUZZ_REQUESTS)
 * across every operation of the served OpenAPI document, each derived from the document's own path,
 * parameters and body schema and then made hostile (see fuzz/openapi-requests.ts). No answer may be a
 * 5xx; every error is in the one shape with a request id; nothing unexpected is logged; and a run made
 * up front, which no request names, keeps its record and journal exactly.
 */
import { Agent, request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Engine, defineWorkflow, newApiKey, seededRandom, silentLogger, type Store } from '@baton/core';
import { defineWebhook, startApiServer, type ApiServer } from '@baton/server';
import { SqliteStore } from '@baton/sqlite';
import { RequestFuzzer, operationsOf, type FuzzRequest, type OpenApiDocument } from './fuzz/openapi-requests.js';
import { testStores } from './test-stores.js';

const REQUESTS = Number(process.env.BATON_FUZZ_REQUESTS ?? 10_000);
const SEED = Number(process.env.BATON_FUZZ_SEED ?? 20_261_206);
const CONCURRENCY = 4;

const fuzzed = defineWorkflow({ name: 'fuzzed', input: z.object({ n: z.number().int() }) }, async (ctx, input) => ctx.step('double', () => input.n * 2));
const approval = defineWorkflow({ name: 'approval' }, async (ctx) => ctx.waitForSignal<unknown>('answer'));

const stores = testStores('the OpenAPI fuzz test');

interface Answer {
  status: number;
  requestId: string | undefined;
  stream: boolean;
  text: string;
}

/**
 * One request on a kept-alive connection. A connection the server closed just as it was reused
 * (the keep-alive race every HTTP client has) is retried once on a new one, as Node's documentation
 * advises; any other failure to answer is a failure. An event stream is closed as soon as it answers.
 */
async function send(base: string, request: FuzzRequest, agent: Agent): Promise<Answer> {
  try {
    return await sendOnce(base, request, agent);
  } catch (error) {
    if ((error as { reusedSocket?: boolean }).reusedSocket !== true || (error as NodeJS.ErrnoException).code !== 'ECONNRESET') throw error;
    return sendOnce(base, request, agent);
  }
}

function sendOnce(base: string, request: FuzzRequest, agent: Agent): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${base}${request.url}`, { method: request.method, headers: request.headers, agent }, (res) => {
      const answer = { status: res.statusCode ?? 0, requestId: res.headers['x-request-id'] as string | undefined, stream: false, text: '' };
      if (res.headers['content-type']?.includes('text/event-stream') === true) {
        res.destroy();
        resolve({ ...answer, stream: true });
        return;
      }
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (answer.text += chunk));
      res.on('end', () => resolve(answer));
      res.on('error', reject);
    });
    req.on('error', (error) => reject(Object.assign(error, { reusedSocket: req.reusedSocket })));
    req.end(request.body === undefined || request.method === 'GET' ? undefined : request.body);
  });
}

describe.each(stores)('hostile requests over HTTP on every OpenAPI operation: $name', (testStore) => {
  let store: Store;
  let engine: Engine;
  let api: ApiServer;
  let keys: { viewer: string; operator: string; admin: string };
  const unexpected: unknown[] = [];

  beforeAll(async () => {
    store = testStore.create();
    await store.init();
    engine = new Engine({ store, workflows: [fuzzed, approval], logger: silentLogger, pollIntervalMs: 50 });
    await engine.start();
    const made = (['viewer', 'operator', 'admin'] as const).map((role) => newApiKey({ name: role, role }, Date.now()));
    for (const key of made) await store.createApiKey(key.record);
    keys = { viewer: made[0]!.token, operator: made[1]!.token, admin: made[2]!.token };
    api = await startApiServer({
      client: engine.client,
      store,
      workflows: engine.workflows,
      maxBodyBytes: 64 * 1024,
      simulationStore: () => new SqliteStore({ path: ':memory:' }),
      webhooks: [
        defineWebhook({ name: 'fuzzhook', workflow: 'fuzzed', secret: 'fuzz-secret-0123456789' }),
        defineWebhook({ name: 'openhook', workflow: 'fuzzed' }),
      ],
      onError: (error) => unexpected.push(error),
    });
  }, 60_000);

  afterAll(async () => {
    await api?.close();
    await engine?.stop({ timeoutMs: 5000 });
    await store?.close();
  });

  it(`answers ${REQUESTS} hostile requests without a 5xx, in the one error shape, leaving an unrelated run as it was`, async () => {
    // The unrelated run: finished before the fuzzing starts, and never named by a request.
    const unrelated = await engine.client.start(fuzzed, { n: 21 }, { id: 'unrelated-7c1e', tags: ['keep'] });
    expect(await unrelated.result({ timeoutMs: 30_000 })).toBe(42);
    const snapshot = async () => ({ run: await engine.client.get('unrelated-7c1e'), journal: await engine.client.journal('unrelated-7c1e') });
    const before = await snapshot();
    // Things that exist, so that plausible requests reach the handlers' deeper paths.
    await engine.client.start(approval, undefined, { id: 'fuzz-waiting' });
    await engine.client.schedules.create({ id: 'fuzz-schedule', workflow: fuzzed, cron: '0 0 1 1 *', input: { n: 1 } });
    await engine.client.emit('fuzz.event', { n: 1 }, { id: 'fuzz-event' });

    const docResponse = await fetch(`${api.url}/api/openapi.json`, { headers: { authorization: `Bearer ${keys.viewer}` } });
    expect(docResponse.status).toBe(200);
    const doc = (await docResponse.json()) as OpenApiDocument;
    const operations = operationsOf(doc);
    expect(operations.length).toBeGreaterThan(25);
    const random = seededRandom(SEED);
    const fuzzer = new RequestFuzzer(doc, random, {
      id: ['fuzz-waiting', 'fuzz-schedule', 'no-such-thing', 'fuzz-event'],
      name: ['fuzzhook', 'openhook', 'answer', 'nohook'],
      workflow: ['fuzzed', 'approval', 'unknown-workflow'],
      type: ['fuzz.event', 'order.created'],
      status: ['failed', 'queued,waiting', 'nonsense'],
      cron: ['*/5 * * * *', '0 0 31 2 *', '61 * * * *'],
      timezone: ['UTC', 'Europe/Berlin', 'Mars/Olympus'],
      specversion: ['1.0', '0.3'],
      runId: ['fuzz-waiting'],
    });

    const perOperation = new Map<string, number>();
    const statuses = new Map<number, number>();
    const failures: string[] = [];
    const planned: FuzzRequest[] = [];
    for (let i = 0; i < REQUESTS; i++) {
      // Every operation in turn, so each gets its share whatever the seed.
      const operation = operations[i % operations.length]!;
      const request = fuzzer.request(operation);
      const auth = random();
      if (auth < 0.8) request.headers.authorization = `Bearer ${keys.admin}`;
      else if (auth < 0.88) request.headers.authorization = `Bearer ${keys.viewer}`;
      else if (auth < 0.92) request.headers.authorization = `Bearer ${keys.operator}`;
      else if (auth < 0.96) request.headers.authorization = `Bearer ${keys.admin.slice(0, -4)}abcd`;
      if (operation.path.startsWith('/hooks/') && random() < 0.7) {
        const t = Math.floor(Date.now() / 1000) + Math.floor((random() - 0.5) * 2000);
        request.headers['x-baton-signature'] = [`t=${t},v1=${'ab'.repeat(32)}`, `t=${t}`, 'v1=zz', 't=-1,v1=00'][Math.floor(random() * 4)]!;
      }
      if (operation.path === '/api/stream' && random() < 0.5)
        request.headers['last-event-id'] = ['-1', '1e999', 'abc', '%00', "' OR 1=1"][Math.floor(random() * 5)]!;
      planned.push(request);
    }

    const started = performance.now();
    let next = 0;
    const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const worker = async (): Promise<void> => {
      while (next < planned.length) {
        const request = planned[next++]!;
        const key = `${request.operation.method} ${request.operation.path}`;
        perOperation.set(key, (perOperation.get(key) ?? 0) + 1);
        const where = `${request.method} ${request.url.slice(0, 200)} (body ${request.body?.slice(0, 200)})`;
        let res: Answer;
        try {
          res = await send(api.url, request, agent);
        } catch (error) {
          failures.push(`no answer (${String(error)}): ${where}`);
          continue;
        }
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.requestId === undefined) failures.push(`no X-Request-Id: ${where}`);
        if (res.stream) continue;
        const text = res.text;
        if (res.status >= 500) failures.push(`${res.status}: ${where} → ${text.slice(0, 300)}`);
        else if (res.status >= 300 && !/^\{"error":\{"code":"BATON_[A-Z_]+","message":"/.test(text))
          failures.push(`not the error shape: ${where} → ${text.slice(0, 300)}`);
        if (/\n\s+at .+:\d+:\d+/.test(text)) failures.push(`a stack: ${where}`);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    agent.destroy();
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `[fuzz] ${testStore.name}: ${REQUESTS} requests over ${operations.length} operations in ${seconds.toFixed(1)} s; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}`,
    );

    expect(failures.slice(0, 10)).toEqual([]);
    expect(unexpected).toEqual([]);
    for (const operation of operations)
      expect(perOperation.get(`${operation.method} ${operation.path}`), `${operation.method} ${operation.path}`).toBeGreaterThanOrEqual(
        Math.floor(REQUESTS / operations.length),
      );
    expect((await fetch(`${api.url}/api/health`)).status).toBe(200);
    expect(await snapshot()).toEqual(before);
  }, 240_000);
});
