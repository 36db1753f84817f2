import { newReceiptToken } from '../../core/ids.js';
import type Database from 'better-sqlite3';
import type { ClaimedMessage, RedriveTarget } from '../../core/types.js';
import type { QueueGone, ReceiveRequest, ReceiveResult } from '../storage.js';
import type { FairWalk } from './claim-fair.js';
import type { FifoWalk } from './claim-fifo.js';
import type { QueueReads } from './queues.js';
import type { Attempts } from './receive-attempts.js';
import { deadLetterFields } from '../relocation.js';
import type { Relocate, RelocateTarget } from './relocate.js';
import { type MessageRow, type PayloadRow, type QueueState, toClaimedMessage } from './rows.js';
import type { MessageCounts } from './message-counts.js';
import type { Stats } from './messages-stats.js';

// receiveMessages: one write-batcher operation (a receive writes: it claims), so the candidate search,
// the claims and any dead-letter moves are one atomic step. Visibility is data: a message is receivable
// when visible_at <= now < expires_at; claiming pushes visible_at to now + visibilityMs and mints a new
// receipt token, which invalidates older handles (delete/changeVisibility compare it, like a CAS).

// One random token per receive, made distinct per message by its seq: a handle names (queue, seq, token),
// and only its latest token is accepted.
const CLAIM_SET = `receive_count = receive_count + 1, first_received_at = coalesce(first_received_at, @now),
      received_at = @now, visible_at = @visibleAt, receipt_token = @token || seq`;

/** How often a long poll on a queue being purged or turned fair looks again (chunks take seconds). */
const PURGE_POLL_MS = 100;

export const receiveSql = {
  // messages primary key. Only hot-row columns change; the payload row is never rewritten.
  claim: `UPDATE messages SET ${CLAIM_SET} WHERE seq = @seq RETURNING *`,
  // Plain queues: the candidates of one receive, oldest visible first. Covered by messages_visibility
  // (queue_id, visible_at, seq, receive_count, expires_at): no table lookups.
  plainCandidates: `SELECT seq, receive_count FROM messages INDEXED BY messages_visibility
    WHERE queue_id = @queueId AND visible_at <= @now AND expires_at > @now
    ORDER BY visible_at, seq LIMIT @limit`,
  // Plain queues: all claims of a receive in one statement (messages primary key per element).
  claimMany: `UPDATE messages SET ${CLAIM_SET} WHERE seq IN (SELECT value FROM json_each(@seqs)) RETURNING *`,
  // message_payloads primary key per element.
  payloads: `SELECT seq, body, attributes_json, system_attributes_json FROM message_payloads
    WHERE seq IN (SELECT value FROM json_each(?))`,
  // messages primary key (a candidate that must be redriven needs its whole row).
  row: `SELECT * FROM messages WHERE seq = ?`,
} as const;

interface ReceiveDeps {
  reads: QueueReads;
  fifoWalk: FifoWalk;
  fairWalk: FairWalk;
  relocate: Relocate;
  attempts: Attempts;
  stats: Stats;
  counts: MessageCounts;
}

