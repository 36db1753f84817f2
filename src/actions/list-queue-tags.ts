import { z } from 'zod';
import { defineAction } from './define-action.js';
import { QueueUrlInput, requireQueue } from './shared/queue.js';

export const ListQueueTagsInput = z.object({ QueueUrl: QueueUrlInput });

export const listQueueTags = defineAction('ListQueueTags', () => ListQueueTagsInput, async (input, ctx) => {
  const queue = await requireQueue(ctx, input.QueueUrl, 'ListQueueTags');
  return { Tags: queue.tags };
});
