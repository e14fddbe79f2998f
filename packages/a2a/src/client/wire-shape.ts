/**
 * Between the SDK's A2A v1.0 objects and the JSON shape Baton journals and returns: A2A v0.3's
 * (`kind: 'task' | 'message'`, parts `{ kind: 'text', text }`, states `completed`, `input-required`…),
 * the shape the Serverless Workflow DSL's A2A methods name and what a workflow reads most easily.
 * Journaled values are plain JSON: raw file bytes become base64, as v0.3 writes them.
 */
import { Role, TaskState, type Artifact, type Message, type Part, type StreamResponse, type Task, type TaskStatus } from '@a2a-js/sdk';

/** A task's state as A2A v0.3 names it. */
export const A2aTaskState = {
  Submitted: 'submitted',
  Working: 'working',
  InputRequired: 'input-required',
  AuthRequired: 'auth-required',
  Completed: 'completed',
  Failed: 'failed',
  Canceled: 'canceled',
  Rejected: 'rejected',
  Unknown: 'unknown',
} as const;
export type A2aTaskState = (typeof A2aTaskState)[keyof typeof A2aTaskState];

/** States after which the task changes no more. */
export const FINAL_STATES: readonly A2aTaskState[] = ['completed', 'failed', 'canceled', 'rejected'];
/** States in which the task waits for the caller (a reply, or credentials). */
export const INTERRUPTED_STATES: readonly A2aTaskState[] = ['input-required', 'auth-required'];

/** True when a follower stops: the task ended, or it waits for the caller. */
export function isSettled(state: A2aTaskState): boolean {
  return FINAL_STATES.includes(state) || INTERRUPTED_STATES.includes(state);
}

export type A2aPart =
  | { kind: 'text'; text: string; metadata?: Record<string, unknown> }
  | { kind: 'data'; data: unknown; metadata?: Record<string, unknown> }
  | { kind: 'file'; file: { uri?: string; bytes?: string; mimeType?: string; name?: string }; metadata?: Record<string, unknown> };

export interface A2aMessage {
  kind: 'message';
  messageId: string;
  role: 'user' | 'agent';
  parts: A2aPart[];
  contextId?: string;
  taskId?: string;
  referenceTaskIds?: string[];
  extensions?: string[];
  metadata?: Record<string, unknown>;
}

export interface A2aArtifact {
  artifactId: string;
  name?: string;
  description?: string;
  parts: A2aPart[];
  metadata?: Record<string, unknown>;
  extensions?: string[];
}

export interface A2aTaskStatus {
  state: A2aTaskState;
  message?: A2aMessage;
  timestamp?: string;
}

export interface A2aTask {
  kind: 'task';
  id: string;
  contextId: string;
  status: A2aTaskStatus;
  artifacts?: A2aArtifact[];
  history?: A2aMessage[];
  metadata?: Record<string, unknown>;
}

export type A2aStreamEvent =
  | A2aTask
  | A2aMessage
  | { kind: 'status-update'; taskId: string; contextId: string; status: A2aTaskStatus; final: boolean; metadata?: Record<string, unknown> }
  | {
      kind: 'artifact-update';
      taskId: string;
      contextId: string;
      artifact: A2aArtifact;
      append: boolean;
      lastChunk: boolean;
      metadata?: Record<string, unknown>;
    };

const STATES: Readonly<Record<number, A2aTaskState>> = {
  [TaskState.TASK_STATE_SUBMITTED]: 'submitted',
  [TaskState.TASK_STATE_WORKING]: 'working',
  [TaskState.TASK_STATE_COMPLETED]: 'completed',
  [TaskState.TASK_STATE_FAILED]: 'failed',
  [TaskState.TASK_STATE_CANCELED]: 'canceled',
  [TaskState.TASK_STATE_INPUT_REQUIRED]: 'input-required',
  [TaskState.TASK_STATE_REJECTED]: 'rejected',
  [TaskState.TASK_STATE_AUTH_REQUIRED]: 'auth-required',
};

function withMetadata<T extends object>(value: T, metadata: Record<string, unknown> | undefined): T {
  return metadata === undefined || Object.keys(metadata).length === 0 ? value : { ...value, metadata: plain(metadata) };
}

