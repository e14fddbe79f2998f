/**
 * `call: a2a` against a real A2A agent made with the SDK on 127.0.0.1, on SQLite and on PostgreSQL: message/send (ids defaulted,
 * a long task followed while the run waits), tasks/get by card and by server endpoint, tasks/cancel,
 * message/stream, a remote error caught by `try`, and the definition errors of its `with`.
 */
import { parseDefinition } from '@baton/dsl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestAgent, type TestAgent } from '../../a2a/test/support/test-agent.js';
import { DefinitionRunner } from './definition-runner.js';
import { testStores } from './test-stores.js';
import { simulateInMemory, task } from './simulation/simulation-support.js';

let agent: TestAgent;
const runners = testStores('call: a2a').map((store) => ({ name: store.name, runner: new DefinitionRunner(() => store.create()) }));

beforeAll(async () => {
  agent = await startTestAgent();
});
afterAll(async () => {
  for (const { runner } of runners) await runner.close();
  await agent.close();
});

const definition = (tasks: string) => `
document: { dsl: '1.0.3', namespace: test, name: a2a-calls, version: '1.0.0' }
do:
${tasks}`;

const send = (text: string, extra = '') => `
  - ask:
      call: a2a
      with:
        method: message/send
        agentCard:
          endpoint: ${agent.url}/.well-known/agent-card.json
        parameters:
          message:
            parts:
              - kind: text
                text: ${text}${extra}`;

