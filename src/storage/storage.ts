// The storage port. Every method is atomic on its own (one transaction), asynchronous, batch-first and
// clock-free: `now` is always an argument. Storage enforces no SQS validation rules; it stores, claims and
// reports what happened (typed outcomes, never a plain Error for an expected situation such as a queue
// deleted by a concurrent request) so actions can decide which SQS error applies. Every read-modify-write
// of a queue happens inside one method, never across an await in an action, so concurrent changes cannot
// lose one another. A second backend (e.g. PostgreSQL) implements this interface and runs
// test/storage/contract.ts.
//
// What the SQLite adapter relies on that a shared-database backend must provide another way:
//  - Single writer. SQLite runs every write in one process, serialised by the write batcher, so a claim
//    (read candidates, then update them) cannot race another claim. A shared database needs claims that are
//    correct under concurrency: `SELECT … FOR UPDATE SKIP LOCKED` in the claiming transaction.
//  - Commit-ordered sequence. `seq` (FIFO order, SequenceNumber) comes from SQLite's rowid, which grows in
//    commit order because there is one writer. Concurrent writers need a per-queue order that cannot be
//    overtaken by a transaction that commits later (e.g. a per-queue counter row locked by the send).
//  - The queue cache (storage/queue-cache.ts) is invalidated by this node's writes; other nodes' writes
//    must invalidate it too (LISTEN/NOTIFY on the same channel as long-poll wake-ups).
//  - Approximate counts are kept in memory from this node's writes (sqlite/message-counts.ts); a shared
//    database keeps them in a table or estimates them. The in-flight limit of a receive (maxInFlight) is
//    checked against them: free while a queue holds fewer messages than the limit.
//  - Long-poll wake-ups (core/waiters.ts) are in-process; another node's send must reach them.
//  - Bulk work in chunks: purgeQueue, deleteQueue and editQueue (a new retention or FIFO delay applied to
//    queued messages) must not hold the store for a deep queue; SQLite marks the queue and finishes in
//    chunks of its own writes (bulk-delete.ts, rederive.ts). PostgreSQL can do the same, or detach a
//    purged queue's rows by partition.
//  - Disk full (sqlite/space-guard.ts): writes that grow the store are refused below a free-space mark so
//    that deletes and claims keep room; ping() reports 'readOnly' meanwhile. A server database reports its
//    own condition (PostgreSQL: a failed write with disk_full, SQLSTATE 53100) and maps it the same way.

/** The queue was deleted (or never existed) when the operation ran. */
export type QueueGone = 'queueGone';

import type {
  ClaimedMessage,
  MoveTaskRecord,
  MoveTaskStatus,
  NewMessage,
  QueueId,
  QueueRecord,
  ReceiptRef,
  RedriveTarget,
  StoredMessage,
  StoredQueueAttributes,
} from '../core/types.js';

export interface NewQueue {
  /** The owning account; names are unique per account. */
  account: string;
  name: string;
  fifo: boolean;
  attributes: StoredQueueAttributes;
  tags: Record<string, string>;
  /** From MessageRetentionPeriod; messages expire at sentAt + retentionMs. */
  retentionMs: number;
  /** From RedrivePolicy, so ListDeadLetterSourceQueues is an index lookup. */
  deadLetterTargetArn: string | null;
}

/** What editQueue stores: the new attributes with the columns storage derives from them. */
export interface QueueUpdate {
  attributes: StoredQueueAttributes;
  retentionMs: number;
  deadLetterTargetArn: string | null;
  /**
   * A FIFO queue's new DelaySeconds in ms when it changed, else null. AWS applies a FIFO queue's delay
   * retroactively (delay-queues docs): every message not yet received becomes visible at its enqueue
   * time plus this delay, earlier or later than before. Standard queues' delays are not retroactive.
   */
  retroactiveDelayMs: number | null;
}

export type CreateQueueResult =
  | { outcome: 'created'; queue: QueueRecord }
  | { outcome: 'exists'; queue: QueueRecord }
  /** A queue of that name was deleted at `deletedAt` (kept for AWS's 60-second recreate rule). */
  | { outcome: 'deletedRecently'; deletedAt: number };

/** An account's queues ordered by name, or with no account every queue ordered by (account, name). */
export interface ListQueuesRequest {
  account?: string;
  prefix?: string;
  /** Exclusive pagination cursor: queues strictly after this one in the list's order. */
  after?: QueueKey;
  limit: number;
}

export interface QueueKey {
  account: string;
  name: string;
}

