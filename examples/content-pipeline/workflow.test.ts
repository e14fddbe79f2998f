/**
 * The content pipeline end to end: real engine, real SQLite file, and a scripted model server on
 * loopback. The SEO check and the image brief run at once, so the model answers by what each call
 * asks (its system prompt) rather than by arrival order.
 */
import type { JournalEntryInfo } from '@baton/core';
import type { ScriptedModelRequest, ScriptedModelServer, ScriptedReply, ScriptedResponder } from '@baton/ai/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestEngine, startTestModel, waitFor, waitForSignalWait, type TestEngine } from '../test-support.js';
import { createContentServices, slugify } from './services.js';
import {
  createContentPipelineWorkflow,
  type ContentBrief,
  type ContentProgress,
  type ImageBrief,
  type Outline,
  type ResearchNotes,
  type SeoReport,
} from './workflow.js';

const BRIEF: ContentBrief = { topic: 'Retries without duplicates', audience: 'payment engineers', keywords: ['idempotency', 'retries'] };

const NOTES: ResearchNotes = {
  angle: 'A retry is only safe when the side effect is idempotent',
  keyPoints: ['Networks fail after the work is done', 'Idempotency keys make repeats harmless'],
  audienceQuestions: ['Where does the key come from?'],
};
const OUTLINE: Outline = {
  title: 'Retries Without Duplicates',
  sections: [
    { heading: 'Why retries duplicate', points: ['The lost acknowledgement'] },
    { heading: 'Idempotency keys', points: ['One key per side effect'] },
  ],
};
const SEO: SeoReport = { score: 72, suggestions: ['Use "idempotency" in the first paragraph'], metaDescription: 'How idempotency keys make retries safe.' };
const IMAGE: ImageBrief = { subject: 'Two identical receipts, one crossed out', style: 'flat illustration', altText: 'A duplicate receipt crossed out' };
const DRAFT = '# Retries Without Duplicates\n\nFirst draft.';
const REVISED = '# Retries Without Duplicates\n\nA payment was charged twice. Revised draft.';

/** Which call a request is, by its system prompt. */
function stepOf(call: ScriptedModelRequest): string {
  const system = call.messages.find((m) => m.role === 'system')?.content ?? '';
  const steps: [string, string][] = [
    ['Research the topic', 'research'],
    ['Outline an article', 'outline'],
    ['Write the article in Markdown', 'draft'],
    ['search-engine optimisation', 'seo-check'],
    ['You brief illustrators', 'image-brief'],
    ['Revise the article', 'revise'],
  ];
  return steps.find(([marker]) => system.includes(marker))?.[1] ?? 'unknown';
}

/** Answers each step with its reply (a list is used in order, one per call). */
function byStep(replies: Record<string, ScriptedReply | ScriptedReply[]>): ScriptedResponder {
  const used = new Map<string, number>();
  return (call) => {
    const step = stepOf(call);
    const reply = replies[step];
    const index = used.get(step) ?? 0;
    used.set(step, index + 1);
    const chosen = Array.isArray(reply) ? reply[index] : reply;
    if (chosen === undefined) throw new Error(`No scripted reply for call ${index + 1} of step '${step}'.`);
    return chosen;
  };
}

const json = (value: unknown): ScriptedReply => ({ text: JSON.stringify(value) });
const REPLIES = {
  research: json(NOTES),
  outline: json(OUTLINE),
  draft: { text: DRAFT },
  'seo-check': json(SEO),
  'image-brief': json(IMAGE),
  revise: [{ text: REVISED }],
};

/** The workflow's steps and model calls, in order (@baton/ai's own bookkeeping steps, `ai:…`, aside). */
const stepNames = (journal: JournalEntryInfo[]): string[] => journal.filter((e) => e.kind === 'step' && !e.name.startsWith('ai:')).map((e) => e.name);
const signalsConsumed = async (engine: TestEngine, runId: string): Promise<number> =>
  (await engine.client.journal(runId)).filter((e) => e.kind === 'signal').length;

let model: ScriptedModelServer;
let current: TestEngine | undefined;

beforeAll(async () => {
  model = await startTestModel();
});

afterAll(() => model.close());

afterEach(async () => {
  await current?.stop();
  current = undefined;
  model.reset();
});

async function setup(replies: Record<string, ScriptedReply | ScriptedReply[]> = REPLIES) {
  model.respondWith(byStep(replies));
  const services = createContentServices();
  const workflow = createContentPipelineWorkflow(services);
  current = await startTestEngine([workflow]);
  const start = () => engine().client.start(workflow, BRIEF);
  return { ...current, services, start };
}

function engine(): TestEngine {
  if (current === undefined) throw new Error('No engine is running.');
  return current;
}

/** Waits for the run's `n`-th wait for the editor (after `n - 1` decisions reached it). */
async function editorWait(runId: string, n: number): Promise<void> {
  await waitFor(`decision ${n - 1} to reach run ${runId}`, async () => (await signalsConsumed(engine(), runId)) >= n - 1);
  await waitForSignalWait(engine().client, runId, 'editor-approval');
}

