import { z } from 'zod';
import type { ActionContext } from '../../core/context.js';
import { SqsErrors } from '../../core/errors.js';
import { type QueueAddress, queueArnOf, queueUrlParts, queueUrlOf } from '../../core/queue-url.js';
import type { QueueRecord } from '../../core/types.js';

export const QueueUrlInput = z.string();

/**
 * Resolves a QueueUrl (or bare name) to its queue, or throws QueueDoesNotExist. The owner is the account
 * the URL names when callers have accounts of their own (ServerIdentity.multiAccount), else the caller's.
 */
export async function requireQueue(ctx: ActionContext, queueUrl: string): Promise<QueueRecord> {
  const parts = queueUrlParts(queueUrl);
  if (parts === null) throw SqsErrors.queueDoesNotExist();
  const owner = ctx.identity.multiAccount ? (parts.account ?? ctx.request.accountId) : ctx.request.accountId;
  const queue = await ctx.storage.getQueue(owner, parts.name);
  if (!queue) throw SqsErrors.queueDoesNotExist();
  return queue;
}

export function urlOf(ctx: ActionContext, queue: QueueAddress): string {
  return queueUrlOf(ctx.request.baseUrl, queue);
}

export function arnOf(ctx: ActionContext, queue: QueueAddress): string {
  return queueArnOf(ctx.identity.region, queue);
}

/** ListQueues-style pagination: the token is the last name returned, opaque to clients. */
export const pageToken = {
  encode: (lastName: string) => Buffer.from(lastName, 'utf8').toString('base64url'),
  decode: (token: string): string => {
    const name = Buffer.from(token, 'base64url').toString('utf8');
    if (name.length === 0) throw SqsErrors.invalidParameterValue('Invalid NextToken value.');
    return name;
  },
};

/**
 * Fetches one page of queue records and shapes AWS's answer: a NextToken only when MaxResults was given
 * and more remain (reference §2 ListQueues).
 */
export async function paginate(
  maxResults: number | undefined,
  nextToken: string | undefined,
  fetch: (afterName: string | undefined, limit: number) => Promise<QueueRecord[]>,
): Promise<{ page: QueueRecord[]; nextToken?: string }> {
  const limit = maxResults ?? 1000;
  const rows = await fetch(nextToken === undefined ? undefined : pageToken.decode(nextToken), limit + 1);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return maxResults !== undefined && rows.length > limit && last ? { page, nextToken: pageToken.encode(last.name) } : { page };
}

export const MaxResultsInput = z
  .number()
  .int()
  .min(1, 'Must be between 1 and 1000, if provided.')
  .max(1000, 'Must be between 1 and 1000, if provided.')
  .optional();
