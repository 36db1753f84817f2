import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SqsError, SqsErrors } from '../core/errors.js';
import { dispatch, handleFrameworkError, sendError, sendUnknownOperation, type DispatchOptions } from './dispatch.js';
import { isJsonRequest } from './json-protocol.js';
import { createWireRequest } from './protocol.js';

export type SqsPluginOptions = DispatchOptions;

// Every body is kept as raw bytes: SigV4 hashes exactly what was sent, and each protocol decodes its
// own format (reference §1.2). The media types are matched with or without `; charset=...`.
const RAW_TYPES = ['application/x-www-form-urlencoded', 'application/x-amz-json-1.0'];

// `/:accountId/:queueName` is the queue URL Query clients (Java v1, GET requests) address directly;
// `/queue/:region/...` is the LocalStack-style URL some users have stored (reference §7).
const PATHS = ['/', '/:accountId/:queueName', '/queue/:region/:accountId/:queueName'];

export async function sqsPlugin(app: FastifyInstance, options: SqsPluginOptions): Promise<void> {
  app.removeAllContentTypeParsers();
  const keepRaw = (_request: FastifyRequest, body: Buffer, done: (err: null, body: Buffer) => void) =>
    done(null, body);
  app.addContentTypeParser(RAW_TYPES, { parseAs: 'buffer' }, keepRaw);
  // Catch-all: an unknown or missing content type must not become fastify's 415; the protocol decides.
  app.addContentTypeParser('*', { parseAs: 'buffer' }, keepRaw);

  // --auth sigv4: what can be checked without the body (a signature at all, a known key, scope and time)
  // is checked before the body is read, so an unauthenticated client cannot make us buffer a large body.
  // dispatch repeats these checks and then verifies the signature over the body.
  const auth = options.auth;
  if (auth) {
    app.addHook('onRequest', async (request, reply) => {
      try {
        auth.precheck(request.headers, request.url);
      } catch (error) {
        if (!(error instanceof SqsError)) throw error;
        sendError(request, reply, error);
        return reply;
      }
    });
  }

  // fastify answers requests that arrive while it closes with its own JSON 503; we answer them in the
  // request's protocol instead (app.ts turns return503OnClosing off), so SDKs see a retryable SQS error.
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  const handler = (request: FastifyRequest, reply: FastifyReply) =>
    closing ? sendError(request, reply, SqsErrors.serviceUnavailable()) : dispatch(request, reply, options);
  // Only GET and POST run actions. fastify would also route HEAD to a GET handler, and a HEAD with
  // `Action=DeleteQueue` would delete the queue; HEAD falls through to the 404 below instead.
  for (const url of PATHS) app.route({ method: ['GET', 'POST'], url, handler, exposeHeadRoute: false });

  app.setErrorHandler((error, request, reply) => handleFrameworkError(error, request, reply, options));
  app.setNotFoundHandler((request, reply) => {
    // JSON clients may post to any path (reference §1.2: "ignore the path"); everyone else gets AWS's 404.
    const wire = createWireRequest(request.headers, request.url, Buffer.alloc(0));
    if (isJsonRequest(wire)) {
      if (request.method === 'POST') return closing ? sendError(request, reply, SqsErrors.serviceUnavailable()) : dispatch(request, reply, options);
      return sendError(request, reply, SqsErrors.unknownOperation());
    }
    sendUnknownOperation(request, reply);
  });
}
