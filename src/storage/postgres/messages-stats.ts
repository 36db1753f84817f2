import { type Tx, sql } from './tx.js';

// The long-poll wake-up time: the first entry of messages_visibility after now (an index seek).

export const statsSql = {
  // Uses messages_visibility (queue_id, visible_at, seq) INCLUDE (receive_count, expires_at).
  nextVisibleAt: sql('stats_next_visible_at', `SELECT visible_at FROM messages
    WHERE queue_id = $1 AND visible_at > $2 AND expires_at > $2 ORDER BY visible_at LIMIT 1`),
} as const;

export async function nextVisibleAt(tx: Pick<Tx, 'one'>, queueId: number, now: number): Promise<number | null> {
  return (await tx.one<{ visible_at: number }>(statsSql.nextVisibleAt, [queueId, now]))?.visible_at ?? null;
}
