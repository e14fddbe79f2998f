/**
 * Taking back at once the runs of an engine that died on this host. After a crash its runs would wait
 * for their leases to expire; but when the lease owner names a process of this host that is certainly
 * gone (see isLocalProcessGone), nothing can renew those leases any more, so a starting engine expires
 * them and claims the runs straight away. Fencing keeps this safe: expiring is conditional on the lease
 * owner, and a process that is gone cannot write.
 */
import type { Store } from '../store/store.js';
import { parseEngineId } from './engine-id.js';
import { isLocalProcessGone } from './local-process.js';
import type { Logger } from './logger.js';

/** Expires the leases held by dead engine processes of this host; returns how many runs were freed. */
export async function recoverLocalLeases(store: Store, self: string, now: number, logger: Logger): Promise<number> {
  let freed = 0;
  for (const owner of await store.leaseOwners(now)) {
    if (owner === self) continue;
    const identity = parseEngineId(owner);
    if (identity === undefined || !isLocalProcessGone(identity)) continue;
    const runs = await store.expireLeases(owner, now);
    if (runs.length === 0) continue;
    freed += runs.length;
    logger.info(
      { engine: self, deadEngine: owner, runs: runs.length, runIds: runs.slice(0, 20) },
      `took over the runs of engine ${owner}: its process on this host is gone, so its leases were expired instead of waited out`,
    );
  }
  return freed;
}
