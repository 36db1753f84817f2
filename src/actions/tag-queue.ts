import { z } from 'zod';
import { defineAction } from './define-action.js';
import { QueueUrlInput, requireQueue } from './shared/queue.js';
import { checkTags, TagsInput } from './shared/tags.js';

export const TagQueueInput = z.object({ QueueUrl: QueueUrlInput, Tags: TagsInput });

export const tagQueue = defineAction('TagQueue', () => TagQueueInput, async (input, ctx) => {
  const queue = await requireQueue(ctx, input.QueueUrl);
  checkTags({ ...queue.tags, ...input.Tags });
  await ctx.storage.tagQueue(queue.id, input.Tags);
  return {};
});
