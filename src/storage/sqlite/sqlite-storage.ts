import type Database from 'better-sqlite3';
import type { Storage } from '../storage.js';
import { prepareBulkDelete } from './bulk-delete.js';
import { prepareFairWalk } from './claim-fair.js';
import { prepareFifoWalk } from './claim-fifo.js';
import { prepareGroups } from './groups.js';
import { prepareMaintenance } from './maintenance.js';
import { prepareHandles } from './messages-handles.js';
import { preparePeek } from './messages-peek.js';
import { prepareReceive } from './messages-receive.js';
import { prepareSend } from './messages-send.js';
import { prepareStats } from './messages-stats.js';
import { prepareMoveTasks } from './move-tasks.js';
import { prepareOldest } from './messages-oldest.js';
import { type OpenOptions, openDatabase } from './open.js';
import { prepareQueueReads } from './queues.js';
import { prepareQueueWrites, TagLimitExceeded } from './queues-write.js';
import { prepareMessageCounts } from './message-counts.js';
import { prepareAttempts } from './receive-attempts.js';
import { prepareRelocate } from './relocate.js';
import { prepareRederive, prepareScheduleRederive } from './rederive.js';
import { prepareReset } from './reset.js';
import { createSpaceGuard } from './space-guard.js';
import { type WriteStats, WriteBatcher } from './write-batcher.js';
import { StoreUnavailable } from '../../core/errors.js';
import type { MessageToSend } from '../storage.js';

// The better-sqlite3 adapter of the Storage port. Every statement is prepared once, here, when the store
// opens. Every mutating method goes through the WriteBatcher (group commit, one SAVEPOINT per call);
// reads run synchronously against the last committed state.

export interface SqliteStorage extends Storage {
  /** For tests and diagnostics (EXPLAIN QUERY PLAN, counters); not part of the port. */
  readonly database: Database.Database;
  readonly writeStats: Readonly<WriteStats>;
  /** Bytes the store can still write before sends are refused, as the space guard last estimated. */
  readonly roomBytes: number;
}

/** A write that would grow the store while the space guard keeps the room for draining. */
const diskFull = () => new StoreUnavailable('the disk is full');

const sendBytes = (messages: MessageToSend[]) =>
  messages.reduce((sum, { message }) => sum + message.body.length + JSON.stringify(message.attributes).length, 0);

