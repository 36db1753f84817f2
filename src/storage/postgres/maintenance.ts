import type { GroupOps } from './groups.js';
import { addCount } from './message-counts.js';
import type { QueueReads } from './queues.js';
import { type Tx, sql } from './tx.js';

// Retention expiry and cleanup, as sqlite/maintenance.ts, in chunks of their own transactions. Run by one
// node of the cluster at a time (the 'maintenance' lease, postgres-storage.ts). Expired rows are invisible
// to every read already, so this only reclaims space and keeps group heads and counters exact. Rows are
// taken SKIP LOCKED: one that a receive holds is left for the next round.

export const EXPIRY_CHUNK = 1_000;
export const DELETED_QUEUE_MEMORY_MS = 60 * 60_000;
/** Leases (database time) not renewed for this long belong to runners that are gone. */
const STALE_LEASE = '1 hour';

export const maintenanceSql = {
  // Uses messages_expiry (queue_id, expires_at, seq).
  expireMessages: sql('maintenance_expire_messages', `DELETE FROM messages WHERE seq IN (
      SELECT seq FROM messages WHERE queue_id = $1 AND expires_at <= $2 LIMIT $3 FOR UPDATE SKIP LOCKED)
    RETURNING queue_id, group_id`),
  // Uses fifo_dedup_expiry.
  expireDedup: sql('maintenance_expire_dedup', `DELETE FROM fifo_dedup WHERE expires_at <= $1`),
  // Uses receive_attempts_expiry.
  expireAttempts: sql('maintenance_expire_attempts', `DELETE FROM receive_attempts WHERE expires_at <= $1`),
  // Uses deleted_queues_deleted_at.
  forgetDeletedQueues: sql('maintenance_forget_deleted', `DELETE FROM deleted_queues WHERE deleted_at <= $1`),
  forgetLeases: sql('maintenance_forget_leases', `DELETE FROM leases WHERE expires_at < now() - interval '${STALE_LEASE}'`),
  // Counter shards that sum to nothing are folded away (queue_counters primary key prefix).
  compactCounters: sql('maintenance_compact_counters', `DELETE FROM queue_counters WHERE queue_id = $1 AND messages = 0`),
} as const;

export function prepareMaintenance(deps: { reads: QueueReads; groups: GroupOps; announce: (tx: Tx, queueId: number, count: number) => void }) {
  const { reads, groups } = deps;
  return {
    async expireMessageChunk(tx: Tx, now: number, queueIds: number[], from: number, unblocked: Set<number>): Promise<{ deleted: number; next: number }> {
      const deleted: { queue_id: number; group_id: string }[] = [];
      let next = from;
      while (next < queueIds.length && deleted.length < EXPIRY_CHUNK) {
        const rows = await tx.rows<{ queue_id: number; group_id: string }>(maintenanceSql.expireMessages, [
          queueIds[next]!, now, EXPIRY_CHUNK - deleted.length,
        ]);
        deleted.push(...rows);
        if (deleted.length < EXPIRY_CHUNK) next += 1;
      }
      const touched = new Map<string, { queueId: number; groupId: string }>();
      for (const row of deleted) {
        addCount(tx, row.queue_id, -1);
        touched.set(`${row.queue_id}\u0000${row.group_id}`, { queueId: row.queue_id, groupId: row.group_id });
      }
      for (const { queueId, groupId } of touched.values()) {
        const queue = await reads.info(queueId);
        if (queue) await groups.refresh(tx, queueId, groupId, queue.mode, now);
        if (queue?.mode === 'fifo') {
          unblocked.add(queueId);
          deps.announce(tx, queueId, 1);
        }
      }
      for (const queueId of new Set(deleted.map((row) => row.queue_id))) await tx.run(maintenanceSql.compactCounters, [queueId]);
      return { deleted: deleted.length, next };
    },

    async expireHistory(tx: Tx, now: number): Promise<number> {
      const dedup = await tx.run(maintenanceSql.expireDedup, [now]);
      await tx.run(maintenanceSql.expireAttempts, [now]);
      await tx.run(maintenanceSql.forgetDeletedQueues, [now - DELETED_QUEUE_MEMORY_MS]);
      await tx.run(maintenanceSql.forgetLeases);
      return dedup;
    },
  };
}
