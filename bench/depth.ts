import { asciiBody } from './bodies.js';
import { SqsClient, type SendEntry } from './client.js';
import { receiveDeleteOp, withQueue, type BenchContext, type Scenario } from './context.js';
import { drive, warmThenDrive, type Measurement, type Op } from './drive.js';
import { latencyRowFrom, rowFrom, rssRow, unsupportedRow, type ResultRow } from './report.js';
import { readRss } from './server.js';

// Scenario 9: does cost grow with depth? The same measurements on a shallow queue (1,000 messages) and a
// deep one (1,000,000 by default): send, receive+delete, the latency of GetQueueAttributes
// ApproximateNumberOfMessages, and another queue's send rate while one client polls that attribute on
// the deep queue (a count that scans the queue blocks everyone else). Plus the server's RSS at each depth.

const BODY = asciiBody(100);
const BYTES = Buffer.byteLength(BODY);
const FILL_CONCURRENCY = 32;
/** The pre-fill stops after this long; the rows then name the depth actually reached. */
const FILL_BUDGET_MS = 10 * 60_000;

export const depth: Scenario = async (ctx, concurrency) => {
  const rows: ResultRow[] = [];
  for (const count of [ctx.shallowDepth, ctx.deepDepth]) {
    if (count > 0) rows.push(...(await atDepth(ctx, count, concurrency)));
  }
  return rows;
};

function atDepth(ctx: BenchContext, count: number, concurrency: number): Promise<ResultRow[]> {
  const label = `depth ${count.toLocaleString('en-US')}`;
  return withQueue(ctx, `depth-${count}`, {}, (deepUrl) =>
    withQueue(ctx, `beside-${count}`, {}, async (otherUrl) => {
      ctx.progress(`  pre-filling ${count.toLocaleString('en-US')} messages (SendMessageBatch, ${FILL_CONCURRENCY} in flight)`);
      const fill = await prefill(ctx, deepUrl, count);
      const short = fill.messages < count ? `pre-fill stopped at ${fill.messages.toLocaleString('en-US')} messages` : undefined;
      const client = new SqsClient(ctx.endpoint, concurrency + 1);
      try {
        const rows: ResultRow[] = [];
        if (ctx.serverPid !== undefined) rows.push(rssRow(`${label}: server RSS after pre-fill`, readRss(ctx.serverPid).rssMiB, short));
        const budget = { concurrency, durationMs: ctx.durationMs };
        // Receive first, refilling what it takes, so the depth is the stated one; the sends then add to it.
        const receives = await warmThenDrive(budget, ctx.warmupMs, refillingReceiveOp(client, deepUrl));
        rows.push(rowFrom(`${label}: Receive(10)+DeleteBatch, refilled by SendMessageBatch`, receives, short));
        const sends = await warmThenDrive(budget, ctx.warmupMs, sendOp(client, deepUrl));
        // The shallow queue grows by what this phase sends (tens of thousands in a full run): still shallow
        // next to a million, and its receive row above was measured at the stated depth.
        rows.push(rowFrom(`${label}: SendMessage 100 B`, sends, short));
        rows.push(...(await attributeRows(ctx, client, label, deepUrl, otherUrl, concurrency, short)));
        return rows;
      } finally {
        client.close();
      }
    }),
  );
}

export function prefill(ctx: BenchContext, queueUrl: string, count: number): Promise<Measurement> {
  const client = new SqsClient(ctx.endpoint, FILL_CONCURRENCY);
  let batches = 0;
  const op: Op = async () => {
    const size = Math.min(10, count - 10 * batches++);
    if (size <= 0) return null;
    const entries: SendEntry[] = Array.from({ length: size }, (_, i) => ({ Id: `e${i}`, MessageBody: BODY }));
    await client.sendMessageBatch(queueUrl, entries);
    return { messages: size, bytes: size * BYTES };
  };
  return drive({ concurrency: FILL_CONCURRENCY, durationMs: FILL_BUDGET_MS }, op).finally(() => client.close());
}

async function attributeRows(
  ctx: BenchContext,
  client: SqsClient,
  label: string,
  deepUrl: string,
  otherUrl: string,
  concurrency: number,
  short: string | undefined,
): Promise<ResultRow[]> {
  const budget = { concurrency, durationMs: ctx.durationMs };
  const alone = await warmThenDrive(budget, ctx.warmupMs, sendOp(client, otherUrl));
  const rows = [rowFrom(`${label}: other queue's SendMessage, no poller`, alone, short)];
  const gqaTitle = `${label}: GetQueueAttributes ApproximateNumberOfMessages`;
  const pollTitle = `${label}: other queue's SendMessage, 1 client polling GetQueueAttributes`;
  if (!ctx.features.has('queue-attributes')) {
    return [...rows, unsupportedRow(gqaTitle, 1, 'no GetQueueAttributes'), unsupportedRow(pollTitle, concurrency, 'no GetQueueAttributes')];
  }
  const poll: Op = async () => {
    await client.approximateNumberOfMessages(deepUrl);
    return { messages: 1, bytes: 0 };
  };
  const polls = await warmThenDrive({ concurrency: 1, durationMs: ctx.durationMs }, ctx.warmupMs, poll);
  rows.push(latencyRowFrom(gqaTitle, polls, short));
  // The poller runs for exactly the measured window of the sender beside it.
  const [polled] = await Promise.all([
    warmThenDrive(budget, ctx.warmupMs, sendOp(client, otherUrl)),
    drive({ concurrency: 1, durationMs: ctx.warmupMs + ctx.durationMs }, poll),
  ]);
  rows.push(rowFrom(pollTitle, polled, short));
  return rows;
}

/** Receive(10)+DeleteMessageBatch, then a SendMessageBatch of as many, so the depth stays put. */
function refillingReceiveOp(client: SqsClient, queueUrl: string): Op {
  const receive = receiveDeleteOp(client, queueUrl, 10, Infinity);
  return async () => {
    const outcome = await receive();
    const taken = outcome?.messages ?? 0;
    if (taken > 0) await client.sendMessageBatch(queueUrl, Array.from({ length: taken }, (_, i) => ({ Id: `r${i}`, MessageBody: BODY })));
    return outcome;
  };
}

function sendOp(client: SqsClient, queueUrl: string): Op {
  return async () => {
    await client.sendMessage(queueUrl, BODY);
    return { messages: 1, bytes: BYTES };
  };
}
