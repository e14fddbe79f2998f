/**
 * What `baton plan` shows while a planning run goes: one line when a round asks the model, and when
 * the round's answer is checked, `valid` or its problems one a line. Fed the run's progress
 * (PlanProgress) as it changes, and the result's rounds at the end, it prints each thing once.
 */
import { formatIssues, type PlanProgress, type PlanRound } from '@baton/dsl';

export class PlanProgressPrinter {
  readonly #err: (line: string) => void;
  /** The highest round announced as asking. */
  #asked = 0;
  /** How many rounds were reported. */
  #reported = 0;

  constructor(err: (line: string) => void) {
    this.#err = err;
  }

  /** A progress value of the planning run; anything that is not one is ignored. */
  progress(value: unknown): void {
    if (!isPlanProgress(value)) return;
    this.rounds(value.rounds, value.maxRounds);
    if (value.phase === 'asking' && value.round > this.#asked) {
      this.#asked = value.round;
      this.#err(`round ${value.round}/${value.maxRounds}: asking the model…`);
    }
  }

  /** Rounds finished so far (a later call may repeat earlier ones: each is printed once). */
  rounds(rounds: readonly PlanRound[], maxRounds?: number): void {
    for (const round of rounds.slice(this.#reported)) {
      const of = maxRounds === undefined ? '' : `/${maxRounds}`;
      if (round.valid) {
        this.#err(`round ${round.round}${of}: valid (${round.model}, ${round.tokens.total} tokens)`);
      } else {
        const count = round.issues.length;
        this.#err(`round ${round.round}${of}: ${count} ${count === 1 ? 'problem' : 'problems'}:`);
        if (count > 0) this.#err(indent(formatIssues(round.issues)));
      }
    }
    this.#reported = Math.max(this.#reported, rounds.length);
    this.#asked = Math.max(this.#asked, this.#reported);
  }
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}

function isPlanProgress(value: unknown): value is PlanProgress {
  if (typeof value !== 'object' || value === null) return false;
  const progress = value as Partial<PlanProgress>;
  return progress.planning === true && typeof progress.round === 'number' && Array.isArray(progress.rounds);
}
