import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { ClaimedMessage, RedriveTarget } from '../../core/types.js';
import type { ReceiveRequest, ReceiveResult } from '../storage.js';
import type { FairWalk } from './claim-fair.js';
import type { FifoWalk } from './claim-fifo.js';
import type { QueueReads } from './queues.js';
import type { Attempts } from './receive-attempts.js';
import type { Relocate, RelocateFields, RelocateTarget } from './relocate.js';
import { type MessageRow, type PayloadRow, toClaimedMessage } from './rows.js';
import type { Stats } from './messages-stats.js';

// receiveMessages: one write-batcher operation (a receive writes: it claims), so the candidate search,
// the claims and any dead-letter moves are one atomic step. Visibility is data: a message is receivable
// when visible_at <= now < expires_at; claiming pushes visible_at to now + visibilityMs and mints a new
// receipt token, which invalidates older handles (delete/changeVisibility compare it, like a CAS).

export const receiveSql = {
  // messages primary key. Only hot-row columns change; the payload row is never rewritten.
  claim: `UPDATE messages SET receive_count = receive_count + 1, first_received_at = coalesce(first_received_at, @now),
      received_at = @now, visible_at = @visibleAt, receipt_token = @token
    WHERE seq = @seq RETURNING *`,
  // message_payloads primary key.
  payload: `SELECT body, attributes_json, system_attributes_json FROM message_payloads WHERE seq = ?`,
} as const;

const newReceiptToken = (): string => randomBytes(12).toString('base64url');

interface ReceiveDeps {
  reads: QueueReads;
  fifoWalk: FifoWalk;
  fairWalk: FairWalk;
  relocate: Relocate;
  attempts: Attempts;
  stats: Stats;
}

export function prepareReceive(db: Database.Database, deps: ReceiveDeps) {
  const claim = db.prepare<{ seq: number; now: number; visibleAt: number; token: string }, MessageRow>(
    receiveSql.claim,
  );
  const payload = db.prepare<[number], PayloadRow>(receiveSql.payload);

  const toClaimed = (row: MessageRow): ClaimedMessage => {
    const body = payload.get(row.seq);
    if (!body) throw new Error(`message ${row.seq} has no payload`);
    return toClaimedMessage(row, body);
  };

  /**
   * A candidate that has already been received maxReceiveCount times would exceed it with this receive
   * (reference §6.1: with maxReceiveCount=1 the first receive delivers, the second moves), so it goes to
   * the DLQ instead: same id, body, attributes, receive count and sent time, receivable there at once,
   * at the DLQ's end (a FIFO DLQ keeps group order), with DeadLetterQueueSourceArn added.
   */
  const moveToDeadLetterQueue = (row: MessageRow, redrive: RedriveTarget, dlq: RelocateTarget, now: number) => {
    const enqueuedAt = redrive.resetEnqueueTime ? now : row.enqueued_at;
    const fields: RelocateFields = {
      visibleAt: now,
      enqueuedAt,
      expiresAt: enqueuedAt + redrive.deadLetterRetentionMs,
      receiveCount: row.receive_count,
      firstReceivedAt: row.first_received_at,
      receivedAt: row.received_at,
      editSystemAttributes: (attributes) => ({
        ...attributes,
        DeadLetterQueueSourceArn: { DataType: 'String', StringValue: redrive.sourceArn },
      }),
    };
    deps.relocate(row, dlq, fields);
  };

  return function receiveMessages(request: ReceiveRequest): ReceiveResult {
    const { queueId, now } = request;
    const queue = deps.reads.info(queueId);
    if (!queue) return { messages: [], nextVisibleAt: null, redrivenTo: [] };
    const visibleAt = now + request.visibilityMs;

    if (request.attemptId !== undefined) {
      const replayed = deps.attempts.replay(queueId, request.attemptId, now, visibleAt, queue.fifo);
      if (replayed) {
        const nextVisibleAt = deps.stats.nextVisibleAt(queueId, now);
        return { messages: replayed.map(toClaimed), nextVisibleAt, redrivenTo: [] };
      }
    }

    // A redrive policy whose DLQ no longer exists (or is this queue itself, which would move a message
    // to the end of the queue being walked, forever) moves nothing: the messages stay deliverable here.
    const redrive = request.redrive?.deadLetterQueueId === queueId ? null : request.redrive;
    const dlqInfo = redrive ? deps.reads.info(redrive.deadLetterQueueId) : undefined;
    const dlq = redrive && dlqInfo ? { queueId: redrive.deadLetterQueueId, fifo: dlqInfo.fifo } : null;
    let redriven = false;
    const claimedRows: MessageRow[] = [];

    const visit = (row: MessageRow): 'counted' | 'uncounted' => {
      if (redrive && dlq && row.receive_count >= redrive.maxReceiveCount) {
        moveToDeadLetterQueue(row, redrive, dlq, now);
        redriven = true;
        return 'uncounted';
      }
      const claimed = claim.get({ seq: row.seq, now, visibleAt, token: newReceiptToken() });
      if (!claimed) throw new Error(`message ${row.seq} vanished during its claim`);
      claimedRows.push(claimed);
      return 'counted';
    };

    if (queue.fifo) deps.fifoWalk(queueId, now, request.max, visit);
    else deps.fairWalk(queueId, now, request.max, visit);

    if (request.attemptId !== undefined && claimedRows.length > 0) {
      deps.attempts.remember(queueId, request.attemptId, claimedRows, now);
    }
    return {
      messages: claimedRows.map(toClaimed),
      nextVisibleAt: deps.stats.nextVisibleAt(queueId, now),
      redrivenTo: redriven && dlq ? [dlq.queueId] : [],
    };
  };
}
