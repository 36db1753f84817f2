import type { FastifyInstance } from 'fastify';
import type { Logger } from './core/context.js';
import type { Lifecycle } from './core/lifecycle.js';
import type { WaitRegistry } from './core/waiters.js';

// Graceful stop on SIGTERM/SIGINT, bounded by --shutdown-timeout:
//   1. /health says `stopping` (503), so a load balancer stops sending;
//   2. long polls end now with an empty answer (waiters.close(); receives that arrive later do not wait);
//   3. the HTTP server stops accepting; requests in flight are answered, idle kept-alive connections are
//      closed, and busy ones are answered with `Connection: close` and closed after that request;
//   4. the store flushes its pending group commit and closes; exit 0.
// If that takes longer than the timeout, open connections are destroyed, the store is closed (a
// committed write is never lost: every answered send was committed before its answer) and the exit code
// is 1. A second signal exits at once with 130.

export const EXIT_FORCED = 1;
export const EXIT_SECOND_SIGNAL = 130;

export interface Stoppable {
  app: FastifyInstance;
  waiters: WaitRegistry;
  lifecycle: Lifecycle;
  log: Logger;
  timeoutMs: number;
  /** Background work (maintenance timer, move tasks) to stop before the server closes. */
  stopBackground: () => Promise<void>;
  closeStore: () => Promise<void>;
  exit: (code: number) => void;
}

// fastify's close() stops accepting and closes the connections that are idle at that moment; a kept-alive
// connection busy with a request would otherwise stay open after its answer until the keep-alive timeout
// (measured: 73 s). So while closing, new requests are answered with Connection: close, and connections
// are closed as soon as their current request is answered (polled every 25 ms). Both are installed only
// here, so serving costs nothing until a signal arrives.
async function closeServer(app: FastifyInstance): Promise<void> {
  app.server.on('request', (_request, response) => {
    if (!response.headersSent) response.setHeader('connection', 'close');
  });
  const sweep = setInterval(() => app.server.closeIdleConnections(), 25);
  try {
    await app.close();
  } finally {
    clearInterval(sweep);
  }
}

export function installShutdown(target: Stoppable, signals: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT']): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      target.log.warn({ signal }, 'second signal: exiting without waiting');
      return target.exit(EXIT_SECOND_SIGNAL);
    }
    stopping = true;
    void stop(target, signal);
  };
  for (const signal of signals) process.on(signal, onSignal);
}

async function stop(target: Stoppable, signal: NodeJS.Signals): Promise<void> {
  const { app, log } = target;
  target.lifecycle.phase = 'stopping';
  log.info({ signal, timeoutMs: target.timeoutMs }, 'shutting down');
  const deadline = setTimeout(() => {
    log.error({ timeoutMs: target.timeoutMs }, 'shutdown timeout: closing remaining connections');
    app.server.closeAllConnections();
    void target.closeStore().finally(() => target.exit(EXIT_FORCED));
  }, target.timeoutMs);
  try {
    target.waiters.close();
    await target.stopBackground();
    await closeServer(app);
    await target.closeStore();
    clearTimeout(deadline);
    log.info({}, 'stopped');
    target.exit(0);
  } catch (err) {
    log.error({ err }, 'shutdown failed');
    clearTimeout(deadline);
    target.exit(EXIT_FORCED);
  }
}
