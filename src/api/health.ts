import type { FastifyInstance } from 'fastify';
import type { Services } from '../core/context.js';

export interface HealthOptions {
  services: Services;
}

// Liveness that means "can answer SQS": the storage must respond, not just the HTTP server.
export async function healthPlugin(app: FastifyInstance, { services }: HealthOptions): Promise<void> {
  app.get('/health', async (request, reply) => {
    try {
      await services.storage.ping();
      return reply.code(200).send({ status: 'ok' });
    } catch (err) {
      request.log.warn({ err }, 'health check failed: storage unavailable');
      return reply.code(503).send({ status: 'unavailable' });
    }
  });
}
