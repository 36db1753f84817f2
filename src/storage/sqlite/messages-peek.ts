import type Database from 'better-sqlite3';
import type { MessageAttributeMap } from '../../core/types.js';
import type { PeekedMessage, PeekRequest, Storage } from '../storage.js';

// The console's peek: a plain read of committed rows, outside the write batcher. It writes nothing (no
// receive_count, visible_at or receipt_token change) and never returns the receipt token, so a peek cannot
// be turned into a delete or a visibility change.

export const peekSql = {
  // The inner select walks only this queue's entries of the covering index messages_visibility
  // (queue_id, visible_at, seq, receive_count, expires_at), like queueStats, and keeps the `limit` lowest
  // seqs; the outer select then reads those few rows and payloads by primary key. Scanning the rowid
  // range `seq > @afterSeq` instead would walk every other queue's messages too.
  peek: `SELECT m.seq, m.message_id, m.group_id, m.dedup_id, m.sender_id, m.md5_of_body, m.sent_at,
      m.visible_at, m.receive_count, m.first_received_at,
      p.body, p.attributes_json, p.system_attributes_json
    FROM messages m JOIN message_payloads p ON p.seq = m.seq
    WHERE m.seq IN (
      SELECT seq FROM messages INDEXED BY messages_visibility
      WHERE queue_id = @queueId AND seq > @afterSeq AND expires_at > @now
      ORDER BY seq LIMIT @limit)
    ORDER BY m.seq`,
} as const;

interface PeekRow {
  seq: number;
  message_id: string;
  group_id: string;
  dedup_id: string | null;
  sender_id: string;
  md5_of_body: string;
  sent_at: number;
  visible_at: number;
  receive_count: number;
  first_received_at: number | null;
  body: string;
  attributes_json: string;
  system_attributes_json: string;
}

const toPeekedMessage = (row: PeekRow): PeekedMessage => ({
  seq: row.seq,
  messageId: row.message_id,
  body: row.body,
  md5OfBody: row.md5_of_body,
  attributes: JSON.parse(row.attributes_json) as MessageAttributeMap,
  systemAttributes: JSON.parse(row.system_attributes_json) as MessageAttributeMap,
  senderId: row.sender_id,
  sentAt: row.sent_at,
  // Ungrouped messages are stored under the group key '' (schema.ts).
  groupId: row.group_id === '' ? null : row.group_id,
  deduplicationId: row.dedup_id,
  receiveCount: row.receive_count,
  firstReceivedAt: row.first_received_at,
  visibleAt: row.visible_at,
});

/** Spread into the adapter (`...preparePeek(db)`), so wiring it is one line. */
export function preparePeek(db: Database.Database): Pick<Storage, 'peekMessages'> {
  const peek = db.prepare<{ queueId: number; afterSeq: number; now: number; limit: number }, PeekRow>(peekSql.peek);
  return {
    peekMessages: async (queueId, { limit, afterSeq, now }: PeekRequest) =>
      peek.all({ queueId, afterSeq, now, limit }).map(toPeekedMessage),
  };
}
