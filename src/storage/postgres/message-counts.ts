import type pg from 'pg';
import type { QueueStats } from '../storage.js';
import { type Tx, read, sql } from './tx.js';

// ApproximateNumberOfMessages* without counting the backlog, on a database several nodes write. The
// SQLite adapter keeps totals in memory because it sees every write; here no node does, so:
//  - each queue's total lives in queue_counters, split into 16 shards picked by the writing connection
//    (pg_backend_pid() % 16): every transaction that inserts or removes messages adds its deltas there,
//    once, in queue order (a consistent lock order), so two writers of one queue rarely meet on a row;
//  - in flight and delayed are the range visible_at > now of messages_visibility, as in SQLite (its size
//    is what is in flight or delayed, not the backlog), reused for a second when it is large;
//  - expired-but-not-yet-removed messages are the range expires_at <= now of messages_expiry.
// A read is one statement over at most 16 counter rows plus two bounded index ranges: no request scans the
// backlog. (Alternatives weighed: count(*) with a TTL cache still walks the backlog once per TTL per node;
// one counter row per queue serialises every writer of the queue.)

export const countsSql = {
  // queue_counters primary key; the VALUES rows arrive sorted by queue id.
  add: sql('counts_add', `INSERT INTO queue_counters AS c (queue_id, shard, messages)
    SELECT q, pg_backend_pid() % 16, d FROM unnest($1::bigint[], $2::bigint[]) AS t(q, d)
    ON CONFLICT (queue_id, shard) DO UPDATE SET messages = c.messages + excluded.messages`),
  clear: sql('counts_clear', `DELETE FROM queue_counters WHERE queue_id = $1`),
  // queue_counters primary key prefix.
  total: sql('counts_total', `SELECT coalesce(sum(messages), 0) AS total FROM queue_counters WHERE queue_id = $1`),
  // Uses messages_visibility (queue_id, visible_at, seq) INCLUDE (receive_count, expires_at).
  notVisible: sql('counts_not_visible', `SELECT
      count(*) FILTER (WHERE receive_count > 0) AS in_flight,
      count(*) FILTER (WHERE receive_count = 0) AS delayed
    FROM messages WHERE queue_id = $1 AND visible_at > $2 AND expires_at > $2`),
  // Uses messages_expiry (queue_id, expires_at, seq).
  expired: sql('counts_expired', `SELECT count(*) AS n FROM messages WHERE queue_id = $1 AND expires_at <= $2`),
  // Queues with messages, for maintenance (queue_counters primary key, one entry per queue).
  queuesWithMessages: sql('counts_queues', `SELECT queue_id FROM queue_counters GROUP BY queue_id HAVING sum(messages) > 0`),
} as const;

const LARGE_RANGE = 10_000;
const NOT_VISIBLE_CACHE_MS = 1_000;
/** How long a queue's total answers roomInFlight without another read (the limit is approximate, as on AWS). */
const TOTAL_CACHE_MS = 1_000;
/**
 * A queue deeper than its in-flight limit counts its in-flight range to answer roomInFlight. When the room
 * it found is at least this large, the answer is reused for TOTAL_CACHE_MS, less what this node claims
 * meanwhile, so a deep backlog does not cost three reads per receive; nearer the limit every receive
 * counts again, so the limit holds exactly on one node (other nodes' claims of that second are not seen).
 */
const REUSABLE_ROOM = 1_000;

/** Per-transaction deltas, written once just before COMMIT. */
class CountDeltas {
  private readonly deltas = new Map<number, number>();
  add(queueId: number, delta: number): void {
    if (delta !== 0) this.deltas.set(queueId, (this.deltas.get(queueId) ?? 0) + delta);
  }
  async flush(tx: Tx): Promise<void> {
    const entries = [...this.deltas].filter(([, delta]) => delta !== 0).sort(([a], [b]) => a - b);
    if (entries.length === 0) return;
    await tx.run(countsSql.add, [entries.map(([id]) => id), entries.map(([, delta]) => delta)]);
  }
}

