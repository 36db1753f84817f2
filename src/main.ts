#!/usr/bin/env node
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { ACTIONS } from './actions/registry.js';
import { buildApp } from './app.js';
import { metricsRoute } from './api/metrics-route.js';
import { parseConfig } from './config.js';
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
  const log = pino({ level: config.logLevel, base: { service: 'wharf' } });
  mkdirSync(config.dataDir, { recursive: true });
  const storage = openSqliteStorage({ path: join(config.dataDir, 'wharf.db'), durability: config.durability });
  const clock = systemClock;
  const waiters = new WaitRegistry(clock);
  const services = {
    storage,
    clock,
    waiters,
    limits: limitsFor(config.maxMessageBytes),
    identity: { region: config.region, accountId: config.accountId },
    log,
    metrics: config.metrics ? new PrometheusMetrics({ storage, accountId: config.accountId, now: () => clock.now() }) : undefined,
  };
  const moveTasks = new MoveTaskRunner(services);
  const app = await buildApp({
    services: { ...services, onMoveTaskChanged: () => moveTasks.wake() },
    actions: ACTIONS,
    baseUrl: config.baseUrl,
    logger: log,
  });

  if (services.metrics) await app.register(metricsRoute, { endpoint: services.metrics });

  const maintenance = setInterval(() => {
    storage.maintenance(clock.now()).catch((err: unknown) => log.error({ err }, 'maintenance failed'));
  }, MAINTENANCE_INTERVAL_MS);
  maintenance.unref();

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    log.info({ signal }, 'shutting down');
    clearInterval(maintenance);
    waiters.close();
    await moveTasks.stop();
    await app.close();
    await storage.close();
    process.exit(0);
  };
  process.on('SIGINT', (signal) => void shutdown(signal));
  process.on('SIGTERM', (signal) => void shutdown(signal));

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
  log.info({ address, dataDir: config.dataDir, maxMessageBytes: config.maxMessageBytes }, 'wharf listening');
}

function exitWithConfigError(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

main().catch((error: unknown) => {
  process.stderr.write(`wharf failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
