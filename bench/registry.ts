import { BIG_SIZES, bigMemory, bigMessages } from './big.js';
import type { Feature, Scenario } from './context.js';
import { depth } from './depth.js';
import { hostile } from './hostile.js';
import { longPollLatency } from './latency.js';
import { purgeDeep } from './purge.js';
import { manyQueues } from './queues.js';
import { fifo, receiveDeleteSmall, sendBatchSmall, sendSmall } from './scenarios.js';
import { BODY_SIZES, sizedMessages } from './sizes.js';

// Every scenario, numbered as --only and --help name them. One id may cover several entries.

export interface ScenarioEntry {
  id: number;
  title: string;
  run: Scenario;
  /** Requests in flight, one run each, when the bench measures one server [1, 16]. */
  concurrencies?: number[];
  /** Requests in flight in a side-by-side run; without it the scenario is not run side by side. */
  compare?: number[];
  /** Targets that lack one of these show "n/a" for the whole scenario. */
  needs?: Feature[];
  /** Side by side: measured in the first round only (pre-fills and stalls that cost minutes). */
  once?: boolean;
  /** Side by side: print the rows' notes under the table (they say how long a stalled server took to recover). */
  showNotes?: boolean;
  /** Restart a bench-owned server first: memory the earlier scenarios left in its heap would hide the peak. */
  freshServer?: boolean;
}

export const SCENARIOS: ScenarioEntry[] = [
  // At 1 in flight, scenario 1 is also the single producer that sends one message at a time (Celery's).
  { id: 1, title: 'SendMessage 100 B', run: sendSmall, compare: [1, 16] },
  { id: 2, title: 'ReceiveMessage+DeleteMessageBatch 100 B', run: receiveDeleteSmall, compare: [16] },
  { id: 3, title: 'long-poll send→receive latency', run: longPollLatency, compare: [16] },
  { id: 4, title: 'SendMessageBatch 10×100 B', run: sendBatchSmall, compare: [16] },
  { id: 5, title: 'FIFO send, then receive+delete', run: fifo, compare: [16], needs: ['fifo'] },
  // The 1 MiB size of scenario 6 asks for an 8 MiB queue; side by side, scenario 8 measures 1 MiB instead.
  ...BIG_SIZES.map((size, i) => ({
    id: 6,
    title: `big messages ${size.label}`,
    run: bigMessages(size),
    ...(i === 0 ? {} : { compare: [16], needs: ['over-1mib' as const], once: true }),
  })),
  { id: 7, title: 'server memory with 8 MiB sends', run: bigMemory, concurrencies: [16], freshServer: true },
  ...BODY_SIZES.map((size) => ({ id: 8, title: `send, then receive+delete ${size.label}`, run: sizedMessages(size), compare: [16] })),
  { id: 9, title: 'depth: shallow vs deep queue', run: depth, concurrencies: [16], compare: [16], once: true, showNotes: true },
  { id: 10, title: 'many queues: ListQueues, GetQueueUrl', run: manyQueues, concurrencies: [1], compare: [1], once: true },
  { id: 11, title: 'hostile Query requests beside a normal sender', run: hostile, concurrencies: [1], compare: [1], once: true, showNotes: true },
  { id: 12, title: 'purge of a deep queue: the server meanwhile', run: purgeDeep, concurrencies: [1], compare: [1], once: true, showNotes: true },
];

export const MAX_SCENARIO_ID = 12;
