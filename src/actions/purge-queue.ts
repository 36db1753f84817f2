import { z } from 'zod';
import { SqsErrors } from '../core/errors.js';
import { PURGE_INTERVAL_MS } from '../core/limits.js';
import { defineAction } from './define-action.js';
import { QueueUrlInput, requireQueue } from './shared/queue.js';

export const PurgeQueueInput = z.object({ QueueUrl: QueueUrlInput });

export const purgeQueue = defineAction('PurgeQueue', () => PurgeQueueInput, async (input, ctx) => {
  const queue = await requireQueue(ctx, input.QueueUrl, 'PurgeQueue');
  // AWS allows one purge per queue every 60 seconds and answers 403 PurgeQueueInProgress otherwise.
  const outcome = await ctx.storage.purgeQueue(queue.id, ctx.clock.now(), PURGE_INTERVAL_MS);
  if (outcome === 'tooSoon') throw SqsErrors.purgeQueueInProgress(queue.name);
  if (outcome === 'queueGone') throw SqsErrors.queueDoesNotExist();
  return {};
});
