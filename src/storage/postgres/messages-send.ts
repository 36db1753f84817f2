import type { NewMessage } from '../../core/types.js';
import type { Deduplication, QueueGone, SendResult } from '../storage.js';
import type { SendRequest } from './fast-paths.js';
import type { GroupOps } from './groups.js';
import { addCount } from './message-counts.js';
import type { QueueReads } from './queues.js';
import { type QueueState, groupKey } from './rows.js';
import { type Tx, sql } from './tx.js';

// sendMessages: the send requests to one queue that share a transaction (statement-coalescer.ts), in
// arrival order, each message in its request's order; the plain fast path (fast-paths.ts) takes the rest.
// Two things make it correct with several nodes sending at once:
//  - the queue row is read FOR SHARE (queues.ts lock): a concurrent delete, purge or mode switch waits for
//    this send, and this send sees the queue as it is now, not as a node's cache remembers it;
//  - a FIFO send holds the queue's advisory lock (FIFO_LOCK_CLASS, queue id) from before it draws its first
//    seq until it commits, so sends of one FIFO queue commit in seq order: a receive can never see a later
//    message of a group committed while an earlier one is still to come. The deduplication check and the
//    insert into fifo_dedup (whose primary key is the constraint) happen under the same lock.
// A FIFO queue's requests take a fixed number of statements however many they are (insertFifo); a
// standard queue's go message by message, because each grouped message may turn the queue fair.

/** First key of the two-key advisory locks of FIFO queues (second key: the queue id). */
export const FIFO_LOCK_CLASS = 0x57484631;

export const sendSql = {
  fifoLock: sql('send_fifo_lock', `SELECT pg_advisory_xact_lock(${FIFO_LOCK_CLASS}, $1::integer)`),
  insert: sql('send_insert', `INSERT INTO messages (queue_id, message_id, group_id, dedup_id, sender_id, md5_of_body,
      sent_at, enqueued_at, visible_at, expires_at, body, attributes_json, system_attributes_json)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8, $9, $10, $11, $12) RETURNING seq`),
  // fifo_dedup primary key per element.
  findDuplicates: sql('send_find_duplicates', `SELECT d.scope, d.dedup_id, d.message_id, d.seq, d.expires_at FROM fifo_dedup d
    JOIN unnest($2::text[], $3::text[]) AS k(scope, dedup_id) ON d.queue_id = $1 AND d.scope = k.scope AND d.dedup_id = k.dedup_id`),
  // The FIFO messages that are not duplicates, in one statement: inserted in array order (so seqs follow
  // it), each group that had no row gets one with its first new message as head (an existing group row is
  // only locked, as noteSent does for FIFO), and each deduplication id is remembered.
  insertFifo: sql('send_insert_fifo', `WITH ins AS (INSERT INTO messages (queue_id, message_id, group_id, dedup_id, sender_id,
        md5_of_body, sent_at, enqueued_at, visible_at, expires_at, body, attributes_json, system_attributes_json)
      SELECT $1, m, g, d, s, h, n, n, v, x, b, a, y
      FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[], $8::bigint[], $9::bigint[],
        $10::text[], $11::text[], $12::text[]) WITH ORDINALITY AS t(m, g, d, s, h, n, v, x, b, a, y, i)
      ORDER BY i RETURNING seq, message_id, group_id, visible_at),
    heads AS (INSERT INTO message_groups AS g (queue_id, group_id, head_seq, head_visible_at, served_at, ready_at)
      SELECT DISTINCT ON (group_id) $1, group_id, seq, visible_at, 0, visible_at FROM ins ORDER BY group_id, seq
      ON CONFLICT (queue_id, group_id) DO UPDATE SET head_seq = g.head_seq WHERE false),
    remembered AS (INSERT INTO fifo_dedup AS f (queue_id, scope, dedup_id, message_id, seq, expires_at)
      SELECT $1, k.scope, k.dedup_id, ins.message_id, ins.seq, k.expires_at
      FROM unnest($13::text[], $14::text[], $15::text[], $16::bigint[]) AS k(message_id, scope, dedup_id, expires_at)
        JOIN ins ON ins.message_id = k.message_id
      ON CONFLICT (queue_id, scope, dedup_id) DO UPDATE SET
        message_id = excluded.message_id, seq = excluded.seq, expires_at = excluded.expires_at)
    SELECT seq, message_id FROM ins`),
} as const;

export interface SendDeps {
  reads: QueueReads;
  groups: GroupOps;
  /** Wakes other nodes' long polls on the queue once this commits. */
  announce: (tx: Tx, queueId: number, count: number) => void;
}

