import type { MessageAttributeMap } from '../../core/types.js';
import type { GroupOps } from './groups.js';
import { addCount } from './message-counts.js';
import type { QueueReads } from './queues.js';
import type { MessageRow } from './rows.js';
import { FIFO_LOCK_CLASS } from './messages-send.js';
import { type Tx, sql } from './tx.js';
import type { RelocateFields, RelocateTarget } from '../relocation.js';

// Moves one message to another queue (dead-letter redrive, move tasks), as sqlite/relocate.ts: one
// statement deletes the old row and inserts the new one (new seq at the end of the target, same id, body
// and attributes), so the message is never in both queues or in neither. The target is share-locked and,
// when FIFO, its advisory lock is held as for a send (messages-send.ts), so seqs stay commit-ordered.

export const relocateSql = {
  // messages primary key. The body is copied inside PostgreSQL; it never crosses into JS.
  move: sql('relocate_move', `WITH old AS (DELETE FROM messages WHERE seq = $1 RETURNING *)
    INSERT INTO messages (queue_id, message_id, group_id, dedup_id, sender_id, md5_of_body, sent_at, enqueued_at,
      visible_at, expires_at, receive_count, first_received_at, received_at, receipt_token, body, attributes_json,
      system_attributes_json)
    SELECT $2, message_id, group_id, dedup_id, sender_id, md5_of_body, sent_at, $3, $4, $5, $6, $7, $8, NULL,
      body, attributes_json, $9 FROM old
    RETURNING seq`),
  fifoLock: sql('relocate_fifo_lock', `SELECT pg_advisory_xact_lock(${FIFO_LOCK_CLASS}, $1::integer)`),
} as const;

export type { RelocateFields, RelocateTarget };

export type Relocate = ReturnType<typeof prepareRelocate>;

export function prepareRelocate(deps: { reads: QueueReads; groups: GroupOps; announce: (tx: Tx, queueId: number, count: number) => void }) {
  const { reads, groups } = deps;
  // Per transaction: targets already locked (a batch that moves 100 messages locks the target once).
  const locked = new WeakMap<Tx, Map<number, string>>();

  /** Returns the message's seq in the target queue, or null when the message is already gone. */
  return async function relocate(tx: Tx, row: MessageRow, target: RelocateTarget, fields: RelocateFields, now: number): Promise<number | null> {
    const modes = locked.get(tx) ?? new Map<number, string>();
    locked.set(tx, modes);
    if (!modes.has(target.queueId)) {
      const state = await reads.lock(tx, target.queueId);
      if (!state) throw new Error(`queue ${target.queueId} does not exist`);
      if (state.fifo) await tx.run(relocateSql.fifoLock, [target.queueId]);
      modes.set(target.queueId, state.mode);
    }
    const mode = await groups.admit(tx, target.queueId, row.group_id, modes.get(target.queueId) as 'plain' | 'fair' | 'fifo', now);
    modes.set(target.queueId, mode);
    const systemAttributes = JSON.stringify(fields.editSystemAttributes(JSON.parse(row.system_attributes_json) as MessageAttributeMap));
    const moved = await tx.one<{ seq: number }>(relocateSql.move, [
      row.seq, target.queueId, fields.enqueuedAt, fields.visibleAt, fields.expiresAt, fields.receiveCount,
      fields.firstReceivedAt, fields.receivedAt, systemAttributes,
    ]);
    if (!moved) return null;
    addCount(tx, row.queue_id, -1);
    addCount(tx, target.queueId, 1);
    await groups.noteSent(tx, target.queueId, row.group_id, moved.seq, fields.visibleAt, mode);
    deps.announce(tx, target.queueId, 1);
    return moved.seq;
  };
}
