import type pg from 'pg';
import { newReceiptToken } from '../../core/ids.js';
import { StoreUnavailable } from '../../core/errors.js';
import type { NewMessage } from '../../core/types.js';
import type { DeleteRequest, MessageToSend, ReceiveRequest, SendResult } from '../storage.js';
import { MESSAGE_COLUMNS, type MessageRow } from './rows.js';
import { StatementCoalescer } from './statement-coalescer.js';
import { read, sql } from './tx.js';

// One round trip for the three hottest requests on plain standard queues (no groups, no FIFO, no
// redrive): a send, a receive and a delete batch are each ONE statement, run as its own (implicit)
// transaction, so the BEGIN and COMMIT round trips of tx.ts disappear. Each statement does all the
// transaction would have done: the queue's share lock and the counter shard (other nodes hear of new
// messages after the commit, batched: see notifier.ts). When a fast path does not apply (the queue turned
// fair or FIFO, is gone, a delete handle is stale), it changes nothing, and the caller runs the general
// transactional path.
// Measured on this 2-core machine: a plain send went from 5 round trips to 1. Sends and delete batches that
// arrive together share one statement and its commit (statement-coalescer.ts).

const COUNT_SHARD = `INSERT INTO queue_counters AS c (queue_id, shard, messages)`;
const COUNT_CONFLICT = `ON CONFLICT (queue_id, shard) DO UPDATE SET messages = c.messages + excluded.messages`;

export const fastSql = {
  // queues primary key FOR SHARE (as messages-send.ts), then the messages in array order (each request's
  // in its input order; one statement may carry several requests, see statement-coalescer.ts).
  send: sql('fast_send', `WITH q AS (SELECT id, retention_ms FROM queues WHERE id = $1 AND NOT fifo AND NOT fair FOR SHARE),
    ins AS (INSERT INTO messages (queue_id, message_id, group_id, dedup_id, sender_id, md5_of_body, sent_at, enqueued_at,
        visible_at, expires_at, body, attributes_json, system_attributes_json)
      SELECT q.id, m, '', NULL, s, h, n, n, v, n + q.retention_ms, b, a, y
      FROM q, unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::text[], $8::text[], $9::text[])
        WITH ORDINALITY AS t(n, m, s, h, v, b, a, y, i)
      ORDER BY i RETURNING seq, message_id),
    counted AS (${COUNT_SHARD} SELECT $1, pg_backend_pid() % 16, count(*) FROM ins HAVING count(*) > 0 ${COUNT_CONFLICT})
    SELECT seq, message_id FROM ins`),
  // messages_visibility (queue_id, visible_at, seq), SKIP LOCKED as messages-receive.ts. One statement may
  // carry several receives ($4–$7, one element each): the candidates, in visibility order, are dealt out
  // in request order, each receive taking up to its max with its own time, visibility timeout and receipt
  // token. The candidates' visible_at before the claim gives each answer's order. A candidate is visible at
  // the earliest request's time ($2) and unexpired at the latest's ($8), so no receive gets a message
  // that its own time would not have given it.
  receive: sql('fast_receive', `WITH c AS (SELECT seq, visible_at AS was_visible_at FROM messages
      WHERE queue_id = $1 AND visible_at <= $2 AND expires_at > $8
      ORDER BY visible_at, seq LIMIT $3 FOR UPDATE SKIP LOCKED),
    ranked AS (SELECT seq, was_visible_at, row_number() OVER (ORDER BY was_visible_at, seq) AS position FROM c),
    asked AS (SELECT i, now, until, token, sum(max) OVER (ORDER BY i) - max AS after, sum(max) OVER (ORDER BY i) AS upto
      FROM unnest($4::integer[], $5::bigint[], $6::bigint[], $7::text[]) WITH ORDINALITY AS t(max, now, until, token, i)),
    dealt AS (SELECT ranked.seq, ranked.was_visible_at, asked.i, asked.now, asked.until, asked.token
      FROM ranked JOIN asked ON ranked.position > asked.after AND ranked.position <= asked.upto)
    UPDATE messages m SET receive_count = m.receive_count + 1, first_received_at = coalesce(m.first_received_at, d.now),
      received_at = d.now, visible_at = d.until, receipt_token = d.token || m.seq
    FROM dealt d WHERE m.seq = d.seq
    RETURNING ${MESSAGE_COLUMNS.split(',').map((column) => `m.${column.trim()}`).join(', ')}, d.was_visible_at, d.i AS request`),
  // messages primary key per element: only the latest handle, still in flight, deletes here. Each element
  // carries its request's time (a statement may carry several requests).
  delete: sql('fast_delete', `WITH d AS (DELETE FROM messages m USING unnest($2::bigint[], $3::text[], $4::bigint[]) AS r(seq, token, now)
      WHERE m.seq = r.seq AND m.queue_id = $1 AND m.receipt_token = r.token AND m.visible_at > r.now RETURNING m.seq, r.token),
    counted AS (${COUNT_SHARD} SELECT $1, pg_backend_pid() % 16, -count(*) FROM d HAVING count(*) > 0 ${COUNT_CONFLICT})
    SELECT seq, token FROM d`),
} as const;

/** True when the messages can take the fast path: no group, no deduplication. */
export function isPlainSend(messages: MessageToSend[]): boolean {
  return messages.every(({ message, deduplication }) => message.groupId === null && deduplication === null);
}

