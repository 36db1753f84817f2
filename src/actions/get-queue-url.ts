import { z } from 'zod';
import { SqsErrors } from '../core/errors.js';
import { defineAction } from './define-action.js';
import { urlOf } from './shared/queue.js';

export const GetQueueUrlInput = z.object({ QueueName: z.string(), QueueOwnerAWSAccountId: z.string().optional() });

export const getQueueUrl = defineAction('GetQueueUrl', () => GetQueueUrlInput, async (input, ctx) => {
  const owner = input.QueueOwnerAWSAccountId;
  const queue = owner === undefined || owner === ctx.identity.accountId ? await ctx.storage.getQueue(input.QueueName) : undefined;
  if (!queue) throw SqsErrors.queueDoesNotExist();
  return { QueueUrl: urlOf(ctx, queue) };
});
