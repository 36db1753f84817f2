import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyInstance, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import type pino from 'pino';
import type { ActionDef } from './actions/define-action.js';
import { healthPlugin } from './api/health.js';
import { handleFrameworkError } from './api/dispatch.js';
import { sqsPlugin } from './api/sqs-plugin.js';
import type { Services } from './core/context.js';

export interface AppOptions {
  services: Services;
  actions: Record<string, ActionDef<any, any>>;
  /** Public origin queue URLs are built on; defaults to each request's scheme and Host header. */
  baseUrl?: string;
  /** Logger options for fastify to build, or a ready pino logger (main.ts shares one). Off by default. */
  logger?: FastifyServerOptions['logger'] | pino.Logger;
}

/** Builds the HTTP app without listening, so tests drive it through `inject()`. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { services, actions, baseUrl } = options;
  const app = Fastify({
    ...loggerOptions(options.logger),
    bodyLimit: services.limits.maxRequestBodyBytes,
    // The request id is the AWS RequestId in every response. Never taken from a client header.
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    logController: new PathOnlyLogController(),
    // Requests during close and URLs the router cannot take (bad percent-encoding, over-long segments)
    // are answered by the SQS plugin in the request's protocol, not with fastify's JSON (api/sqs-plugin.ts).
    return503OnClosing: false,
    frameworkErrors: (error, request, reply) => handleFrameworkError(error, request, reply, { services, actions, baseUrl }),
  }) as unknown as FastifyInstance;
  await app.register(healthPlugin, { services });
  await app.register(sqsPlugin, { services, actions, baseUrl });
  return app;
}

// fastify's own request lines log the full URL, and a Query GET carries the MessageBody in its query
// string (R11: message bodies are never logged). These lines keep the path only.
class PathOnlyLogController extends LogController {
  override incomingRequest(request: FastifyRequest): void {
    request.log.info({ method: request.method, path: pathOf(request.url) }, 'incoming request');
  }
  override routeNotFound(request: FastifyRequest): void {
    request.log.info({ method: request.method, path: pathOf(request.url) }, 'route not found');
  }
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
