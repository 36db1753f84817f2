import { z } from 'zod';
import { ownRecord } from './shared/own-record.js';
import { attributesForUpdate } from '../core/queue-attributes.js';
import { defineAction } from './define-action.js';
import { QueueUrlInput, requireQueue } from './shared/queue.js';
import { checkRedrivePolicy } from './shared/redrive.js';
import { saveAttributes } from './shared/save-attributes.js';

export const SetQueueAttributesInput = z.object({
  QueueUrl: QueueUrlInput,
  Attributes: ownRecord(z.string()),
});

export const setQueueAttributes = defineAction('SetQueueAttributes', () => SetQueueAttributesInput, async (input, ctx) => {
  const queue = await requireQueue(ctx, input.QueueUrl);
  const attributes = attributesForUpdate(queue.fifo, queue.attributes, input.Attributes, ctx.limits.maxMessageBytes);
  if ('RedrivePolicy' in input.Attributes) await checkRedrivePolicy(ctx, queue, attributes);
  await saveAttributes(ctx, queue, attributes);
  return {};
});
