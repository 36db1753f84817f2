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
  // Uses messages_expiry (queue_id, expires_at, seq); cascades to message_payloads.
  expireMessages: `DELETE FROM messages WHERE seq IN (
      SELECT seq FROM messages INDEXED BY messages_expiry WHERE queue_id = @queueId AND expires_at <= @now LIMIT @limit)
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
  const expireMessages = db.prepare<{ queueId: number; now: number; limit: number }, { queue_id: number; group_id: string }>(
    maintenanceSql.expireMessages,
  );
  const expireDedup = db.prepare<[number]>(maintenanceSql.expireDedup);
  const expireAttempts = db.prepare<[number]>(maintenanceSql.expireAttempts);
  const forgetDeletedQueues = db.prepare<[number]>(maintenanceSql.forgetDeletedQueues);

  return {
    /**
     * Deletes up to EXPIRY_CHUNK expired messages of the given queues, in order, starting with the queue
     * at `from`; returns how many, and where the next chunk starts (queues.length when all are done).
     * Adds FIFO queues whose group heads expired to `unblocked`.
     */
    expireMessageChunk(now: number, queueIds: number[], from: number, unblocked: Set<number>): { deleted: number; next: number } {
      const deleted: { queue_id: number; group_id: string }[] = [];
      let next = from;
      while (next < queueIds.length && deleted.length < EXPIRY_CHUNK) {
        const rows = expireMessages.all({ queueId: queueIds[next]!, now, limit: EXPIRY_CHUNK - deleted.length });
        deleted.push(...rows);
        if (deleted.length < EXPIRY_CHUNK) next += 1;
      }
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
      return { deleted: deleted.length, next };
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
