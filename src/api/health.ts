import type { FastifyInstance } from 'fastify';
import type { Services } from '../core/context.js';

export interface HealthOptions {
  services: Services;
}

// Liveness that means "can answer SQS": the storage must respond, not just the HTTP server. While the
// server starts (config queues not yet provisioned) or stops (draining after SIGTERM) it answers 503 with
// that phase, so load balancers and container health checks send no traffic to it. While the disk is full
// the store refuses sends (storage/sqlite/space-guard.ts) and /health says read-only, also with a 503.
export async function healthPlugin(app: FastifyInstance, { services }: HealthOptions): Promise<void> {
  app.get('/health', async (request, reply) => {
    const phase = services.lifecycle?.phase ?? 'ok';
    if (phase !== 'ok') return reply.code(503).send({ status: phase });
    try {
      if ((await services.storage.ping()) === 'readOnly') {
        // Load balancers should prefer another node for sends; consumers may keep draining this one.
        return reply.code(503).send({
          status: 'read-only',
          reason: 'disk full: sends are refused until space returns; receives, deletes and purges work',
        });
      }
      return reply.code(200).send({ status: 'ok' });
    } catch (err) {
      request.log.warn({ err }, 'health check failed: storage unavailable');
      return reply.code(503).send({ status: 'unavailable' });
    }
  });
}
