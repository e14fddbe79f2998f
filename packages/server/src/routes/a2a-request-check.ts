/**
 * The shape checks an A2A JSON-RPC request gets before the SDK's transports read it: they trust the
 * types of the members they use (a task id's `trim`, a push config's `id`), so a number or an object
 * where a string goes would surface as an internal error. Here such a request is a JSON-RPC invalid
 * request (-32600) or invalid params (-32602) that names the member and what it must be.
 */

export const INVALID_REQUEST = -32600;
export const INVALID_PARAMS = -32602;

export interface MalformedRequest {
  code: typeof INVALID_REQUEST | typeof INVALID_PARAMS;
  message: string;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Unset (absent or null, which protobuf JSON reads as unset) or a string. */
const isStringOrUnset = (value: unknown): boolean => value === undefined || value === null || typeof value === 'string';

/** Members that, when set, must be strings (task, context and message ids, a task's name). */
const PARAM_STRINGS = ['id', 'name', 'taskId', 'contextId', 'tenant'] as const;
const MESSAGE_STRINGS = ['messageId', 'taskId', 'contextId', 'kind'] as const;

/** Why `body` (parsed JSON) is not a request the transports can read, or undefined when it is. */
export function malformedA2aRequest(body: unknown): MalformedRequest | undefined {
  if (Array.isArray(body))
    return { code: INVALID_REQUEST, message: 'BATON_INVALID_ARGUMENT: Batch requests are not supported: send one JSON-RPC request object per HTTP request.' };
  if (!isObject(body))
    return {
      code: INVALID_REQUEST,
      message: 'BATON_INVALID_ARGUMENT: The body is not a JSON-RPC request: send an object with jsonrpc "2.0", an id, a method and params.',
    };
  if (!('params' in body) || body.params === undefined) return undefined;
  const { params } = body;
  if (!isObject(params)) return { code: INVALID_PARAMS, message: 'BATON_INVALID_ARGUMENT: params must be an object.' };
  for (const key of PARAM_STRINGS) if (!isStringOrUnset(params[key])) return invalid(`params.${key}`, 'a string');
  if ('message' in params) {
    const { message } = params;
    if (!isObject(message)) return invalid('params.message', 'an object');
    for (const key of MESSAGE_STRINGS) if (!isStringOrUnset(message[key])) return invalid(`params.message.${key}`, 'a string');
    if ('parts' in message && !Array.isArray(message.parts)) return invalid('params.message.parts', 'an array of parts');
    if (Array.isArray(message.parts)) {
      if (!message.parts.every(isObject)) return invalid('params.message.parts', 'an array of part objects');
      const index = message.parts.findIndex((part) => 'text' in part && typeof part.text !== 'string');
      if (index >= 0) return invalid(`params.message.parts[${index}].text`, 'a string');
    }
    if ('metadata' in message && message.metadata !== undefined && message.metadata !== null && !isObject(message.metadata))
      return invalid('params.message.metadata', 'an object');
  }
  if ('metadata' in params && params.metadata !== undefined && params.metadata !== null && !isObject(params.metadata))
    return invalid('params.metadata', 'an object');
  if ('configuration' in params && params.configuration !== undefined && params.configuration !== null && !isObject(params.configuration))
    return invalid('params.configuration', 'an object');
  if (body.method === 'tasks/pushNotificationConfig/set' && !isObject(params.pushNotificationConfig))
    return invalid('params.pushNotificationConfig', 'an object');
  return undefined;
}

function invalid(member: string, what: string): MalformedRequest {
  return { code: INVALID_PARAMS, message: `BATON_INVALID_ARGUMENT: ${member} must be ${what}.` };
}
