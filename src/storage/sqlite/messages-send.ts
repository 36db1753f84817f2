import type Database from 'better-sqlite3';
import type { MessageAttributeMap } from '../../core/types.js';
import type { MessageToSend, QueueGone, SendResult } from '../storage.js';
import { type GroupOps, storedGroupKey } from './groups.js';
import type { MessageCounts } from './message-counts.js';
import type { QueueReads } from './queues.js';

// sendMessages: the whole array in the caller's transaction (one write-batcher operation), in input order,
// so a batch is all-or-nothing and FIFO entries keep request order (seq increases with the row id).

export const sendSql = {
  // fifo_dedup primary key.
  findDuplicate: `SELECT message_id, seq, expires_at FROM fifo_dedup
    WHERE queue_id = @queueId AND scope = @scope AND dedup_id = @dedupId`,
  // Positional parameters: binding by name looks every one up on an object, which a batch pays per row.
  insert: `INSERT INTO messages (queue_id, message_id, group_id, dedup_id, sender_id, md5_of_body, sent_at,
      enqueued_at, visible_at, expires_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  insertPayload: `INSERT INTO message_payloads (seq, body, attributes_json, system_attributes_json) VALUES (?, ?, ?, ?)`,
  // An expired entry (still present until maintenance) is replaced.
  rememberDedup: `INSERT INTO fifo_dedup (queue_id, scope, dedup_id, message_id, seq, expires_at)
    VALUES (@queueId, @scope, @dedupId, @messageId, @seq, @expiresAt)
    ON CONFLICT (queue_id, scope, dedup_id) DO UPDATE SET
      message_id = excluded.message_id, seq = excluded.seq, expires_at = excluded.expires_at`,
} as const;

interface DedupKey {
  queueId: number;
  scope: string;
  dedupId: string;
}

export function prepareSend(db: Database.Database, deps: { reads: QueueReads; groups: GroupOps; counts: MessageCounts }) {
  const { reads, groups, counts } = deps;
  const findDuplicate = db.prepare<DedupKey, { message_id: string; seq: number; expires_at: number }>(
    sendSql.findDuplicate,
  );
  // The new seq is the row id: lastInsertRowid, without RETURNING's buffering of its output.
  const insert = db.prepare<[number, string, string, string | null, string, string, number, number, number, number]>(
    sendSql.insert,
  );
  const insertPayload = db.prepare<[number, string, string, string]>(sendSql.insertPayload);
  const rememberDedup = db.prepare<DedupKey & { messageId: string; seq: number; expiresAt: number }>(
    sendSql.rememberDedup,
  );

  return function sendMessages(queueId: number, messages: MessageToSend[], now: number): SendResult[] | QueueGone {
    const queue = reads.info(queueId);
    if (!queue) return 'queueGone';
    let mode = queue.mode;
    return messages.map(({ message, deduplication }): SendResult => {
      const dedupKey = deduplication && { queueId, scope: deduplication.scope, dedupId: deduplication.deduplicationId };
      if (dedupKey) {
        const original = findDuplicate.get(dedupKey);
        if (original && original.expires_at > now) {
          return { outcome: 'duplicate', seq: original.seq, messageId: original.message_id };
        }
      }
      mode = groups.admit(queueId, message.groupId, mode, now);
      const group = storedGroupKey(message.groupId, mode);
      const { messageId, deduplicationId, senderId, md5OfBody, visibleAt } = message;
      // sent_at and enqueued_at are both the send time.
      const { lastInsertRowid } = insert.run(
        queueId, messageId, group, deduplicationId, senderId, md5OfBody, now, now, visibleAt, now + queue.retentionMs,
      );
      const seq = Number(lastInsertRowid);
      insertPayload.run(seq, message.body, attributesJson(message.attributes), attributesJson(message.systemAttributes));
      groups.noteSent(queueId, group, seq, visibleAt, mode);
      counts.add(queueId, 1);
      if (deduplication) {
        const { scope, deduplicationId: dedupId, expiresAt } = deduplication;
        rememberDedup.run({ queueId, scope, dedupId, messageId, seq, expiresAt });
      }
      return { outcome: 'sent', seq, messageId };
    });
  };
}

/** Most messages carry no attributes: their JSON is a constant instead of a JSON.stringify call. */
function attributesJson(attributes: MessageAttributeMap): string {
  for (const _ in attributes) return JSON.stringify(attributes);
  return '{}';
}