export function openSqliteStorage(options: OpenOptions): SqliteStorage {
  const db = openDatabase(options);
  const reads = prepareQueueReads(db);
  const counts = prepareMessageCounts(db);
  const reserve = options.diskReserveBytes ?? 0;
  const guard = createSpaceGuard(db, {
    path: options.path === ':memory:' ? null : options.path,
    markBytes: reserve,
    reserveBytes: reserve,
  });
  // Writes that add to the store wait for the room to return; the rest (receive, delete, purge, ...) go on.
  const grow = <T>(run: () => T): Promise<T> => (guard.readOnly ? Promise.reject(diskFull()) : write(run));
  const batcher = new WriteBatcher(db, {
    storeFull: () => guard.full(),
    unrecoverable: options.onUnrecoverable,
    operationDone: (succeeded) => counts.operationDone(succeeded),
    groupDone: (committed) => {
      counts.groupDone(committed);
      // Queues read inside the failed transaction may have been cached with changes that never committed.
      if (!committed) reads.clearCache();
    },
  });
  const write = <T>(run: () => T): Promise<T> => batcher.write(run);

  const scheduleRederiveOf = prepareScheduleRederive(db, reads);
  // Chunks start once the write that scheduled them has committed, not at the next maintenance tick.
  const scheduleRederive = (queueId: number, now: number) => {
    scheduleRederiveOf(queueId);
    setImmediate(() => void reap(now));
  };
  const groups = prepareGroups(db, { counts, onModeChanged: (queueId) => reads.invalidate(queueId), convertLater: scheduleRederive });
  const deps = { reads, groups, counts };
  const bulk = prepareBulkDelete(db, deps);
  const rederive = prepareRederive(db, { ...deps, scheduleRederive });
  const queueWrites = prepareQueueWrites(db, { ...deps, bulk, rederive });
  const relocate = prepareRelocate(db, deps);
  const fifoWalk = prepareFifoWalk(db, groups);
  const fairWalk = prepareFairWalk(db, groups);
  const stats = prepareStats(db);
  const attempts = prepareAttempts(db, groups);
  const send = prepareSend(db, deps);
  const receive = prepareReceive(db, { reads, fifoWalk, fairWalk, relocate, attempts, stats, counts });
  const handles = prepareHandles(db, deps);
  const moveTasks = prepareMoveTasks(db, { reads, groups, relocate, fifoWalk });
  const maintenance = prepareMaintenance(db, deps);
  const pingStatement = db.prepare('SELECT 1');
  const oldest = prepareOldest(db);
  const reset = prepareReset(db, deps);

  // Chunks of purged and deleted queues (bulk-delete.ts) and of settings applied to the messages of deep
  // queues (rederive.ts), one write each, so requests interleave; one loop at a time. Every
  // CHECKPOINT_EVERY chunks the WAL is checkpointed (PASSIVE: never waits on a reader), and truncated at
  // the end, so a deep purge leaves no WAL of its size behind. A write refused (a full disk) ends the
  // loop; the next maintenance tick starts it again, as it does for chunks left by a restart.
  const CHECKPOINT_EVERY = 25;
  let reaping: Promise<void> | null = null;
  const reap = (now: number): Promise<void> => {
    reaping ??= (async () => {
      let chunks = 0;
      for (let ids = bulk.pending(); ids.length > 0 && db.open; ids = bulk.pending()) {
        for (const id of ids) {
          while (db.open && !(await write(() => bulk.step(id, now) && rederive.step(id, now)))) {
            if (++chunks % CHECKPOINT_EVERY === 0 && !db.inTransaction) db.pragma('wal_checkpoint(PASSIVE)');
          }
        }
      }
      if (chunks > 0 && db.open && !db.inTransaction) db.pragma('wal_checkpoint(TRUNCATE)');
    })()
      .catch(() => undefined)
      .finally(() => {
        reaping = null;
      });
    return reaping;
  };

  return {
    database: db,
    writeStats: batcher.stats,
    // The write batcher runs every write queued in a turn in one transaction, in order (write-batcher.ts).
    commitsOneTurnTogether: true,
    get roomBytes() {
      return guard.roomBytes;
    },

    createQueue: (queue, now, recreateDelayMs) => grow(() => queueWrites.create(queue, now, recreateDelayMs)),
    getQueue: async (account, name) => reads.byName(account, name),
    getQueueById: async (id) => reads.byId(id),
    listQueues: async (request) => reads.list(request),
    listDeadLetterSources: async (arn, request) => reads.deadLetterSources(arn, request),
    editQueue: (id, edit, now) => write(() => queueWrites.edit(id, edit, now)),
    deleteQueue: (id, now) =>
      write(() => queueWrites.delete(id, now)).then((deleted) => {
        if (deleted) void reap(now);
        return deleted;
      }),
    purgeQueue: (id, now, minIntervalMs) =>
      write(() => queueWrites.purge(id, now, minIntervalMs)).then((outcome) => {
        if (outcome === 'purged') void reap(now);
        return outcome;
      }),
    tagQueue: (id, tags, maxTags) =>
      grow(() => queueWrites.tag(id, tags, maxTags)).catch((error: unknown) => {
        if (error instanceof TagLimitExceeded) return 'overLimit' as const;
        throw error;
      }),
    untagQueue: (id, keys) => write(() => queueWrites.untag(id, keys)),

    sendMessages: (queueId, messages, now) =>
      guard.admit(sendBytes(messages), messages.length) ? write(() => send(queueId, messages, now)) : Promise.reject(diskFull()),
    receiveMessages: (request) => write(() => receive(request)),
    deleteMessages: (queueId, requests, now) => write(() => handles.deleteMessages(queueId, requests, now)),
    changeVisibilities: (queueId, changes, now) => write(() => handles.changeVisibilities(queueId, changes, now)),
    queueStats: async (queueId, now) => counts.queueStats(queueId, now),
    nextVisibleAt: async (queueId, now) => stats.nextVisibleAt(queueId, now),
    ...preparePeek(db),
    oldestMessageSentAt: async (queueId, now) => oldest.oldestSentAt(queueId, now),

    createMoveTask: (task) => grow(() => moveTasks.create(task)),
    getMoveTask: async (taskId) => moveTasks.get(taskId),
    listMoveTasks: async (sourceQueueId, limit) => moveTasks.list(sourceQueueId, limit),
    activeMoveTasks: async () => moveTasks.active(),
    moveMessages: (taskId, request) => write(() => moveTasks.moveMessages(taskId, request)),
    setMoveTaskStatus: (taskId, status, failureReason) =>
      write(() => moveTasks.setStatus(taskId, status, failureReason)),

    reset: () => write(() => reset.resetAll()),

    ping: async () => {
      pingStatement.get();
      return guard.readOnly ? 'readOnly' : 'writable';
    },

    maintenance: async (now) => {
      guard.refresh();
      void reap(now);
      let expiredMessages = 0;
      const unblocked = new Set<number>();
      // Only queues that hold messages can have expired ones; each chunk is its own write, so requests
      // interleave with a large expiry.
      const queueIds = counts.queuesWithMessages();
      for (let from = 0; from < queueIds.length; ) {
        const chunk = await write(() => maintenance.expireMessageChunk(now, queueIds, from, unblocked));
        expiredMessages += chunk.deleted;
        from = chunk.next;
      }
      const expiredDeduplications = await write(() => maintenance.expireHistory(now));
      return { expiredMessages, expiredDeduplications, unblockedQueues: [...unblocked] };
    },

    close: async () => {
      if (!db.open) return;
      batcher.close();
      db.close();
      await reaping;
    },
  };
}
