/**
 * Lease recovery: who holds unexpired leases, and expiring one owner's leases at once (its process is
 * known to be gone). Both read the runs_due index: a running run's ready_at is its lease expiry.
 */

/** The owners of unexpired leases on running runs. */
export const LEASE_OWNERS = `SELECT DISTINCT lease_owner AS owner FROM runs INDEXED BY runs_due
  WHERE ready_at IS NOT NULL AND status <> 'queued' AND ready_at > @now AND status = 'running' AND lease_owner IS NOT NULL`;

/** Makes one owner's unexpired leases expire now, so its runs are due for claiming; fenced on the owner. */
export const EXPIRE_LEASES = `UPDATE runs SET lease_expires_at = @now, ready_at = @now
  WHERE id IN (SELECT id FROM runs INDEXED BY runs_due
    WHERE ready_at IS NOT NULL AND status <> 'queued' AND ready_at > @now AND status = 'running' AND lease_owner = @owner)
  RETURNING id`;
