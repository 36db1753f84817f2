import { beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { openPostgresStorage } from '../../src/storage/postgres/postgres-storage.js';
import { createDatabase, truncateAll } from '../helpers/postgres.js';
import { describeStorageContract } from './contract.js';

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
    await expect(openPostgresStorage({ url: newer })).rejects.toThrow('database schema version 99 is newer than this build supports (1)');
  });
});
