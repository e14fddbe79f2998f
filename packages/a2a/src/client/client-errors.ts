/** The stable codes of the A2A client's errors (`ctx.a2a(...)` and the DSL's `call: a2a`). */
export const A2aClientErrorCode = {
  /** The remote task ended `failed` or `rejected` (details: taskId, contextId, state, text, task). */
  TaskFailed: 'BATON_A2A_TASK_FAILED',
  /** The remote agent answered with an A2A error (task not found, not cancelable, unsupported…): retrying will not help. */
  RemoteError: 'BATON_A2A_REMOTE_ERROR',
  /** The agent card or the agent could not be reached or answered nonsense (retried by the step). */
  AgentUnreachable: 'BATON_A2A_AGENT_UNREACHABLE',
  /** A message or option that cannot be sent: no text, data or parts; a part of an unknown kind. */
  InvalidMessage: 'BATON_A2A_INVALID_MESSAGE',
} as const;
export type A2aClientErrorCode = (typeof A2aClientErrorCode)[keyof typeof A2aClientErrorCode];
