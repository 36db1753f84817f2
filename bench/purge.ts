import { SqsClient } from './client.js';
import { withQueue, type Scenario } from './context.js';
import { prefill } from './depth.js';
import type { Measurement } from './drive.js';
import { latencyRowFrom, type ResultRow } from './report.js';

// Scenario 12: PurgeQueue on the deep queue (--depth, 1,000,000 by default). While it runs, one client
// keeps calling ListQueues back to back: its latency is how long the server stops answering anyone (a
// purge in one transaction blocked Wharf 3.5 s). The rows also give the PurgeQueue call itself and the
// time until ApproximateNumberOfMessages reads 0 (the purge finished deleting).

const EMPTY_POLL_MS = 100;
const EMPTY_BUDGET_MS = 5 * 60_000;

export const purgeDeep: Scenario = async (ctx) => {
  const count = ctx.deepDepth;
  if (count <= 0) return [];
  const label = `purge of ${count.toLocaleString('en-US')}`;
  return withQueue(ctx, `purge-${count}`, {}, async (queueUrl) => {
    ctx.progress(`  pre-filling ${count.toLocaleString('en-US')} messages`);
    await prefill(ctx, queueUrl, count);
    const client = new SqsClient(ctx.endpoint, 2);
    try {
      let probing = true;
      const probes = (async () => {
        const latencies: number[] = [];
        const started = performance.now();
        while (probing) {
          const at = performance.now();
          await client.listQueues('purge-');
          latencies.push(performance.now() - at);
        }
        return measurement(latencies, performance.now() - started);
      })();
      const at = performance.now();
      await client.call('PurgeQueue', { QueueUrl: queueUrl });
      const purgeCall = measurement([performance.now() - at], performance.now() - at);
      const emptyAfterMs = await untilEmpty(client, queueUrl, at);
      probing = false;
      const rows: ResultRow[] = [
        latencyRowFrom(`${label}: PurgeQueue call`, purgeCall, `empty after ${(emptyAfterMs / 1000).toFixed(1)} s`),
        latencyRowFrom(`${label}: ListQueues meanwhile, back to back`, await probes),
      ];
      return rows;
    } finally {
      client.close();
    }
  });
};

async function untilEmpty(client: SqsClient, queueUrl: string, since: number): Promise<number> {
  while (performance.now() - since < EMPTY_BUDGET_MS) {
    if ((await client.approximateNumberOfMessages(queueUrl)) === 0) return performance.now() - since;
    await new Promise((resolve) => setTimeout(resolve, EMPTY_POLL_MS));
  }
  return Number.NaN;
}

function measurement(latenciesMs: number[], elapsedMs: number): Measurement {
  return { concurrency: 1, ops: latenciesMs.length, emptyOps: 0, messages: 0, bytes: 0, elapsedMs, latenciesMs };
}
