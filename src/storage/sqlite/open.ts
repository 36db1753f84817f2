import Database from 'better-sqlite3';
import { MIGRATIONS, SCHEMA, SCHEMA_VERSION } from './schema.js';

export type Durability = 'full' | 'relaxed';

export interface OpenOptions {
  /** A file path, or ':memory:'. */
  path: string;
  /**
   * 'full' (default): synchronous=FULL, so a write is on disk before its promise resolves.
   * 'relaxed': synchronous=NORMAL; in WAL mode a power loss may drop the last commits, never corrupt.
   */
  durability?: Durability;
  /** The server's account id: migrating a store from before accounts gives it the queues already there. */
  defaultAccountId?: string;
  /**
   * Free space kept for draining (see space-guard.ts): sends are refused below it, and a reserve file of
   * this size is released when the disk fills anyway. Default 0, both off (tests and embedded stores);
   * the server passes --disk-reserve (32 MiB unless configured).
   */
  diskReserveBytes?: number;
  /** PRAGMA max_page_count: caps the database's size (tests use it to fill the store without filling a disk). */
  maxPageCount?: number;
  /**
   * Called when BEGIN or COMMIT fails with an I/O error (see WriteHooks.unrecoverable). The server stops
   * (main.ts); without it the store keeps answering, each refused write with ServiceUnavailable.
   */
  onUnrecoverable?: (error: unknown) => void;
}


/**
 * How long a write waits for another process's lock (a backup, the sqlite3 shell). SQLite's busy handler
 * sleeps on the calling thread, which here is the event loop: 5 s froze every request, /health included.
 * Past this the write answers ServiceUnavailable (503), which the SDKs retry with backoff.
 */
const BUSY_TIMEOUT_MS = 50;

export function openDatabase(options: OpenOptions): Database.Database {
  const db = new Database(options.path);
  try {
    // WAL: readers never block the writer and a commit is one append (plus fsync with FULL).
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.durability === 'relaxed' ? 'NORMAL' : 'FULL'}`);
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    // Every write batcher operation is a SAVEPOINT, and SQLite keeps a savepoint's undo copies in a
    // statement journal: a temporary file by default, created and removed per transaction. In memory it
    // costs no system calls (measured: 10-message sends 26 -> 17 µs a message in-process). It only ever
    // serves a rollback to a savepoint, so durability is unchanged.
    db.pragma('temp_store = MEMORY');
    // Cascades remove payloads with their message and everything of a deleted queue.
    db.pragma('foreign_keys = ON');
    migrate(db, options.defaultAccountId ?? DEFAULT_ACCOUNT_ID);
    if (options.maxPageCount !== undefined) db.pragma(`max_page_count = ${Math.floor(options.maxPageCount)}`);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

const DEFAULT_ACCOUNT_ID = '000000000000';

function migrate(db: Database.Database, accountId: string): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > SCHEMA_VERSION) {
    throw new Error(`database schema version ${version} is newer than this build supports (${SCHEMA_VERSION})`);
  }
  if (version === SCHEMA_VERSION) return;
  // Steps that rebuild a table drop the old one, which must not cascade to the rows that reference it; the
  // pragma is a no-op inside a transaction, so it is switched here and the result checked before commit.
  db.pragma('foreign_keys = OFF');
  try {
    db.transaction(() => {
      // Version 0 is an empty database and gets the current schema; older ones run each later step in turn.
      if (version === 0) db.exec(SCHEMA);
      else for (let step = version + 1; step <= SCHEMA_VERSION; step += 1) db.exec(withAccount(MIGRATIONS[step]!, accountId));
      const broken = db.pragma('foreign_key_check') as unknown[];
      if (broken.length > 0) throw new Error(`schema migration left ${broken.length} dangling references`);
      db.pragma(`user_version = ${SCHEMA_VERSION}`);
    }).immediate();
  } finally {
    db.pragma('foreign_keys = ON');
  }
}

/** exec() takes no parameters; the account id is quoted as an SQL string literal. */
function withAccount(sql: string, accountId: string): string {
  return sql.replaceAll('@account', `'${accountId.replaceAll("'", "''")}'`);
}
