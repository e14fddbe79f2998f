/**
 * The short description a graph shows on a task: what it does in a few words (`call http GET
 * …/pet/{petId}`, `wait PT5M`, `raise notFound`), read from the task's own fields.
 */

/** A task as the DSL writes it: one object whose keys say its type (`call`, `for`, `switch`…). */
export type TaskObject = Readonly<Record<string, unknown>>;

/** The task types of the DSL, in the order a task is recognised (a `for` task also has `do`). */
export const TASK_KINDS = ['call', 'emit', 'for', 'fork', 'listen', 'raise', 'run', 'set', 'switch', 'try', 'wait', 'do'] as const;
export type TaskKind = (typeof TASK_KINDS)[number];

export function taskKindOf(task: TaskObject): TaskKind | undefined {
  return TASK_KINDS.find((kind) => task[kind] !== undefined);
}

const MAX_LABEL = 48;

export function taskLabel(kind: TaskKind, task: TaskObject): string {
  return shorten(describe(kind, task));
}

function describe(kind: TaskKind, task: TaskObject): string {
  switch (kind) {
    case 'call':
      return describeCall(task);
    case 'wait':
      return `wait ${duration(task.wait)}`;
    case 'raise':
      return `raise ${raisedError(record(task.raise).error)}`;
    case 'set':
      return typeof task.set === 'string' ? `set ${task.set}` : `set ${Object.keys(record(task.set)).join(', ')}`;
    case 'switch':
      return `switch (${list(task.switch).length} cases)`;
    case 'for': {
      const loop = record(task.for);
      return `for each ${text(loop.each) ?? 'item'} in ${text(loop.in) ?? '?'}`;
    }
    case 'fork': {
      const fork = record(task.fork);
      return `fork ${list(fork.branches).length} branches${fork.compete === true ? ', first wins' : ''}`;
    }
    case 'try': {
      const type = caughtType(record(task.catch));
      return `try, catch ${type ?? 'any error'}`;
    }
    case 'emit':
      return `emit ${text(record(record(record(task.emit).event).with).type) ?? 'event'}`;
    case 'listen':
      return `listen ${describeListen(record(record(task.listen).to))}`;
    case 'run':
      return describeRun(record(task.run));
    case 'do':
      return `do ${list(task.do).length} tasks`;
  }
}

function describeCall(task: TaskObject): string {
  const call = text(task.call) ?? '?';
  const args = record(task.with);
  switch (call) {
    case 'http':
      return `call http ${(text(args.method) ?? 'GET').toUpperCase()} ${shortUri(endpointOf(args.endpoint))}`;
    case 'grpc':
      return `call grpc ${text(record(args.service).name) ?? '?'}/${text(args.method) ?? '?'}`;
    case 'openapi':
      return `call openapi ${text(args.operationId) ?? '?'}`;
    case 'asyncapi':
      return `call asyncapi ${text(args.operation) ?? text(args.operationRef) ?? '?'}`;
    default:
      return `call ${call}`;
  }
}

function describeListen(to: Record<string, unknown>): string {
  for (const mode of ['one', 'all', 'any'] as const) {
    const value = to[mode];
    if (value === undefined) continue;
    const filters = mode === 'one' ? [value] : list(value);
    const types = filters.map((f) => text(record(record(f).with).type)).filter((t): t is string => t !== undefined);
    return `to ${mode} ${types.join(', ') || 'event'}`;
  }
  return to.until === undefined ? 'for events' : 'until a condition';
}

function describeRun(run: Record<string, unknown>): string {
  if (run.container !== undefined) return `run container ${text(record(run.container).image) ?? '?'}`;
  if (run.script !== undefined) return `run script ${text(record(run.script).language) ?? '?'}`;
  if (run.shell !== undefined) return `run shell ${text(record(run.shell).command) ?? '?'}`;
  if (run.workflow !== undefined) {
    const workflow = record(run.workflow);
    return `run workflow ${text(workflow.namespace) ?? '?'}.${text(workflow.name) ?? '?'}${workflow.version === undefined ? '' : `:${String(workflow.version)}`}`;
  }
  return 'run';
}

/** The error type a catch filters on (its last segment), if it filters on one. */
export function caughtType(handler: Record<string, unknown>): string | undefined {
  const type = text(record(record(handler.errors).with).type);
  return type === undefined ? undefined : lastSegment(type);
}

/** An error a raise task throws: a reference to `use.errors` by name, or an inline error (its type's last segment). */
function raisedError(error: unknown): string {
  if (typeof error === 'string') return error;
  const type = text(record(error).type);
  return type === undefined ? 'error' : lastSegment(type);
}

/** An ISO 8601 duration as written, or the DSL's object form (`{ minutes: 5 }`) as ISO 8601. */
export function duration(value: unknown): string {
  if (typeof value === 'string') return value;
  const parts = record(value);
  const n = (key: string): number => (typeof parts[key] === 'number' ? parts[key] : 0);
  const seconds = n('seconds') + n('milliseconds') / 1000;
  const date = n('days') > 0 ? `${n('days')}D` : '';
  const time = `${n('hours') > 0 ? `${n('hours')}H` : ''}${n('minutes') > 0 ? `${n('minutes')}M` : ''}${seconds > 0 ? `${seconds}S` : ''}`;
  if (date === '' && time === '') return 'PT0S';
  return `P${date}${time === '' ? '' : `T${time}`}`;
}

function endpointOf(endpoint: unknown): string {
  return typeof endpoint === 'string' ? endpoint : (text(record(endpoint).uri) ?? '?');
}

/** A URI's last two path segments (`https://host/v2/pet/{petId}` → `…/pet/{petId}`): the part that tells calls apart. */
function shortUri(uri: string): string {
  if (uri.startsWith('${')) return uri;
  const path = uri.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '');
  const segments = path.split('/').filter((s) => s !== '');
  const hasHost = path.length < uri.length;
  return segments.length <= 2 && !hasHost ? uri : `…/${segments.slice(-2).join('/')}`;
}

function lastSegment(uri: string): string {
  return (
    uri
      .split('/')
      .filter((s) => s !== '')
      .at(-1) ?? uri
  );
}

function shorten(label: string): string {
  return label.length <= MAX_LABEL ? label : `${label.slice(0, MAX_LABEL - 1)}…`;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

export function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
