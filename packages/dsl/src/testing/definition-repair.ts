/**
 * A later planning round: the previous answer had problems, each on a line of the feedback
 * (`line L, column C, /pointer (kind): message`). The rule-based planner repairs what a rule can
 * repair in that answer — a duplicate name renamed, a `then` to nowhere pointed at the closest task
 * of its list, an undeclared function declared from the catalog or the task dropped, an approval
 * given a form, a called workflow's input keys fitted to its schema, a workflow not in the catalog
 * replaced by the catalog's closest one or dropped — and drops a task it cannot repair. When the
 * answer cannot be read, or nothing changed, it gives undefined and the planner writes afresh.
 */
import type { CatalogWorkflowEntry, PlanningCatalog } from '../planner/planning-catalog.js';
import type { PlannerPrompt } from '../planner/planner-prompt.js';
import { matchingWorkflow, shortName } from './catalog-matching.js';
import {
  allTaskPlaces,
  definitionTextOf,
  deleteAt,
  isJson,
  namesOf,
  parseDocument,
  pointerOf,
  pointerSegments,
  removeTask,
  renameTask,
  taskAt,
  taskNames,
  valueAt,
  type Json,
  type TaskPlace,
} from './definition-edits.js';
import { APPROVAL_FORM, PLANNER_NOTE, toYaml } from './definition-writer.js';
import { contentWords, kebabCase, sameWord, uniqueName } from './words.js';

/** One problem line of the feedback, read back. */
export interface ProblemLine {
  readonly path: string;
  readonly kind: string;
  readonly message: string;
}

const BUILT_IN_CALLS = new Set(['asyncapi', 'grpc', 'http', 'openapi', 'a2a', 'mcp']);

export function readProblemLine(line: string): ProblemLine | undefined {
  const match = /^(?:line \d+, column \d+, )?(\S*) \(([\w-]+)\): ([\s\S]*)$/.exec(line.trim());
  if (match === null) return undefined;
  return { path: match[1] === '/' ? '' : (match[1] ?? ''), kind: match[2] ?? '', message: match[3] ?? '' };
}

export function repairDefinition(prompt: PlannerPrompt): string | undefined {
  if (prompt.previousAnswer === undefined || prompt.problems === undefined) return undefined;
  const document = parseDocument(definitionTextOf(prompt.previousAnswer));
  if (document === undefined) return undefined;
  const before = JSON.stringify(document);
  const problems = prompt.problems.map(readProblemLine).filter((p): p is ProblemLine => p !== undefined);
  if (problems.length === 0 || problems.some((p) => p.kind === 'syntax')) return undefined;

  // Find every problem's task first: repairs move tasks, and the pointers name the answer as it was.
  const located = problems.map((problem) => ({ problem, place: taskAt(document, problem.path) }));
  const done: string[] = [];
  for (const { problem, place } of located) {
    const what = place === undefined ? repairOutside(document, problem) : repairTask(document, place, problem, prompt.catalog);
    if (what !== undefined) done.push(what);
  }
  const tasks = document['do'];
  if (!Array.isArray(tasks) || tasks.length === 0 || JSON.stringify(document) === before) return undefined;
  return toYaml(document, [PLANNER_NOTE, 'Repaired after feedback:', ...done.map((line) => `  - ${line}`)]);
}

/** A problem outside any task: the document header, the input, `use`, the top level. */
function repairOutside(document: Json, problem: ProblemLine): string | undefined {
  const [section] = pointerSegments(problem.path);
  if (section === 'document') {
    const header = isJson(document['document']) ? document['document'] : {};
    document['document'] = {
      ...header,
      dsl: '1.0.0',
      namespace: kebabCase(String(header['namespace'] ?? 'planned')),
      name: kebabCase(String(header['name'] ?? 'planned-process')),
      version: /^\d+\.\d+\.\d+$/.test(String(header['version'])) ? header['version'] : '0.1.0',
    };
    return 'the document header rewritten';
  }
  if (section === 'input' || section === 'output') {
    delete document[section];
    return `the ${section} section removed (${problem.message})`;
  }
  if (section === 'use' && deleteAt(document, problem.path)) return `${problem.path} removed (${problem.message})`;
  const extra = /additional propert\w*\s+'?([\w-]+)'?/i.exec(problem.message)?.[1];
  if (extra !== undefined && extra in document && extra !== 'do' && extra !== 'document') {
    delete document[extra];
    return `the unknown top-level '${extra}' removed`;
  }
  return undefined;
}

