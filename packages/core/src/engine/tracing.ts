/**
 * OpenTelemetry spans of run executions and step attempts, on the OpenTelemetry API alone: until an
 * application registers an SDK, every call here is a no-op. A run execution (one claim of a run) is a
 * root span; each step attempt is its child, and the step function runs with the step's span active,
 * so spans the step makes itself (an instrumented HTTP call) join the trace.
 *
 * Attributes are set only on recording spans, and contexts are built only when a span has a valid
 * context: with no SDK, a step costs two no-op calls.
 */
import {
  ROOT_CONTEXT,
  SpanStatusCode,
  context,
  isSpanContextValid,
  trace,
  type Context,
  type Span,
  type Tracer,
  type TracerProvider,
} from '@opentelemetry/api';
import type { RunRecord } from '../store/records.js';

export const TRACER_NAME = '@baton/core';

/** The attribute names of Baton's spans. */
export const SpanAttribute = {
  RunId: 'baton.run.id',
  Workflow: 'baton.workflow',
  WorkflowVersion: 'baton.workflow.version',
  /** Which claim of the run this execution is (1 for its first). */
  RunAttempt: 'baton.run.attempt',
  /** How the execution ended: completed, failed, cancelled, suspended, released, continued, lease-lost. */
  RunOutcome: 'baton.run.outcome',
  StepName: 'baton.step.name',
  StepSeq: 'baton.step.seq',
  StepAttempt: 'baton.step.attempt',
} as const;

/** The tracer of an engine, fetched once (the global provider's tracer follows an SDK registered later). */
export function engineTracer(provider?: TracerProvider): Tracer {
  return (provider ?? trace.getTracerProvider()).getTracer(TRACER_NAME);
}

/** The span of one run execution, and the context its step spans are children of. */
export class RunTrace {
  readonly span: Span;
  readonly #tracer: Tracer;
  readonly #attributes: { [SpanAttribute.RunId]: string; [SpanAttribute.Workflow]: string };
  #context: Context | undefined;

  constructor(tracer: Tracer, run: RunRecord) {
    this.#tracer = tracer;
    // A root span: the engine's tick may run in any context (a step that started another run).
    this.span = tracer.startSpan(`run ${run.workflow}`, { root: true });
    this.#attributes = { [SpanAttribute.RunId]: run.id, [SpanAttribute.Workflow]: run.workflow };
    if (this.span.isRecording()) {
      this.span.setAttributes({ ...this.#attributes, [SpanAttribute.WorkflowVersion]: run.version, [SpanAttribute.RunAttempt]: run.claims });
    }
  }

  /** Starts the span of a step attempt (`name` is the journal name: `compensate:x` for a compensation). */
  startStep(name: string, seq: number, attempt: number): Span {
    if (!isSpanContextValid(this.span.spanContext())) return this.span; // no SDK: the run's no-op span serves
    this.#context ??= trace.setSpan(ROOT_CONTEXT, this.span);
    const span = this.#tracer.startSpan(`step ${name}`, undefined, this.#context);
    if (span.isRecording()) {
      span.setAttributes({ ...this.#attributes, [SpanAttribute.StepName]: name, [SpanAttribute.StepSeq]: seq, [SpanAttribute.StepAttempt]: attempt });
    }
    return span;
  }

  /** Calls `fn` with `span` as the active span (at once when there is nothing to propagate). */
  runIn<T>(span: Span, fn: () => T): T {
    if (span === this.span || !isSpanContextValid(span.spanContext())) return fn();
    return context.with(trace.setSpan(this.#context ?? ROOT_CONTEXT, span), fn);
  }

  /** Ends a step attempt's span, failed with `error` unless the attempt succeeded. */
  endStep(span: Span, ok: boolean, error?: unknown): void {
    if (span === this.span) return;
    if (!ok) failSpan(span, error);
    span.end();
  }

  /** Records how the execution ended (an outcome attribute; a failure also sets the error status). */
  outcome(outcome: string, error?: unknown): void {
    if (!this.span.isRecording()) return;
    this.span.setAttribute(SpanAttribute.RunOutcome, outcome);
    if (error !== undefined) failSpan(this.span, error);
  }

  end(): void {
    this.span.end();
  }
}

function failSpan(span: Span, error: unknown): void {
  if (!span.isRecording()) return;
  if (error instanceof Error) span.recordException(error);
  else if (typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string') {
    // A stored error (name, message, code), as the journal keeps it.
    const { name, message, code } = error as { name?: unknown; message: string; code?: unknown };
    span.recordException({ message, ...(typeof name === 'string' ? { name } : {}), ...(typeof code === 'string' ? { code } : {}) });
  } else span.recordException(String(error));
  span.setStatus({ code: SpanStatusCode.ERROR, message: errorText(error) });
}

function errorText(error: unknown): string {
  if (typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string')
    return (error as { message: string }).message;
  return String(error);
}
