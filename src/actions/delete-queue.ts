import { z } from 'zod';
import { defineAction } from './define-action.js';
import { QueueUrlInput, requireQueue } from './shared/queue.js';

export const DeleteQueueInput = z.object({ QueueUrl: QueueUrlInput });

export const deleteQueue = defineAction('DeleteQueue', () => DeleteQueueInput, async (input, ctx) => {
  const queue = await requireQueue(ctx, input.QueueUrl, 'DeleteQueue');
  await ctx.storage.deleteQueue(queue.id, ctx.clock.now());
  // Long polls parked on the queue return empty instead of waiting out their time.
  ctx.waiters.forget(queue.id);
  return {};
});
