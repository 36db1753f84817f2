#!/usr/bin/env node
import { mkdirSync } from 'node:fs';
import type { Server as HttpsServer } from 'node:https';
import { dirname, join } from 'node:path';
import type pino from 'pino';
import { ACTIONS } from './actions/registry.js';
import { assembleWharf } from './assemble.js';
import { parseConfig } from './config.js';
import { Lifecycle } from './core/lifecycle.js';
import { createLogger } from './logging.js';
import { installShutdown } from './shutdown.js';
import { ProvisionError, provisionQueues } from './provision-queues.js';
import { openPostgresStorage } from './storage/postgres/postgres-storage.js';
import { openSqliteStorage } from './storage/sqlite/sqlite-storage.js';
import type { Storage } from './storage/storage.js';
import type { Config } from './config.js';
import { readTlsFiles, reloadOnSighup, type TlsFiles } from './tls.js';

async function main(): Promise<void> {
  const parsed = parseConfig(process.argv.slice(2), process.env);
  if ('help' in parsed) return void process.stdout.write(parsed.help);
  if ('error' in parsed) return exitWithConfigError(parsed.error);
  const { config } = parsed;
  const log = createLogger(config);
  const { storage, dataFile } = await openStore(config, log);
  const lifecycle = new Lifecycle();
  const tlsFiles: TlsFiles | undefined =
    config.tlsCert !== undefined && config.tlsKey !== undefined ? { certFile: config.tlsCert, keyFile: config.tlsKey } : undefined;
  let https: { cert: Buffer; key: Buffer } | undefined;
  try {
    https = tlsFiles && readTlsFiles(tlsFiles);
  } catch (error) {
    await storage.close();
    return exitWithConfigError(`Invalid configuration:\n  --tls-cert/--tls-key: ${(error as Error).message}`);
  }
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
    keyring: config.keyring,
    https,
  });
  if (tlsFiles) reloadOnSighup(app.server as HttpsServer, tlsFiles, log);
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
      // How many keys, never which secrets.
      auth: config.keyring ? { mode: 'sigv4', keys: config.keyring.size } : 'off',
      tls: tlsFiles ? tlsFiles.certFile : 'off',
    },
    'wharf listening',
  );
}

/** The store the config names: the SQLite file (the default) or a PostgreSQL database shared by nodes. */
async function openStore(config: Config, log: pino.Logger): Promise<{ storage: Storage; dataFile: string }> {
  const { store } = config;
  if (store.kind === 'postgres') {
    const storage = await openPostgresStorage({
      url: store.url,
      poolSize: config.pgPoolSize,
      statementTimeoutMs: config.pgStatementTimeoutMs,
    });
    // The URL without its password, for the startup line.
    const shown = new URL(store.url);
    if (shown.password) shown.password = '***';
    return { storage, dataFile: shown.toString() };
  }
  const dataFile = store.path ?? join(config.dataDir, 'wharf.db');
  mkdirSync(dirname(dataFile), { recursive: true });
  return { storage: openSqliteStorage({
    path: dataFile,
    durability: config.durability,
    defaultAccountId: config.accountId,
    diskReserveBytes: config.diskReserveBytes,
    onUnrecoverable: (error) => {
      // SQLite's state on disk is unknown after a failed COMMIT; a restart recovers from the WAL.
      log.fatal({ err: error, dataFile }, 'the database reported an I/O error at commit; stopping rather than serving from it');
      process.exit(1);
    },
  }), dataFile };
}

function exitWithConfigError(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

main().catch((error: unknown) => {
  process.stderr.write(`wharf failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