/** JSON only (the journal keeps it as it is): undefined fields dropped. */
function plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

export function partToWire(part: Part): A2aPart {
  const content = part.content;
  const file = (extra: { uri?: string; bytes?: string }): A2aPart => ({
    kind: 'file',
    file: { ...extra, ...(part.mediaType === '' ? {} : { mimeType: part.mediaType }), ...(part.filename === '' ? {} : { name: part.filename }) },
  });
  let out: A2aPart;
  switch (content?.$case) {
    case 'text':
      out = { kind: 'text', text: content.value };
      break;
    case 'data':
      out = { kind: 'data', data: plain(content.value ?? null) };
      break;
    case 'url':
      out = file({ uri: content.value });
      break;
    case 'raw':
      out = file({ bytes: Buffer.from(content.value).toString('base64') });
      break;
    default:
      out = { kind: 'text', text: '' };
  }
  return withMetadata(out, part.metadata);
}

export function messageToWire(message: Message): A2aMessage {
  const out: A2aMessage = {
    kind: 'message',
    messageId: message.messageId,
    role: message.role === Role.ROLE_USER ? 'user' : 'agent',
    parts: message.parts.map(partToWire),
  };
  if (message.contextId !== '') out.contextId = message.contextId;
  if (message.taskId !== '') out.taskId = message.taskId;
  if (message.referenceTaskIds.length > 0) out.referenceTaskIds = [...message.referenceTaskIds];
  if (message.extensions.length > 0) out.extensions = [...message.extensions];
  return withMetadata(out, message.metadata);
}

function artifactToWire(artifact: Artifact): A2aArtifact {
  const out: A2aArtifact = { artifactId: artifact.artifactId, parts: artifact.parts.map(partToWire) };
  if (artifact.name !== '') out.name = artifact.name;
  if (artifact.description !== '') out.description = artifact.description;
  if (artifact.extensions.length > 0) out.extensions = [...artifact.extensions];
  return withMetadata(out, artifact.metadata);
}

function statusToWire(status: TaskStatus | undefined): A2aTaskStatus {
  const out: A2aTaskStatus = { state: STATES[status?.state ?? -1] ?? 'unknown' };
  if (status?.message !== undefined) out.message = messageToWire(status.message);
  if (status?.timestamp !== undefined && status.timestamp !== '') out.timestamp = status.timestamp;
  return out;
}

export function taskToWire(task: Task): A2aTask {
  const out: A2aTask = { kind: 'task', id: task.id, contextId: task.contextId, status: statusToWire(task.status) };
  if (task.artifacts.length > 0) out.artifacts = task.artifacts.map(artifactToWire);
  if (task.history.length > 0) out.history = task.history.map(messageToWire);
  return withMetadata(out, task.metadata);
}

/** A message/send result: a task, or a message (an agent that answers without a task). */
export function sendResultToWire(result: Task | Message): A2aTask | A2aMessage {
  return 'messageId' in result ? messageToWire(result) : taskToWire(result);
}

export function streamEventToWire(event: StreamResponse): A2aStreamEvent | undefined {
  const payload = event.payload;
  switch (payload?.$case) {
    case 'task':
      return taskToWire(payload.value);
    case 'message':
      return messageToWire(payload.value);
    case 'statusUpdate': {
      const status = statusToWire(payload.value.status);
      return withMetadata(
        {
          kind: 'status-update' as const,
          taskId: payload.value.taskId,
          contextId: payload.value.contextId,
          status,
          final: FINAL_STATES.includes(status.state),
        },
        payload.value.metadata,
      );
    }
    case 'artifactUpdate':
      return withMetadata(
        {
          kind: 'artifact-update' as const,
          taskId: payload.value.taskId,
          contextId: payload.value.contextId,
          artifact: payload.value.artifact === undefined ? { artifactId: '', parts: [] } : artifactToWire(payload.value.artifact),
          append: payload.value.append,
          lastChunk: payload.value.lastChunk,
        },
        payload.value.metadata,
      );
    default:
      return undefined;
  }
}
