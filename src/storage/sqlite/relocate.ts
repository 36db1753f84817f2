import type Database from 'better-sqlite3';
import type { MessageAttributeMap } from '../../core/types.js';
import { type GroupOps, storedGroupKey } from './groups.js';
import type { MessageCounts } from './message-counts.js';
import type { QueueReads } from './queues.js';
import { groupIdOf, type MessageRow } from './rows.js';
import type { RelocateFields, RelocateTarget } from '../relocation.js';

// Moves one message to another queue (dead-letter redrive, message move tasks): a new row at the end of the
// target (new seq, so a FIFO target keeps group order), the same message id, body and attributes, then the
// old row is deleted, all in the caller's transaction, so the message is never in both queues or in neither.
// The payload is copied inside SQLite (INSERT ... SELECT): the body never crosses into JS.
// The caller refreshes the source group's head once it is done with that group.

export const relocateSql = {
  systemAttributes: `SELECT system_attributes_json FROM message_payloads WHERE seq = ?`,
  insert: `INSERT INTO messages (queue_id, message_id, group_id, dedup_id, sender_id, md5_of_body, sent_at,
      enqueued_at, visible_at, expires_at, receive_count, first_received_at, received_at, receipt_token)
    VALUES (@queueId, @messageId, @groupId, @dedupId, @senderId, @md5OfBody, @sentAt,
      @enqueuedAt, @visibleAt, @expiresAt, @receiveCount, @firstReceivedAt, @receivedAt, NULL)
    RETURNING seq`,
  copyPayload: `INSERT INTO message_payloads (seq, body, attributes_json, system_attributes_json)
    SELECT @newSeq, body, attributes_json, @systemAttributesJson FROM message_payloads WHERE seq = @oldSeq`,
  delete: `DELETE FROM messages WHERE seq = ?`,
} as const;

export type { RelocateFields, RelocateTarget };

export type Relocate = ReturnType<typeof prepareRelocate>;

export function prepareRelocate(db: Database.Database, deps: { reads: QueueReads; groups: GroupOps; counts: MessageCounts }) {
  const { reads, groups, counts } = deps;
  const systemAttributes = db.prepare<[number], string>(relocateSql.systemAttributes).pluck();
  const insert = db.prepare<object, number>(relocateSql.insert).pluck();
  const copyPayload = db.prepare<{ newSeq: number; oldSeq: number; systemAttributesJson: string }>(
    relocateSql.copyPayload,
  );
  const remove = db.prepare<[number]>(relocateSql.delete);

  /** Returns the message's seq in the target queue. */
  return function relocate(row: MessageRow, target: RelocateTarget, fields: RelocateFields, now: number): number {
    const targetState = reads.info(target.queueId);
    if (!targetState) throw new Error(`queue ${target.queueId} does not exist`);
    // The group key follows the target's mode: an ungrouped message is stored differently in a fair queue.
    const groupId = groupIdOf(row.group_id);
    const mode = groups.admit(target.queueId, groupId, targetState.mode, now);
    const groupKey = storedGroupKey(groupId, mode);
    const oldAttributes = JSON.parse(systemAttributes.get(row.seq) ?? '{}') as MessageAttributeMap;
    const newSeq = insert.get({
      queueId: target.queueId,
      messageId: row.message_id,
      groupId: groupKey,
      dedupId: row.dedup_id,
      senderId: row.sender_id,
      md5OfBody: row.md5_of_body,
      sentAt: row.sent_at,
      enqueuedAt: fields.enqueuedAt,
      visibleAt: fields.visibleAt,
      expiresAt: fields.expiresAt,
      receiveCount: fields.receiveCount,
      firstReceivedAt: fields.firstReceivedAt,
      receivedAt: fields.receivedAt,
    });
    if (newSeq === undefined) throw new Error('message insert returned no seq');
    const systemAttributesJson = JSON.stringify(fields.editSystemAttributes(oldAttributes));
    copyPayload.run({ newSeq, oldSeq: row.seq, systemAttributesJson });
    remove.run(row.seq);
    counts.add(row.queue_id, -1);
    counts.add(target.queueId, 1);
    groups.noteSent(target.queueId, groupKey, newSeq, fields.visibleAt, mode);
    return newSeq;
  };
}
