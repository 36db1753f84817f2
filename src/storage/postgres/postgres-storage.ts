import type pg from 'pg';
import type { HandleOutcome, QueueGone, RemoteChanges, SendResult, Storage } from '../storage.js';
import { prepareFairWalk } from './claim-fair.js';
import { SEND_COALESCING, type SendRequest, isPlainSend, prepareFastPaths } from './fast-paths.js';
import { toClaimedMessage } from './rows.js';
import { prepareFifoWalk } from './claim-fifo.js';
import { prepareGroups } from './groups.js';
import { prepareLeases } from './leases.js';
import { prepareMaintenance } from './maintenance.js';
import { prepareMessageCounts } from './message-counts.js';
import { prepareHandles } from './messages-handles.js';
import { preparePeek } from './messages-peek.js';
import { prepareReceive } from './messages-receive.js';
import { prepareSend } from './messages-send.js';
import { nextVisibleAt } from './messages-stats.js';
import { prepareMoveTasks } from './move-tasks.js';
import { Notifier } from './notifier.js';
import { type PostgresOptions, connectionConfig, migrate, openPool } from './open.js';
import { prepareQueueReads } from './queues.js';
import { prepareQueueWrites, TagLimitExceeded } from './queues-write.js';
import { prepareAttempts } from './receive-attempts.js';
import { prepareRelocate } from './relocate.js';
import { resetAll } from './reset.js';
import { StatementCoalescer } from './statement-coalescer.js';
import { CHANNEL, type Tx, inTransaction, read, sql } from './tx.js';

// The PostgreSQL adapter of the Storage port, for several Wharf nodes sharing one database. Every mutating
// method is atomic: one transaction (tx.ts), possibly shared with other requests to the same queue
// (statement-coalescer.ts); promises resolve after COMMIT. How it provides what the SQLite adapter
// gets from being the only writer is listed in storage.ts; in short: SKIP LOCKED claims under group-row
// locks, FIFO advisory locks for commit-ordered seqs, LISTEN/NOTIFY for wake-ups and cache invalidation,
// sharded counters for counts, leases for work that must run once in the cluster.

/** How long a lost cross-node wake-up can delay a long poll (storage.ts pollFallbackMs). */
const POLL_FALLBACK_MS = 1_000;

/** A batch of wake-ups (notifier.ts), one autocommit statement. */
const notifySql = sql('notify_batch', `SELECT pg_notify('${CHANNEL}', p) FROM unnest($1::text[]) AS p`);
/** Maintenance runs on whichever node holds this lease; others skip their rounds while it is renewed. */
const MAINTENANCE_LEASE = 'maintenance';
const MAINTENANCE_LEASE_MS = 10_000;

export interface PostgresStorage extends Storage {
  /** For tests and diagnostics; not part of the port. */
  readonly pool: pg.Pool;
  readonly nodeId: string;
}

