import type Database from 'better-sqlite3';
import type { GroupOps } from './groups.js';
import type { GroupCursorRow } from '../message-rows.js';
import type { MessageRow } from './rows.js';

// Walks a FIFO queue's deliverable messages in delivery order; used by receive (claim or redrive) and by
// move tasks. Index-driven, never scanning the messages of blocked groups:
//  1. Pick the next receivable group from message_groups_ready: ready_at <= now means the group's oldest
//     message (its head) is visible, so a group whose head is in flight or delayed is never looked at.
//     Groups are taken in (ready_at, head_seq) order, i.e. by when their head became available; a cursor
//     on that key moves forward through them.
//  2. Read that group's messages in seq order (messages_group_order) and deliver the contiguous run from the
//     head up to, not including, the first message that is not visible (AWS's per-position blocking,
//     reference §5 and §9.13). Expired messages not yet removed by maintenance count as absent.
//  3. Fill the batch from this group before moving to the next (AWS: "prefer filling from one group").
//  4. Recompute the group's head (messages_group_order again): after a claim the head is in flight, so
//     the group drops out of the ready range until its visibility ends or the head is deleted.

/**
 * counted: the message took a slot of the batch (claimed or moved); continue in its group.
 * uncounted: the message left the queue without taking a slot (redriven to the DLQ); continue.
 * blocked: the message stays where it is (a move task could not place it) and takes no slot; the rest
 * of its group must wait behind it, so stop this group.
 */
export type WalkVerdict = 'counted' | 'uncounted' | 'blocked';
export type Visit = (row: MessageRow) => WalkVerdict;

export const fifoWalkSql = {
  // Uses message_groups_ready (queue_id, ready_at, head_seq): a range then index order; the row-value
  // cursor is a range on the same index.
  nextGroup: `SELECT group_id, ready_at, head_seq FROM message_groups INDEXED BY message_groups_ready
    WHERE queue_id = @queueId AND ready_at <= @now AND (ready_at, head_seq) > (@afterReadyAt, @afterSeq)
    ORDER BY ready_at, head_seq LIMIT 1`,
  // Uses messages_group_order (queue_id, group_id, seq).
  groupPage: `SELECT * FROM messages INDEXED BY messages_group_order
    WHERE queue_id = @queueId AND group_id = @groupId AND dedup_id IS NOT NULL AND seq > @afterSeq
    ORDER BY seq LIMIT @limit`,
} as const;

export type FifoWalk = ReturnType<typeof prepareFifoWalk>;

export function prepareFifoWalk(db: Database.Database, groups: GroupOps) {
  const nextGroup = db.prepare<
    { queueId: number; now: number; afterReadyAt: number; afterSeq: number },
    GroupCursorRow
  >(fifoWalkSql.nextGroup);
  const groupPage = db.prepare<{ queueId: number; groupId: string; afterSeq: number; limit: number }, MessageRow>(
    fifoWalkSql.groupPage,
  );

  /** Returns the number of slots used in this group (at most `slots`). */
  function walkGroup(queueId: number, groupId: string, now: number, slots: number, visit: Visit): number {
    let used = 0;
    let afterSeq = -1;
    for (;;) {
      // One more row than the free slots, so the first blocking message is usually in the same page.
      const limit = slots - used + 1;
      const rows = groupPage.all({ queueId, groupId, afterSeq, limit });
      for (const row of rows) {
        afterSeq = row.seq;
        if (row.expires_at <= now) continue;
        if (row.visible_at > now) return used;
        const verdict = visit(row);
        if (verdict === 'blocked') return used;
        if (verdict === 'uncounted') continue;
        used += 1;
        if (used === slots) return used;
      }
      if (rows.length < limit) return used;
    }
  }

  /** Visits up to `max` counted messages. */
  return function walkFifo(queueId: number, now: number, max: number, visit: Visit): void {
    let remaining = max;
    let cursor = { afterReadyAt: -1, afterSeq: -1 };
    // A group whose key still qualifies after we processed it (after 'blocked') must not be revisited.
    const visited = new Set<string>();
    while (remaining > 0) {
      const group = nextGroup.get({ queueId, now, ...cursor });
      if (!group) return;
      cursor = { afterReadyAt: group.ready_at, afterSeq: group.head_seq };
      if (visited.has(group.group_id)) continue;
      visited.add(group.group_id);
      remaining -= walkGroup(queueId, group.group_id, now, remaining, visit);
      groups.refresh(queueId, group.group_id, 'fifo', now);
    }
  };
}
