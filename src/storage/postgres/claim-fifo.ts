import type { GroupOps } from './groups.js';
import type { GroupCursorRow } from '../message-rows.js';
import { MESSAGE_COLUMNS, type MessageRow } from './rows.js';
import { type Tx, sql } from './tx.js';

// Walks a FIFO queue's deliverable messages in delivery order (receive, move tasks), as sqlite/claim-fifo.ts,
// with one addition for several nodes: a group is walked only under its message_groups row lock, taken
// FOR UPDATE SKIP LOCKED. Two receives (on any nodes) therefore never take messages of one group at once,
// and neither waits for the other: the second one skips the group and goes on to the next. The lock is
// held to commit, when the group's refreshed head (in flight now) takes it out of the ready range.

export type WalkVerdict = 'counted' | 'uncounted' | 'blocked';
export type Visit = (row: MessageRow) => Promise<WalkVerdict>;

export const fifoWalkSql = {
  // Uses message_groups_ready (queue_id, ready_at, head_seq); the row-value cursor is a range on it.
  nextGroup: sql('fifo_next_group', `SELECT group_id, ready_at, head_seq FROM message_groups
    WHERE queue_id = $1 AND ready_at <= $2 AND (ready_at, head_seq) > ($3, $4)
    ORDER BY ready_at, head_seq LIMIT 1 FOR UPDATE SKIP LOCKED`),
  // Uses messages_group_order (queue_id, group_id, seq) WHERE dedup_id IS NOT NULL.
  groupPage: sql('fifo_group_page', `SELECT ${MESSAGE_COLUMNS} FROM messages
    WHERE queue_id = $1 AND group_id = $2 AND dedup_id IS NOT NULL AND seq > $3
    ORDER BY seq LIMIT $4`),
  // A group's first unexpired messages (same index), row-locked: what claimRuns reads is still claimable
  // when it claims it. Expired rows are left out in the statement, not skipped after reading: maintenance
  // locks them to delete them and then waits for the group row this walk holds, so locking them too would
  // deadlock.
  groupPageLocked: sql('fifo_group_page_locked', `SELECT ${MESSAGE_COLUMNS} FROM messages
    WHERE queue_id = $1 AND group_id = $2 AND dedup_id IS NOT NULL AND expires_at > $3
    ORDER BY seq LIMIT $4 FOR UPDATE`),
} as const;

/** Claims a run of one group's messages (in seq order), all at once. */
export type ClaimRun = (rows: MessageRow[]) => Promise<void>;

export type FifoWalk = ReturnType<typeof prepareFifoWalk>;

export function prepareFifoWalk(groups: GroupOps) {
  async function walkGroup(tx: Tx, queueId: number, groupId: string, now: number, slots: number, visit: Visit): Promise<number> {
    let used = 0;
    let afterSeq = -1;
    for (;;) {
      const limit = slots - used + 1;
      const rows = await tx.rows<MessageRow>(fifoWalkSql.groupPage, [queueId, groupId, afterSeq, limit]);
      for (const row of rows) {
        afterSeq = row.seq;
        if (row.expires_at <= now) continue;
        if (row.visible_at > now) return used;
        const verdict = await visit(row);
        if (verdict === 'blocked') return used;
        if (verdict === 'uncounted') continue;
        used += 1;
        if (used === slots) return used;
      }
      if (rows.length < limit) return used;
    }
  }

  /**
   * The run of a group's receivable messages from its head, up to `slots`, claimed in one statement:
   * receives without a redrive policy, which need no per-message decision.
   */
  async function claimGroupRun(tx: Tx, queueId: number, groupId: string, now: number, slots: number, claimRun: ClaimRun): Promise<number> {
    const rows = await tx.rows<MessageRow>(fifoWalkSql.groupPageLocked, [queueId, groupId, now, slots]);
    const firstHidden = rows.findIndex((row) => row.visible_at > now);
    const run = firstHidden === -1 ? rows : rows.slice(0, firstHidden);
    if (run.length > 0) await claimRun(run);
    return run.length;
  }

  /** Groups in delivery order, each walked under its row lock; `take` takes from one group, returns slots used. */
  async function eachGroup(
    tx: Tx,
    queueId: number,
    now: number,
    max: number,
    take: (groupId: string, slots: number) => Promise<number>,
  ): Promise<void> {
    let remaining = max;
    let cursor: [number, number] = [-1, -1];
    const visited = new Set<string>();
    while (remaining > 0) {
      const group = await tx.one<GroupCursorRow>(fifoWalkSql.nextGroup, [queueId, now, ...cursor]);
      if (!group) return;
      cursor = [group.ready_at, group.head_seq];
      if (visited.has(group.group_id)) continue;
      visited.add(group.group_id);
      remaining -= await take(group.group_id, remaining);
      await groups.refresh(tx, queueId, group.group_id, 'fifo', now);
    }
  }

  return {
    /** Visits messages one by one (redrive, move tasks). */
    walk: (tx: Tx, queueId: number, now: number, max: number, visit: Visit): Promise<void> =>
      eachGroup(tx, queueId, now, max, (groupId, slots) => walkGroup(tx, queueId, groupId, now, slots, visit)),
    /** Claims each group's receivable run in one statement. */
    claimRuns: (tx: Tx, queueId: number, now: number, max: number, claimRun: ClaimRun): Promise<void> =>
      eachGroup(tx, queueId, now, max, (groupId, slots) => claimGroupRun(tx, queueId, groupId, now, slots, claimRun)),
  };
}
