/** Every system the harness knows, in the order of the first round. */
import type { PeerSystem } from '../system.js';
import { systems as baton } from './baton.js';
import { systems as dbos } from './dbos.js';
import { systems as restate } from './restate.js';

export const systems: PeerSystem[] = [...baton, ...dbos, ...restate];
