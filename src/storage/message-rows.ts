// Message and move-task rows as both storage adapters read them (SQLite and PostgreSQL name and type
// their columns alike), and their mapping to the domain types of core/types.ts. Queue rows differ by
// backend (SQLite stores booleans as 0/1 and tags as JSON text): each adapter's rows.ts reads its own and
// builds the record with frozenQueueRecord here.

import type { ClaimedMessage, MessageAttributeMap, MoveTaskRecord, MoveTaskStatus, QueueRecord, StoredMessage } from '../core/types.js';

/**
 * How a queue's messages are claimed, which decides what bookkeeping its messages pay for:
 *   plain: a standard queue that never held a message with a MessageGroupId; claims read the visibility
 *          index directly and message_groups holds nothing for it.
 *   fair:  a standard queue that has held grouped messages (a fair queue, reference §5); every message
 *          belongs to a group in message_groups (ungrouped ones to the group ' ' on SQLite, '' on
 *          PostgreSQL) for round-robin claims.
 *   fifo:  a FIFO queue; message_groups tracks each group's head for ordered, blocking claims.
 * A plain queue becomes fair with its first grouped message and stays fair.
 */
export type QueueMode = 'plain' | 'fair' | 'fifo';

/** The hot messages row (no payload). */
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
}

export interface PayloadRow {
  body: string;
  attributes_json: string;
  system_attributes_json: string;
}

/** The queue columns both backends store alike. */
interface QueueColumns {
  id: number;
  account: string;
  name: string;
  attributes_json: string;
  created_at: number;
  last_modified_at: number;
  last_purged_at: number | null;
}

/**
 * A queue row as the domain record, given the columns the backends store differently (SQLite: fifo as 0/1,
 * tags as JSON text). Frozen: cached records are shared by concurrent requests, so nobody may edit one
 * in place. `tags` must be a fresh object; it is frozen as it is.
 */
export function frozenQueueRecord(row: QueueColumns, fifo: boolean, tags: Record<string, string>): QueueRecord {
  return Object.freeze({
    id: row.id,
    account: row.account,
    name: row.name,
    fifo,
    attributes: Object.freeze(JSON.parse(row.attributes_json) as Record<string, string>),
    tags: Object.freeze(tags),
    createdAt: row.created_at,
    lastModifiedAt: row.last_modified_at,
    lastPurgedAt: row.last_purged_at,
  });
}

/** A FIFO claim walk's position among a queue's receivable groups (message_groups, both adapters). */
export interface GroupCursorRow {
  group_id: string;
  ready_at: number;
  head_seq: number;
}

/** PostgreSQL stores ungrouped messages under the group key '' (SQLite's keys: sqlite/groups.ts). */
export const groupKey = (groupId: string | null): string => groupId ?? '';
/**
 * The MessageGroupId of a stored group key. SQLite stores a fair queue's ungrouped messages under ' '
 * (FAIR_UNGROUPED in sqlite/groups.ts); no MessageGroupId contains a space.
 */
export const groupIdOf = (key: string): string | null => (key === '' || key === ' ' ? null : key);

/** The columns a message read needs, whether it claims (then with its receipt token) or only peeks. */
export type MessageColumns = Pick<
  MessageRow,
  'seq' | 'message_id' | 'md5_of_body' | 'sender_id' | 'sent_at' | 'group_id' | 'dedup_id' | 'receive_count' | 'first_received_at' | 'visible_at'
>;

/** A stored message as a read-only peek returns it: no receipt token. */
export function toPeekedMessage(row: MessageColumns, payload: PayloadRow): StoredMessage & { visibleAt: number } {
  return {
    seq: row.seq,
    messageId: row.message_id,
    body: payload.body,
    md5OfBody: row.md5_of_body,
    attributes: JSON.parse(payload.attributes_json) as MessageAttributeMap,
    systemAttributes: JSON.parse(payload.system_attributes_json) as MessageAttributeMap,
    senderId: row.sender_id,
    sentAt: row.sent_at,
    groupId: groupIdOf(row.group_id),
    deduplicationId: row.dedup_id,
    receiveCount: row.receive_count,
    firstReceivedAt: row.first_received_at,
    visibleAt: row.visible_at,
  };
}

// The token is added to the fresh peek object rather than spread into a new one: V8 keeps objects made by a
// spread plus more properties alive through young-generation collections (see actionContext in api/dispatch.ts).
export function toClaimedMessage(row: MessageRow, payload: PayloadRow): ClaimedMessage {
  return Object.assign(toPeekedMessage(row, payload), { receiptToken: row.receipt_token ?? '' });
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
