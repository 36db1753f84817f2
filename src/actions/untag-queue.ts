import { z } from 'zod';
import { defineAction } from './define-action.js';
import { QueueUrlInput, requireQueue } from './shared/queue.js';

export const UntagQueueInput = z.object({ QueueUrl: QueueUrlInput, TagKeys: z.array(z.string()) });

export const untagQueue = defineAction('UntagQueue', () => UntagQueueInput, async (input, ctx) => {
  const queue = await requireQueue(ctx, input.QueueUrl);
  await ctx.storage.untagQueue(queue.id, input.TagKeys);
  return {};
});
