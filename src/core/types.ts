// Domain types shared by actions and storage. Times are epoch milliseconds (`…At`) unless a name says otherwise.

export type QueueId = number;

/** One message attribute as the JSON wire carries it; BinaryValue is base64. */
export interface MessageAttributeValue {
  DataType: string;
  StringValue?: string;
  BinaryValue?: string;
}

export type MessageAttributeMap = Record<string, MessageAttributeValue>;

/**
 * Settable queue attributes, stored exactly as the client last set them (wire strings, AWS names),
 * defaults included. Read-only attributes (counts, timestamps, QueueArn) are computed, never stored.
 */
export type StoredQueueAttributes = Record<string, string>;

export interface QueueRecord {
  id: QueueId;
  /** The owning account: the account id in the queue's URL and ARN. Names are unique per account. */
  account: string;
  name: string;
  fifo: boolean;
  attributes: StoredQueueAttributes;
  tags: Record<string, string>;
  createdAt: number;
  lastModifiedAt: number;
  /** Last successful PurgeQueue, for AWS's one-purge-per-60-seconds rule. */
  lastPurgedAt: number | null;
}

/** What the redrive policy of a queue means for storage, resolved by the action from RedrivePolicy. */
export interface RedriveTarget {
  deadLetterQueueId: QueueId;
  maxReceiveCount: number;
  /** Written as the DeadLetterQueueSourceArn system attribute of moved messages. */
  sourceArn: string;
  /** Standard DLQs keep the original enqueue time for retention; FIFO DLQs restart it (AWS DLQ docs). */
  resetEnqueueTime: boolean;
  deadLetterRetentionMs: number;
}

export interface NewMessage {
  messageId: string;
  body: string;
  md5OfBody: string;
  attributes: MessageAttributeMap;
  /** AWSTraceHeader and friends, as sent; DeadLetterQueueSourceArn is added by storage on a DLQ move. */
  systemAttributes: MessageAttributeMap;
  senderId: string;
  /** sentAt + delay. */
  visibleAt: number;
  groupId: string | null;
  /** FIFO only; null on standard queues. */
  deduplicationId: string | null;
}

export interface StoredMessage {
  /** Storage's monotonically increasing row sequence: FIFO order and the basis of SequenceNumber. */
  seq: number;
  messageId: string;
  body: string;
  md5OfBody: string;
  attributes: MessageAttributeMap;
  systemAttributes: MessageAttributeMap;
  senderId: string;
  sentAt: number;
  groupId: string | null;
  deduplicationId: string | null;
  receiveCount: number;
  firstReceivedAt: number | null;
}

/** A message claimed by a receive: StoredMessage plus what a receipt handle needs. */
export interface ClaimedMessage extends StoredMessage {
  receiptToken: string;
  visibleAt: number;
}

/** The decoded content of a receipt handle. */
export interface ReceiptRef {
  queueId: QueueId;
  seq: number;
  receiptToken: string;
}

export type MoveTaskStatus = 'RUNNING' | 'COMPLETED' | 'CANCELLING' | 'CANCELLED' | 'FAILED';

export interface MoveTaskRecord {
  taskId: string;
  sourceQueueId: QueueId;
  sourceArn: string;
  destinationArn: string | null;
  maxPerSecond: number | null;
  status: MoveTaskStatus;
  moved: number;
  toMove: number;
  failureReason: string | null;
  startedAt: number;
}
