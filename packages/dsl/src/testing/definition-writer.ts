/**
 * Turns a ProcessOutline into a Serverless Workflow 1.0 definition (YAML text) that passes Baton's
 * validation: steps become tasks in order; steps under a condition follow a `switch` that jumps past
 * them when it does not hold; steps under a loop go in a `for`; a step to retry is wrapped in a
 * `try` with a retry policy; a person's approval is followed by a stop when it is refused. Every task
 * name is unique in the whole document, every `then` names a task of its list, and each step's
 * output is kept in `$context` under its name, so later conditions can read it.
 */
import { Document } from 'yaml';
import type { CatalogWorkflowEntry, PlanningCatalog } from '../planner/planning-catalog.js';
import { shortName } from './catalog-matching.js';
import { negate } from './condition-reading.js';
import { actionName, caseNameOf, jqField, jqKey, llmName } from './task-naming.js';
import type { Condition, InputField, PlannedStep, ProcessOutline } from './process-outline.js';
import { camelCase, jqString, kebabCase, plainText, sentenceCase, uniqueName } from './words.js';

type Json = Record<string, unknown>;
/** One entry of a task list: `{ name: task }`. */
export type TaskItem = Record<string, Json>;

/** The form every planned approval asks for. */
export const APPROVAL_FORM = {
  type: 'object',
  required: ['approved'],
  properties: { approved: { type: 'boolean', title: 'Approve' }, comment: { type: 'string', title: 'Comment' } },
} as const;

/** What a written definition says about itself, at the top of the YAML. */
export const PLANNER_NOTE = "Written by Baton's rule-based offline planner (no model): it maps clauses to tasks by fixed rules, so read it before deploying.";

/** The namespace the catalog's definitions use most (else its dotted workflow names), else `planned`. */
export function catalogNamespace(catalog: PlanningCatalog): string {
  const mostCommon = (entries: readonly { name: string }[]): string | undefined => {
    const counts = new Map<string, number>();
    for (const entry of entries) {
      const dot = entry.name.indexOf('.');
      const namespace = dot > 0 ? entry.name.slice(0, dot) : '';
      if (namespace !== 'baton' && /^[a-z0-9](-?[a-z0-9])*$/.test(namespace)) counts.set(namespace, (counts.get(namespace) ?? 0) + 1);
    }
    let best: [string, number] | undefined;
    for (const [namespace, count] of counts) if (best === undefined || count > best[1]) best = [namespace, count];
    return best?.[0];
  };
  return mostCommon(catalog.workflows.filter((w) => w.kind === 'definition')) ?? mostCommon(catalog.workflows) ?? 'planned';
}

/** Writes the definition an outline describes. */
export function writeDefinition(outline: ProcessOutline, catalog: PlanningCatalog): string {
  const namespace = catalogNamespace(catalog);
  // A new process, not a new version of a deployed one: a name the catalog has gets a number.
  const taken = new Set(catalog.workflows.map((w) => w.name));
  let name = outline.name;
  for (let i = 2; taken.has(`${namespace}.${name}`); i++) name = `${outline.name}-${i}`;
  outline = { ...outline, name };
  const writer = new TaskWriter(outline, namespace);
  const tasks = writer.list(outline.steps, 'end');
  const document: Json = {
    document: {
      dsl: '1.0.0',
      namespace,
      name: outline.name,
      version: '0.1.0',
      title: sentenceCase(outline.name.replace(/-/g, ' ')),
      summary: plainText(outline.summary).slice(0, 500),
    },
    input: { schema: { format: 'json', document: inputSchema(writer.fields, tasks) } },
    ...(writer.functions.size === 0 ? {} : { use: { functions: Object.fromEntries(writer.functions) } }),
    do: tasks.length > 0 ? tasks : [{ noteProcess: { set: { process: plainText(outline.summary), planned: false } } }],
  };
  const notes = [PLANNER_NOTE];
  if (outline.unplanned.length > 0) {
    notes.push('Not planned (no catalog workflow, function or rule matches; add them by hand):');
    for (const clause of outline.unplanned) notes.push(`  - ${clause.replace(/\n/g, ' ')}`);
  }
  return toYaml(document, notes);
}

/** YAML text with a comment on top. */
export function toYaml(document: Json, notes: readonly string[]): string {
  const doc = new Document(document);
  if (notes.length > 0) doc.commentBefore = notes.map((line) => ` ${line}`).join('\n');
  return doc.toString({ lineWidth: 0 });
}

