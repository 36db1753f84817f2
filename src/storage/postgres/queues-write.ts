import type { QueueRecord } from '../../core/types.js';
import type { CreateQueueResult, NewQueue, PurgeOutcome, QueueGone, QueueUpdate, TagOutcome } from '../storage.js';
import type { GroupOps } from './groups.js';
import { addCount, type MessageCounts } from './message-counts.js';
import { queuesSql, type QueueReads } from './queues.js';
import { QUEUE_COLUMNS, type QueueRow, toQueueRecord, toQueueState } from './rows.js';
import { type Tx, sql } from './tx.js';

// Queue writes, as sqlite/queues-write.ts. Each reads the queue row FOR UPDATE inside its transaction
// (never the node's cache, which may be a moment behind another node), and announces the change
// (`changed`) so that every node's cache drops the queue once it commits.

export const queueWritesSql = {
  deletedAt: sql('qw_deleted_at', `SELECT deleted_at FROM deleted_queues WHERE account = $1 AND name = $2`),
  // ON CONFLICT DO NOTHING: two nodes creating one name at once; the loser reads the winner's queue.
  insert: sql('qw_insert', `INSERT INTO queues
      (account, name, fifo, attributes_json, retention_ms, dead_letter_target_arn, created_at, last_modified_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $7) ON CONFLICT (account, name) DO NOTHING RETURNING id`),
  forgetDeleted: sql('qw_forget_deleted', `DELETE FROM deleted_queues WHERE account = $1 AND name = $2`),
  lockForUpdate: sql('qw_lock', `SELECT ${QUEUE_COLUMNS} FROM queues q WHERE q.id = $1 FOR UPDATE`),
  update: sql('qw_update', `UPDATE queues SET attributes_json = $2, retention_ms = $3, dead_letter_target_arn = $4,
    last_modified_at = $5 WHERE id = $1`),
  // AWS applies a changed retention to queued messages. Uses messages_visibility (queue_id prefix).
  recomputeExpiry: sql('qw_recompute_expiry', `UPDATE messages SET expires_at = enqueued_at + $2 WHERE queue_id = $1`),
  // A FIFO queue's new DelaySeconds applies to every message not yet received (QueueUpdate.retroactiveDelayMs).
  redelay: sql('qw_redelay', `UPDATE messages SET visible_at = enqueued_at + $2 WHERE queue_id = $1 AND receive_count = 0`),
  // message_groups primary key prefix: the groups whose heads the new delays may have moved.
  groupsOfQueue: sql('qw_groups_of_queue', `SELECT group_id FROM message_groups WHERE queue_id = $1`),
  // Uses messages_expiry (queue_id, expires_at, seq).
  deleteExpiredOfQueue: sql('qw_delete_expired', `DELETE FROM messages WHERE queue_id = $1 AND expires_at <= $2 RETURNING group_id`),
  delete: sql('qw_delete', `DELETE FROM queues WHERE id = $1 RETURNING account, name`),
  rememberDeleted: sql('qw_remember_deleted', `INSERT INTO deleted_queues (account, name, deleted_at) VALUES ($1, $2, $3)
    ON CONFLICT (account, name) DO UPDATE SET deleted_at = excluded.deleted_at`),
  // Uses messages_visibility (queue_id prefix) / the primary keys' queue_id prefix.
  purgeMessages: sql('qw_purge_messages', `DELETE FROM messages WHERE queue_id = $1`),
  purgeGroups: sql('qw_purge_groups', `DELETE FROM message_groups WHERE queue_id = $1`),
  purgeDedup: sql('qw_purge_dedup', `DELETE FROM fifo_dedup WHERE queue_id = $1`),
  purgeAttempts: sql('qw_purge_attempts', `DELETE FROM receive_attempts WHERE queue_id = $1`),
  markPurged: sql('qw_mark_purged', `UPDATE queues SET last_purged_at = $2 WHERE id = $1`),
  tag: sql('qw_tag', `INSERT INTO queue_tags (queue_id, key, value) VALUES ($1, $2, $3)
    ON CONFLICT (queue_id, key) DO UPDATE SET value = excluded.value`),
  tagCount: sql('qw_tag_count', `SELECT count(*) AS n FROM queue_tags WHERE queue_id = $1`),
  untag: sql('qw_untag', `DELETE FROM queue_tags WHERE queue_id = $1 AND key = $2`),
} as const;

export type QueueWrites = ReturnType<typeof prepareQueueWrites>;

interface QueueWriteDeps {
  reads: QueueReads;
  groups: GroupOps;
  counts: MessageCounts;
  /** The queue's row changed: every node's cache drops it after the commit. */
  changed: (tx: Tx, queueId: number) => void;
  deleted: (tx: Tx, queueId: number) => void;
}

