/**
 * A definition checked against what the deployment has (the planning catalog): the workflows it
 * calls exist (`call: baton.workflow`, `run: workflow`, an agent's tools) at the versions it names,
 * the input it gives them fits their input schema, an approval has a title and a form, a model
 * call's schema compiles, `call: baton.<name>` is one of Baton's functions and has the arguments it
 * needs (outside fork branches for model calls). Each issue says what to change and names the
 * catalog's closest names. parseDefinition runs it when given a catalog.
 */
import type { DefinitionIssue } from '../definition/definition.js';
import { pointerOf, valueAt } from '../definition/json-pointer.js';
import { allTasks, isObject, useSection } from '../definition/task-walk.js';
import { isRuntimeExpression } from '../expressions/expression.js';
import { closestNames, didYouMean } from './closest-names.js';
import { SchemaChecker, schemaSummary, type ValueProblem } from './json-schema-check.js';
import type { CatalogWorkflowEntry, PlanningCatalog } from './planning-catalog.js';

type Issue = Omit<DefinitionIssue, 'file' | 'line' | 'column'>;

const BATON_FUNCTIONS = ['baton.workflow', 'baton.llm', 'baton.agent', 'baton.approval'];
/** What each function needs in `with` (an approval's title and form have checks of their own). */
const REQUIRED_ARGUMENTS: Record<string, string[]> = { 'baton.workflow': ['name'], 'baton.llm': ['prompt'], 'baton.agent': ['prompt', 'tools'] };
const ARGUMENT_MEANING: Record<string, string> = {
  name: 'the catalog workflow to run',
  prompt: 'what to ask the model, text or a ${ } expression',
  tools: 'a list of catalog workflow names',
};

/** Every way `workflow` does not fit `catalog`; empty when it fits. Tolerates any shape. */
export function catalogIssues(workflow: unknown, catalog: PlanningCatalog): Issue[] {
  const check = new CatalogCheck(catalog);
  for (const { name, task, pointer } of allTasks(workflow)) {
    if (!isObject(task)) continue;
    if (typeof task.call === 'string' && task.call.startsWith('baton.')) check.batonCall(name, task.call, task.with, pointer);
    if (isObject(task.run) && isObject(task.run.workflow)) check.runWorkflow(name, task.run.workflow, pointerOf(pointerOf(pointer, 'run'), 'workflow'));
  }
  return check.issues;
}

/** A call of a workflow as the definition wrote it; without `input` the input is not checked. */
interface WorkflowCall {
  readonly name: unknown;
  readonly version?: unknown;
  readonly input?: unknown;
  /** Pointer of the call's arguments (`…/with`, `…/run/workflow`, an agent's tool). */
  readonly at: string;
  readonly namePath: string;
  /** How the definition should write a catalog entry (run.workflow spells names in two parts). */
  readonly spell?: (entry: CatalogWorkflowEntry) => string;
}

class CatalogCheck {
  readonly issues: Issue[] = [];
  readonly #schemas = new SchemaChecker();
  readonly #names: string[];

  constructor(private readonly catalog: PlanningCatalog) {
    this.#names = catalog.workflows.map((entry) => entry.name);
  }

  batonCall(task: string, call: string, args: unknown, pointer: string): void {
    const at = pointerOf(pointer, 'with');
    const withArgs = isObject(args) ? args : {};
    this.#required(task, call, withArgs, at);
    if ((call === 'baton.llm' || call === 'baton.agent') && pointer.includes('/fork/branches/')) {
      this.issues.push({
        kind: 'catalog',
        path: pointerOf(pointer, 'call'),
        message: `task '${task}' calls ${call} inside a fork branch, which Baton refuses (concurrent model calls cannot replay in order): call the model before or after the fork, or give the branch a child workflow (call: baton.workflow) that calls it`,
      });
    }
    switch (call) {
      case 'baton.workflow':
        this.#workflowCall(task, { name: withArgs.name, version: withArgs.version, input: withArgs.input, at, namePath: pointerOf(at, 'name') });
        return;
      case 'baton.agent':
        this.#agentTools(task, withArgs.tools, pointerOf(at, 'tools'));
        this.#modelSchema(task, call, withArgs.schema, pointerOf(at, 'schema'));
        return;
      case 'baton.llm':
        this.#modelSchema(task, call, withArgs.schema, pointerOf(at, 'schema'));
        return;
      case 'baton.approval':
        this.#approval(task, withArgs, at);
        return;
      default:
        this.issues.push({
          kind: 'catalog',
          path: pointerOf(pointer, 'call'),
          message: `task '${task}' calls '${call}', which Baton does not have${didYouMean(call, BATON_FUNCTIONS)}: Baton's functions are ${BATON_FUNCTIONS.join(', ')}`,
        });
    }
  }

