import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Authenticator } from '../api/auth/authenticator.js';
import { ConsoleSessions } from '../api/auth/console-session.js';
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
  /**
   * --auth sigv4: the console asks for an access key and secret, keeps a session cookie, and shows the
   * signed-in account's queues only. Pages and assets stay public (they hold no data); /console/api/ needs
   * the session, and the SQS calls the page makes are authenticated by it (api/auth/console-session.ts).
   */
  auth?: Authenticator;
}

const PEEK_MAX = 50;

// Registered under the prefix /console. A queue URL is /<12-digit account>/<queue>, so no console path can
// be one; and static routes win over the parametric /:accountId/:queueName in fastify's router anyway.
// Everything here is a GET that reads: changes go through the SQS actions at POST / (JSON protocol).
export async function consolePlugin(app: FastifyInstance, options: ConsoleOptions): Promise<void> {
  const { services, authenticate, auth } = options;
  if (authenticate) app.addHook('onRequest', authenticate);
  // The account whose queues a request may read: the session's under --auth sigv4, else the server's.
  const accountOf = (request: FastifyRequest) =>
    auth ? auth.sessionCaller(request.headers.cookie)?.accountId : services.identity.accountId;
  if (auth) registerSignIn(app, auth);
  app.addHook('onRequest', async (request, reply) => {
    if (request.url.startsWith('/console/api/') && accountOf(request) === undefined) {
      return reply.code(401).send({ error: 'NotSignedIn' });
    }
  });

  const assets = loadAssets();
  const send = (reply: FastifyReply, asset: (typeof assets)[number]) =>
    reply.header('content-type', asset.contentType).header('cache-control', 'no-cache').send(asset.body);
  for (const asset of assets) {
    const path = asset.name === 'index.html' ? '/' : `/${asset.name}`;
    app.get(path, (_request, reply) => send(reply, asset));
  }

  app.get('/api/queues', async (request) => {
    const accountId = accountOf(request)!;
    const queues = await allQueues(services, accountId);
    return { accountId, queues: await summarizeQueues(services, queues) };
  });

  app.get<{ Params: { name: string }; Querystring: { limit?: string; after?: string } }>(
    '/api/queues/:name/messages',
    async (request, reply) => {
      const queue = await services.storage.getQueue(accountOf(request)!, request.params.name);
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
    const queue = await services.storage.getQueue(accountOf(request)!, request.params.name);
    const seq = Number(request.params.seq);
    if (!queue || !Number.isSafeInteger(seq) || seq < 1) return reply.code(404).send({ error: 'NotFound' });
    const now = services.clock.now();
    const message = await services.storage.peekMessage(queue.id, seq, now);
    if (!message) return reply.code(404).send({ error: 'NotFound' });
    return { message: peekView(queue, message, now, Number.POSITIVE_INFINITY) };
  });
}

const clamp = (value: number, min: number, max: number) => (Number.isFinite(value) ? Math.min(max, Math.max(min, Math.floor(value))) : min);

// POST /console/login {accessKeyId, secretAccessKey} → 204 with the session cookie, or 401; POST
// /console/logout clears it. Neither echoes the secret or says which of the two was wrong.
function registerSignIn(app: FastifyInstance, auth: Authenticator): void {
  app.post<{ Body: { accessKeyId?: unknown; secretAccessKey?: unknown } }>('/login', async (request, reply) => {
    const { accessKeyId, secretAccessKey } = request.body ?? {};
    const caller =
      typeof accessKeyId === 'string' && typeof secretAccessKey === 'string' ? auth.login(accessKeyId, secretAccessKey) : undefined;
    if (!caller) return reply.code(401).send({ error: 'SignInFailed' });
    return reply.header('set-cookie', auth.sessions.cookieFor(caller.accessKeyId, request.protocol === 'https')).code(204).send();
  });
  app.post('/logout', async (_request, reply) => reply.header('set-cookie', ConsoleSessions.cleared()).code(204).send());
  app.get('/api/session', async (request) => auth.sessionCaller(request.headers.cookie));
}
