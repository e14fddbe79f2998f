// The demo responder behind the scripted model server, driven by the AI SDK's real clients: JSON
// that satisfies a requested schema (native structured output, the JSON tool, or a schema written
// into the prompt), a call to the tool the task names, text quoting the task, always the same reply
// for the same request.

import { createAnthropic, type AnthropicProvider } from '@ai-sdk/anthropic';
import { createOpenAI, type OpenAIProvider } from '@ai-sdk/openai';
import { createOpenAICompatible, type OpenAICompatibleProvider } from '@ai-sdk/openai-compatible';
import { demoResponder, sampleFromSchema, startScriptedModelServer, type ScriptedModelServer } from '@baton/ai/testing';
import { Output, generateText, stepCountIs, tool } from 'ai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';

let server: ScriptedModelServer;
let openai: OpenAIProvider;
let anthropic: AnthropicProvider;
let compatible: OpenAICompatibleProvider;

beforeAll(async () => {
  server = await startScriptedModelServer({ responder: demoResponder });
  openai = createOpenAI({ baseURL: server.openaiBaseUrl, apiKey: 'test' });
  anthropic = createAnthropic({ baseURL: server.anthropicBaseUrl, apiKey: 'test' });
  compatible = createOpenAICompatible({ name: 'local', baseURL: server.openaiBaseUrl });
});
afterAll(() => server.close());
beforeEach(() => server.reset());

const review = z.object({
  sentiment: z.enum(['positive', 'negative', 'neutral']),
  score: z.number().int().min(0).max(10),
  summary: z.string().min(3),
  tags: z.array(z.string()).min(1),
  urgent: z.boolean(),
  customer: z.object({ name: z.string(), email: z.email(), since: z.iso.date().optional() }),
  reply: z.string().nullable(),
});
const task = 'Classify this review: the blender broke after a week, a negative experience, 7 of 10 customers agree.';

const forecastInput = z.object({ city: z.string(), days: z.number().int().min(1).max(7), unit: z.enum(['celsius', 'fahrenheit']) });
const tools = {
  searchWeb: tool({ description: 'Search the web for pages', inputSchema: z.object({ query: z.string() }) }),
  getWeather: tool({ description: 'Get the weather forecast for a city', inputSchema: forecastInput }),
};

describe('structured output', () => {
  it('answers OpenAI response_format json_schema with JSON satisfying the schema, echoing the task', async () => {
    const result = await generateText({ model: openai.chat('gpt-demo'), output: Output.object({ schema: review }), prompt: task });
    expect(review.parse(result.output)).toMatchObject({ sentiment: 'negative', score: 7, urgent: false, reply: expect.any(String) });
    expect(result.output.summary).toContain('Classify this review');
    expect(server.modelCalls[0]?.responseSchema).toMatchObject({ type: 'object' });
    expect(server.requests).toHaveLength(1);
  });

  it('answers Anthropic output_config.format and the JSON response tool alike', async () => {
    const native = await generateText({ model: anthropic('claude-sonnet-4-5'), output: Output.object({ schema: review }), prompt: task });
    expect(review.parse(native.output).sentiment).toBe('negative');
    expect(server.modelCalls[0]?.responseSchema).toBeDefined();

    const viaTool = await generateText({ model: anthropic('claude-sonnet-4-20250514'), output: Output.object({ schema: review }), prompt: task });
    expect(review.parse(viaTool.output).score).toBe(7);
    expect(server.modelCalls[1]?.tools.map((t) => t.name)).toEqual(['json']);
    expect(server.requests).toHaveLength(2);
  });

  it('answers with JSON when a prompt embeds a JSON Schema, without reading the schema as the task', async () => {
    const prompt = `${task}\nReply with JSON matching this JSON Schema:\n${JSON.stringify(z.toJSONSchema(review))}`;
    for (const model of [compatible('local-demo'), anthropic('claude-sonnet-4-5')]) {
      const result = await generateText({ model, prompt });
      const parsed = review.parse(JSON.parse(result.text));
      expect(parsed.sentiment).toBe('negative');
      expect(parsed.summary).not.toContain('{');
    }

    const inSystem = await generateText({
      model: openai.chat('gpt-demo'),
      system: `Answer as JSON per ${JSON.stringify(z.toJSONSchema(review))}`,
      prompt: 'Great blender, positive!',
    });
    expect(review.parse(JSON.parse(inSystem.text)).sentiment).toBe('positive');
  });

  it('generates values for recursive, optional and formatted schemas', () => {
    interface Category {
      name: string;
      children: Category[];
    }
    const category: z.ZodType<Category> = z.object({
      name: z.string(),
      get children() {
        return z.array(category);
      },
    });
    const shapes = z.object({
      tree: category,
      choice: z.union([z.object({ kind: z.literal('a'), a: z.number() }), z.object({ kind: z.literal('b') })]),
      code: z.string().regex(/^[a-z]+$/),
      id: z.uuid(),
      at: z.iso.datetime(),
      pair: z.tuple([z.string(), z.number()]),
      ratio: z.number().gt(0).lt(1),
      few: z.array(z.number()).min(3),
      none: z.array(z.string()).max(0),
      note: z.string().max(4).optional(),
    });
    const value = sampleFromSchema(z.toJSONSchema(shapes) as Record<string, unknown>, 'Plan 12 things');
    expect(shapes.parse(value)).toMatchObject({ few: [12, 12, 12], choice: { kind: 'a', a: 12 } });
  });
});

