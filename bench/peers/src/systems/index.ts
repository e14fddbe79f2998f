/** Every system the harness knows, in the order of the first round. */
import type { PeerSystem } from '../system.js';
import { systems as baton } from './baton.js';
import { systems as bullmq } from './bullmq.js';
import { systems as dbos } from './dbos.js';
import { systems as graphileWorker } from './graphile-worker.js';
import { systems as langgraph } from './langgraph.js';
import { systems as mastra } from './mastra.js';
import { systems as pgBoss } from './pg-boss.js';
import { systems as restate } from './restate.js';

export const systems: PeerSystem[] = [...baton, ...dbos, ...restate, ...mastra, ...langgraph, ...graphileWorker, ...pgBoss, ...bullmq];
