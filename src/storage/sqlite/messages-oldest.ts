import type Database from 'better-sqlite3';

// For the ApproximateAgeOfOldestMessage gauge of GET /metrics (read at scrape time, never on the hot
// path). The oldest message is the smallest seq (seq grows with every send). min(seq) reads only the
// covering index messages_visibility (queue_id, visible_at, seq, receive_count, expires_at), the same
// entries queueStats' counts walk, so a scrape pays about one more count per queue; the one sent_at is
// then a primary-key lookup. Expired messages not yet removed by maintenance are skipped, as in the counts.

export const oldestSql = {
  oldestSentAt: `SELECT sent_at FROM messages WHERE seq = (
      SELECT min(seq) FROM messages INDEXED BY messages_visibility
      WHERE queue_id = @queueId AND expires_at > @now)`,
} as const;

export function prepareOldest(db: Database.Database) {
  const oldestSentAt = db.prepare<{ queueId: number; now: number }, number>(oldestSql.oldestSentAt).pluck();
  return {
    oldestSentAt(queueId: number, now: number): number | null {
      return oldestSentAt.get({ queueId, now }) ?? null;
    },
  };
}
