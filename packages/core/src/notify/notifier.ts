/**
 * The seam through which the engine and the server tell people that something happened (an alert fired
 * or resolved, a person's task escalated): named channels of the deployment's configuration, delivered
 * by an implementation the composition root gives the engine (EngineOptions.notifier).
 */

/** How urgent a notification is. */
export const Severity = { Info: 'info', Warning: 'warning', Critical: 'critical' } as const;
export type Severity = (typeof Severity)[keyof typeof Severity];

/** One message to people or systems, the same whichever channel carries it. */
export interface Notification {
  /** Stable id: sending the same notification again carries the same id, so receivers can deduplicate. */
  id: string;
  /** What it is about, for receivers that route on it: 'alert.firing', 'alert.repeat', 'alert.resolved', 'escalation'… */
  kind: string;
  severity: Severity;
  /** One line, e.g. "Failure rate of invoice-approval above 5% (12%)". */
  title: string;
  /** Plain text a person reads: what happened, to what, and what to do next. */
  text: string;
  /** When it happened (ms since the epoch, the engine's clock). */
  at: number;
  namespace?: string;
  workflow?: string;
  runId?: string;
  /** A link to the dashboard page that shows it, when the deployment knows its public address. */
  url?: string;
  /** Structured details for machine receivers (a webhook body's `data`). */
  data: Record<string, unknown>;
}

/** What happened when one channel was asked to carry a notification. */
export interface ChannelOutcome {
  channel: string;
  delivered: boolean;
  /** Why it was not delivered (after the channel's own retries). */
  error?: string;
}

/**
 * Delivers notifications to named channels. Implementations never throw for a channel's failure: each
 * channel's outcome is returned (and logged), so one broken channel never stops the others or the caller.
 */
export interface Notifier {
  /** The channel names this notifier knows. */
  channels(): string[];
  notify(channels: readonly string[], notification: Notification): Promise<ChannelOutcome[]>;
}
