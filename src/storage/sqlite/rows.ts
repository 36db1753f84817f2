// Row shapes as better-sqlite3 returns them, and their mapping to the domain types of core/types.ts.

import type { QueueRecord } from '../../core/types.js';
import { frozenQueueRecord, type QueueMode } from '../message-rows.js';

export {
  groupIdOf,
  type MessageColumns,
  type MessageRow,
  type MoveTaskRow,
  type PayloadRow,
  type QueueMode,
  toClaimedMessage,
  toMoveTaskRecord,
  toPeekedMessage,
} from '../message-rows.js';

export interface QueueRow {
  id: number;
  account: string;
  name: string;
  fifo: number;
  fair: number;
  retention_ms: number;
  attributes_json: string;
  created_at: number;
  last_modified_at: number;
  last_purged_at: number | null;
  purge_seq: number | null;
  rederiving: number;
  tags_json: string;
}

/** Columns of a QueueRow; `q` is the queues alias. Tags are folded in so a list is one statement. */
export const QUEUE_COLUMNS = `q.id, q.account, q.name, q.fifo, q.fair, q.retention_ms, q.attributes_json,
  q.created_at, q.last_modified_at, q.last_purged_at, q.purge_seq, q.rederive_to_seq IS NOT NULL AS rederiving,
  (SELECT json_group_object(t.key, t.value) FROM queue_tags t WHERE t.queue_id = q.id) AS tags_json`;

export function toQueueRecord(row: QueueRow): QueueRecord {
  return frozenQueueRecord(row, row.fifo === 1, JSON.parse(row.tags_json) as Record<string, string>);
}

/** A queue as storage works with it: the domain record plus the columns storage derives from it. */
export interface QueueState {
  readonly id: number;
  readonly account: string;
  readonly name: string;
  readonly fifo: boolean;
  readonly mode: QueueMode;
  readonly retentionMs: number;
  /** While a purge's chunks are being deleted: messages up to this seq are purged (bulk-delete.ts). */
  readonly purgeSeq: number | null;
  /** While its messages are being re-derived in chunks (rederive.ts), e.g. moved to a fair queue's keys. */
  readonly rederiving: boolean;
  readonly record: QueueRecord;
}

export function toQueueState(row: QueueRow): QueueState {
  const mode: QueueMode = row.fifo === 1 ? 'fifo' : row.fair === 1 ? 'fair' : 'plain';
  return {
    id: row.id,
    account: row.account,
    name: row.name,
    fifo: row.fifo === 1,
    mode,
    retentionMs: row.retention_ms,
    purgeSeq: row.purge_seq,
    rederiving: row.rederiving === 1,
    record: toQueueRecord(row),
  };
}