export interface DeadLetterSourcesRequest {
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
  /**
   * The queue's in-flight limit: a receive claims no more than would bring the messages in flight to this
   * number (it may be approximate, like the counts; it must not cost a count of the queue per receive).
   */
  maxInFlight: number;
}

export interface ReceiveResult {
  messages: ClaimedMessage[];
  /**
   * When no message was claimed: the earliest future instant at which something in this queue may become
   * receivable (a delay ends, a visibility timeout expires, background chunks of a purge or of settings
   * applied to queued messages may have finished), or null when nothing is pending. Long polls wait at most until then.
   * Null whenever messages were claimed.
   */
  nextVisibleAt: number | null;
  /** Queues that received messages by redrive during this call, so their waiters can be woken. */
  redrivenTo: QueueId[];
  /** True when nothing was claimed because maxInFlight messages are already in flight. */
  inFlightLimitReached: boolean;
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
  /**
   * Standard queues apply a change made with a superseded handle (the message was received again since) to
   * the message itself (AWS, reference §11); FIFO queues answer 'stale'.
   */
  allowStale: boolean;
}

export type VisibilityOutcome = HandleOutcome | 'overLimit';

export type PurgeOutcome = 'purged' | QueueGone
  /** The previous purge is less than minIntervalMs ago (AWS: one purge per queue every 60 seconds). */
  | 'tooSoon';

export type TagOutcome = 'tagged' | QueueGone
  /** The queue would have more than maxTags tags; nothing was changed. */
  | 'overLimit';

export interface QueueStats {
  visible: number;
  inFlight: number;
  delayed: number;
}

/** A message as a read-only peek sees it: no receipt token, nothing about it changed by the read. */
export interface PeekedMessage extends StoredMessage {
  visibleAt: number;
}

export interface PeekRequest {
  limit: number;
  /**
   * Exclusive cursor: the seq of the last message of the previous page (0 for the start). Pages follow
   * enqueue order (the oldest message first), whatever the depth of the queue.
   */
  afterSeq: number;
  now: number;
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

export interface MaintenanceResult {
  expiredMessages: number;
  expiredDeduplications: number;
  /** FIFO queues whose expired messages were group heads: messages behind them are now receivable. */
  unblockedQueues: QueueId[];
}

/** Events a shared-database backend hears from other nodes (see postgres/notifier.ts). */
export interface RemoteChanges {
  /** Up to `count` messages may have become receivable in the queue: wake that many long polls. */
  messagesAvailable(queueId: QueueId, count: number): void;
  /** The queue was deleted on another node: end its long polls. */
  queueDeleted(queueId: QueueId): void;
  /** A move task was created or changed on another node. */
  moveTasksChanged(): void;
  /** Notifications may have been missed (the listener reconnected): every long poll should look again. */
  resync(): void;
}

export type StoreHealth = 'writable' | 'readOnly';

export interface Storage {
  /**
   * Shared-database backends only: long polls look again at least this often, so a lost cross-node
   * wake-up delays a message by at most this long and never strands it. Undefined: wake-ups are reliable.
   */
  readonly pollFallbackMs?: number;
  /**
   * True when the writes requested in one event-loop turn commit in one transaction, in the order they were
   * requested (SQLite's group commit; the queued writes run on the next turn). A send then wakes parked
   * receives before its commit: their claims queue behind it in the same transaction, so a message costs
   * one commit (one fsync) from send to receive instead of two. Absent: receives are woken once the send
   * has committed (a PostgreSQL transaction cannot see another's uncommitted rows).
   */
  readonly commitsOneTurnTogether?: boolean;
  /** Shared-database backends only: delivers other nodes' changes (assemble.ts wires them to waiters). */
  watchRemoteChanges?(listener: RemoteChanges): void;
  /**
   * Cluster-wide single runner: true when this node holds the lease `name` for the next `ttlMs` (taking
   * it if it is free or expired, renewing it if it is already this node's). Undefined: one node, always true.
   */
  holdLease?(name: string, ttlMs: number): Promise<boolean>;

