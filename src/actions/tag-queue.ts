import { z } from 'zod';
import { defineAction } from './define-action.js';
import { QueueUrlInput, requireQueue } from './shared/queue.js';
import { checkTags, MAX_TAGS, TagsInput, tooManyTags } from './shared/tags.js';
import { SqsErrors } from '../core/errors.js';

export const TagQueueInput = z.object({ QueueUrl: QueueUrlInput, Tags: TagsInput });

export const tagQueue = defineAction('TagQueue', () => TagQueueInput, async (input, ctx) => {
  const queue = await requireQueue(ctx, input.QueueUrl, 'TagQueue');
  checkTags(input.Tags);
  const outcome = await ctx.storage.tagQueue(queue.id, input.Tags, MAX_TAGS);
  if (outcome === 'overLimit') throw tooManyTags();
  if (outcome === 'queueGone') throw SqsErrors.queueDoesNotExist();
  return {};
});
