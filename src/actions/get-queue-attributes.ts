import { z } from 'zod';
import { needsStats, renderQueueAttributes } from '../core/queue-attributes.js';
import { defineAction } from './define-action.js';
import { arnOf, QueueUrlInput, requireQueue } from './shared/queue.js';

export const GetQueueAttributesInput = z.object({
  QueueUrl: QueueUrlInput,
  AttributeNames: z.array(z.string()).optional(),
});

export const getQueueAttributes = defineAction('GetQueueAttributes', () => GetQueueAttributesInput, async (input, ctx) => {
  const queue = await requireQueue(ctx, input.QueueUrl, 'GetQueueAttributes');
  const names = input.AttributeNames ?? [];
  // Counting is the only costly part, so it runs only when an Approximate* attribute is asked for.
  const stats = needsStats(names) ? await ctx.storage.queueStats(queue.id, ctx.clock.now()) : undefined;
  return { Attributes: renderQueueAttributes({ queue, names, arn: arnOf(ctx, queue), stats }) };
});
