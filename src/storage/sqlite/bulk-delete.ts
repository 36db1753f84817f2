import type Database from 'better-sqlite3';
import type { GroupOps } from './groups.js';
import type { MessageCounts } from './message-counts.js';
import type { QueueReads } from './queues.js';

// PurgeQueue and DeleteQueue on a deep queue. Deleting 1,000,000 messages in the request's transaction
// held the writer (and the event loop: better-sqlite3 is synchronous) for 3.5 s and grew the WAL to
// 191 MiB, since no checkpoint can pass an open transaction. Instead the request only marks the queue
// (queues.purge_seq = the newest seq at that moment; DeleteQueue also renames the row away and sets
// deleted) and removes the first chunk; the rest goes BULK_CHUNK messages per write-batcher operation,
// each its own commit, so requests run between chunks and the WAL is checkpointed as it goes.
//
// What the mark means, until the last chunk: a purged queue's messages up to purge_seq are never
// delivered (a receive on the queue claims nothing, and its long polls re-check every PURGE_POLL_MS,
// see messages-receive.ts; AWS itself says a purge takes up to 60 seconds and may also remove messages
// sent during it, which Wharf does not); a deleted queue is invisible to every read, and a queue created
// later under its name is a new row that never sees its messages. Counts fall as chunks go.

/** Messages per chunk: 4-8 ms of writer time measured here (2,000 took 16 ms; an auto-checkpoint inside a commit adds ~25 ms). */
export const BULK_CHUNK = 1_000;
/** A deleted queue: every message of it goes, whatever its seq. */
const ALL = Number.MAX_SAFE_INTEGER;

export const bulkDeleteSql = {
  // Rowid maximum: the newest message of any queue, so every message of this queue up to now.
  newestSeq: `SELECT coalesce(max(seq), 0) FROM messages`,
  purge: `UPDATE queues SET last_purged_at = @now, purge_seq = @upTo WHERE id = @id`,
  // The row is renamed so that a queue of the same name can be created (names never contain NUL).
  markDeleted: `UPDATE queues SET deleted = 1, purge_seq = ${ALL}, name = char(0) || 'deleted:' || id,
    dead_letter_target_arn = NULL WHERE id = ?`,
  // queues primary key.
  mark: `SELECT purge_seq, deleted FROM queues WHERE id = ?`,
  // Uses messages_expiry (queue_id, expires_at, seq): the queue's range, oldest first, which is where
  // purged messages are; cascades to message_payloads.
  chunk: `DELETE FROM messages WHERE seq IN (
      SELECT seq FROM messages INDEXED BY messages_expiry WHERE queue_id = @id AND seq <= @upTo LIMIT @limit)`,
  finishPurge: `UPDATE queues SET purge_seq = NULL WHERE id = ?`,
  // message_groups primary key prefix: groups touched while purged messages were still there (a delete or
  // an expiry refreshes its group's head, which could then name a purged message) are rebuilt at the end.
  groupsOfQueue: `SELECT group_id FROM message_groups WHERE queue_id = ?`,
  // Cascades to what is left of the queue: groups, deduplication history, attempts, tags, move tasks.
  dropDeleted: `DELETE FROM queues WHERE id = ?`,
  // Uses queues_background (partial: only queues with background work; its WHERE is repeated whole).
  pending: `SELECT id FROM queues INDEXED BY queues_background
    WHERE purge_seq IS NOT NULL OR rederive_to_seq IS NOT NULL`,
} as const;

export type BulkDelete = ReturnType<typeof prepareBulkDelete>;

export function prepareBulkDelete(db: Database.Database, deps: { reads: QueueReads; counts: MessageCounts; groups: GroupOps }) {
  const { reads, counts, groups } = deps;
  const s = {
    newestSeq: db.prepare<[], number>(bulkDeleteSql.newestSeq).pluck(),
    purge: db.prepare<{ id: number; now: number; upTo: number }>(bulkDeleteSql.purge),
    markDeleted: db.prepare<[number]>(bulkDeleteSql.markDeleted),
    mark: db.prepare<[number], { purge_seq: number | null; deleted: number }>(bulkDeleteSql.mark),
    chunk: db.prepare<{ id: number; upTo: number; limit: number }>(bulkDeleteSql.chunk),
    finishPurge: db.prepare<[number]>(bulkDeleteSql.finishPurge),
    groupsOfQueue: db.prepare<[number], string>(bulkDeleteSql.groupsOfQueue).pluck(),
    dropDeleted: db.prepare<[number]>(bulkDeleteSql.dropDeleted),
    pending: db.prepare<[], number>(bulkDeleteSql.pending).pluck(),
  };

  /** Inside a write: deletes one chunk of a marked queue; true when the queue's mark is cleared (done). */
  const step = (id: number, now: number): boolean => {
    const mark = s.mark.get(id);
    if (!mark || mark.purge_seq === null) return true;
    const deleted = s.chunk.run({ id, upTo: mark.purge_seq, limit: BULK_CHUNK }).changes;
    counts.add(id, -deleted);
    if (deleted === BULK_CHUNK) return false;
    if (mark.deleted === 1) {
      s.dropDeleted.run(id);
      counts.clear(id);
    } else {
      s.finishPurge.run(id);
      reads.invalidate(id);
      const queue = reads.info(id);
      if (queue) for (const groupId of s.groupsOfQueue.all(id)) groups.refresh(id, groupId, queue.mode, now);
    }
    reads.invalidate(id);
    return true;
  };

  return {
    /** Inside a write: marks every message of the queue sent so far as purged and deletes the first chunk. */
    purge(id: number, now: number): boolean {
      s.purge.run({ id, now, upTo: s.newestSeq.get() ?? 0 });
      reads.invalidate(id);
      return step(id, now);
    },
    /** Inside a write: hides the queue from every read, frees its name, and deletes the first chunk. */
    delete(id: number, now: number): boolean {
      s.markDeleted.run(id);
      reads.invalidate(id);
      return step(id, now);
    },
    step,
    /** Queues with chunks left, of a purge, a delete or a settings change (after a restart, too). */
    pending(): number[] {
      return s.pending.all();
    },
  };
}
