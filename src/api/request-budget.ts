import type { FastifyInstance } from 'fastify';
import { SqsErrors } from '../core/errors.js';
import { sendError } from './dispatch.js';

// Bounded memory under load: the bytes of request bodies being received or served at once are counted by
// Content-Length, before fastify reads a body, and a request that would pass the limit is answered
// RequestThrottled (403) in its own protocol without its body ever being buffered. RequestThrottled is
// SQS's own throttling error, which the AWS SDKs (JS v2 and v3, botocore) classify as throttling and
// retry with backoff, so a client of a busy server slows down instead of failing, while the server's
// memory stays near limit × (the ~3 copies a decoded request holds) instead of growing with the backlog.
//
// The budget is released when the response closes (finished or cut off), the one event every request gets.
// One request is always admitted when nothing else is in flight, so a body larger than the limit can
// never be refused forever. A body without Content-Length (chunked) is charged the body limit, the most
// fastify will read of it.

export interface RequestBudgetOptions {
  maxBytesInFlight: number;
  maxRequestBodyBytes: number;
}

export function installRequestBudget(app: FastifyInstance, options: RequestBudgetOptions): { inFlight(): number } {
  let inFlight = 0;
  app.addHook('onRequest', async (request, reply) => {
    const charge = chargeOf(request.headers, options.maxRequestBodyBytes);
    if (charge === 0) return;
    if (inFlight > 0 && inFlight + charge > options.maxBytesInFlight) {
      request.log.debug({ charge, inFlight }, 'request bytes in flight over the limit; answered RequestThrottled');
      // Closing the connection spares reading (and discarding) a large body the client may still be sending.
      reply.header('connection', 'close');
      sendError(request, reply, SqsErrors.requestThrottled());
      return reply;
    }
    inFlight += charge;
    reply.raw.once('close', () => {
      inFlight -= charge;
    });
  });
  return { inFlight: () => inFlight };
}

function chargeOf(headers: Record<string, string | string[] | undefined>, maxRequestBodyBytes: number): number {
  const length = headers['content-length'];
  if (typeof length === 'string') return Math.min(Number(length) || 0, maxRequestBodyBytes);
  return headers['transfer-encoding'] === undefined ? 0 : maxRequestBodyBytes;
}
