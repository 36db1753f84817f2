import type Database from 'better-sqlite3';
import type { QueueStats } from '../storage.js';

// ApproximateNumberOfMessages* without counting the backlog. SQLite has no counted b-trees, so a count over
// a 1,000,000-message queue walks 1,000,000 index entries (measured: 165 ms of blocked event loop). Instead:
//  - each queue's total number of messages is kept here, in memory: loaded once at open, then changed by
//    the writes that insert or remove messages (send, redrive, move, delete, expiry, purge, queue delete);
//  - the messages that are not visible (in flight or delayed) are counted by a range of the visibility
//    index, visible_at > now, whose size is what is in flight or delayed, not the backlog;
//  - expired messages that maintenance has not removed yet (it runs every second) are counted from the
//    queue's range of the expiry index;
//  - visible = total - in flight - delayed - expired.
//
// Deltas follow the write batcher's transactions: a write stages them, they count once its savepoint is
// released, and they reach the totals only when the group commit succeeds; a failed commit reloads.

export const countsSql = {
  // Uses messages_visibility (queue_id, ...): one pass over the index at open.
  totals: `SELECT queue_id, count(*) AS total FROM messages GROUP BY queue_id`,
  // Uses messages_visibility (queue_id, visible_at, seq, receive_count, expires_at): covered range.
  notVisible: `SELECT
      coalesce(sum(receive_count > 0), 0) AS in_flight,
      coalesce(sum(receive_count = 0), 0) AS delayed
    FROM messages INDEXED BY messages_visibility
    WHERE queue_id = @queueId AND visible_at > @now AND expires_at > @now`,
  // Uses messages_expiry (queue_id, expires_at, seq): covered range.
  expired: `SELECT count(*) FROM messages INDEXED BY messages_expiry WHERE queue_id = @queueId AND expires_at <= @now`,
} as const;

/**
 * When the range counted above is this large (a huge in-flight or delayed population), the answer is
 * reused for NOT_VISIBLE_CACHE_MS instead of recounted on every request.
 */
const LARGE_RANGE = 10_000;
const NOT_VISIBLE_CACHE_MS = 1_000;

export type MessageCounts = ReturnType<typeof prepareMessageCounts>;

export function prepareMessageCounts(db: Database.Database) {
  const totalsStatement = db.prepare<[], { queue_id: number; total: number }>(countsSql.totals);
  const notVisible = db.prepare<{ queueId: number; now: number }, { in_flight: number; delayed: number }>(
    countsSql.notVisible,
  );
  const expired = db.prepare<{ queueId: number; now: number }, number>(countsSql.expired).pluck();
  const totals = new Map<number, number>();
  const largeRanges = new Map<number, { at: number; inFlight: number; delayed: number }>();
  let operation = new Map<number, number>();
  let group = new Map<number, number>();

  const merge = (into: Map<number, number>, from: Map<number, number>) => {
    for (const [queueId, delta] of from) into.set(queueId, (into.get(queueId) ?? 0) + delta);
  };

  const reload = () => {
    totals.clear();
    largeRanges.clear();
    for (const row of totalsStatement.all()) totals.set(row.queue_id, row.total);
  };
  reload();

  return {
    /** Inside a write: `delta` messages were inserted into (positive) or removed from (negative) a queue. */
    add(queueId: number, delta: number): void {
      if (delta !== 0) operation.set(queueId, (operation.get(queueId) ?? 0) + delta);
    },

    /** Inside a write: every message of the queue is gone (purge, queue delete). */
    clear(queueId: number): void {
      const current = (totals.get(queueId) ?? 0) + (group.get(queueId) ?? 0) + (operation.get(queueId) ?? 0);
      this.add(queueId, -current);
    },

    // Write batcher hooks.
    operationDone(succeeded: boolean): void {
      if (succeeded) merge(group, operation);
      operation = new Map();
    },
    groupDone(committed: boolean): void {
      const deltas = group;
      group = new Map();
      if (!committed) return reload();
      for (const [queueId, delta] of deltas) {
        const total = (totals.get(queueId) ?? 0) + delta;
        if (total > 0) totals.set(queueId, total);
        else totals.delete(queueId);
      }
    },

    /** The queue's messages, this write's changes included. */
    total(queueId: number): number {
      return (totals.get(queueId) ?? 0) + (group.get(queueId) ?? 0) + (operation.get(queueId) ?? 0);
    },

    /** Queues that held messages at the last commit. */
    queuesWithMessages(): number[] {
      return [...totals.keys()];
    },

    /**
     * How many more messages may go in flight before the queue holds `max` in flight. A queue that holds no
     * more than `max` messages in all cannot reach it, so the in-memory total answers most calls and
     * nothing is counted; only a deeper queue counts its in-flight range (reused for a second when large).
     */
    roomInFlight(queueId: number, now: number, max: number): number {
      const total = this.total(queueId);
      if (total <= max) return Number.POSITIVE_INFINITY;
      return max - this.queueStats(queueId, now).inFlight;
    },

    queueStats(queueId: number, now: number): QueueStats {
      const total = totals.get(queueId) ?? 0;
      let hidden = largeRanges.get(queueId);
      if (!hidden || now - hidden.at >= NOT_VISIBLE_CACHE_MS || now < hidden.at) {
        const row = notVisible.get({ queueId, now });
        hidden = { at: now, inFlight: row?.in_flight ?? 0, delayed: row?.delayed ?? 0 };
        if (hidden.inFlight + hidden.delayed >= LARGE_RANGE) largeRanges.set(queueId, hidden);
        else largeRanges.delete(queueId);
      }
      const gone = total === 0 ? 0 : (expired.get({ queueId, now }) ?? 0);
      return {
        visible: Math.max(0, total - hidden.inFlight - hidden.delayed - gone),
        inFlight: hidden.inFlight,
        delayed: hidden.delayed,
      };
    },
  };
}
