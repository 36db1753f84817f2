// What a message keeps and what changes when storage moves it to another queue (a dead-letter redrive or
// a message move task), shared by both adapters' relocate.ts, which differ only in their SQL.

import type { MessageAttributeMap, RedriveTarget } from '../core/types.js';
import type { MessageRow } from './message-rows.js';

export interface RelocateTarget {
  queueId: number;
  fifo: boolean;
}

/** What changes about the message in its new queue. */
export interface RelocateFields {
  visibleAt: number;
  enqueuedAt: number;
  expiresAt: number;
  receiveCount: number;
  firstReceivedAt: number | null;
  receivedAt: number | null;
  editSystemAttributes: (attributes: MessageAttributeMap) => MessageAttributeMap;
}

/**
 * A redrive to the dead-letter queue: same id, body, attributes, receive count and sent time, receivable
 * there at once, with DeadLetterQueueSourceArn added; a FIFO DLQ restarts the retention clock.
 */
export function deadLetterFields(row: MessageRow, redrive: RedriveTarget, now: number): RelocateFields {
  const enqueuedAt = redrive.resetEnqueueTime ? now : row.enqueued_at;
  return {
    visibleAt: now,
    enqueuedAt,
    expiresAt: enqueuedAt + redrive.deadLetterRetentionMs,
    receiveCount: row.receive_count,
    firstReceivedAt: row.first_received_at,
    receivedAt: row.received_at,
    editSystemAttributes: (attributes) => ({
      ...attributes,
      DeadLetterQueueSourceArn: { DataType: 'String', StringValue: redrive.sourceArn },
    }),
  };
}

/**
 * A message move task's move: a fresh message in the target (receivable now, never received, its
 * retention restarting as for a re-send), with no DeadLetterQueueSourceArn any more.
 */
export function movedFields(now: number, targetRetentionMs: number): RelocateFields {
  return {
    visibleAt: now,
    enqueuedAt: now,
    expiresAt: now + targetRetentionMs,
    receiveCount: 0,
    firstReceivedAt: null,
    receivedAt: null,
    editSystemAttributes: ({ DeadLetterQueueSourceArn: _removed, ...rest }) => rest,
  };
}
