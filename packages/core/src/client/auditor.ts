/**
 * Audit entries of a client that acts for someone (`client.as(actor)`): a change is recorded in the
 * transaction that makes it; a refused or failed call, which changes nothing, is recorded on its own.
 * A client without an actor (workflow code, the engine) records nothing.
 */
import { ErrorCode, isBatonError } from '../errors/errors.js';
import { AUDIT_OK, type AuditEntry } from '../store/activity.js';
import type { Store } from '../store/store.js';
import type { Clock } from '../time/clock.js';
import { storableCopy } from '../util/text.js';

/** Who a client acts for. */
export interface Actor {
  /** Recorded as the actor of audit entries: an API key id, or a name such as 'cli'. */
  id: string;
  /**
   * The namespace the actor works in: its runs start there, and runs of other namespaces are not
   * found. Without it the client sees every namespace and starts runs in 'default'.
   */
  namespace?: string;
}

/** Marks an error the audit log already has an entry for (a property under a registered symbol, so it holds across package copies). */
const AUDITED = Symbol.for('baton.audited');

/**
 * Marks `error` as recorded in the audit log by the call that throws it, so a caller further out (the
 * HTTP API, which records the refusals a client never saw) does not record it again. Returns it.
 */
export function markAudited<T>(error: T): T {
  if (typeof error === 'object' && error !== null && Object.isExtensible(error)) Object.defineProperty(error, AUDITED, { value: true });
  return error;
}

/** Whether a call already recorded `error` in the audit log (see markAudited). */
export function isAudited(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[AUDITED] === true;
}

export class Auditor {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly actor: Actor | undefined;

  constructor(store: Store, clock: Clock, actor: Actor | undefined) {
    this.#store = store;
    this.#clock = clock;
    this.actor = actor;
  }

  /** The entry a successful call writes with its change (undefined without an actor). */
  entry(action: string, target: string, detail?: Record<string, unknown>, result = AUDIT_OK): AuditEntry | undefined {
    if (this.actor === undefined) return undefined;
    // A refused call's target may hold what no store can keep (that is why it was refused): recorded readably.
    const entry: AuditEntry = {
      actor: this.actor.id,
      namespace: this.actor.namespace ?? 'default',
      action,
      target: storableCopy(target),
      result,
      at: this.#clock.now(),
    };
    if (detail !== undefined) entry.detail = JSON.stringify(detail);
    return entry;
  }

  /** Runs `call` with its audit entry; a call that throws is recorded with its error code, then rethrown. */
  async run<T>(action: string, target: string, call: (audit: AuditEntry | undefined) => Promise<T>, detail?: Record<string, unknown>): Promise<T> {
    try {
      return await call(this.entry(action, target, detail));
    } catch (error) {
      await this.record(action, target, isBatonError(error) ? error.code : ErrorCode.StoreError, refusalDetail(error, detail));
      throw this.actor === undefined ? error : markAudited(error);
    }
  }

  /** Writes an entry on its own (a call that changed nothing). A failure to write it is not the caller's. */
  async record(action: string, target: string, result: string, detail?: Record<string, unknown>): Promise<void> {
    const entry = this.entry(action, target, detail, result);
    if (entry === undefined) return;
    try {
      await this.#store.appendAudit(entry);
    } catch {
      // The store failing here failed the call too; the call's own error is the one to report.
    }
  }
}

/** A refusal's entry keeps the paths of the fields a validation error names (not their values or messages). */
function refusalDetail(error: unknown, detail: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  const fields = isBatonError(error) ? error.details?.fields : undefined;
  if (!Array.isArray(fields)) return detail;
  const paths = fields.map((f: unknown) => (typeof f === 'object' && f !== null ? String((f as { path?: unknown }).path) : String(f)).slice(0, 200));
  return { ...detail, fields: [...new Set(paths)].slice(0, 20) };
}