export function prepareSend(deps: SendDeps) {
  const { reads, groups } = deps;
  const keyOf = (scope: string, dedupId: string) => `${scope}\u0000${dedupId}`;

  /**
   * FIFO: one lookup of every deduplication id, then one insert of everything new. A message whose
   * deduplication id an earlier one of these requests used is a duplicate of that one, as it would be sent
   * after it. Returns how many messages were stored.
   */
  async function sendFifo(tx: Tx, queue: QueueState, requests: SendRequest[], results: SendResult[][]): Promise<number> {
    const queueId = queue.id;
    const keyed = requests.flatMap(({ messages }) => messages.flatMap(({ deduplication }) => (deduplication ? [deduplication] : [])));
    const stored = new Map<string, { message_id: string; seq: number; expires_at: number }>();
    if (keyed.length > 0) {
      const rows = await tx.rows<{ scope: string; dedup_id: string; message_id: string; seq: number; expires_at: number }>(
        sendSql.findDuplicates, [queueId, keyed.map((d) => d.scope), keyed.map((d) => d.deduplicationId)],
      );
      for (const row of rows) stored.set(keyOf(row.scope, row.dedup_id), row);
    }

    // Decide each message in order: a duplicate of a stored message, of an earlier new one, or new.
    const fresh: Array<{ message: NewMessage; deduplication: Deduplication | null; now: number }> = [];
    const firstOf = new Map<string, NewMessage>();
    type Decision = { fresh: NewMessage } | { duplicateOf: NewMessage | { message_id: string; seq: number } };
    const decided = requests.map(({ messages, now }) => messages.map(({ message, deduplication }): Decision => {
      const key = deduplication && keyOf(deduplication.scope, deduplication.deduplicationId);
      if (key !== null) {
        const original = stored.get(key);
        if (original && original.expires_at > now) return { duplicateOf: original };
        const earlier = firstOf.get(key);
        if (earlier) return { duplicateOf: earlier };
        firstOf.set(key, message);
      }
      fresh.push({ message, deduplication, now });
      return { fresh: message };
    }));

    const seqOf = new Map<string, number>();
    if (fresh.length > 0) {
      const column = <T>(pick: (entry: (typeof fresh)[number]) => T) => fresh.map(pick);
      const remembered = fresh.filter((entry) => entry.deduplication !== null);
      const rows = await tx.rows<{ seq: number; message_id: string }>(sendSql.insertFifo, [
        queueId,
        column((e) => e.message.messageId), column((e) => groupKey(e.message.groupId)), column((e) => e.message.deduplicationId),
        column((e) => e.message.senderId), column((e) => e.message.md5OfBody), column((e) => e.now), column((e) => e.message.visibleAt),
        column((e) => e.now + queue.retentionMs), column((e) => e.message.body), column((e) => JSON.stringify(e.message.attributes)),
        column((e) => JSON.stringify(e.message.systemAttributes)),
        remembered.map((e) => e.message.messageId), remembered.map((e) => e.deduplication!.scope),
        remembered.map((e) => e.deduplication!.deduplicationId), remembered.map((e) => e.deduplication!.expiresAt),
      ]);
      for (const row of rows) seqOf.set(row.message_id, row.seq);
    }
    for (const decisions of decided) {
      results.push(decisions.map((decision): SendResult => {
        if ('fresh' in decision) return { outcome: 'sent', seq: seqOf.get(decision.fresh.messageId)!, messageId: decision.fresh.messageId };
        const original = decision.duplicateOf;
        return 'seq' in original
          ? { outcome: 'duplicate', seq: original.seq, messageId: original.message_id }
          : { outcome: 'duplicate', seq: seqOf.get(original.messageId)!, messageId: original.messageId };
      }));
    }
    return fresh.length;
  }

  /** Standard: message by message, since a grouped message may turn the queue fair. Returns how many were stored. */
  async function sendStandard(tx: Tx, queue: QueueState, requests: SendRequest[], results: SendResult[][]): Promise<number> {
    let mode = queue.mode;
    for (const { messages, now } of requests) {
      const sent: SendResult[] = [];
      for (const { message } of messages) {
        const group = groupKey(message.groupId);
        mode = await groups.admit(tx, queue.id, group, mode, now);
        const row = await tx.one<{ seq: number }>(sendSql.insert, [
          queue.id, message.messageId, group, message.deduplicationId, message.senderId, message.md5OfBody, now,
          message.visibleAt, now + queue.retentionMs, message.body, JSON.stringify(message.attributes),
          JSON.stringify(message.systemAttributes),
        ]);
        if (!row) throw new Error('message insert returned no seq');
        await groups.noteSent(tx, queue.id, group, row.seq, message.visibleAt, mode);
        sent.push({ outcome: 'sent', seq: row.seq, messageId: message.messageId });
      }
      results.push(sent);
    }
    return requests.reduce((sum, { messages }) => sum + messages.length, 0);
  }

  /** Each request's results in its input order, in the requests' order. */
  return async function sendMessages(tx: Tx, queueId: number, requests: SendRequest[]): Promise<Array<SendResult[] | QueueGone>> {
    const queue = await reads.lock(tx, queueId);
    if (!queue) return requests.map(() => 'queueGone');
    if (queue.fifo) await tx.run(sendSql.fifoLock, [queueId]);
    const results: SendResult[][] = [];
    const stored = await (queue.fifo ? sendFifo : sendStandard)(tx, queue, requests, results);
    addCount(tx, queueId, stored);
    if (stored > 0) deps.announce(tx, queueId, stored);
    return results;
  };
}
