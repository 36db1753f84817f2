import { z } from 'zod';
import { SqsError } from '../core/errors.js';
import type { ReceiptRef } from '../core/types.js';
import { defineAction } from './define-action.js';
import { type BatchFailure, BatchEntryId, batchResult, checkBatchEntries, failureOf } from './shared/batch.js';
import { deleteError } from './shared/handle-outcomes.js';
import { QueueUrlInput, requireQueue } from './shared/queue.js';
import { receiptOf } from './shared/receipt.js';

export const DeleteMessageBatchInput = z.object({
  QueueUrl: QueueUrlInput,
  Entries: z.array(z.object({ Id: BatchEntryId, ReceiptHandle: z.string() })),
});

export const deleteMessageBatch = defineAction('DeleteMessageBatch', () => DeleteMessageBatchInput, async (input, ctx) => {
  const queue = await requireQueue(ctx, input.QueueUrl);
  checkBatchEntries(input.Entries, 'DeleteMessageBatchRequestEntry');
  const failed: BatchFailure[] = [];
  const valid: { Id: string; handle: string; ref: ReceiptRef }[] = [];
  for (const entry of input.Entries) {
    try {
      valid.push({ Id: entry.Id, handle: entry.ReceiptHandle, ref: receiptOf(queue, entry.ReceiptHandle) });
    } catch (error) {
      if (!(error instanceof SqsError)) throw error;
      failed.push(failureOf(entry.Id, error));
    }
  }
  const outcomes = valid.length
    ? await ctx.storage.deleteMessages(queue.id, valid.map(({ ref }) => ({ ref, allowStale: !queue.fifo })), ctx.clock.now())
    : [];
  const successful: { Id: string }[] = [];
  valid.forEach((entry, index) => {
    const error = deleteError(entry.handle, outcomes[index]!);
    if (error) failed.push(failureOf(entry.Id, error));
    else successful.push({ Id: entry.Id });
  });
  if (queue.fifo && successful.length > 0) ctx.waiters.notify(queue.id);
  ctx.metrics?.messagesDeleted(queue, successful.length);
  return batchResult(successful, failed);
});
