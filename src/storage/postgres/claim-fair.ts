import type { GroupOps } from './groups.js';
import { MESSAGE_COLUMNS, type MessageRow } from './rows.js';
import { type Tx, sql } from './tx.js';

// Walks a fair (grouped standard) queue's receivable messages, as sqlite/claim-fair.ts. Groups are taken
// FOR UPDATE SKIP LOCKED (a group another receive is serving is skipped, not waited for), and messages
// too, since a receive on a node whose cache still calls the queue plain claims them without group locks.

export type FairVisit = (row: MessageRow) => Promise<'counted' | 'uncounted'>;

export const fairWalkSql = {
  // Uses message_groups_ready (queue_id, ready_at, head_seq).
  readyGroups: sql('fair_ready_groups', `SELECT group_id FROM message_groups
    WHERE queue_id = $1 AND ready_at <= $2 AND NOT (group_id = ANY ($4::text[]))
    ORDER BY ready_at, head_seq LIMIT $3 FOR UPDATE SKIP LOCKED`),
  // Uses messages_group_ready (queue_id, group_id, visible_at, seq) WHERE dedup_id IS NULL.
  groupReady: sql('fair_group_ready', `SELECT ${MESSAGE_COLUMNS} FROM messages
    WHERE queue_id = $1 AND group_id = $2 AND dedup_id IS NULL AND visible_at <= $3 AND expires_at > $3
      AND (visible_at, seq) > ($5, $6)
    ORDER BY visible_at, seq LIMIT $4 FOR UPDATE SKIP LOCKED`),
} as const;

export type FairWalk = ReturnType<typeof prepareFairWalk>;

export function prepareFairWalk(groups: GroupOps) {
  interface WalkState {
    visited: Set<number>;
    /** Groups with nothing left for this receive, or already locked and served by it. */
    done: Set<string>;
    cursors: Map<string, [number, number]>;
  }

  async function walkGroup(tx: Tx, queueId: number, groupId: string, now: number, share: number, visit: FairVisit, state: WalkState) {
    let cursor = state.cursors.get(groupId) ?? [-1, -1];
    let used = 0;
    while (used < share) {
      const limit = share - used;
      const rows = await tx.rows<MessageRow>(fairWalkSql.groupReady, [queueId, groupId, now, limit, ...cursor]);
      for (const row of rows) {
        cursor = [row.visible_at, row.seq];
        if (state.visited.has(row.seq)) continue;
        state.visited.add(row.seq);
        if ((await visit(row)) === 'counted') used += 1;
      }
      if (rows.length < limit) {
        state.done.add(groupId);
        break;
      }
    }
    state.cursors.set(groupId, cursor);
    return used;
  }

  return async function walkFair(tx: Tx, queueId: number, now: number, max: number, visit: FairVisit): Promise<void> {
    const state: WalkState = { visited: new Set(), done: new Set(), cursors: new Map() };
    let remaining = max;
    // Rows this transaction already locked are not "locked by another" for SKIP LOCKED, so a group served
    // in an earlier round comes back; its refreshed ready_at (served now) sorts it after waiting groups.
    while (remaining > 0) {
      const ready = (
        await tx.rows<{ group_id: string }>(fairWalkSql.readyGroups, [queueId, now, remaining, [...state.done]])
      ).map((row) => row.group_id);
      if (ready.length === 0) return;
      const share = Math.ceil(remaining / ready.length);
      let progress = false;
      for (const groupId of ready) {
        if (remaining === 0) break;
        const used = await walkGroup(tx, queueId, groupId, now, Math.min(share, remaining), visit, state);
        if (used > 0) progress = true;
        remaining -= used;
        await groups.refresh(tx, queueId, groupId, 'fair', now, used > 0);
      }
      if (!progress && ready.every((groupId) => state.done.has(groupId))) continue;
      if (!progress) return;
    }
  };
}
