/**
 * What a tool call answers about a run: its output once it completed, an MCP tool error (with Baton's
 * error code) when it failed or was cancelled, and otherwise where it stands and how to follow it.
 */
import { ErrorCode, isTerminalStatus, type RunInfo } from '@baton/core';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

/** A run as a tool result (the run as `get_run` and `wait_run` report it, or a workflow tool's output). */
export function runResult(run: RunInfo, view: 'output' | 'run'): CallToolResult {
  if (run.status === 'failed' || run.status === 'cancelled') {
    // An application error thrown without a code is named by its class (`Error`, `TypeError`).
    const code = run.error?.code ?? (run.status === 'cancelled' ? ErrorCode.Cancelled : (run.error?.name ?? 'Error'));
    const message = run.error?.message ?? `run ${run.id} ${run.status}`;
    return errorResult(code, message, { runId: run.id, status: run.status });
  }
  if (run.status === 'completed' && view === 'output') return jsonResult(run.output ?? null);
  const summary = runSummary(run);
  if (!isTerminalStatus(run.status)) {
    return {
      content: [
        { type: 'text', text: JSON.stringify(summary) },
        { type: 'text', text: `Run ${run.id} is ${run.status}; call wait_run or get_run with this runId to follow it.` },
      ],
      structuredContent: summary,
    };
  }
  return jsonResult(summary);
}

/** The fields of a run a tool caller needs (not its journal, not its internals). */
export function runSummary(run: RunInfo): Record<string, unknown> {
  return {
    runId: run.id,
    workflow: run.workflow,
    status: run.status,
    ...(run.output === undefined ? {} : { output: run.output }),
    ...(run.error === undefined ? {} : { error: { code: run.error.code, message: run.error.message } }),
    ...(run.progress === undefined ? {} : { progress: run.progress }),
    ...(run.waitingFor === undefined || run.waitingFor.signals.length === 0 ? {} : { waitingForSignals: run.waitingFor.signals }),
  };
}

/** A JSON value as text, and as structured content when it is an object (MCP's structuredContent is one). */
export function jsonResult(value: unknown): CallToolResult {
  const structured = typeof value === 'object' && value !== null && !Array.isArray(value) ? { structuredContent: value as Record<string, unknown> } : {};
  return { content: [{ type: 'text', text: JSON.stringify(value) }], ...structured };
}

export function errorResult(code: string, message: string, extra: Record<string, unknown> = {}): CallToolResult {
  return { content: [{ type: 'text', text: JSON.stringify({ code, message, ...extra }) }], isError: true };
}