describe('tool calls', () => {
  it('calls the tool that matches the task, with arguments satisfying its schema', async () => {
    for (const model of [openai.chat('gpt-demo'), anthropic('claude-sonnet-4-5'), compatible('local-demo')]) {
      const result = await generateText({ model, tools, prompt: 'What will the weather be in Paris for the next 3 days?' });
      expect(result.toolCalls).toHaveLength(1);
      const [call] = result.toolCalls;
      expect(call?.toolName).toBe('getWeather');
      expect(forecastInput.parse(call?.input)).toMatchObject({ days: 3, unit: 'celsius' });
    }
    expect(server.requests).toHaveLength(3);
  });

  it('answers with text quoting the task once the tool has answered', async () => {
    const executing = {
      getWeather: tool({ ...tools.getWeather, execute: ({ city }) => `Sunny in ${city}` }),
    };
    const result = await generateText({ model: openai.chat('gpt-demo'), tools: executing, stopWhen: stepCountIs(5), prompt: 'Weather in Paris for 2 days?' });
    expect(result.steps).toHaveLength(2);
    expect(result.text).toBe('[demo model] Done: "Weather in Paris for 2 days?". Tool results: getWeather → Sunny in Paris.');
    expect(server.requests).toHaveLength(2);
  });

  it('honours a forced tool choice and tool choice none', async () => {
    const forced = await generateText({
      model: anthropic('claude-sonnet-4-5'),
      tools,
      toolChoice: { type: 'tool', toolName: 'searchWeb' },
      prompt: 'Weather in Paris?',
    });
    expect(forced.toolCalls.map((c) => c.toolName)).toEqual(['searchWeb']);
    const none = await generateText({ model: openai.chat('gpt-demo'), tools, toolChoice: 'none', prompt: 'Weather in Paris?' });
    expect(none.toolCalls).toHaveLength(0);
    expect(none.text).toBe('[demo model] You asked: "Weather in Paris?".');
  });
});

describe('text and determinism', () => {
  it('quotes the task', async () => {
    const result = await generateText({ model: anthropic('claude-sonnet-4-5'), system: 'You are terse.', prompt: 'Summarise   the\nquarterly report' });
    expect(result.text).toBe('[demo model] You asked: "Summarise the quarterly report".');
  });

  it('gives the same reply to the same request', async () => {
    const ask = () => generateText({ model: openai.chat('gpt-demo'), tools, prompt: 'Search the web for durable workflows' });
    const [first, second] = [await ask(), await ask()];
    expect(first.toolCalls[0]?.toolName).toBe('searchWeb');
    expect(second.toolCalls).toEqual(first.toolCalls);

    const json = () => generateText({ model: openai.chat('gpt-demo'), output: Output.object({ schema: review }), prompt: task });
    expect((await json()).text).toBe((await json()).text);
    expect(server.callsFor('gpt-demo')).toBe(4);
  });
});