function repairTask(document: Json, place: TaskPlace, problem: ProblemLine, catalog: PlanningCatalog): string | undefined {
  const current = currentPlace(document, place);
  if (current === undefined) return undefined;
  const { task, name } = current;
  switch (problem.kind) {
    case 'duplicate': {
      const renamed = uniqueName(name, taskNames(document));
      renameTask(current, renamed);
      return `task '${name}' renamed '${renamed}'`;
    }
    case 'reference': {
      if (problem.path.endsWith('/then')) return retargetThen(document, current, problem.path);
      if (typeof task['call'] === 'string' && !BUILT_IN_CALLS.has(task['call'])) return repairCall(document, current, catalog);
      if (isJson(task['raise']) && typeof task['raise']['error'] === 'string') {
        task['raise'] = { error: { type: 'https://serverlessworkflow.io/spec/1.0.0/errors/runtime', status: 500, title: task['raise']['error'] } };
        return `task '${name}' raises its error inline`;
      }
      break;
    }
    case 'expression': {
      const segments = pointerSegments(problem.path);
      const at = segments.lastIndexOf('switch');
      if (at >= 0 && segments[at + 1] !== undefined && segments.at(-1) === 'when') {
        const cases = task['switch'];
        if (Array.isArray(cases) && cases.length > 1 && deleteAt(document, pointerOf(segments.slice(0, at + 2))))
          return `a switch case of '${name}' whose condition does not compile removed`;
      }
      break;
    }
    case 'catalog':
      return repairCatalog(document, current, problem, catalog);
  }
  removeTask(current);
  return `task '${name}' removed (${problem.message})`;
}

/** The place of a task now, after earlier repairs moved it. */
function currentPlace(document: Json, place: TaskPlace): TaskPlace | undefined {
  return allTaskPlaces(document).find((p) => p.task === place.task);
}

/** A `then` to nowhere: the task of the list that shares most words with it, else `continue`. */
function retargetThen(document: Json, place: TaskPlace, pointer: string): string | undefined {
  const target = valueAt(document, pointer);
  if (typeof target !== 'string') return undefined;
  const words = contentWords(target.replace(/([a-z0-9])([A-Z])/g, '$1 $2'));
  let best: [string, number] | undefined;
  for (const name of namesOf(place.list)) {
    const score = contentWords(name.replace(/([a-z0-9])([A-Z])/g, '$1 $2')).filter((w) => words.some((t) => sameWord(t, w))).length;
    if (score > 0 && name !== place.name && (best === undefined || score > best[1])) best = [name, score];
  }
  const replacement = best?.[0] ?? 'continue';
  const segments = pointerSegments(pointer);
  const holder = valueAt(document, pointerOf(segments.slice(0, -1)));
  if (!isJson(holder)) return undefined;
  holder['then'] = replacement;
  return `then '${target}' of '${place.name}' now goes to '${replacement}'`;
}

/** A call of an undeclared function: declare the catalog's, or call the catalog workflow it means, or drop it. */
function repairCall(document: Json, place: TaskPlace, catalog: PlanningCatalog): string {
  const call = String(place.task['call']);
  const fn = catalog.functions.find((f) => f.name === call);
  if (fn !== undefined) {
    const use = isJson(document['use']) ? document['use'] : (document['use'] = {});
    const functions = isJson(use['functions']) ? use['functions'] : (use['functions'] = {});
    functions[call] = { ...fn.task };
    return `function '${call}' declared from the catalog`;
  }
  const entry = catalogWorkflowFor(`${call} ${place.name}`, catalog);
  if (entry !== undefined) {
    place.task['call'] = 'baton.workflow';
    place.task['with'] = { name: entry.name, input: workflowInput(document, entry, undefined) };
    return `task '${place.name}' calls the catalog workflow '${entry.name}'`;
  }
  removeTask(place);
  return `task '${place.name}' removed (it calls '${call}', which is neither declared nor in the catalog)`;
}

