#!/usr/bin/env node
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ACTIONS } from './actions/registry.js';
import { assembleWharf } from './assemble.js';
import { parseConfig } from './config.js';
import { Lifecycle } from './core/lifecycle.js';
import { createLogger } from './logging.js';
import { installShutdown } from './shutdown.js';
import { ProvisionError, provisionQueues } from './provision-queues.js';
import { openSqliteStorage } from './storage/sqlite/sqlite-storage.js';

async function main(): Promise<void> {
  const parsed = parseConfig(process.argv.slice(2), process.env);
  if ('help' in parsed) return void process.stdout.write(parsed.help);
  if ('error' in parsed) return exitWithConfigError(parsed.error);
  const { config } = parsed;
  const log = createLogger(config);
  mkdirSync(config.dataDir, { recursive: true });
  const dataFile = join(config.dataDir, 'wharf.db');
  const storage = openSqliteStorage({ path: dataFile, durability: config.durability, diskReserveBytes: config.diskReserveBytes });
  const lifecycle = new Lifecycle();
  const { app, services, startBackground, stopBackground } = await assembleWharf({
    storage,
    identity: { region: config.region, accountId: config.accountId },
    maxMessageBytes: config.maxMessageBytes,
    maxRequestBytesInFlight: config.maxRequestBytesInFlight,
    log,
    logger: log,
    baseUrl: config.baseUrl,
    metrics: config.metrics,
    console: config.console,
    testControls: config.testControls,
    lifecycle,
  });
  const { waiters } = services;

  installShutdown({
    app,
    waiters,
    lifecycle,
    log,
    timeoutMs: config.shutdownTimeoutMs,
    stopBackground,
    closeStore: () => storage.close(),
    exit: (code) => process.exit(code),
  });

  await startBackground();
  const address = await app.listen({ port: config.port, host: config.host });
  try {
    await provisionQueues(config.queues, { services, actions: ACTIONS, baseUrl: config.baseUrl ?? address });
  } catch (error) {
    if (!(error instanceof ProvisionError)) throw error;
    await app.close();
    await storage.close();
    return exitWithConfigError(`Invalid configuration file:\n  ${config.configFile}: ${error.message}`);
  }
  if (config.testControls) log.warn({}, 'test controls are on: /_wharf/ can reset, fail and re-time this server; never use this in production');
  lifecycle.phase = 'ok';
  // The one startup line: where it listens, where the data is, and the settings that decide what it keeps.
  const { durability, maxMessageBytes, configFile } = config;
  log.info(
    {
      address,
      dataFile,
      maxMessageBytes,
      maxRequestBytesInFlight: services.limits.maxRequestBytesInFlight,
      diskReserveBytes: config.diskReserveBytes,
      durability,
      configFile: configFile ?? null,
      metrics: config.metrics,
      console: config.console ? `${address}/console/` : 'off',
      testControls: config.testControls,
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
