import type Database from 'better-sqlite3';
import type { QueueMode } from './rows.js';

// The one owner of message_groups (see schema.ts for what head and ready_at mean per queue type). Every
// change to a message that can move a group's head calls noteSent or refresh in the same transaction, with
// the queue's mode: plain queues keep no group rows, so for them every method here is free.

export const groupsSql = {
  // On insert. FIFO: a new message has the largest seq, so it becomes the head only of an empty group.
  // Standard: it becomes the head if it is visible earlier than the current head.
  noteSent: `INSERT INTO message_groups (queue_id, group_id, head_seq, head_visible_at, served_at, ready_at)
    VALUES (@queueId, @groupId, @seq, @visibleAt, 0, @visibleAt)
    ON CONFLICT (queue_id, group_id) DO UPDATE SET
      head_seq = excluded.head_seq,
      head_visible_at = excluded.head_visible_at,
      ready_at = max(excluded.head_visible_at, served_at)
    WHERE @fifo = 0 AND excluded.head_visible_at < head_visible_at`,
  // Uses messages_group_order (queue_id, group_id, seq) WHERE dedup_id IS NOT NULL.
  fifoHead: `SELECT seq, visible_at FROM messages INDEXED BY messages_group_order
    WHERE queue_id = @queueId AND group_id = @groupId AND dedup_id IS NOT NULL AND expires_at > @now
    ORDER BY seq LIMIT 1`,
  // Uses messages_group_ready (queue_id, group_id, visible_at, seq) WHERE dedup_id IS NULL.
  standardHead: `SELECT seq, visible_at FROM messages INDEXED BY messages_group_ready
    WHERE queue_id = @queueId AND group_id = @groupId AND dedup_id IS NULL AND expires_at > @now
    ORDER BY visible_at, seq LIMIT 1`,
  upsertHead: `INSERT INTO message_groups (queue_id, group_id, head_seq, head_visible_at, served_at, ready_at)
    VALUES (@queueId, @groupId, @seq, @visibleAt, @servedAt, max(@visibleAt, @servedAt))
    ON CONFLICT (queue_id, group_id) DO UPDATE SET
      head_seq = excluded.head_seq,
      head_visible_at = excluded.head_visible_at,
      served_at = max(served_at, excluded.served_at),
      ready_at = max(excluded.head_visible_at, served_at, excluded.served_at)`,
  remove: `DELETE FROM message_groups WHERE queue_id = @queueId AND group_id = @groupId`,
  get: `SELECT head_seq, head_visible_at FROM message_groups WHERE queue_id = @queueId AND group_id = @groupId`,
  markFair: `UPDATE queues SET fair = 1 WHERE id = ? AND fifo = 0`,
} as const;

interface GroupKey {
  queueId: number;
  groupId: string;
}

export interface GroupHead {
  head_seq: number;
  head_visible_at: number;
}

export type GroupOps = ReturnType<typeof prepareGroups>;

/** `onModeChanged` lets the queue cache drop a queue whose mode admit() changed. */
export function prepareGroups(db: Database.Database, onModeChanged: (queueId: number) => void) {
  const noteSent = db.prepare<GroupKey & { seq: number; visibleAt: number; fifo: number }>(groupsSql.noteSent);
  const fifoHead = db.prepare<GroupKey & { now: number }, { seq: number; visible_at: number }>(groupsSql.fifoHead);
  const standardHead = db.prepare<GroupKey & { now: number }, { seq: number; visible_at: number }>(
    groupsSql.standardHead,
  );
  const upsertHead = db.prepare<GroupKey & { seq: number; visibleAt: number; servedAt: number }>(groupsSql.upsertHead);
  const remove = db.prepare<GroupKey>(groupsSql.remove);
  const get = db.prepare<GroupKey, GroupHead>(groupsSql.get);
  const markFair = db.prepare<[number]>(groupsSql.markFair);

  const refresh = (queueId: number, groupId: string, mode: QueueMode, now: number, served = false): void => {
    if (mode === 'plain') return;
    const key = { queueId, groupId, now };
    const head = mode === 'fifo' ? fifoHead.get(key) : standardHead.get(key);
    if (!head) {
      remove.run({ queueId, groupId });
      return;
    }
    const servedAt = mode === 'fair' && served ? now : 0;
    upsertHead.run({ queueId, groupId, seq: head.seq, visibleAt: head.visible_at, servedAt });
  };

  return {
    /**
     * The mode a queue has once a message of `groupId` ('' for none) is added to it. A plain queue's first
     * grouped message makes it fair: its ungrouped messages so far become the group '' so that the
     * round-robin serves them too.
     */
    admit(queueId: number, groupId: string, mode: QueueMode, now: number): QueueMode {
      if (mode !== 'plain' || groupId === '') return mode;
      markFair.run(queueId);
      onModeChanged(queueId);
      refresh(queueId, '', 'fair', now);
      return 'fair';
    },

    /** A message was inserted into (queueId, groupId); `mode` is what admit() returned. */
    noteSent(queueId: number, groupId: string, seq: number, visibleAt: number, mode: QueueMode): void {
      if (mode === 'plain') return;
      noteSent.run({ queueId, groupId, seq, visibleAt, fifo: mode === 'fifo' ? 1 : 0 });
    },

    /**
     * Recomputes a group's head from its messages (expired ones do not count) after the head may have
     * moved; drops the row when the group is empty. `served` marks a fair group as just served, which
     * sends it to the back of the round-robin.
     */
    refresh,

    /** The group's head, or undefined when it has none or the queue keeps no groups. */
    head(queueId: number, groupId: string, mode: QueueMode): GroupHead | undefined {
      return mode === 'plain' ? undefined : get.get({ queueId, groupId });
    },
  };
}
