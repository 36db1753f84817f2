import type Database from 'better-sqlite3';
import type { GroupOps } from './groups.js';
import type { MessageRow } from './rows.js';

// Walks a standard queue's receivable messages for a receive. Standard queues have no ordering promise,
// but fair queues (standard queues whose messages carry MessageGroupId, reference §5) must not let one
// group's backlog starve the others. Every message of a fair queue belongs to a group in message_groups
// (ungrouped ones to the group FAIR_UNGROUPED, see groups.ts), and a receive fills the batch in rounds:
//  - a round takes the receivable groups in (ready_at, head_seq) order from message_groups_ready, at most
//    as many as there are free slots, and gives each an equal share (ceil(free / groups)) of its oldest
//    visible messages (messages_group_ready: queue_id, group_id, visible_at, seq);
//  - a group that was served gets served_at = now, hence ready_at = now (see schema.ts): groups that are
//    still waiting sort before it in this receive's next round and in the next receive, which makes the
//    groups take turns (round-robin) instead of the oldest backlog winning every time.
// Work is bounded by the batch size and the groups touched; no message is visited twice in one receive.

/** counted: claimed (took a slot); uncounted: redriven to the DLQ (left the queue, no slot). */
export type FairVisit = (row: MessageRow) => 'counted' | 'uncounted';

export const fairWalkSql = {
  // Uses message_groups_ready (queue_id, ready_at, head_seq).
  readyGroups: `SELECT group_id FROM message_groups INDEXED BY message_groups_ready
    WHERE queue_id = @queueId AND ready_at <= @now ORDER BY ready_at, head_seq LIMIT @limit`,
  // Uses messages_group_ready (queue_id, group_id, visible_at, seq), whose partial-index condition is
  // repeated; the row-value cursor is a range on it.
  groupReady: `SELECT * FROM messages INDEXED BY messages_group_ready
    WHERE queue_id = @queueId AND group_id = @groupId AND dedup_id IS NULL AND group_id <> ''
      AND visible_at <= @now AND expires_at > @now
      AND (visible_at, seq) > (@afterVisibleAt, @afterSeq)
    ORDER BY visible_at, seq LIMIT @limit`,
} as const;

export type FairWalk = ReturnType<typeof prepareFairWalk>;

export function prepareFairWalk(db: Database.Database, groups: GroupOps) {
  const readyGroups = db.prepare<{ queueId: number; now: number; limit: number }, string>(
    fairWalkSql.readyGroups,
  ).pluck();
  const groupReady = db.prepare<
    { queueId: number; groupId: string; now: number; limit: number; afterVisibleAt: number; afterSeq: number },
    MessageRow
  >(
    fairWalkSql.groupReady,
  );

  /** Per-receive state: nothing is visited twice, even when a claim leaves a message visible (visibility 0). */
  interface WalkState {
    visited: Set<number>;
    /** Groups with no unvisited receivable message left. */
    exhausted: Set<string>;
    /** Per group, the (visible_at, seq) position reached so far. */
    cursors: Map<string, { afterVisibleAt: number; afterSeq: number }>;
  }

  /** Takes up to `share` messages from one group; returns the slots used. */
  function walkGroup(queueId: number, groupId: string, now: number, share: number, visit: FairVisit, state: WalkState) {
    let cursor = state.cursors.get(groupId) ?? { afterVisibleAt: -1, afterSeq: -1 };
    let used = 0;
    while (used < share) {
      const limit = share - used;
      const rows = groupReady.all({ queueId, groupId, now, limit, ...cursor });
      for (const row of rows) {
        cursor = { afterVisibleAt: row.visible_at, afterSeq: row.seq };
        if (state.visited.has(row.seq)) continue;
        state.visited.add(row.seq);
        if (visit(row) === 'counted') used += 1;
      }
      if (rows.length < limit) {
        state.exhausted.add(groupId);
        break;
      }
    }
    state.cursors.set(groupId, cursor);
    return used;
  }

  /**
   * Visits up to `max` counted messages. Each round, every selected group either uses its whole share or
   * is exhausted, so the loop ends after at most max + (groups visited) rounds.
   */
  return function walkFair(queueId: number, now: number, max: number, visit: FairVisit): void {
    const state: WalkState = { visited: new Set(), exhausted: new Set(), cursors: new Map() };
    let remaining = max;
    while (remaining > 0) {
      const ready = readyGroups
        .all({ queueId, now, limit: remaining + state.exhausted.size })
        .filter((groupId) => !state.exhausted.has(groupId))
        .slice(0, remaining);
      if (ready.length === 0) return;
      const share = Math.ceil(remaining / ready.length);
      for (const groupId of ready) {
        if (remaining === 0) break;
        const used = walkGroup(queueId, groupId, now, Math.min(share, remaining), visit, state);
        remaining -= used;
        groups.refresh(queueId, groupId, 'fair', now, used > 0);
      }
    }
  };
}
