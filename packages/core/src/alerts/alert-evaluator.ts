/**
 * Evaluates every alert rule each interval, in one process at a time: the process that holds the
 * store's 'alerts' leadership row (renewed each round, taken over when its holder's term ends). Each
 * rule fires once when its condition becomes true, repeats on its schedule while firing, and resolves
 * when false; each transition is recorded against the rule's state version, so even two evaluators
 * that both believe they lead record it once, and only the one that recorded it tells the channels.
 */
import type { Store } from '../store/store.js';
import type { AlertRuleRecord, AlertState, AlertTransitionKind, AlertTransitionRecord } from '../store/alert-store.js';
import type { Notifier } from '../notify/notifier.js';
import { systemClock, type Clock, type TimerHandle } from '../time/clock.js';
import { defaultLogger, type Logger } from '../engine/logger.js';
import { alertNotification } from './alert-notification.js';

/** The name of the leadership row alert evaluation holds. */
export const ALERTS_LEADERSHIP = 'alerts';

export interface AlertEvaluatorOptions {
  store: Store;
  /** Who this evaluator is in the leadership row (an engine id, host:pid…); unique per process. */
  holder: string;
  /** Delivers transitions to the rules' channels; without one, transitions are only recorded. */
  notifier?: Notifier;
  clock?: Clock;
  logger?: Logger;
  /** How often rules are evaluated. Default 15 s. */
  intervalMs?: number;
  /** How long a leadership term lasts without renewal. Default three intervals. */
  leadershipMs?: number;
}

export class AlertEvaluator {
  readonly #store: Store;
  readonly #holder: string;
  readonly #notifier: Notifier | undefined;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #intervalMs: number;
  readonly #leadershipMs: number;
  #timer: TimerHandle | undefined;
  #round: Promise<unknown> | undefined;
  #stopped = true;

  constructor(options: AlertEvaluatorOptions) {
    this.#store = options.store;
    this.#holder = options.holder;
    this.#notifier = options.notifier;
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger ?? defaultLogger;
    this.#intervalMs = options.intervalMs ?? 15_000;
    this.#leadershipMs = options.leadershipMs ?? this.#intervalMs * 3;
  }

  get intervalMs(): number {
    return this.#intervalMs;
  }

  /** Evaluates now and then every interval, until `stop`. */
  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#tick();
  }

  /** Stops evaluating, waits for a round under way, and gives the leadership up. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#timer?.cancel();
    await this.#round?.catch(() => undefined);
    await this.#store.releaseLeadership(ALERTS_LEADERSHIP, this.#holder).catch(() => undefined);
  }

  #tick(): void {
    if (this.#stopped) return;
    this.#round = this.evaluate()
      .catch((error: unknown) => this.#logger.error({ err: error }, 'evaluating alert rules failed; trying again at the next interval'))
      .finally(() => {
        this.#round = undefined;
        if (!this.#stopped) this.#timer = this.#clock.setTimer(this.#intervalMs, () => this.#tick());
      });
  }

  /**
   * One round: when this evaluator leads (or takes the lead), measures every enabled rule, records the
   * transitions due and tells their channels. Returns the transitions it recorded (none when another
   * process leads).
   */
  async evaluate(): Promise<AlertTransitionRecord[]> {
    const now = this.#clock.now();
    if (!(await this.#store.acquireLeadership(ALERTS_LEADERSHIP, this.#holder, this.#leadershipMs, now))) return [];
    const [rules, states] = await Promise.all([this.#store.listAlertRules(), this.#store.listAlertStates()]);
    const stateOf = new Map(states.map((s) => [s.ruleId, s]));
    const recorded: AlertTransitionRecord[] = [];
    const deliveries: Promise<void>[] = [];
    for (const rule of rules) {
      if (!rule.enabled) continue;
      try {
        const transition = await this.#evaluateRule(rule, stateOf.get(rule.id), now);
        if (transition === undefined) continue;
        recorded.push(transition);
        deliveries.push(this.#deliver(rule, transition));
      } catch (error) {
        this.#logger.error({ err: error, rule: rule.id }, `evaluating the alert rule '${rule.id}' failed; it is tried again at the next interval`);
      }
    }
    await Promise.all(deliveries);
    return recorded;
  }

  async #evaluateRule(rule: AlertRuleRecord, state: AlertState | undefined, now: number): Promise<AlertTransitionRecord | undefined> {
    const { value } = await this.#store.measureAlert(rule.namespace, rule.condition, rule.window, now);
    const holds = value !== null && value > rule.threshold;
    const firing = state?.firing === true;
    let kind: AlertTransitionKind | undefined;
    if (holds && !firing) kind = 'firing';
    else if (!holds && firing) kind = 'resolved';
    else if (holds && firing && rule.repeatEvery > 0 && now - (state.notifiedAt ?? state.since) >= rule.repeatEvery) kind = 'repeat';
    if (kind === undefined) return undefined;
    return this.#store.recordAlertTransition(
      { ruleId: rule.id, namespace: rule.namespace, kind, value, threshold: rule.threshold, at: now },
      state?.version ?? 0,
    );
  }

  async #deliver(rule: AlertRuleRecord, transition: AlertTransitionRecord): Promise<void> {
    const log = { rule: rule.id, transition: transition.kind, value: transition.value };
    if (this.#notifier === undefined || rule.channels.length === 0) {
      this.#logger.info(log, `alert '${rule.id}' ${transition.kind}`);
      return;
    }
    const outcomes = await this.#notifier.notify(rule.channels, alertNotification(rule, transition));
    transition.outcomes = outcomes;
    for (const outcome of outcomes) {
      if (outcome.delivered) this.#logger.info({ ...log, channel: outcome.channel }, `alert '${rule.id}' ${transition.kind}: told ${outcome.channel}`);
      else
        this.#logger.warn(
          { ...log, channel: outcome.channel, error: outcome.error },
          `alert '${rule.id}' ${transition.kind}: channel ${outcome.channel} failed`,
        );
    }
    await this.#store.setAlertOutcomes(transition.id, outcomes).catch((error: unknown) => {
      this.#logger.error({ err: error, ...log }, 'keeping the channel outcomes of an alert transition failed');
    });
  }
}
