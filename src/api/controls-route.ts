import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ControlError, type TestControls } from '../controls/test-controls.js';
import { FAULT_ERRORS } from '../core/faults.js';

// The test-control API under /_wharf/ (registered only with --test-controls; without it these paths fall
// through to the SQS plugin's 404). Plain JSON in and out: this is for test harnesses, not SDKs.

const ClockBody = z.union([
  z.strictObject({ advanceSeconds: z.number().min(0) }),
  z.strictObject({ set: z.iso.datetime({ offset: true }) }),
]);

const FaultBody = z.strictObject({
  action: z.string().min(1).optional(),
  queueName: z.string().min(1).optional(),
  error: z.enum(Object.keys(FAULT_ERRORS) as [keyof typeof FAULT_ERRORS]).optional(),
  latencyMs: z.number().int().min(0).max(60_000).optional(),
  count: z.number().int().positive().optional(),
  fraction: z.number().gt(0).max(1).optional(),
});

const PeekQuery = z.object({ limit: z.coerce.number().int().min(1).max(1000).optional() });

export async function controlsRoute(app: FastifyInstance, options: { controls: TestControls }): Promise<void> {
  const { controls } = options;
  // Bodies are optional (`curl -X POST …/reset`) and may come with any content type.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, body === '' ? undefined : JSON.parse(body as string));
    } catch {
      done(new ControlError(400, 'the body must be JSON'), undefined);
    }
  });
  app.setErrorHandler((error: unknown, _request, reply) => answerError(reply, error));

  app.post('/reset', async () => {
    await controls.reset();
    return { reset: true };
  });
  app.get('/clock', async () => controls.clock());
  app.post('/clock', async (request) => {
    const body = parse(ClockBody, request.body);
    return 'advanceSeconds' in body ? controls.advanceClock(body.advanceSeconds * 1000) : controls.setClock(Date.parse(body.set));
  });
  app.get('/faults', async () => ({ faults: controls.listFaults() }));
  app.post('/faults', async (request, reply) => reply.code(201).send({ fault: controls.addFault(parse(FaultBody, request.body)) }));
  app.delete('/faults', async () => {
    controls.clearFaults();
    return { faults: [] };
  });
  app.get('/queues/:name/messages', async (request: FastifyRequest<{ Params: { name: string } }>) => {
    const { limit } = parse(PeekQuery, request.query);
    return { messages: await controls.peek(request.params.name, limit) };
  });
}

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new ControlError(400, `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`);
}

function answerError(reply: FastifyReply, error: unknown): FastifyReply {
  if (error instanceof ControlError) return reply.code(error.status).send({ error: error.message });
  const status = (error as { statusCode?: number }).statusCode;
  if (status && status >= 400 && status < 500) return reply.code(status).send({ error: (error as Error).message });
  reply.log.error({ err: error }, 'test control failed');
  return reply.code(500).send({ error: 'internal error' });
}
