import type pg from 'pg';
import type { QueueRecord } from '../../core/types.js';
import type { DeadLetterSourcesRequest, ListQueuesRequest } from '../storage.js';
import { QUEUE_COLUMNS, type QueueRow, type QueueState, toQueueRecord, toQueueState } from './rows.js';
import { type Tx, read, sql } from './tx.js';

// Queue reads. Single queues come from a per-node cache with the coherence rule of storage/queue-cache.ts:
// this node's queue writes invalidate after their commit, and other nodes' writes arrive as notifications
// (notifier.ts) that invalidate the same way; a lost listener connection clears the whole cache. The
// loader is asynchronous here, so a load that started before an invalidation is not remembered after it
// (the generation check), or a stale row could outlive the change that replaced it.

export const queuesSql = {
  // Uses queues_account_name.
  byName: sql('queue_by_name', `SELECT ${QUEUE_COLUMNS} FROM queues q WHERE q.account = $1 AND q.name = $2`),
  byId: sql('queue_by_id', `SELECT ${QUEUE_COLUMNS} FROM queues q WHERE q.id = $1`),
  // Inside a send or relocation: the queue's current row, share-locked until commit, so a concurrent
  // delete, purge, retention change or fair-mode switch waits for this transaction (and it sees theirs).
  lockShared: sql('queue_lock_shared', `SELECT ${QUEUE_COLUMNS} FROM queues q WHERE q.id = $1 FOR SHARE`),
  // One account's queues: a range on queues_account_name (COLLATE "C": byte order, as SQLite), exact
  // with starts_with.
  listOfAccount: sql('queue_list_account', `SELECT ${QUEUE_COLUMNS} FROM queues q
    WHERE q.account = $1 AND q.name >= $2 AND q.name > $3 AND starts_with(q.name, $2)
    ORDER BY q.name LIMIT $4`),
  // Every account's queues (admin views): queues_account_name in order after the (account, name) cursor.
  listAll: sql('queue_list_all', `SELECT ${QUEUE_COLUMNS} FROM queues q
    WHERE (q.account, q.name) > ($1, $2) AND starts_with(q.name, $3)
    ORDER BY q.account, q.name LIMIT $4`),
  // Uses queues_dead_letter_target (dead_letter_target_arn, name).
  deadLetterSources: sql('queue_dead_letter_sources', `SELECT ${QUEUE_COLUMNS} FROM queues q
    WHERE q.dead_letter_target_arn = $1 AND q.name > $2 ORDER BY q.name LIMIT $3`),
} as const;

export type QueueReads = ReturnType<typeof prepareQueueReads>;

export function prepareQueueReads(pool: pg.Pool) {
  const byId = new Map<number, QueueState>();
  const idByName = new Map<string, number>();
  let generation = 0;
  const nameKey = (account: string, name: string) => `${account}\u0000${name}`;

  const remember = (state: QueueState | undefined, startedAt: number): QueueState | undefined => {
    if (state && startedAt === generation) {
      byId.set(state.id, state);
      idByName.set(nameKey(state.account, state.name), state.id);
    }
    return state;
  };
  const load = async (statement: typeof queuesSql.byId, values: unknown[]) => {
    const startedAt = generation;
    const [row] = await read<QueueRow>(pool, statement, values);
    return remember(row && toQueueState(row), startedAt);
  };

  const reads = {
    async info(id: number): Promise<QueueState | undefined> {
      return byId.get(id) ?? load(queuesSql.byId, [id]);
    },
    async byName(account: string, name: string): Promise<QueueRecord | undefined> {
      const id = idByName.get(nameKey(account, name));
      const cached = id === undefined ? undefined : byId.get(id);
      return (cached ?? (await load(queuesSql.byName, [account, name])))?.record;
    },
    async byId(id: number): Promise<QueueRecord | undefined> {
      return (await reads.info(id))?.record;
    },
    /** Inside a transaction: the current row, share-locked (see lockShared). */
    async lock(tx: Tx, id: number): Promise<QueueState | undefined> {
      const row = await tx.one<QueueRow>(queuesSql.lockShared, [id]);
      return row && toQueueState(row);
    },
    invalidate(id: number): void {
      generation += 1;
      const cached = byId.get(id);
      if (!cached) return;
      byId.delete(id);
      idByName.delete(nameKey(cached.account, cached.name));
    },
    clearCache(): void {
      generation += 1;
      byId.clear();
      idByName.clear();
    },
    async list(request: ListQueuesRequest): Promise<QueueRecord[]> {
      const prefix = request.prefix ?? '';
      const { after, limit } = request;
      // '' sorts before every name and account, so it means "no cursor".
      if (request.account === undefined) {
        const rows = await read<QueueRow>(pool, queuesSql.listAll, [after?.account ?? '', after?.name ?? '', prefix, limit]);
        return rows.map(toQueueRecord);
      }
      // A cursor from another account: the whole account sorts after it, or before it (as sqlite/queues.ts).
      const afterName =
        after === undefined || after.account < request.account ? '' : after.account === request.account ? after.name : '\u{10FFFF}';
      const rows = await read<QueueRow>(pool, queuesSql.listOfAccount, [request.account, prefix, afterName, limit]);
      return rows.map(toQueueRecord);
    },
    async deadLetterSources(arn: string, request: DeadLetterSourcesRequest): Promise<QueueRecord[]> {
      const rows = await read<QueueRow>(pool, queuesSql.deadLetterSources, [arn, request.afterName ?? '', request.limit]);
      return rows.map(toQueueRecord);
    },
  };
  return reads;
}
