/**
 * `call: a2a` ("A2A Call" in the reference): a JSON-RPC method of a remote A2A agent, named as
 * A2A v0.3 names them, whose output is the method's result in v0.3's JSON shape. Each request is a
 * journaled step; `message/send` defaults `message.messageId` to the step's idempotency key (stable
 * for the run and task) and `message.role` to `user`, and a task it answers with that is not settled
 * is followed by journaled polls between durable sleeps (the run waits holding no worker), unless
 * `configuration.blocking` is false. `message/stream` and `tasks/resubscribe` output every result
 * in order. A remote failure is the DSL's runtime error; a method Baton does not run, or no agent,
 * is a configuration error.
 */
import { A2aClientErrorCode, messageFromWire, remoteAgent, type AgentTarget, type RemoteAgent } from '@baton/a2a';
import { errorMessage, hasErrorCode } from '@baton/core';
import { A2A_CALL_METHODS } from '../../definition/dsl-compat.js';
import { faultOf } from '../../runtime/faults.js';
import { stepName } from '../../runtime/run-frame.js';
import { standardFault } from '../../runtime/workflow-fault.js';
import type { CompoundExecutor, CompoundInvocation } from '../executor.js';
import { authorizationHeader } from './authentication.js';
import { isRecord, type CallScope } from './call-context.js';
import { configurationFault } from './call-fault.js';
import { resolveEndpoint } from './endpoint.js';

const STEP_FAILED = 'BATON_STEP_FAILED';
const A2A_CODES: readonly string[] = Object.values(A2aClientErrorCode);

export const a2aCallExecutor: CompoundExecutor = {
  kind: 'compound',
  async perform(invocation) {
    const { site } = invocation;
    try {
      return { output: await performA2aCall(invocation) };
    } catch (error) {
      throw asFault(error, site.reference);
    }
  },
};

async function performA2aCall({ task, input, scope, frame, site }: CompoundInvocation): Promise<unknown> {
  const written = task.with;
  if (!isRecord(written))
    throw configurationFault(`call: a2a (task ${site.reference}) needs 'with': { method, agentCard or server, parameters }`, { instance: site.reference });
  // Everything is evaluated but authentication policies, which the call evaluates itself when it uses them.
  const { agentCard, server, ...rest } = written;
  const args = (await frame.evaluator.template(rest, input, scope)) as Record<string, unknown>;
  const evaluateEndpoint = async (holder: unknown, key: string): Promise<unknown> => {
    if (!isRecord(holder)) return holder === undefined ? undefined : frame.evaluator.template(holder, input, scope);
    const endpoint = holder[key];
    if (!isRecord(endpoint) || endpoint.authentication === undefined) return frame.evaluator.template(holder, input, scope);
    const { authentication, ...plain } = endpoint;
    return { ...holder, [key]: { ...((await frame.evaluator.template(plain, input, scope)) as object), authentication } };
  };
  const callScope: CallScope = {
    options: frame.options,
    use: frame.document.use,
    signal: frame.ctx.signal,
    instance: site.reference,
    evaluate: (value) => frame.evaluator.template(value, input, scope),
  };
  const method = args.method;
  if (typeof method !== 'string' || !(A2A_CALL_METHODS as readonly string[]).includes(method)) {
    throw configurationFault(`call: a2a method '${String(method)}' is not one Baton runs: use ${A2A_CALL_METHODS.join(', ')}`, callScope);
  }
  const { target, authentication } = agentOf(
    await evaluateEndpoint(agentCard, 'endpoint'),
    isRecord(server) ? ((await evaluateEndpoint({ server }, 'server')) as { server: unknown }).server : await evaluateEndpoint(server, ''),
    input,
    site.reference,
  );
  const headers =
    authentication === undefined
      ? undefined
      : async (): Promise<Record<string, string>> => {
          const value = await authorizationHeader(authentication, callScope);
          return value === undefined ? {} : { authorization: value };
        };
  const agent = remoteAgent(frame.ctx, target, headers === undefined ? {} : { headers });
  const parameters = args.parameters ?? {};
  if (!isRecord(parameters)) throw configurationFault(`call: a2a 'parameters' must be an object (the ${method} params)`, callScope);
  const name = (what: string): string => stepName(site, `a2a ${what}`);
  switch (method) {
    case 'message/send':
    case 'message/stream':
      return sendMessage(agent, method, parameters, name(method === 'message/send' ? 'send' : 'stream'), callScope);
    case 'tasks/get':
      return agent.get(
        name('get'),
        taskIdOf(parameters, method, callScope),
        typeof parameters.historyLength === 'number' ? parameters.historyLength : undefined,
      );
    case 'tasks/cancel':
      return agent.cancel(name('cancel'), taskIdOf(parameters, method, callScope));
    default: {
      const taskId = taskIdOf(parameters, method, callScope);
      return agent.stream(name('resubscribe'), { taskId }, { taskId });
    }
  }
}

