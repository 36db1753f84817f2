import { z } from 'zod';
import { SqsErrors } from '../core/errors.js';
import { defineAction } from './define-action.js';
import { QueueUrlInput, requireQueue } from './shared/queue.js';

export const UntagQueueInput = z.object({ QueueUrl: QueueUrlInput, TagKeys: z.array(z.string()) });

export const untagQueue = defineAction('UntagQueue', () => UntagQueueInput, async (input, ctx) => {
  const queue = await requireQueue(ctx, input.QueueUrl, 'UntagQueue');
  if ((await ctx.storage.untagQueue(queue.id, input.TagKeys)) === 'queueGone') throw SqsErrors.queueDoesNotExist();
  return {};
});
