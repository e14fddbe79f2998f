/**
 * `call: baton.llm` with `{ prompt, system?, model?, schema?, budget? }`: one model call through
 * `ctx.llm` (one journaled step: a replay never pays for it again). `schema` (a JSON Schema) asks for
 * structured output, validated and re-asked by @baton/ai; `budget` ({ maxCostUsd?, maxTokens? })
 * refuses the call when its estimate is over. The output is `{ text, object?, model, usage, costUsd,
 * cached }` (`object` with a schema).
 */
import '@baton/ai';
import { stepName } from '../../runtime/run-frame.js';
import type { BatonCall } from './baton-function.js';
import { assertNotInBranch, modelFault, modelOptions, textArgument } from './model-options.js';

const CALL = 'call: baton.llm';

export const llmCall: BatonCall = async ({ args, frame, site }) => {
  assertNotInBranch(site, CALL);
  const options = modelOptions(args, CALL);
  const prompt = textArgument(args.prompt, 'prompt', CALL);
  const system = args.system === undefined ? undefined : textArgument(args.system, 'system', CALL);
  try {
    const result = await frame.ctx.llm({ name: stepName(site), prompt, ...(system === undefined ? {} : { system }), ...options });
    return {
      text: result.text,
      ...(result.object === undefined ? {} : { object: result.object }),
      model: result.model,
      usage: result.usage,
      costUsd: result.costUsd,
      cached: result.cached,
    };
  } catch (error) {
    throw modelFault(error, CALL);
  }
};
