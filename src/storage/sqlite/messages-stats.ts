import type Database from 'better-sqlite3';

// The long-poll wake-up time: the first entry of the covering index messages_visibility (queue_id,
// visible_at, seq, receive_count, expires_at) after now, so an index seek, no table lookups. The counts of
// ApproximateNumberOfMessages* live in message-counts.ts.

export const statsSql = {
  // The first index entry after now that has not expired.
  nextVisibleAt: `SELECT visible_at FROM messages INDEXED BY messages_visibility
    WHERE queue_id = @queueId AND visible_at > @now AND expires_at > @now
    ORDER BY visible_at LIMIT 1`,
} as const;

export type Stats = ReturnType<typeof prepareStats>;

export function prepareStats(db: Database.Database) {
  const nextVisibleAt = db.prepare<{ queueId: number; now: number }, number>(statsSql.nextVisibleAt).pluck();

  return {
    nextVisibleAt(queueId: number, now: number): number | null {
      return nextVisibleAt.get({ queueId, now }) ?? null;
    },
  };
}
