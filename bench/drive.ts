import { performance } from 'node:perf_hooks';
import { readCpuMs } from './server.js';

/** What one operation moved. `null` tells the worker that the source is exhausted (a drained queue). */
export type OpOutcome = { messages: number; bytes: number } | null;
export type Op = () => Promise<OpOutcome>;

export interface Budget {
  concurrency: number;
  /** Stop starting operations after this long. */
  durationMs: number;
  /** Stop after this many operations, whichever comes first. */
  maxOps?: number;
}

export interface Measurement {
  concurrency: number;
  ops: number;
  /** Operations that moved no message (e.g. an empty receive); counted in ops, not in latency. */
  emptyOps: number;
  messages: number;
  bytes: number;
  elapsedMs: number;
  latenciesMs: number[];
  /** CPU the server process used during the measured phase, when the bench knows its pid. */
  serverCpuMs?: number;
}

/**
 * The server process whose CPU drive() reads around each measured phase (runOne sets it per scenario).
 * CPU per message says how much work a server does for what it moved, which throughput alone hides when
 * the client or the disk sets the pace. On a shared machine contention inflates it too (measured: the
 * same build 29 and 53 µs per batched message in two runs), so servers are compared within one run.
 */
let measuredPid: number | undefined;

export function measureServerCpu(pid: number | undefined): void {
  measuredPid = pid;
}

/**
 * Keeps `concurrency` operations in flight until the budget is spent. Each worker awaits its own
 * operation before starting the next, so the number in flight is exact and the keep-alive agent's
 * `maxSockets` = concurrency gives every worker its own connection.
 */
export async function drive(budget: Budget, op: Op): Promise<Measurement> {
  const result: Measurement = {
    concurrency: budget.concurrency,
    ops: 0,
    emptyOps: 0,
    messages: 0,
    bytes: 0,
    elapsedMs: 0,
    latenciesMs: [],
  };
  const pid = measuredPid;
  const cpuAtStart = pid === undefined ? 0 : readCpuMs(pid);
  const startedAt = performance.now();
  const deadline = startedAt + budget.durationMs;
  let started = 0;
  let exhausted = false;
  let lastProgressAt: number | undefined;
  const worker = async () => {
    while (!exhausted && performance.now() < deadline && (budget.maxOps === undefined || started < budget.maxOps)) {
      started += 1;
      const opStartedAt = performance.now();
      const outcome = await op();
      if (outcome === null) {
        exhausted = true;
        break;
      }
      result.ops += 1;
      if (outcome.messages === 0) {
        result.emptyOps += 1;
        continue;
      }
      lastProgressAt = performance.now();
      result.latenciesMs.push(lastProgressAt - opStartedAt);
      result.messages += outcome.messages;
      result.bytes += outcome.bytes;
    }
  };
  await Promise.all(Array.from({ length: budget.concurrency }, worker));
  // Rates run to the last operation that moved a message: while a queue drains, the last workers sit
  // in a long poll that finds nothing, and that wait is not the broker's throughput.
  result.elapsedMs = (lastProgressAt ?? performance.now()) - startedAt;
  if (pid !== undefined) result.serverCpuMs = readCpuMs(pid) - cpuAtStart;
  return result;
}

/** Runs a discarded warm-up (JIT, SQLite page cache, connections) and then the measured phase. */
export async function warmThenDrive(budget: Budget, warmupMs: number, op: Op): Promise<Measurement> {
  if (warmupMs > 0) await drive({ concurrency: budget.concurrency, durationMs: warmupMs }, op);
  return drive(budget, op);
}

/** Nearest-rank percentile of an unsorted sample. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** Runs `count` tasks with at most `concurrency` at a time (used for pre-filling queues). */
export async function pool(count: number, concurrency: number, task: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}
