import { SqsClient } from './client.js';
import { asciiBody } from './bodies.js';
import { fillQueue, receiveDeleteOp, withQueue, type BenchContext, type Scenario } from './context.js';
import { warmThenDrive, type Op } from './drive.js';
import { latencyRowFrom, rowFrom } from './report.js';

// Scenarios 1, 2, 4 and 5: small messages, measured for a fixed duration after a warm-up.

const SMALL_BODY = asciiBody(100);
const SMALL_BYTES = Buffer.byteLength(SMALL_BODY);
const FIFO_GROUPS = 16;

export async function withClient<T>(ctx: BenchContext, concurrency: number, run: (client: SqsClient) => Promise<T>): Promise<T> {
  const client = new SqsClient(ctx.endpoint, concurrency);
  try {
    return await run(client);
  } finally {
    client.close();
  }
}

export const sendSmall: Scenario = (ctx, concurrency) =>
  withQueue(ctx, `send-c${concurrency}`, {}, (queueUrl) =>
    withClient(ctx, concurrency, async (client) => {
      const op: Op = async () => {
        await client.sendMessage(queueUrl, SMALL_BODY);
        return { messages: 1, bytes: SMALL_BYTES };
      };
      const m = await warmThenDrive({ concurrency, durationMs: ctx.durationMs }, ctx.warmupMs, op);
      // One in flight is a producer that sends one message at a time (Celery's): its latency is the point.
      return [concurrency === 1 ? latencyRowFrom('SendMessage 100 B', m) : rowFrom('SendMessage 100 B', m)];
    }),
  );

export const receiveDeleteSmall: Scenario = (ctx, concurrency) =>
  withQueue(ctx, `recv-c${concurrency}`, {}, async (queueUrl) => {
    ctx.progress(`  pre-filling ${ctx.prefill.toLocaleString('en-US')} messages`);
    await fillQueue(ctx, queueUrl, ctx.prefill, SMALL_BODY);
    return withClient(ctx, concurrency, async (client) => {
      const op = receiveDeleteOp(client, queueUrl, 10, ctx.prefill);
      const m = await warmThenDrive({ concurrency, durationMs: ctx.durationMs }, ctx.warmupMs, op);
      return [rowFrom('Receive(10)+DeleteBatch 100 B', m, drainedNote(m.messages, m.elapsedMs, ctx))];
    });
  });

export const sendBatchSmall: Scenario = (ctx, concurrency) =>
  withQueue(ctx, `batch-c${concurrency}`, {}, (queueUrl) =>
    withClient(ctx, concurrency, async (client) => {
      const entries = Array.from({ length: 10 }, (_, i) => ({ Id: `e${i}`, MessageBody: SMALL_BODY }));
      const op: Op = async () => {
        await client.sendMessageBatch(queueUrl, entries);
        return { messages: 10, bytes: 10 * SMALL_BYTES };
      };
      const m = await warmThenDrive({ concurrency, durationMs: ctx.durationMs }, ctx.warmupMs, op);
      return [rowFrom('SendMessageBatch 10×100 B', m)];
    }),
  );

// FIFO: sends round-robin over 16 groups with an explicit deduplication id (no content-based dedup, which
// would hash every body), then drains exactly what was sent. With 16 groups, at most 16 receives can
// hold messages at once: a group stays locked while its messages are in flight (reference §5).
export const fifo: Scenario = (ctx, concurrency) =>
  withQueue(ctx, `fifo-c${concurrency}.fifo`, { FifoQueue: 'true' }, (queueUrl) =>
    withClient(ctx, concurrency, async (client) => {
      let sent = 0;
      const sendOp: Op = async () => {
        const n = sent++;
        await client.sendMessage(queueUrl, SMALL_BODY, { group: `g${n % FIFO_GROUPS}`, dedupId: `d${n}` });
        return { messages: 1, bytes: SMALL_BYTES };
      };
      const sends = await warmThenDrive({ concurrency, durationMs: ctx.durationMs }, ctx.warmupMs, sendOp);
      const receiveOp = receiveDeleteOp(client, queueUrl, 10, sent);
      // No warm-up: the sends warmed the server, and a warm-up could drain a short run's queue unmeasured.
      const receives = await warmThenDrive({ concurrency, durationMs: ctx.durationMs }, 0, receiveOp);
      return [
        rowFrom(`FIFO SendMessage, ${FIFO_GROUPS} groups`, sends),
        rowFrom(`FIFO Receive(10)+DeleteBatch`, receives, drainedNote(receives.messages, receives.elapsedMs, ctx)),
      ];
    }),
  );

// A drained queue ends the measured phase early; say so, since the figure then covers fewer seconds.
export function drainedNote(messages: number, elapsedMs: number, ctx: BenchContext): string | undefined {
  return elapsedMs < ctx.durationMs * 0.95 ? `queue drained after ${(elapsedMs / 1000).toFixed(1)} s (${messages} msgs measured)` : undefined;
}
