import { newReceiptToken } from '../../core/ids.js';
import type { RedriveTarget } from '../../core/types.js';
import type { QueueGone, ReceiveRequest, ReceiveResult } from '../storage.js';
import type { FairWalk } from './claim-fair.js';
import type { FifoWalk } from './claim-fifo.js';
import { nextVisibleAt } from './messages-stats.js';
import type { QueueReads } from './queues.js';
import type { Attempts } from './receive-attempts.js';
import { deadLetterFields } from '../relocation.js';
import type { Relocate, RelocateTarget } from './relocate.js';
import { MESSAGE_COLUMNS, type MessageRow, toClaimedMessage } from './rows.js';
import { type Tx, sql } from './tx.js';

// receiveMessages: one transaction; the candidate search, the claims and any dead-letter moves commit
// together. Visibility is data, as in SQLite. What changes with several nodes: every candidate is taken
// FOR UPDATE SKIP LOCKED (plain queues directly, FIFO and fair queues through their group rows, see
// claim-fifo.ts and claim-fair.ts), so two receives never claim one message, and neither waits for the
// other; each claim re-checks visible_at <= now on the row it locked.

const CLAIM_SET = `receive_count = receive_count + 1, first_received_at = coalesce(first_received_at, $2),
      received_at = $2, visible_at = $3, receipt_token = $4 || seq`;

export const receiveSql = {
  // messages primary key; the message row was locked by the walk (group lock or SKIP LOCKED).
  claim: sql('receive_claim', `UPDATE messages SET ${CLAIM_SET} WHERE seq = $1 AND visible_at <= $2
    RETURNING ${MESSAGE_COLUMNS}`),
  // Plain queues: the oldest visible candidates that no other receive holds, locked; uses
  // messages_visibility (queue_id, visible_at, seq) INCLUDE (receive_count, expires_at).
  plainCandidates: sql('receive_plain_candidates', `SELECT seq, receive_count FROM messages
    WHERE queue_id = $1 AND visible_at <= $2 AND expires_at > $2 AND NOT (seq = ANY ($4::bigint[]))
    ORDER BY visible_at, seq LIMIT $3 FOR UPDATE SKIP LOCKED`),
  // Plain queues: all claims of a receive in one statement (messages primary key per element).
  claimMany: sql('receive_claim_many', `UPDATE messages SET ${CLAIM_SET} WHERE seq = ANY ($1::bigint[])
    RETURNING ${MESSAGE_COLUMNS}`),
  // messages primary key (a candidate that must be redriven needs its whole row).
  row: sql('receive_row', `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE seq = $1`),
} as const;

interface ReceiveDeps {
  reads: QueueReads;
  fifoWalk: FifoWalk;
  fairWalk: FairWalk;
  relocate: Relocate;
  attempts: Attempts;
}

