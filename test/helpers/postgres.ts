import { randomBytes } from 'node:crypto';
import pg from 'pg';

// For test files: the throwaway cluster that test/helpers/global-setup.ts started (WHARF_TEST_POSTGRES_URL),
// and fresh databases in it, so tests never see each other's queues.

const clusterUrl = process.env['WHARF_TEST_POSTGRES_URL'];
/** Without the binaries the PostgreSQL tests fail with this, rather than skip: a test that does not run proves nothing. */
const MISSING_POSTGRES = 'PostgreSQL binaries not found: apt-get install postgresql (.ci/run installs it)';

/** The cluster's URL, or the error that says what to install. */
function requirePostgresUrl(): string {
  if (!clusterUrl) throw new Error(MISSING_POSTGRES);
  return clusterUrl;
}

/** Creates an empty database and returns its URL. */
export async function createDatabase(prefix = 'wharf'): Promise<string> {
  const postgresUrl = requirePostgresUrl();
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(postgresUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Empties every Wharf table of a database (between tests that share one). */
export async function truncateAll(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ exists: boolean }>(`SELECT to_regclass('queues') IS NOT NULL AS exists`);
    if (rows[0]?.exists) {
      // DELETE, not TRUNCATE: a test leaves a handful of rows, and TRUNCATE's file work costs more.
      const tables = ['move_tasks', 'receive_attempts', 'fifo_dedup', 'message_groups', 'messages', 'queue_counters',
        'queue_tags', 'deleted_queues', 'queues', 'leases'];
      await client.query(tables.map((table) => `DELETE FROM ${table};`).join(''));
    }
  } finally {
    await client.end();
  }
}
