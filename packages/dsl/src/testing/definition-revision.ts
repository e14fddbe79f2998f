/**
 * A revision: the current definition and a paragraph saying what to change. "Remove / drop / skip
 * the X step" removes the task X names; anything else is read like a new paragraph and its tasks are
 * inserted where the change says ("before/after X"), else before the first task it mentions, else
 * at the end — "add a manager approval above 10,000 EUR" becomes a switch and an approval. The
 * fields the new tasks read join the input schema, and the minor version goes up.
 */
import type { PlanningCatalog } from '../planner/planning-catalog.js';
import { isJson, parseDocument, removeTask, taskNames, type Json, type TaskList, type TaskPlace } from './definition-edits.js';
import { PLANNER_NOTE, TaskWriter, catalogNamespace, toYaml, type TaskItem } from './definition-writer.js';
import { readParagraph } from './paragraph-reading.js';
import { contentWords, sameWord } from './words.js';

const REMOVAL = /^\s*(?:please\s+)?(?:remove|drop|delete|skip|take out)\s+(?:the\s+)?(.+?)(?:\s+(?:step|task))?\s*[.!]?\s*$/i;
const POSITION = /[,\s]+\b(before|after)\s+(?:the\s+|it\s+|we\s+)?(.+?)(?:\s+(?:step|task))?\s*(?=[,.;]|$)/i;

export function reviseDefinition(from: string, change: string, catalog: PlanningCatalog): string | undefined {
  const document = parseDocument(from);
  if (document === undefined) return undefined;
  const list = document['do'] as TaskList;

  const removal = REMOVAL.exec(change);
  if (removal !== null) {
    const index = mentionedTask(list, removal[1] ?? '');
    if (index === undefined) return undefined;
    const name = Object.keys(list[index] ?? {})[0] ?? '';
    removeTask({ list, index, name, task: (list[index] as Json)[name] as Json, pointer: `/do/${index}/${name}` } satisfies TaskPlace);
    return finish(document, `Revised: removed '${name}' (${change.trim()})`);
  }

  const position = POSITION.exec(change);
  const text = position === null ? change : change.slice(0, position.index) + change.slice(position.index + position[0].length);
  const outline = readParagraph(text.replace(/^\s*(?:please\s+)?(?:add|insert|include|put)\s+/i, ''), catalog);
  if (outline.steps.length === 0) return undefined;
  const header = isJson(document['document']) ? document['document'] : {};
  const namespace = typeof header['namespace'] === 'string' ? header['namespace'] : catalogNamespace(catalog);
  const writerFor = (): TaskWriter =>
    new TaskWriter({ ...outline, name: typeof header['name'] === 'string' ? header['name'] : outline.name }, namespace, taskNames(document));

  let at = list.length;
  if (position !== null) {
    const index = mentionedTask(list, position[2] ?? '');
    if (index !== undefined) at = position[1]?.toLowerCase() === 'after' ? index + 1 : index;
  } else {
    // A task the change mentions, by words other than those naming the new tasks themselves.
    const own = writerFor()
      .list(outline.steps, 'end')
      .flatMap((item) =>
        contentWords(
          Object.keys(item)
            .join(' ')
            .replace(/([a-z0-9])([A-Z])/g, '$1 $2'),
        ),
      );
    const index = mentionedTask(
      list,
      contentWords(text)
        .filter((w) => !own.some((o) => sameWord(o, w)))
        .join(' '),
    );
    if (index !== undefined) at = index;
  }
  const writer = writerFor();
  const next = list[at] === undefined ? undefined : Object.keys(list[at] as Json)[0];
  writer.followed = next !== undefined;
  const added = writer.list(outline.steps, 'end');
  if (next !== undefined) leadTo(added, next);
  list.splice(at, 0, ...added);

  mergeInput(document, writer);
  if (writer.functions.size > 0) {
    const use = isJson(document['use']) ? document['use'] : (document['use'] = {});
    use['functions'] = { ...(isJson(use['functions']) ? use['functions'] : {}), ...Object.fromEntries(writer.functions) };
  }
  return finish(document, `Revised: ${change.trim()}`);
}

/** The index of the top-level task whose name shares the most words with the text. */
function mentionedTask(list: TaskList, text: string): number | undefined {
  const words = contentWords(text);
  let best: [number, number] | undefined;
  list.forEach((item, index) => {
    const name = Object.keys(item)[0] ?? '';
    const score = contentWords(name.replace(/([a-z0-9])([A-Z])/g, '$1 $2')).filter((w) => words.some((t) => sameWord(t, w))).length;
    if (score > 0 && (best === undefined || score > best[1])) best = [index, score];
  });
  return best?.[0];
}

/** The skip-the-branch cases that end the inserted tasks go on to the task they were inserted before. */
function leadTo(items: readonly TaskItem[], next: string): void {
  for (const item of items) {
    const task = Object.values(item)[0];
    if (!isJson(task) || !Array.isArray(task['switch'])) continue;
    for (const choice of task['switch'] as unknown[]) {
      const otherwise = isJson(choice) ? choice['otherwise'] : undefined;
      if (isJson(otherwise) && otherwise['then'] === 'end') otherwise['then'] = next;
    }
  }
}

/** The fields the new tasks read join the input schema, when the definition declares one. */
function mergeInput(document: Json, writer: TaskWriter): void {
  const input = isJson(document['input']) ? document['input'] : undefined;
  const schema = isJson(input?.['schema']) ? (input['schema'] as Json) : undefined;
  const body = isJson(schema?.['document']) ? (schema['document'] as Json) : undefined;
  if (body === undefined) return;
  const properties = isJson(body['properties']) ? body['properties'] : (body['properties'] = {});
  const text = JSON.stringify(document['do']);
  const required = new Set(Array.isArray(body['required']) ? (body['required'] as unknown[]).filter((r): r is string => typeof r === 'string') : []);
  for (const field of writer.fields.values()) {
    if (!(field.name in properties)) properties[field.name] = field.schema;
    if (text.includes(`$workflow.input.${field.name} `)) required.add(field.name);
  }
  if (required.size > 0) body['required'] = [...required];
}

/** Bumps the minor version and writes the YAML. */
function finish(document: Json, note: string): string {
  const header = isJson(document['document']) ? document['document'] : undefined;
  const version = typeof header?.['version'] === 'string' ? /^(\d+)\.(\d+)\.\d+(.*)$/.exec(header['version']) : null;
  if (header !== undefined && version !== null) header['version'] = `${version[1]}.${Number(version[2]) + 1}.0`;
  return toYaml(document, [PLANNER_NOTE, note]);
}
