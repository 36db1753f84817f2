import { setTimeout as sleep } from 'node:timers/promises';
import { asciiBody, MIB, NEAR_LIMIT_BYTES, QUEUE_LIMIT_BYTES, stockRecordsBody } from './bodies.js';
import { SqsClient } from './client.js';
import { receiveDeleteOp, withQueue, type BenchContext, type Scenario } from './context.js';
import { drive, type Op } from './drive.js';
import { rowFrom, type MemoryFigures, type ResultRow } from './report.js';
import { readRss, resetPeakRss } from './server.js';

// Scenarios 6 and 7: messages of 1 MiB to 8 MiB. Counted in operations rather than seconds, with no
// warm-up (the small-message scenarios have warmed the server): a few dozen 8 MiB messages already
// write hundreds of megabytes through SQLite.

const BIG_QUEUE = { MaximumMessageSize: String(QUEUE_LIMIT_BYTES) };
const NO_TIME_LIMIT_MS = 10 * 60_000;
const IDLE_TOTAL_BYTES = 2 * 1024 * MIB;
const IDLE_MS = 5_000;
const RSS_SAMPLE_MS = 20;

interface BigSize {
  label: string;
  body: () => string;
  ops: (ctx: BenchContext, concurrency: number) => number;
}

// Built lazily, once: the stock body takes ~50 ms to generate and the 8 MiB one holds 8 MiB.
const cache = new Map<string, string>();
const cached = (key: string, make: () => string) => () => cache.get(key) ?? (cache.set(key, make()), cache.get(key)!);

export const BIG_SIZES: BigSize[] = [
  { label: '1 MiB', body: cached('1m', () => asciiBody(MIB)), ops: (ctx, c) => opsFor(ctx, c, 20, 96) },
  { label: '1.7 MB stock JSON', body: cached('stock', stockRecordsBody), ops: (ctx, c) => opsFor(ctx, c, 20, 96) },
  { label: '8 MiB−100 B', body: cached('8m', () => asciiBody(NEAR_LIMIT_BYTES)), ops: (ctx, c) => opsFor(ctx, c, 8, 48) },
];

function opsFor(ctx: BenchContext, concurrency: number, fullSingle: number, fullMany: number): number {
  if (ctx.quick) return concurrency === 1 ? 2 : concurrency;
  return concurrency === 1 ? fullSingle : fullMany;
}

/** Scenario 6: send `ops` messages of one size, then receive (one at a time per request) and delete them all. */
export function bigMessages(size: BigSize): Scenario {
  return (ctx, concurrency) =>
    withQueue(ctx, `big-${size.label.replace(/[^A-Za-z0-9]+/g, '')}-c${concurrency}`, BIG_QUEUE, async (queueUrl) => {
      const client = new SqsClient(ctx.endpoint, concurrency);
      try {
        const body = size.body();
        const bytes = Buffer.byteLength(body);
        const count = size.ops(ctx, concurrency);
        const sendOp: Op = async () => {
          await client.sendMessage(queueUrl, body);
          return { messages: 1, bytes };
        };
        const sends = await drive({ concurrency, durationMs: NO_TIME_LIMIT_MS, maxOps: count }, sendOp);
        // MaxNumberOfMessages 1: with ten, a few requests would carry every message and "16 in flight" would not hold.
        const receiveOp = receiveDeleteOp(client, queueUrl, 1, sends.messages);
        const receives = await drive({ concurrency, durationMs: NO_TIME_LIMIT_MS }, receiveOp);
        return [rowFrom(`Send ${size.label}`, sends), rowFrom(`Receive(1)+Delete ${size.label}`, receives)];
      } finally {
        client.close();
      }
    });
}

/**
 * Scenario 7: server RSS while 16 clients send 8 MiB messages, and (with --big-idle) after 2 GiB of them
 * are queued and the server has idled. Needs the pid of a server the bench started itself.
 */
export const bigMemory: Scenario = async (ctx, concurrency) => {
  const pid = ctx.serverPid;
  if (pid === undefined) {
    return [{ scenario: 'Memory (8 MiB sends)', concurrency, note: 'skipped: needs the server pid (not with --endpoint)' }];
  }
  const body = BIG_SIZES[2]!.body();
  const bytes = Buffer.byteLength(body);
  const rows: ResultRow[] = [];
  await withQueue(ctx, `mem-c${concurrency}`, BIG_QUEUE, async (queueUrl) => {
    const client = new SqsClient(ctx.endpoint, concurrency);
    const sendOp: Op = async () => {
      await client.sendMessage(queueUrl, body);
      return { messages: 1, bytes };
    };
    try {
      const count = ctx.quick ? concurrency : 4 * concurrency;
      const { measurement, memory } = await watchRss(pid, () => drive({ concurrency, durationMs: NO_TIME_LIMIT_MS, maxOps: count }, sendOp));
      rows.push({ ...rowFrom('Memory: concurrent 8 MiB sends', measurement), memory });
      if (!ctx.bigIdle) return;
      const idleCount = Math.ceil(IDLE_TOTAL_BYTES / bytes) - count;
      ctx.progress(`  queueing ${idleCount} more 8 MiB messages (2 GiB in all), then idling ${IDLE_MS / 1000} s`);
      const idle = await watchRss(pid, async () => {
        const fill = await drive({ concurrency, durationMs: NO_TIME_LIMIT_MS, maxOps: idleCount }, sendOp);
        await sleep(IDLE_MS);
        return fill;
      });
      rows.push({ ...rowFrom('Memory: 2 GiB queued, then 5 s idle', idle.measurement), memory: idle.memory });
    } finally {
      client.close();
    }
  });
  return rows;
};

async function watchRss<T>(pid: number, run: () => Promise<T>): Promise<{ measurement: T; memory: MemoryFigures }> {
  const baseline = readRss(pid);
  const hwmReset = resetPeakRss(pid);
  let sampledPeakMiB = baseline.rssMiB;
  const sampler = setInterval(() => {
    sampledPeakMiB = Math.max(sampledPeakMiB, readRss(pid).rssMiB);
  }, RSS_SAMPLE_MS);
  try {
    const measurement = await run();
    const after = readRss(pid);
    // Without the reset, VmHWM is the peak of the server's whole life, so only samples can be trusted.
    // With it, VmHWM also catches spikes between samples.
    const memory: MemoryFigures = {
      baselineRssMiB: baseline.rssMiB,
      peakRssMiB: hwmReset ? Math.max(after.hwmMiB, sampledPeakMiB) : sampledPeakMiB,
      afterRssMiB: after.rssMiB,
      peakSource: hwmReset ? 'VmHWM' : 'sampled VmRSS',
    };
    return { measurement, memory };
  } finally {
    clearInterval(sampler);
  }
}
