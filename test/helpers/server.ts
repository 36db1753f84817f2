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
import { metricsRoute } from '../../src/api/metrics-route.js';
import { PrometheusMetrics } from '../../src/observability/metrics.js';

export interface TestServer {
  url: string;
  services: Services;
  /** Content types of the requests served, to prove which protocol each SDK spoke. */
  contentTypes: string[];
  close(): Promise<void>;
}

const silentLog = { debug() {}, info() {}, warn() {}, error() {} };

/** The real app on 127.0.0.1 and a random port, with a file-backed SQLite store in a temp dir. */
export interface StartServerOptions {
  maxMessageBytes?: number;
  dataDir?: string;
  metrics?: boolean;
  /** Replaces derived limits, e.g. a small in-flight limit a test can reach. */
  limits?: Partial<Omit<Limits, 'maxMessageBytes'>>;
  /** Store options beyond the path, e.g. a page cap that fills the store like a full disk. */
  storage?: Omit<OpenOptions, 'path'>;
}

export async function startServer(options: StartServerOptions = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'wharf-e2e-'));
  const storage = openSqliteStorage({ ...options.storage, path: join(dataDir, 'wharf.db') });
  const clock = systemClock;
  const services: Services = {
    storage,
    clock,
    waiters: new WaitRegistry(clock),
    limits: limitsFor(options.maxMessageBytes ?? 1_048_576, options.limits),
    identity: { region: 'us-east-1', accountId: '000000000000' },
    log: silentLog,
  };
  const metrics = options.metrics ? new PrometheusMetrics({ storage, accountId: '000000000000', now: () => clock.now() }) : undefined;
  services.metrics = metrics;
  const moveTasks = new MoveTaskRunner(services);
  const app: FastifyInstance = await buildApp({
    services: { ...services, onMoveTaskChanged: () => moveTasks.wake() },
    actions: ACTIONS,
    logger: false,
  });
  if (metrics) await app.register(metricsRoute, { endpoint: metrics });
  const contentTypes: string[] = [];
  app.addHook('onRequest', async (request) => {
    contentTypes.push(String(request.headers['content-type'] ?? ''));
  });
  await moveTasks.start();
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
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