describe.each(runners)('call: a2a on $name', { timeout: 120_000 }, ({ runner }) => {
  // A fresh agent for each store: the agent remembers the messages it received and releases its slow tasks once.
  let shared: TestAgent;
  beforeAll(async () => {
    shared = agent;
    agent = await startTestAgent();
  });
  afterAll(async () => {
    await agent.close();
    agent = shared;
  });

  describe('call: a2a message/send', () => {
    it('outputs the task in A2A v0.3 shape, the message id defaulted per run and task, the role to user', async () => {
      const outcome = await runner.run(definition(send('quick report')));
      expect(outcome.status).toBe('completed');
      expect(outcome.output).toMatchObject({
        kind: 'task',
        status: { state: 'completed', message: { kind: 'message', role: 'agent', parts: [{ kind: 'text', text: 'done: quick report' }] } },
        artifacts: [
          {
            artifactId: 'answer',
            parts: [
              { kind: 'text', text: 'done: quick report' },
              { kind: 'data', data: { echoed: 'done: quick report' } },
            ],
          },
        ],
      });
      const received = agent.received.find((m) => m.text === 'quick report');
      expect(received?.messageId).toContain(outcome.runId);
      expect((outcome.output as { history: { role: string }[] }).history[0]).toMatchObject({ role: 'user', messageId: received?.messageId });
    });

    it('follows a task that is not finished with durable sleeps: the run waits, then outputs the completed task', async () => {
      const workflow = await runner.workflow(definition(send('slow summary')));
      const engine = await runner.engine([workflow]);
      const run = await engine.client.start(workflow, {});
      const deadline = Date.now() + 30_000;
      while ((await engine.client.get(run.id))?.status !== 'waiting' || !agent.received.some((m) => m.text === 'slow summary')) {
        if (Date.now() > deadline) throw new Error('the run did not wait for the remote task');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      agent.release();
      const outcome = await runner.outcome(engine, run.id);
      expect(outcome.output).toMatchObject({ kind: 'task', status: { state: 'completed' } });
      expect(outcome.steps.filter((name) => name.endsWith('a2a send'))).toHaveLength(1);
      expect(outcome.steps.some((name) => name.endsWith('a2a send poll'))).toBe(true);
      expect(agent.received.filter((m) => m.text === 'slow summary')).toHaveLength(1);
    });

    it('outputs every result of message/stream in order', async () => {
      const outcome = await runner.run(definition(send('quick stream').replace('message/send', 'message/stream')));
      expect(outcome.status).toBe('completed');
      const events = outcome.output as { kind: string; status?: { state: string } }[];
      expect(events[0]?.kind).toBe('task');
      expect(events.at(-1)).toMatchObject({ kind: 'status-update', status: { state: 'completed' }, final: true });
      expect(events.map((e) => e.kind)).toContain('artifact-update');
    });
  });

  describe('call: a2a tasks/get and tasks/cancel', () => {
    it('reads and cancels a task started without waiting (configuration.blocking false), by card and by server endpoint', async () => {
      const outcome = await runner.run(
        definition(`${send(
          'hang on',
          `
          configuration:
            blocking: false`,
        )}
  - get:
      call: a2a
      with:
        method: tasks/get
        server: ${agent.url}/a2a
        parameters:
          id: \${ .id }
  - cancel:
      call: a2a
      with:
        method: tasks/cancel
        agentCard: { endpoint: '${agent.url}' }
        parameters: { id: '\${ .id }' }
      output:
        as: '\${ { id: .id, state: .status.state } }'`),
      );
      expect(outcome.status).toBe('completed');
      const { id, state } = outcome.output as { id: string; state: string };
      expect(state).toBe('canceled');
      expect(agent.cancelled).toContain(id);
    });

    it('raises the runtime error for a remote failure, which try catches', async () => {
      const outcome = await runner.run(
        definition(`
  - guarded:
      try:
        - get:
            call: a2a
            with:
              method: tasks/get
              agentCard: { endpoint: '${agent.url}/.well-known/agent-card.json' }
              parameters: { id: no-such-task }
      catch:
        errors:
          with: { type: https://serverlessworkflow.io/spec/1.0.0/errors/runtime }
        as: failure
        do:
          - report:
              set:
                caught: \${ $failure.type }
                detail: \${ $failure.detail }`),
      );
      expect(outcome.status).toBe('completed');
      expect(outcome.output).toMatchObject({ caught: 'https://serverlessworkflow.io/spec/1.0.0/errors/runtime' });
      expect((outcome.output as { detail: string }).detail).toContain('no-such-task');
    });

    it('fails the run with the runtime error when nothing catches it, an unreachable agent included', async () => {
      const outcome = await runner.run(
        definition(`
  - get:
      call: a2a
      with:
        method: tasks/get
        server: http://127.0.0.1:9/a2a
        parameters: { id: t1 }`),
      );
      expect(outcome.status).toBe('failed');
      expect(outcome.fault).toMatchObject({ type: 'https://serverlessworkflow.io/spec/1.0.0/errors/runtime', instance: '/do/0/get' });
    }, 60_000);
  });
});

describe('call: a2a definitions', () => {
  it('reports an unsupported method and a missing agent where they are', async () => {
    const parsed = await parseDefinition(`
document: { dsl: '1.0.3', namespace: test, name: bad-a2a, version: '1.0.0' }
do:
  - list:
      call: a2a
      with:
        method: tasks/list
  - nothing:
      call: a2a
      with:
        method: message/sned
        agentCard: { endpoint: 'http://127.0.0.1/card.json' }`);
    expect(parsed.ok).toBe(false);
    const issues = parsed.ok ? [] : parsed.issues.map((issue) => [issue.path, issue.message]);
    expect(issues).toEqual(
      expect.arrayContaining([
        ['/do/0/list/with/method', expect.stringContaining("method 'tasks/list' is not run by Baton")],
        ['/do/0/list/with/agentCard', expect.stringContaining("give 'agentCard'")],
        ['/do/1/nothing/with/method', expect.stringContaining("method 'message/sned' is not an A2A method")],
      ]),
    );
  });
});

describe('call: a2a in a simulation', () => {
  it('is answered by the scenario and sends nothing', async () => {
    const before = agent.received.length;
    const result = await simulateInMemory(definition(send('quick simulated')), {}, { scenario: { tasks: { ask: { output: { kind: 'task', id: 'sim' } } } } });
    expect(result.status).toBe('completed');
    expect(task(result, 'ask')).toMatchObject({ answeredBy: 'scenario', output: { kind: 'task', id: 'sim' } });
    expect(agent.received.length).toBe(before);
  });
});
