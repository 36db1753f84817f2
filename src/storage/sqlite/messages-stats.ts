import type Database from 'better-sqlite3';
import type { QueueStats } from '../storage.js';

// Counts for ApproximateNumberOfMessages* and the long-poll wake-up time. Both read only the covering
// index messages_visibility (queue_id, visible_at, seq, receive_count, expires_at): no table lookups, so
// counting a 100k-message queue walks 100k small index entries (a few ms), never the payloads.

export const statsSql = {
  // INDEXED BY: the planner could otherwise prefer messages_expiry for the expires_at range.
  counts: `SELECT
      coalesce(sum(visible_at <= @now), 0) AS visible,
      coalesce(sum(visible_at > @now AND receive_count > 0), 0) AS in_flight,
      coalesce(sum(visible_at > @now AND receive_count = 0), 0) AS delayed
    FROM messages INDEXED BY messages_visibility
    WHERE queue_id = @queueId AND expires_at > @now`,
  // The first index entry after now that has not expired.
  nextVisibleAt: `SELECT visible_at FROM messages INDEXED BY messages_visibility
    WHERE queue_id = @queueId AND visible_at > @now AND expires_at > @now
    ORDER BY visible_at LIMIT 1`,
} as const;

export type Stats = ReturnType<typeof prepareStats>;

export function prepareStats(db: Database.Database) {
  const counts = db.prepare<{ queueId: number; now: number }, { visible: number; in_flight: number; delayed: number }>(
    statsSql.counts,
  );
  const nextVisibleAt = db.prepare<{ queueId: number; now: number }, number>(statsSql.nextVisibleAt).pluck();

  return {
    queueStats(queueId: number, now: number): QueueStats {
      const row = counts.get({ queueId, now });
      return { visible: row?.visible ?? 0, inFlight: row?.in_flight ?? 0, delayed: row?.delayed ?? 0 };
    },
    nextVisibleAt(queueId: number, now: number): number | null {
      return nextVisibleAt.get({ queueId, now }) ?? null;
    },
  };
}
