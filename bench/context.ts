import { SqsClient, type SendEntry } from './client.js';
import { pool, type Op } from './drive.js';
import type { ResultRow } from './report.js';

/**
 * What a server can do beyond the core every target serves (CreateQueue, DeleteQueue, SendMessage(Batch),
 * ReceiveMessage with long polling, DeleteMessage(Batch) on standard queues over JSON).
 */
export type Feature = 'fifo' | 'queue-attributes' | 'list-queues' | 'query-protocol' | 'over-1mib' | 'metrics';
export const ALL_FEATURES: ReadonlySet<Feature> = new Set(['fifo', 'queue-attributes', 'list-queues', 'query-protocol', 'over-1mib', 'metrics']);
/** A Wharf started with --metrics off: everything but GET /metrics. */
export const WITHOUT_METRICS: ReadonlySet<Feature> = new Set([...ALL_FEATURES].filter((feature) => feature !== 'metrics'));

export interface BenchContext {
  endpoint: string;
  /** Unique per run, so a bench against a shared --endpoint never touches anyone else's queues. */
  queuePrefix: string;
  quick: boolean;
  durationMs: number;
  warmupMs: number;
  /** Messages pre-filled for the standard receive+delete scenario. */
  prefill: number;
  /** Server pid when the bench started the server itself; memory readings need it. */
  serverPid?: number;
  bigIdle: boolean;
  /** What the server under test supports; scenarios mark rows they cannot measure as unsupported. */
  features: ReadonlySet<Feature>;
  /** Depth scenario: messages in the shallow and the deep queue (0 skips the deep one). */
  shallowDepth: number;
  deepDepth: number;
  /** Queues created for the many-queues scenario. */
  queueCount: number;
  /** Sends per second of the long-poll latency scenario; 0 sends each as soon as the last arrived. */
  latencyRateHz: number;
  progress: (line: string) => void;
}

export type Scenario = (ctx: BenchContext, concurrency: number) => Promise<ResultRow[]>;

/** Creates a queue for one scenario run and deletes it afterwards, so the database does not grow across scenarios. */
export async function withQueue<T>(
  ctx: BenchContext,
  name: string,
  attributes: Record<string, string>,
  run: (queueUrl: string) => Promise<T>,
): Promise<T> {
  const admin = new SqsClient(ctx.endpoint, 1);
  const fifo = name.endsWith('.fifo');
  const queueName = `${ctx.queuePrefix}-${fifo ? name.slice(0, -'.fifo'.length) : name}${fifo ? '.fifo' : ''}`;
  const queueUrl = await admin.createQueue(queueName, attributes);
  try {
    return await run(queueUrl);
  } finally {
    await admin.deleteQueue(queueUrl).catch((error: unknown) => ctx.progress(`  (DeleteQueue failed: ${String(error)})`));
    admin.close();
  }
}

/** Pre-fills a standard queue with `count` messages, ten per SendMessageBatch, `concurrency` requests in flight. */
export async function fillQueue(ctx: BenchContext, queueUrl: string, count: number, body: string, concurrency = 16): Promise<void> {
  const client = new SqsClient(ctx.endpoint, concurrency);
  try {
    await pool(Math.ceil(count / 10), concurrency, async (batch) => {
      const size = Math.min(10, count - batch * 10);
      const entries: SendEntry[] = Array.from({ length: size }, (_, i) => ({ Id: `e${i}`, MessageBody: body }));
      await client.sendMessageBatch(queueUrl, entries);
    });
  } finally {
    client.close();
  }
}

/**
 * One ReceiveMessage followed by a DeleteMessageBatch of whatever it returned, until `target` messages have
 * been claimed. A one-second long poll instead of a short poll keeps workers that find the queue (or every
 * FIFO group) momentarily empty from spinning on CPU the server needs; Wharf answers at once when
 * messages are visible, so a long poll costs nothing while the queue is full.
 */
export function receiveDeleteOp(client: SqsClient, queueUrl: string, max: number, target: number): Op {
  let claimed = 0;
  return async () => {
    if (claimed >= target) return null;
    const messages = await client.receive(queueUrl, { max, waitSeconds: 1 });
    claimed += messages.length;
    await client.deleteBatch(queueUrl, messages);
    const bytes = messages.reduce((sum, message) => sum + Buffer.byteLength(message.Body), 0);
    return { messages: messages.length, bytes };
  };
}
