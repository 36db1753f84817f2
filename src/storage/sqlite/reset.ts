import type Database from 'better-sqlite3';
import type { MessageCounts } from './message-counts.js';
import type { QueueReads } from './queues.js';

// Test controls' reset (POST /_wharf/reset): the store as if freshly opened, in one write. Children go
// before parents so no foreign key complains. The AUTOINCREMENT counters are kept on purpose: queue ids
// and seqs are never reused, so a receipt handle from before the reset can never match a new message.

export const resetSql = {
  tables: [
    'move_tasks',
    'receive_attempts',
    'fifo_dedup',
    'message_groups',
    'message_payloads',
    'messages',
    'queue_tags',
    'deleted_queues',
    'queues',
  ],
} as const;

export function prepareReset(db: Database.Database, deps: { reads: QueueReads; counts: MessageCounts }) {
  const statements = resetSql.tables.map((table) => db.prepare(`DELETE FROM ${table}`));
  return {
    /** Inside a write: deletes every queue, message, deleted-queue name and move task. */
    resetAll(): void {
      for (const queueId of deps.counts.queuesWithMessages()) deps.counts.clear(queueId);
      for (const statement of statements) statement.run();
      deps.reads.clearCache();
    },
  };
}