export async function openPostgresStorage(options: PostgresOptions): Promise<PostgresStorage> {
  const pool = openPool(options);
  try {
    await migrate(pool);
  } catch (error) {
    await pool.end();
    throw error;
  }
  const notifier = new Notifier(connectionConfig(options), async (payloads) => {
    await read(pool, notifySql, [payloads]);
  });
  try {
    await notifier.start();
  } catch (error) {
    await pool.end();
    throw error;
  }
  const reads = prepareQueueReads(pool);
  const counts = prepareMessageCounts(pool);

  // Wake-ups for other nodes, summed per queue over the transaction and sent with its COMMIT.
  const pendingWakes = new WeakMap<Tx, Map<number, number>>();
  const announce = (tx: Tx, queueId: number, count: number) => {
    let wakes = pendingWakes.get(tx);
    if (!wakes) {
      const created = new Map<number, number>();
      pendingWakes.set(tx, created);
      tx.afterCommit.push(() => {
        for (const [id, n] of created) notifier.wakeAfterCommit(id, n);
      });
      wakes = created;
    }
    wakes.set(queueId, (wakes.get(queueId) ?? 0) + count);
  };
  const changed = (tx: Tx, queueId: number) => {
    notifier.publish(tx, 'q', queueId);
    tx.afterCommit.push(() => reads.invalidate(queueId));
  };
  const deleted = (tx: Tx, queueId: number) => {
    notifier.publish(tx, 'd', queueId);
    tx.afterCommit.push(() => reads.invalidate(queueId));
  };
  const tasksChanged = (tx: Tx) => notifier.publish(tx, 't');

  const groups = prepareGroups(changed);
  const relocate = prepareRelocate({ reads, groups, announce });
  const fifoWalk = prepareFifoWalk(groups);
  const fairWalk = prepareFairWalk(groups);
  const attempts = prepareAttempts(groups);
  const queueWrites = prepareQueueWrites({ reads, groups, counts, changed, deleted });
  const send = prepareSend({ reads, groups, announce });
  const receive = prepareReceive({ reads, fifoWalk, fairWalk, relocate, attempts });
  const handles = prepareHandles({ reads, groups, announce });
  const moveTasks = prepareMoveTasks(pool, { reads, groups, relocate, fifoWalk });
  const maintenance = prepareMaintenance({ reads, groups, announce });
  const leases = prepareLeases(pool, notifier.nodeId);
  const holdLease = (name: string, ttlMs: number) => leases.hold(name, ttlMs);
  const fast = prepareFastPaths(pool);
  const ping = sql('ping', 'SELECT 1');
  /** Plain standard queue, as this node's cache knows it (fast paths re-check inside their statement). */
  const isPlain = async (queueId: number) => (await reads.info(queueId))?.mode === 'plain';
  let closed = false;

  const write = <T>(work: (tx: Tx) => Promise<T>): Promise<T> => {
    if (closed) return Promise.reject(new Error('storage is closed'));
    return inTransaction(pool, work);
  };

  // Sends the fast path does not take (FIFO, fair, grouped). One transaction per request capped a FIFO
  // queue at one send per commit (~330/s here: its lock is held until COMMIT). Requests to one queue that
  // arrive together share one transaction, in arrival order (statement-coalescer.ts); on a FIFO queue they
  // take a fixed number of statements however many they are (messages-send.ts, insertFifo).
  const transactionalSends = new StatementCoalescer<SendRequest, SendResult[] | QueueGone>(
    (queueId, requests) => write((tx) => send(tx, queueId, requests)),
    SEND_COALESCING,
  );

  notifier.subscribe({
    messagesAvailable: () => {},
    queueChanged: (queueId) => reads.invalidate(queueId),
    queueDeleted: (queueId) => reads.invalidate(queueId),
    moveTasksChanged: () => {},
    resync: () => reads.clearCache(),
  });

  const storage: PostgresStorage = {
    pool,
    nodeId: notifier.nodeId,
    pollFallbackMs: POLL_FALLBACK_MS,
    watchRemoteChanges: (listener: RemoteChanges) =>
      notifier.subscribe({
        messagesAvailable: (queueId, count) => listener.messagesAvailable(queueId, count),
        queueChanged: () => {},
        queueDeleted: (queueId) => listener.queueDeleted(queueId),
        moveTasksChanged: () => listener.moveTasksChanged(),
        resync: () => listener.resync(),
      }),
    holdLease,

    createQueue: (queue, now, recreateDelayMs) => write((tx) => queueWrites.create(tx, queue, now, recreateDelayMs)),
    getQueue: (account, name) => reads.byName(account, name),
    getQueueById: (id) => reads.byId(id),
    listQueues: (request) => reads.list(request),
    listDeadLetterSources: (arn, request) => reads.deadLetterSources(arn, request),
    editQueue: (id, edit, now) => write((tx) => queueWrites.edit(tx, id, edit, now)),
    deleteQueue: (id, now) => write((tx) => queueWrites.delete(tx, id, now)),
    purgeQueue: (id, now, minIntervalMs) => write((tx) => queueWrites.purge(tx, id, now, minIntervalMs)),
    tagQueue: (id, tags, maxTags) =>
      write((tx) => queueWrites.tag(tx, id, tags, maxTags)).catch((error: unknown) => {
        if (error instanceof TagLimitExceeded) return 'overLimit' as const;
        throw error;
      }),
    untagQueue: (id, keys) => write((tx) => queueWrites.untag(tx, id, keys)),

    sendMessages: async (queueId, messages, now) => {
      if (closed) throw new Error('storage is closed');
      const sent = isPlainSend(messages) && (await isPlain(queueId)) ? await fast.send(queueId, messages, now) : null;
      if (sent) notifier.wakeAfterCommit(queueId, sent.length);
      return sent ?? transactionalSends.submit(queueId, { messages, now });
    },
    receiveMessages: async (asked) => {
      if (closed) throw new Error('storage is closed');
      // The in-flight limit (AWS's quota): claim no more than the room left under it.
      const room = asked.attemptId === undefined ? await counts.roomInFlight(asked.queueId, asked.now, asked.maxInFlight, asked.max) : Number.POSITIVE_INFINITY;
      if (room <= 0) {
        const nextVisibleAt = await storage.nextVisibleAt(asked.queueId, asked.now);
        return { messages: [], nextVisibleAt, redrivenTo: [], inFlightLimitReached: true };
      }
      const request = room < asked.max ? { ...asked, max: room } : asked;
      if (request.redrive !== null || request.attemptId !== undefined || !(await isPlain(request.queueId))) {
        return write((tx) => receive(tx, request));
      }
      const rows = await fast.receive(request);
      const nextVisibleAt = rows.length > 0 ? null : await storage.nextVisibleAt(request.queueId, request.now);
      return { messages: rows.map(toClaimedMessage), nextVisibleAt, redrivenTo: [], inFlightLimitReached: false };
    },
    deleteMessages: async (queueId, requests, now) => {
      if (closed) throw new Error('storage is closed');
      if (!(await isPlain(queueId))) return write((tx) => handles.deleteMessages(tx, queueId, requests, now));
      const deleted = await fast.delete(queueId, requests, now);
      // Entries the fast path did not delete (gone, stale, expired, a handle named twice) get their answer
      // from the general path, which decides each one as it would have alone.
      const rest: number[] = [];
      const outcomes = requests.map((_, index): HandleOutcome | undefined => {
        if (deleted[index]) return 'ok';
        rest.push(index);
        return undefined;
      });
      if (rest.length > 0) {
        const more = await write((tx) => handles.deleteMessages(tx, queueId, rest.map((i) => requests[i]!), now));
        rest.forEach((index, i) => (outcomes[index] = more[i]));
      }
      return outcomes as HandleOutcome[];
    },
    changeVisibilities: (queueId, changes, now) => write((tx) => handles.changeVisibilities(tx, queueId, changes, now)),
    queueStats: (queueId, now) => counts.queueStats(queueId, now),
    nextVisibleAt: (queueId, now) =>
      nextVisibleAt({ one: async (statement, values) => (await read(pool, statement, values))[0] as never }, queueId, now),
    ...preparePeek(pool),

    createMoveTask: (task) =>
      write(async (tx) => {
        tasksChanged(tx);
        return moveTasks.create(tx, task);
      }),
    getMoveTask: (taskId) => moveTasks.get(taskId),
    listMoveTasks: (sourceQueueId, limit) => moveTasks.list(sourceQueueId, limit),
    activeMoveTasks: () => moveTasks.active(),
    moveMessages: (taskId, request) => write((tx) => moveTasks.moveMessages(tx, taskId, request)),
    setMoveTaskStatus: (taskId, status, failureReason) =>
      write(async (tx) => {
        tasksChanged(tx);
        await moveTasks.setStatus(tx, taskId, status, failureReason);
      }),

    reset: () =>
      write(async (tx) => {
        await resetAll(tx);
        tx.afterCommit.push(() => reads.clearCache());
      }),

    // PostgreSQL reports a full disk on the write that hits it (SQLSTATE 53100, answered as a retryable
    // store failure); there is no free-space mark to read here, so a node that answers is writable.
    ping: async () => {
      await read(pool, ping);
      return 'writable' as const;
    },

    maintenance: async (now) => {
      const result = { expiredMessages: 0, expiredDeduplications: 0, unblockedQueues: [] as number[] };
      if (closed || !(await holdLease(MAINTENANCE_LEASE, MAINTENANCE_LEASE_MS))) return result;
      const unblocked = new Set<number>();
      const queueIds = await counts.queuesWithMessages();
      for (let from = 0; from < queueIds.length; ) {
        const chunk = await write((tx) => maintenance.expireMessageChunk(tx, now, queueIds, from, unblocked));
        result.expiredMessages += chunk.deleted;
        from = chunk.next;
      }
      result.expiredDeduplications = await write((tx) => maintenance.expireHistory(tx, now));
      result.unblockedQueues = [...unblocked];
      return result;
    },

    close: async () => {
      if (closed) return;
      closed = true;
      await leases.releaseAll().catch(() => {});
      await notifier.close();
      await pool.end();
    },
  };
  return storage;
}
