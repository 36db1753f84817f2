import { z } from 'zod';
import { defineAction } from './define-action.js';
import { MaxResultsInput, paginate, urlOf } from './shared/queue.js';

export const ListQueuesInput = z.object({
  QueueNamePrefix: z.string().optional(),
  MaxResults: MaxResultsInput,
  NextToken: z.string().optional(),
});

export const listQueues = defineAction('ListQueues', () => ListQueuesInput, async (input, ctx) => {
  const { page, nextToken } = await paginate(input.MaxResults, input.NextToken, (afterName, limit) =>
    ctx.storage.listQueues({
      account: ctx.request.accountId,
      prefix: input.QueueNamePrefix,
      after: afterName === undefined ? undefined : { account: ctx.request.accountId, name: afterName },
      limit,
    }),
  );
  return { QueueUrls: page.map((queue) => urlOf(ctx, queue)), NextToken: nextToken };
});
