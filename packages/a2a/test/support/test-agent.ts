/**
 * A remote A2A agent for tests, made with the SDK: DefaultRequestHandler, an AgentExecutor and the
 * JSON-RPC transport handler, served by node:http on 127.0.0.1 (port 0) with its agent card. What it
 * does depends on the message text: `quick …` completes at once, `slow …` works until `release()`,
 * `ask …` needs input (the reply completes it), `fail …` fails, `hang …` works until cancelled.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AgentCard, Role, TaskState, type Message, type Part, type Task } from '@a2a-js/sdk';
import {
  AgentEvent,
  DefaultRequestHandler,
  InMemoryTaskStore,
  JsonRpcTransportHandler,
  ServerCallContext,
  type AgentExecutor,
  type ExecutionEventBus,
  type RequestContext,
} from '@a2a-js/sdk/server';

export interface TestAgent {
  readonly url: string;
  /** Every message the agent received, in order (text of its first text part, and its ids). */
  readonly received: { messageId: string; text: string; taskId: string }[];
  /** Agent card downloads. */
  readonly cardFetches: number;
  /** Task ids of every tasks/cancel request. */
  readonly cancelled: string[];
  /** The JSON-RPC method of every request, in order. */
  readonly methods: string[];
  /** Completes every `slow` task. */
  release(): void;
  close(): Promise<void>;
}

const textOf = (message: Message): string => message.parts.map((part) => (part.content?.$case === 'text' ? part.content.value : '')).join('');

const textPart = (text: string): Part => ({ content: { $case: 'text', value: text }, metadata: undefined, filename: '', mediaType: 'text/plain' });

function agentMessage(text: string, taskId: string, contextId: string): Message {
  return {
    messageId: `reply-${Math.random().toString(36).slice(2)}`,
    contextId,
    taskId,
    role: Role.ROLE_AGENT,
    parts: [textPart(text)],
    metadata: undefined,
    extensions: [],
    referenceTaskIds: [],
  };
}

function status(bus: ExecutionEventBus, taskId: string, contextId: string, state: TaskState, text?: string): void {
  bus.publish(
    AgentEvent.statusUpdate({
      taskId,
      contextId,
      status: { state, message: text === undefined ? undefined : agentMessage(text, taskId, contextId), timestamp: new Date().toISOString() },
      metadata: undefined,
    }),
  );
}

function complete(bus: ExecutionEventBus, taskId: string, contextId: string, text: string): void {
  bus.publish(
    AgentEvent.artifactUpdate({
      taskId,
      contextId,
      artifact: {
        artifactId: 'answer',
        name: 'answer',
        description: '',
        parts: [textPart(text), { content: { $case: 'data', value: { echoed: text } }, metadata: undefined, filename: '', mediaType: 'application/json' }],
        metadata: undefined,
        extensions: [],
      },
      append: false,
      lastChunk: true,
      metadata: undefined,
    }),
  );
  status(bus, taskId, contextId, TaskState.TASK_STATE_COMPLETED, text);
  bus.finished();
}

export async function startTestAgent(): Promise<TestAgent> {
  const received: TestAgent['received'] = [];
  const cancelled: string[] = [];
  const methods: string[] = [];
  let releaseSlow!: () => void;
  const slowGate = new Promise<void>((resolve) => (releaseSlow = resolve));
  let cardFetches = 0;

  const executor: AgentExecutor = {
    async execute(request: RequestContext, bus: ExecutionEventBus) {
      const message = request.userMessage;
      const text = textOf(message);
      received.push({ messageId: message.messageId, text, taskId: request.taskId });
      const { taskId, contextId } = request;
      if (request.task === undefined) {
        const task: Task = {
          id: taskId,
          contextId,
          status: { state: TaskState.TASK_STATE_SUBMITTED, message: undefined, timestamp: new Date().toISOString() },
          artifacts: [],
          history: [message],
          metadata: undefined,
        };
        bus.publish(AgentEvent.task(task));
      } else {
        bus.publish(AgentEvent.task(request.task));
      }
      const previous = request.task === undefined ? undefined : received.find((m) => m.taskId === taskId && m !== received.at(-1));
      if (previous?.text.startsWith('ask')) return complete(bus, taskId, contextId, `got: ${text}`);
      const [verb] = text.split(' ');
      switch (verb) {
        case 'quick':
          return complete(bus, taskId, contextId, `done: ${text}`);
        case 'ask':
          status(bus, taskId, contextId, TaskState.TASK_STATE_INPUT_REQUIRED, 'Which colour?');
          return bus.finished();
        case 'fail':
          status(bus, taskId, contextId, TaskState.TASK_STATE_FAILED, 'The agent could not do it.');
          return bus.finished();
        case 'slow':
          status(bus, taskId, contextId, TaskState.TASK_STATE_WORKING);
          await slowGate;
          return complete(bus, taskId, contextId, `done: ${text}`);
        default:
          status(bus, taskId, contextId, TaskState.TASK_STATE_WORKING);
          // `hang`: works until cancelled (cancelTask publishes the final status).
          return;
      }
    },
    async cancelTask(taskId: string, bus: ExecutionEventBus) {
      const contextId = received.find((m) => m.taskId === taskId)?.taskId ?? '';
      status(bus, taskId, contextId, TaskState.TASK_STATE_CANCELED);
      bus.finished();
    },
  };

  let base = '';
  const card = (): AgentCard =>
    AgentCard.fromJSON({
      name: 'Test agent',
      description: 'Answers, asks, fails and hangs on demand.',
      version: '1.0.0',
      supportedInterfaces: [{ url: `${base}/a2a`, protocolBinding: 'JSONRPC', protocolVersion: '1.0' }],
      capabilities: { streaming: true, pushNotifications: false },
      defaultInputModes: ['text/plain'],
      defaultOutputModes: ['text/plain', 'application/json'],
      skills: [{ id: 'echo', name: 'echo', description: 'Echoes', tags: ['test'] }],
    });
  const handler = new JsonRpcTransportHandler(new DefaultRequestHandler(card(), new InMemoryTaskStore(), executor));

  const server: Server = createServer((req, res) => {
    void (async () => {
      if (req.method === 'GET' && req.url === '/.well-known/agent-card.json') {
        cardFetches++;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(AgentCard.toJSON(card())));
        return;
      }
      if (req.method !== 'POST' || req.url !== '/a2a') {
        res.writeHead(404).end();
        return;
      }
      const body = await readBody(req);
      const rpc = JSON.parse(body) as { method?: string; params?: { id?: string } };
      methods.push(rpc.method ?? '');
      if (/cancel/i.test(rpc.method ?? '') && typeof rpc.params?.id === 'string') cancelled.push(rpc.params.id);
      const version = req.headers['a2a-version'];
      const context = new ServerCallContext({ requestedVersion: typeof version === 'string' ? version : '1.0' });
      const result = await handler.handle(body, context);
      if (Symbol.asyncIterator in result) {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
        for await (const event of result) res.write(`data: ${JSON.stringify(event)}\n\n`);
        res.end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(result));
    })().catch((error: unknown) => {
      res.writeHead(500).end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    received,
    get cardFetches() {
      return cardFetches;
    },
    cancelled,
    methods,
    release: () => releaseSlow(),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
