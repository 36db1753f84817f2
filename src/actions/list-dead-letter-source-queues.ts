import { z } from 'zod';
import { defineAction } from './define-action.js';
import { arnOf, MaxResultsInput, paginate, QueueUrlInput, requireQueue, urlOf } from './shared/queue.js';

export const ListDeadLetterSourceQueuesInput = z.object({
  QueueUrl: QueueUrlInput,
  MaxResults: MaxResultsInput,
  NextToken: z.string().optional(),
});

export const listDeadLetterSourceQueues = defineAction(
  'ListDeadLetterSourceQueues',
  () => ListDeadLetterSourceQueuesInput,
  async (input, ctx) => {
    const queue = await requireQueue(ctx, input.QueueUrl, 'ListDeadLetterSourceQueues');
    const { page, nextToken } = await paginate(input.MaxResults, input.NextToken, (afterName, limit) =>
      ctx.storage.listDeadLetterSources(arnOf(ctx, queue), { afterName, limit }),
    );
    // `queueUrls` is lowercase in the AWS model, and required: it is sent even when empty.
    return { queueUrls: page.map((source) => urlOf(ctx, source)), NextToken: nextToken };
  },
);
