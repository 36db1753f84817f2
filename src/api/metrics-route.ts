import type { FastifyInstance } from 'fastify';

/** What GET /metrics serves; implemented by observability/metrics.ts (the api layer never reads storage). */
export interface MetricsEndpoint {
  readonly contentType: string;
  scrape(): Promise<string>;
}

export interface MetricsRouteOptions {
  endpoint: MetricsEndpoint;
}

// Registered by main.ts only when --metrics is on, so `--metrics off` leaves no route at all.
export async function metricsRoute(app: FastifyInstance, { endpoint }: MetricsRouteOptions): Promise<void> {
  app.get('/metrics', async (_request, reply) => {
    const body = await endpoint.scrape();
    return reply.code(200).header('content-type', endpoint.contentType).send(body);
  });
}
