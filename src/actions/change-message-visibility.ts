import { z } from 'zod';
import { MAX_VISIBILITY_TIMEOUT_SECONDS } from '../core/limits.js';
import { defineAction } from './define-action.js';
import { VISIBILITY_RANGE_REASON, visibilityError } from './shared/handle-outcomes.js';
import { QueueUrlInput, requireQueue } from './shared/queue.js';
import { receiptOf } from './shared/receipt.js';

export const VisibilityTimeoutInput = z
  .number()
  .int()
  .min(0, VISIBILITY_RANGE_REASON)
  .max(MAX_VISIBILITY_TIMEOUT_SECONDS, VISIBILITY_RANGE_REASON);

export const ChangeMessageVisibilityInput = z.object({
  QueueUrl: QueueUrlInput,
  ReceiptHandle: z.string(),
  VisibilityTimeout: VisibilityTimeoutInput,
});

export const MAX_VISIBLE_AFTER_RECEIVE_MS = MAX_VISIBILITY_TIMEOUT_SECONDS * 1000;

export const changeMessageVisibility = defineAction(
  'ChangeMessageVisibility',
  () => ChangeMessageVisibilityInput,
  async (input, ctx) => {
    const queue = await requireQueue(ctx, input.QueueUrl, 'ChangeMessageVisibility');
    const ref = receiptOf(queue, input.ReceiptHandle);
    const now = ctx.clock.now();
    const [outcome] = await ctx.storage.changeVisibilities(
      queue.id,
      [
        {
          ref,
          visibleAt: now + input.VisibilityTimeout * 1000,
          maxVisibleAfterReceiveMs: MAX_VISIBLE_AFTER_RECEIVE_MS,
          allowStale: !queue.fifo,
        },
      ],
      now,
    );
    const error = visibilityError(input.ReceiptHandle, input.VisibilityTimeout, outcome!);
    if (error) throw error;
    // Shortened visibility makes the message receivable sooner than parked polls planned: one re-plans.
    ctx.waiters.notify(queue.id, 1);
    return {};
  },
);
