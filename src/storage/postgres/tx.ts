import pg from 'pg';
import { StoreUnavailable } from '../../core/errors.js';

// One transaction per port method (STYLE 3.4), or per group of requests to one queue that arrived
// together (statement-coalescer.ts): BEGIN … COMMIT on one pooled connection. Statements are named, so each
// connection parses and plans them once. What the method learned that other nodes must hear (messages to
// wake for, a queue to forget from caches) is collected on the Tx and sent with pg_notify in the same
// round trip as COMMIT: PostgreSQL delivers a notification only if its transaction commits.

export interface Statement {
  readonly name: string;
  readonly text: string;
}

/** A named statement; `name` must be unique in the adapter (pg prepares it once per connection). */
export const sql = (name: string, text: string): Statement => ({ name: `wharf_${name}`, text });

export class Tx {
  readonly notifications: string[] = [];
  readonly afterCommit: Array<() => void> = [];
  /** Last writes of the transaction (e.g. counter deltas), run in order before COMMIT. */
  readonly beforeCommit: Array<() => Promise<void>> = [];

  constructor(readonly client: pg.PoolClient) {}

  async rows<T>(statement: Statement, values: unknown[] = []): Promise<T[]> {
    const result = await this.client.query<T & pg.QueryResultRow>({ name: statement.name, text: statement.text, values });
    return result.rows;
  }

  async one<T>(statement: Statement, values: unknown[] = []): Promise<T | undefined> {
    return (await this.rows<T>(statement, values))[0];
  }

  async run(statement: Statement, values: unknown[] = []): Promise<number> {
    const result = await this.client.query({ name: statement.name, text: statement.text, values });
    return result.rowCount ?? 0;
  }

  notify(payload: string): void {
    if (!this.notifications.includes(payload)) this.notifications.push(payload);
  }
}

export const CHANNEL = 'wharf';

/**
 * deadlock_detected and serialization_failure: PostgreSQL rolled the transaction back and nothing of it
 * happened, so running it again is safe. Lock orders are kept consistent where it is cheap (sorted
 * counter updates); rare cycles across queues (a claim redriving into a queue whose own claim redrives back)
 * are resolved by the deadlock detector and this retry.
 */
const RETRYABLE = new Set(['40P01', '40001']);
const MAX_ATTEMPTS = 5;

/** Connection-level failures and timeouts: the request may be retried by the client (503). */
function asStoreUnavailable(error: unknown): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') {
    if (code === '57014') return new StoreUnavailable('a statement timed out', { cause: error });
    if (code.startsWith('08') || code === '57P01' || code === '57P03' || code === '53300') {
      return new StoreUnavailable('the database is unreachable', { cause: error });
    }
    if (code === '53100') return new StoreUnavailable('the disk is full', { cause: error });
    return error;
  }
  if (error instanceof Error && /ECONNREFUSED|ECONNRESET|terminated|timeout exceeded when trying to connect/i.test(error.message)) {
    return new StoreUnavailable('the database is unreachable', { cause: error });
  }
  return error;
}

export async function inTransaction<T>(pool: pg.Pool, work: (tx: Tx) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (error) {
      throw asStoreUnavailable(error);
    }
    const tx = new Tx(client);
    let broken = false;
    try {
      await client.query('BEGIN');
      const result = await work(tx);
      for (const finish of tx.beforeCommit) await finish();
      // One round trip: the notifications (payloads are built from ids and a hex node id, never from
      // client input) and the COMMIT. A 200 is answered only after this resolves: the write is committed.
      const notifies = tx.notifications.map((payload) => `SELECT pg_notify('${CHANNEL}', '${payload}');`).join('');
      await client.query(`${notifies}COMMIT`);
      for (const callback of tx.afterCommit) callback();
      return result;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
      } catch {
        broken = true;
      }
      const code = (error as { code?: unknown } | null)?.code;
      if (typeof code === 'string' && RETRYABLE.has(code) && attempt < MAX_ATTEMPTS) continue;
      throw asStoreUnavailable(error);
    } finally {
      client.release(broken);
    }
  }
}

/**
 * One statement outside any explicit transaction: a read of the latest committed state, or a single
 * statement that is its own transaction (fast-paths.ts), retried like inTransaction when PostgreSQL
 * rolled it back for a deadlock.
 */
export async function read<T>(pool: pg.Pool, statement: Statement, values: unknown[] = []): Promise<T[]> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      const result = await pool.query<T & pg.QueryResultRow>({ name: statement.name, text: statement.text, values });
      return result.rows;
    } catch (error) {
      const code = (error as { code?: unknown } | null)?.code;
      if (typeof code === 'string' && RETRYABLE.has(code) && attempt < MAX_ATTEMPTS) continue;
      throw asStoreUnavailable(error);
    }
  }
}
