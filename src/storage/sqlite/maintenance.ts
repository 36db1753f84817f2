import type Database from 'better-sqlite3';
import type { GroupOps } from './groups.js';
import type { MessageCounts } from './message-counts.js';
import type { QueueReads } from './queues.js';

// Retention expiry and cleanup. Expired rows are already invisible to every read (each filters on
// expires_at > now), so this only reclaims space and keeps group heads exact; it is safe at any interval.
// Messages go in chunks, each its own write-batcher operation, so a large expiry never holds the writer
// for long and requests interleave between chunks.

export const EXPIRY_CHUNK = 1_000;
/** deleted_queues only matters for the recreate delay (60 s); keep names well beyond it. */
export const DELETED_QUEUE_MEMORY_MS = 60 * 60_000;

export const maintenanceSql = {
  // Uses messages_expiry (expires_at); cascades to message_payloads.
  expireMessages: `DELETE FROM messages WHERE seq IN (
      SELECT seq FROM messages INDEXED BY messages_expiry WHERE expires_at <= @now LIMIT @limit)
    RETURNING queue_id, group_id`,
  // Uses fifo_dedup_expiry.
  expireDedup: `DELETE FROM fifo_dedup WHERE expires_at <= ?`,
  // Uses receive_attempts_expiry.
  expireAttempts: `DELETE FROM receive_attempts WHERE expires_at <= ?`,
  // Uses deleted_queues_deleted_at.
  forgetDeletedQueues: `DELETE FROM deleted_queues WHERE deleted_at <= ?`,
} as const;

export function prepareMaintenance(db: Database.Database, deps: { reads: QueueReads; groups: GroupOps; counts: MessageCounts }) {
  const { reads, groups, counts } = deps;
  const expireMessages = db.prepare<{ now: number; limit: number }, { queue_id: number; group_id: string }>(
    maintenanceSql.expireMessages,
  );
  const expireDedup = db.prepare<[number]>(maintenanceSql.expireDedup);
  const expireAttempts = db.prepare<[number]>(maintenanceSql.expireAttempts);
  const forgetDeletedQueues = db.prepare<[number]>(maintenanceSql.forgetDeletedQueues);

  return {
    /** Deletes up to EXPIRY_CHUNK expired messages; returns how many, and adds FIFO queues to `unblocked`. */
    expireMessageChunk(now: number, unblocked: Set<number>): number {
      const deleted = expireMessages.all({ now, limit: EXPIRY_CHUNK });
      const touched = new Map<string, { queueId: number; groupId: string }>();
      for (const row of deleted) {
        counts.add(row.queue_id, -1);
        touched.set(`${row.queue_id}\u0000${row.group_id}`, { queueId: row.queue_id, groupId: row.group_id });
      }
      for (const { queueId, groupId } of touched.values()) {
        const queue = reads.info(queueId);
        if (queue) groups.refresh(queueId, groupId, queue.mode, now);
        if (queue?.mode === 'fifo') unblocked.add(queueId);
      }
      return deleted.length;
    },

    /** Expired deduplication entries, receive attempts and old deleted-queue names; returns dedup count. */
    expireHistory(now: number): number {
      const dedup = expireDedup.run(now).changes;
      expireAttempts.run(now);
      forgetDeletedQueues.run(now - DELETED_QUEUE_MEMORY_MS);
      return dedup;
    },
  };
}
