import { encodeReceiptHandle, sequenceNumberOf } from '../../core/ids.js';
import { md5OfMessageAttributes, selectMessageAttributes, selectSystemAttributes } from '../../core/message-attributes.js';
import type { ClaimedMessage, MessageAttributeMap, QueueRecord } from '../../core/types.js';

export interface AttributeSelection {
  systemAttributeNames: readonly string[] | undefined;
  messageAttributeNames: readonly string[] | undefined;
}

/** Every system attribute this message has, as strings; the receive request picks from these. */
function availableSystemAttributes(queue: QueueRecord, message: ClaimedMessage): Record<string, string> {
  const available: Record<string, string> = {
    SenderId: message.senderId,
    SentTimestamp: String(message.sentAt),
    ApproximateReceiveCount: String(message.receiveCount),
    ApproximateFirstReceiveTimestamp: String(message.firstReceivedAt ?? message.sentAt),
  };
  const stringOf = (map: MessageAttributeMap, name: string) => map[name]?.StringValue;
  const trace = stringOf(message.systemAttributes, 'AWSTraceHeader');
  if (trace !== undefined) available.AWSTraceHeader = trace;
  const deadLetterSource = stringOf(message.systemAttributes, 'DeadLetterQueueSourceArn');
  if (deadLetterSource !== undefined) available.DeadLetterQueueSourceArn = deadLetterSource;
  if (message.groupId !== null) available.MessageGroupId = message.groupId;
  if (queue.fifo) {
    if (message.deduplicationId !== null) available.MessageDeduplicationId = message.deduplicationId;
    available.SequenceNumber = sequenceNumberOf(message.seq);
  }
  return available;
}

const nonEmpty = <T extends object>(value: T): T | undefined => (Object.keys(value).length > 0 ? value : undefined);

export function renderReceivedMessage(queue: QueueRecord, message: ClaimedMessage, selection: AttributeSelection) {
  const attributes = selectMessageAttributes(message.attributes, selection.messageAttributeNames);
  const hasAttributes = Object.keys(attributes).length > 0;
  return {
    MessageId: message.messageId,
    ReceiptHandle: encodeReceiptHandle({ queueId: queue.id, seq: message.seq, receiptToken: message.receiptToken }),
    MD5OfBody: message.md5OfBody,
    Body: message.body,
    Attributes: nonEmpty(selectSystemAttributes(availableSystemAttributes(queue, message), selection.systemAttributeNames)),
    // Computed over the returned subset, not all attributes: the Java SDK verifies exactly that (reference §9.4).
    MD5OfMessageAttributes: hasAttributes ? md5OfMessageAttributes(attributes) : undefined,
    MessageAttributes: hasAttributes ? attributes : undefined,
  };
}
