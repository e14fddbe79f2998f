/** The stable codes of @baton/ai's errors. */
export const AiErrorCode = {
  /** A model name that names no configured provider, or a provider without what it needs (a key). */
  ModelNotConfigured: 'BATON_MODEL_NOT_CONFIGURED',
  /** Every model of the chain failed (the cause is the last failure; `details.attempts` has them all). */
  LlmFailed: 'BATON_LLM_FAILED',
  /** The model's output never passed the schema, re-asked as often as allowed. */
  LlmInvalidOutput: 'BATON_LLM_INVALID_OUTPUT',
  /** The run's cost or token budget would be exceeded by the next model call. */
  BudgetExceeded: 'BATON_BUDGET_EXCEEDED',
  /** An agent used all its turns without a final answer. */
  AgentMaxTurns: 'BATON_AGENT_MAX_TURNS',
} as const;
export type AiErrorCode = (typeof AiErrorCode)[keyof typeof AiErrorCode];
