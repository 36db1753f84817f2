import type Database from 'better-sqlite3';
import { FAIR_UNGROUPED, type GroupOps } from './groups.js';
import type { MessageCounts } from './message-counts.js';
import type { QueueReads } from './queues.js';
import type { QueueState } from './rows.js';

// A queue's retention, and a FIFO queue's delay, apply to the messages already queued (AWS: expiry counts
// from the original enqueue time under the current MessageRetentionPeriod; a FIFO queue's DelaySeconds is
// retroactive). Their columns (expires_at, visible_at) are derived from enqueued_at and the queue's
// settings. A small queue is re-derived inside the SetQueueAttributes write. A deep one would hold the
// writer for seconds, so the write only records the range of seqs to redo, (0, newest seq], and the
// messages are re-derived RANGE seqs per write afterwards (in the same background loop as bulk deletes),
// always from the queue's current settings, so a second change during the first simply restarts the
// range. AWS itself says attribute changes take up to 60 seconds to propagate. Messages that a shorter
// retention expires are invisible to reads at once (every read filters on expires_at) and deleted by
// maintenance, which also refreshes their groups' heads. The group key of a fair queue's ungrouped
// messages is derived the same way, when a deep plain queue turns fair (groups.ts, admit).

/** Seqs per chunk: a range of the primary key, so a chunk costs at most RANGE rows whatever the queues. */
const RANGE = 2_000;

export const rederiveSql = {
  // Uses messages_visibility (queue_id prefix; receive_count is covered): the whole queue, when small.
  expiryOfQueue: `UPDATE messages INDEXED BY messages_visibility SET expires_at = enqueued_at + @retentionMs
    WHERE queue_id = @id`,
  delayOfQueue: `UPDATE messages INDEXED BY messages_visibility SET visible_at = enqueued_at + @delayMs
    WHERE queue_id = @id AND receive_count = 0 RETURNING group_id`,
  // Uses messages_visibility (queue_id prefix; expires_at is covered).
  deleteExpiredOfQueue: `DELETE FROM messages INDEXED BY messages_visibility
    WHERE queue_id = @id AND expires_at <= @now RETURNING group_id`,
  // The messages primary key: a range of seqs, of which this queue's rows are re-derived.
  // Rows whose expiry already holds are not rewritten (a job may be there for the group keys only).
  expiryInRange: `UPDATE messages SET expires_at = enqueued_at + @retentionMs
    WHERE seq > @from AND seq <= @to AND queue_id = @id AND expires_at <> enqueued_at + @retentionMs`,
  delayInRange: `UPDATE messages SET visible_at = enqueued_at + @delayMs
    WHERE seq > @from AND seq <= @to AND queue_id = @id AND receive_count = 0 RETURNING group_id`,
  // The messages primary key, as above: a fair queue's ungrouped messages still under the plain key ''.
  groupKeyInRange: `UPDATE messages SET group_id = '${FAIR_UNGROUPED}'
    WHERE seq > @from AND seq <= @to AND queue_id = @id AND group_id = '' AND dedup_id IS NULL`,
  newestSeq: `SELECT coalesce(max(seq), 0) FROM messages`,
  // messages primary key: chunks skip the seqs no message holds any more (a long-lived store starts high).
  nextSeq: `SELECT min(seq) FROM messages WHERE seq > ?`,
  setDelay: `UPDATE queues SET fifo_delay_ms = @delayMs WHERE id = @id`,
  schedule: `UPDATE queues SET rederive_from_seq = 0, rederive_to_seq = @to WHERE id = @id`,
  // queues primary key.
  job: `SELECT rederive_from_seq AS "from", rederive_to_seq AS "to", retention_ms, fifo, fair, fifo_delay_ms
    FROM queues WHERE id = ? AND deleted = 0`,
  advance: `UPDATE queues SET rederive_from_seq = @from WHERE id = @id`,
  finish: `UPDATE queues SET rederive_from_seq = NULL, rederive_to_seq = NULL WHERE id = ?`,
} as const;

interface Job {
  from: number | null;
  to: number | null;
  retention_ms: number;
  fifo: number;
  fair: number;
  fifo_delay_ms: number | null;
}

/**
 * Schedules a queue's messages, (0, newest seq], to be re-derived in chunks by the background loop. The
 * queue's cached state is dropped: it says whether chunks are pending (QueueState.rederiving).
 */
