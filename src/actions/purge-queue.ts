import { z } from 'zod';
import { SqsErrors } from '../core/errors.js';
import { PURGE_INTERVAL_MS } from '../core/limits.js';
import { defineAction } from './define-action.js';
import { QueueUrlInput, requireQueue } from './shared/queue.js';

export const PurgeQueueInput = z.object({ QueueUrl: QueueUrlInput });

export const purgeQueue = defineAction('PurgeQueue', () => PurgeQueueInput, async (input, ctx) => {
  const queue = await requireQueue(ctx, input.QueueUrl);
  const now = ctx.clock.now();
  // AWS allows one purge per queue every 60 seconds and answers 403 PurgeQueueInProgress otherwise.
  if (queue.lastPurgedAt !== null && now - queue.lastPurgedAt < PURGE_INTERVAL_MS) {
    throw SqsErrors.purgeQueueInProgress(queue.name);
  }
  await ctx.storage.purgeQueue(queue.id, now);
  return {};
});
