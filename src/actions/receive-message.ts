import { z } from 'zod';
import { MAX_VISIBILITY_TIMEOUT_SECONDS, MAX_WAIT_TIME_SECONDS } from '../core/limits.js';
import { SqsErrors } from '../core/errors.js';
import { queueSettings } from '../core/queue-attributes.js';
import type { ReceiveRequest, ReceiveResult } from '../storage/storage.js';
import type { ActionContext } from '../core/context.js';
import { defineAction } from './define-action.js';
import { VISIBILITY_RANGE_REASON } from './shared/handle-outcomes.js';
import { QueueUrlInput, requireQueue } from './shared/queue.js';
import { redriveTargetOf } from './shared/redrive.js';
import { renderReceivedMessage } from './shared/render-message.js';

const MAX_REASON = 'Must be between 1 and 10, if provided.';
const WAIT_REASON = `Must be >= 0 and <= ${MAX_WAIT_TIME_SECONDS}, if provided.`;

export const ReceiveMessageInput = z.object({
  QueueUrl: QueueUrlInput,
  AttributeNames: z.array(z.string()).optional(),
  MessageSystemAttributeNames: z.array(z.string()).optional(),
  MessageAttributeNames: z.array(z.string()).optional(),
  MaxNumberOfMessages: z.number().int().min(1, MAX_REASON).max(10, MAX_REASON).optional(),
  VisibilityTimeout: z.number().int().min(0, VISIBILITY_RANGE_REASON).max(MAX_VISIBILITY_TIMEOUT_SECONDS, VISIBILITY_RANGE_REASON).optional(),
  WaitTimeSeconds: z.number().int().min(0, WAIT_REASON).max(MAX_WAIT_TIME_SECONDS, WAIT_REASON).optional(),
  ReceiveRequestAttemptId: z
    .string()
    .regex(/^[\x21-\x7e]{1,128}$/, 'ReceiveRequestAttemptId can only include alphanumeric and punctuation characters. 1 to 128 in length.')
    .optional(),
});

const NOTHING: Pick<ReceiveResult, 'messages'> = { messages: [] };

/**
 * Claims messages, and while none are available and the wait time is not over, parks on the queue's
 * waiter until a send/visibility change/redrive notifies it or the next delayed or in-flight message is
 * due (R10: events, not sleeps). The version read before each claim closes the race with a concurrent send.
 * A queue deleted meanwhile ends the poll with no messages.
 */
async function claimWithLongPoll(
  ctx: ActionContext,
  request: ReceiveRequest,
  deadline: number,
): Promise<Pick<ReceiveResult, 'messages'>> {
  for (;;) {
    const version = ctx.waiters.version(request.queueId);
    // Refreshed in place, not copied with a spread (see actionContext in api/dispatch.ts).
    request.now = ctx.clock.now();
    const result = await ctx.storage.receiveMessages(request);
    if (result === 'queueGone') return NOTHING;
    // AWS quotas: a standard queue at its in-flight limit answers OverLimit; a FIFO queue returns nothing
    // and no error, so its long poll waits on (for a visibility timeout to end, or for the deadline).
    if (result.inFlightLimitReached && !request.fifo) throw SqsErrors.tooManyInFlight(request.maxInFlight);
    for (const queueId of result.redrivenTo) ctx.waiters.notify(queueId, request.max);
    // A full batch may have left more behind: the next waiter gets its turn (notify wakes only as many
    // waiters as messages became available, so this keeps a backlog moving through parked polls).
    if (result.messages.length === request.max) ctx.waiters.notify(request.queueId, 1);
    const done = result.messages.length > 0 || ctx.clock.now() >= deadline;
    if (done || ctx.request.signal.aborted || ctx.waiters.closed) return result;
    // A shared-database store bounds the wait, so a lost wake-up from another node only delays a message.
    const until = Math.min(deadline, result.nextVisibleAt ?? deadline, ctx.clock.now() + (ctx.storage.pollFallbackMs ?? Infinity));
    await ctx.waiters.wait(request.queueId, { until, signal: ctx.request.signal, sinceVersion: version });
  }
}

export const receiveMessage = defineAction('ReceiveMessage', () => ReceiveMessageInput, async (input, ctx) => {
  const queue = await requireQueue(ctx, input.QueueUrl, 'ReceiveMessage');
  const settings = queueSettings(queue.attributes);
  const waitSeconds = input.WaitTimeSeconds ?? settings.receiveMessageWaitTimeSeconds;
  const result = await claimWithLongPoll(
    ctx,
    {
      queueId: queue.id,
      fifo: queue.fifo,
      max: input.MaxNumberOfMessages ?? 1,
      visibilityMs: (input.VisibilityTimeout ?? settings.visibilityTimeoutSeconds) * 1000,
      redrive: await redriveTargetOf(ctx, queue),
      attemptId: queue.fifo ? input.ReceiveRequestAttemptId : undefined,
      maxInFlight: queue.fifo ? ctx.limits.maxInFlightFifo : ctx.limits.maxInFlightStandard,
      now: 0, // set before each claim
    },
    ctx.clock.now() + waitSeconds * 1000,
  );
  ctx.metrics?.messagesReceived(queue, result.messages.length);
  // When both lists are sent, MessageSystemAttributeNames governs (observed on AWS, reference §2).
  const selection = {
    systemAttributeNames: input.MessageSystemAttributeNames ?? input.AttributeNames,
    messageAttributeNames: input.MessageAttributeNames,
  };
  return { Messages: result.messages.map((message) => renderReceivedMessage(queue, message, selection)) };
});
