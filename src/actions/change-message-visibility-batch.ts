import { z } from 'zod';
import { SqsError } from '../core/errors.js';
import type { ReceiptRef } from '../core/types.js';
import { MAX_VISIBLE_AFTER_RECEIVE_MS, VisibilityTimeoutInput } from './change-message-visibility.js';
import { defineAction } from './define-action.js';
import { type BatchFailure, BatchEntryId, batchResult, checkBatchEntries, failureOf } from './shared/batch.js';
import { visibilityError } from './shared/handle-outcomes.js';
import { QueueUrlInput, requireQueue } from './shared/queue.js';
import { receiptOf } from './shared/receipt.js';

export const ChangeMessageVisibilityBatchInput = z.object({
  QueueUrl: QueueUrlInput,
  Entries: z.array(
    // VisibilityTimeout is optional in the model; an entry without it makes the message visible at once.
    z.object({ Id: BatchEntryId, ReceiptHandle: z.string(), VisibilityTimeout: VisibilityTimeoutInput.optional() }),
  ),
});

export const changeMessageVisibilityBatch = defineAction(
  'ChangeMessageVisibilityBatch',
  () => ChangeMessageVisibilityBatchInput,
  async (input, ctx) => {
    const queue = await requireQueue(ctx, input.QueueUrl, 'ChangeMessageVisibility');
    checkBatchEntries(input.Entries, 'ChangeMessageVisibilityBatchRequestEntry');
    const now = ctx.clock.now();
    const failed: BatchFailure[] = [];
    const valid: { Id: string; handle: string; seconds: number; ref: ReceiptRef }[] = [];
    for (const entry of input.Entries) {
      try {
        const ref = receiptOf(queue, entry.ReceiptHandle);
        valid.push({ Id: entry.Id, handle: entry.ReceiptHandle, seconds: entry.VisibilityTimeout ?? 0, ref });
      } catch (error) {
        if (!(error instanceof SqsError)) throw error;
        failed.push(failureOf(entry.Id, error));
      }
    }
    const changes = valid.map(({ ref, seconds }) => ({
      ref,
      visibleAt: now + seconds * 1000,
      maxVisibleAfterReceiveMs: MAX_VISIBLE_AFTER_RECEIVE_MS,
      allowStale: !queue.fifo,
    }));
    const outcomes = changes.length ? await ctx.storage.changeVisibilities(queue.id, changes, now) : [];
    const successful: { Id: string }[] = [];
    valid.forEach((entry, index) => {
      const error = visibilityError(entry.handle, entry.seconds, outcomes[index]!);
      if (error) failed.push(failureOf(entry.Id, error));
      else successful.push({ Id: entry.Id });
    });
    // Shortened visibility makes messages receivable sooner than parked polls planned: they re-plan.
    if (successful.length > 0) ctx.waiters.notify(queue.id, successful.length);
    return batchResult(successful, failed);
  },
);
