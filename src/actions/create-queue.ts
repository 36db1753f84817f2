import { z } from 'zod';
import { ownRecord } from './shared/own-record.js';
import { SqsErrors } from '../core/errors.js';
import { QUEUE_RECREATE_DELAY_MS } from '../core/limits.js';
import { attributesForCreate, differingAttribute, queueSettings } from '../core/queue-attributes.js';
import { validateQueueName } from '../core/queue-url.js';
import { defineAction } from './define-action.js';
import { urlOf } from './shared/queue.js';
import { checkRedrivePolicy } from './shared/redrive.js';
import { checkTags, TagsInput } from './shared/tags.js';

// CreateQueue takes lowercase `tags` (an AWS model quirk), unlike TagQueue's `Tags`.
export const CreateQueueInput = z.object({
  QueueName: z.string(),
  Attributes: ownRecord(z.string()).optional(),
  tags: TagsInput.optional(),
});

export const createQueue = defineAction('CreateQueue', () => CreateQueueInput, async (input, ctx) => {
  validateQueueName(input.QueueName);
  const { fifo, attributes } = attributesForCreate(input.QueueName, input.Attributes, ctx.limits.maxMessageBytes);
  checkTags(input.tags ?? {});
  const account = ctx.request.accountId;
  await checkRedrivePolicy(ctx, { account, name: input.QueueName, fifo }, attributes);
  const settings = queueSettings(attributes);
  const result = await ctx.storage.createQueue(
    {
      account,
      name: input.QueueName,
      fifo,
      attributes,
      tags: input.tags ?? {},
      retentionMs: settings.messageRetentionPeriodSeconds * 1000,
      deadLetterTargetArn: settings.redrivePolicy?.deadLetterTargetArn ?? null,
    },
    ctx.clock.now(),
    QUEUE_RECREATE_DELAY_MS,
  );
  if (result.outcome === 'deletedRecently') throw SqsErrors.queueDeletedRecently();
  if (result.outcome === 'exists') {
    // Idempotent when every requested attribute equals the current value (AWS compares values, not presence).
    const differing = differingAttribute(result.queue.attributes, input.Attributes, ctx.limits.maxMessageBytes);
    if (differing !== null) throw SqsErrors.queueNameExists(differing);
  }
  return { QueueUrl: urlOf(ctx, result.queue) };
});
