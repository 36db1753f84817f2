// Row shapes as node-postgres returns them (bigints parsed as numbers by open.ts, json as objects) and
// their mapping to the domain types of core/types.ts. Mirrors sqlite/rows.ts.

import type {
  ClaimedMessage,
  MessageAttributeMap,
  MoveTaskRecord,
  MoveTaskStatus,
  QueueRecord,
  StoredMessage,
} from '../../core/types.js';

export interface QueueRow {
  id: number;
  account: string;
  name: string;
  fifo: boolean;
  fair: boolean;
  retention_ms: number;
  attributes_json: string;
  created_at: number;
  last_modified_at: number;
  last_purged_at: number | null;
  tags: Record<string, string>;
}

/** Columns of a QueueRow; `q` is the queues alias. Tags are folded in so a list is one statement. */
export const QUEUE_COLUMNS = `q.id, q.account, q.name, q.fifo, q.fair, q.retention_ms, q.attributes_json,
  q.created_at, q.last_modified_at, q.last_purged_at,
  coalesce((SELECT json_object_agg(t.key, t.value) FROM queue_tags t WHERE t.queue_id = q.id), '{}'::json) AS tags`;

export function toQueueRecord(row: QueueRow): QueueRecord {
  // Frozen: cached records are shared by concurrent requests, so nobody may edit one in place.
  return Object.freeze({
    id: row.id,
    account: row.account,
    name: row.name,
    fifo: row.fifo,
    attributes: Object.freeze(JSON.parse(row.attributes_json) as Record<string, string>),
    tags: Object.freeze({ ...row.tags }),
    createdAt: row.created_at,
    lastModifiedAt: row.last_modified_at,
    lastPurgedAt: row.last_purged_at,
  });
}

/** plain | fair | fifo: see sqlite/rows.ts. */
export type QueueMode = 'plain' | 'fair' | 'fifo';

export interface QueueState {
  readonly id: number;
  readonly account: string;
  readonly name: string;
  readonly fifo: boolean;
  readonly mode: QueueMode;
  readonly retentionMs: number;
  readonly record: QueueRecord;
}

export function toQueueState(row: QueueRow): QueueState {
  const mode: QueueMode = row.fifo ? 'fifo' : row.fair ? 'fair' : 'plain';
  return { id: row.id, account: row.account, name: row.name, fifo: row.fifo, mode, retentionMs: row.retention_ms, record: toQueueRecord(row) };
}

export interface MessageRow {
  seq: number;
  queue_id: number;
  message_id: string;
  group_id: string;
  dedup_id: string | null;
  sender_id: string;
  md5_of_body: string;
  sent_at: number;
  enqueued_at: number;
  visible_at: number;
  expires_at: number;
  receive_count: number;
  first_received_at: number | null;
  received_at: number | null;
  receipt_token: string | null;
  body: string;
  attributes_json: string;
  system_attributes_json: string;
}

/** Every column of a message row. */
export const MESSAGE_COLUMNS = `seq, queue_id, message_id, group_id, dedup_id, sender_id, md5_of_body, sent_at,
  enqueued_at, visible_at, expires_at, receive_count, first_received_at, received_at, receipt_token,
  body, attributes_json, system_attributes_json`;

export const groupKey = (groupId: string | null): string => groupId ?? '';
const groupIdOf = (key: string): string | null => (key === '' ? null : key);

export function toPeekedMessage(row: MessageRow): StoredMessage & { visibleAt: number } {
  return {
    seq: row.seq,
    messageId: row.message_id,
    body: row.body,
    md5OfBody: row.md5_of_body,
    attributes: JSON.parse(row.attributes_json) as MessageAttributeMap,
    systemAttributes: JSON.parse(row.system_attributes_json) as MessageAttributeMap,
    senderId: row.sender_id,
    sentAt: row.sent_at,
    groupId: groupIdOf(row.group_id),
    deduplicationId: row.dedup_id,
    receiveCount: row.receive_count,
    firstReceivedAt: row.first_received_at,
    visibleAt: row.visible_at,
  };
}

export function toClaimedMessage(row: MessageRow): ClaimedMessage {
  return { ...toPeekedMessage(row), receiptToken: row.receipt_token ?? '' };
}

export interface MoveTaskRow {
  task_id: string;
  source_queue_id: number;
  source_arn: string;
  destination_arn: string | null;
  max_per_second: number | null;
  status: string;
  moved: number;
  to_move: number;
  failure_reason: string | null;
  started_at: number;
}

export function toMoveTaskRecord(row: MoveTaskRow): MoveTaskRecord {
  return {
    taskId: row.task_id,
    sourceQueueId: row.source_queue_id,
    sourceArn: row.source_arn,
    destinationArn: row.destination_arn,
    maxPerSecond: row.max_per_second,
    status: row.status as MoveTaskStatus,
    moved: row.moved,
    toMove: row.to_move,
    failureReason: row.failure_reason,
    startedAt: row.started_at,
  };
}