  /** The arguments Baton's functions cannot run without. */
  #required(task: string, call: string, args: Record<string, unknown>, at: string): void {
    const needed = REQUIRED_ARGUMENTS[call] ?? [];
    const missing = needed.filter((name) => args[name] === undefined || args[name] === null || args[name] === '');
    if (missing.length === 0) return;
    this.issues.push({
      kind: 'catalog',
      path: at,
      message: `task '${task}' (call: ${call}) needs ${missing.map((name) => `with.${name}`).join(' and ')}: ${needed.map((name) => `${name} (${ARGUMENT_MEANING[name] ?? name})`).join(', ')}`,
    });
  }

  runWorkflow(task: string, spec: Record<string, unknown>, at: string): void {
    const { namespace, name, version, input } = spec;
    if (typeof namespace !== 'string' || typeof name !== 'string') return;
    const full = `${namespace}.${name}`;
    this.#workflowCall(task, {
      name: full,
      version: version === 'latest' ? undefined : version,
      input,
      at,
      namePath: pointerOf(at, 'name'),
      spell: (entry) => {
        const dot = entry.name.lastIndexOf('.');
        return dot < 0
          ? `'${entry.name}' with call: baton.workflow (it has no namespace)`
          : `namespace: ${entry.name.slice(0, dot)}, name: ${entry.name.slice(dot + 1)}`;
      },
    });
  }

  /** A called workflow must be in the catalog, at the version given, with an input that fits. */
  #workflowCall(task: string, call: WorkflowCall): void {
    const { name, version, at, namePath, spell } = call;
    if (typeof name !== 'string' || isRuntimeExpression(name)) return;
    const entries = this.catalog.workflows.filter((entry) => entry.name === name);
    if (entries.length === 0) {
      const close = this.catalog.workflows.filter((entry) => didYouMean(name, [entry.name]) !== '');
      const hint = spell !== undefined && close.length > 0 ? ` (write it as ${close.map(spell).join('; or ')})` : '';
      this.issues.push({
        kind: 'catalog',
        path: namePath,
        message: `task '${task}' calls workflow '${name}', which the catalog does not have${didYouMean(name, this.#names)}${hint}: ${this.#available()}`,
      });
      return;
    }
    let entry = entries[0] as CatalogWorkflowEntry;
    if (typeof version === 'string' && !isRuntimeExpression(version)) {
      const match = entries.find((candidate) => candidate.version === version);
      if (match === undefined) {
        this.issues.push({
          kind: 'catalog',
          path: pointerOf(at, 'version'),
          message: `task '${task}' calls workflow '${name}' at version '${version}', which the catalog does not have: its version${entries.length === 1 ? ' is' : 's are'} ${entries.map((e) => `'${e.version}'`).join(', ')} (or leave version out for the current one)`,
        });
        return;
      }
      entry = match;
    }
    if (entry.inputSchema === undefined || !('input' in call)) return;
    const inputPath = pointerOf(at, 'input');
    for (const problem of this.#schemas.valueProblems(entry.inputSchema, call.input ?? {})) {
      this.issues.push({
        kind: 'catalog',
        path: `${inputPath}${problem.pointer}`,
        message: `task '${task}' gives workflow '${name}' an input that does not fit its input schema: ${where(problem)}: ${problem.message} (${problem.object === '' ? 'the input' : `input${problem.object}`} takes ${schemaSummary(valueAt(entry.inputSchema, schemaPointer(problem.object)))})`,
      });
    }
  }

  /** An agent's tools: workflow names (or `{ name, version? }`) of the catalog. */
  #agentTools(task: string, tools: unknown, at: string): void {
    if (!Array.isArray(tools)) return;
    tools.forEach((tool: unknown, index) => {
      const path = pointerOf(at, index);
      // A tool's input comes from the model, not from the definition: only its name and version are checked.
      if (typeof tool === 'string') this.#workflowCall(task, { name: tool, at: path, namePath: path });
      else if (isObject(tool)) this.#workflowCall(task, { name: tool.name, version: tool.version, at: path, namePath: pointerOf(path, 'name') });
    });
  }

  #modelSchema(task: string, call: string, schema: unknown, at: string): void {
    if (schema === undefined) return;
    const problem = this.#schemas.schemaProblem(schema);
    if (problem !== undefined) {
      this.issues.push({ kind: 'catalog', path: at, message: `the schema of task '${task}' (${call}) is not a JSON Schema Baton can use: ${problem}` });
    }
  }

  /** An approval needs a title (what the person is asked) and a form: an object JSON Schema of the answer. */
  #approval(task: string, args: Record<string, unknown>, at: string): void {
    if (typeof args.title !== 'string' || args.title.trim() === '') {
      this.issues.push({
        kind: 'catalog',
        path: args.title === undefined ? at : pointerOf(at, 'title'),
        message: `the approval '${task}' has no title: add with.title, the question the person answers (a string or a \${ } expression)`,
      });
    }
    const example = 'e.g. form: { type: object, properties: { approved: { type: boolean } }, required: [ approved ] }';
    if (args.form === undefined) {
      this.issues.push({ kind: 'catalog', path: at, message: `the approval '${task}' has no form: add with.form, the JSON Schema of the answer (${example})` });
      return;
    }
    const problem = this.#schemas.schemaProblem(args.form);
    const isObjectSchema = isObject(args.form) && args.form.type === 'object';
    if (problem !== undefined || !isObjectSchema) {
      this.issues.push({
        kind: 'catalog',
        path: pointerOf(at, 'form'),
        message: `the form of approval '${task}' must be a JSON Schema of an object (type: object)${problem === undefined ? '' : `; it does not compile: ${problem}`} (${example})`,
      });
    }
  }

  #available(): string {
    const { workflows } = this.catalog;
    if (workflows.length === 0) return 'the catalog has no workflows, so do the work with tasks of the definition itself';
    const names = [...new Set(this.#names)];
    const listed = names.slice(0, 30);
    return `call one of ${listed.join(', ')}${names.length > listed.length ? ', …' : ''}, or do the work with tasks of the definition itself`;
  }
}

