import { beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { fairWalkSql } from '../../src/storage/postgres/claim-fair.js';
import { fastSql } from '../../src/storage/postgres/fast-paths.js';
import { countsSql } from '../../src/storage/postgres/message-counts.js';
import { receiveSql } from '../../src/storage/postgres/messages-receive.js';
import { statsSql } from '../../src/storage/postgres/messages-stats.js';
import { moveTasksSql } from '../../src/storage/postgres/move-tasks.js';
import { openPostgresStorage } from '../../src/storage/postgres/postgres-storage.js';
import type { Statement } from '../../src/storage/postgres/tx.js';
import { createDatabase, truncateAll } from '../helpers/postgres.js';
import { describeStorageContract } from './contract.js';
import { T0, bodies, createQueue, message, receive } from './contract/fixtures.js';

// The storage contract on PostgreSQL: one database for this file, emptied before each test's store opens.

let url = '';
beforeAll(async () => {
  url = await createDatabase('contract');
});

describeStorageContract('postgres', async () => {
  await truncateAll(url);
  return openPostgresStorage({ url, poolSize: 4 });
});

describe('postgres storage', () => {
  it('refuses a database whose schema is newer than it knows', async () => {
    const newer = await createDatabase('newer');
    const client = new pg.Client({ connectionString: newer });
    await client.connect();
    await client.query('CREATE TABLE schema_version (version integer NOT NULL); INSERT INTO schema_version VALUES (99)');
    await client.end();
    await expect(openPostgresStorage({ url: newer })).rejects.toThrow('database schema version 99 is newer than this build supports (2)');
  });
});

describe('postgres sends that share a transaction', () => {
  // FIFO sends to one queue that arrive together run in one transaction (postgres-storage.ts); a request
  // that fails there must fail alone. PostgreSQL's text type refuses a NUL byte, which storage does not
  // check (SQS validation rejects it before storage), so such a body fails inside the shared transaction.
  it('fails only the request that failed; the others are stored in arrival order', async () => {
    const storage = await openPostgresStorage({ url: await createDatabase('shared_tx'), poolSize: 4 });
    try {
      const queue = await createQueue(storage, 'q.fifo');
      const fifoMessage = (body: string) => message(body, T0, { groupId: 'g', dedupId: body });
      // when four sends arrive together: the first runs alone, the next three share a transaction
      const outcomes = await Promise.allSettled(
        ['a', 'b', 'bad\u0000', 'c'].map((body) => storage.sendMessages(queue.id, [fifoMessage(body)], T0)),
      );
      // then
      expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
      const received = await receive(storage, queue, T0, { max: 10 });
      expect(bodies(received)).toEqual(['a', 'b', 'c']);
      const seqs = received.messages.map((m) => m.seq);
      expect([...seqs].sort((x, y) => x - y)).toEqual(seqs);
    } finally {
      await storage.close();
    }
  });
});

describe('postgres in-flight limit on a queue deeper than the limit', () => {
  it('counts the in-flight range once while the room is large, and exactly near the limit', async () => {
    const storage = await openPostgresStorage({ url: await createDatabase('room'), poolSize: 4 });
    try {
      const queue = await createQueue(storage, 'deep');
      for (let batch = 0; batch < 21; batch += 1) {
        await storage.sendMessages(queue.id, Array.from({ length: 100 }, (_, i) => message(`m${batch}-${i}`, T0)), T0);
      }
      let inFlightCounts = 0;
      const query = storage.pool.query.bind(storage.pool);
      storage.pool.query = ((config: { name?: string }, ...rest: unknown[]) => {
        if (config?.name === countsSql.notVisible.name) inFlightCounts += 1;
        return (query as (...args: unknown[]) => unknown)(config, ...rest);
      }) as typeof storage.pool.query;
      // when 2,100 messages are received 10 at a time under a limit of 2,000 in flight
      let claimed = 0;
      let counted = -1;
      for (let round = 0; ; round += 1) {
        const result = await receive(storage, queue, T0, { max: 10, maxInFlight: 2_000 });
        if (round === 99) counted = inFlightCounts;
        claimed += result.messages.length;
        if (result.inFlightLimitReached) break;
      }
      // then the first hundred receives (room ≥ 1,000) counted once; the limit still held exactly
      expect(counted).toBe(1);
      expect(claimed).toBe(2_000);
    } finally {
      await storage.close();
    }
  });
});

describe('postgres plans on a queue the statistics have not seen', () => {
  // A queue filled faster than autoanalyze runs had statistics saying it held about one row, and plans that
  // read messages_expiry and sorted the whole queue (schema.ts, "Row estimates"). Without statistics on
  // queue_id (migration 2) every per-queue statement keeps to the index that gives its order.
  it('walks the visibility (or fair-group) index in order, never the expiry index', async () => {
    // Given statistics gathered while queue 7 had no messages, then 20,000 of them, with autovacuum off
    const { client } = await migratedDatabase('plans');
    try {
      // Message times as a live queue has them: epoch ms, retention four days ahead.
      const insert = (queueId: number, count: number, from: number) =>
        client.query(`INSERT INTO messages (queue_id, message_id, group_id, sender_id, md5_of_body, sent_at, enqueued_at,
            visible_at, expires_at, body, attributes_json, system_attributes_json)
          SELECT $1, 'm' || i, '', 's', 'md5', $3::bigint + i, $3::bigint + i, $3::bigint + i, $3::bigint + i + 345600000, 'b', '{}', '{}'
          FROM generate_series(1, $2) AS i`, [queueId, count, from]);
      const start = 1_796_400_000_000;
      await client.query('ALTER TABLE messages SET (autovacuum_enabled = false)');
      await insert(1, 5_000, start);
      await client.query('ANALYZE messages');
      await insert(7, 20_000, start + 60_000);
      const now = start + 120_000;
      const planned: [Statement, unknown[], string][] = [
        [fastSql.receive, [7, now, 10, '{10}', `{${now}}`, `{${now + 30_000}}`, '{token}', now], 'messages_visibility'],
        [receiveSql.plainCandidates, [7, now, 10, '{}'], 'messages_visibility'],
        [countsSql.notVisible, [7, now], 'messages_visibility'],
        [statsSql.nextVisibleAt, [7, now], 'messages_visibility'],
        [moveTasksSql.candidates, [7, now, 10, 0, 0], 'messages_visibility'],
        [fairWalkSql.groupReady, [7, '', now, 10, 0, 0], 'messages_group_ready'],
      ];
      for (const [statement, params, index] of planned) {
        // When it is planned with these parameters
        const plan = await explain(client, statement, params);
        // Then it reads its index and no other
        expect(plan, statement.name).toContain(index);
        expect(plan, statement.name).not.toContain('messages_expiry');
      }
    } finally {
      await client.end();
    }
  });
});

describe('postgres migration 2', () => {
  it('drops the statistics an older database gathered on messages.queue_id and gathers none again', async () => {
    // Given a database at version 1 whose queue_id has statistics
    const { url, client } = await migratedDatabase('migrate');
    const queueIdStats = async () =>
      Number((await client.query(`SELECT count(*) AS n FROM pg_stats WHERE tablename = 'messages' AND attname = 'queue_id'`)).rows[0].n);
    try {
      await client.query(`ALTER TABLE messages ALTER COLUMN queue_id SET STATISTICS -1;
        INSERT INTO messages (queue_id, message_id, group_id, sender_id, md5_of_body, sent_at, enqueued_at, visible_at,
          expires_at, body, attributes_json, system_attributes_json)
        SELECT 1, 'm' || i, '', 's', 'md5', i, i, i, i, 'b', '{}', '{}' FROM generate_series(1, 100) AS i;
        ANALYZE messages; UPDATE schema_version SET version = 1`);
      expect(await queueIdStats()).toBe(1);
      // When a node opens it
      await (await openPostgresStorage({ url, poolSize: 1 })).close();
      // Then the statistics are gone, and ANALYZE does not bring them back
      await client.query('ANALYZE messages');
      expect(await queueIdStats()).toBe(0);
      expect((await client.query(`SELECT version FROM schema_version`)).rows[0].version).toBe(2);
    } finally {
      await client.end();
    }
  });
});

/** A fresh database that a node has migrated, and a connected client on it (the caller ends it). */
async function migratedDatabase(prefix: string): Promise<{ url: string; client: pg.Client }> {
  const url = await createDatabase(prefix);
  await (await openPostgresStorage({ url, poolSize: 1 })).close();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return { url, client };
}

/** EXPLAIN of a statement with its parameters written in as literals (PostgreSQL 15 has no GENERIC_PLAN). */
async function explain(client: pg.Client, statement: Statement, params: unknown[]): Promise<string> {
  const literal = (value: unknown) => (typeof value === 'number' ? String(value) : `'${String(value).replaceAll("'", "''")}'`);
  const text = statement.text.replace(/\$(\d+)/g, (_, n: string) => literal(params[Number(n) - 1]));
  const { rows } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${text}`);
  return rows.map((row) => row['QUERY PLAN']).join('\n');
}
