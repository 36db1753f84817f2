import type Database from 'better-sqlite3';
import { StoreUnavailable } from '../../core/errors.js';

// Group commit. With synchronous=FULL every COMMIT costs an fsync, which dominates a small write (a send,
// a delete, a claim). Requests that arrive together (the same event-loop turn) are therefore queued and
// run on setImmediate inside ONE outer IMMEDIATE transaction, so they share one fsync. Each queued
// operation runs in a nested transaction, which better-sqlite3 turns into a SAVEPOINT: an operation that
// throws rolls back only its own changes and rejects only its own promise. Promises settle only after
// the outer COMMIT has returned, i.e. after the data is durable; if the COMMIT itself fails, every
// operation of the group is rejected (none of them happened).
//
// Operations must be synchronous (better-sqlite3 transactions cannot span an await), so each one is a
// read-then-write with no await inside (STYLE R9), and callers observe it as atomic.

interface PendingWrite {
  run: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  outcome?: { ok: true; value: unknown } | { ok: false; error: unknown };
}

export interface WriteStats {
  /** Outer transactions committed (or attempted). */
  transactions: number;
  /** Operations run inside them. */
  operations: number;
}

/**
 * State kept outside SQLite (message counts, the queue cache) follows the transactions through these:
 * operationDone after each savepoint is released or rolled back, groupDone after the outer COMMIT
 * succeeded or failed (a failed group leaves nothing of its operations in the database).
 */
export interface WriteHooks {
  operationDone(succeeded: boolean): void;
  groupDone(committed: boolean): void;
  /** SQLite reported SQLITE_FULL (disk or max_page_count): the space guard turns read-only. */
  storeFull(): void;
  /**
   * BEGIN or COMMIT failed with an I/O error (SQLITE_IOERR*): what is on disk is no longer known, so the
   * server should stop rather than go on serving from it (a restart recovers the last committed state
   * from the WAL). The group's writes are rejected as unstored either way.
   */
  unrecoverable?(error: unknown): void;
}

/**
 * SQLite result codes of failures that pass and store nothing of the failed statement: the disk or the
 * database's page limit is full, another connection holds the lock, the OS reported an I/O error.
 */
const TRANSIENT_CODES = /^SQLITE_(FULL|BUSY|LOCKED|IOERR|READONLY)/;

function asStoreUnavailable(error: unknown): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !TRANSIENT_CODES.test(code)) return error;
  const reason = code.startsWith('SQLITE_FULL') ? 'the disk is full' : code.startsWith('SQLITE_IOERR') ? 'an I/O error' : 'the database is busy';
  return new StoreUnavailable(reason, { cause: error });
}

function isIoError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_IOERR');
}

function isFull(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code.startsWith('SQLITE_FULL');
  // Already translated (a GroupRolledBack's cause is the operation's StoreUnavailable).
  return error instanceof StoreUnavailable && error.reason === 'the disk is full';
}

/** Thrown out of a group when SQLite rolled the whole transaction back under its operations. */
class GroupRolledBack extends Error {
  constructor(override readonly cause: unknown) {
    super('the group transaction was rolled back');
  }
}

export class WriteBatcher {
  private pending: PendingWrite[] = [];
  private scheduled: NodeJS.Immediate | null = null;
  private closed = false;
  private readonly runGroup: Database.Transaction<(writes: PendingWrite[]) => void>;
  readonly stats: WriteStats = { transactions: 0, operations: 0 };

  constructor(
    db: Database.Database,
    private readonly hooks: WriteHooks,
  ) {
    const runOne = db.transaction((write: PendingWrite) => write.run());
    this.runGroup = db.transaction((writes: PendingWrite[]) => {
      for (const write of writes) {
        try {
          write.outcome = { ok: true, value: runOne(write) };
          hooks.operationDone(true);
        } catch (error) {
          if (isFull(error)) hooks.storeFull();
          write.outcome = { ok: false, error: asStoreUnavailable(error) };
          hooks.operationDone(false);
          // Some failures (a full disk, an I/O error) make SQLite roll back the whole transaction, not
          // just the savepoint: the operations before this one are undone too, and the ones after would
          // run outside any transaction, each committing on its own. Stop here, so that every operation of
          // the group is answered with the error and none of them was stored.
          if (!db.inTransaction) throw new GroupRolledBack(write.outcome.error);
        }
      }
    });
  }

  /** Queues `run` for the next group commit; resolves with its result once that commit is durable. */
  write<T>(run: () => T): Promise<T> {
    if (this.closed) return Promise.reject(new Error('storage is closed'));
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ run, resolve: resolve as (value: unknown) => void, reject });
      this.scheduled ??= setImmediate(() => this.flush());
    });
  }

  /** Runs everything queued now, in one transaction. */
  flush(): void {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = null;
    const writes = this.pending;
    this.pending = [];
    if (writes.length === 0) return;
    this.stats.transactions += 1;
    this.stats.operations += writes.length;
    try {
      this.runGroup.immediate(writes);
    } catch (thrown) {
      // Nothing of the group is stored (a failed COMMIT or BEGIN, or a transaction SQLite rolled back).
      const cause = thrown instanceof GroupRolledBack ? thrown.cause : thrown;
      if (isFull(cause)) this.hooks.storeFull();
      // An operation's own I/O error rolled the group back (GroupRolledBack) and is answered like any
      // refused write; outside the operations, the failure was the transaction's BEGIN or COMMIT.
      else if (!(thrown instanceof GroupRolledBack) && isIoError(cause)) this.hooks.unrecoverable?.(cause);
      const error = asStoreUnavailable(cause);
      this.hooks.groupDone(false);
      for (const write of writes) write.reject(error);
      return;
    }
    this.hooks.groupDone(true);
    for (const write of writes) {
      const outcome = write.outcome;
      if (outcome?.ok) write.resolve(outcome.value);
      else write.reject(outcome ? outcome.error : new Error('write did not run'));
    }
  }

  /** Flushes what is queued and refuses further writes. */
  close(): void {
    this.flush();
    this.closed = true;
  }
}
