import type pg from 'pg';
import { newReceiptToken } from '../../core/ids.js';
import type { DeleteRequest, MessageToSend, ReceiveRequest, SendResult } from '../storage.js';
import { MESSAGE_COLUMNS, type MessageRow } from './rows.js';
import { read, sql } from './tx.js';

// One round trip for the three hottest requests on plain standard queues (no groups, no FIFO, no
// redrive): a send, a receive and a delete batch are each ONE statement, run as its own (implicit)
// transaction, so the BEGIN and COMMIT round trips of tx.ts disappear. Each statement does all the
// transaction would have done: the queue's share lock and the counter shard (other nodes hear of new
// messages after the commit, batched: see notifier.ts). When a fast path does not apply (the queue turned fair or FIFO, is gone,
// a delete handle is stale), it changes nothing, and the caller runs the general transactional path.
// Measured on this 2-core machine: a plain send went from 5 round trips to 1.

const COUNT_SHARD = `INSERT INTO queue_counters AS c (queue_id, shard, messages)`;
const COUNT_CONFLICT = `ON CONFLICT (queue_id, shard) DO UPDATE SET messages = c.messages + excluded.messages`;

export const fastSql = {
  // queues primary key FOR SHARE (as messages-send.ts), then the batch in input order.
  send: sql('fast_send', `WITH q AS (SELECT id, retention_ms FROM queues WHERE id = $1 AND NOT fifo AND NOT fair FOR SHARE),
    ins AS (INSERT INTO messages (queue_id, message_id, group_id, dedup_id, sender_id, md5_of_body, sent_at, enqueued_at,
        visible_at, expires_at, body, attributes_json, system_attributes_json)
      SELECT q.id, m, '', NULL, s, h, $2, $2, v, $2 + q.retention_ms, b, a, y
      FROM q, unnest($3::text[], $4::text[], $5::text[], $6::bigint[], $7::text[], $8::text[], $9::text[])
        WITH ORDINALITY AS t(m, s, h, v, b, a, y, i)
      ORDER BY i RETURNING seq, message_id),
    counted AS (${COUNT_SHARD} SELECT $1, pg_backend_pid() % 16, count(*) FROM ins HAVING count(*) > 0 ${COUNT_CONFLICT})
    SELECT seq, message_id FROM ins`),
  // messages_visibility (queue_id, visible_at, seq), SKIP LOCKED as messages-receive.ts; the candidates'
  // visible_at before the claim gives the answer's order.
  receive: sql('fast_receive', `WITH c AS (SELECT seq, visible_at AS was_visible_at FROM messages
      WHERE queue_id = $1 AND visible_at <= $2 AND expires_at > $2
      ORDER BY visible_at, seq LIMIT $3 FOR UPDATE SKIP LOCKED)
    UPDATE messages m SET receive_count = m.receive_count + 1, first_received_at = coalesce(m.first_received_at, $2),
      received_at = $2, visible_at = $4, receipt_token = $5 || m.seq
    FROM c WHERE m.seq = c.seq
    RETURNING ${MESSAGE_COLUMNS.split(',').map((column) => `m.${column.trim()}`).join(', ')}, c.was_visible_at`),
  // messages primary key per element: only the latest handle, still in flight, deletes here.
  delete: sql('fast_delete', `WITH d AS (DELETE FROM messages m USING unnest($2::bigint[], $3::text[]) AS r(seq, token)
      WHERE m.seq = r.seq AND m.queue_id = $1 AND m.receipt_token = r.token AND m.visible_at > $4 RETURNING m.seq),
    counted AS (${COUNT_SHARD} SELECT $1, pg_backend_pid() % 16, -count(*) FROM d HAVING count(*) > 0 ${COUNT_CONFLICT})
    SELECT seq FROM d`),
} as const;

export function prepareFastPaths(pool: pg.Pool) {
  return {
    /** Null when the fast path does not apply (nothing was stored). */
    async send(queueId: number, messages: MessageToSend[], now: number): Promise<SendResult[] | null> {
      if (messages.some(({ message, deduplication }) => message.groupId !== null || deduplication !== null)) return null;
      const column = <T>(pick: (m: MessageToSend['message']) => T) => messages.map(({ message }) => pick(message));
      const rows = await read<{ seq: number; message_id: string }>(pool, fastSql.send, [
        queueId, now,
        column((m) => m.messageId), column((m) => m.senderId), column((m) => m.md5OfBody), column((m) => m.visibleAt),
        column((m) => m.body), column((m) => JSON.stringify(m.attributes)), column((m) => JSON.stringify(m.systemAttributes)),
      ]);
      if (rows.length === 0) return null;
      const seqOf = new Map(rows.map((row) => [row.message_id, row.seq]));
      return messages.map(({ message }) => ({ outcome: 'sent', seq: seqOf.get(message.messageId)!, messageId: message.messageId }));
    },

    async receive(request: ReceiveRequest): Promise<MessageRow[]> {
      const rows = await read<MessageRow & { was_visible_at: number }>(pool, fastSql.receive, [
        request.queueId, request.now, request.max, request.now + request.visibilityMs, newReceiptToken(),
      ]);
      return rows.sort((a, b) => a.was_visible_at - b.was_visible_at || a.seq - b.seq);
    },

    /** The seqs deleted; entries whose seq is not among them go to the general path. */
    async delete(queueId: number, requests: DeleteRequest[], now: number): Promise<Set<number>> {
      const rows = await read<{ seq: number }>(pool, fastSql.delete, [
        queueId, requests.map(({ ref }) => ref.seq), requests.map(({ ref }) => ref.receiptToken), now,
      ]);
      return new Set(rows.map((row) => row.seq));
    },
  };
}
