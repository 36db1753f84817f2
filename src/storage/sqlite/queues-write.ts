import type Database from 'better-sqlite3';
import type { QueueRecord } from '../../core/types.js';
import type { CreateQueueResult, NewQueue, PurgeOutcome, QueueGone, QueueUpdate, TagOutcome } from '../storage.js';
import type { BulkDelete } from './bulk-delete.js';
import type { QueueReads } from './queues.js';
import type { Rederive } from './rederive.js';

// Queue writes. Each function runs inside one write-batcher operation (a SAVEPOINT of the group commit).

export const queueWritesSql = {
  deletedAt: `SELECT deleted_at FROM deleted_queues WHERE account = ? AND name = ?`,
  insert: `INSERT INTO queues
      (account, name, fifo, attributes_json, retention_ms, dead_letter_target_arn, created_at, last_modified_at)
    VALUES (@account, @name, @fifo, @attributesJson, @retentionMs, @deadLetterTargetArn, @now, @now) RETURNING id`,
  forgetDeleted: `DELETE FROM deleted_queues WHERE account = ? AND name = ?`,
  update: `UPDATE queues SET attributes_json = @attributesJson, retention_ms = @retentionMs,
    dead_letter_target_arn = @deadLetterTargetArn, last_modified_at = @now WHERE id = @id`,
  rememberDeleted: `INSERT INTO deleted_queues (account, name, deleted_at) VALUES (@account, @name, @now)
    ON CONFLICT (account, name) DO UPDATE SET deleted_at = excluded.deleted_at`,
  // A deleted queue's tags and tasks go at once (its messages in chunks, bulk-delete.ts): primary key prefix
  // of queue_tags, move_tasks_source.
  dropTags: `DELETE FROM queue_tags WHERE queue_id = ?`,
  dropTasks: `DELETE FROM move_tasks WHERE source_queue_id = ?`,
  // Primary key prefixes. Group heads are rebuilt by the sends that follow (a purged queue's group rows
  // would point at purged heads); FIFO deduplication history is cleared by a purge, as AWS does.
  purgeGroups: `DELETE FROM message_groups WHERE queue_id = ?`,
  purgeDedup: `DELETE FROM fifo_dedup WHERE queue_id = ?`,
  purgeAttempts: `DELETE FROM receive_attempts WHERE queue_id = ?`,
  tag: `INSERT INTO queue_tags (queue_id, key, value) VALUES (@id, @key, @value)
    ON CONFLICT (queue_id, key) DO UPDATE SET value = excluded.value`,
  // queue_tags primary key prefix.
  tagCount: `SELECT count(*) FROM queue_tags WHERE queue_id = ?`,
  untag: `DELETE FROM queue_tags WHERE queue_id = @id AND key = @key`,
} as const;

export type QueueWrites = ReturnType<typeof prepareQueueWrites>;

