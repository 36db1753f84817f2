import type { MessageToSend, QueueGone, SendResult } from '../storage.js';
import type { GroupOps } from './groups.js';
import { addCount } from './message-counts.js';
import type { QueueReads } from './queues.js';
import { groupKey } from './rows.js';
import { type Tx, sql } from './tx.js';

// sendMessages: the whole array in one transaction, in input order (all-or-nothing, FIFO entries keep
// request order). Two things make it correct with several nodes sending at once:
//  - the queue row is read FOR SHARE (queues.ts lock): a concurrent delete, purge or mode switch waits for
//    this send, and this send sees the queue as it is now, not as a node's cache remembers it;
//  - a FIFO send holds the queue's advisory lock (FIFO_LOCK_CLASS, queue id) from before it draws its first
//    seq until it commits, so sends of one FIFO queue commit in seq order: a receive can never see a later
//    message of a group committed while an earlier one is still to come. The deduplication check and the
//    insert into fifo_dedup (whose primary key is the constraint) happen under the same lock.

/** First key of the two-key advisory locks of FIFO queues (second key: the queue id). */
export const FIFO_LOCK_CLASS = 0x57484631;

export const sendSql = {
  fifoLock: sql('send_fifo_lock', `SELECT pg_advisory_xact_lock(${FIFO_LOCK_CLASS}, $1::integer)`),
  // fifo_dedup primary key.
  findDuplicate: sql('send_find_duplicate', `SELECT message_id, seq, expires_at FROM fifo_dedup
    WHERE queue_id = $1 AND scope = $2 AND dedup_id = $3`),
  insert: sql('send_insert', `INSERT INTO messages (queue_id, message_id, group_id, dedup_id, sender_id, md5_of_body,
      sent_at, enqueued_at, visible_at, expires_at, body, attributes_json, system_attributes_json)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8, $9, $10, $11, $12) RETURNING seq`),
  // A standard batch without groups in one statement (arrays in input order; seq follows array order).
  insertMany: sql('send_insert_many', `INSERT INTO messages (queue_id, message_id, group_id, dedup_id, sender_id,
      md5_of_body, sent_at, enqueued_at, visible_at, expires_at, body, attributes_json, system_attributes_json)
    SELECT $1, m, '', NULL, s, h, $2, $2, v, $3, b, a, y
    FROM unnest($4::text[], $5::text[], $6::text[], $7::bigint[], $8::text[], $9::text[], $10::text[])
      WITH ORDINALITY AS t(m, s, h, v, b, a, y, i)
    ORDER BY i RETURNING seq, message_id`),
  rememberDedup: sql('send_remember_dedup', `INSERT INTO fifo_dedup (queue_id, scope, dedup_id, message_id, seq, expires_at)
    VALUES ($1, $2, $3, $4, $5, $6)
    ON CONFLICT (queue_id, scope, dedup_id) DO UPDATE SET
      message_id = excluded.message_id, seq = excluded.seq, expires_at = excluded.expires_at`),
} as const;

export interface SendDeps {
  reads: QueueReads;
  groups: GroupOps;
  /** Wakes other nodes' long polls on the queue once this commits. */
  announce: (tx: Tx, queueId: number, count: number) => void;
}

export function prepareSend(deps: SendDeps) {
  const { reads, groups } = deps;

  return async function sendMessages(tx: Tx, queueId: number, messages: MessageToSend[], now: number): Promise<SendResult[] | QueueGone> {
    const queue = await reads.lock(tx, queueId);
    if (!queue) return 'queueGone';
    if (queue.fifo) await tx.run(sendSql.fifoLock, [queueId]);
    const expiresAt = now + queue.retentionMs;
    let results: SendResult[];
    if (queue.mode === 'plain' && messages.every(({ message }) => message.groupId === null)) {
      const column = <T>(pick: (m: MessageToSend['message']) => T) => messages.map(({ message }) => pick(message));
      const rows = await tx.rows<{ seq: number; message_id: string }>(sendSql.insertMany, [
        queueId, now, expiresAt,
        column((m) => m.messageId), column((m) => m.senderId), column((m) => m.md5OfBody), column((m) => m.visibleAt),
        column((m) => m.body), column((m) => JSON.stringify(m.attributes)), column((m) => JSON.stringify(m.systemAttributes)),
      ]);
      // RETURNING promises no order; message ids are unique, so match on them.
      const seqOf = new Map(rows.map((row) => [row.message_id, row.seq]));
      results = messages.map(({ message }) => ({ outcome: 'sent', seq: seqOf.get(message.messageId)!, messageId: message.messageId }));
    } else {
      results = [];
      let mode = queue.mode;
      for (const { message, deduplication } of messages) {
        if (deduplication) {
          const original = await tx.one<{ message_id: string; seq: number; expires_at: number }>(sendSql.findDuplicate, [
            queueId, deduplication.scope, deduplication.deduplicationId,
          ]);
          if (original && original.expires_at > now) {
            results.push({ outcome: 'duplicate', seq: original.seq, messageId: original.message_id });
            continue;
          }
        }
        const group = groupKey(message.groupId);
        mode = await groups.admit(tx, queueId, group, mode, now);
        const row = await tx.one<{ seq: number }>(sendSql.insert, [
          queueId, message.messageId, group, message.deduplicationId, message.senderId, message.md5OfBody, now,
          message.visibleAt, expiresAt, message.body, JSON.stringify(message.attributes), JSON.stringify(message.systemAttributes),
        ]);
        if (!row) throw new Error('message insert returned no seq');
        await groups.noteSent(tx, queueId, group, row.seq, message.visibleAt, mode);
        if (deduplication) {
          await tx.run(sendSql.rememberDedup, [
            queueId, deduplication.scope, deduplication.deduplicationId, message.messageId, row.seq, deduplication.expiresAt,
          ]);
        }
        results.push({ outcome: 'sent', seq: row.seq, messageId: message.messageId });
      }
    }
    const sent = results.filter((result) => result.outcome === 'sent').length;
    addCount(tx, queueId, sent);
    if (sent > 0) deps.announce(tx, queueId, sent);
    return results;
  };
}