/** One SendMessage or SendMessageBatch request, as the coalescers carry it. */
export interface SendRequest {
  messages: MessageToSend[];
  now: number;
}

/** A send's weight against a statement's bounds: bodies dominate its parameters. */
const sizeOfSend = ({ messages }: SendRequest) => ({
  bytes: messages.reduce((sum, { message }) => sum + message.body.length, 0),
  items: messages.length,
});

interface PlainDelete {
  requests: DeleteRequest[];
  now: number;
}

/** Statement bounds: sends weigh their bodies; deletes and receives count handles and messages. */
const SEND_LIMITS = { maxBytes: 4 * 1024 * 1024, maxItems: 1_000 };
const COUNT_LIMITS = { maxBytes: Number.POSITIVE_INFINITY, maxItems: 1_000 };

/**
 * A failed statement changed nothing unless the failure left its outcome unknown: tx.ts turns lost
 * connections (a COMMIT that may or may not have happened), timeouts and a full disk into StoreUnavailable.
 */
const changedNothing = (error: unknown) => !(error instanceof StoreUnavailable);

/** How send requests coalesce, on the fast path and in shared transactions (postgres-storage.ts). */
export const SEND_COALESCING = { sizeOf: sizeOfSend, limits: SEND_LIMITS, runAloneAfter: changedNothing };

export function prepareFastPaths(pool: pg.Pool) {
  // Several requests to one queue share a statement and its commit (statement-coalescer.ts).
  const sends = new StatementCoalescer<SendRequest, SendResult[] | null>(
    async (queueId, requests) => {
      const sentAt: number[] = [];
      const messages: NewMessage[] = [];
      for (const request of requests) {
        for (const { message } of request.messages) {
          sentAt.push(request.now);
          messages.push(message);
        }
      }
      const column = <T>(pick: (m: NewMessage) => T) => messages.map(pick);
      const rows = await read<{ seq: number; message_id: string }>(pool, fastSql.send, [
        queueId, sentAt,
        column((m) => m.messageId), column((m) => m.senderId), column((m) => m.md5OfBody), column((m) => m.visibleAt),
        column((m) => m.body), column((m) => JSON.stringify(m.attributes)), column((m) => JSON.stringify(m.systemAttributes)),
      ]);
      if (rows.length === 0) return requests.map(() => null);
      // RETURNING promises no order; message ids are unique, so match on them.
      const seqOf = new Map(rows.map((row) => [row.message_id, row.seq]));
      return requests.map((request) =>
        request.messages.map(({ message }) => ({ outcome: 'sent' as const, seq: seqOf.get(message.messageId)!, messageId: message.messageId })));
    },
    SEND_COALESCING,
  );

  const deletes = new StatementCoalescer<PlainDelete, boolean[]>(
    async (queueId, requests) => {
      const entries = requests.flatMap(({ requests: handles, now }) => handles.map(({ ref }) => ({ ref, now })));
      const rows = await read<{ seq: number; token: string }>(pool, fastSql.delete, [
        queueId, entries.map(({ ref }) => ref.seq), entries.map(({ ref }) => ref.receiptToken), entries.map(({ now }) => now),
      ]);
      // Each deleted (seq, handle) answers the first entry that named it; a repeat goes to the general path.
      const deleted = new Set(rows.map((row) => `${row.seq} ${row.token}`));
      return requests.map(({ requests: handles }) => handles.map(({ ref }) => deleted.delete(`${ref.seq} ${ref.receiptToken}`)));
    },
    { sizeOf: (request) => ({ bytes: 0, items: request.requests.length }), limits: COUNT_LIMITS, runAloneAfter: changedNothing },
  );

  const receives = new StatementCoalescer<ReceiveRequest, MessageRow[]>(
    async (queueId, requests) => {
      const rows = await read<MessageRow & { was_visible_at: number; request: number }>(pool, fastSql.receive, [
        queueId, Math.min(...requests.map(({ now }) => now)), requests.reduce((sum, { max }) => sum + max, 0),
        requests.map(({ max }) => max), requests.map(({ now }) => now), requests.map(({ now, visibilityMs }) => now + visibilityMs),
        requests.map(() => newReceiptToken()), Math.max(...requests.map(({ now }) => now)),
      ]);
      const answers = requests.map((): MessageRow[] => []);
      for (const row of rows.sort((a, b) => a.was_visible_at - b.was_visible_at || a.seq - b.seq)) answers[row.request - 1]!.push(row);
      return answers;
    },
    { sizeOf: (request) => ({ bytes: 0, items: request.max }), limits: COUNT_LIMITS, runAloneAfter: changedNothing },
  );

  return {
    /** The results in input order, or null when the fast path does not apply (nothing was stored). */
    send: (queueId: number, messages: MessageToSend[], now: number): Promise<SendResult[] | null> =>
      sends.submit(queueId, { messages, now }),

    /** The messages claimed, in visibility order. */
    receive: (request: ReceiveRequest): Promise<MessageRow[]> => receives.submit(request.queueId, request),

    /** Per entry, whether it deleted its message here; the others go to the general path. */
    delete: (queueId: number, requests: DeleteRequest[], now: number): Promise<boolean[]> =>
      deletes.submit(queueId, { requests, now }),
  };
}