function sendMessage(agent: RemoteAgent, method: string, parameters: Record<string, unknown>, step: string, scope: CallScope): Promise<unknown> {
  if (!isRecord(parameters.message)) throw configurationFault(`call: a2a ${method} needs parameters.message ({ parts: [...] })`, scope);
  const configuration = isRecord(parameters.configuration) ? parameters.configuration : {};
  const build = (messageId: string) => ({
    tenant: '',
    message: messageFromWire(parameters.message, messageId),
    configuration: {
      acceptedOutputModes: Array.isArray(configuration.acceptedOutputModes) ? configuration.acceptedOutputModes.map(String) : [],
      taskPushNotificationConfig: undefined,
      returnImmediately: true,
      ...(typeof configuration.historyLength === 'number' ? { historyLength: configuration.historyLength } : {}),
    },
    metadata: isRecord(parameters.metadata) ? parameters.metadata : undefined,
  });
  if (method === 'message/stream') return agent.stream(step, { send: build }, { method, parameters });
  return agent.send(step, build, { method, parameters }, configuration.blocking !== false);
}

function taskIdOf(parameters: Record<string, unknown>, method: string, scope: CallScope): string {
  if (typeof parameters.id !== 'string' || parameters.id === '') throw configurationFault(`call: a2a ${method} needs parameters.id, the task id`, scope);
  return parameters.id;
}

/** The agent: its card (`agentCard.endpoint`) when given, else its JSON-RPC endpoint (`server`). */
function agentOf(agentCard: unknown, server: unknown, input: unknown, instance: string): { target: AgentTarget; authentication?: unknown } {
  if (agentCard !== undefined) {
    const endpoint = isRecord(agentCard) ? agentCard.endpoint : undefined;
    const resolved = resolveEndpoint(endpoint, input, 'call: a2a agentCard', instance);
    return { target: { card: resolved.url.href }, authentication: resolved.authentication };
  }
  if (server !== undefined) {
    const resolved = resolveEndpoint(server, input, 'call: a2a server', instance);
    return { target: { endpoint: resolved.url.href }, authentication: resolved.authentication };
  }
  throw configurationFault('call: a2a needs agentCard (the agent card) or server (the agent’s endpoint)', { instance });
}

/** A failure of the call as the DSL error a `try` catches: a remote or step failure is a runtime error. */
function asFault(error: unknown, instance: string): unknown {
  if (faultOf(error) !== undefined) return error;
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth++) {
    if (A2A_CODES.some((code) => hasErrorCode(current, code)) || (depth > 0 && current instanceof Error)) {
      return standardFault('runtime', `call: a2a failed: ${errorMessage(current)}`, { instance });
    }
    if (!hasErrorCode(current, STEP_FAILED)) break;
    current = (current as { cause?: unknown }).cause;
  }
  // Engine errors (cancellation, a lost lease) pass as they are.
  return error;
}
