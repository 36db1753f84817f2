import type Database from 'better-sqlite3';
import type { QueueRecord } from '../../core/types.js';
import type { ListQueuesRequest } from '../storage.js';
import { QUEUE_COLUMNS, type QueueRow, toQueueRecord } from './rows.js';

// Queue reads. They run synchronously outside the write batcher: they see only committed data.

export const queuesSql = {
  // Uses the UNIQUE autoindex on name.
  byName: `SELECT ${QUEUE_COLUMNS} FROM queues q WHERE q.name = ?`,
  byId: `SELECT ${QUEUE_COLUMNS} FROM queues q WHERE q.id = ?`,
  info: `SELECT fifo, retention_ms FROM queues WHERE id = ?`,
  // A case-sensitive prefix as a range on the name autoindex: [prefix, prefix + U+10FFFF). The substr test
  // keeps it exact; LIKE would be case-insensitive and could not use the index.
  list: `SELECT ${QUEUE_COLUMNS} FROM queues q
    WHERE q.name >= @prefix AND q.name < @upper AND q.name > @after AND substr(q.name, 1, length(@prefix)) = @prefix
    ORDER BY q.name LIMIT @limit`,
  // Uses queues_dead_letter_target (dead_letter_target_arn, name).
  deadLetterSources: `SELECT ${QUEUE_COLUMNS} FROM queues q
    WHERE q.dead_letter_target_arn = @arn AND q.name > @after
    ORDER BY q.name LIMIT @limit`,
} as const;

export interface QueueInfo {
  fifo: boolean;
  retentionMs: number;
}

export type QueueReads = ReturnType<typeof prepareQueueReads>;

export function prepareQueueReads(db: Database.Database) {
  const byName = db.prepare<[string], QueueRow>(queuesSql.byName);
  const byId = db.prepare<[number], QueueRow>(queuesSql.byId);
  const info = db.prepare<[number], { fifo: number; retention_ms: number }>(queuesSql.info);
  const list = db.prepare<{ prefix: string; upper: string; after: string; limit: number }, QueueRow>(queuesSql.list);
  const deadLetterSources = db.prepare<{ arn: string; after: string; limit: number }, QueueRow>(
    queuesSql.deadLetterSources,
  );

  return {
    byName(name: string): QueueRecord | undefined {
      const row = byName.get(name);
      return row && toQueueRecord(row);
    },
    byId(id: number): QueueRecord | undefined {
      const row = byId.get(id);
      return row && toQueueRecord(row);
    },
    /** What message statements need to know about a queue, or undefined when it does not exist. */
    info(id: number): QueueInfo | undefined {
      const row = info.get(id);
      return row && { fifo: row.fifo === 1, retentionMs: row.retention_ms };
    },
    list(request: ListQueuesRequest): QueueRecord[] {
      const prefix = request.prefix ?? '';
      // '' sorts before every name, so it means "no cursor".
      const params = { prefix, upper: `${prefix}\u{10FFFF}`, after: request.afterName ?? '', limit: request.limit };
      return list.all(params).map(toQueueRecord);
    },
    deadLetterSources(arn: string, request: Omit<ListQueuesRequest, 'prefix'>): QueueRecord[] {
      return deadLetterSources.all({ arn, after: request.afterName ?? '', limit: request.limit }).map(toQueueRecord);
    },
  };
}
