// Row shapes as node-postgres returns them (bigints parsed as numbers by open.ts, json as objects) and
// their mapping to the domain types of core/types.ts. Mirrors sqlite/rows.ts.

import type { ClaimedMessage, QueueRecord, StoredMessage } from '../../core/types.js';
import * as shared from '../message-rows.js';
import { frozenQueueRecord, type QueueMode } from '../message-rows.js';

export { groupKey, type MoveTaskRow, type QueueMode, toMoveTaskRecord } from '../message-rows.js';

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
  return frozenQueueRecord(row, row.fifo, row.tags);
}


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

/** A whole message row: the hot columns and, in the same row here, the payload. */
export type MessageRow = shared.MessageRow & shared.PayloadRow;

/** Every column of a message row. */
export const MESSAGE_COLUMNS = `seq, queue_id, message_id, group_id, dedup_id, sender_id, md5_of_body, sent_at,
  enqueued_at, visible_at, expires_at, receive_count, first_received_at, received_at, receipt_token,
  body, attributes_json, system_attributes_json`;

export const toPeekedMessage = (row: MessageRow): StoredMessage & { visibleAt: number } => shared.toPeekedMessage(row, row);
export const toClaimedMessage = (row: MessageRow): ClaimedMessage => shared.toClaimedMessage(row, row);
