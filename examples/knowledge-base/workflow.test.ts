/**
 * The knowledge-base workflow against its real MCP server (kb-server.mjs over stdio), on a real
 * engine and SQLite file: the answer comes from the best matching article, each tool call a
 * journaled step of its own.
 */
import { closeMcpConnections } from '@baton/mcp';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startTestEngine, waitForEnd, type TestEngine } from '../test-support.js';
import { knowledgeAnswer, type KnowledgeAnswer } from './workflow.js';

let test: TestEngine | undefined;

afterEach(async () => {
  await test?.stop();
  test = undefined;
});

afterAll(() => closeMcpConnections());

describe('knowledge-answer', () => {
  it('answers from the best matching article, one journaled step per tool call', async () => {
    test = await startTestEngine([knowledgeAnswer]);
    const run = await test.client.start(knowledgeAnswer, { question: 'Can I get a refund for a faulty espresso machine?' });
    const output = await run.result({ timeoutMs: 30_000 });
    expect(output).toEqual<KnowledgeAnswer>({
      question: 'Can I get a refund for a faulty espresso machine?',
      article: { id: 'KB-101', title: 'Refunds for faulty appliances' },
      answer: expect.stringContaining('refunded in full') as unknown as string,
      alsoSee: ['KB-102'],
    });
    const steps = (await test.client.journal(run.id)).filter((entry) => entry.kind === 'step').map((entry) => entry.name);
    expect(steps).toEqual(['baton:policy', 'mcp:knowledge-base:search_articles', 'mcp:knowledge-base:get_article']);
  });

  it('says so when no article matches, without reading one', async () => {
    test = await startTestEngine([knowledgeAnswer]);
    const run = await test.client.start(knowledgeAnswer, { question: 'Who won the 1974 world cup?' });
    expect(await run.result({ timeoutMs: 30_000 })).toMatchObject({ alsoSee: [], answer: expect.stringContaining('no article') });
    await waitForEnd(test.client, run.id);
    expect((await test.client.journal(run.id)).filter((entry) => entry.kind === 'step').map((entry) => entry.name)).toEqual([
      'baton:policy',
      'mcp:knowledge-base:search_articles',
    ]);
  });
});
