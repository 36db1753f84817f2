import { z } from 'zod';
import { defineAction } from './define-action.js';
import { deleteError } from './shared/handle-outcomes.js';
import { QueueUrlInput, requireQueue } from './shared/queue.js';
import { receiptOf } from './shared/receipt.js';

export const DeleteMessageInput = z.object({ QueueUrl: QueueUrlInput, ReceiptHandle: z.string() });

export const deleteMessage = defineAction('DeleteMessage', () => DeleteMessageInput, async (input, ctx) => {
  const queue = await requireQueue(ctx, input.QueueUrl);
  const ref = receiptOf(queue, input.ReceiptHandle);
  const [outcome] = await ctx.storage.deleteMessages(queue.id, [{ ref, allowStale: !queue.fifo }], ctx.clock.now());
  const error = deleteError(input.ReceiptHandle, outcome!);
  if (error) throw error;
  ctx.metrics?.messagesDeleted(queue, 1);
  // Deleting a FIFO message can unblock the next one in its group.
  if (queue.fifo) ctx.waiters.notify(queue.id);
  return {};
});