export function prepareReceive(deps: ReceiveDeps) {
  const claimPlain = async (
    tx: Tx,
    queueId: number,
    now: number,
    max: number,
    visibleAt: number,
    redriveRow: ((row: MessageRow) => Promise<boolean>) | null,
    maxReceiveCount: number,
  ): Promise<MessageRow[]> => {
    const claimed: MessageRow[] = [];
    const seen = new Set<number>();
    const token = newReceiptToken();
    while (claimed.length < max) {
      const limit = max - claimed.length;
      const candidates = await tx.rows<{ seq: number; receive_count: number }>(receiveSql.plainCandidates, [queueId, now, limit, [...seen]]);
      const toClaim: number[] = [];
      let redriven = 0;
      for (const candidate of candidates) {
        seen.add(candidate.seq);
        const row = redriveRow && candidate.receive_count >= maxReceiveCount ? await tx.one<MessageRow>(receiveSql.row, [candidate.seq]) : undefined;
        if (row && (await redriveRow!(row))) redriven += 1;
        else toClaim.push(candidate.seq);
      }
      if (toClaim.length > 0) {
        const rows = await tx.rows<MessageRow>(receiveSql.claimMany, [toClaim, now, visibleAt, token]);
        const order = new Map(toClaim.map((seq, index) => [seq, index]));
        rows.sort((a, b) => order.get(a.seq)! - order.get(b.seq)!);
        claimed.push(...rows);
      }
      if (redriven === 0 || candidates.length < limit) break;
    }
    return claimed;
  };

  const moveToDeadLetterQueue = (tx: Tx, row: MessageRow, redrive: RedriveTarget, dlq: RelocateTarget, now: number) => {
    const fields = deadLetterFields(row, redrive, now);
    return deps.relocate(tx, row, dlq, fields, now);
  };

  return async function receiveMessages(tx: Tx, request: ReceiveRequest): Promise<ReceiveResult | QueueGone> {
    const { queueId, now } = request;
    const queue = await deps.reads.info(queueId);
    if (!queue) return 'queueGone';
    const visibleAt = now + request.visibilityMs;

    if (request.attemptId !== undefined) {
      const replayed = await deps.attempts.replay(tx, queueId, request.attemptId, now, visibleAt, queue.mode);
      if (replayed) return { messages: replayed.map(toClaimedMessage), nextVisibleAt: null, redrivenTo: [], inFlightLimitReached: false };
    }

    const redrive = request.redrive?.deadLetterQueueId === queueId ? null : request.redrive;
    const dlqInfo = redrive ? await deps.reads.info(redrive.deadLetterQueueId) : undefined;
    const dlq = redrive && dlqInfo ? { queueId: redrive.deadLetterQueueId, fifo: dlqInfo.fifo } : null;
    let redriven = false;
    const redriveRow = async (row: MessageRow): Promise<boolean> => {
      if (!redrive || !dlq || row.receive_count < redrive.maxReceiveCount) return false;
      if ((await moveToDeadLetterQueue(tx, row, redrive, dlq, now)) === null) return false;
      redriven = true;
      return true;
    };

    let claimedRows: MessageRow[];
    if (queue.mode === 'plain') {
      const maxReceiveCount = redrive && dlq ? redrive.maxReceiveCount : Number.POSITIVE_INFINITY;
      claimedRows = await claimPlain(tx, queueId, now, request.max, visibleAt, dlq ? redriveRow : null, maxReceiveCount);
    } else {
      claimedRows = [];
      const token = newReceiptToken();
      const visit = async (row: MessageRow): Promise<'counted' | 'uncounted' | 'blocked'> => {
        if (await redriveRow(row)) return 'uncounted';
        const claimed = await tx.one<MessageRow>(receiveSql.claim, [row.seq, now, visibleAt, token]);
        // Changed since the walk read it (made invisible, deleted): in FIFO order it blocks its group.
        if (!claimed) return 'blocked';
        claimedRows.push(claimed);
        return 'counted';
      };
      if (queue.mode === 'fifo' && !dlq) {
        await deps.fifoWalk.claimRuns(tx, queueId, now, request.max, async (rows) => {
          const claimed = await tx.rows<MessageRow>(receiveSql.claimMany, [rows.map((row) => row.seq), now, visibleAt, token]);
          claimedRows.push(...claimed.sort((a, b) => a.seq - b.seq));
        });
      } else if (queue.mode === 'fifo') await deps.fifoWalk.walk(tx, queueId, now, request.max, visit);
      else await deps.fairWalk(tx, queueId, now, request.max, async (row) => ((await visit(row)) === 'counted' ? 'counted' : 'uncounted'));
    }

    if (request.attemptId !== undefined && claimedRows.length > 0) {
      await deps.attempts.remember(tx, queueId, request.attemptId, claimedRows, now);
    }
    return {
      messages: claimedRows.map(toClaimedMessage),
      nextVisibleAt: claimedRows.length > 0 ? null : await nextVisibleAt(tx, queueId, now),
      redrivenTo: redriven && dlq ? [dlq.queueId] : [],
      inFlightLimitReached: false,
    };
  };
}
