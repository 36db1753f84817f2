#!/usr/bin/env node
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ACTIONS } from './actions/registry.js';
import { buildApp } from './app.js';
import { metricsRoute } from './api/metrics-route.js';
import { parseConfig } from './config.js';
import { Lifecycle } from './core/lifecycle.js';
import { createLogger } from './logging.js';
import { installShutdown } from './shutdown.js';
import { PrometheusMetrics } from './observability/metrics.js';
import { ProvisionError, provisionQueues } from './provision-queues.js';
import { systemClock } from './core/clock.js';
import { limitsFor } from './core/limits.js';
import { WaitRegistry } from './core/waiters.js';
import { MoveTaskRunner } from './actions/move-tasks/runner.js';
import { openSqliteStorage } from './storage/sqlite/sqlite-storage.js';

const MAINTENANCE_INTERVAL_MS = 1_000;

async function main(): Promise<void> {
  const parsed = parseConfig(process.argv.slice(2), process.env);
  if ('help' in parsed) return void process.stdout.write(parsed.help);
  if ('error' in parsed) return exitWithConfigError(parsed.error);
  const { config } = parsed;
  const log = createLogger(config);
  mkdirSync(config.dataDir, { recursive: true });
  const dataFile = join(config.dataDir, 'wharf.db');
  const storage = openSqliteStorage({ path: dataFile, durability: config.durability });
  const lifecycle = new Lifecycle();
  const clock = systemClock;
  const waiters = new WaitRegistry(clock);
  const services = {
    storage,
    clock,
    waiters,
    limits: limitsFor(config.maxMessageBytes),
    identity: { region: config.region, accountId: config.accountId },
    log,
    lifecycle,
    metrics: config.metrics ? new PrometheusMetrics({ storage, accountId: config.accountId, now: () => clock.now() }) : undefined,
  };
  const moveTasks = new MoveTaskRunner(services);
  const app = await buildApp({
    services: { ...services, onMoveTaskChanged: () => moveTasks.wake() },
    actions: ACTIONS,
    baseUrl: config.baseUrl,
    logger: log,
    console: config.console ? {} : false,
  });

  if (services.metrics) await app.register(metricsRoute, { endpoint: services.metrics });

  const maintenance = setInterval(() => {
    storage
      .maintenance(clock.now())
      .then(({ unblockedQueues }) => unblockedQueues.forEach((queueId) => waiters.notify(queueId, 1)))
      .catch((err: unknown) => log.error({ err }, 'maintenance failed'));
  }, MAINTENANCE_INTERVAL_MS);
  maintenance.unref();

  installShutdown({
    app,
    waiters,
    lifecycle,
    log,
    timeoutMs: config.shutdownTimeoutMs,
    stopBackground: async () => {
      clearInterval(maintenance);
      await moveTasks.stop();
    },
    closeStore: () => storage.close(),
    exit: (code) => process.exit(code),
  });

  await moveTasks.start();
  const address = await app.listen({ port: config.port, host: config.host });
  try {
    await provisionQueues(config.queues, { services, actions: ACTIONS, baseUrl: config.baseUrl ?? address });
  } catch (error) {
    if (!(error instanceof ProvisionError)) throw error;
    await app.close();
    await storage.close();
    return exitWithConfigError(`Invalid configuration file:\n  ${config.configFile}: ${error.message}`);
  }
  lifecycle.phase = 'ok';
  // The one startup line: where it listens, where the data is, and the settings that decide what it keeps.
  const { durability, maxMessageBytes, configFile } = config;
  log.info(
    {
      address,
      dataFile,
      maxMessageBytes,
      durability,
      configFile: configFile ?? null,
      metrics: config.metrics,
      console: config.console ? `${address}/console/` : 'off',
    },
    'wharf listening',
  );
}

function exitWithConfigError(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

main().catch((error: unknown) => {
  process.stderr.write(`wharf failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
