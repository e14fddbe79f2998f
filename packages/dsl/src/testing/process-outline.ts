/**
 * What the rule-based planner understood of a paragraph, before any YAML: an ordered list of steps
 * (each read from one clause), conditions that guard some of them, loops, and the input fields the
 * paragraph names. paragraph-reading.ts builds it; definition-writer.ts turns it into a definition.
 */
import type { CatalogFunction, CatalogWorkflowEntry } from '../planner/planning-catalog.js';

/** A field of the run's input the paragraph names (`amount`, `requesterEmail`, `lineItems`). */
export interface InputField {
  readonly name: string;
  readonly schema: Readonly<Record<string, unknown>>;
}

/** How a condition compares a value: `>`, `>=`, `<`, `<=`, `==`, `!=`. */
export type Comparison = '>' | '>=' | '<' | '<=' | '==' | '!=';

/** What a condition reads: a field of the run's input, or the output of an earlier step. */
export type ConditionSubject =
  | { readonly kind: 'input'; readonly field: string }
  /** A classification's category, by the step that made it. */
  | { readonly kind: 'category'; readonly step: number }
  /** Whether an approval was given, by the approval step. */
  | { readonly kind: 'approved'; readonly step: number };

export interface Condition {
  readonly subject: ConditionSubject;
  readonly comparison: Comparison;
  readonly value: number | string | boolean;
  /** The words it was read from, for the case's name. */
  readonly text: string;
}

/** A duration in the DSL's inline shape. */
export interface InlineDuration {
  readonly days?: number;
  readonly hours?: number;
  readonly minutes?: number;
}

/** The action one clause asks for. */
export type StepAction =
  | { readonly kind: 'workflow'; readonly entry: CatalogWorkflowEntry }
  | { readonly kind: 'function'; readonly fn: CatalogFunction }
  | { readonly kind: 'approval'; readonly role: string }
  | { readonly kind: 'llm'; readonly verb: string; readonly categories?: readonly string[]; readonly fields?: readonly string[] }
  | { readonly kind: 'wait'; readonly duration: InlineDuration }
  | { readonly kind: 'emit'; readonly what: string }
  /** A decision a rule makes, no person ("approved automatically"): recorded with a `set`. */
  | { readonly kind: 'decision'; readonly approved: boolean };

export interface PlannedStep {
  /** Its position among all the paragraph's steps (0-based), so conditions can name earlier steps. */
  readonly index: number;
  readonly clause: string;
  readonly action: StepAction;
  /** Set when the step runs only under conditions (all of them). */
  readonly conditions?: readonly Condition[];
  /** Set when the step runs once per item of an input list. */
  readonly loop?: { readonly field: string; readonly item: string };
  /** Set when the clause asks to retry the step when it fails: attempts after the first. */
  readonly retries?: number;
}

export interface ProcessOutline {
  /** A kebab-case name from the paragraph's main noun phrase. */
  readonly name: string;
  /** The paragraph's first sentence. */
  readonly summary: string;
  readonly fields: readonly InputField[];
  readonly steps: readonly PlannedStep[];
  /** Clauses the planner could not turn into a step (written as a comment, so a person sees them). */
  readonly unplanned: readonly string[];
}
