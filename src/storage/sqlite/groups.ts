import type Database from 'better-sqlite3';
import type { MessageCounts } from './message-counts.js';
import type { QueueMode } from './rows.js';

// The one owner of message_groups (see schema.ts for what head and ready_at mean per queue type), and of
// the group key a message is stored under. Every change to a message that can move a group's head calls
// noteSent or refresh in the same transaction, with the queue's mode: plain queues keep no group rows, so
// for them every method here is free.

/**
 * The group key of a fair queue's ungrouped messages. A plain queue's messages are stored under '' and
 * stay out of messages_group_ready, which only fair queues read; a fair queue's must be in it, so they
 * need a key other than ''. A space cannot be part of a MessageGroupId, so no client group collides.
 */
export const FAIR_UNGROUPED = ' ';

/** The group key a message of `groupId` (null: none) is stored under in a queue of `mode`. */
export function storedGroupKey(groupId: string | null, mode: QueueMode): string {
  return groupId ?? (mode === 'fair' ? FAIR_UNGROUPED : '');
}

/**
 * Up to this many messages, a plain queue that turns fair moves its ungrouped messages to FAIR_UNGROUPED
 * inside the write that turned it; a deeper one schedules them in chunks (rederive.ts).
 */
export const CONVERT_INLINE_MAX = 2_000;

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
  // Uses messages_group_ready (queue_id, group_id, visible_at, seq) WHERE dedup_id IS NULL AND
  // group_id <> '' (the condition repeated so that SQLite may use the partial index).
  standardHead: `SELECT seq, visible_at FROM messages INDEXED BY messages_group_ready
    WHERE queue_id = @queueId AND group_id = @groupId AND dedup_id IS NULL AND group_id <> '' AND expires_at > @now
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
  // Uses messages_visibility (queue_id prefix): a queue just turned fair, small enough to convert at once.
  convertUngrouped: `UPDATE messages INDEXED BY messages_visibility SET group_id = '${FAIR_UNGROUPED}'
    WHERE queue_id = ? AND group_id = '' AND dedup_id IS NULL`,
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

export interface GroupDeps {
  counts: MessageCounts;
  /** Lets the queue cache drop a queue whose mode admit() changed. */
  onModeChanged: (queueId: number) => void;
  /** Has the background loop move a deep queue's ungrouped messages to FAIR_UNGROUPED (rederive.ts). */
  convertLater: (queueId: number, now: number) => void;
}

export function prepareGroups(db: Database.Database, deps: GroupDeps) {
  const { counts, onModeChanged, convertLater } = deps;
  const noteSent = db.prepare<GroupKey & { seq: number; visibleAt: number; fifo: number }>(groupsSql.noteSent);
  const fifoHead = db.prepare<GroupKey & { now: number }, { seq: number; visible_at: number }>(groupsSql.fifoHead);
  const standardHead = db.prepare<GroupKey & { now: number }, { seq: number; visible_at: number }>(
    groupsSql.standardHead,
  );
  const upsertHead = db.prepare<GroupKey & { seq: number; visibleAt: number; servedAt: number }>(groupsSql.upsertHead);
  const remove = db.prepare<GroupKey>(groupsSql.remove);
  const get = db.prepare<GroupKey, GroupHead>(groupsSql.get);
  const markFair = db.prepare<[number]>(groupsSql.markFair);
  const convertUngrouped = db.prepare<[number]>(groupsSql.convertUngrouped);

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
     * The mode a queue has once a message of `groupId` (null for none) is added to it. A plain queue's
     * first grouped message makes it fair: its ungrouped messages so far become the group FAIR_UNGROUPED
     * so that the round-robin serves them too. A deep queue's are moved in chunks by the background loop;
     * until their chunk is done they wait (a standard queue promises no order).
     */
    admit(queueId: number, groupId: string | null, mode: QueueMode, now: number): QueueMode {
      if (mode !== 'plain' || groupId === null) return mode;
      markFair.run(queueId);
      onModeChanged(queueId);
      if (counts.total(queueId) > CONVERT_INLINE_MAX) {
        convertLater(queueId, now);
      } else {
        convertUngrouped.run(queueId);
        refresh(queueId, FAIR_UNGROUPED, 'fair', now);
      }
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
