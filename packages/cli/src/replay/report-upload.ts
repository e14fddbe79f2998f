/**
 * Sends what a replay check found to a Baton server (POST /api/replays), from a process that holds
 * the candidate code: `baton replay --report CANDIDATE`, or a worker's own check. The server keeps at
 * most MAX_REPLAY_RESULTS runs per report and a bounded body, so a long check goes as several
 * reports of the same candidate; texts longer than the server keeps are shortened (with an ellipsis).
 */
import { MAX_REPLAY_RESULTS, REPLAY_TEXT_LIMITS, type ReplayResult } from '@baton/core';
import { ApiClient, type ApiReplayResult } from '@baton/server/client';

export interface ReplayUploadOptions {
  /** The server, e.g. http://127.0.0.1:7070. */
  url: string;
  /** An operator's or an admin's API key. */
  key?: string;
  /** What code was checked: a commit, a build or a release name. */
  candidate: string;
  /** What `replayRun` answered, one per run. */
  results: readonly ReplayResult[];
  /** Largest body of one report, in bytes (default 512 KiB, well under the server's default 1 MiB limit). */
  maxReportBytes?: number;
  /** Per request. Default 30 s. */
  timeoutMs?: number;
}

export interface ReplayUpload {
  /** The checks the server kept, one per report sent, in order. */
  checks: { id: string; summary: { runs: number; ok: number; diverged: number } }[];
  /** Their counts together. */
  summary: { runs: number; ok: number; diverged: number };
}

/** Sends the results as one report or, past the server's limits, several; throws the server's BatonError when one is refused. */
export async function uploadReplayReport(options: ReplayUploadOptions): Promise<ReplayUpload> {
  const api = new ApiClient({
    url: options.url,
    ...(options.key === undefined ? {} : { key: options.key }),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  });
  const candidate = clip(options.candidate, REPLAY_TEXT_LIMITS.candidate);
  const checks: ReplayUpload['checks'] = [];
  for (const batch of batches(options.results.map(fitted), options.maxReportBytes ?? 512 * 1024)) checks.push(await api.replays.report(candidate, batch));
  const summary = { runs: 0, ok: 0, diverged: 0 };
  for (const check of checks) {
    summary.runs += check.summary.runs;
    summary.ok += check.summary.ok;
    summary.diverged += check.summary.diverged;
  }
  return { checks, summary };
}

/** Consecutive results, each batch at most MAX_REPLAY_RESULTS and (but for a single result) at most `maxBytes` as JSON. */
function* batches(results: ApiReplayResult[], maxBytes: number): Generator<ApiReplayResult[]> {
  let batch: ApiReplayResult[] = [];
  let bytes = 0;
  for (const result of results) {
    const size = Buffer.byteLength(JSON.stringify(result)) + 1;
    if (batch.length > 0 && (batch.length === MAX_REPLAY_RESULTS || bytes + size > maxBytes)) {
      yield batch;
      batch = [];
      bytes = 0;
    }
    batch.push(result);
    bytes += size;
  }
  if (batch.length > 0) yield batch;
}

/** The result with every text within what the server keeps. */
function fitted(result: ReplayResult): ApiReplayResult {
  const L = REPLAY_TEXT_LIMITS;
  const base = { runId: result.runId, workflow: clip(result.workflow, L.workflow), version: clip(result.version, L.version), positions: result.positions };
  if (result.ok) return { ...base, ok: true, ended: result.ended };
  const d = result.divergence;
  return {
    ...base,
    ok: false,
    divergence: {
      seq: d.seq,
      journaled: clip(d.journaled, L.journaled),
      requested: clip(d.requested, L.requested),
      code: clip(d.code, L.code),
      message: clip(d.message, L.message),
      ...(d.source === undefined ? {} : { source: clip(d.source, L.source) }),
    },
  };
}

function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  // Not splitting a surrogate pair: a lone half is text no store can keep.
  let end = max - 1;
  if (/[\ud800-\udbff]/.test(text.charAt(end - 1))) end -= 1;
  return `${text.slice(0, end)}…`;
}
