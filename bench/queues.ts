import { SqsClient } from './client.js';
import type { Scenario } from './context.js';
import { pool, warmThenDrive, type Op } from './drive.js';
import { latencyRowFrom, unsupportedRow, type ResultRow } from './report.js';

// Scenario 10: many queues. Creates `queueCount` queues (10,000 by default) with 16 requests in flight,
// then times ListQueues, GetQueueUrl and (on a server with metrics) a GET /metrics scrape, which reads
// every queue's gauges, one request at a time, and deletes the queues again.

const CREATE_CONCURRENCY = 16;

export const manyQueues: Scenario = async (ctx) => {
  const count = ctx.queueCount;
  const title = `${count.toLocaleString('en-US')} queues`;
  if (!ctx.features.has('list-queues')) {
    return [
      unsupportedRow(`${title}: ListQueues`, 1, 'no ListQueues'),
      unsupportedRow(`${title}: ListQueues, name prefix`, 1, 'no ListQueues'),
      unsupportedRow(`${title}: GetQueueUrl`, 1, 'no GetQueueUrl'),
      unsupportedRow(`${title}: GET /metrics`, 1, 'no /metrics'),
    ];
  }
  const prefix = `${ctx.queuePrefix}-many`;
  const names = Array.from({ length: count }, (_, i) => `${prefix}-${i}`);
  const client = new SqsClient(ctx.endpoint, CREATE_CONCURRENCY);
  const urls: string[] = [];
  try {
    ctx.progress(`  creating ${count.toLocaleString('en-US')} queues`);
    await pool(count, CREATE_CONCURRENCY, async (i) => {
      urls.push(await client.createQueue(names[i]!));
    });
    const timed = async (label: string, call: () => Promise<unknown>): Promise<ResultRow> => {
      const op: Op = async () => {
        await call();
        return { messages: 1, bytes: 0 };
      };
      const m = await warmThenDrive({ concurrency: 1, durationMs: ctx.durationMs }, ctx.warmupMs, op);
      return latencyRowFrom(`${title}: ${label}`, m);
    };
    let next = 0;
    return [
      await timed('ListQueues', () => client.listQueues()),
      await timed('ListQueues, name prefix', () => client.listQueues(prefix)),
      await timed('GetQueueUrl', () => client.getQueueUrl(names[(next = (next + 7919) % count)]!)),
      ctx.features.has('metrics') ? await timed('GET /metrics', () => client.scrapeMetrics()) : unsupportedRow(`${title}: GET /metrics`, 1, 'no /metrics'),
    ];
  } finally {
    ctx.progress(`  deleting ${urls.length.toLocaleString('en-US')} queues`);
    await pool(urls.length, CREATE_CONCURRENCY, async (i) => {
      await client.deleteQueue(urls[i]!).catch(() => {});
    });
    client.close();
  }
};
