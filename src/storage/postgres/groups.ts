import type { QueueMode } from './rows.js';
import { type Tx, sql } from './tx.js';

// The one owner of message_groups, as sqlite/groups.ts, for several nodes at once. A group row's lock is
// the group's mutex: every writer that may move a group's head takes it (noteSent's upsert, refresh's
// function wharf_refresh_group in schema.ts), and claims take it FOR UPDATE SKIP LOCKED. Head changes are
// therefore serialised per group, and each one reads the messages after the previous one committed.

export const groupsSql = {
  // On insert, under the row's lock even when nothing changes (ON CONFLICT DO UPDATE locks the row it
  // does not update): a concurrent refresh that is about to drop the row as empty then waits for this
  // send, or, if it already dropped it, the upsert inserts afresh. FIFO: a new message has the largest seq
  // of its queue (messages-send.ts), so it becomes the head only of an empty group. Standard: it becomes
  // the head if it is visible earlier than the current head.
  noteSent: sql('groups_note_sent', `INSERT INTO message_groups AS g (queue_id, group_id, head_seq, head_visible_at, served_at, ready_at)
    VALUES ($1, $2, $3, $4, 0, $4)
    ON CONFLICT (queue_id, group_id) DO UPDATE SET
      head_seq = excluded.head_seq,
      head_visible_at = excluded.head_visible_at,
      ready_at = greatest(excluded.head_visible_at, g.served_at)
    WHERE NOT $5 AND excluded.head_visible_at < g.head_visible_at`),
  refresh: sql('groups_refresh', `SELECT wharf_refresh_group($1, $2, $3, $4, $5)`),
  // message_groups primary key per element.
  getMany: sql('groups_get_many', `SELECT group_id, head_seq, head_visible_at FROM message_groups
    WHERE queue_id = $1 AND group_id = ANY ($2::text[])`),
  markFair: sql('groups_mark_fair', `UPDATE queues SET fair = true WHERE id = $1 AND NOT fifo AND NOT fair`),
} as const;

export interface GroupHead {
  head_seq: number;
  head_visible_at: number;
}

export type GroupOps = ReturnType<typeof prepareGroups>;

/** `onModeChanged` invalidates the queue in every node's cache once the switch to fair commits. */
export function prepareGroups(onModeChanged: (tx: Tx, queueId: number) => void) {
  const refresh = async (tx: Tx, queueId: number, groupId: string, mode: QueueMode, now: number, served = false) => {
    if (mode === 'plain') return;
    const servedAt = mode === 'fair' && served ? now : 0;
    await tx.run(groupsSql.refresh, [queueId, groupId, mode === 'fifo', now, servedAt]);
  };

  return {
    /** See sqlite/groups.ts; `mode` must be read under the queue's share lock (queues.ts lock). */
    async admit(tx: Tx, queueId: number, groupId: string, mode: QueueMode, now: number): Promise<QueueMode> {
      if (mode !== 'plain' || groupId === '') return mode;
      await tx.run(groupsSql.markFair, [queueId]);
      onModeChanged(tx, queueId);
      await refresh(tx, queueId, '', 'fair', now);
      return 'fair';
    },

    async noteSent(tx: Tx, queueId: number, groupId: string, seq: number, visibleAt: number, mode: QueueMode): Promise<void> {
      if (mode === 'plain') return;
      await tx.run(groupsSql.noteSent, [queueId, groupId, seq, visibleAt, mode === 'fifo']);
    },

    refresh,

    /** The heads of several groups in one statement (a handle batch's groups), by group id. */
    async heads(tx: Tx, queueId: number, groupIds: Iterable<string>, mode: QueueMode): Promise<Map<string, GroupHead>> {
      if (mode === 'plain') return new Map();
      const rows = await tx.rows<GroupHead & { group_id: string }>(groupsSql.getMany, [queueId, [...new Set(groupIds)]]);
      return new Map(rows.map((row) => [row.group_id, row]));
    },
  };
}