function repairCatalog(document: Json, place: TaskPlace, problem: ProblemLine, catalog: PlanningCatalog): string {
  const { task, name } = place;
  const args = isJson(task['with']) ? task['with'] : (task['with'] = {});
  if (task['call'] === 'baton.approval' || /\bform\b/i.test(problem.message)) {
    if (/\bform\b/i.test(problem.message) || !isJson(args['form'])) args['form'] = APPROVAL_FORM;
    if (typeof args['title'] !== 'string') args['title'] = typeof args['description'] === 'string' ? args['description'] : name;
    return `approval '${name}' given a form`;
  }
  if (problem.path.endsWith('/version') && 'version' in args) {
    delete args['version'];
    return `task '${name}' calls the current version`;
  }
  if (task['call'] === 'baton.llm' && /with\.prompt/.test(problem.message)) {
    args['prompt'] = '${ $input | tojson }';
    return `model task '${name}' given its input as the prompt`;
  }
  if (task['call'] === 'baton.workflow') {
    const called = typeof args['name'] === 'string' ? args['name'] : '';
    const known = catalog.workflows.find((w) => w.name === called);
    const entry = known ?? catalogWorkflowFor(`${called} ${name}`, catalog);
    if (entry !== undefined) {
      args['name'] = entry.name;
      const given = isJson(args['input']) ? { ...args['input'] } : undefined;
      // A property the problem points at is taken from the run's input instead.
      const at = pointerSegments(problem.path);
      const withAt = at.lastIndexOf('with');
      const property = withAt >= 0 && at[withAt + 1] === 'input' ? at[withAt + 2] : undefined;
      if (given !== undefined && property !== undefined) delete given[property];
      args['input'] = workflowInput(document, entry, given);
      return known === undefined
        ? `task '${name}' calls '${entry.name}' instead of '${called}'`
        : `the input of '${name}' fitted to the schema of '${entry.name}'`;
    }
  }
  removeTask(place);
  return `task '${name}' removed (${problem.message})`;
}

/** The catalog workflow a name means: the same short name, else the best match of its words. */
function catalogWorkflowFor(words: string, catalog: PlanningCatalog): CatalogWorkflowEntry | undefined {
  const spaced = words.replace(/([a-z0-9])([A-Z])/g, '$1 $2');
  return catalog.workflows.find((w) => spaced.toLowerCase().split(/\s+/).includes(shortName(w.name).toLowerCase())) ?? matchingWorkflow(spaced, catalog);
}

/**
 * A called workflow's input fitted to its schema: the given values of properties it has are kept,
 * others dropped, and each missing required property taken from the run's input (declared there).
 */
function workflowInput(document: Json, entry: CatalogWorkflowEntry, given: Json | undefined): unknown {
  const properties = entry.inputSchema?.['properties'];
  if (!isJson(properties)) return '${ $workflow.input }';
  const required = Array.isArray(entry.inputSchema?.['required'])
    ? (entry.inputSchema['required'] as unknown[]).filter((p): p is string => typeof p === 'string')
    : [];
  const input: Json = {};
  for (const [key, value] of Object.entries(given ?? {})) if (key in properties) input[key] = value;
  const declared = inputProperties(document);
  for (const property of required) {
    if (property in input) continue;
    input[property] = /^[A-Za-z_]\w*$/.test(property) ? `\${ $workflow.input.${property} }` : `\${ $workflow.input[${JSON.stringify(property)}] }`;
    if (declared !== undefined && !(property in declared)) declared[property] = isJson(properties[property]) ? properties[property] : {};
  }
  return input;
}

/** The properties of the definition's input schema, when it declares an object schema. */
function inputProperties(document: Json): Json | undefined {
  const schema = valueAt(document, '/input/schema/document');
  if (!isJson(schema)) return undefined;
  if (!isJson(schema['properties'])) schema['properties'] = {};
  return schema['properties'] as Json;
}
