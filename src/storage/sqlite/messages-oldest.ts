import type Database from 'better-sqlite3';

// For the ApproximateAgeOfOldestMessage gauge of GET /metrics (read at scrape time, never on the hot
// path). The oldest message is the first one enqueued that has not expired: the first entry of the
// queue's range of messages_expiry (queue_id, expires_at, seq) after now, an index seek at any depth
// (expires_at is enqueued_at plus the queue's retention for every message of the queue); its sent_at is
// then a primary-key lookup.

export const oldestSql = {
  oldestSentAt: `SELECT sent_at FROM messages WHERE seq = (
      SELECT seq FROM messages INDEXED BY messages_expiry
      WHERE queue_id = @queueId AND expires_at > @now ORDER BY expires_at, seq LIMIT 1)`,
} as const;

export function prepareOldest(db: Database.Database) {
  const oldestSentAt = db.prepare<{ queueId: number; now: number }, number>(oldestSql.oldestSentAt).pluck();
  return {
    oldestSentAt(queueId: number, now: number): number | null {
      return oldestSentAt.get({ queueId, now }) ?? null;
    },
  };
}
