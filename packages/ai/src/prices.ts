/**
 * What model calls cost: US dollars per million tokens in and out, by `provider:model`. The built-in
 * table is a starting point (list prices when it was written); give your own with
 * `configureAI({ prices })`. A model without a price costs 0 and is marked unpriced.
 */
export interface ModelPrice {
  inputPerMTok: number;
  outputPerMTok: number;
}

export const DEFAULT_PRICES: Record<string, ModelPrice> = {
  'openai:gpt-4o': { inputPerMTok: 2.5, outputPerMTok: 10 },
  'openai:gpt-4o-mini': { inputPerMTok: 0.15, outputPerMTok: 0.6 },
  'openai:gpt-4.1': { inputPerMTok: 2, outputPerMTok: 8 },
  'openai:gpt-4.1-mini': { inputPerMTok: 0.4, outputPerMTok: 1.6 },
  'openai:gpt-4.1-nano': { inputPerMTok: 0.1, outputPerMTok: 0.4 },
  'anthropic:claude-3-5-haiku-latest': { inputPerMTok: 0.8, outputPerMTok: 4 },
  'anthropic:claude-3-5-sonnet-latest': { inputPerMTok: 3, outputPerMTok: 15 },
  'anthropic:claude-sonnet-4-0': { inputPerMTok: 3, outputPerMTok: 15 },
  'anthropic:claude-opus-4-0': { inputPerMTok: 15, outputPerMTok: 75 },
};

/** The cost of a call in US dollars, or undefined when the model has no price. */
export function callCost(prices: Map<string, ModelPrice>, model: string, inputTokens: number, outputTokens: number): number | undefined {
  const price = prices.get(model);
  if (price === undefined) return undefined;
  return (inputTokens * price.inputPerMTok + outputTokens * price.outputPerMTok) / 1_000_000;
}