export function prepareReceive(db: Database.Database, deps: ReceiveDeps) {
  const claim = db.prepare<{ seq: number; now: number; visibleAt: number; token: string }, MessageRow>(
    receiveSql.claim,
  );
  const plainCandidates = db.prepare<{ queueId: number; now: number; limit: number }, { seq: number; receive_count: number }>(
    receiveSql.plainCandidates,
  );
  const claimMany = db.prepare<{ seqs: string; now: number; visibleAt: number; token: string }, MessageRow>(
    receiveSql.claimMany,
  );
  const payloads = db.prepare<[string], PayloadRow & { seq: number }>(receiveSql.payloads);
  const rowOf = db.prepare<[number], MessageRow>(receiveSql.row);

  /** Rows in claim order, with their payloads fetched in one statement. */
  const toClaimed = (rows: MessageRow[]): ClaimedMessage[] => {
    if (rows.length === 0) return [];
    const bySeq = new Map(payloads.all(JSON.stringify(rows.map((row) => row.seq))).map((p) => [p.seq, p]));
    return rows.map((row) => {
      const body = bySeq.get(row.seq);
      if (!body) throw new Error(`message ${row.seq} has no payload`);
      return toClaimedMessage(row, body);
    });
  };

  /**
   * Plain queues: the oldest visible candidates, read from the covering index; those that would exceed
   * maxReceiveCount are redriven, the rest claimed by one UPDATE. A round that redrove some leaves free
   * slots, so it repeats (each round removes what it redrove from the candidates, so this ends).
   */
  const claimPlain = (
    queueId: number,
    now: number,
    max: number,
    visibleAt: number,
    redriveRow: ((row: MessageRow) => boolean) | null,
    maxReceiveCount: number,
  ): MessageRow[] => {
    const claimed: MessageRow[] = [];
    const seen = new Set<number>();
    const token = newReceiptToken();
    while (claimed.length < max) {
      const limit = max - claimed.length;
      const candidates = plainCandidates.all({ queueId, now, limit });
      const toClaim: number[] = [];
      let redriven = 0;
      for (const candidate of candidates) {
        // With VisibilityTimeout 0 a claimed message stays visible; it is not taken twice in one receive.
        if (seen.has(candidate.seq)) continue;
        seen.add(candidate.seq);
        const row = redriveRow && candidate.receive_count >= maxReceiveCount ? rowOf.get(candidate.seq) : undefined;
        if (row && redriveRow!(row)) redriven += 1;
        else toClaim.push(candidate.seq);
      }
      if (toClaim.length > 0) {
        const rows = claimMany.all({ seqs: JSON.stringify(toClaim), now, visibleAt, token });
        const order = new Map(toClaim.map((seq, index) => [seq, index]));
        rows.sort((a, b) => order.get(a.seq)! - order.get(b.seq)!);
        claimed.push(...rows);
      }
      // Another round only fills slots that redriven messages left, and only while it finds new ones.
      if (redriven === 0 || candidates.length < limit) break;
    }
    return claimed;
  };

  /**
   * A candidate that has already been received maxReceiveCount times would exceed it with this receive
   * (reference §6.1: with maxReceiveCount=1 the first receive delivers, the second moves), so it goes to
   * the DLQ instead: same id, body, attributes, receive count and sent time, receivable there at once,
   * at the DLQ's end (a FIFO DLQ keeps group order), with DeadLetterQueueSourceArn added.
   */
  const moveToDeadLetterQueue = (row: MessageRow, redrive: RedriveTarget, dlq: RelocateTarget, now: number) => {
    const fields = deadLetterFields(row, redrive, now);
    deps.relocate(row, dlq, fields, now);
  };

  const nextLook = (queue: QueueState, now: number): number | null => {
    const next = deps.stats.nextVisibleAt(queue.id, now);
    if (!queue.rederiving) return next;
    return Math.min(next ?? Number.POSITIVE_INFINITY, now + PURGE_POLL_MS);
  };

  return function receiveMessages(request: ReceiveRequest): ReceiveResult | QueueGone {
    const { queueId, now } = request;
    const queue = deps.reads.info(queueId);
    if (!queue) return 'queueGone';
    const visibleAt = now + request.visibilityMs;

    if (request.attemptId !== undefined) {
      const replayed = deps.attempts.replay(queueId, request.attemptId, now, visibleAt, queue.mode);
      if (replayed) return { messages: toClaimed(replayed), nextVisibleAt: null, redrivenTo: [], inFlightLimitReached: false };
    }

    // A purge whose chunks are still being deleted (bulk-delete.ts): nothing is claimed until it is done,
    // so no purged message is delivered; long polls look again shortly.
    if (queue.purgeSeq !== null) {
      return { messages: [], nextVisibleAt: now + PURGE_POLL_MS, redrivenTo: [], inFlightLimitReached: false };
    }

    // Replays above are already in flight; new claims stay within the queue's in-flight limit.
    const room = deps.counts.roomInFlight(queueId, now, request.maxInFlight);
    if (room <= 0) {
      return { messages: [], nextVisibleAt: deps.stats.nextVisibleAt(queueId, now), redrivenTo: [], inFlightLimitReached: true };
    }
    const max = Math.min(request.max, room);

    // A redrive policy whose DLQ no longer exists (or is this queue itself, which would move a message
    // to the end of the queue being walked, forever) moves nothing: the messages stay deliverable here.
    const redrive = request.redrive?.deadLetterQueueId === queueId ? null : request.redrive;
    const dlqInfo = redrive ? deps.reads.info(redrive.deadLetterQueueId) : undefined;
    const dlq = redrive && dlqInfo ? { queueId: redrive.deadLetterQueueId, fifo: dlqInfo.fifo } : null;
    let redriven = false;
    const redriveRow = (row: MessageRow): boolean => {
      if (!redrive || !dlq || row.receive_count < redrive.maxReceiveCount) return false;
      moveToDeadLetterQueue(row, redrive, dlq, now);
      redriven = true;
      return true;
    };

    let claimedRows: MessageRow[];
    if (queue.mode === 'plain') {
      const maxReceiveCount = redrive && dlq ? redrive.maxReceiveCount : Number.POSITIVE_INFINITY;
      claimedRows = claimPlain(queueId, now, max, visibleAt, dlq ? redriveRow : null, maxReceiveCount);
    } else {
      claimedRows = [];
      const token = newReceiptToken();
      const visit = (row: MessageRow): 'counted' | 'uncounted' => {
        if (redriveRow(row)) return 'uncounted';
        const claimed = claim.get({ seq: row.seq, now, visibleAt, token });
        if (!claimed) throw new Error(`message ${row.seq} vanished during its claim`);
        claimedRows.push(claimed);
        return 'counted';
      };
      if (queue.mode === 'fifo') deps.fifoWalk(queueId, now, max, visit);
      else deps.fairWalk(queueId, now, max, visit);
    }

    if (request.attemptId !== undefined && claimedRows.length > 0) {
      deps.attempts.remember(queueId, request.attemptId, claimedRows, now);
    }
    return {
      messages: toClaimed(claimedRows),
      // Only a receive that found nothing needs it: a long poll waits at most until then. While a queue's
      // messages are re-derived in chunks (rederive.ts), a chunk can make some receivable (a queue turned
      // fair, a shorter FIFO delay) and no event marks it done: long polls look again shortly, as during
      // a purge.
      nextVisibleAt: claimedRows.length > 0 ? null : nextLook(queue, now),
      redrivenTo: redriven && dlq ? [dlq.queueId] : [],
      inFlightLimitReached: false,
    };
  };
}
