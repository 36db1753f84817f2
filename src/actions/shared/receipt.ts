import { SqsErrors } from '../../core/errors.js';
import { decodeReceiptHandle } from '../../core/ids.js';
import type { QueueRecord, ReceiptRef } from '../../core/types.js';

/** Decodes a receipt handle that must belong to `queue`; malformed or foreign → ReceiptHandleIsInvalid. */
export function receiptOf(queue: QueueRecord, handle: string): ReceiptRef {
  const ref = decodeReceiptHandle(handle);
  if (!ref) throw SqsErrors.receiptHandleIsInvalid(handle);
  if (ref.queueId !== queue.id) throw SqsErrors.receiptHandleOfOtherQueue(handle);
  return ref;
}
