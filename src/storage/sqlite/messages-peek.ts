import type Database from 'better-sqlite3';
import type { PeekedMessage, PeekRequest, Storage } from '../storage.js';
import { type MessageColumns, type PayloadRow, toPeekedMessage } from './rows.js';

// The console's peek: a plain read of committed rows, outside the write batcher. It writes nothing (no
// receive_count, visible_at or receipt_token change) and never returns the receipt token, so a peek cannot
// be turned into a delete or a visibility change.

export const peekSql = {
  // Oldest enqueued first: the inner select reads `limit` entries of the queue's range of messages_expiry
  // (queue_id, expires_at, seq) after the cursor, in index order (no sort, whatever the depth); the outer
  // one reads those rows and payloads by primary key. The cursor is the (expires_at, seq) of the message
  // `afterSeq` (the last one of the previous page), or the start when that message is gone.
  peek: `SELECT m.seq, m.message_id, m.group_id, m.dedup_id, m.sender_id, m.md5_of_body, m.sent_at,
      m.visible_at, m.receive_count, m.first_received_at, m.expires_at,
      p.body, p.attributes_json, p.system_attributes_json
    FROM messages m JOIN message_payloads p ON p.seq = m.seq
    WHERE m.seq IN (
      SELECT seq FROM messages INDEXED BY messages_expiry
      WHERE queue_id = @queueId AND expires_at > @now AND (expires_at, seq) > (@afterExpiresAt, @afterSeq)
      ORDER BY expires_at, seq LIMIT @limit)
    ORDER BY m.expires_at, m.seq`,
  // messages and message_payloads primary keys.
  one: `SELECT m.seq, m.message_id, m.group_id, m.dedup_id, m.sender_id, m.md5_of_body, m.sent_at,
      m.visible_at, m.receive_count, m.first_received_at, m.expires_at,
      p.body, p.attributes_json, p.system_attributes_json
    FROM messages m JOIN message_payloads p ON p.seq = m.seq
    WHERE m.seq = @seq AND m.queue_id = @queueId AND m.expires_at > @now`,
  // messages primary key.
  cursor: `SELECT expires_at FROM messages WHERE seq = @afterSeq AND queue_id = @queueId`,
} as const;

type PeekRow = MessageColumns & PayloadRow;

const toPeeked = (row: PeekRow): PeekedMessage => toPeekedMessage(row, row);

/** Spread into the adapter (`...preparePeek(db)`), so wiring it is one line. */
export function preparePeek(db: Database.Database): Pick<Storage, 'peekMessages' | 'peekMessage'> {
  const peek = db.prepare<{ queueId: number; afterSeq: number; afterExpiresAt: number; now: number; limit: number }, PeekRow>(
    peekSql.peek,
  );
  const one = db.prepare<{ queueId: number; seq: number; now: number }, PeekRow>(peekSql.one);
  const cursor = db.prepare<{ queueId: number; afterSeq: number }, number>(peekSql.cursor).pluck();
  return {
    peekMessages: async (queueId, { limit, afterSeq, now }: PeekRequest) => {
      const afterExpiresAt = afterSeq > 0 ? (cursor.get({ queueId, afterSeq }) ?? -1) : -1;
      return peek.all({ queueId, afterSeq: afterExpiresAt < 0 ? -1 : afterSeq, afterExpiresAt, now, limit }).map(toPeeked);
    },
    peekMessage: async (queueId, seq, now) => {
      const row = one.get({ queueId, seq, now });
      return row && toPeeked(row);
    },
  };
}