export function prepareScheduleRederive(db: Database.Database, reads: QueueReads): (queueId: number) => void {
  const newestSeq = db.prepare<[], number>(rederiveSql.newestSeq).pluck();
  const schedule = db.prepare<{ id: number; to: number }>(rederiveSql.schedule);
  return (queueId) => {
    schedule.run({ id: queueId, to: newestSeq.get() ?? 0 });
    reads.invalidate(queueId);
  };
}

export type Rederive = ReturnType<typeof prepareRederive>;

export function prepareRederive(
  db: Database.Database,
  deps: { reads: QueueReads; groups: GroupOps; counts: MessageCounts; scheduleRederive: (queueId: number, now: number) => void },
) {
  const { reads, groups, counts, scheduleRederive } = deps;
  const s = {
    expiryOfQueue: db.prepare<{ id: number; retentionMs: number }>(rederiveSql.expiryOfQueue),
    delayOfQueue: db.prepare<{ id: number; delayMs: number }, string>(rederiveSql.delayOfQueue).pluck(),
    deleteExpiredOfQueue: db.prepare<{ id: number; now: number }, string>(rederiveSql.deleteExpiredOfQueue).pluck(),
    expiryInRange: db.prepare<{ id: number; from: number; to: number; retentionMs: number }>(rederiveSql.expiryInRange),
    delayInRange: db.prepare<{ id: number; from: number; to: number; delayMs: number }, string>(rederiveSql.delayInRange).pluck(),
    groupKeyInRange: db.prepare<{ id: number; from: number; to: number }>(rederiveSql.groupKeyInRange),
    nextSeq: db.prepare<[number], number | null>(rederiveSql.nextSeq).pluck(),
    setDelay: db.prepare<{ id: number; delayMs: number }>(rederiveSql.setDelay),
    job: db.prepare<[number], Job>(rederiveSql.job),
    advance: db.prepare<{ id: number; from: number }>(rederiveSql.advance),
    finish: db.prepare<[number]>(rederiveSql.finish),
  };

  const refreshGroups = (queue: QueueState, groupIds: Iterable<string>, now: number) => {
    for (const groupId of new Set(groupIds)) groups.refresh(queue.id, groupId, queue.mode, now);
  };

  return {
    /**
     * Inside the write that changed the queue's retention or FIFO delay (`delayMs`, null when unchanged):
     * re-derives a small queue's messages now, or schedules a deep one's in chunks. Returns true when
     * chunks are left for the background loop.
     */
    settingsChanged(queue: QueueState, retentionChanged: boolean, delayMs: number | null, now: number): boolean {
      if (delayMs !== null) s.setDelay.run({ id: queue.id, delayMs });
      if (counts.total(queue.id) > RANGE) {
        scheduleRederive(queue.id, now);
        return true;
      }
      if (retentionChanged) {
        s.expiryOfQueue.run({ id: queue.id, retentionMs: queue.retentionMs });
        // Drop what the shorter retention expired now, so group heads and counts stay exact.
        const expiredGroups = s.deleteExpiredOfQueue.all({ id: queue.id, now });
        counts.add(queue.id, -expiredGroups.length);
        refreshGroups(queue, expiredGroups, now);
      }
      if (delayMs !== null) refreshGroups(queue, s.delayOfQueue.all({ id: queue.id, delayMs }), now);
      return false;
    },

    /** Inside a write: re-derives one range of a scheduled queue; true when nothing is left. */
    step(id: number, now: number): boolean {
      const job = s.job.get(id);
      const queue = reads.info(id);
      if (!job || job.from === null || job.to === null || !queue) return true;
      const from = Math.max(job.from, (s.nextSeq.get(job.from) ?? job.to + 1) - 1);
      const range = { id, from, to: Math.min(from + RANGE, job.to) };
      s.expiryInRange.run({ ...range, retentionMs: job.retention_ms });
      if (job.fifo === 1 && job.fifo_delay_ms !== null) {
        refreshGroups(queue, s.delayInRange.all({ ...range, delayMs: job.fifo_delay_ms }), now);
      }
      if (job.fair === 1 && s.groupKeyInRange.run(range).changes > 0) refreshGroups(queue, [FAIR_UNGROUPED], now);
      if (range.to >= job.to) {
        s.finish.run(id);
        reads.invalidate(id);
        return true;
      }
      s.advance.run({ id, from: range.to });
      return false;
    },
  };
}
