/**
 * Events an engine emits about the runs it executes, each after the write that made it durable.
 * They feed progress output, live updates and metrics; they are local to the executing engine.
 */
export interface EventError {
  name: string;
  message: string;
  code?: string;
}

/**
 * What an engine event is about, besides its own fields: the namespace of its run (set on every event
 * an engine emits; optional so listeners' own events may leave it out).
 */
export interface EngineEventScope {
  namespace?: string;
}

export type EngineEvent = EngineEventScope &
  (
    | { type: 'run.started'; runId: string; workflow: string; claims: number }
    | { type: 'step.completed'; runId: string; workflow: string; step: string; seq: number; attempts: number; durationMs: number }
    | { type: 'step.failed'; runId: string; workflow: string; step: string; seq: number; attempt: number; error: EventError; retryInMs?: number }
    | { type: 'run.progress'; runId: string; workflow: string; progress: unknown }
    | { type: 'signal.received'; runId: string; workflow: string; signal: string; seq: number }
    | { type: 'run.suspended'; runId: string; workflow: string; wakeAt?: number; signals: string[]; children: string[] }
    | { type: 'run.compensating'; runId: string; workflow: string; steps: string[] }
    | { type: 'compensation.completed'; runId: string; workflow: string; step: string; seq: number; ok: boolean }
    // `durationMs` of a run's end: from its first start to its end, on the engine's clock.
    | { type: 'run.completed'; runId: string; workflow: string; durationMs: number }
    | { type: 'run.failed'; runId: string; workflow: string; error: EventError; durationMs: number }
    | { type: 'run.cancelled'; runId: string; workflow: string; durationMs: number }
    | { type: 'run.continued'; runId: string; workflow: string; nextRunId: string; durationMs: number }
    | { type: 'run.released'; runId: string; workflow: string }
  );

export type EngineEventListener = (event: EngineEvent) => void;
