import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { ACTIONS } from '../../src/actions/registry.js';
import { buildApp } from '../../src/app.js';
import { systemClock } from '../../src/core/clock.js';
import type { Services } from '../../src/core/context.js';
import { type Limits, limitsFor } from '../../src/core/limits.js';
import { WaitRegistry } from '../../src/core/waiters.js';
import { MoveTaskRunner } from '../../src/actions/move-tasks/runner.js';
import type { OpenOptions } from '../../src/storage/sqlite/open.js';
import { openSqliteStorage } from '../../src/storage/sqlite/sqlite-storage.js';
import { openPostgresStorage } from '../../src/storage/postgres/postgres-storage.js';
import type { Storage } from '../../src/storage/storage.js';
import { createDatabase } from './postgres.js';
import { metricsRoute } from '../../src/api/metrics-route.js';
import { PrometheusMetrics } from '../../src/observability/metrics.js';
import { Authenticator } from '../../src/api/auth/authenticator.js';
import { buildKeyring, type Credential } from '../../src/core/credentials.js';

export interface TestServer {
  url: string;
  services: Services;
  /** Content types of the requests served, to prove which protocol each SDK spoke. */
  contentTypes: string[];
  close(): Promise<void>;
}

const silentLog = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * The backend e2e suites run on: SQLite, or PostgreSQL when WHARF_TEST_BACKEND=postgres (the vitest
 * project `postgres`, see vitest.config.ts). The same dataDir reopens the same database, so restart tests
 * work on both.
 */
export const testBackend = process.env['WHARF_TEST_BACKEND'] === 'postgres' ? 'postgres' : 'sqlite';
const databases = new Map<string, string>();

async function openTestStorage(dataDir: string, sqliteOptions: Omit<OpenOptions, 'path'> = {}): Promise<Storage> {
  if (testBackend === 'sqlite') return openSqliteStorage({ ...sqliteOptions, path: join(dataDir, 'wharf.db') });
  let url = databases.get(dataDir);
  if (!url) {
    url = await createDatabase('e2e');
    databases.set(dataDir, url);
  }
  return openPostgresStorage({ url, poolSize: 5 });
}

/** The real app on 127.0.0.1 and a random port, with a file-backed SQLite store in a temp dir. */
export interface ServerOptions {
  maxMessageBytes?: number;
  dataDir?: string;
  metrics?: boolean;
  /** --auth sigv4 with these keys. */
  credentials?: Credential[];
  /** --tls-cert/--tls-key, read. */
  https?: { cert: Buffer; key: Buffer };
  /** Bind address (default 127.0.0.1); TLS tests use `localhost` so the certificate's name matches. */
  host?: string;
  /** Replaces derived limits, e.g. a small in-flight limit a test can reach. */
  limits?: Partial<Omit<Limits, 'maxMessageBytes'>>;
  /** SQLite store options beyond the path, e.g. a page cap that fills the store like a full disk. */
  storage?: Omit<OpenOptions, 'path'>;
}

export async function startServer(options: ServerOptions = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'wharf-e2e-'));
  const storage = await openTestStorage(dataDir, options.storage);
  const clock = systemClock;
  const services: Services = {
    storage,
    clock,
    waiters: new WaitRegistry(clock),
    limits: limitsFor(options.maxMessageBytes ?? 1_048_576, options.limits),
    identity: { region: 'us-east-1', accountId: '000000000000', multiAccount: options.credentials !== undefined },
    log: silentLog,
  };
  const metrics = options.metrics ? new PrometheusMetrics({ storage, now: () => clock.now() }) : undefined;
  services.metrics = metrics;
  const moveTasks = new MoveTaskRunner(services);
  storage.watchRemoteChanges?.({
    messagesAvailable: (queueId, count) => services.waiters.notify(queueId, count),
    queueDeleted: (queueId) => services.waiters.forget(queueId),
    moveTasksChanged: () => moveTasks.wake(),
    resync: () => services.waiters.recheckAll(),
  });
  const app: FastifyInstance = await buildApp({
    services: { ...services, onMoveTaskChanged: () => moveTasks.wake() },
    actions: ACTIONS,
    logger: false,
    auth: options.credentials ? new Authenticator(keyringOf(options.credentials), 'us-east-1') : undefined,
    https: options.https,
  });
  if (metrics) await app.register(metricsRoute, { endpoint: metrics });
  const contentTypes: string[] = [];
  app.addHook('onRequest', async (request) => {
    contentTypes.push(String(request.headers['content-type'] ?? ''));
  });
  await moveTasks.start();
  const address = await app.listen({ port: 0, host: options.host ?? '127.0.0.1' });
  return {
    url: address,
    services,
    contentTypes,
    async close() {
      services.waiters.close();
      await moveTasks.stop();
      await app.close();
      await storage.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function keyringOf(credentials: Credential[]) {
  const built = buildKeyring(credentials);
  if ('error' in built) throw new Error(built.error);
  return built.keyring;
}
