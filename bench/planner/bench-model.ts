/**
 * Which model the planner benchmark asks. `--model provider:model`, else BATON_AI_MODEL, each with
 * the providers the environment configures (OPENAI_API_KEY, ANTHROPIC_API_KEY, OLLAMA_BASE_URL…).
 * With neither, Baton's local scripted model: a scripted model server on loopback answering with
 * `plannerResponder`, a deterministic rule-based planner, reached through the OpenAI wire protocol
 * as any OpenAI-compatible model would be.
 */
import { configureAI } from '@baton/ai';
import { startScriptedModelServer } from '@baton/ai/testing';
import { plannerResponder } from '@baton/dsl/testing';
import { scriptedModelProvider } from '../../examples/ai-model.js';

/** The name the local scripted model answers to. */
export const LOCAL_MODEL = 'local:planner-responder';

export interface BenchModel {
  /** `provider:model` asked. */
  readonly model: string;
  /** True for the local scripted model. */
  readonly scripted: boolean;
  close(): Promise<void>;
}

export async function benchModel(flag: string | undefined, env: Record<string, string | undefined> = process.env): Promise<BenchModel> {
  const named = flag ?? (env['BATON_AI_MODEL']?.trim() || undefined);
  if (named !== undefined) {
    configureAI({ env, defaultModel: named });
    return { model: named, scripted: false, close: () => Promise.resolve() };
  }
  const server = await startScriptedModelServer({ host: '127.0.0.1', responder: plannerResponder });
  configureAI({ env, defaultModel: LOCAL_MODEL, providers: { local: scriptedModelProvider(server.openaiBaseUrl) } });
  return { model: LOCAL_MODEL, scripted: true, close: () => server.close() };
}
