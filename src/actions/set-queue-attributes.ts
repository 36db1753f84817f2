import { z } from 'zod';
import { ownRecord } from './shared/own-record.js';
import { attributesForUpdate } from '../core/queue-attributes.js';
import type { QueueRecord } from '../core/types.js';
import { defineAction } from './define-action.js';
import { QueueUrlInput, requireQueue } from './shared/queue.js';
import { checkRedrivePolicy } from './shared/redrive.js';
import { saveAttributes } from './shared/save-attributes.js';

export const SetQueueAttributesInput = z.object({
  QueueUrl: QueueUrlInput,
  Attributes: ownRecord(z.string()),
});

export const setQueueAttributes = defineAction('SetQueueAttributes', () => SetQueueAttributesInput, async (input, ctx) => {
  const queue = await requireQueue(ctx, input.QueueUrl, 'SetQueueAttributes');
  const update = (current: QueueRecord) =>
    attributesForUpdate(current.fifo, current.attributes, input.Attributes, ctx.limits.maxMessageBytes);
  // Validated up front (errors come before any lookup), then applied to the queue as it is when stored.
  const attributes = update(queue);
  if ('RedrivePolicy' in input.Attributes) await checkRedrivePolicy(ctx, queue, attributes);
  await saveAttributes(ctx, queue.id, update);
  return {};
});