export function prepareQueueWrites(
  db: Database.Database,
  deps: { reads: QueueReads; bulk: BulkDelete; rederive: Rederive },
) {
  const { reads, bulk, rederive } = deps;
  const s = {
    deletedAt: db.prepare<[string, string], number>(queueWritesSql.deletedAt).pluck(),
    insert: db.prepare<object, number>(queueWritesSql.insert).pluck(),
    forgetDeleted: db.prepare<[string, string]>(queueWritesSql.forgetDeleted),
    update: db.prepare<object>(queueWritesSql.update),
    dropTags: db.prepare<[number]>(queueWritesSql.dropTags),
    dropTasks: db.prepare<[number]>(queueWritesSql.dropTasks),
    rememberDeleted: db.prepare<{ account: string; name: string; now: number }>(queueWritesSql.rememberDeleted),
    purgeGroups: db.prepare<[number]>(queueWritesSql.purgeGroups),
    purgeDedup: db.prepare<[number]>(queueWritesSql.purgeDedup),
    purgeAttempts: db.prepare<[number]>(queueWritesSql.purgeAttempts),
    tag: db.prepare<{ id: number; key: string; value: string }>(queueWritesSql.tag),
    untag: db.prepare<{ id: number; key: string }>(queueWritesSql.untag),
    tagCount: db.prepare<[number], number>(queueWritesSql.tagCount).pluck(),
  };

  const byIdOrThrow = (id: number): QueueRecord => {
    const queue = reads.byId(id);
    if (!queue) throw new Error(`queue ${id} vanished inside its own transaction`);
    return queue;
  };

  return {
    create(queue: NewQueue, now: number, recreateDelayMs: number): CreateQueueResult {
      const existing = reads.byName(queue.account, queue.name);
      if (existing) return { outcome: 'exists', queue: existing };
      const deletedAt = s.deletedAt.get(queue.account, queue.name);
      if (deletedAt !== undefined && deletedAt > now - recreateDelayMs) {
        return { outcome: 'deletedRecently', deletedAt };
      }
      const id = s.insert.get({
        account: queue.account,
        name: queue.name,
        fifo: queue.fifo ? 1 : 0,
        attributesJson: JSON.stringify(queue.attributes),
        retentionMs: queue.retentionMs,
        deadLetterTargetArn: queue.deadLetterTargetArn,
        now,
      });
      if (id === undefined) throw new Error('queue insert returned no id');
      for (const [key, value] of Object.entries(queue.tags)) s.tag.run({ id, key, value });
      s.forgetDeleted.run(queue.account, queue.name);
      return { outcome: 'created', queue: byIdOrThrow(id) };
    },

    /** Runs `edit` on the current record and stores what it returns, in this one operation. */
    edit(id: number, edit: (queue: QueueRecord) => QueueUpdate, now: number): QueueRecord | QueueGone {
      const before = reads.info(id);
      if (!before) return 'queueGone';
      const update = edit(before.record);
      s.update.run({
        id,
        attributesJson: JSON.stringify(update.attributes),
        retentionMs: update.retentionMs,
        deadLetterTargetArn: update.deadLetterTargetArn,
        now,
      });
      reads.invalidate(id);
      const retentionChanged = update.retentionMs !== before.retentionMs;
      if (retentionChanged || update.retroactiveDelayMs !== null) {
        rederive.settingsChanged(reads.info(id)!, retentionChanged, update.retroactiveDelayMs, now);
      }
      return byIdOrThrow(id);
    },

    /**
     * Deletes the queue at once for every read and frees its name (remembered for the 60-second rule);
     * its messages go in chunks (bulk-delete.ts). False when it was already gone.
     */
    delete(id: number, now: number): boolean {
      const queue = reads.info(id);
      if (!queue) return false;
      s.rememberDeleted.run({ account: queue.account, name: queue.name, now });
      s.dropTags.run(id);
      s.dropTasks.run(id);
      bulk.delete(id, now);
      return true;
    },

    purge(id: number, now: number, minIntervalMs: number): PurgeOutcome {
      const queue = reads.info(id);
      if (!queue) return 'queueGone';
      const last = queue.record.lastPurgedAt;
      if (last !== null && now - last < minIntervalMs) return 'tooSoon';
      s.purgeGroups.run(id);
      s.purgeDedup.run(id);
      s.purgeAttempts.run(id);
      // Every message sent so far is purged now; a deep queue's are deleted in chunks after this write.
      bulk.purge(id, now);
      return 'purged';
    },

    tag(id: number, tags: Record<string, string>, maxTags: number): TagOutcome {
      const queue = reads.info(id);
      if (!queue) return 'queueGone';
      for (const [key, value] of Object.entries(tags)) s.tag.run({ id, key, value });
      reads.invalidate(id);
      // Checked after the upserts, so keys that only change a value do not count twice; the savepoint
      // rolls the upserts back when the limit is exceeded.
      if ((s.tagCount.get(id) ?? 0) > maxTags) throw new TagLimitExceeded();
      return 'tagged';
    },

    untag(id: number, keys: string[]): 'untagged' | QueueGone {
      if (!reads.info(id)) return 'queueGone';
      for (const key of keys) s.untag.run({ id, key });
      reads.invalidate(id);
      return 'untagged';
    },
  };
}

/** Thrown inside tag() to roll its savepoint back; the adapter turns it into the 'overLimit' outcome. */
export class TagLimitExceeded extends Error {}
