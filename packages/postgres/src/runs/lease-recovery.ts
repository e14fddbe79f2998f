/**
 * Lease recovery: who holds unexpired leases, and expiring one owner's leases at once (its process is
 * known to be gone). A running run's ready_at is its lease expiry, so both read the runs_due index.
 */

/** The owners of unexpired leases on running runs. $1: now. */
export const LEASE_OWNERS = `SELECT DISTINCT lease_owner AS owner FROM runs
  WHERE ready_at IS NOT NULL AND status <> 'queued' AND ready_at > $1 AND status = 'running' AND lease_owner IS NOT NULL`;

/**
 * Makes one owner's unexpired leases expire now, so its runs are due for claiming; fenced on the owner
 * (a run another engine claimed meanwhile is not touched). $1: now, $2: owner.
 */
export const EXPIRE_LEASES = `UPDATE runs SET lease_expires_at = $1, ready_at = $1
  WHERE ready_at IS NOT NULL AND status <> 'queued' AND ready_at > $1 AND status = 'running' AND lease_owner = $2
  RETURNING id`;