/** Builds task lists from steps; remembers the fields, functions and step names it used. */
export class TaskWriter {
  readonly fields = new Map<string, InputField>();
  readonly functions = new Map<string, Json>();
  readonly taken: Set<string>;
  /** The task name of each step, by step index. */
  readonly names = new Map<number, string>();
  /** Set when tasks written here are followed by others (a revision inserting before a task). */
  followed = false;
  readonly #outline: ProcessOutline;
  readonly #namespace: string;

  constructor(outline: ProcessOutline, namespace: string, taken: Iterable<string> = []) {
    this.#outline = outline;
    this.#namespace = namespace;
    this.taken = new Set(taken);
    for (const field of outline.fields) this.fields.set(field.name, field);
  }

  /**
   * The tasks of `steps`, in order. `leave` is the flow directive that leaves this list (`end` at
   * the top, `exit` in a nested one), used when a skipped branch is the list's last part.
   */
  list(steps: readonly PlannedStep[], leave: 'end' | 'exit', loopItem?: string): TaskItem[] {
    const items: TaskItem[] = [];
    const pending: { readonly choice: Json; readonly after: number }[] = [];
    for (let i = 0; i < steps.length;) {
      const step = steps[i] as PlannedStep;
      if (loopItem === undefined && step.loop !== undefined) {
        const group = run(steps, i, (s) => JSON.stringify(s.loop));
        items.push(this.#loop(group, step.loop));
        i += group.length;
        continue;
      }
      const condition = step.conditions?.[0];
      if (condition !== undefined) {
        const firstCondition = (s: PlannedStep): string | undefined => (s.conditions?.[0] === undefined ? undefined : conditionKey(s.conditions[0]));
        const strip = (group: readonly PlannedStep[]): PlannedStep[] => group.map((s) => ({ ...s, conditions: s.conditions?.slice(1) ?? [] }));
        const group = run(steps, i, firstCondition);
        const branch = this.list(strip(group), leave, loopItem);
        // "Otherwise, …" right after: the same switch's default case leads to it.
        const following = steps[i + group.length];
        const otherwiseGroup =
          following !== undefined && firstCondition(following) === conditionKey(negate(condition)) ? run(steps, i + group.length, firstCondition) : [];
        const otherwiseBranch = otherwiseGroup.length === 0 ? [] : this.list(strip(otherwiseGroup), leave, loopItem);
        const caseName = caseNameOf(condition);
        const otherwise: Json = { then: leave };
        const name = uniqueName(camelCase(`check ${condition.subject.kind === 'input' ? condition.subject.field : caseName}`), this.taken);
        items.push({ [name]: { switch: [{ [caseName]: { when: this.#expression(condition), then: nameOf(branch[0]) ?? leave } }, { otherwise }] } });
        items.push(...branch);
        if (otherwiseBranch.length > 0) {
          otherwise.then = nameOf(otherwiseBranch[0]) ?? leave;
          const last = branch[branch.length - 1];
          const lastTask = last === undefined ? undefined : Object.values(last)[0];
          items.push(...otherwiseBranch);
          if (lastTask !== undefined) pending.push({ choice: lastTask, after: items.length });
        } else pending.push({ choice: otherwise, after: items.length });
        i += group.length + otherwiseGroup.length;
        continue;
      }
      items.push(...this.#step(step, leave, loopItem));
      i += 1;
    }
    for (const { choice, after } of pending) choice.then = nameOf(items[after]) ?? leave;
    return items;
  }

  #loop(steps: readonly PlannedStep[], loop: NonNullable<PlannedStep['loop']>): TaskItem {
    if (!this.fields.has(loop.field)) this.fields.set(loop.field, { name: loop.field, schema: { type: 'array', items: { type: 'object' } } });
    const name = uniqueName(camelCase(`each ${loop.item}`), this.taken);
    const body = this.list(steps, 'exit', loop.item);
    return { [name]: { for: { each: loop.item, in: `\${ $workflow.input.${loop.field} }` }, do: body } };
  }

  /** A step's task, wrapped for retries, and after an approval the stop when it is refused. */
  #step(step: PlannedStep, leave: 'end' | 'exit', loopItem: string | undefined): TaskItem[] {
    const [base, task] = this.#task(step, loopItem);
    const name = uniqueName(base, this.taken);
    this.names.set(step.index, name);
    const kept =
      step.action.kind === 'wait' || step.action.kind === 'emit' || step.action.kind === 'decision'
        ? task
        : { ...task, export: { as: `\${ $context + { ${jqKey(name)}: . } }` } };
    const items: TaskItem[] = [];
    if (step.retries !== undefined && step.retries > 0 && step.action.kind !== 'wait') {
      const { export: exported, ...inner } = kept;
      items.push({
        [name]: {
          try: [{ [uniqueName(`${name}Attempt`, this.taken)]: inner }],
          catch: { retry: { delay: { seconds: 5 }, backoff: { exponential: {} }, limit: { attempt: { count: step.retries } } } },
          ...(exported === undefined ? {} : { export: exported }),
        },
      });
    } else items.push({ [name]: kept });

    const later = this.#outline.steps.filter((s) => s.index > step.index);
    const decidedLater = later.some((s) => s.conditions?.some((c) => c.subject.kind === 'approved' && c.subject.step === step.index));
    if (step.action.kind === 'approval' && (later.length > 0 || this.followed) && !decidedLater && leave === 'end' && loopItem === undefined) {
      const stop = uniqueName(camelCase(`stop if ${name} refused`), this.taken);
      items.push({ [stop]: { switch: [{ refused: { when: `\${ $context${jqField(name)}.approved != true }`, then: 'end' } }] } });
    }
    return items;
  }

  /** The task for one step, and the name it would like. */
  #task(step: PlannedStep, loopItem: string | undefined): [string, Json] {
    const { action, clause } = step;
    const data = loopItem === undefined ? '$workflow.input' : `{ ${loopItem}: $${loopItem}, input: $workflow.input }`;
    switch (action.kind) {
      case 'workflow':
        return [
          camelCase(shortName(action.entry.name)) || 'callWorkflow',
          { call: 'baton.workflow', with: { name: action.entry.name, input: this.#workflowInput(action.entry, loopItem, clause) } },
        ];
      case 'function':
        this.functions.set(action.fn.name, { ...action.fn.task });
        return [camelCase(action.fn.name) || 'callFunction', { call: action.fn.name }];
      case 'approval': {
        const role = action.role;
        return [
          camelCase(`${role} approval`),
          {
            call: 'baton.approval',
            with: {
              signal: kebabCase(`${role} approval`),
              title: truncate(`${sentenceCase(role)} approval: ${sentenceCase(clause)}`, 120),
              description: sentenceCase(clause),
              form: APPROVAL_FORM,
            },
          },
        ];
      }
      case 'llm': {
        const schema = llmSchema(action.categories, action.fields);
        const prompt = `\${ ${jqString(`${sentenceCase(clause)}.\n\nThe data:\n`)} + (${data} | tojson) }`;
        const system = plainText(`You carry out one step of a business process (${this.#outline.summary}). Answer for this step only.`);
        return [
          llmName(action.verb, clause, action.categories ?? []),
          { call: 'baton.llm', with: { system: truncate(system, 1_000), prompt, ...(schema === undefined ? {} : { schema }) } },
        ];
      }
      case 'decision':
        return [
          action.approved ? 'approveByPolicy' : 'rejectByPolicy',
          { set: { approved: action.approved, decidedBy: 'policy', step: sentenceCase(clause) } },
        ];
      case 'wait': {
        const [unit, count] = Object.entries(action.duration)[0] ?? ['days', 1];
        return [camelCase(`wait ${count} ${unit}`), { wait: { ...action.duration } }];
      }
      case 'emit': {
        const name = actionName('', action.what);
        return [
          name,
          {
            emit: {
              event: {
                with: {
                  source: `https://baton.dev/${this.#namespace}/${this.#outline.name}`,
                  type: `${this.#namespace}.${this.#outline.name}.${kebabCase(name)}`,
                  data: `\${ { input: ${data}, results: ($context // {}) } }`,
                },
              },
            },
          },
        ];
      }
    }
  }

  /** The called workflow's required input, each property from a field of the run's input. */
  #workflowInput(entry: CatalogWorkflowEntry, loopItem: string | undefined, clause: string): unknown {
    const schema = entry.inputSchema;
    const properties = schema?.['properties'];
    if (schema === undefined || typeof properties !== 'object' || properties === null) return '${ $workflow.input }';
    const required = Array.isArray(schema['required']) ? (schema['required'] as unknown[]).filter((p): p is string => typeof p === 'string') : [];
    const input: Json = {};
    for (const property of required.length > 0 ? required : Object.keys(properties)) {
      const propertySchema = (properties as Record<string, unknown>)[property];
      if (loopItem !== undefined && property === loopItem) {
        input[property] = `\${ $${loopItem} }`;
        continue;
      }
      if (typeof propertySchema === 'object' && propertySchema !== null && 'const' in propertySchema) {
        input[property] = (propertySchema as { const: unknown }).const;
        continue;
      }
      const field = matchField(property, [...this.fields.keys()]);
      // A message's words come from the clause that asks for it.
      if (field === undefined && MESSAGE_TEXT.test(property) && isStringSchema(propertySchema)) {
        input[property] = sentenceCase(clause);
        continue;
      }
      if (field === undefined) {
        if (required.length === 0) continue;
        this.fields.set(property, { name: property, schema: typeof propertySchema === 'object' && propertySchema !== null ? (propertySchema as Json) : {} });
      }
      input[property] = /^[A-Za-z_][A-Za-z0-9_]*$/.test(field ?? property)
        ? `\${ $workflow.input.${field ?? property} }`
        : `\${ $workflow.input[${jqString(field ?? property)}] }`;
    }
    return input;
  }

  #expression(condition: Condition): string {
    const subject = condition.subject;
    const name = subject.kind === 'input' ? undefined : this.names.get(subject.step);
    const left =
      subject.kind === 'input'
        ? `$workflow.input.${subject.field}`
        : subject.kind === 'category'
          ? `$context${jqField(name ?? 'classification')}.object.category`
          : `$context${jqField(name ?? 'approval')}.approved`;
    return `\${ ${left} ${condition.comparison} ${JSON.stringify(condition.value)} }`;
  }
}

function nameOf(item: TaskItem | undefined): string | undefined {
  return item === undefined ? undefined : Object.keys(item)[0];
}

/** The steps from `start` on that share `key` with the first. */
function run(steps: readonly PlannedStep[], start: number, key: (step: PlannedStep) => string | undefined): PlannedStep[] {
  const first = key(steps[start] as PlannedStep);
  const group: PlannedStep[] = [];
  for (let i = start; i < steps.length && key(steps[i] as PlannedStep) === first; i++) group.push(steps[i] as PlannedStep);
  return group;
}

function conditionKey(condition: Condition): string {
  return JSON.stringify([condition.subject, condition.comparison, condition.value]);
}

/** Properties that hold a message's text (its words, not data of the run). */
const MESSAGE_TEXT = /^(subject|body|message|text|content|title|note)$/i;

function isStringSchema(schema: unknown): boolean {
  return typeof schema === 'object' && schema !== null && (schema as { type?: unknown }).type === 'string';
}

/** The field of the run's input a called workflow's property takes: the same name, or one ending in it (`requesterEmail` for `email`). */
export function matchField(property: string, fields: readonly string[]): string | undefined {
  const lower = property.toLowerCase();
  return (
    fields.find((f) => f === property) ??
    fields.find((f) => f.toLowerCase() === lower) ??
    fields.find((f) => f.toLowerCase().endsWith(lower) && lower.length >= 4) ??
    fields.find((f) => lower.endsWith(f.toLowerCase()) && f.length >= 4) ??
    // A recipient: the email the paragraph names.
    (/^(to|recipient|recipients|email|address)$/i.test(property) ? fields.find((f) => /email$/i.test(f)) : undefined)
  );
}

function llmSchema(categories: readonly string[] | undefined, fields: readonly string[] | undefined): Json | undefined {
  if (categories !== undefined) return { type: 'object', required: ['category'], properties: { category: { type: 'string', enum: [...categories] } } };
  if (fields !== undefined)
    return {
      type: 'object',
      required: [...fields],
      properties: Object.fromEntries(fields.map((f) => [f, { type: /amount|total|price|count|quantity/i.test(f) ? 'number' : 'string' }])),
    };
  return undefined;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The input schema: every field, those the tasks read required. */
function inputSchema(fields: ReadonlyMap<string, InputField>, tasks: readonly TaskItem[]): Json {
  const text = JSON.stringify(tasks);
  const properties = Object.fromEntries([...fields.values()].map((f) => [f.name, f.schema]));
  const required = [...fields.keys()].filter(
    (name) =>
      text.includes(`$workflow.input.${name} `) ||
      text.includes(`$workflow.input.${name}.`) ||
      text.includes(`$workflow.input[${JSON.stringify(name)}]`.replace(/"/g, '\\"')),
  );
  return { type: 'object', ...(required.length === 0 ? {} : { required }), properties };
}
