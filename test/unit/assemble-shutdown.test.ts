import { expect, it } from 'vitest';
import { assembleWharf } from '../../src/assemble.js';
import { openSqliteStorage } from '../../src/storage/sqlite/sqlite-storage.js';
import type { Storage } from '../../src/storage/storage.js';

// Shutdown order: a maintenance round that is running when the server stops is waited for, so the store
// is never closed under it (on PostgreSQL that logged "maintenance failed: storage is closed" at exit).

const silentLog = { debug() {}, info() {}, warn() {}, error() {} };

it('stopBackground waits for the maintenance round in progress', async () => {
  const sqlite = openSqliteStorage({ path: ':memory:' });
  let roundStarted!: () => void;
  const started = new Promise<void>((resolve) => (roundStarted = resolve));
  let finishRound!: () => void;
  const storage: Storage = Object.assign(Object.create(sqlite) as Storage, {
    maintenance: async (now: number) => {
      roundStarted();
      await new Promise<void>((resolve) => (finishRound = resolve));
      return sqlite.maintenance(now);
    },
  });
  const server = await assembleWharf({
    storage,
    identity: { region: 'us-east-1', accountId: '000000000000' },
    maxMessageBytes: 1_048_576,
    log: silentLog,
    metrics: false,
    console: false,
    testControls: false,
  });
  await server.startBackground();
  await started; // the interval's first round (1 s)

  let stopped = false;
  const stopping = server.stopBackground().then(() => (stopped = true));
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(stopped).toBe(false);
  finishRound();
  await stopping;
  expect(stopped).toBe(true);
  await server.app.close();
  await sqlite.close();
});
