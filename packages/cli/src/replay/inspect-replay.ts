/**
 * The replay debugger: replays one run under Node's inspector and stops at each journaled position,
 * with the position in scope and the workflow's own code on the call stack, so a developer can step
 * through the run as its journal answers it and see where the code parts from it.
 */
import inspector from 'node:inspector';
import { defaultPayloadCodec, replayRun, type AnyWorkflow, type JournalEntry, type ReplayInput, type ReplayResult } from '@baton/core';
import type { Io } from '../command.js';
import { UsageError } from '../errors.js';

/** What the debugger shows at a stop: the journaled position, its result decoded. */
export interface InspectedPosition {
  seq: number;
  kind: string;
  name: string;
  status: string;
  /** The result the journal answers there (undefined for a failure). */
  output?: unknown;
  error?: { name: string; message: string; code?: string };
}

/** `--inspect[=[HOST:]PORT]`: loopback by default; port 0 picks a free one. */
export function parseInspectAddress(value: string | undefined): { host: string; port: number } {
  if (value === undefined || value === '' || value === 'true') return { host: '127.0.0.1', port: 9229 };
  const match = /^(?:(.+):)?(\d{1,5})$/.exec(value);
  const port = match === null ? Number.NaN : Number(match[2]);
  if (match === null || port > 65_535) throw new UsageError(`--inspect takes [HOST:]PORT, e.g. 127.0.0.1:9229, not '${value}'.`, 'replay');
  return { host: match[1] ?? '127.0.0.1', port };
}

function position(entry: JournalEntry): InspectedPosition {
  const shown: InspectedPosition = { seq: entry.seq, kind: entry.kind, name: entry.name, status: entry.status };
  if (entry.status === 'failed' && entry.error !== undefined) {
    shown.error = { name: entry.error.name, message: entry.error.message, ...(entry.error.code === undefined ? {} : { code: entry.error.code }) };
  } else {
    try {
      shown.output = defaultPayloadCodec.decode(entry.output);
    } catch {
      shown.output = entry.output;
    }
  }
  return shown;
}

/**
 * Opens the inspector at `address`, waits for a debugger to attach, then replays the run, pausing
 * (a `debugger` statement) at each journaled position and once more at the verdict.
 */
export async function inspectReplay(workflow: AnyWorkflow, history: ReplayInput, address: { host: string; port: number }, io: Io): Promise<ReplayResult> {
  inspector.open(address.port, address.host);
  try {
    io.err(`baton: replay debugger for run ${history.run.id} ('${history.run.workflow}' version ${workflow.version}) at ${inspector.url() ?? ''}`);
    io.err('baton: attach a debugger (chrome://inspect, or your editor’s "attach to Node"); it stops at each journaled position.');
    inspector.waitForDebugger();
    const result = await replayRun(workflow, history, {
      onReplayed: (_seq, entry) => {
        // The journal is about to answer this position: `journaled` is what it answers, and the
        // frames below are the workflow's code that asked for it.
        const journaled = position(entry);
        debugger; // eslint-disable-line no-debugger
        void journaled;
      },
      // A debugger holds the process while the developer looks: waiting for more code is not a stall.
      stallMs: 24 * 60 * 60 * 1000,
    });
    // The verdict: `result.ok`, or `result.divergence` (the position where the code parts from the journal).
    debugger; // eslint-disable-line no-debugger
    return result;
  } finally {
    inspector.close();
  }
}
