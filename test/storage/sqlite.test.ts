import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { fairWalkSql } from '../../src/storage/sqlite/claim-fair.js';
import { fifoWalkSql } from '../../src/storage/sqlite/claim-fifo.js';
import { bulkDeleteSql } from '../../src/storage/sqlite/bulk-delete.js';
import { rederiveSql } from '../../src/storage/sqlite/rederive.js';
import { groupsSql } from '../../src/storage/sqlite/groups.js';
import { maintenanceSql } from '../../src/storage/sqlite/maintenance.js';
import { handlesSql } from '../../src/storage/sqlite/messages-handles.js';
import { receiveSql } from '../../src/storage/sqlite/messages-receive.js';
import { sendSql } from '../../src/storage/sqlite/messages-send.js';
import { statsSql } from '../../src/storage/sqlite/messages-stats.js';
import { countsSql } from '../../src/storage/sqlite/message-counts.js';
import { peekSql } from '../../src/storage/sqlite/messages-peek.js';
import { moveTasksSql } from '../../src/storage/sqlite/move-tasks.js';
import { queuesSql } from '../../src/storage/sqlite/queues.js';
import { queueWritesSql } from '../../src/storage/sqlite/queues-write.js';
import { attemptsSql } from '../../src/storage/sqlite/receive-attempts.js';
import { relocateSql } from '../../src/storage/sqlite/relocate.js';
import { SCHEMA_VERSION } from '../../src/storage/sqlite/schema.js';
import { openSqliteStorage } from '../../src/storage/sqlite/sqlite-storage.js';
import { WriteBatcher } from '../../src/storage/sqlite/write-batcher.js';
import { StoreUnavailable } from '../../src/core/errors.js';
import { describeStorageContract } from './contract.js';
import {
  ACCOUNT,
  MINUTE,
  SECOND,
  T0,
  TWELVE_HOURS_MS,
  bodies,
  createQueue,
  newQueue,
  receive,
  refOf,
  send,
} from './contract/fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'wharf-storage-'));
let fileCounter = 0;
const tempPath = () => join(dir, `store-${++fileCounter}.db`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeStorageContract('sqlite :memory:', () => openSqliteStorage({ path: ':memory:' }));
describeStorageContract('sqlite file', () => openSqliteStorage({ path: tempPath() }));

describe('sqlite storage', () => {
  it('migrates a version 1 database: plain queues drop their group rows, grouped standard queues stay fair', async () => {
    // given: a database as version 1 left it (every standard queue kept message_groups rows)
    const path = tempPath();
    const v1 = new Database(path);
    v1.exec(readFileSync(new URL('../fixtures/schema-v1.sql', import.meta.url), 'utf8'));
    const insertQueue = v1.prepare(`INSERT INTO queues (id, name, fifo, attributes_json, retention_ms, created_at, last_modified_at)
      VALUES (?, ?, ?, '{}', 3600000, ${T0}, ${T0})`);
    insertQueue.run(1, 'plain', 0);
    insertQueue.run(2, 'fair', 0);
    insertQueue.run(3, 'q.fifo', 1);
    insertQueue.run(4, 'gone', 0);
    v1.prepare('DELETE FROM queues WHERE id = 4').run();
    v1.prepare(`INSERT INTO deleted_queues (name, deleted_at) VALUES ('gone', ${T0})`).run();
    const insertMessage = v1.prepare(`INSERT INTO messages (seq, queue_id, message_id, group_id, dedup_id, sender_id, md5_of_body,
      sent_at, enqueued_at, visible_at, expires_at) VALUES (?, ?, ?, ?, ?, 's', 'md5', ${T0}, ${T0}, ${T0}, ${T0 + MINUTE})`);
    const rows: Array<[number, number, string, string | null]> = [[1, 1, '', null], [2, 2, 'A', null], [3, 2, '', null], [4, 3, 'G', 'd1']];
    for (const [seq, queueId, groupId, dedupId] of rows) {
      insertMessage.run(seq, queueId, `m${seq}`, groupId, dedupId);
      v1.prepare(`INSERT INTO message_payloads VALUES (?, ?, '{}', '{}')`).run(seq, `body${seq}`);
      v1.prepare(`INSERT INTO message_groups (queue_id, group_id, head_seq, head_visible_at, ready_at) VALUES (?, ?, ?, ${T0}, ${T0})`)
        .run(queueId, groupId, seq);
    }
    v1.pragma('user_version = 1');
    v1.close();
    // when
    const storage = openSqliteStorage({ path, defaultAccountId: ACCOUNT });
    // then
    expect(storage.database.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    const modes = storage.database.prepare('SELECT name, fair FROM queues ORDER BY id').all();
    expect(modes).toEqual([{ name: 'plain', fair: 0 }, { name: 'fair', fair: 1 }, { name: 'q.fifo', fair: 0 }]);
    expect(storage.database.prepare('SELECT count(*) FROM message_groups WHERE queue_id = 1').pluck().get()).toBe(0);
    // version 5: the fair queue's ungrouped message (and its group row) moved to the key ' ', the plain
    // queue's stayed under '' (out of messages_group_ready)
    const groupKeys = storage.database.prepare('SELECT group_id FROM messages WHERE queue_id = ? ORDER BY seq').pluck();
    expect(groupKeys.all(1)).toEqual(['']);
    expect(groupKeys.all(2)).toEqual(['A', ' ']);
    expect(storage.database.prepare('SELECT group_id FROM message_groups WHERE queue_id = 2 ORDER BY group_id').pluck().all())
      .toEqual([' ', 'A']);
    for (const [name, expected] of [['plain', ['body1']], ['fair', ['body2', 'body3']], ['q.fifo', ['body4']]] as const) {
      const queue = (await storage.getQueue(ACCOUNT, name))!;
      expect(bodies(await receive(storage, queue, T0 + SECOND, { max: 10 })).sort()).toEqual(expected);
      expect(await storage.queueStats(queue.id, T0 + SECOND)).toEqual({ visible: 0, inFlight: expected.length, delayed: 0 });
    }
    // version 3: the queues and the recently deleted name went to the server's account, and the id of the
    // deleted queue is not handed out again (receipt handles embed queue ids)
    expect(storage.database.prepare('SELECT DISTINCT account FROM queues').pluck().all()).toEqual([ACCOUNT]);
    expect((await storage.createQueue(newQueue('gone'), T0 + SECOND, MINUTE)).outcome).toBe('deletedRecently');
    const fresh = await storage.createQueue(newQueue('fresh'), T0 + SECOND, MINUTE);
    expect(fresh.outcome === 'created' && fresh.queue.id).toBe(5);
    expect(storage.database.pragma('foreign_key_check')).toEqual([]);
    expect(storage.database.pragma('foreign_keys', { simple: true })).toBe(1);
    await storage.close();
  });

  it('never answers a stored write with an error when the disk fills, and recovers without a restart', async () => {
    // given: a database allowed only a few more pages (SQLITE_FULL, as on a full disk)
    const storage = openSqliteStorage({ path: tempPath() });
    const queue = await createQueue(storage, 'q');
    const pages = storage.database.pragma('page_count', { simple: true }) as number;
    storage.database.pragma(`max_page_count = ${pages + 40}`);
    const body = (i: number): [string, object] => [`${i}-${'x'.repeat(3000)}`, {}];
    const stored = () => storage.database.prepare('SELECT count(*) FROM messages').pluck().get() as number;
    // when: one group of concurrent sends that cannot all fit, then sends one at a time until the disk is full
    const group = await Promise.allSettled(Array.from({ length: 80 }, (_, i) => send(storage, queue.id, T0, body(i))));
    let acknowledged = group.filter((r) => r.status === 'fulfilled').length;
    let refusal: unknown;
    for (let i = 0; i < 200 && refusal === undefined; i += 1) {
      await send(storage, queue.id, T0, body(1000 + i)).then(
        () => (acknowledged += 1),
        (error: unknown) => (refusal = error),
      );
    }
    // then: every acknowledged send is stored and nothing else is; the refusal says why, retryably
    expect(stored()).toBe(acknowledged);
    expect(group.filter((r) => r.status === 'rejected').every((r) => (r as PromiseRejectedResult).reason instanceof StoreUnavailable)).toBe(true);
    expect(refusal).toBeInstanceOf(StoreUnavailable);
    expect((refusal as StoreUnavailable).reason).toBe('the disk is full');
    // and once space returns, the same store takes writes again, with no restart and nothing damaged
    storage.database.pragma(`max_page_count = ${pages + 400}`);
    expect(await storage.ping()).toBe('readOnly');
    await storage.maintenance(T0);
    expect(await storage.ping()).toBe('writable');
    await send(storage, queue.id, T0, body(5000));
    expect(stored()).toBe(acknowledged + 1);
    expect(await storage.queueStats(queue.id, T0)).toEqual({ visible: acknowledged + 1, inFlight: 0, delayed: 0 });
    expect(storage.database.pragma('integrity_check', { simple: true })).toBe('ok');
    await storage.close();
  });

  it('refuses a database newer than it knows', async () => {
    const path = tempPath();
    const newer = new Database(path);
    newer.pragma('user_version = 99');
    newer.close();
    expect(() => openSqliteStorage({ path })).toThrow(`database schema version 99 is newer than this build supports (${SCHEMA_VERSION})`);
  });

  it('keeps queues, messages, handles, deduplication and tasks across a reopen', async () => {
    // given
    const path = tempPath();
    const before = openSqliteStorage({ path });
    const queue = await createQueue(before, 'q.fifo', { tags: { team: 'a' } });
    const gone = await createQueue(before, 'gone');
    await before.deleteQueue(gone.id, T0);
    await send(before, queue.id, T0, ['a', { groupId: 'G', dedupId: 'd-a' }], ['b', { groupId: 'G', dedupId: 'd-b' }]);
    const [a] = (await receive(before, queue, T0, { max: 1, visibilityMs: MINUTE })).messages;
    await before.createMoveTask({
      taskId: 't',
      sourceQueueId: queue.id,
      sourceArn: 'arn',
      destinationArn: null,
      maxPerSecond: 5,
      toMove: 1,
      startedAt: T0,
    });
    await before.close();
    // when
    const after = openSqliteStorage({ path });
    try {
      // then
      expect(await after.getQueue(ACCOUNT, 'q.fifo')).toEqual(queue);
      expect((await after.createQueue(newQueue('gone'), T0 + SECOND, MINUTE)).outcome).toBe('deletedRecently');
      expect(await after.queueStats(queue.id, T0 + SECOND)).toEqual({ visible: 1, inFlight: 1, delayed: 0 });
      expect((await receive(after, queue, T0 + SECOND)).messages).toEqual([]); // the group is still blocked
      expect((await send(after, queue.id, T0 + SECOND, ['again', { groupId: 'G', dedupId: 'd-a' }]))[0]?.outcome).toBe('duplicate');
      expect(await after.deleteMessages(queue.id, [{ ref: refOf(queue, a!), allowStale: false }], T0 + SECOND)).toEqual(['ok']);
      expect(bodies(await receive(after, queue, T0 + SECOND))).toEqual(['b']);
      expect(await after.getMoveTask('t')).toMatchObject({ status: 'RUNNING', maxPerSecond: 5 });
    } finally {
      await after.close();
    }
  });

  it('never reuses a sequence number, even after the newest message is deleted', async () => {
    const storage = openSqliteStorage({ path: ':memory:' });
    const queue = await createQueue(storage, 'q');
    const [first] = await send(storage, queue.id, T0, 'a');
    const [m] = (await receive(storage, queue, T0)).messages;
    await storage.deleteMessages(queue.id, [{ ref: refOf(queue, m!), allowStale: false }], T0);
    const [second] = await send(storage, queue.id, T0, 'b');
    expect(second!.seq).toBeGreaterThan(first!.seq);
    await storage.close();
  });

  it('commits the writes of one tick in a single transaction', async () => {
    // given
    const storage = openSqliteStorage({ path: tempPath() });
    const queue = await createQueue(storage, 'q');
    const { transactions, operations } = storage.writeStats;
    // when
    const results = await Promise.all([
      ...Array.from({ length: 10 }, (_, i) => send(storage, queue.id, T0, `m${i}`)),
      receive(storage, queue, T0, { max: 1 }),
      storage.tagQueue(queue.id, { a: 'b' }, 50),
    ]);
    // then
    expect(results).toHaveLength(12);
    expect(storage.writeStats.transactions).toBe(transactions + 1);
    expect(storage.writeStats.operations).toBe(operations + 12);
    await storage.close();
  });

  it('rolls back only the failing operation of a group and settles after the commit', async () => {
    // given
    const db = new Database(':memory:');
    db.exec('CREATE TABLE t (v TEXT NOT NULL)');
    const hooks: string[] = [];
    const batcher = new WriteBatcher(db, {
      operationDone: (succeeded) => hooks.push(succeeded ? 'op ok' : 'op failed'),
      groupDone: (committed) => hooks.push(committed ? 'committed' : 'failed'),
      storeFull: () => hooks.push('full'),
    });
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    let insideTransaction = false;
    // when
    const results = await Promise.allSettled([
      batcher.write(() => {
        insideTransaction = db.inTransaction;
        insert.run('kept-1');
      }),
      batcher.write(() => {
        insert.run('rolled-back');
        throw new Error('boom');
      }),
      batcher.write(() => insert.run('kept-2').changes),
    ]);
    // then
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(insideTransaction).toBe(true);
    expect(db.inTransaction).toBe(false);
    expect(db.prepare('SELECT v FROM t ORDER BY rowid').pluck().all()).toEqual(['kept-1', 'kept-2']);
    expect(batcher.stats).toEqual({ transactions: 1, operations: 3 });
    expect(hooks).toEqual(['op ok', 'op failed', 'op ok', 'committed']);
    db.close();
  });

  it('flushes queued writes on close and refuses writes afterwards', async () => {
    const path = tempPath();
    const storage = openSqliteStorage({ path });
    const queue = await createQueue(storage, 'q');
    const pending = send(storage, queue.id, T0, 'last');
    await storage.close();
    await expect(pending).resolves.toHaveLength(1);
    await expect(send(storage, queue.id, T0, 'late')).rejects.toThrow(/closed/);
    const reopened = openSqliteStorage({ path });
    expect(bodies(await receive(reopened, queue, T0))).toEqual(['last']);
    await reopened.close();
  });

  it('uses WAL, FULL synchronous by default (NORMAL when relaxed) and foreign keys', async () => {
    const full = openSqliteStorage({ path: tempPath() });
    const relaxed = openSqliteStorage({ path: tempPath(), durability: 'relaxed' });
    expect(full.database.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(full.database.pragma('synchronous', { simple: true })).toBe(2);
    expect(relaxed.database.pragma('synchronous', { simple: true })).toBe(1);
    expect(full.database.pragma('foreign_keys', { simple: true })).toBe(1);
    await full.close();
    await relaxed.close();
  });

  it('answers every statement from an index: no table scans, no sorts', async () => {
    // given
    const storage = openSqliteStorage({ path: ':memory:' });
    const statements = {
      ...prefixed('groups', groupsSql), ...prefixed('queues', queuesSql), ...prefixed('queueWrites', queueWritesSql),
      ...prefixed('relocate', relocateSql), ...prefixed('send', sendSql), ...prefixed('fifoWalk', fifoWalkSql),
      ...prefixed('fairWalk', fairWalkSql), ...prefixed('stats', statsSql), ...prefixed('attempts', attemptsSql),
      ...prefixed('receive', receiveSql), ...prefixed('handles', handlesSql), ...prefixed('moveTasks', moveTasksSql),
      ...prefixed('maintenance', maintenanceSql), ...prefixed('counts', countsSql), ...prefixed('peek', peekSql),
      ...prefixed('bulk', bulkDeleteSql), ...prefixed('rederive', rederiveSql),
    };
    // Scanning json_each walks the bound array of at most one batch of seqs, and a subquery scan walks the
    // rows of a subquery bounded by its LIMIT: neither is a table.
    const isTableScan = (line: string) =>
      line.startsWith('SCAN') && !line.startsWith('SCAN json_each') && !line.startsWith('SCAN (subquery');
    // Runs once when the store opens, to load every queue's message total; never on a request.
    // bulk.pending walks a partial index that holds only the queues being purged or deleted.
    const scanAllowed = new Set(['counts.totals', 'bulk.pending']);
    // A handful of RUNNING/CANCELLING tasks are sorted in memory; nothing else may sort.
    // The peek's outer query sorts only its page (the inner one reads the index in order).
    const sortAllowed = new Set(['moveTasks.active', 'peek.peek']);
    // then
    for (const [name, sql] of Object.entries(statements)) {
      const plan = explain(storage.database, sql);
      if (!scanAllowed.has(name)) expect(plan.filter(isTableScan), `${name}: ${plan.join(' | ')}`).toEqual([]);
      if (!sortAllowed.has(name)) expect(plan.filter((line) => line.includes('TEMP B-TREE')), name).toEqual([]);
    }
    await storage.close();
  });

  it("keeps a plain queue's messages out of the fair-group index until its first grouped message", async () => {
    // given a plain queue with three ungrouped messages
    const storage = openSqliteStorage({ path: ':memory:' });
    const queue = await createQueue(storage, 'turns-fair');
    await send(storage, queue.id, T0, 'u1', 'u2', 'u3');
    const groupKeys = storage.database.prepare('SELECT group_id FROM messages WHERE queue_id = ? ORDER BY seq').pluck();
    const indexed = storage.database.prepare(`SELECT count(*) FROM messages INDEXED BY messages_group_ready
      WHERE queue_id = ? AND dedup_id IS NULL AND group_id <> ''`).pluck();
    expect(groupKeys.all(queue.id)).toEqual(['', '', '']);
    expect(indexed.get(queue.id)).toBe(0);
    // when a message with a group arrives, then another without
    await send(storage, queue.id, T0, ['g1', { groupId: 'A' }], 'u4');
    // then the queue is fair, its ungrouped messages form the group ' ' in the index, and a receive
    // serves both groups, reporting no group for the ungrouped ones
    expect(groupKeys.all(queue.id)).toEqual([' ', ' ', ' ', 'A', ' ']);
    expect(indexed.get(queue.id)).toBe(5);
    const { messages } = await receive(storage, queue, T0, { max: 2 });
    expect(messages.map((m) => [m.body, m.groupId]).sort()).toEqual([['g1', 'A'], ['u1', null]]);
    const rest = await receive(storage, queue, T0, { max: 10 });
    expect(bodies(rest).sort()).toEqual(['u2', 'u3', 'u4']);
    expect(rest.messages.every((m) => m.groupId === null)).toBe(true);
    await storage.close();
  });

  it('stores a redriven message under the group key of its dead-letter queue', async () => {
    // given a fair queue whose dead-letter queue is plain
    const storage = openSqliteStorage({ path: ':memory:' });
    const source = await createQueue(storage, 'fair-source');
    const dlq = await createQueue(storage, 'plain-dlq');
    await send(storage, source.id, T0, ['first', { groupId: 'B' }]);
    await receive(storage, source, T0, { max: 10 });
    const redrive = {
      deadLetterQueueId: dlq.id, maxReceiveCount: 1, sourceArn: 'arn:aws:sqs:us-east-1:000000000000:fair-source',
      resetEnqueueTime: false, deadLetterRetentionMs: 4 * 24 * 60 * MINUTE,
    };
    const groupKeys = storage.database.prepare('SELECT group_id FROM messages WHERE queue_id = ? ORDER BY seq').pluck();
    const overReceiveCount = async () => {
      await receive(storage, source, T0, { max: 10, visibilityMs: 0 });
      await receive(storage, source, T0, { max: 10, redrive });
    };
    // when an ungrouped message of the fair queue goes over its receive count
    await send(storage, source.id, T0, 'u');
    expect(groupKeys.all(source.id)).toEqual(['B', ' ']);
    await overReceiveCount();
    // then it has the plain key in the plain dead-letter queue
    expect(groupKeys.all(dlq.id)).toEqual(['']);
    // and when a grouped one follows, the dead-letter queue turns fair and both are delivered with their groups
    await send(storage, source.id, T0, ['g', { groupId: 'A' }]);
    await overReceiveCount();
    expect(groupKeys.all(dlq.id)).toEqual([' ', 'A']);
    const { messages } = await receive(storage, dlq, T0, { max: 10 });
    expect(messages.map((m) => [m.body, m.groupId]).sort()).toEqual([['g', 'A'], ['u', null]]);
    await storage.close();
  });

  it('has long polls look again every 100 ms while a deep queue is re-derived in chunks', async () => {
    // given 2,500 messages, all delayed for a minute
    const storage = openSqliteStorage({ path: ':memory:' });
    const queue = await createQueue(storage, 'deep');
    for (let sent = 0; sent < 2_500; sent += 500) {
      await send(storage, queue.id, T0, ...Array.from({ length: 500 }, (_, i): [string, { delayMs: number }] => [`m${sent + i}`, { delayMs: MINUTE }]));
    }
    const edit = () => ({ attributes: {}, retentionMs: 2 * 24 * 60 * MINUTE, deadLetterTargetArn: null, retroactiveDelayMs: null });
    // when its retention changes, with a receive in the same write
    const [, during] = await Promise.all([storage.editQueue(queue.id, edit, T0), receive(storage, queue, T0)]);
    // then, chunks pending, the receive's long poll would look again in 100 ms rather than in a minute,
    // and once they are done the next delayed message is what it waits for again
    expect(bodies(during)).toEqual([]);
    expect(during.nextVisibleAt).toBe(T0 + 100);
    const pending = storage.database.prepare('SELECT rederive_to_seq FROM queues WHERE id = ?').pluck();
    await expect.poll(() => pending.get(queue.id), { timeout: 30_000, interval: 20 }).toBeNull();
    expect((await receive(storage, queue, T0)).nextVisibleAt).toBe(T0 + MINUTE);
    await storage.close();
  });

  it('keeps FIFO group heads consistent through visibility changes', async () => {
    const storage = openSqliteStorage({ path: ':memory:' });
    const queue = await createQueue(storage, 'q.fifo');
    await send(storage, queue.id, T0, ['a', { groupId: 'G', dedupId: 'a' }], ['b', { groupId: 'G', dedupId: 'b' }]);
    const [a] = (await receive(storage, queue, T0, { max: 1, visibilityMs: MINUTE })).messages;
    const groupRow = storage.database.prepare('SELECT head_seq, ready_at FROM message_groups WHERE queue_id = ?');
    const head = () => groupRow.get(queue.id);
    expect(head()).toEqual({ head_seq: a!.seq, ready_at: T0 + MINUTE });
    const change = { ref: refOf(queue, a!), visibleAt: T0 + SECOND, maxVisibleAfterReceiveMs: TWELVE_HOURS_MS, allowStale: false };
    await storage.changeVisibilities(queue.id, [change], T0);
    expect(head()).toEqual({ head_seq: a!.seq, ready_at: T0 + SECOND });
    await storage.deleteMessages(queue.id, [{ ref: refOf(queue, a!), allowStale: false }], T0);
    expect(head()).toMatchObject({ ready_at: T0 });
    await storage.close();
  });
});

function prefixed(prefix: string, statements: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(statements).map(([name, sql]) => [`${prefix}.${name}`, sql]));
}

/** EXPLAIN QUERY PLAN lines, with every parameter bound to a dummy value. */
function explain(db: Database.Database, sql: string): string[] {
  const names = [...new Set([...sql.matchAll(/@(\w+)/g)].map((m) => m[1]!))];
  const positional = (sql.match(/\?/g) ?? []).length;
  const args: unknown[] = names.length > 0 ? [Object.fromEntries(names.map((n) => [n, 1]))] : Array(positional).fill(1);
  return db
    .prepare(`EXPLAIN QUERY PLAN ${sql}`)
    .all(...args)
    .map((row) => (row as { detail: string }).detail);
}
