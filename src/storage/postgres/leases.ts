import type pg from 'pg';
import { read, sql } from './tx.js';

// Cluster-wide single runners (maintenance; each message move task): a row per lease naming the node that
// holds it until expires_at, on the database's clock (nodes' clocks may disagree, and a test's virtual
// clock must not decide liveness). A holder renews by calling again before the TTL ends; a node that died
// stops renewing and another one takes the lease once it expires.

export const leasesSql = {
  // leases primary key. Takes a free or expired lease, renews our own, and returns a row only if we hold it.
  hold: sql('lease_hold', `INSERT INTO leases AS l (name, holder, expires_at)
    VALUES ($1, $2, clock_timestamp() + $3 * interval '1 millisecond')
    ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
      WHERE l.holder = excluded.holder OR l.expires_at < clock_timestamp()
    RETURNING holder`),
  // On a clean close: hand every lease over at once instead of after its TTL.
  releaseAll: sql('lease_release_all', `DELETE FROM leases WHERE holder = $1`),
} as const;

export function prepareLeases(pool: pg.Pool, nodeId: string) {
  return {
    async hold(name: string, ttlMs: number): Promise<boolean> {
      return (await read(pool, leasesSql.hold, [name, nodeId, ttlMs])).length > 0;
    },
    async releaseAll(): Promise<void> {
      await read(pool, leasesSql.releaseAll, [nodeId]);
    },
  };
}
