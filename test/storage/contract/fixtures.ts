// Shared builders for the storage contract suite. Time is a plain number the tests move by hand.

import { afterEach, beforeEach, expect } from 'vitest';
import type { ClaimedMessage, NewMessage, QueueRecord, RedriveTarget } from '../../../src/core/types.js';
import type {
  MessageToSend,
  NewQueue,
  ReceiveResult,
  SendResult,
  Storage,
} from '../../../src/storage/storage.js';

export type MakeStorage = () => Promise<Storage> | Storage;

export const T0 = Date.UTC(2026, 0, 1);
export const SECOND = 1_000;
export const MINUTE = 60 * SECOND;
export const DAY = 24 * 60 * MINUTE;
export const DEFAULT_RETENTION_MS = 4 * DAY;
export const DEDUP_WINDOW_MS = 5 * MINUTE;
export const TWELVE_HOURS_MS = 12 * 60 * MINUTE;

/** Opens a fresh store before each test and closes it after; call inside a describe. */
export function useStorage(make: MakeStorage): () => Storage {
  let current: Storage | undefined;
  beforeEach(async () => {
    current = await make();
  });
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  return () => {
    if (!current) throw new Error('storage used outside a test');
    return current;
  };
}

export const ACCOUNT = '000000000000';
export const arnOf = (name: string): string => `arn:aws:sqs:us-east-1:${ACCOUNT}:${name}`;

export function newQueue(
  name: string,
  options: { account?: string; retentionMs?: number; deadLetterTargetArn?: string; tags?: Record<string, string> } = {},
): NewQueue {
  const fifo = name.endsWith('.fifo');
  return {
    account: options.account ?? ACCOUNT,
    name,
    fifo,
    attributes: { VisibilityTimeout: '30', ...(fifo ? { FifoQueue: 'true' } : {}) },
    tags: options.tags ?? {},
    retentionMs: options.retentionMs ?? DEFAULT_RETENTION_MS,
    deadLetterTargetArn: options.deadLetterTargetArn ?? null,
  };
}

export async function createQueue(
  storage: Storage,
  name: string,
  options: Parameters<typeof newQueue>[1] & { now?: number } = {},
): Promise<QueueRecord> {
  const result = await storage.createQueue(newQueue(name, options), options.now ?? T0, MINUTE);
  if (result.outcome !== 'created') throw new Error(`expected ${name} to be created, got ${result.outcome}`);
  return result.queue;
}

let messageCounter = 0;

export interface MessageOptions {
  groupId?: string;
  /** FIFO deduplication id; scope defaults to the queue. */
  dedupId?: string;
  dedupScope?: string;
  delayMs?: number;
  messageId?: string;
  systemAttributes?: NewMessage['systemAttributes'];
}

/** A message sent at `now`. */
export function message(body: string, now: number, options: MessageOptions = {}): MessageToSend {
  messageCounter += 1;
  const message: NewMessage = {
    messageId: options.messageId ?? `id-${messageCounter}-${body}`,
    body,
    md5OfBody: `md5-${body}`,
    attributes: { Color: { DataType: 'String', StringValue: `color-of-${body}` } },
    systemAttributes: options.systemAttributes ?? {},
    senderId: 'AKIDEXAMPLE',
    visibleAt: now + (options.delayMs ?? 0),
    groupId: options.groupId ?? null,
    deduplicationId: options.dedupId ?? null,
  };
  const deduplication =
    options.dedupId === undefined
      ? null
      : { scope: options.dedupScope ?? '', deduplicationId: options.dedupId, expiresAt: now + DEDUP_WINDOW_MS };
  return { message, deduplication };
}

export async function send(
  storage: Storage,
  queueId: number,
  now: number,
  ...bodies: Array<string | [string, MessageOptions]>
): Promise<SendResult[]> {
  const messages = bodies.map((entry) => (typeof entry === 'string' ? message(entry, now) : message(entry[0], now, entry[1])));
  const results = await storage.sendMessages(queueId, messages, now);
  if (results === 'queueGone') throw new Error(`queue ${queueId} is gone`);
  return results;
}

export interface ReceiveOptions {
  max?: number;
  visibilityMs?: number;
  redrive?: RedriveTarget | null;
  attemptId?: string;
  maxInFlight?: number;
}

export async function receive(
  storage: Storage,
  queue: QueueRecord,
  now: number,
  options: ReceiveOptions = {},
): Promise<ReceiveResult> {
  const result = await storage.receiveMessages({
    queueId: queue.id,
    fifo: queue.fifo,
    max: options.max ?? 10,
    visibilityMs: options.visibilityMs ?? 30 * SECOND,
    maxInFlight: options.maxInFlight ?? 120_000,
    now,
    redrive: options.redrive ?? null,
    ...(options.attemptId === undefined ? {} : { attemptId: options.attemptId }),
  });
  if (result === 'queueGone') throw new Error(`queue ${queue.id} is gone`);
  return result;
}

export const bodies = (result: ReceiveResult | ClaimedMessage[]): string[] =>
  (Array.isArray(result) ? result : result.messages).map((m) => m.body);

export const refOf = (queue: QueueRecord, m: ClaimedMessage) => ({
  queueId: queue.id,
  seq: m.seq,
  receiptToken: m.receiptToken,
});

export async function expectStats(
  storage: Storage,
  queue: QueueRecord,
  now: number,
  expected: { visible?: number; inFlight?: number; delayed?: number },
): Promise<void> {
  expect(await storage.queueStats(queue.id, now)).toEqual({ visible: 0, inFlight: 0, delayed: 0, ...expected });
}
