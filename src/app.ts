import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import type pino from 'pino';
import type { ActionDef } from './actions/define-action.js';
import type { Authenticator } from './api/auth/authenticator.js';
import { controlsRoute } from './api/controls-route.js';
import { healthPlugin } from './api/health.js';
import { debugEnabled, handleFrameworkError } from './api/dispatch.js';
import { installRequestBudget } from './api/request-budget.js';
import { sqsPlugin } from './api/sqs-plugin.js';
import { consolePlugin, type ConsoleOptions } from './console/console-plugin.js';
import type { TestControls } from './controls/test-controls.js';
import type { Services } from './core/context.js';

export interface AppOptions {
  services: Services;
  actions: Record<string, ActionDef<any, any>>;
  /** Public origin queue URLs are built on; defaults to each request's scheme and Host header. */
  baseUrl?: string;
  /** Logger options for fastify to build, or a ready pino logger (main.ts shares one). Off by default. */
  logger?: FastifyServerOptions['logger'] | pino.Logger;
  /** The web console at /console/: on unless false (`--console off`). */
  console?: false | Omit<ConsoleOptions, 'services'>;
  /** --test-controls: the JSON API under /_wharf/. Absent, those paths answer 404 like any unknown path. */
  testControls?: TestControls;
  /** --auth sigv4: every SQS request's signature is verified (api/auth/). Absent, any credentials pass. */
  auth?: Authenticator;
  /** --tls-cert/--tls-key: serve HTTPS. The certificate can be replaced later with server.setSecureContext. */
  https?: { cert: Buffer; key: Buffer };
}

/** Builds the HTTP app without listening, so tests drive it through `inject()`. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { services, actions, baseUrl, auth } = options;
  const app = Fastify({
    ...loggerOptions(options.logger),
    ...(options.https ? { https: { cert: options.https.cert, key: options.https.key } } : {}),
    bodyLimit: services.limits.maxRequestBodyBytes,
    // The request id is the AWS RequestId in every response. Never taken from a client header.
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    // fastify's own two lines per request cost more than serving a small SendMessage; requestLog below
    // keeps one line per request at debug and slow ones at info.
    logController: new LogController({ disableRequestLogging: true }),
    // Requests during close and URLs the router cannot take (bad percent-encoding, over-long segments)
    // are answered by the SQS plugin in the request's protocol, not with fastify's JSON (api/sqs-plugin.ts).
    return503OnClosing: false,
    frameworkErrors: (error, request, reply) => handleFrameworkError(error, request, reply, { services, actions, baseUrl, auth }),
  }) as unknown as FastifyInstance;
  app.addHook('onResponse', requestLog);
  installRequestBudget(app, {
    maxBytesInFlight: services.limits.maxRequestBytesInFlight,
    maxRequestBodyBytes: services.limits.maxRequestBodyBytes,
  });
  await app.register(healthPlugin, { services });
  await app.register(sqsPlugin, { services, actions, baseUrl, auth });
  if (options.testControls) await app.register(controlsRoute, { controls: options.testControls, prefix: '/_wharf' });
  if (options.console !== false) await app.register(consolePlugin, { ...options.console, services, auth, prefix: '/console' });
  return app;
}

/** A request slower than this is logged at info level, whatever the log level of request lines. */
export const SLOW_REQUEST_MS = 1_000;

// One line per answered request, at debug; slow ones at info so they show under the default level. Only
// the path is logged: a Query GET carries the MessageBody in its query string (R11: bodies are never logged).
async function requestLog(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const ms = reply.elapsedTime;
  const slow = ms > SLOW_REQUEST_MS;
  if (!slow && !debugEnabled(request.log)) return;
  const line = { method: request.method, path: pathOf(request.url), status: reply.statusCode, ms: Math.round(ms) };
  if (slow) request.log.info(line, 'slow request');
  else request.log.debug(line, 'request completed');
}

const pathOf = (url: string) => url.split('?', 1)[0];

function loggerOptions(logger: AppOptions['logger']): Pick<FastifyServerOptions, 'logger' | 'loggerInstance'> {
  if (logger === undefined) return { logger: false };
  // fastify 5 takes a ready logger through `loggerInstance` and only options through `logger`.
  if (isLoggerInstance(logger)) return { loggerInstance: logger };
  return { logger };
}

function isLoggerInstance(logger: NonNullable<AppOptions['logger']>): logger is pino.Logger {
  return typeof logger === 'object' && typeof (logger as { child?: unknown }).child === 'function';
}
