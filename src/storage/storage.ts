// The storage port. Every method is atomic on its own (one transaction), asynchronous, batch-first and
// clock-free: `now` is always an argument. Storage enforces no SQS validation rules; it stores, claims and
// reports what happened so actions can decide which SQS error applies. A second backend (e.g. Postgres)
// implements this interface and runs test/storage/contract.ts.

import type {
  ClaimedMessage,
  MoveTaskRecord,
  MoveTaskStatus,
  NewMessage,
  QueueId,
  QueueRecord,
  ReceiptRef,
  RedriveTarget,
  StoredQueueAttributes,
} from '../core/types.js';

export interface NewQueue {
  name: string;
  fifo: boolean;
  attributes: StoredQueueAttributes;
  tags: Record<string, string>;
  /** From MessageRetentionPeriod; messages expire at sentAt + retentionMs. */
  retentionMs: number;
  /** From RedrivePolicy, so ListDeadLetterSourceQueues is an index lookup. */
  deadLetterTargetArn: string | null;
}

export interface QueueUpdate {
  attributes: StoredQueueAttributes;
  retentionMs: number;
  deadLetterTargetArn: string | null;
}

export type CreateQueueResult =
  | { outcome: 'created'; queue: QueueRecord }
  | { outcome: 'exists'; queue: QueueRecord }
  /** A queue of that name was deleted at `deletedAt` (kept for AWS's 60-second recreate rule). */
  | { outcome: 'deletedRecently'; deletedAt: number };

export interface ListQueuesRequest {
  prefix?: string;
  /** Exclusive: names strictly after this one (pagination cursor). */
  afterName?: string;
  limit: number;
}

export interface Deduplication {
  /** Scope key: '' for queue scope, the group id for messageGroup scope. */
  scope: string;
  deduplicationId: string;
  expiresAt: number;
}

export interface MessageToSend {
  message: NewMessage;
  /** FIFO only. */
  deduplication: Deduplication | null;
}

export type SendResult =
  | { outcome: 'sent'; seq: number; messageId: string }
  /** A FIFO duplicate inside the deduplication window: nothing stored, the original's id is answered. */
  | { outcome: 'duplicate'; seq: number; messageId: string };

export interface ReceiveRequest {
  queueId: QueueId;
  fifo: boolean;
  max: number;
  visibilityMs: number;
  now: number;
  redrive: RedriveTarget | null;
  /** FIFO ReceiveRequestAttemptId: a retry within 5 minutes returns the same messages. */
  attemptId?: string;
}

export interface ReceiveResult {
  messages: ClaimedMessage[];
  /**
   * Earliest future instant at which something in this queue may become receivable (a delay ends, a
   * visibility timeout expires), or null when nothing is pending. Long polls wait at most until then.
   */
  nextVisibleAt: number | null;
  /** Queues that received messages by redrive during this call, so their waiters can be woken. */
  redrivenTo: QueueId[];
}

/**
 * gone: no such message (deleted, expired, moved, purged).
 * stale: the message exists but the handle is not its latest one.
 * expired: the handle is the latest but its visibility timeout has passed.
 */
export type HandleOutcome = 'ok' | 'gone' | 'stale' | 'expired';

export interface DeleteRequest {
  ref: ReceiptRef;
  /** Standard queues delete on a stale handle (AWS); FIFO queues do not. */
  allowStale: boolean;
}

export interface VisibilityChange {
  ref: ReceiptRef;
  visibleAt: number;
  /** Reject with 'overLimit' when visibleAt is beyond this (12 h after the receive). */
  maxVisibleAfterReceiveMs: number;
}

export type VisibilityOutcome = HandleOutcome | 'overLimit';

export interface QueueStats {
  visible: number;
  inFlight: number;
  delayed: number;
}

export interface NewMoveTask {
  taskId: string;
  sourceQueueId: QueueId;
  sourceArn: string;
  destinationArn: string | null;
  maxPerSecond: number | null;
  toMove: number;
  startedAt: number;
}