const deltasOf = new WeakMap<Tx, CountDeltas>();

/** Inside a write: `delta` messages were inserted into (positive) or removed from (negative) a queue. */
export function addCount(tx: Tx, queueId: number, delta: number): void {
  let deltas = deltasOf.get(tx);
  if (!deltas) {
    const created = new CountDeltas();
    deltasOf.set(tx, created);
    tx.beforeCommit.push(() => created.flush(tx));
    deltas = created;
  }
  deltas.add(queueId, delta);
}

export type MessageCounts = ReturnType<typeof prepareMessageCounts>;

export function prepareMessageCounts(pool: pg.Pool) {
  const largeRanges = new Map<number, { at: number; inFlight: number; delayed: number }>();
  const totals = new Map<number, { at: number; total: number }>();
  const rooms = new Map<number, { at: number; room: number }>();
  const totalOf = async (queueId: number, now: number): Promise<number> => {
    const cached = totals.get(queueId);
    if (cached && now - cached.at < TOTAL_CACHE_MS && now >= cached.at) return cached.total;
    const total = (await read<{ total: number }>(pool, countsSql.total, [queueId]))[0]?.total ?? 0;
    totals.set(queueId, { at: now, total });
    return total;
  };
  return {
    /**
     * How many more messages may go in flight before the queue holds `max` in flight. A queue holding no
     * more than `max` messages cannot reach it, so the (briefly cached) total answers most calls; only a
     * deeper queue counts its in-flight range (reused briefly while the room is large, see REUSABLE_ROOM).
     * `claiming`: the most this receive will claim.
     */
    async roomInFlight(queueId: number, now: number, max: number, claiming: number): Promise<number> {
      const reusable = rooms.get(queueId);
      if (reusable && now - reusable.at < TOTAL_CACHE_MS && now >= reusable.at && reusable.room >= REUSABLE_ROOM) {
        reusable.room -= claiming;
        return reusable.room + claiming;
      }
      rooms.delete(queueId);
      if ((await totalOf(queueId, now)) <= max) return Number.POSITIVE_INFINITY;
      totals.delete(queueId);
      const room = max - (await this.queueStats(queueId, now)).inFlight;
      if (room >= REUSABLE_ROOM) rooms.set(queueId, { at: now, room: room - claiming });
      return room;
    },

    /** Inside a write: every message of the queue is gone (purge, queue delete). */
    async clear(tx: Tx, queueId: number): Promise<void> {
      await tx.run(countsSql.clear, [queueId]);
    },

    async queuesWithMessages(): Promise<number[]> {
      return (await read<{ queue_id: number }>(pool, countsSql.queuesWithMessages)).map((row) => row.queue_id);
    },

    async queueStats(queueId: number, now: number): Promise<QueueStats> {
      const [totalRow] = await read<{ total: number }>(pool, countsSql.total, [queueId]);
      const total = totalRow?.total ?? 0;
      totals.set(queueId, { at: now, total });
      let hidden = largeRanges.get(queueId);
      if (!hidden || now - hidden.at >= NOT_VISIBLE_CACHE_MS || now < hidden.at) {
        const [row] = await read<{ in_flight: number; delayed: number }>(pool, countsSql.notVisible, [queueId, now]);
        hidden = { at: now, inFlight: row?.in_flight ?? 0, delayed: row?.delayed ?? 0 };
        if (hidden.inFlight + hidden.delayed >= LARGE_RANGE) largeRanges.set(queueId, hidden);
        else largeRanges.delete(queueId);
      }
      const gone = total === 0 ? 0 : ((await read<{ n: number }>(pool, countsSql.expired, [queueId, now]))[0]?.n ?? 0);
      return {
        visible: Math.max(0, total - hidden.inFlight - hidden.delayed - gone),
        inFlight: hidden.inFlight,
        delayed: hidden.delayed,
      };
    },
  };
}
