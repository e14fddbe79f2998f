// The scripted model server driven by the AI SDK's real provider clients over loopback HTTP: text,
// tool calls, streaming, usage, provider errors and broken output, for OpenAI Chat Completions,
// Anthropic Messages and OpenAI-compatible endpoints.

import { createAnthropic, type AnthropicProvider } from '@ai-sdk/anthropic';
import { createOpenAI, type OpenAIProvider } from '@ai-sdk/openai';
import { createOpenAICompatible, type OpenAICompatibleProvider } from '@ai-sdk/openai-compatible';
import { startScriptedModelServer, type ScriptedModelServer } from '@baton/ai/testing';
import { APICallError, generateText, stepCountIs, streamText, tool } from 'ai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';

let server: ScriptedModelServer;
let openai: OpenAIProvider;
let anthropic: AnthropicProvider;
let compatible: OpenAICompatibleProvider;

beforeAll(async () => {
  server = await startScriptedModelServer();
  openai = createOpenAI({ baseURL: server.openaiBaseUrl, apiKey: 'test' });
  anthropic = createAnthropic({ baseURL: server.anthropicBaseUrl, apiKey: 'test' });
  compatible = createOpenAICompatible({ name: 'local', baseURL: server.openaiBaseUrl, includeUsage: true });
});
afterAll(() => server.close());
beforeEach(() => server.reset());

const weather = tool({
  description: 'Get the current weather for a city',
  inputSchema: z.object({ city: z.string(), unit: z.enum(['celsius', 'fahrenheit']) }),
});

