import type Database from 'better-sqlite3';
import type { QueueRecord } from '../../core/types.js';
import { QueueCache } from '../queue-cache.js';
import type { DeadLetterSourcesRequest, ListQueuesRequest } from '../storage.js';
import { QUEUE_COLUMNS, type QueueRow, type QueueState, toQueueRecord, toQueueState } from './rows.js';

// Queue reads. Single queues come from the QueueCache (see queue-cache.ts for its coherence rule: every
// queue write in this adapter calls invalidate(id) in the same operation); lists read SQL. Reads run
// synchronously outside the write batcher and see only committed data.

export const queuesSql = {
  // Uses the UNIQUE autoindex on (account, name).
  // Deleted queues whose messages are still being removed (bulk-delete.ts) are invisible to every read.
  byName: `SELECT ${QUEUE_COLUMNS} FROM queues q WHERE q.account = ? AND q.name = ? AND q.deleted = 0`,
  byId: `SELECT ${QUEUE_COLUMNS} FROM queues q WHERE q.id = ? AND q.deleted = 0`,
  // One account's queues: a case-sensitive prefix as a range on the (account, name) autoindex:
  // [prefix, prefix + U+10FFFF). The substr test keeps it exact; LIKE would be case-insensitive and could
  // not use the index.
  listOfAccount: `SELECT ${QUEUE_COLUMNS} FROM queues q
    WHERE q.account = @account AND q.name >= @prefix AND q.name < @upper AND q.name > @afterName
      AND substr(q.name, 1, length(@prefix)) = @prefix AND q.deleted = 0
    ORDER BY q.name LIMIT @limit`,
  // Every account's queues (admin views: metrics, console, test controls): the same autoindex in order,
  // after the cursor (account, name).
  listAll: `SELECT ${QUEUE_COLUMNS} FROM queues q
    WHERE (q.account, q.name) > (@afterAccount, @afterName) AND substr(q.name, 1, length(@prefix)) = @prefix
      AND q.deleted = 0
    ORDER BY q.account, q.name LIMIT @limit`,
  // Uses queues_dead_letter_target (dead_letter_target_arn, name).
  deadLetterSources: `SELECT ${QUEUE_COLUMNS} FROM queues q
    WHERE q.dead_letter_target_arn = @arn AND q.name > @after AND q.deleted = 0
    ORDER BY q.name LIMIT @limit`,
} as const;

export type QueueReads = ReturnType<typeof prepareQueueReads>;

export function prepareQueueReads(db: Database.Database) {
  const byName = db.prepare<[string, string], QueueRow>(queuesSql.byName);
  const byId = db.prepare<[number], QueueRow>(queuesSql.byId);
  type ListParams = { prefix: string; afterName: string; limit: number };
  const listOfAccount = db.prepare<ListParams & { account: string; upper: string }, QueueRow>(queuesSql.listOfAccount);
  const listAll = db.prepare<ListParams & { afterAccount: string }, QueueRow>(queuesSql.listAll);
  const deadLetterSources = db.prepare<{ arn: string; after: string; limit: number }, QueueRow>(
    queuesSql.deadLetterSources,
  );
  const cache = new QueueCache<QueueState>({
    byId: (id) => {
      const row = byId.get(id);
      return row && toQueueState(row);
    },
    byName: (account, name) => {
      const row = byName.get(account, name);
      return row && toQueueState(row);
    },
  });

  return {
    byName(account: string, name: string): QueueRecord | undefined {
      return cache.byName(account, name)?.record;
    },
    byId(id: number): QueueRecord | undefined {
      return cache.byId(id)?.record;
    },
    /** What message statements need to know about a queue, or undefined when it does not exist. */
    info(id: number): QueueState | undefined {
      return cache.byId(id);
    },
    /** Every write that changes a queue row, its tags or its mode calls this in the same operation. */
    invalidate(id: number): void {
      cache.invalidate(id);
    },
    clearCache(): void {
      cache.clear();
    },
    list(request: ListQueuesRequest): QueueRecord[] {
      const prefix = request.prefix ?? '';
      const { after, limit } = request;
      // '' sorts before every name and account, so it means "no cursor".
      if (request.account === undefined) {
        return listAll.all({ prefix, afterAccount: after?.account ?? '', afterName: after?.name ?? '', limit }).map(toQueueRecord);
      }
      // A cursor from another account: the whole account sorts after it, or before it.
      const afterName = after === undefined || after.account < request.account ? '' : after.account === request.account ? after.name : '\u{10FFFF}';
      const params = { account: request.account, prefix, upper: `${prefix}\u{10FFFF}`, afterName, limit };
      return listOfAccount.all(params).map(toQueueRecord);
    },
    deadLetterSources(arn: string, request: DeadLetterSourcesRequest): QueueRecord[] {
      return deadLetterSources.all({ arn, after: request.afterName ?? '', limit: request.limit }).map(toQueueRecord);
    },
  };
}
