/**
 * Edits on a definition held as plain data, shared by repairs and revisions: reading the YAML out of
 * an answer, finding the task a JSON pointer is in, and removing or renaming a task while keeping
 * every `then` that named it pointing somewhere that exists.
 */
import { parse } from 'yaml';

export type Json = Record<string, unknown>;
/** A task list: items of one key each, `{ name: task }`. */
export type TaskList = Json[];

export function isJson(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The definition text in an answer: its first fenced block (```yaml, ```json or bare), else the whole answer. */
export function definitionTextOf(answer: string): string {
  const fenced = /```[a-zA-Z]*\n([\s\S]*?)\n?```/.exec(answer);
  return fenced?.[1] ?? answer;
}

/** The definition as data, or undefined when it is not a YAML/JSON mapping with a `do` list. */
export function parseDocument(text: string): Json | undefined {
  try {
    const value: unknown = parse(text);
    return isJson(value) && Array.isArray(value['do']) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Where a task sits: its list, its position in it, its name and value, and its pointer. */
export interface TaskPlace {
  readonly list: TaskList;
  readonly index: number;
  readonly name: string;
  readonly task: Json;
  readonly pointer: string;
}

/** The task lists directly inside a task: `do`, `try`, `catch.do`, `fork.branches`. */
function listsIn(task: Json): [string, TaskList][] {
  const lists: [string, TaskList][] = [];
  if (Array.isArray(task['do'])) lists.push(['do', task['do'] as TaskList]);
  if (Array.isArray(task['try'])) lists.push(['try', task['try'] as TaskList]);
  const caught = task['catch'];
  if (isJson(caught) && Array.isArray(caught['do'])) lists.push(['catch/do', caught['do'] as TaskList]);
  const fork = task['fork'];
  if (isJson(fork) && Array.isArray(fork['branches'])) lists.push(['fork/branches', fork['branches'] as TaskList]);
  return lists;
}

/** Every task of the document, outermost first. */
export function allTaskPlaces(document: Json): TaskPlace[] {
  const places: TaskPlace[] = [];
  const visit = (list: TaskList, pointer: string): void => {
    list.forEach((item, index) => {
      const name = isJson(item) ? Object.keys(item)[0] : undefined;
      const task = name === undefined ? undefined : item[name];
      if (name === undefined || !isJson(task)) return;
      const at = `${pointer}/${index}/${escape(name)}`;
      places.push({ list, index, name, task, pointer: at });
      for (const [key, nested] of listsIn(task)) visit(nested, `${at}/${key}`);
    });
  };
  if (Array.isArray(document['do'])) visit(document['do'] as TaskList, '/do');
  return places;
}

/** The innermost task whose pointer the given pointer is in (or is). */
export function taskAt(document: Json, pointer: string): TaskPlace | undefined {
  let found: TaskPlace | undefined;
  for (const place of allTaskPlaces(document)) {
    if ((pointer === place.pointer || pointer.startsWith(`${place.pointer}/`)) && (found === undefined || place.pointer.length > found.pointer.length))
      found = place;
  }
  return found;
}

/** Every task name in the document. */
export function taskNames(document: Json): Set<string> {
  return new Set(allTaskPlaces(document).map((p) => p.name));
}

/** The `then` fields of a task and of its switch cases, as objects holding them. */
function thenHolders(task: Json): Json[] {
  const holders: Json[] = [];
  if (typeof task['then'] === 'string') holders.push(task);
  if (Array.isArray(task['switch'])) {
    for (const item of task['switch'] as unknown[]) {
      if (!isJson(item)) continue;
      for (const choice of Object.values(item)) if (isJson(choice) && typeof choice['then'] === 'string') holders.push(choice);
    }
  }
  return holders;
}

/** Points every `then` of the list that names `from` at `to`. */
export function retarget(list: TaskList, from: string, to: string): void {
  for (const item of list) {
    const task = isJson(item) ? Object.values(item)[0] : undefined;
    if (!isJson(task)) continue;
    for (const holder of thenHolders(task)) if (holder['then'] === from) holder['then'] = to;
  }
}

/** Removes a task; the `then`s that named it go to the task after it (or end the list). */
export function removeTask(place: TaskPlace): void {
  const leave = place.pointer.split('/').length > 4 ? 'exit' : 'end';
  const next = place.list[place.index + 1];
  const successor = next === undefined ? leave : (Object.keys(next)[0] ?? leave);
  place.list.splice(place.index, 1);
  retarget(place.list, place.name, successor);
}

/** Renames a task in its list, with the `then`s that named it. */
export function renameTask(place: TaskPlace, name: string): void {
  place.list[place.index] = { [name]: place.task };
  retarget(place.list, place.name, name);
}

/** The names of the tasks of one list. */
export function namesOf(list: TaskList): string[] {
  return list.flatMap((item) => (isJson(item) ? Object.keys(item).slice(0, 1) : []));
}

function escape(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** The segments of a JSON pointer. */
export function pointerSegments(pointer: string): string[] {
  if (pointer === '' || pointer === '/') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** The value at a JSON pointer, if any. */
export function valueAt(document: unknown, pointer: string): unknown {
  return walk(document, pointerSegments(pointer));
}

function walk(document: unknown, segments: readonly string[]): unknown {
  let value = document;
  for (const segment of segments) {
    if (Array.isArray(value)) value = value[Number(segment)];
    else if (isJson(value)) value = value[segment];
    else return undefined;
  }
  return value;
}

/** Deletes the value at a JSON pointer (an array item is spliced out); false when there is none. */
export function deleteAt(document: unknown, pointer: string): boolean {
  const segments = pointerSegments(pointer);
  const last = segments.pop();
  if (last === undefined) return false;
  const parent = walk(document, segments);
  if (Array.isArray(parent) && Number(last) < parent.length) {
    parent.splice(Number(last), 1);
    return true;
  }
  if (isJson(parent) && last in parent) {
    delete parent[last];
    return true;
  }
  return false;
}

/** The JSON pointer of segments. */
export function pointerOf(segments: readonly string[]): string {
  return segments.map((s) => `/${escape(s)}`).join('');
}