describe('content-pipeline', () => {
  it('researches, outlines and drafts, reviews in parallel, and publishes once the editor approves', async () => {
    const { client, services, start } = await setup();
    const run = await start();

    await editorWait(run.id, 1);
    const waiting = await client.get(run.id);
    expect(waiting?.progress).toMatchObject<Partial<ContentProgress>>({ stage: 'awaiting-approval' });
    expect((waiting?.progress as ContentProgress).detail).toContain('SEO score 72');
    expect(services.inbox.requests).toMatchObject([{ editor: 'morgan', title: 'Retries Without Duplicates', revision: 0 }]);
    expect(model.modelCalls.map(stepOf).slice(0, 3)).toEqual(['research', 'outline', 'draft']);
    expect(model.modelCalls.map(stepOf).slice(3).sort()).toEqual(['image-brief', 'seo-check']);

    await client.signal(run.id, 'editor-approval', { approved: true, editor: 'morgan' });
    const outcome = await run.result({ timeoutMs: 10_000 });

    expect(outcome).toEqual({
      status: 'published',
      title: 'Retries Without Duplicates',
      postId: 'POST-0001',
      url: 'https://blog.example.com/retries-without-duplicates',
      approvedBy: 'morgan',
      revisions: 0,
      seoScore: 72,
      seoSuggestions: ['Use "idempotency" in the first paragraph'],
    });
    expect(services.cms.published).toMatchObject([
      { body: DRAFT, metaDescription: SEO.metaDescription, imageBrief: IMAGE, keywords: ['idempotency', 'retries'] },
    ]);
    expect(stepNames(await client.journal(run.id))).toEqual([
      // The namespace's agent policy, read once per run (see docs/ai.md).
      'baton:policy',
      'llm:research',
      'llm:outline',
      'llm:draft',
      'llm:seo-check',
      'llm:image-brief',
      'request-review',
      'publish',
    ]);

    // Each call builds on the one before: the outline reads the notes, the draft the outline.
    const calls = new Map(model.modelCalls.map((call) => [stepOf(call), call.messages.at(-1)?.content ?? '']));
    expect(calls.get('research')).toBe('Retries without duplicates, for payment engineers.\nKeywords: idempotency, retries');
    expect(calls.get('outline')).toContain('Idempotency keys make repeats harmless');
    expect(calls.get('draft')).toContain('## Idempotency keys\n- One key per side effect');
    expect(calls.get('seo-check')).toBe(DRAFT);
  });

  it("revises the draft with the editor's comment, then publishes the revision once approved", async () => {
    const { client, services, start } = await setup();
    const run = await start();
    await editorWait(run.id, 1);

    await client.signal(run.id, 'editor-approval', { approved: false, editor: 'morgan', comment: 'Open with a real incident.' });
    await editorWait(run.id, 2);
    expect(services.inbox.requests.map((r) => r.revision)).toEqual([0, 1]);
    const revise = model.modelCalls.find((call) => stepOf(call) === 'revise');
    expect(revise?.messages.at(-1)?.content).toBe(`Editor's comment: Open with a real incident.\n\nArticle:\n${DRAFT}`);
    expect(services.cms.publishRequests).toBe(0);

    await client.signal(run.id, 'editor-approval', { approved: true, editor: 'morgan' });
    const outcome = await run.result({ timeoutMs: 10_000 });

    expect(outcome).toMatchObject({ status: 'published', revisions: 1, approvedBy: 'morgan' });
    expect(services.cms.published).toMatchObject([{ body: REVISED }]);
    expect(model.modelCalls).toHaveLength(6);
  });

  it('stops without publishing when the editor rejects the revision too', async () => {
    const { client, services, start } = await setup();
    const run = await start();
    await editorWait(run.id, 1);
    await client.signal(run.id, 'editor-approval', { approved: false, comment: 'Too long.' });
    await editorWait(run.id, 2);

    await client.signal(run.id, 'editor-approval', { approved: false, editor: 'kim', comment: 'Still too long; we will not run it.' });

    expect(await run.result({ timeoutMs: 10_000 })).toEqual({
      status: 'rejected',
      title: 'Retries Without Duplicates',
      rejectedBy: 'kim',
      reason: 'Still too long; we will not run it.',
      revisions: 1,
    });
    expect(services.cms.publishRequests).toBe(0);
  });

  it('re-asks the model when an answer does not match the schema', async () => {
    const { client, start } = await setup({ ...REPLIES, outline: [{ text: '{"title": "No sections"}' }, json(OUTLINE)] });
    const run = await start();
    await editorWait(run.id, 1);

    const outlineCalls = model.modelCalls.filter((call) => stepOf(call) === 'outline');
    expect(outlineCalls).toHaveLength(2);
    expect(outlineCalls[1]?.messages.at(-1)?.content).toContain('That answer does not match the schema: sections');
    expect(stepNames(await client.journal(run.id))).toContain('llm:outline');
  });

  it('resumes after a crash while waiting for the editor without calling the model again or publishing twice', async () => {
    const { services, start } = await setup();
    const run = await start();
    await editorWait(run.id, 1);
    const calls = model.requests.filter((r) => r.path === '/v1/chat/completions').length;
    expect(calls).toBe(5);

    current = await engine().restart();
    await current.client.signal(run.id, 'editor-approval', { approved: false, comment: 'Shorter, please.' });
    await editorWait(run.id, 2);
    expect(model.requests.filter((r) => r.path === '/v1/chat/completions')).toHaveLength(6);

    current = await engine().restart();
    await current.client.signal(run.id, 'editor-approval', { approved: true });

    expect(await current.client.result(run.id, { timeoutMs: 10_000 })).toMatchObject({ status: 'published', revisions: 1, approvedBy: 'morgan' });
    // Research, outline, draft, SEO, image brief and the revision: each called once, across two restarts.
    expect(model.requests.filter((r) => r.path === '/v1/chat/completions')).toHaveLength(6);
    expect(model.modelCalls.map(stepOf).filter((step) => step === 'research')).toHaveLength(1);
    expect(services.inbox.requests).toHaveLength(2);
    expect(services.cms.published).toHaveLength(1);
  });
});

describe('slugify', () => {
  it('makes a URL path from a title', () => {
    expect(slugify('Retries Without Duplicates!')).toBe('retries-without-duplicates');
    expect(slugify('  Crème brûlée & Co.  ')).toBe('creme-brulee-co');
    expect(slugify('???')).toBe('article');
  });
});
