/**
 * The tasks of a planned definition that the checks care about, found by walking its document: which
 * catalog workflows it calls (and from which task), which tasks are approvals, which ask a model.
 * Tasks are keyed by their JSON pointer (`/do/2/checkCredit`, `/do/0/review/try/1/approve`), the
 * reference a simulation's path reports, so a path can be read as "went through workflow X".
 */

export interface FoundTask {
  /** The task's JSON pointer. */
  readonly reference: string;
  readonly name: string;
  /** The catalog workflows it calls: `call: baton.workflow`, `run: workflow`, or an agent's tools. */
  readonly workflows: readonly string[];
  /** The workflow it runs as a child (`call: baton.workflow`, `run: workflow`): its output is that workflow's. */
  readonly child?: string;
  readonly approval: boolean;
  /** `call: baton.llm`. */
  readonly model: boolean;
  /** The approval's form (its JSON Schema), when it is one. */
  readonly form?: unknown;
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Every task of the document, nested ones included, in document order. */
export function definitionTasks(document: unknown): FoundTask[] {
  const found: FoundTask[] = [];
  const root = isObject(document) ? document : {};
  walkList(root['do'], '/do', found);
  return found;
}

/** A task list: `[{ name: task }, …]`. */
function walkList(list: unknown, pointer: string, found: FoundTask[]): void {
  if (!Array.isArray(list)) return;
  list.forEach((item, index) => {
    if (!isObject(item)) return;
    for (const [name, task] of Object.entries(item)) {
      if (isObject(task)) walkTask(name, task, `${pointer}/${index}/${name}`, found);
    }
  });
}

function walkTask(name: string, task: Json, reference: string, found: FoundTask[]): void {
  const call = task['call'];
  const withArgs = isObject(task['with']) ? task['with'] : {};
  const workflows: string[] = [];
  if (call === 'baton.workflow' && typeof withArgs['name'] === 'string') workflows.push(withArgs['name']);
  if (call === 'baton.agent' && Array.isArray(withArgs['tools'])) {
    for (const tool of withArgs['tools']) {
      if (typeof tool === 'string') workflows.push(tool);
      else if (isObject(tool) && typeof tool['name'] === 'string') workflows.push(tool['name']);
    }
  }
  const run = isObject(task['run']) ? task['run'] : undefined;
  const child = run !== undefined && isObject(run['workflow']) ? run['workflow'] : undefined;
  if (child !== undefined && typeof child['name'] === 'string') {
    workflows.push(typeof child['namespace'] === 'string' && child['namespace'] !== '' ? `${child['namespace']}.${child['name']}` : child['name']);
  }
  const approval = call === 'baton.approval';
  const childName = call === 'baton.workflow' || child !== undefined ? workflows[0] : undefined;
  found.push({
    reference,
    name,
    workflows,
    ...(childName === undefined ? {} : { child: childName }),
    approval,
    model: call === 'baton.llm',
    ...(approval ? { form: withArgs['form'] } : {}),
  });

  // Nested task lists, with the pointers the interpreter gives them (names unescaped, as it does):
  // `do`, `for`'s `do`, `try` and its `catch.do`, `fork.branches`, `listen.foreach.do`.
  walkList(task['do'], `${reference}/do`, found);
  walkList(task['try'], `${reference}/try`, found);
  const caught = isObject(task['catch']) ? task['catch'] : undefined;
  if (caught !== undefined) walkList(caught['do'], `${reference}/catch/do`, found);
  const fork = isObject(task['fork']) ? task['fork'] : undefined;
  if (fork !== undefined) walkList(fork['branches'], `${reference}/fork/branches`, found);
  const listen = isObject(task['listen']) ? task['listen'] : undefined;
  const foreach = listen !== undefined && isObject(listen['foreach']) ? listen['foreach'] : undefined;
  if (foreach !== undefined) walkList(foreach['do'], `${reference}/foreach/do`, found);
}

/** The catalog workflows a definition calls anywhere. */
export function calledWorkflows(tasks: readonly FoundTask[]): Set<string> {
  return new Set(tasks.flatMap((task) => task.workflows));
}
