import pg from 'pg';
import { MIGRATIONS, SCHEMA_VERSION } from './schema.js';

export interface PostgresOptions {
  /** postgres://user:pass@host:port/db */
  url: string;
  /** Connections per node (default 10). */
  poolSize?: number;
  /** statement_timeout in ms (default 5000); 0 turns it off. */
  statementTimeoutMs?: number;
}

// bigint (int8) columns hold epoch-ms times, seqs and counts, all far below 2^53: parse them as numbers.
// A pool-local type map, so nothing global in the process changes.
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === pg.types.builtins.INT8 || oid === pg.types.builtins.NUMERIC) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

export function connectionConfig(options: PostgresOptions): pg.ClientConfig {
  return {
    connectionString: options.url,
    types,
    statement_timeout: options.statementTimeoutMs ?? 5_000,
    application_name: 'wharf',
  };
}

export function openPool(options: PostgresOptions): pg.Pool {
  const pool = new pg.Pool({ ...connectionConfig(options), max: options.poolSize ?? 10, connectionTimeoutMillis: 10_000 });
  // An idle client whose server went away emits 'error' on the pool; without a listener node would exit.
  // The next checkout gets a fresh connection.
  pool.on('error', () => {});
  return pool;
}

/** Arbitrary but fixed: the advisory lock that serialises concurrent nodes migrating one database. */
const MIGRATION_LOCK = 0x57484d47;

/**
 * Brings the schema to SCHEMA_VERSION, one transaction per step, under an advisory lock so nodes starting
 * together migrate once. Refuses a database whose schema is newer than this build (an older node must not
 * write into tables it does not understand).
 */
export async function migrate(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await client.query('CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL)');
      const rows = (await client.query<{ version: number }>('SELECT version FROM schema_version')).rows;
      const version = rows[0]?.version ?? 0;
      if (version > SCHEMA_VERSION) {
        throw new Error(`database schema version ${version} is newer than this build supports (${SCHEMA_VERSION})`);
      }
      for (let step = version + 1; step <= SCHEMA_VERSION; step += 1) {
        await client.query('BEGIN');
        try {
          await client.query(MIGRATIONS[step]!);
          await client.query('DELETE FROM schema_version');
          await client.query('INSERT INTO schema_version (version) VALUES ($1)', [step]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK');
          throw error;
        }
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } finally {
    client.release();
  }
}
