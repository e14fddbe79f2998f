/**
 * What happened, as the store records it: the audit log (who changed what through a client with an
 * actor, written in the transaction of the change) and the change feed (every run status change and
 * journal entry, written by the store itself, read by live-update streams).
 */

/** One audited call. */
export interface AuditEntry {
  /** Who: an API key id, or a name such as 'cli'. */
  actor: string;
  /** The actor's namespace. */
  namespace: string;
  /** What: 'run.start', 'run.signal', 'run.cancel', 'schedule.pause', 'key.create', … */
  action: string;
  /** The id acted on: a run, schedule, event or key id. */
  target: string;
  /** 'ok', or the error code the call failed with. */
  result: string;
  /** More about the call, as JSON text (a signal's name, a start that found its run existing). */
  detail?: string;
  at: number;
}

export interface AuditRecord extends AuditEntry {
  id: number;
}

export interface AuditFilter {
  namespace?: string;
  actor?: string;
  action?: string;
  target?: string;
  result?: string;
  /** Only entries at or after / before this time. */
  since?: number;
  until?: number;
  /** Only entries older than this id (the previous page's last id). */
  before?: number;
  /** At most this many, newest first. */
  limit: number;
}

/** One change to a run: its status changed, or a journal entry was written. */
export interface ChangeRecord {
  /** Opaque, ordered position in the feed: read on from it with `listChanges({ after })`. */
  cursor: string;
  runId: string;
  workflow: string;
  namespace: string;
  kind: 'run' | 'entry';
  /** The run's new status, or the entry's status ('completed' or 'failed'). */
  status: string;
  /** For entries: the journal position, the operation's name and kind. */
  seq?: number;
  name?: string;
  entryKind?: string;
  at: number;
}

export interface ChangeFilter {
  /** A cursor from an earlier read; without it, the feed is read from its oldest kept change. */
  after?: string;
  namespace?: string;
  runId?: string;
  workflow?: string;
  limit: number;
}

export interface ChangePage {
  changes: ChangeRecord[];
  /** Where the next read starts (past changes the filter left out, too). */
  cursor: string;
  /**
   * True when changes after `after` were pruned before they were read: the reader missed some and
   * should reload the state it shows.
   */
  gap: boolean;
}

export const AUDIT_OK = 'ok';
