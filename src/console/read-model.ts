import { sequenceNumberOf } from '../core/ids.js';
import type { Services } from '../core/context.js';
import { parseQueueArn, queueArnOf } from '../core/queue-url.js';
import type { MessageAttributeMap, QueueRecord } from '../core/types.js';
import type { PeekedMessage } from '../storage/storage.js';

// The console's read-only queries: queue summaries with counts, and peeked messages. They use only read
// methods of the storage port (listQueues, queueStats, peekMessages); every change the console makes is
// an SQS action called by the browser over the JSON protocol, exactly as a client would.

/** Bodies longer than this are cut in the peek list; the single-message read returns them whole. */
export const PEEK_BODY_CHARS = 4096;
const LIST_PAGE = 1000;

export interface QueueSummary {
  name: string;
  arn: string;
  type: 'standard' | 'fifo';
  visible: number;
  inFlight: number;
  delayed: number;
  /** Seconds since the oldest (first enqueued) unexpired message was sent, or null when empty. */
  oldestAgeSeconds: number | null;
  deadLetterTarget: { name: string; maxReceiveCount: number } | null;
  deadLetterSources: string[];
  tags: Record<string, string>;
}

export async function allQueues(services: Services): Promise<QueueRecord[]> {
  const queues: QueueRecord[] = [];
  for (;;) {
    const page = await services.storage.listQueues({ account: services.identity.accountId, after: queues.at(-1), limit: LIST_PAGE });
    queues.push(...page);
    if (page.length < LIST_PAGE) return queues;
  }
}

function deadLetterTargetOf(queue: QueueRecord): QueueSummary['deadLetterTarget'] {
  const policy = queue.attributes.RedrivePolicy;
  if (!policy) return null;
  try {
    const parsed = JSON.parse(policy) as { deadLetterTargetArn?: string; maxReceiveCount?: number | string };
    const name = parseQueueArn(String(parsed.deadLetterTargetArn ?? ''))?.name;
    return name ? { name, maxReceiveCount: Number(parsed.maxReceiveCount) } : null;
  } catch {
    return null;
  }
}

export async function summarizeQueues(services: Services, queues: QueueRecord[]): Promise<QueueSummary[]> {
  const now = services.clock.now();
  const targets = new Map(queues.map((queue) => [queue.name, deadLetterTargetOf(queue)]));
  return Promise.all(
    queues.map(async (queue) => {
      const stats = await services.storage.queueStats(queue.id, now);
      const [oldest] = await services.storage.peekMessages(queue.id, { limit: 1, afterSeq: 0, now });
      return {
        name: queue.name,
        arn: queueArnOf(services.identity.region, queue),
        type: queue.fifo ? 'fifo' : 'standard',
        ...stats,
        oldestAgeSeconds: oldest ? Math.max(0, Math.floor((now - oldest.sentAt) / 1000)) : null,
        deadLetterTarget: targets.get(queue.name) ?? null,
        deadLetterSources: queues.filter((q) => targets.get(q.name)?.name === queue.name).map((q) => q.name),
        tags: queue.tags,
      } satisfies QueueSummary;
    }),
  );
}

export type MessageState = 'visible' | 'inFlight' | 'delayed';

export interface PeekView {
  seq: number;
  messageId: string;
  body: string;
  bodyTruncated: boolean;
  bodyChars: number;
  md5OfBody: string;
  attributes: MessageAttributeMap;
  /** The system attributes a ReceiveMessage with AttributeNames=All would show, as strings. */
  systemAttributes: Record<string, string>;
  receiveCount: number;
  sentAt: number;
  visibleAt: number;
  state: MessageState;
}

function systemAttributesOf(queue: QueueRecord, message: PeekedMessage): Record<string, string> {
  const stored = Object.fromEntries(
    Object.entries(message.systemAttributes).flatMap(([name, value]) => (value.StringValue === undefined ? [] : [[name, value.StringValue]])),
  );
  return {
    SenderId: message.senderId,
    SentTimestamp: String(message.sentAt),
    ApproximateReceiveCount: String(message.receiveCount),
    ...(message.firstReceivedAt === null ? {} : { ApproximateFirstReceiveTimestamp: String(message.firstReceivedAt) }),
    ...stored,
    ...(message.groupId === null ? {} : { MessageGroupId: message.groupId }),
    ...(message.deduplicationId === null ? {} : { MessageDeduplicationId: message.deduplicationId }),
    ...(queue.fifo ? { SequenceNumber: sequenceNumberOf(message.seq) } : {}),
  };
}

export function peekView(queue: QueueRecord, message: PeekedMessage, now: number, maxBodyChars: number): PeekView {
  const state: MessageState = message.visibleAt <= now ? 'visible' : message.receiveCount > 0 ? 'inFlight' : 'delayed';
  return {
    seq: message.seq,
    messageId: message.messageId,
    body: message.body.length > maxBodyChars ? message.body.slice(0, maxBodyChars) : message.body,
    bodyTruncated: message.body.length > maxBodyChars,
    bodyChars: message.body.length,
    md5OfBody: message.md5OfBody,
    attributes: message.attributes,
    systemAttributes: systemAttributesOf(queue, message),
    receiveCount: message.receiveCount,
    sentAt: message.sentAt,
    visibleAt: message.visibleAt,
    state,
  };
}