export function prepareQueueWrites(deps: QueueWriteDeps) {
  const { groups, counts, changed } = deps;
  const lock = async (tx: Tx, id: number) => {
    const row = await tx.one<QueueRow>(queueWritesSql.lockForUpdate, [id]);
    return row && toQueueState(row);
  };
  const current = async (tx: Tx, id: number): Promise<QueueRecord> => {
    const row = await tx.one<QueueRow>(queuesSql.byId, [id]);
    if (!row) throw new Error(`queue ${id} vanished inside its own transaction`);
    return toQueueRecord(row);
  };
  const purgeRows = async (tx: Tx, id: number) => {
    await tx.run(queueWritesSql.purgeMessages, [id]);
    await tx.run(queueWritesSql.purgeGroups, [id]);
    await tx.run(queueWritesSql.purgeDedup, [id]);
    await tx.run(queueWritesSql.purgeAttempts, [id]);
    await counts.clear(tx, id);
  };

  return {
    async create(tx: Tx, queue: NewQueue, now: number, recreateDelayMs: number): Promise<CreateQueueResult> {
      const { account } = queue;
      const existing = await tx.one<QueueRow>(queuesSql.byName, [account, queue.name]);
      if (existing) return { outcome: 'exists', queue: toQueueRecord(existing) };
      const deleted = await tx.one<{ deleted_at: number }>(queueWritesSql.deletedAt, [account, queue.name]);
      if (deleted && deleted.deleted_at > now - recreateDelayMs) return { outcome: 'deletedRecently', deletedAt: deleted.deleted_at };
      const inserted = await tx.one<{ id: number }>(queueWritesSql.insert, [
        account, queue.name, queue.fifo, JSON.stringify(queue.attributes), queue.retentionMs, queue.deadLetterTargetArn, now,
      ]);
      if (!inserted) {
        // Another node created it since our read; its transaction has committed (the insert waited for it).
        const winner = await tx.one<QueueRow>(queuesSql.byName, [account, queue.name]);
        if (!winner) throw new Error(`queue ${queue.name} neither inserted nor found`);
        return { outcome: 'exists', queue: toQueueRecord(winner) };
      }
      for (const [key, value] of Object.entries(queue.tags)) await tx.run(queueWritesSql.tag, [inserted.id, key, value]);
      await tx.run(queueWritesSql.forgetDeleted, [account, queue.name]);
      return { outcome: 'created', queue: await current(tx, inserted.id) };
    },

    async edit(tx: Tx, id: number, edit: (queue: QueueRecord) => QueueUpdate, now: number): Promise<QueueRecord | QueueGone> {
      const before = await lock(tx, id);
      if (!before) return 'queueGone';
      const update = edit(before.record);
      await tx.run(queueWritesSql.update, [id, JSON.stringify(update.attributes), update.retentionMs, update.deadLetterTargetArn, now]);
      changed(tx, id);
      if (update.retentionMs !== before.retentionMs) {
        await tx.run(queueWritesSql.recomputeExpiry, [id, update.retentionMs]);
        const expired = await tx.rows<{ group_id: string }>(queueWritesSql.deleteExpiredOfQueue, [id, now]);
        addCount(tx, id, -expired.length);
        for (const groupId of new Set(expired.map((row) => row.group_id))) await groups.refresh(tx, id, groupId, before.mode, now);
      }
      if (update.retroactiveDelayMs !== null) {
        await tx.run(queueWritesSql.redelay, [id, update.retroactiveDelayMs]);
        for (const { group_id } of await tx.rows<{ group_id: string }>(queueWritesSql.groupsOfQueue, [id])) {
          await groups.refresh(tx, id, group_id, before.mode, now);
        }
      }
      return current(tx, id);
    },

    async delete(tx: Tx, id: number, now: number): Promise<boolean> {
      const row = await tx.one<{ account: string; name: string }>(queueWritesSql.delete, [id]);
      if (!row) return false;
      await tx.run(queueWritesSql.rememberDeleted, [row.account, row.name, now]);
      // No foreign keys from message tables (schema.ts): their rows go explicitly.
      await purgeRows(tx, id);
      deps.deleted(tx, id);
      return true;
    },

    async purge(tx: Tx, id: number, now: number, minIntervalMs: number): Promise<PurgeOutcome> {
      const queue = await lock(tx, id);
      if (!queue) return 'queueGone';
      const last = queue.record.lastPurgedAt;
      if (last !== null && now - last < minIntervalMs) return 'tooSoon';
      await tx.run(queueWritesSql.markPurged, [id, now]);
      await purgeRows(tx, id);
      changed(tx, id);
      return 'purged';
    },

    async tag(tx: Tx, id: number, tags: Record<string, string>, maxTags: number): Promise<TagOutcome> {
      if (!(await lock(tx, id))) return 'queueGone';
      for (const [key, value] of Object.entries(tags)) await tx.run(queueWritesSql.tag, [id, key, value]);
      const count = (await tx.one<{ n: number }>(queueWritesSql.tagCount, [id]))?.n ?? 0;
      if (count > maxTags) throw new TagLimitExceeded();
      changed(tx, id);
      return 'tagged';
    },

    async untag(tx: Tx, id: number, keys: string[]): Promise<'untagged' | QueueGone> {
      if (!(await lock(tx, id))) return 'queueGone';
      for (const key of keys) await tx.run(queueWritesSql.untag, [id, key]);
      changed(tx, id);
      return 'untagged';
    },
  };
}

/** Thrown inside tag() to roll its transaction back; the adapter turns it into the 'overLimit' outcome. */
export class TagLimitExceeded extends Error {}
