import type Database from 'better-sqlite3';

// Maintenance of message_groups (see schema.ts for what head and ready_at mean per queue type).
// Every change to a message that can move a group's head calls noteSent or refresh in the same transaction.

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
  // Uses messages_group_order (queue_id, group_id, seq).
  fifoHead: `SELECT seq, visible_at FROM messages INDEXED BY messages_group_order
    WHERE queue_id = @queueId AND group_id = @groupId AND expires_at > @now
    ORDER BY seq LIMIT 1`,
  // Uses messages_group_ready (queue_id, group_id, visible_at, seq).
  standardHead: `SELECT seq, visible_at FROM messages INDEXED BY messages_group_ready
    WHERE queue_id = @queueId AND group_id = @groupId AND expires_at > @now
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

export function prepareGroups(db: Database.Database) {
  const noteSent = db.prepare<GroupKey & { seq: number; visibleAt: number; fifo: number }>(groupsSql.noteSent);
  const fifoHead = db.prepare<GroupKey & { now: number }, { seq: number; visible_at: number }>(groupsSql.fifoHead);
  const standardHead = db.prepare<GroupKey & { now: number }, { seq: number; visible_at: number }>(
    groupsSql.standardHead,
  );
  const upsertHead = db.prepare<GroupKey & { seq: number; visibleAt: number; servedAt: number }>(groupsSql.upsertHead);
  const remove = db.prepare<GroupKey>(groupsSql.remove);
  const get = db.prepare<GroupKey, GroupHead>(groupsSql.get);

  return {
    /** A message was inserted into (queueId, groupId). */
    noteSent(queueId: number, groupId: string, seq: number, visibleAt: number, fifo: boolean): void {
      noteSent.run({ queueId, groupId, seq, visibleAt, fifo: fifo ? 1 : 0 });
    },

    /**
     * Recomputes a group's head from its messages (expired ones do not count) after the head may have
     * moved; drops the row when the group is empty. `served` marks a standard group as just served, which
     * sends it to the back of the round-robin.
     */
    refresh(queueId: number, groupId: string, fifo: boolean, now: number, served = false): void {
      const key = { queueId, groupId, now };
      const head = fifo ? fifoHead.get(key) : standardHead.get(key);
      if (!head) {
        remove.run({ queueId, groupId });
        return;
      }
      const servedAt = !fifo && served ? now : 0;
      upsertHead.run({ queueId, groupId, seq: head.seq, visibleAt: head.visible_at, servedAt });
    },

    head(queueId: number, groupId: string): GroupHead | undefined {
      return get.get({ queueId, groupId });
    },
  };
}
