import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../core/context.js';
import { loadAssets } from './assets.js';
import { PEEK_BODY_CHARS, allQueues, peekView, summarizeQueues } from './read-model.js';

export interface ConsoleOptions {
  services: Services;
  /**
   * Authentication hook, run before every console request (pages, assets and /console/api/). Until SigV4
   * authentication exists the console is open, like the API. When it lands, pass a hook that checks a
   * session made from the same access key and secret and replies 401/redirects to a login page.
   */
  authenticate?: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
}

const PEEK_MAX = 50;

// Registered under the prefix /console. A queue URL is /<12-digit account>/<queue>, so no console path can
// be one; and static routes win over the parametric /:accountId/:queueName in fastify's router anyway.
// Everything here is a GET that reads: changes go through the SQS actions at POST / (JSON protocol).
export async function consolePlugin(app: FastifyInstance, options: ConsoleOptions): Promise<void> {
  const { services, authenticate } = options;
  if (authenticate) app.addHook('onRequest', authenticate);

  const assets = loadAssets();
  const send = (reply: FastifyReply, asset: (typeof assets)[number]) =>
    reply.header('content-type', asset.contentType).header('cache-control', 'no-cache').send(asset.body);
  for (const asset of assets) {
    const path = asset.name === 'index.html' ? '/' : `/${asset.name}`;
    app.get(path, (_request, reply) => send(reply, asset));
  }

  app.get('/api/queues', async () => {
    const queues = await allQueues(services);
    return { accountId: services.identity.accountId, queues: await summarizeQueues(services, queues) };
  });

  app.get<{ Params: { name: string }; Querystring: { limit?: string; after?: string } }>(
    '/api/queues/:name/messages',
    async (request, reply) => {
      const queue = await services.storage.getQueue(services.identity.accountId, request.params.name);
      if (!queue) return reply.code(404).send({ error: 'QueueDoesNotExist' });
      const limit = clamp(Number(request.query.limit ?? 20), 1, PEEK_MAX);
      const afterSeq = Math.max(0, Number(request.query.after ?? 0) || 0);
      const now = services.clock.now();
      const peeked = await services.storage.peekMessages(queue.id, { limit: limit + 1, afterSeq, now });
      const page = peeked.slice(0, limit);
      return {
        messages: page.map((m) => peekView(queue, m, now, PEEK_BODY_CHARS)),
        next: peeked.length > limit ? page.at(-1)!.seq : null,
      };
    },
  );

  // One message with its whole body (the "show all" of a truncated peek).
  app.get<{ Params: { name: string; seq: string } }>('/api/queues/:name/messages/:seq', async (request, reply) => {
    const queue = await services.storage.getQueue(services.identity.accountId, request.params.name);
    const seq = Number(request.params.seq);
    if (!queue || !Number.isSafeInteger(seq) || seq < 1) return reply.code(404).send({ error: 'NotFound' });
    const now = services.clock.now();
    const message = await services.storage.peekMessage(queue.id, seq, now);
    if (!message) return reply.code(404).send({ error: 'NotFound' });
    return { message: peekView(queue, message, now, Number.POSITIVE_INFINITY) };
  });
}

const clamp = (value: number, min: number, max: number) => (Number.isFinite(value) ? Math.min(max, Math.max(min, Math.floor(value))) : min);
