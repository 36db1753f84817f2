import { type Tx, sql } from './tx.js';

// Test controls' reset, as sqlite/reset.ts: every row of every table in one transaction. Identity
// sequences are kept on purpose (ids and seqs are never reused, so an old receipt handle never matches).

export const resetSql = {
  all: sql('reset_all', `TRUNCATE move_tasks, receive_attempts, fifo_dedup, message_groups, messages, queue_counters,
    queue_tags, deleted_queues, queues`),
} as const;

export async function resetAll(tx: Tx): Promise<void> {
  await tx.run(resetSql.all);
}
