import type Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { StoreUnavailable } from '../../src/core/errors.js';
import { type WriteHooks, WriteBatcher } from '../../src/storage/sqlite/write-batcher.js';

// What the group commit does when the transaction itself fails. better-sqlite3 gives no way to make a
// real COMMIT fail with an I/O error, so the database here is a stand-in whose group transaction runs its
// operations and then fails the way SQLite reports it (the operations' own savepoints run for real).

function failingAtCommit(code: string): Database.Database {
  const transaction = (fn: (...args: unknown[]) => unknown) =>
    Object.assign((...args: unknown[]) => fn(...args), {
      immediate: (...args: unknown[]) => {
        fn(...args);
        throw Object.assign(new Error(`commit failed: ${code}`), { code });
      },
    });
  return { transaction, inTransaction: true } as unknown as Database.Database;
}

function recordingHooks() {
  const seen = { unrecoverable: [] as unknown[], full: 0, groups: [] as boolean[] };
  const hooks: WriteHooks = {
    operationDone: () => {},
    groupDone: (committed) => seen.groups.push(committed),
    storeFull: () => (seen.full += 1),
    unrecoverable: (error) => seen.unrecoverable.push(error),
  };
  return { seen, hooks };
}

describe('a failed COMMIT', () => {
  it('reports an I/O error as unrecoverable and answers every write of the group as not stored', async () => {
    const { seen, hooks } = recordingHooks();
    const batcher = new WriteBatcher(failingAtCommit('SQLITE_IOERR_FSYNC'), hooks);
    const writes = [batcher.write(() => 'a'), batcher.write(() => 'b')];
    const results = await Promise.allSettled(writes);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    for (const r of results) expect((r as PromiseRejectedResult).reason).toBeInstanceOf(StoreUnavailable);
    expect(seen.unrecoverable).toHaveLength(1);
    expect((seen.unrecoverable[0] as { code: string }).code).toBe('SQLITE_IOERR_FSYNC');
    expect(seen.groups).toEqual([false]);
  });

  it('treats a full disk at COMMIT as a refused write, not a broken store', async () => {
    const { seen, hooks } = recordingHooks();
    const batcher = new WriteBatcher(failingAtCommit('SQLITE_FULL'), hooks);
    await expect(batcher.write(() => 'a')).rejects.toBeInstanceOf(StoreUnavailable);
    expect(seen.unrecoverable).toEqual([]);
    expect(seen.full).toBe(1);
  });
});