export interface MoveBatchRequest {
  sourceQueueId: QueueId;
  /** Fixed destination, or null to return each message to its DeadLetterQueueSourceArn's queue. */
  destinationQueueId: QueueId | null;
  /** Resolves a DeadLetterQueueSourceArn to a live queue (null when it no longer exists). */
  resolveSource: (arn: string) => { queueId: QueueId; retentionMs: number } | null;
  destinationRetentionMs: number;
  max: number;
  now: number;
}

export interface MoveBatchResult {
  moved: number;
  /** Destination queues that received messages, for waking their waiters. */
  movedTo: QueueId[];
  /** Messages that could not be moved because their source queue is gone. */
  unresolvable: number;
}

export interface Storage {
  createQueue(queue: NewQueue, now: number, recreateDelayMs: number): Promise<CreateQueueResult>;
  getQueue(name: string): Promise<QueueRecord | undefined>;
  getQueueById(id: QueueId): Promise<QueueRecord | undefined>;
  listQueues(request: ListQueuesRequest): Promise<QueueRecord[]>;
  /** Names are ordered; `afterName` paginates. */
  listDeadLetterSources(deadLetterArn: string, request: Omit<ListQueuesRequest, 'prefix'>): Promise<QueueRecord[]>;
  updateQueue(id: QueueId, update: QueueUpdate, now: number): Promise<QueueRecord | undefined>;
  /** Deletes the queue with its messages, tags and tasks; remembers the name and time. */
  deleteQueue(id: QueueId, now: number): Promise<boolean>;
  /** Deletes every message and the FIFO deduplication history; records lastPurgedAt. */
  purgeQueue(id: QueueId, now: number): Promise<void>;
  tagQueue(id: QueueId, tags: Record<string, string>): Promise<void>;
  untagQueue(id: QueueId, keys: string[]): Promise<void>;

  /** One transaction for the whole array; results in input order. */
  sendMessages(queueId: QueueId, messages: MessageToSend[], now: number): Promise<SendResult[]>;
  receiveMessages(request: ReceiveRequest): Promise<ReceiveResult>;
  deleteMessages(queueId: QueueId, requests: DeleteRequest[], now: number): Promise<HandleOutcome[]>;
  changeVisibilities(queueId: QueueId, changes: VisibilityChange[], now: number): Promise<VisibilityOutcome[]>;
  queueStats(queueId: QueueId, now: number): Promise<QueueStats>;
  /** sentAt of the queue's oldest unexpired message (in flight and delayed included), or null when empty. */
  oldestMessageSentAt(queueId: QueueId, now: number): Promise<number | null>;
  /** Earliest future visibleAt in the queue (for long-poll wake-ups), or null. */
  nextVisibleAt(queueId: QueueId, now: number): Promise<number | null>;

  createMoveTask(task: NewMoveTask): Promise<MoveTaskRecord>;
  getMoveTask(taskId: string): Promise<MoveTaskRecord | undefined>;
  listMoveTasks(sourceQueueId: QueueId, limit: number): Promise<MoveTaskRecord[]>;
  /** Tasks in RUNNING or CANCELLING state, for resuming after a restart. */
  activeMoveTasks(): Promise<MoveTaskRecord[]>;
  /** Moves up to `max` messages and adds them to the task's counter, in one transaction. */
  moveMessages(taskId: string, request: MoveBatchRequest): Promise<MoveBatchResult>;
  setMoveTaskStatus(taskId: string, status: MoveTaskStatus, failureReason?: string | null): Promise<void>;

  /** Removes expired messages and deduplication entries; safe to call at any interval. */
  /** Throws when the store cannot answer (for GET /health). */
  ping(): Promise<void>;
  maintenance(now: number): Promise<{ expiredMessages: number; expiredDeduplications: number }>;
  close(): Promise<void>;
}
