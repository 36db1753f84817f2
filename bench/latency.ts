import { setMaxListeners } from 'node:events';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { SqsClient } from './client.js';
import { withQueue, type Scenario } from './context.js';
import type { Measurement } from './drive.js';
import { latencyRowFrom } from './report.js';

const LONG_POLL_SECONDS = 20;
const RECEIVE_TIMEOUT_MS = 25_000;

/**
 * Scenario 3: send→receive latency through long polling. `consumers` receivers stay parked in
 * ReceiveMessage(WaitTimeSeconds=20); one producer sends a message, waits until a consumer has received
 * and deleted it, and sends the next. The latency runs from the start of SendMessage to the moment the
 * ReceiveMessage response is complete, so it covers the send, the wake-up of a parked waiter and the
 * claim. With one consumer, the next send can race the consumer's re-park; the message is then found by
 * the immediate claim, as in production.
 */
export const longPollLatency: Scenario = (ctx, consumers) =>
  withQueue(ctx, `poll-c${consumers}`, {}, async (queueUrl) => {
    const client = new SqsClient(ctx.endpoint, consumers + 1);
    const stop = new AbortController();
    // Every parked ReceiveMessage listens on this one signal.
    setMaxListeners(consumers + 10, stop.signal);
    const waiting = new Map<string, (receivedAt: number) => void>();
    let fail: (error: unknown) => void = () => {};
    const failed = new Promise<never>((_, reject) => (fail = reject));
    failed.catch(() => {});

    const consume = async () => {
      while (!stop.signal.aborted) {
        const messages = await client.receive(queueUrl, { max: 1, waitSeconds: LONG_POLL_SECONDS }, stop.signal);
        const receivedAt = performance.now();
        await client.deleteBatch(queueUrl, messages);
        for (const message of messages) waiting.get(message.Body)?.(receivedAt);
      }
    };
    const running = Array.from({ length: consumers }, () =>
      consume().catch((error: unknown) => {
        if (!stop.signal.aborted) fail(error);
      }),
    );

    let sequence = 0;
    const roundTrip = async (): Promise<number> => {
      const id = `ping-${sequence++}`;
      const received = new Promise<number>((resolve) => waiting.set(id, resolve));
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${id} not received within ${RECEIVE_TIMEOUT_MS} ms`)), RECEIVE_TIMEOUT_MS);
      });
      try {
        const startedAt = performance.now();
        await client.sendMessage(queueUrl, id);
        const receivedAt = await Promise.race([received, failed, timedOut]);
        return receivedAt - startedAt;
      } finally {
        clearTimeout(timer);
        waiting.delete(id);
      }
    };

    try {
      await runFor(ctx.warmupMs, roundTrip);
      const m: Measurement = { concurrency: consumers, ops: 0, emptyOps: 0, messages: 0, bytes: 0, elapsedMs: 0, latenciesMs: [] };
      const startedAt = performance.now();
      const rate = ctx.latencyRateHz;
      await runFor(ctx.durationMs, async () => {
        m.latenciesMs.push(await roundTrip());
        // Paced: the next send starts at its slot (or at once when the round trip overran it).
        if (rate > 0) await sleep(Math.max(0, startedAt + (m.latenciesMs.length * 1000) / rate - performance.now()));
        return 0;
      });
      m.elapsedMs = performance.now() - startedAt;
      m.ops = m.messages = m.latenciesMs.length;
      const title = `Long-poll send→receive (${consumers} parked${rate > 0 ? `, ${rate} msgs/s` : ''})`;
      return [latencyRowFrom(title, m, rate > 0 ? undefined : 'ops/s = sequential round trips')];
    } finally {
      stop.abort();
      await Promise.allSettled(running);
      client.close();
    }
  });

async function runFor(durationMs: number, step: () => Promise<number>): Promise<void> {
  const deadline = performance.now() + durationMs;
  while (performance.now() < deadline) await step();
}
