import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { StoreUnavailable } from '../../src/core/errors.js';
import { openSqliteStorage, type SqliteStorage } from '../../src/storage/sqlite/sqlite-storage.js';
import { T0, bodies, createQueue, receive, refOf, send } from './contract/fixtures.js';

// A full disk, unprivileged: PRAGMA max_page_count caps the database as a full file system would (the
// space guard counts it as the room left). Consumers must be able to drain; sends wait for the room.
// And a database locked by another process must not freeze the event loop (the last test).

const dir = mkdtempSync(join(tmpdir(), 'wharf-disk-full-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let counter = 0;
const KiB = 1024;
const RESERVE = 256 * KiB;

function fullStore(extraPages: number): { storage: SqliteStorage; path: string } {
  const path = join(dir, `full-${++counter}.db`);
  const probe = openSqliteStorage({ path });
  const pages = probe.database.pragma('page_count', { simple: true }) as number;
  probe.database.close();
  return { storage: openSqliteStorage({ path, diskReserveBytes: RESERVE, maxPageCount: pages + extraPages }), path };
}

const body = (i: number): [string, object] => [`${i}-${'x'.repeat(3000)}`, {}];

async function fillUntilRefused(storage: SqliteStorage, queueId: number): Promise<{ acknowledged: number; refusal: unknown }> {
  let acknowledged = 0;
  for (let i = 0; i < 10_000; i += 1) {
    try {
      await send(storage, queueId, T0, body(i));
      acknowledged += 1;
    } catch (refusal) {
      return { acknowledged, refusal };
    }
  }
  throw new Error('the store never filled');
}

describe('a full disk', () => {
  it('refuses sends with room to spare, keeps receives, deletes and purges working, and resumes when space returns', async () => {
    // given a store of about 4 MiB whose sends have been refused
    const { storage, path } = fullStore(1000);
    expect(statSync(`${path}-reserve`).size).toBe(RESERVE);
    const queue = await createQueue(storage, 'q');
    const other = await createQueue(storage, 'other');
    const { acknowledged, refusal } = await fillUntilRefused(storage, queue.id);
    expect(refusal).toBeInstanceOf(StoreUnavailable);
    expect((refusal as StoreUnavailable).reason).toBe('the disk is full');
    expect(await storage.ping()).toBe('readOnly');
    await expect(createQueue(storage, 'new')).rejects.toBeInstanceOf(StoreUnavailable);
    await expect(send(storage, other.id, T0, 'small')).rejects.toBeInstanceOf(StoreUnavailable);
    // when consumers drain half of it: receive and delete, ten at a time
    let drained = 0;
    while (drained < acknowledged / 2) {
      const { messages } = await receive(storage, queue, T0, { max: 10 });
      const outcomes = await storage.deleteMessages(queue.id, messages.map((m) => ({ ref: refOf(queue, m), allowStale: false })), T0);
      expect(outcomes.every((o) => o === 'ok')).toBe(true);
      drained += messages.length;
    }
    // then the next tick finds the freed pages and sends are taken again, with no restart
    await storage.maintenance(T0);
    expect(await storage.ping()).toBe('writable');
    await send(storage, other.id, T0, 'after');
    // and a purge works too, while read-only again
    await fillUntilRefused(storage, other.id);
    expect(await storage.purgeQueue(queue.id, T0, 60_000)).toBe('purged');
    expect(bodies(await receive(storage, queue, T0))).toEqual([]);
    expect(storage.database.pragma('integrity_check', { simple: true })).toBe('ok');
    await storage.close();
  });

  it('releases the reserve file when SQLite reports the disk full anyway, and writes it again when space returns', async () => {
    // given a store whose room is taken by someone else (the page limit drops to what is used)
    const { storage, path } = fullStore(2000);
    const queue = await createQueue(storage, 'q');
    await send(storage, queue.id, T0, body(1), body(2));
    const used = storage.database.pragma('page_count', { simple: true }) as number;
    storage.database.pragma(`max_page_count = ${used}`);
    // when a send hits SQLITE_FULL
    await expect(fillUntilRefused(storage, queue.id)).resolves.toMatchObject({ refusal: expect.any(StoreUnavailable) });
    // then the store is read-only and the reserve file is gone: on a real file system its blocks are the
    // room the drain writes into (a page cap, which is all an unprivileged test can fill, gains nothing)
    expect(await storage.ping()).toBe('readOnly');
    expect(existsSync(`${path}-reserve`)).toBe(false);
    // when space returns
    storage.database.pragma(`max_page_count = ${used + 2000}`);
    await storage.maintenance(T0);
    // then the reserve is back and sends resume
    expect(statSync(`${path}-reserve`).size).toBe(RESERVE);
    expect(await storage.ping()).toBe('writable');
    await send(storage, queue.id, T0, 'again');
    expect(storage.database.pragma('integrity_check', { simple: true })).toBe('ok');
    await storage.close();
  });
});

describe('a database locked by another process', () => {
  it('refuses the write within tens of milliseconds, without freezing the event loop, and takes it once the lock is gone', async () => {
    // given another connection holding the write lock
    const path = join(dir, `locked-${++counter}.db`);
    const storage = openSqliteStorage({ path });
    const queue = await createQueue(storage, 'q');
    const other = new Database(path);
    other.exec('BEGIN IMMEDIATE');
    // when
    const started = performance.now();
    const refusal = await send(storage, queue.id, T0, 'blocked').catch((error: unknown) => error);
    const waitedMs = performance.now() - started;
    // then
    expect(refusal).toBeInstanceOf(StoreUnavailable);
    expect((refusal as StoreUnavailable).reason).toBe('the database is busy');
    expect(waitedMs).toBeLessThan(1_000);
    other.exec('ROLLBACK');
    other.close();
    await send(storage, queue.id, T0, 'after');
    expect(bodies(await receive(storage, queue, T0))).toEqual(['after']);
    await storage.close();
  });
});