  createQueue(queue: NewQueue, now: number, recreateDelayMs: number): Promise<CreateQueueResult>;
  /** Served from an in-memory cache that every queue write keeps coherent (see storage/queue-cache.ts). */
  getQueue(account: string, name: string): Promise<QueueRecord | undefined>;
  getQueueById(id: QueueId): Promise<QueueRecord | undefined>;
  listQueues(request: ListQueuesRequest): Promise<QueueRecord[]>;
  /** Names are ordered; `afterName` paginates. */
  listDeadLetterSources(deadLetterArn: string, request: DeadLetterSourcesRequest): Promise<QueueRecord[]>;
  /**
   * Read-modify-write of a queue's attributes in one transaction: `edit` gets the current record and returns
   * what to store. It must be synchronous and pure (a backend may run it inside a database transaction);
   * an error it throws aborts the change and rejects the promise with that error.
   */
  editQueue(id: QueueId, edit: (queue: QueueRecord) => QueueUpdate, now: number): Promise<QueueRecord | QueueGone>;
  /**
   * Deletes the queue with its messages, tags and tasks; remembers the name and time. False when gone.
   * From the moment it resolves the queue and its messages are gone for every method (and a queue created
   * under the name is a new queue); a backend may remove a deep queue's rows afterwards, in bounded chunks
   * (SQLite: bulk-delete.ts), so that no single write holds the store for the whole queue.
   */
  deleteQueue(id: QueueId, now: number): Promise<boolean>;
  /**
   * Unless the last purge is less than minIntervalMs old: deletes every message sent so far and the FIFO
   * deduplication history and records lastPurgedAt. The check and the purge are one transaction. As with
   * deleteQueue, a deep queue's rows may go afterwards in chunks; until then receiveMessages claims nothing
   * from the queue (no purged message is ever delivered) and answers a nextVisibleAt soon after `now`.
   */
  purgeQueue(id: QueueId, now: number, minIntervalMs: number): Promise<PurgeOutcome>;
  /** Adds or overwrites tags, unless the queue would then have more than maxTags. */
  tagQueue(id: QueueId, tags: Record<string, string>, maxTags: number): Promise<TagOutcome>;
  untagQueue(id: QueueId, keys: string[]): Promise<'untagged' | QueueGone>;

  /** One transaction for the whole array; results in input order. */
  sendMessages(queueId: QueueId, messages: MessageToSend[], now: number): Promise<SendResult[] | QueueGone>;
  receiveMessages(request: ReceiveRequest): Promise<ReceiveResult | QueueGone>;
  deleteMessages(queueId: QueueId, requests: DeleteRequest[], now: number): Promise<HandleOutcome[]>;
  changeVisibilities(queueId: QueueId, changes: VisibilityChange[], now: number): Promise<VisibilityOutcome[]>;
  /** Approximate counts at a cost that does not grow with the number of visible messages. */
  queueStats(queueId: QueueId, now: number): Promise<QueueStats>;
  /** sentAt of the queue's oldest unexpired message (in flight and delayed included), or null when empty. */
  oldestMessageSentAt(queueId: QueueId, now: number): Promise<number | null>;
  /** Earliest future visibleAt in the queue (for long-poll wake-ups), or null. */
  nextVisibleAt(queueId: QueueId, now: number): Promise<number | null>;
  /** Read-only (the console's peek): unexpired messages by seq after `afterSeq`; changes nothing, returns no receipt token. */
  peekMessages(queueId: QueueId, request: PeekRequest): Promise<PeekedMessage[]>;
  /** Read-only: one unexpired message by seq, or undefined. */
  peekMessage(queueId: QueueId, seq: number, now: number): Promise<PeekedMessage | undefined>;

  createMoveTask(task: NewMoveTask): Promise<MoveTaskRecord>;
  getMoveTask(taskId: string): Promise<MoveTaskRecord | undefined>;
  listMoveTasks(sourceQueueId: QueueId, limit: number): Promise<MoveTaskRecord[]>;
  /** Tasks in RUNNING or CANCELLING state, for resuming after a restart. */
  activeMoveTasks(): Promise<MoveTaskRecord[]>;
  /** Moves up to `max` messages and adds them to the task's counter, in one transaction. */
  moveMessages(taskId: string, request: MoveBatchRequest): Promise<MoveBatchResult>;
  setMoveTaskStatus(taskId: string, status: MoveTaskStatus, failureReason?: string | null): Promise<void>;

  /**
   * Test controls only: deletes every queue and message, the memory of deleted queue names (so no 60-second
   * recreate rule applies afterwards) and every move task, in one transaction. Ids are not reused after it.
   */
  reset(): Promise<void>;

  /**
   * For GET /health: throws when the store cannot answer; 'readOnly' while it refuses writes that grow it
   * (sendMessages, createQueue, tagQueue and createMoveTask reject with StoreUnavailable) to keep its
   * remaining disk space for receives, deletes and purges, so consumers can drain a full disk.
   */
  ping(): Promise<StoreHealth>;
  /**
   * Removes expired messages and deduplication entries; safe to call at any interval. Also re-measures the
   * free space, so that a read-only store turns writable again once space returns.
   */
  maintenance(now: number): Promise<MaintenanceResult>;
  close(): Promise<void>;
}
