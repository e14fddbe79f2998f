/**
 * What a planner benchmark scenario is: a paragraph a person would write about a real process, and
 * the checks its planned definition must pass. The checks name catalog workflows (never task names,
 * which the model chooses), so they hold for any model's way of writing the same process.
 */
import type { ScenarioAnswer } from '@baton/dsl';

/** What a simulated run can reach: a catalog workflow (by name), or `approval` (any `call: baton.approval`). */
export type Target = string;

/** The target that stands for any approval task. */
export const APPROVAL = 'approval';

/** One simulated run of a branch check: an input, how the outside world answers, and where it must (not) go. */
export interface BranchCase {
  /** What this case is, as a person would say it (`an invoice of 25,000 EUR`). */
  readonly label: string;
  /** The run's input. */
  readonly input: Readonly<Record<string, unknown>>;
  /**
   * Answers of called catalog workflows, by workflow name; translated into the simulation's scenario
   * for every task that calls that workflow. Unanswered calls are answered from the output schema.
   */
  readonly answers?: Readonly<Record<string, ScenarioAnswer | readonly ScenarioAnswer[]>>;
  /**
   * What every `baton.llm` task answers, as its structured `object` (a classification, extracted
   * fields); unset, model tasks are answered from their schemas.
   */
  readonly model?: Readonly<Record<string, unknown>>;
  /** How every approval is answered: approved (default) or turned down. */
  readonly approve?: boolean;
  /** Targets the run must go through. */
  readonly reaches?: readonly Target[];
  /** Targets the run must not go through. */
  readonly avoids?: readonly Target[];
  /** How many approvals the run must go through (when the paragraph asks for one, two or three people). */
  readonly approvalsReached?: number;
  /** The run may end with a DSL error (a rejection the definition raises); by default it must complete. */
  readonly mayFault?: boolean;
}

/** A branch the paragraph asks for, shown by two or more cases that must take different paths. */
export interface BranchCheck {
  /** The branch in a few words (`approval above 10,000 EUR`). */
  readonly what: string;
  readonly cases: readonly [BranchCase, BranchCase, ...BranchCase[]];
}

export interface PlannerScenario {
  /** Kebab-case, unique: what `--only` selects. */
  readonly name: string;
  /** The area of the business (`finance`, `people`…), for reading the report. */
  readonly domain: string;
  /** The process in plain business language (2-6 sentences): what the planner is given. */
  readonly paragraph: string;
  /** Catalog workflows the definition must call (`call: baton.workflow`, `run: workflow` or an agent's tools). */
  readonly calls: readonly string[];
  /** How many `call: baton.approval` tasks the paragraph asks for. */
  readonly approvals: number;
  /** Answers of called catalog workflows shared by every case (a case's own answers win). */
  readonly answers?: Readonly<Record<string, ScenarioAnswer | readonly ScenarioAnswer[]>>;
  /** The branches the paragraph asks for, checked by simulation. */
  readonly branches: readonly BranchCheck[];
}

/** The result of one check of a planned definition: one line of the report. */
export interface CheckOutcome {
  /** What was checked (`valid`, `calls finance.schedule-payment`, `branch: … / an invoice of 800 EUR`). */
  readonly check: string;
  readonly passed: boolean;
  /** Why it failed. */
  readonly detail?: string;
}
