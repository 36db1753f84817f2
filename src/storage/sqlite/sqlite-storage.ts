import type Database from 'better-sqlite3';
import type { Storage } from '../storage.js';
import { prepareFairWalk } from './claim-fair.js';
import { prepareFifoWalk } from './claim-fifo.js';
import { prepareGroups } from './groups.js';
import { EXPIRY_CHUNK, prepareMaintenance } from './maintenance.js';
import { prepareHandles } from './messages-handles.js';
import { prepareReceive } from './messages-receive.js';
import { prepareSend } from './messages-send.js';
import { prepareStats } from './messages-stats.js';
import { prepareMoveTasks } from './move-tasks.js';
import { prepareOldest } from './messages-oldest.js';
import { type OpenOptions, openDatabase } from './open.js';
import { prepareQueueReads } from './queues.js';
import { prepareQueueWrites } from './queues-write.js';
import { prepareAttempts } from './receive-attempts.js';
import { prepareRelocate } from './relocate.js';
import { type WriteStats, WriteBatcher } from './write-batcher.js';

// The better-sqlite3 adapter of the Storage port. Every statement is prepared once, here, when the store
// opens. Every mutating method goes through the WriteBatcher (group commit, one SAVEPOINT per call);
// reads run synchronously against the last committed state.

export interface SqliteStorage extends Storage {
  /** For tests and diagnostics (EXPLAIN QUERY PLAN, counters); not part of the port. */
  readonly database: Database.Database;
  readonly writeStats: Readonly<WriteStats>;
}

export function openSqliteStorage(options: OpenOptions): SqliteStorage {
  const db = openDatabase(options);
  const batcher = new WriteBatcher(db);
  const write = <T>(run: () => T): Promise<T> => batcher.write(run);

  const reads = prepareQueueReads(db);
  const groups = prepareGroups(db);
  const queueWrites = prepareQueueWrites(db, reads, groups);
  const relocate = prepareRelocate(db, groups);
  const fifoWalk = prepareFifoWalk(db, groups);
  const fairWalk = prepareFairWalk(db, groups);
  const stats = prepareStats(db);
  const attempts = prepareAttempts(db, groups);
  const send = prepareSend(db, reads, groups);
  const receive = prepareReceive(db, { reads, fifoWalk, fairWalk, relocate, attempts, stats });
  const handles = prepareHandles(db, reads, groups);
  const moveTasks = prepareMoveTasks(db, { reads, groups, relocate, fifoWalk });
  const maintenance = prepareMaintenance(db, reads, groups);
  const pingStatement = db.prepare('SELECT 1');
  const oldest = prepareOldest(db);

  return {
    database: db,
    writeStats: batcher.stats,

    createQueue: (queue, now, recreateDelayMs) => write(() => queueWrites.create(queue, now, recreateDelayMs)),
    getQueue: async (name) => reads.byName(name),
    getQueueById: async (id) => reads.byId(id),
    listQueues: async (request) => reads.list(request),
    listDeadLetterSources: async (arn, request) => reads.deadLetterSources(arn, request),
    updateQueue: (id, update, now) => write(() => queueWrites.update(id, update, now)),
    deleteQueue: (id, now) => write(() => queueWrites.delete(id, now)),
    purgeQueue: (id, now) => write(() => queueWrites.purge(id, now)),
    tagQueue: (id, tags) => write(() => queueWrites.tag(id, tags)),
    untagQueue: (id, keys) => write(() => queueWrites.untag(id, keys)),

    sendMessages: (queueId, messages, now) => write(() => send(queueId, messages, now)),
    receiveMessages: (request) => write(() => receive(request)),
    deleteMessages: (queueId, requests, now) => write(() => handles.deleteMessages(queueId, requests, now)),
    changeVisibilities: (queueId, changes, now) => write(() => handles.changeVisibilities(queueId, changes, now)),
    queueStats: async (queueId, now) => stats.queueStats(queueId, now),
    nextVisibleAt: async (queueId, now) => stats.nextVisibleAt(queueId, now),
    oldestMessageSentAt: async (queueId, now) => oldest.oldestSentAt(queueId, now),

    createMoveTask: (task) => write(() => moveTasks.create(task)),
    getMoveTask: async (taskId) => moveTasks.get(taskId),
    listMoveTasks: async (sourceQueueId, limit) => moveTasks.list(sourceQueueId, limit),
    activeMoveTasks: async () => moveTasks.active(),
    moveMessages: (taskId, request) => write(() => moveTasks.moveMessages(taskId, request)),
    setMoveTaskStatus: (taskId, status, failureReason) =>
      write(() => moveTasks.setStatus(taskId, status, failureReason)),

    ping: async () => {
      pingStatement.get();
    },

    maintenance: async (now) => {
      let expiredMessages = 0;
      for (;;) {
        const chunk = await write(() => maintenance.expireMessageChunk(now));
        expiredMessages += chunk;
        if (chunk < EXPIRY_CHUNK) break;
      }
      const expiredDeduplications = await write(() => maintenance.expireHistory(now));
      return { expiredMessages, expiredDeduplications };
    },

    close: async () => {
      if (!db.open) return;
      batcher.close();
      db.close();
    },
  };
}