/** The error a call rejected with. */
async function failure(call: Promise<unknown>): Promise<unknown> {
  try {
    await call;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

describe('OpenAI Chat Completions', () => {
  it('answers text with usage, and records the request once', async () => {
    server.enqueue({ text: 'Hello from the script', usage: { input: 12, output: 5 } });
    const result = await generateText({ model: openai.chat('gpt-test'), system: 'Be brief.', prompt: 'Say hello', temperature: 0.2, maxOutputTokens: 50 });

    expect(result.text).toBe('Hello from the script');
    expect(result.finishReason).toBe('stop');
    expect(result.usage.inputTokens).toBe(12);
    expect(result.usage.outputTokens).toBe(5);
    expect(result.usage.totalTokens).toBe(17);
    expect(server.requests).toHaveLength(1);
    expect(server.callsFor('gpt-test')).toBe(1);

    const [request] = server.modelCalls;
    expect(request).toMatchObject({ protocol: 'openai', path: '/v1/chat/completions', model: 'gpt-test', stream: false, temperature: 0.2, maxTokens: 50 });
    expect(request?.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Say hello' },
    ]);
    expect(request?.headers['authorization']).toBe('Bearer test');
  });

  it('counts tokens deterministically when the reply names no usage', async () => {
    server.enqueue({ text: 'twelve chars' }, { text: 'twelve chars' });
    const first = await generateText({ model: openai.chat('gpt-test'), prompt: 'abcdefgh' });
    const second = await generateText({ model: openai.chat('gpt-test'), prompt: 'abcdefgh' });
    expect(first.usage.inputTokens).toBe(2);
    expect(first.usage.outputTokens).toBe(3);
    expect(second.usage).toEqual(first.usage);
  });

  it('returns tool calls with JSON arguments', async () => {
    server.enqueue({ toolCalls: [{ id: 'call_1', name: 'weather', arguments: { city: 'Oslo', unit: 'celsius' } }] });
    const result = await generateText({ model: openai.chat('gpt-test'), tools: { weather }, prompt: 'Weather in Oslo?' });

    expect(result.finishReason).toBe('tool-calls');
    expect(result.toolCalls).toHaveLength(1);
    expect(result.toolCalls[0]).toMatchObject({ toolCallId: 'call_1', toolName: 'weather', input: { city: 'Oslo', unit: 'celsius' } });
    expect(server.modelCalls[0]?.tools).toEqual([expect.objectContaining({ name: 'weather', description: 'Get the current weather for a city' })]);
    expect(server.modelCalls[0]?.tools[0]?.parameters).toMatchObject({ type: 'object', required: ['city', 'unit'] });
  });

  it('shows the responder the tool results of a multi-step call', async () => {
    const lookup = tool({ inputSchema: z.object({ city: z.string() }), execute: ({ city }) => ({ city, temperature: 21 }) });
    server.enqueue({ toolCalls: [{ name: 'lookup', arguments: { city: 'Rome' } }] });
    server.respondWith((request) => {
      const result = request.messages.find((m) => m.role === 'tool')?.toolResult;
      return { text: `saw ${result?.content ?? 'nothing'}` };
    });
    const result = await generateText({ model: openai.chat('gpt-test'), tools: { lookup }, stopWhen: stepCountIs(3), prompt: 'Rome?' });

    expect(result.text).toBe('saw {"city":"Rome","temperature":21}');
    expect(server.modelCalls).toHaveLength(2);
    const assistant = server.modelCalls[1]?.messages.find((m) => m.role === 'assistant');
    expect(assistant?.toolCalls).toEqual([{ id: 'call_scripted_1_1', name: 'lookup', arguments: { city: 'Rome' } }]);
    expect(server.modelCalls[1]?.messages.at(-1)?.toolResult?.toolCallId).toBe('call_scripted_1_1');
  });

  it('streams text and tool calls as SSE chunks, with usage when asked', async () => {
    server.enqueue({ text: 'one two three', usage: { input: 4, output: 3 } });
    const stream = streamText({ model: openai.chat('gpt-test'), prompt: 'Count' });
    expect(await stream.text).toBe('one two three');
    expect((await stream.usage).outputTokens).toBe(3);
    expect(server.modelCalls[0]?.body['stream_options']).toEqual({ include_usage: true });

    server.enqueue({ toolCalls: [{ name: 'weather', arguments: { city: 'Lima', unit: 'celsius' } }] });
    const calls = streamText({ model: openai.chat('gpt-test'), tools: { weather }, prompt: 'Lima' });
    expect(await calls.toolCalls).toEqual([expect.objectContaining({ toolName: 'weather', input: { city: 'Lima', unit: 'celsius' } })]);
    expect(await calls.finishReason).toBe('tool-calls');
  });

  it('reports max-length output', async () => {
    server.enqueue({ text: 'cut', finishReason: 'length' });
    const result = await generateText({ model: openai.chat('gpt-test'), prompt: 'Write a lot' });
    expect(result.finishReason).toBe('length');
  });
});

describe('Anthropic Messages', () => {
  it('answers text with usage, the system prompt normalised into the messages', async () => {
    server.enqueue({ text: 'Bonjour', usage: { input: 9, output: 2 } });
    const result = await generateText({ model: anthropic('claude-sonnet-4-5'), system: 'Answer in French.', prompt: 'Say hello', maxOutputTokens: 64 });

    expect(result.text).toBe('Bonjour');
    expect(result.usage.inputTokens).toBe(9);
    expect(result.usage.outputTokens).toBe(2);
    expect(server.requests).toHaveLength(1);
    const [request] = server.modelCalls;
    expect(request).toMatchObject({ protocol: 'anthropic', path: '/v1/messages', model: 'claude-sonnet-4-5', maxTokens: 64 });
    expect(request?.messages).toEqual([
      { role: 'system', content: 'Answer in French.' },
      { role: 'user', content: 'Say hello' },
    ]);
    expect(request?.headers['x-api-key']).toBe('test');
    expect(request?.headers['anthropic-version']).toBeDefined();
  });

  it('returns tool_use blocks as tool calls, and normalises tool results', async () => {
    server.enqueue({ text: 'Let me check.', toolCalls: [{ id: 'toolu_1', name: 'weather', arguments: { city: 'Kyoto', unit: 'celsius' } }] });
    const first = await generateText({ model: anthropic('claude-sonnet-4-5'), tools: { weather }, prompt: 'Weather in Kyoto?' });
    expect(first.finishReason).toBe('tool-calls');
    expect(first.text).toBe('Let me check.');
    expect(first.toolCalls[0]).toMatchObject({ toolCallId: 'toolu_1', toolName: 'weather', input: { city: 'Kyoto', unit: 'celsius' } });
    expect(server.modelCalls[0]?.tools[0]).toMatchObject({ name: 'weather', parameters: { type: 'object' } });

    const lookup = tool({ inputSchema: z.object({ city: z.string() }), execute: () => 'sunny' });
    server.enqueue({ toolCalls: [{ name: 'lookup', arguments: { city: 'Kyoto' } }] }, { text: 'It is sunny.' });
    const second = await generateText({ model: anthropic('claude-sonnet-4-5'), tools: { lookup }, stopWhen: stepCountIs(3), prompt: 'Kyoto?' });
    expect(second.text).toBe('It is sunny.');
    const followUp = server.modelCalls.at(-1);
    expect(followUp?.messages.at(-1)).toMatchObject({ role: 'tool', toolResult: { toolCallId: 'toolu_scripted_2_1', content: 'sunny', isError: false } });
  });

  it('streams the message events', async () => {
    server.enqueue({ text: 'streamed words here', usage: { input: 3, output: 4 } });
    const stream = streamText({ model: anthropic('claude-sonnet-4-5'), prompt: 'Stream' });
    expect(await stream.text).toBe('streamed words here');
    expect((await stream.usage).inputTokens).toBe(3);
    expect((await stream.usage).outputTokens).toBe(4);

    server.enqueue({ toolCalls: [{ name: 'weather', arguments: { city: 'Cairo', unit: 'fahrenheit' } }] });
    const calls = streamText({ model: anthropic('claude-sonnet-4-5'), tools: { weather }, prompt: 'Cairo' });
    expect(await calls.toolCalls).toEqual([expect.objectContaining({ toolName: 'weather', input: { city: 'Cairo', unit: 'fahrenheit' } })]);
  });

  it('reports max_tokens as a length finish', async () => {
    server.enqueue({ text: 'cut', finishReason: 'length' });
    const result = await generateText({ model: anthropic('claude-sonnet-4-5'), prompt: 'Write a lot' });
    expect(result.finishReason).toBe('length');
  });
});

describe('OpenAI-compatible', () => {
  it('answers text and tool calls', async () => {
    server.enqueue({ text: 'compatible', usage: { input: 7, output: 1 } }, { toolCalls: [{ name: 'weather', arguments: { city: 'Quito', unit: 'celsius' } }] });
    const text = await generateText({ model: compatible('local-model'), prompt: 'Hi' });
    expect(text.text).toBe('compatible');
    expect(text.usage.inputTokens).toBe(7);

    const calls = await generateText({ model: compatible('local-model'), tools: { weather }, prompt: 'Quito' });
    expect(calls.toolCalls[0]).toMatchObject({ toolName: 'weather', input: { city: 'Quito', unit: 'celsius' } });
    expect(server.callCounts()).toEqual({ 'local-model': 2 });
  });
});

describe('provider errors and broken output', () => {
  it('answers 429 with retry-after, seen as a retryable APICallError', async () => {
    server.enqueue({ status: 429, retryAfter: 7 });
    const error = await failure(generateText({ model: openai.chat('gpt-test'), prompt: 'Hi', maxRetries: 0 }));

    expect(APICallError.isInstance(error)).toBe(true);
    const apiError = error as APICallError;
    expect(apiError.statusCode).toBe(429);
    expect(apiError.responseHeaders?.['retry-after']).toBe('7');
    expect(apiError.isRetryable).toBe(true);
    expect(JSON.parse(apiError.responseBody ?? '')).toMatchObject({ error: { type: 'requests', code: 'rate_limit_exceeded' } });
    expect(server.requests).toHaveLength(1);
  });

  it('answers errors in the Anthropic shape on the Messages endpoint', async () => {
    server.enqueue({ status: 429, retryAfter: 3, body: { type: 'error', error: { type: 'rate_limit_error', message: 'Slow down' } } }, { status: 529 });
    const limited = await failure(generateText({ model: anthropic('claude-sonnet-4-5'), prompt: 'Hi', maxRetries: 0 }));
    expect(APICallError.isInstance(limited) && limited.statusCode).toBe(429);
    expect((limited as APICallError).message).toBe('Slow down');

    const overloaded = await failure(generateText({ model: anthropic('claude-sonnet-4-5'), prompt: 'Hi', maxRetries: 0 }));
    expect(JSON.parse((overloaded as APICallError).responseBody ?? '')).toMatchObject({ type: 'error', error: { type: 'overloaded_error' } });
    expect(server.requests).toHaveLength(2);
  });

  it('answers 500 and 503, which the client retries as soon as retry-after allows', async () => {
    server.enqueue({ status: 500 });
    const error = await failure(generateText({ model: openai.chat('gpt-test'), prompt: 'Hi', maxRetries: 0 }));
    expect(APICallError.isInstance(error) && error.statusCode).toBe(500);

    server.enqueue({ status: 503, retryAfter: 0 }, { text: 'recovered' });
    const retried = await generateText({ model: openai.chat('gpt-test'), prompt: 'Hi', maxRetries: 1 });
    expect(retried.text).toBe('recovered');
    expect(server.callsFor('gpt-test')).toBe(3);
  });

  it('sends truncated JSON and non-JSON bodies verbatim, which the client rejects', async () => {
    server.enqueue({ raw: '{"id":"x","choi' }, { raw: '<html>Bad gateway</html>', status: 502, contentType: 'text/html' });
    const truncated = await failure(generateText({ model: openai.chat('gpt-test'), prompt: 'Hi', maxRetries: 0 }));
    expect(truncated).toBeInstanceOf(Error);
    const html = await failure(generateText({ model: openai.chat('gpt-test'), prompt: 'Hi', maxRetries: 0 }));
    expect(APICallError.isInstance(html) && html.statusCode).toBe(502);
    expect(server.requests).toHaveLength(2);
  });

  it('hangs up, and answers slowly enough for a client timeout', async () => {
    server.enqueue({ hangUp: true });
    expect(await failure(generateText({ model: openai.chat('gpt-test'), prompt: 'Hi', maxRetries: 0 }))).toBeInstanceOf(Error);

    server.enqueue({ text: 'too late', delayMs: 10_000 });
    const started = performance.now();
    const timedOut = await failure(generateText({ model: openai.chat('gpt-test'), prompt: 'Hi', maxRetries: 0, abortSignal: AbortSignal.timeout(100) }));
    expect(timedOut).toBeInstanceOf(Error);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(server.requests).toHaveLength(2);
  });

  it('answers a 500 naming the problem when the script runs out', async () => {
    server.enqueue({ text: 'only one' });
    await generateText({ model: openai.chat('gpt-test'), prompt: 'Hi' });
    const error = await failure(generateText({ model: openai.chat('gpt-test'), prompt: 'Hi again', maxRetries: 0 }));
    expect(APICallError.isInstance(error) && error.statusCode).toBe(500);
    expect((error as APICallError).message).toContain('the script ran out at request #2');
  });

  it('answers a 500 carrying the message when the responder throws', async () => {
    server.respondWith(() => {
      throw new Error('no such fixture');
    });
    const error = await failure(generateText({ model: anthropic('claude-sonnet-4-5'), prompt: 'Hi', maxRetries: 0 }));
    expect((error as APICallError).message).toContain('the responder threw at request #1');
    expect((error as APICallError).message).toContain('no such fixture');
  });
});

describe('strict request handling', () => {
  it('rejects malformed JSON with a 400 in each provider shape', async () => {
    const post = (path: string, body: string): Promise<Response> =>
      fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const openaiReply = await post('/v1/chat/completions', '{"model": "gpt-test", "messages": [');
    expect(openaiReply.status).toBe(400);
    expect(await openaiReply.json()).toMatchObject({ error: { type: 'invalid_request_error' } });

    const anthropicReply = await post('/v1/messages', 'not json');
    expect(anthropicReply.status).toBe(400);
    expect(await anthropicReply.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });

    const missingMaxTokens = await post('/v1/messages', JSON.stringify({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'Hi' }] }));
    expect(missingMaxTokens.status).toBe(400);
    expect(await missingMaxTokens.json()).toMatchObject({ error: { message: 'max_tokens: Field required' } });

    expect(server.requests.map((r) => r.body)).toEqual([
      '{"model": "gpt-test", "messages": [',
      'not json',
      expect.objectContaining({ model: 'claude-sonnet-4-5' }),
    ]);
    expect(server.modelCalls).toHaveLength(0);
    expect(server.pendingReplies).toBe(0);
  });

  it('lists models in the shape the asking client expects, and 404s unknown paths', async () => {
    server.enqueue({ text: 'x' });
    await generateText({ model: openai.chat('gpt-listed'), prompt: 'Hi' });
    const openaiList = await fetch(`${server.openaiBaseUrl}/models`);
    expect(await openaiList.json()).toMatchObject({ object: 'list', data: [{ id: 'gpt-listed', object: 'model' }] });
    const anthropicList = await fetch(`${server.anthropicBaseUrl}/models`, { headers: { 'anthropic-version': '2023-06-01' } });
    expect(await anthropicList.json()).toMatchObject({ data: [{ type: 'model', id: 'gpt-listed' }], has_more: false });
    const missing = await fetch(`${server.url}/v1/embeddings`, { method: 'POST', body: '{}' });
    expect(missing.status).toBe(404);
  });

  it('reset() forgets requests, counts and queued replies', async () => {
    server.enqueue({ text: 'a' }, { text: 'b' });
    await generateText({ model: openai.chat('gpt-test'), prompt: 'Hi' });
    server.reset();
    expect(server.requests).toHaveLength(0);
    expect(server.callCounts()).toEqual({});
    expect(server.pendingReplies).toBe(0);
  });
});

describe('the server itself', () => {
  it('listens on loopback, and closes with a delayed reply still pending', async () => {
    const own = await startScriptedModelServer({ replies: [{ text: 'never sent', delayMs: 60_000 }] });
    expect(own.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const pending = fetch(`${own.openaiBaseUrl}/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'Hi' }] }),
    }).catch((error: unknown) => error);
    await expect.poll(() => own.requests.length).toBe(1);
    await own.close();
    expect(await pending).toBeInstanceOf(Error);
  });
});