/** The schema pointer of the value at a value pointer (`/customer/0` → `/properties/customer/items`). */
function schemaPointer(valuePointer: string): string {
  return valuePointer
    .split('/')
    .slice(1)
    .map((key) => (/^\d+$/.test(key) ? '/items' : `/properties/${key}`))
    .join('');
}

/** `input/sku`, or `the input` at the top, naming the object for required/additional-property problems. */
function where(problem: ValueProblem): string {
  if (problem.message.startsWith('required') || problem.message.startsWith('property')) return problem.object === '' ? 'the input' : `input${problem.object}`;
  return problem.pointer === '' ? 'the input' : `input${problem.pointer}`;
}

/**
 * The hint a reference issue about an undeclared function gets when the catalog has a function of
 * that name (or a close one): the declaration to copy into `use.functions`.
 */
export function catalogFunctionHint(issue: Issue, workflow: unknown, catalog: PlanningCatalog): Issue {
  if (issue.kind !== 'reference' || !issue.path.endsWith('/call') || catalog.functions.length === 0) return issue;
  const called = valueAt(workflow, issue.path);
  if (typeof called !== 'string') return issue;
  const declared = Object.keys(useSection(workflow, 'functions'));
  const exact = catalog.functions.find((fn) => fn.name === called);
  const nearest =
    exact ??
    catalog.functions.find(
      (fn) =>
        fn.name ===
        closestNames(
          called,
          catalog.functions.map((f) => f.name),
        )[0],
    );
  if (nearest === undefined || declared.includes(nearest.name)) return issue;
  const from = nearest.declaredBy === undefined ? '' : ` (from ${nearest.declaredBy})`;
  const declaration = `declare it under use.functions as ${nearest.name}: ${JSON.stringify(nearest.task)}`;
  const message =
    exact !== undefined
      ? `${issue.message}. The catalog has function '${nearest.name}'${from}: ${declaration}`
      : `${issue.message}. Did you mean the catalog's function '${nearest.name}'${from}? Call it by that name and ${declaration}`;
  return { ...issue, message };
}
