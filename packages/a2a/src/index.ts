/**
 * @baton/a2a: Baton on both sides of the Agent2Agent protocol. As a server, each chosen workflow is
 * an agent skill and each run an A2A task; as a client, `ctx.a2a(agent).send(message)` calls a
 * remote agent as a journaled step that follows the remote task until it ends.
 */
import { registerContextExtension } from '@baton/core';
import { a2aExtension } from './client/process-agents.js';

registerContextExtension('a2a', a2aExtension);

export * from './client/index.js';
