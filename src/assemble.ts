import type { FastifyInstance } from 'fastify';
import type pino from 'pino';
import { ACTIONS } from './actions/registry.js';
import { MoveTaskRunner } from './actions/move-tasks/runner.js';
import { metricsRoute } from './api/metrics-route.js';
import { Authenticator } from './api/auth/authenticator.js';
import { buildApp } from './app.js';
import { TestControls } from './controls/test-controls.js';
import { type Clock, VirtualClock, systemClock } from './core/clock.js';
import type { Logger, ServerIdentity, Services } from './core/context.js';
import type { Keyring } from './core/credentials.js';
import { FaultRegistry } from './core/faults.js';
import type { Lifecycle } from './core/lifecycle.js';
import { limitsFor } from './core/limits.js';
import { WaitRegistry } from './core/waiters.js';
import { PrometheusMetrics } from './observability/metrics.js';
import type { Storage } from './storage/storage.js';

// The server's parts wired together, without listening: shared by the CLI (main.ts) and the embedded
// server (embed.ts), so both run the same services, background work and optional test controls.

const MAINTENANCE_INTERVAL_MS = 1_000;

export interface AssembleOptions {
  storage: Storage;
  identity: ServerIdentity;
  maxMessageBytes: number;
  /** --max-request-bytes-in-flight; derived from maxMessageBytes when absent. */
  maxRequestBytesInFlight?: number;
  log: Logger;
  /** A pino logger fastify shares, or undefined for none. */
  logger?: pino.Logger;
  baseUrl?: string;
  metrics: boolean;
  console: boolean;
  /** --test-controls: virtual clock, faults, reset and peek under /_wharf/. */
  testControls: boolean;
  lifecycle?: Lifecycle;
  /** --auth sigv4 with these keys; absent, any credentials are accepted. */
  keyring?: Keyring;
  /** --tls-cert/--tls-key, read. */
  https?: { cert: Buffer; key: Buffer };
}

export interface Assembled {
  app: FastifyInstance;
  services: Services;
  /** Present only with test controls. */
  controls?: TestControls;
  /** Starts the move-task runner and the maintenance interval. */
  startBackground(): Promise<void>;
  stopBackground(): Promise<void>;
}

export async function assembleWharf(options: AssembleOptions): Promise<Assembled> {
  const { storage, log } = options;
  const virtualClock = options.testControls ? new VirtualClock() : undefined;
  const clock: Clock = virtualClock ?? systemClock;
  const faults = options.testControls ? new FaultRegistry() : undefined;
  const waiters = new WaitRegistry(clock);
  const metrics = options.metrics ? new PrometheusMetrics({ storage, now: () => clock.now() }) : undefined;
  const services: Services = {
    storage,
    clock,
    waiters,
    limits: limitsFor(
      options.maxMessageBytes,
      options.maxRequestBytesInFlight === undefined ? {} : { maxRequestBytesInFlight: options.maxRequestBytesInFlight },
    ),
    // Under --auth sigv4 each key has its own account, so a queue URL addresses the account it names.
    identity: { ...options.identity, multiAccount: options.keyring !== undefined },
    log,
    lifecycle: options.lifecycle,
    faults,
    metrics,
  };
  const moveTasks = new MoveTaskRunner(services);
  // Other nodes' changes (shared-database stores): their sends wake this node's long polls, their task
  // changes this node's move-task runner.
  storage.watchRemoteChanges?.({
    messagesAvailable: (queueId, count) => waiters.notify(queueId, count),
    queueDeleted: (queueId) => waiters.forget(queueId),
    moveTasksChanged: () => moveTasks.wake(),
    resync: () => {
      waiters.recheckAll();
      moveTasks.wake();
    },
  });
  // The round in progress, so a shutdown waits for it instead of closing the store under it.
  let maintenanceRound: Promise<void> = Promise.resolve();
  const runMaintenance = () =>
    (maintenanceRound = storage
      .maintenance(clock.now())
      .then(({ unblockedQueues }) => unblockedQueues.forEach((queueId) => waiters.notify(queueId, 1)))
      .catch((err: unknown) => log.error({ err }, 'maintenance failed')));
  // After a clock move, expiry runs at once (so FIFO groups blocked by expired messages unblock) and the
  // move-task runner ticks again; waiters are re-checked by TestControls.
  const controls =
    virtualClock && faults
      ? new TestControls({
          services,
          clock: virtualClock,
          faults,
          afterClockMove: async () => {
            moveTasks.wake();
            await runMaintenance();
          },
        })
      : undefined;
  const app = await buildApp({
    services: { ...services, onMoveTaskChanged: () => moveTasks.wake() },
    actions: ACTIONS,
    baseUrl: options.baseUrl,
    logger: options.logger,
    console: options.console ? {} : false,
    testControls: controls,
    auth: options.keyring ? new Authenticator(options.keyring, options.identity.region) : undefined,
    https: options.https,
  });
  if (metrics) await app.register(metricsRoute, { endpoint: metrics });

  let maintenance: NodeJS.Timeout | undefined;
  return {
    app,
    services,
    controls,
    async startBackground() {
      await moveTasks.start();
      maintenance = setInterval(() => void runMaintenance(), MAINTENANCE_INTERVAL_MS);
      maintenance.unref();
    },
    async stopBackground() {
      clearInterval(maintenance);
      await moveTasks.stop();
      await maintenanceRound;
    },
  };
}
