/**
 * What planning takes and gives: a paragraph (and, to revise, the current definition) in; rounds of
 * model answers, each validated like `baton validate` plus checks against the catalog, out. A result
 * is `valid` only when its last round's definition passed every check.
 */
import type { DefinitionIssue } from '../definition/definition.js';

export interface PlanRequest {
  /** The process in plain language (1 to 20,000 characters). */
  readonly description: string;
  /** `provider:model`; default the configured default model (BATON_AI_MODEL). */
  readonly model?: string;
  /** The definition (YAML or JSON text) to revise as `description` asks; the result carries a diff. */
  readonly from?: string;
  /** Rounds before giving up (1 to 10). Default 3. */
  readonly maxRounds?: number;
}

export interface PlanTokens {
  readonly input: number;
  readonly output: number;
  readonly total: number;
}

/** One model answer and what validation found in it. */
export interface PlanRound {
  /** 1-based. */
  readonly round: number;
  /** The model that answered (`provider:model`). */
  readonly model: string;
  /** The model's whole answer. */
  readonly answer: string;
  /** The definition text taken from the answer (a fenced block's content, or the answer itself); absent when there was none. */
  readonly definition?: string;
  /** Empty when the definition is valid. */
  readonly issues: readonly DefinitionIssue[];
  readonly valid: boolean;
  readonly tokens: PlanTokens;
  readonly costUsd: number;
}

export interface PlanResult {
  readonly valid: boolean;
  /** The last round's definition text (valid or not); absent when no round produced one. */
  readonly definition?: string;
  /** The Baton name (`<namespace>.<name>`) and version of a valid definition. */
  readonly workflowName?: string;
  readonly version?: string;
  readonly rounds: readonly PlanRound[];
  /** What is still wrong after the last round (empty when valid). */
  readonly issues: readonly DefinitionIssue[];
  readonly tokens: PlanTokens;
  readonly costUsd: number;
  /** With `from`: a unified diff from the given definition to the result. */
  readonly diff?: string;
}

/** What a planning run shows while it goes (`ctx.setProgress`), so a watcher sees each round as it ends. */
export interface PlanProgress {
  readonly planning: true;
  readonly phase: 'catalog' | 'asking' | 'validating' | 'done';
  /** The round in progress (1-based), or the last one when done. */
  readonly round: number;
  readonly maxRounds: number;
  /** The rounds finished so far. */
  readonly rounds: readonly PlanRound[];
}
