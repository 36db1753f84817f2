import type pg from 'pg';
import type { PeekedMessage, PeekRequest, Storage } from '../storage.js';
import { MESSAGE_COLUMNS, type MessageRow, toPeekedMessage } from './rows.js';
import { read, sql } from './tx.js';

// The console's peek and the metrics' oldest message: plain reads of committed rows, outside any
// transaction; they change nothing and never return the receipt token.

export const peekSql = {
  // Uses messages_expiry (queue_id, expires_at, seq): a range after the cursor, in index order.
  peek: sql('peek_page', `SELECT ${MESSAGE_COLUMNS} FROM messages
    WHERE queue_id = $1 AND expires_at > $4 AND (expires_at, seq) > ($2, $3)
    ORDER BY expires_at, seq LIMIT $5`),
  // messages primary key.
  one: sql('peek_one', `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE seq = $2 AND queue_id = $1 AND expires_at > $3`),
  cursor: sql('peek_cursor', `SELECT expires_at FROM messages WHERE seq = $2 AND queue_id = $1`),
  // Uses messages_expiry: the first unexpired entry of the queue.
  oldestSentAt: sql('peek_oldest', `SELECT sent_at FROM messages WHERE queue_id = $1 AND expires_at > $2
    ORDER BY expires_at, seq LIMIT 1`),
} as const;

export function preparePeek(pool: pg.Pool): Pick<Storage, 'peekMessages' | 'peekMessage' | 'oldestMessageSentAt'> {
  return {
    peekMessages: async (queueId, { limit, afterSeq, now }: PeekRequest): Promise<PeekedMessage[]> => {
      const [cursor] = afterSeq > 0 ? await read<{ expires_at: number }>(pool, peekSql.cursor, [queueId, afterSeq]) : [];
      const afterExpiresAt = cursor?.expires_at ?? -1;
      const rows = await read<MessageRow>(pool, peekSql.peek, [queueId, afterExpiresAt, cursor ? afterSeq : -1, now, limit]);
      return rows.map(toPeekedMessage);
    },
    peekMessage: async (queueId, seq, now) => {
      const [row] = await read<MessageRow>(pool, peekSql.one, [queueId, seq, now]);
      return row && toPeekedMessage(row);
    },
    oldestMessageSentAt: async (queueId, now) => {
      const [row] = await read<{ sent_at: number }>(pool, peekSql.oldestSentAt, [queueId, now]);
      return row?.sent_at ?? null;
    },
  };
}
