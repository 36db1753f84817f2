import { z } from 'zod';
import { SqsErrors } from '../core/errors.js';
import { defineAction } from './define-action.js';
import { urlOf } from './shared/queue.js';

export const GetQueueUrlInput = z.object({ QueueName: z.string(), QueueOwnerAWSAccountId: z.string().optional() });

export const getQueueUrl = defineAction('GetQueueUrl', () => GetQueueUrlInput, async (input, ctx) => {
  const caller = ctx.request.accountId;
  const owner = ctx.identity.multiAccount ? (input.QueueOwnerAWSAccountId ?? caller) : caller;
  // While callers share one account, naming any other owner finds nothing (there is no other account).
  const queue = input.QueueOwnerAWSAccountId === undefined || input.QueueOwnerAWSAccountId === owner
    ? await ctx.storage.getQueue(owner, input.QueueName)
    : undefined;
  if (!queue) throw SqsErrors.queueDoesNotExist();
  return { QueueUrl: urlOf(ctx, queue) };
});
